"""A red flag's claims catch the flag's own statement of the misconception, and spare its correction.

A flag's ``text`` is the plainest way to state the error; when the claims cannot recognise even that,
reworded versions stand no chance.  These flags' claims were widened in the sixth session until they
did: each must catch its own statement (with the rubric's other flags and vocabulary in place) and
stay silent on its own correction.
"""

from __future__ import annotations

import pytest

from tests.unit.flag_cases import BANK, SCORER

FLAGS = [
    ("coding.flatten-dict", "mutate-while-iterating"),
    ("coding.flatten-dict", "mutable-default-accumulator"),
    ("coding.retry-decorator", "swallow-final-error"),
    ("core.abc-vs-duck-typing", "abc-fails-at-definition"),
    ("core.abc-vs-duck-typing", "abc-call-overhead"),
    ("core.args-kwargs", "bare-star-collects"),
    ("core.args-kwargs", "kwargs-cannot-forward-kw-only"),
    ("core.args-kwargs", "wrapper-needs-updating"),
    ("core.args-kwargs", "kwargs-unordered"),
    ("core.argument-passing", "rebinding-affects-caller"),
    ("core.closures", "partial-late-binds"),
    ("core.collections", "dicts-unordered"),
    ("core.collections", "tuple-fixes-lookup"),
    ("core.context-managers", "cleanup-skipped"),
    ("core.context-managers", "with-swallows-errors"),
    ("core.copying", "deepcopy-everything"),
    ("core.copying", "deepcopy-cycles-fail"),
    ("core.decorators", "times-beside-function"),
    ("core.generators", "listcomp-lazy"),
    ("core.generators", "readlines-lazy"),
    ("core.gil", "threads-multicore"),
    ("core.gil", "threadpool-uses-processes"),
    ("core.iterators", "next-returns-none"),
    ("core.mocking", "hit-real-api"),
    ("core.mocking", "patch-before-import"),
    ("core.mocking", "mock-checks-signature"),
    ("core.mutable-default", "clear-fix"),
    ("core.mutable-default", "result-cached"),
    ("core.yield-from", "collects-list"),
    ("design.ingestion-service", "direct-db-writes"),
    ("design.ingestion-service", "dedupe-by-timestamp"),
    ("design.notification-service", "send-inline"),
    ("framework.deployment", "manual-prod-fix"),
    ("framework.deployment", "secrets-in-git"),
    ("framework.django-n-plus-one", "select-related-reverse"),
    ("framework.fastapi-pydantic", "catch-validation-in-endpoint"),
    ("framework.production-api", "swallow-errors"),
    ("framework.production-api", "rewrite-first"),
    ("framework.sql", "count-star-after-join"),
]


def _said(qid: str, flag_id: str, text: str) -> bool:
    rubric = BANK.rubric(qid)
    flag = next(f for f in rubric.red_flags if f.id == flag_id)
    return flag.text in SCORER.grade(BANK.get(qid), rubric, text).red_flags


@pytest.mark.parametrize(("qid", "flag_id"), FLAGS, ids=[f"{q}:{f}" for q, f in FLAGS])
def test_flag_catches_its_own_statement_and_spares_its_correction(qid: str, flag_id: str) -> None:
    flag = next(f for f in BANK.rubric(qid).red_flags if f.id == flag_id)
    assert _said(qid, flag_id, flag.text[0].upper() + flag.text[1:] + ".")
    assert not _said(qid, flag_id, flag.correction)
