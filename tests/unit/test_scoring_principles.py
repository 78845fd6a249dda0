"""Fair-grading principles of the offline scorer: word order, notation, hedges, verb forms."""

from __future__ import annotations

from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.models import ScoreResult
from bot.scoring.offline import OfflineScorer
from bot.scoring.text import is_listy, relates, sentences

BANK = QuestionBank.load(content_root())
SCORER = OfflineScorer()


def _grade(qid: str, text: str) -> ScoreResult:
    return SCORER.grade(BANK.get(qid), BANK.rubric(qid), text)


def _level(result: ScoreResult, criterion: str) -> int:
    return next(c.score for c in result.criteria if c.id == criterion)


def test_a_phrase_made_of_small_words_keeps_its_word_order_and_subject() -> None:
    # "I was wrong" is humility; "I told him he was wrong" holds the same three words and means the opposite.
    admits = _grade("behavioral.conflict", "Looking at the numbers, I was wrong about the schema, so we used his design.")
    blames = _grade("behavioral.conflict", "I told him he was wrong about the schema, so we used my design.")
    assert _level(admits, "reflection") >= 1
    assert _level(blames, "reflection") == 0
    assert admits.score > blames.score


def test_terse_notation_is_an_explanation_not_a_keyword_list() -> None:
    qid = "core.comprehension-vs-generator"
    notes = _grade(qid, "Generator expression = lazy, one item at a time, constant memory, single pass. "
                        "List comprehension = eager, whole list in memory, reusable.")
    listed = _grade(qid, "generator expression, lazy, one item at a time, constant memory, single pass, "
                         "list comprehension, eager, whole list in memory, reusable")
    assert _level(notes, "lazy-vs-eager") >= 2
    assert listed.score == 0  # the same terms without the "=" that relates them are still a list


def test_the_pronoun_i_and_the_article_a_count_as_grammar() -> None:
    text = ("Short version: I replaced a nightly pricing script (5 h runtime, failed ~once a week) with a pipeline "
            "I designed and built myself.")
    result = _grade("screen.project", text)
    assert _level(result, "own-role") >= 1
    evidence = next(c.evidence for c in result.criteria if c.id == "own-role")
    assert evidence and evidence in text


def test_a_hedge_before_a_misconception_does_not_hide_it() -> None:
    qid = "core.concurrency-models"
    plain = _grade(qid, "asyncio uses all cores.")
    assert plain.red_flags
    for hedge in ("I might be wrong, but asyncio uses all cores.",
                  "Correct me if I'm wrong, asyncio uses all cores.",
                  "I'm not sure, asyncio uses all cores.",
                  "If I'm not mistaken asyncio uses all cores."):
        assert _grade(qid, hedge).red_flags == plain.red_flags, hedge


def test_a_hedged_correction_is_still_a_correction() -> None:
    qid = "core.concurrency-models"
    for text in ("I might be wrong, but asyncio does not use all cores.",
                 "asyncio doesn't use all cores, correct me if I'm wrong.",
                 "It is a myth that asyncio uses all cores."):
        assert not _grade(qid, text).red_flags, text


def test_a_hedged_correct_statement_still_earns_the_criterion() -> None:
    qid = "core.mutable-default"
    sure = _grade(qid, "The default list is evaluated once when def runs, so every call shares it.")
    hedged = _grade(qid, "I'm not totally sure, but I think the default list is evaluated once when def runs, "
                         "so every call shares it.")
    assert sure.score > 0
    assert [c.score for c in hedged.criteria] == [c.score for c in sure.criteria]
    assert not hedged.red_flags


def test_irregular_past_tense_matches_the_present_form() -> None:
    took = _grade("core.gil", "Under the GIL the CPU-bound threads just took turns on the interpreter.")
    take = _grade("core.gil", "Under the GIL the CPU-bound threads just take turns on the interpreter.")
    assert took.score == take.score > 0
    assert _level(took, "cpu-vs-io") == _level(take, "cpu-vs-io") >= 1


