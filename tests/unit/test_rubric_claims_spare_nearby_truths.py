"""Red flags narrowed where they accused strong answers of the error they were rejecting or skirting.

Each flag below fired on a correct sentence that shares its words: a hypothetical bad design named as
the bug to avoid, deepcopy "trying" to copy a lock, a negative cache beside a 302, a for loop's variable
leaking (true) next to the word "comprehension", coroutines that "only" switch at await, metrics that
will drive scaling later, Redis as a cache beside Postgres as the source of truth.  Every row is
invented: a sentence stating the error, which the flag must still catch, and a true sentence near it,
which it must spare.
"""

from __future__ import annotations

import pytest

from tests.unit.flag_cases import case_ids, caught_and_spared

CASES = [
    ("core.context-managers", "with-swallows-errors",
     "The with block swallows the exception for you, so nothing crashes.",
     "A context manager whose __exit__ returns True would swallow the error, which is exactly the bug to avoid."),
    ("core.copying", "deepcopy-anything",
     "deepcopy can copy any object, sockets included.",
     "deepcopy also tries to copy the lock and the client in the config, and that may fail."),
    ("design.url-shortener", "302-cached-too",
     "Browsers cache a 302 just like a 301.",
     "We also keep a negative cache for unknown codes, and every hit is answered with a 302."),
    ("core.closures", "comprehension-var-leaks",
     "The comprehension's loop variable leaks into the enclosing scope.",
     "A plain for loop is worse: its loop variable leaks into the surrounding scope, unlike the comprehension's."),
    ("framework.production-api", "observability-after-launch",
     "Monitoring and alerting can wait until after launch.",
     "Scaling work waits until real metrics show that we need it."),
    ("design.notification-service", "redis-system-of-record",
     "We keep Redis as the system of record for preferences; it is fast enough.",
     "Preferences are cached in Redis, with Postgres as the source of truth."),
    ("core.closures", "comprehension-var-leaks",
     "A list comprehension uses the same scope as the function around it.",
     "Every lambda made in one comprehension shares the same comprehension scope, so they all see one cell."),
    ("core.gil", "green-threads",
     "Python threads are only coroutines under the hood.",
     "asyncio is single-threaded: its coroutines only switch at await points, while threads are real OS threads."),
]


@pytest.mark.parametrize(("qid", "flag", "stated", "correct"), CASES, ids=case_ids(CASES))
def test_the_flag_catches_the_error_and_spares_the_truth(qid: str, flag: str, stated: str, correct: str) -> None:
    caught_and_spared(qid, flag, stated, correct)
