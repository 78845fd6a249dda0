"""Rubric red flags, third round: errors stated in further wordings, and true statements near them spared.

Written in the seventh session from an interviewer's knowledge of each question, not from benchmark
answers.  Each row pairs an invented sentence that states the error (the flag must catch it) with an
invented sentence that says something true in nearby words (the flag must stay silent), so a
widened claim cannot start accusing correct answers.
"""

from __future__ import annotations

import pytest

from tests.unit.flag_cases import case_ids, flags

SPARED = [
    # True statements that share words with an error: a limit removed by an explicit stack, a
    # rolled-back release, one process's copy, the hashing a login library leaves to you.
    ("coding.flatten-dict", "tail-call-optimised",
     "Python has no recursion limit to worry about, it optimises the tail call.",
     "With a loop and an explicit stack of pending dicts there is no recursion limit to hit."),
    ("core.copying", "deepcopy-everything",
     "To be safe I'd always deepcopy everything that comes in.",
     "Note that `deepcopy` copies everything, even a lock or a client you meant to share."),
    ("core.gil", "gil-thread-safety",
     "The GIL makes an increment like counter += 1 atomic, so no lock is needed.",
     "The GIL only keeps single bytecode steps whole; a read-modify-write still needs a lock."),
    ("framework.deployment", "bluegreen-skips-compat",
     "With blue-green releases you don't need backward-compatible migrations.",
     "Expand and contract means rolling back the code doesn't need a schema rollback."),
    ("framework.fastapi-model-loading", "workers-share-model",
     "The four uvicorn workers all share one copy of the model.",
     "Load it once at startup and it is shared by every request in that process."),
    ("framework.flask-auth", "flask-login-hashes",
     "Flask-Login takes care of hashing the passwords for us.",
     "My stack: Flask-Login for the session, bcrypt-hashed passwords, CSRF tokens on forms."),
    ("design.ingestion-service", "exactly-once-free",
     "Kafka's exactly-once mode means partner duplicates are removed for us.",
     "The idempotent producer drops only its own retried sends, so partner resends still need a dedupe key."),
]


IDS = case_ids(SPARED)


@pytest.mark.parametrize(("qid", "flag", "stated", "correct"), SPARED, ids=IDS)
def test_error_is_caught_and_the_true_statement_near_it_spared(qid: str, flag: str, stated: str, correct: str) -> None:
    assert flag in flags(qid, stated)
    assert flag not in flags(qid, correct)
