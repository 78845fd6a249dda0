"""Rubric red flags, third round: errors stated in further wordings, and true statements near them spared.

Written in the seventh session from an interviewer's knowledge of each question, not from benchmark
answers.  Each row pairs an invented sentence that states the error (the flag must catch it) with an
invented sentence that says something true in nearby words (the flag must stay silent), so a
widened claim cannot start accusing correct answers.
"""

from __future__ import annotations

import pytest

from tests.unit.flag_cases import BANK, case_ids, caught_and_spared, flags

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


# The central error of each question the fourth dev part's fluent writers got past the flags, in two
# or more wordings an interviewer hears, and the other usual errors on the same topic.
CASES = [
    ("core.decorators", "times-beside-function",
     "With arguments you don't need an outer function at all, just add `times` after `func` in the signature.",
     "With arguments you need an outer function: it takes `times` and returns the decorator that takes `func`."),
    ("core.decorators", "times-beside-function",
     "The interpreter hands over the function as the first argument and `times` as the second.",
     "The interpreter calls `retry(times=3)` first, then hands the function to what that call returned."),
    ("core.decorators", "times-beside-function",
     "The only difference from a plain decorator is one more argument with a default value.",
     "The difference from a plain decorator is a whole extra level: a function that builds the decorator."),
    ("core.generators", "file-iteration-unbuffered",
     "Looping over the file object asks the OS for a disk read on every line, so it crawls.",
     "Looping over the file object reads big buffered blocks and splits lines from memory."),
    ("core.generators", "file-iteration-unbuffered",
     "I'd call f.readlines() since it's more efficient than going line by line.",
     "I'd never call f.readlines() here: it builds a list of every line, while iteration stays flat."),
    ("design.url-shortener", "cached-301-still-counted",
     "Even after the 301 is cached the browser still hits our servers every time, so counting is unaffected.",
     "Once the 301 is cached the browser stops asking us, so we lose those clicks."),
    ("design.url-shortener", "301-undone-later",
     "Start with a 301, and if we need analytics we can switch it to a 302 later.",
     "Start with a 302; a 301 already cached in browsers cannot be taken back later."),
    ("design.url-shortener", "301-undone-later",
     "Browsers will pick up the new status right away if we change the redirect.",
     "Browsers that cached a permanent redirect keep using it, whatever we change on our side."),
    ("framework.deployment", "postgres-ddl-not-transactional",
     "Postgres commits every ALTER on its own immediately, so a broken migration is stuck halfway.",
     "Postgres wraps the ALTERs of a migration in one transaction, so a broken one rolls back whole."),
    ("framework.deployment", "restore-backup-first",
     "The first step is to restore the database from last night's snapshot, then redeploy the old image.",
     "The first step is to redeploy the old image; a backup restore is only for data that was really lost."),
    ("framework.deployment", "restore-backup-first",
     "I'd restore from the latest backup and then roll back the app.",
     "I'd roll back the app and keep the data; restoring would drop every order since the backup."),
    ("framework.fastapi-model-loading", "async-makes-it-fast",
     "Keeping the endpoint async def is the right call here, it keeps the server responsive.",
     "Keeping the endpoint async def is only right if the prediction goes to a thread or process pool."),
    ("framework.fastapi-model-loading", "async-makes-it-fast",
     "In async handlers the predictions run concurrently, so they overlap on the event loop.",
     "In async handlers the predictions run one after another and stall the event loop."),
    ("framework.production-api", "dev-server-in-prod",
     "Having debug mode on is useful in production at first, you see the errors straight in the browser.",
     "Debug mode must be off in production; errors go to Sentry, never to the browser."),
    ("framework.production-api", "dev-server-in-prod",
     "For launch the built-in dev server is good enough while traffic is low.",
     "Even at launch I'd put gunicorn in front instead of the built-in dev server."),
    ("behavioral.conflict", "went-ahead-anyway",
     "Rather than keep arguing, I quietly went my own way and used the library I preferred for my part.",
     "Rather than keep arguing, I asked for a one-week spike and we compared the numbers together."),
    ("behavioral.conflict", "went-ahead-anyway",
     "I'd call it disagree and commit, in my own way: the team kept theirs and I kept mine.",
     "I disagreed and committed: once we decided, I built it the team's way and said so."),
    ("behavioral.conflict", "avoided-disagreement",
     "I kept quiet to keep the peace; it wasn't worth the friction.",
     "I raised it in the review with a short write-up, and we settled it on the numbers."),
    ("behavioral.conflict", "avoided-disagreement",
     "Honestly I just went along with it even though I disagreed.",
     "I went along with the decision after I had made my case and it was weighed."),
    ("behavioral.incident", "blame",
     "The real cause was the other team's process; it was their mistake, not ours.",
     "The real cause was a gap in our process: nothing stopped an unreviewed config change."),
    ("behavioral.incident", "blame",
     "I had warned them about this months ago and nobody listened.",
     "I had warned them about this months ago, so this time I wrote the check myself."),
    ("behavioral.incident", "no-follow-up",
     "We skipped the postmortem since the fix was already out.",
     "We held a postmortem even though the fix was already out, and added an alert."),
    ("behavioral.incident", "no-follow-up",
     "A formal write-up wasn't needed, the cause was obvious.",
     "I wrote a short write-up with the cause and two follow-up tickets."),
    ("core.yield-from", "no-recursion-limit",
     "Delegation swaps out the outer frame, much like tail-call elimination in other languages.",
     "Delegation keeps every outer frame alive; Python has no tail-call elimination."),
    ("core.yield-from", "no-recursion-limit",
     "With it the chain of generators stays flat as the tree deepens.",
     "With it the chain of generators still grows by one frame per level of the tree."),
    ("core.yield-from", "no-recursion-limit",
     "You can then walk trees of arbitrary depth without worrying about RecursionError.",
     "Trees deeper than about a thousand levels still raise RecursionError, so use an explicit stack."),
    ("core.mocking", "autospec-fixes-location",
     "The patch on the client module didn't take because the mock had no spec; autospec=True fixes it.",
     "The patch on the client module didn't take because of where it was looked up; autospec=True only adds signature checks."),
    ("core.mocking", "autospec-fixes-location",
     "With autospec the service module will pick it up, since it now matches the real function.",
     "Even with autospec the service module keeps its own reference, so patch the name in the service module."),
    # Other errors on the same topics, the ones a different writer would plant.
    ("core.decorators", "wrapper-runs-once",
     "The inner wrapper only runs once, at import time, and after that the original is called directly.",
     "The decorator runs once at import time; the inner wrapper runs on every call after that."),
    ("core.decorators", "wrapper-runs-once",
     "On each call the wrapper isn't called, only the original function.",
     "On each call the wrapper is called first, and it calls the original function."),
    ("core.generators", "genexp-is-tuple",
     "Round brackets give you a tuple comprehension, the square ones a list.",
     "Round brackets give you a lazy generator expression, the square ones a list."),
    ("core.generators", "genexp-is-tuple",
     "Swap the brackets for parentheses and it builds a tuple instead of a list.",
     "Swap the brackets for parentheses and it yields items one by one instead of building a list."),
    ("core.generators", "generator-len-index",
     "You can call len() on the generator to know how many records are left.",
     "You can't call len() on a generator, so I count records as they stream past."),
    ("core.generators", "generator-len-index",
     "A generator can be indexed, so records[10] gives the eleventh line.",
     "A generator cannot be indexed; islice skips ahead to the eleventh line."),
    ("design.url-shortener", "302-cached-too",
     "A 302 is cached by browsers as well, so it doesn't help the counts.",
     "A 302 isn't cached by browsers unless we send cache headers, so it keeps the counts."),
    ("design.url-shortener", "302-cached-too",
     "Both 301 and 302 get cached the same way, the difference is only for search engines.",
     "Only the 301 gets cached by default; the 302 comes back to us each time."),
    ("framework.deployment", "migrate-after-code",
     "Roll out the new image first, and then run the migrations once it is live.",
     "Run the additive migration first, and then roll out the new image that uses it."),
    ("framework.deployment", "migrate-after-code",
     "Migrations go after the new version is deployed.",
     "Migrations go before the new version is deployed, and they keep the old version working."),
    ("framework.fastapi-model-loading", "def-endpoint-blocks",
     "A plain def endpoint would block the event loop all the same.",
     "A plain def endpoint runs in the thread pool, so the event loop stays free."),
    ("framework.fastapi-model-loading", "def-endpoint-blocks",
     "Dropping async and making it sync changes nothing, the server still stalls.",
     "Dropping async and making it sync moves the work to a thread, so the server keeps answering."),
    ("framework.production-api", "cors-wildcard",
     "I'd set CORS to allow every origin for now, so the frontend just works.",
     "I'd set CORS to allow only our frontend's origin, never every origin."),
    ("framework.production-api", "cors-wildcard",
     "Allowing all origins is fine to start with.",
     "Allowing all origins is a risk; list the two real frontends instead."),
    ("behavioral.incident", "kept-it-quiet",
     "I fixed it quietly before anyone noticed and didn't tell my manager.",
     "I told my manager straight away and posted updates in the incident channel while I fixed it."),
    ("behavioral.incident", "kept-it-quiet",
     "There was no need to involve the team, I handled it.",
     "I pulled the on-call database engineer in and kept support updated every half hour."),
    ("core.exceptions", "success-in-finally",
     "The 'all rows imported' message goes in finally, so it always shows at the end.",
     "The 'all rows imported' message goes in else, so it only shows when nothing failed."),
    ("core.exceptions", "success-in-finally",
     "Finally is where I'd log success, since it runs no matter what.",
     "Finally is where I'd close the file, since it runs no matter what."),
    ("screen.project", "blames-others",
     "The delays weren't down to my design: the testers dropped the ball on the cases I'd given them.",
     "The delays were partly my design: I hadn't planned for replays, so I added replay tests."),
    ("screen.project", "blames-others",
     "Honestly the launch problems weren't my fault, the other teams didn't do their job.",
     "The launch problems were partly mine; the other teams and I now review broker settings together."),
]


