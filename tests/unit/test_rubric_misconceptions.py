"""Rubric red flags recognise a misconception however it is worded, and leave the correct idea alone.

Each case pairs an invented sentence that states the misconception with one that states the
correct idea in nearby words (or denies the wrong one): the flag must fire on the first only.
"""

from __future__ import annotations

import pytest

from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.scoring.offline import OfflineScorer

BANK = QuestionBank.load(content_root())
SCORER = OfflineScorer()

CASES = [
    ("core.exceptions", "else-on-error",
     "The else branch handles the exceptions that none of the except clauses matched.",
     "The else clause runs only when no exception was raised."),
    ("core.decorators", "decorator-runs-per-call",
     "Python re-evaluates the decorator expression on every call of the function.",
     "The decorator runs once; the wrapper it returns runs every time you call the function."),
    ("core.copying", "dict-constructor-fixes",
     "Dict unpacking creates fresh copies of the nested dicts.",
     "copy.copy and dict unpacking both copy only one level, the nested dicts stay shared."),
    ("core.yield-from", "outer-handles-send",
     "Even with yield from, values passed with send() only reach the outer generator.",
     "With a plain for loop, send() only reaches the outer generator, and you'd have to forward it manually."),
    ("core.yield-from", "no-recursion-limit",
     "With yield from, deep trees no longer risk a RecursionError.",
     "Each level is still a frame, so deep trees still hit the recursion limit."),
    ("core.context-managers", "exit-true-propagates",
     "Returning True from __exit__ tells Python everything went fine.",
     "Returning True from __exit__ suppresses the exception."),
    ("core.context-managers", "after-yield-always-runs",
     "contextlib ensures the cleanup runs even if the body raises.",
     "With @contextmanager, wrap the yield in try/finally so the cleanup runs even if the body raises."),
    ("core.asyncio-mistakes", "blocking-moved-off-loop",
     "The event loop offloads sync code to an executor by itself.",
     "Use asyncio.to_thread to run the blocking call in a thread pool."),
    ("core.collections", "tuple-fixes-lookup",
     "Since tuples are immutable, Python can optimize membership checks on them.",
     "Immutability doesn't make tuple lookups faster; membership is still a linear scan."),
    ("core.abc-vs-duck-typing", "runtime-checkable-signatures",
     "At registration, isinstance verifies the plugin's methods have the right parameters.",
     "isinstance only checks that the methods exist, not that they have the right signatures."),
    ("coding.retry-decorator", "reset-means-not-processed",
     "The payment provider only charges the card if it manages to send the response.",
     "A timeout doesn't mean the charge never went through; it may have succeeded."),
    ("coding.log-pipeline", "readlines-lazy",
     "readlines() reads the file lazily, one line at a time.",
     "readlines loads every line at once, whereas iterating the file reads one line at a time."),
    ("coding.mutable-default-bug", "pytest-fresh-import",
     "Each test starts with a clean default list because pytest reloads the module.",
     "Pytest doesn't reload the module for each test, so the shared default leaks between tests."),
    ("coding.flatten-dict", "clashes-impossible",
     "There's no need for collision detection since keys are always unique.",
     "Keys like 'a.b' can clash with nested paths, so I check for collisions."),
    ("coding.flatten-dict", "parent-key-is-enough",
     "It works at any depth since every recursive call is passed the key of the level above.",
     "Each recursive call receives the full dotted prefix built so far."),
    ("coding.mutable-default-bug", "clear-fixes-it",
     "Without changing the callers, the easy way out is to simply clear the list at the start of every call.",
     "Don't just clear it at the top of the function: the caller still holds the same list."),
    ("framework.fastapi-pydantic", "secretstr-omits-field",
     "Mark the field as SecretStr and it's excluded from the response.",
     "SecretStr doesn't remove the field from the JSON."),
    ("framework.fastapi-model-loading", "async-makes-it-fast",
     "While the model is computing a prediction, the other requests proceed in parallel.",
     "Run predict in a threadpool so that while it computes, other requests keep being served."),
    ("framework.sql", "count-star-after-join",
     "HAVING COUNT(*) > 3 gives the number of orders.",
     "COUNT(DISTINCT o.id) gives the number of orders per customer."),
    ("design.url-shortener", "cached-301-still-counted",
     "Click counts aren't affected by caching since we log clicks server-side.",
     "With a 301, browsers cache the redirect, so click counts are not accurate."),
    ("framework.deployment", "schema-rollback-first",
     "The schema must be rolled back first, old code can't run on the new schema.",
     "Keep migrations backward compatible so the old code can run against the new schema."),
    ("framework.production-api", "replication-is-backup",
     "Managed Postgres replicas mean we don't need backups.",
     "Replication is not a backup: a bad DELETE is replicated instantly."),
    ("framework.production-api", "security-after-launch",
     "We can launch without authentication and add it in a later phase.",
     "Never launch without authentication, even for a pilot."),
    ("behavioral.incident", "bystander",
     "I followed along in Slack while the SREs fixed it.",
     "I was watching the error dashboards when I noticed the spike, so I paged the DB team and rolled back."),
    ("screen.background", "owns-nothing-in-particular",
     "As for what I own, it's really a team effort across the board.",
     "I own the billing service: its roadmap, on-call and reviews."),
    ("screen.project", "no-own-part",
     "Honestly, the architecture was decided by our tech lead and I implemented what I was assigned.",
     "I designed the event schema myself, and the rollout plan was reviewed by our staff engineer."),
    ("screen.motivation", "any-job",
     "Honestly I'd be happy on any team, the product doesn't matter much to me.",
     "I want to learn how you run ML in production."),
    # Sixth session: the central errors of the third dev part, and the ones around them.
    ("core.asyncio-mistakes", "tasks-always-finish",
     "Since the scheduler retains every task until it is finished, a bare create_task call is enough.",
     "Keep the task in a set, because the loop holds only a weak reference and an unreferenced task can disappear."),
    ("core.decorators", "stack-top-applied-first",
     "Which decorator sits on top makes no difference, the wrapped function behaves the same.",
     "Which decorator sits on top matters: the outer one sees every retry of the inner one."),
    ("core.exceptions", "else-on-error",
     "The else clause is the counterpart of except, for the failures the handlers above it did not catch.",
     "The else clause runs only when the try body raised nothing."),
    ("core.mocking", "patch-before-import",
     "Start the patch first, and only import the module under test inside the with block.",
     "Importing inside the test doesn't help once the module is cached; patch the name in orders.services instead."),
    ("core.mutable-default", "list-call-fix",
     "Swap the empty brackets for the list constructor in the signature, which is evaluated again on every call.",
     "Calling list() in the signature is evaluated once at def time, exactly like the brackets."),
    ("framework.deployment", "postgres-ddl-not-transactional",
     "PostgreSQL autocommits each ALTER TABLE, so a broken migration is left half done.",
     "PostgreSQL can run ALTER TABLE inside a transaction, so a broken migration rolls back cleanly."),
    ("framework.production-api", "observability-after-launch",
     "Dashboards and alerting are premature before launch, we can postpone them to the second month.",
     "Error tracking and a couple of alerts go in before launch, so we hear of failures before customers tell us."),
    ("screen.background", "async-beats-gil",
     "We rewrote the pricing service with asyncio, which let a single process crunch the numbers in parallel on all cores.",
     "We rewrote the pricing service with asyncio for the I/O, and kept a process pool for the number crunching."),
    ("screen.motivation", "any-job",
     "Honestly I'm not picky about which team, having your name on my CV is the main draw.",
     "I picked your fraud team on purpose: I've built scoring pipelines and want to see them at your scale."),
    ("screen.project", "success-is-shipping",
     "Success, for me, was shipping on the date we had promised.",
     "I knew it was a success because checkout errors fell from 3% to 0.4% in the month after launch."),
    ("coding.retry-decorator", "reset-means-not-processed",
     "A connection reset means the card was never charged, so retrying is harmless.",
     "With an idempotency key, a retry after a reset can't double-charge the card."),
    ("coding.flatten-dict", "dicts-unordered",
     "The output key order is random, since the dict order can't be relied on.",
     "On a clash I raise rather than let the later key win at random based on dict order."),
    ("core.is-vs-eq", "same-operator",
     "The two operators are interchangeable for strings and numbers.",
     "`is` asks 'are these one and the same thing in memory?', while `==` asks 'do they hold equal values?'."),
]


def _flags(qid: str, text: str) -> set[str]:
    rubric = BANK.rubric(qid)
    texts = set(SCORER.grade(BANK.get(qid), rubric, text).red_flags)
    return {flag.id for flag in rubric.red_flags if flag.text in texts}


@pytest.mark.parametrize(("qid", "flag", "stated", "correct"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_rubric_flag_catches_the_misconception_and_spares_the_correct_idea(qid: str, flag: str, stated: str,
                                                                             correct: str) -> None:
    assert flag in _flags(qid, stated)
    assert flag not in _flags(qid, correct)