def test_a_labelled_note_describes_its_label_while_a_labelled_term_list_stays_a_list() -> None:
    # "X: what is true of X, item by item" is how a candidate writes when time is short; a label
    # followed by lone terms is still a pasted list.
    qid = "core.comprehension-vs-generator"
    notes = _grade(qid, "Generator expression: lazy, hands out one item at a time, memory stays constant. "
                        "List comprehension: eager, the whole list sits in memory, you can loop over it again.")
    listed = _grade(qid, "Key terms: generator, lazy, iterator, memory, list, eager, comprehension, loop.")
    assert _level(notes, "lazy-vs-eager") >= 2
    assert listed.score == 0


def test_notation_with_brackets_inside_a_labelled_note_stays_one_item() -> None:
    # "O(1) lookup" is one item of the note, not the lone letter "O" and a bracketed rest: a note
    # whose items carry big-O or call notation still describes its label.
    from bot.scoring.text import describes_label, sentences

    note = "dict: O(1) lookup, len(d) entries, insertion order kept."
    listed = "tools: O(1), len(d), dict."
    assert describes_label(sentences(note)[0], note)
    assert not describes_label(sentences(listed)[0], listed)


def test_a_label_may_be_a_short_clause() -> None:
    # "Sets are hash tables:" heads the note as "set:" does; its items are still judged as items.
    from bot.scoring.text import describes_label, sentences

    note = "Sets are hash tables: average O(1) membership, hashable keys, more memory per item."
    listed = "Sets are hash tables: hashing, buckets, memory, keys."
    assert describes_label(sentences(note)[0], note)
    assert not describes_label(sentences(listed)[0], listed)


def test_an_arrow_from_a_cause_to_its_fixes_is_a_note_not_a_list() -> None:
    # "problem -> fix, fix, fix" relates the two sides the way "is fixed by" would; a lone term
    # pointing at a run of terms is still a list.
    from bot.scoring.text import is_listy, sentences

    mapped = "- Slow reads in handlers (disk, dns, tls) -> cache, batching, pooling;"
    pointed = "Tools -> Redis, Celery, Kafka, Nginx, Docker, Postgres."
    assert not is_listy(sentences(mapped)[0], mapped)
    assert is_listy(sentences(pointed)[0], pointed)


def test_a_long_run_of_terms_with_neither_grammar_nor_punctuation_is_a_list() -> None:
    # Pasted without commas, terms still make no sentence: thirty words or more with hardly a small word or a mark.
    run = ("generator yield lazy iteration by next call StopIteration at the end send throw close generator expression "
           "in memory footprint pipeline chunked reading file handle itertools islice chain tee yield from delegation "
           "return value coroutine frame suspended state resumable consumer producer backpressure")
    assert is_listy(sentences(run)[0], run)
    assert _grade("core.generators", run).score <= 15
    # Prose as long, even terse prose with few small words, has its grammar or its commas.
    prose = ("A generator keeps its frame suspended between calls, so reading a 60 GB log line by line through a "
             "chain of generators holds one line in memory at a time instead of the whole file, and itertools.islice "
             "can cut the stream without loading it.")
    terse = ("Lazy pipeline: read lines, parse records, filter errors, batch writes, flush every thousand rows, "
             "retry failed batches, emit metrics per stage, alert on lag, checkpoint offsets nightly.")
    assert not is_listy(sentences(prose)[0], prose)
    assert not is_listy(sentences(terse)[0], terse)


def test_prepositions_and_conjunctions_are_grammar_when_a_sentence_is_weighed_for_a_list() -> None:
    # "per" and "through" relate the steps as "the" and "it" do: a terse chain of steps told with them is a sentence.
    from bot.scoring.matcher import compile_rubric, locate

    text = "CI lints, tests, builds one image per commit, and the pipeline deploys it through staging."
    rubric = compile_rubric(BANK.rubric("framework.deployment"))
    [sentence] = sentences(text)
    assert not is_listy(sentence, text, locate(sentence, rubric, {}, text).vocabulary_share)