IDS = case_ids(SPARED)


@pytest.mark.parametrize(("qid", "flag", "stated", "correct"), SPARED, ids=IDS)
def test_error_is_caught_and_the_true_statement_near_it_spared(qid: str, flag: str, stated: str, correct: str) -> None:
    caught_and_spared(qid, flag, stated, correct)


@pytest.mark.parametrize(("qid", "flag", "stated", "correct"), CASES, ids=case_ids(CASES))
def test_the_central_error_is_caught_in_other_wordings(qid: str, flag: str, stated: str, correct: str) -> None:
    caught_and_spared(qid, flag, stated, correct)


NEW_FLAGS = [("behavioral.conflict", "avoided-disagreement"), ("core.mocking", "autospec-fixes-location"),
             ("core.generators", "file-iteration-unbuffered"), ("design.url-shortener", "301-undone-later"),
             ("framework.deployment", "restore-backup-first"), ("screen.project", "blames-others"),
             ("core.decorators", "wrapper-runs-once"), ("core.generators", "genexp-is-tuple"),
             ("core.generators", "generator-len-index"), ("design.url-shortener", "302-cached-too"),
             ("framework.deployment", "migrate-after-code"), ("framework.fastapi-model-loading", "def-endpoint-blocks"),
             ("framework.production-api", "cors-wildcard"), ("behavioral.incident", "kept-it-quiet"),
             ("core.exceptions", "success-in-finally")]


@pytest.mark.parametrize(("qid", "flag_id"), NEW_FLAGS, ids=[f"{q}:{f}" for q, f in NEW_FLAGS])
def test_a_new_flag_catches_its_own_statement_and_spares_its_correction(qid: str, flag_id: str) -> None:
    flag = next(f for f in BANK.rubric(qid).red_flags if f.id == flag_id)
    assert flag_id in flags(qid, flag.text[0].upper() + flag.text[1:] + ".")
    assert flag_id not in flags(qid, flag.correction)


# Flags whose claims could not recognise even the flag's own statement of the error, widened in the
# seventh session so the plainest wording of each is caught and its correction spared.
OWN_TEXT = [("core.comprehension-vs-generator", "generator-reusable"),
            ("core.comprehension-vs-generator", "oom-from-unclosed-file"),
            ("core.context-managers", "exit-always-commits"), ("core.dataclasses", "mutable-default-allowed"),
            ("core.decorators", "factory-parens-optional"), ("core.event-loop-blocking", "gil-causes-latency"),
            ("core.pytest", "teardown-skipped-on-failure"), ("core.slots", "slots-private"),
            ("core.slots", "subclass-keeps-savings"), ("framework.django-request-lifecycle", "nginx-runs-django"),
            ("framework.django-vs-fastapi", "django-not-for-apis"), ("framework.flask-auth", "google-token-unverified"),
            ("framework.frontend-integration", "server-enforces-cors"),
            ("framework.frontend-integration", "client-validation-enough"), ("coding.async-fanout", "sleep-is-fine"),
            ("coding.parse-orders", "decimal-from-float"), ("coding.parse-orders", "abort-on-first-bad")]


@pytest.mark.parametrize(("qid", "flag_id"), OWN_TEXT, ids=[f"{q}:{f}" for q, f in OWN_TEXT])
def test_a_widened_flag_catches_its_own_statement_and_spares_its_correction(qid: str, flag_id: str) -> None:
    flag = next(f for f in BANK.rubric(qid).red_flags if f.id == flag_id)
    assert flag_id in flags(qid, flag.text[0].upper() + flag.text[1:] + ".")
    assert flag_id not in flags(qid, flag.correction)