def test_steps_put_in_order_relate_their_terms() -> None:
    # "first ..., then ..." orders the steps as a verb would; the same terms pasted with commas are still a list.
    from bot.scoring.matcher import compile_rubric, locate

    rubric = compile_rubric(BANK.rubric("framework.deployment"))
    for text, listy in (
        ("Migration job first (lock timeout set), then canary or rolling deploy with health checks and auto-rollback.",
         False),
        ("Migration job, canary deploy, rolling deploy, health checks, auto-rollback, lock timeout, readiness probes.",
         True),
    ):
        [sentence] = sentences(text)
        assert is_listy(sentence, text, locate(sentence, rubric, {}, text).vocabulary_share) is listy


def test_a_dotted_name_in_inline_code_is_one_term_not_a_run_of_words() -> None:
    # `payments.client.charge` is one noun: counted word by word, the names drown the sentence's grammar and it
    # reads as a list of terms, so the criterion it explains earns nothing.
    text = ("`from payments.client import charge` binds the function into `orders.services` at import time, so "
            "patching `payments.client.charge` leaves the name `checkout()` uses untouched.")
    assert _level(_grade("core.mocking", text), "where-to-patch") == 3
    # Names alone, however many, are still a list.
    names = "`payments.client.charge` `orders.services.charge` `unittest.mock.patch` `mock.create_autospec` mocking"
    assert _grade("core.mocking", names).score == 0


def test_a_call_or_an_expression_in_inline_code_is_one_term_too() -> None:
    # `patch("billing.api.send_invoice", autospec=True)` is one step of the advice, not six words of a list; a
    # rubric-dense sentence made of such steps and its verbs is an explanation.
    text = ('Patch both names where `report` finds them, `patch("billing.api.send_invoice", autospec=True)` and '
            '`patch("billing.api.notify_owner", autospec=True)`, set return values and side effects, and assert the calls.')
    [sentence] = sentences(text)
    assert not is_listy(sentence, text, 0.75)
    # So is an expression with none of the small words of prose in it.
    steps = ("Keep last month with a half-open range, keep customers with `COUNT(DISTINCT o.id) > 3` (not `COUNT(*)` over "
             "joined items, which counts lines), add up `qty * unit_price` per customer id, sort by revenue desc.")
    [sentence] = sentences(steps)
    assert not is_listy(sentence, steps, 0.8)
    # Calls alone, among bare names, are still a list.
    calls = ('`patch("billing.api.send", autospec=True)` `patch("billing.api.notify")` `Mock()` `MagicMock()` '
             "return_value side_effect assert_called_once autospec spec_set create_autospec patch.object monkeypatch")
    [sentence] = sentences(calls)
    assert is_listy(sentence, calls, 0.75)


def test_examples_in_brackets_are_one_slot_of_the_sentence() -> None:
    # "Sync calls (HTTP clients, disk reads, ...) freeze the loop" names examples of one noun: counted word by word
    # they drown the sentence's grammar and it reads as a run of terms.
    text = ("Sync calls (HTTP clients, disk reads, sync database drivers, CPU parsing) in coroutines freeze the loop: "
            "use async clients, thread offloading or a process pool, and add timeouts.")
    [sentence] = sentences(text)
    assert not is_listy(sentence, text, 0.75)
    # A bracket of terms after a term is still a list.
    pile = "Event loop (coroutines, tasks, gather, TaskGroup, semaphores, timeouts, to_thread, executors, cancellation)."
    [sentence] = sentences(pile)
    assert is_listy(sentence, pile, 0.75)


def test_relation_words_count_as_written_words_only() -> None:
    def related(text: str) -> bool:
        [sentence] = sentences(text)
        return relates(sentence, text)

    assert related("Retry timeouts only because they are idempotent")  # two relation words, six words
    assert related("Retry TIMEOUTS ONLY BECAUSE idempotent")  # capitals are the same words
    # Joined to a name by an underscore, or spelt with an accent, they are other words.
    assert not related("Retry timeouts only_once because_of idempotent")
    assert not related("Retry timeouts ónly becáuse idempotent")
    assert related("retry: timeouts -> idempotent only")  # notation relates as a word does
