"""A coding answer's grade is half its tests and half the rubric, at most lean yes while a test fails; without a
sandbox it is the rubric, said so."""

from __future__ import annotations

from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.models import CodeCheck, CodingTask, Signal
from bot.engine.ports import AnswerText
from bot.engine.signals import FAILING_CEILING, signal_for, with_tests
from bot.scoring.code import CodeAwareScorer, latest_code
from bot.scoring.code_facts import code_facts
from bot.scoring.offline import OfflineScorer

BANK = QuestionBank.load(content_root())
FLATTEN = BANK.get("coding.flatten-dict")
GIL = BANK.get("core.gil")
SOLUTION = "def flatten(data, sep='.'):\n    return {}\n"


class Runner:
    def __init__(self, passed: int, ran: bool = True) -> None:
        self.passed, self.ran = passed, ran
        self.calls: list[str] = []

    async def check(self, question_id: str, task: CodingTask, source: str) -> CodeCheck:
        self.calls.append(source)
        total = len(task.examples) + len(task.hidden)
        error = None if self.ran else "Code was not run: bubblewrap is not installed."
        return CodeCheck(question=question_id, sandbox="bwrap" if self.ran else "none", passed=self.passed,
                         failed=total - self.passed, total=total, error=error,
                         first_failure=None, time_ms=3, max_rss_kb=9000, ran=self.ran)


def test_the_latest_code_is_the_one_run() -> None:
    parts = AnswerText(["I assume lists are leaves.\n```python\ndef flatten(d): return 1\n```",
                        "Fixed:\n```py\ndef flatten(d): return 2\n```"])
    assert latest_code(parts) == "def flatten(d): return 2"
    assert latest_code(AnswerText(["def flatten(d):\n    return d\n"])) == "def flatten(d):\n    return d\n"
    assert latest_code(AnswerText(["I would recurse over the items."])) is None


async def test_tests_and_rubric_make_the_score_half_and_half() -> None:
    rubric = await OfflineScorer().score(FLATTEN, BANK.rubric(FLATTEN.id), AnswerText([f"```\n{SOLUTION}```"]), frozenset())
    total = len(FLATTEN.coding.examples) + len(FLATTEN.coding.hidden)  # type: ignore[union-attr]
    for passed in (0, total):
        runner = Runner(passed)
        result = await CodeAwareScorer(OfflineScorer(), runner).score(
            FLATTEN, BANK.rubric(FLATTEN.id), AnswerText([f"```\n{SOLUTION}```"]), frozenset())
        assert runner.calls == [SOLUTION.strip("\n")]
        assert result.tests is not None and result.tests.passed == passed
        assert result.score == min(round(50 * passed / total + 0.5 * rubric.score),
                                   100 if passed == total else FAILING_CEILING)
        assert any(note.startswith(f"tests: {passed} of {total} passed") for note in result.notes)


async def test_code_that_fails_a_test_is_at_most_lean_yes() -> None:
    # However well it is explained: one failing hidden case keeps it under "yes".
    total = len(FLATTEN.coding.examples) + len(FLATTEN.coding.hidden)  # type: ignore[union-attr]
    answer = AnswerText([f"```\n{SOLUTION}```"])
    almost = await CodeAwareScorer(OfflineScorer(), Runner(total - 1)).score(FLATTEN, BANK.rubric(FLATTEN.id), answer,
                                                                             frozenset())
    every = await CodeAwareScorer(OfflineScorer(), Runner(total)).score(FLATTEN, BANK.rubric(FLATTEN.id), answer,
                                                                        frozenset())
    assert almost.score <= FAILING_CEILING and almost.score < every.score
    assert almost.signal == signal_for(almost.score) != Signal.YES
    assert any(f"at most {FAILING_CEILING} while a test fails" in note for note in almost.notes)
    assert not any("while a test fails" in note for note in every.notes)
    # A fully explained answer: the ceiling, not the mean of tests and rubric (over 90), decides; passing every test
    # lifts it.
    assert with_tests(100, total - 1, total) == FAILING_CEILING
    assert with_tests(100, total, total) == 100


async def test_without_a_sandbox_the_rubric_alone_grades_and_the_reason_is_given() -> None:
    scorer = CodeAwareScorer(OfflineScorer(), Runner(0, ran=False))
    answer = AnswerText([f"```\n{SOLUTION}```"])
    alone = await OfflineScorer().score(FLATTEN, BANK.rubric(FLATTEN.id), answer, frozenset())
    result = await scorer.score(FLATTEN, BANK.rubric(FLATTEN.id), answer, frozenset())
    assert result.score == alone.score
    assert any("bubblewrap is not installed" in note for note in result.notes)


async def test_an_admin_switch_stops_execution_and_prose_questions_never_run() -> None:
    runner = Runner(5)

    async def off() -> str | None:
        return "code execution is switched off on this server"

    result = await CodeAwareScorer(OfflineScorer(), runner, off).score(
        FLATTEN, BANK.rubric(FLATTEN.id), AnswerText([f"```\n{SOLUTION}```"]), frozenset())
    assert runner.calls == [] and result.tests is not None and not result.tests.ran
    assert any("switched off" in n for n in result.notes)
    await CodeAwareScorer(OfflineScorer(), runner).score(GIL, BANK.rubric(GIL.id), AnswerText(["def f(): pass"]),
                                                         frozenset())
    assert runner.calls == []


async def test_a_behavioral_answer_gets_the_star_breakdown_with_its_grade() -> None:
    from bot.scoring.story import StoryAwareScorer

    incident = BANK.get("behavioral.incident")
    story = ("Last spring our checkout API timed out every evening. I was on call and had to fix it before the sale. "
             "I profiled it and rewrote the N+1 query with a join. Afterwards p99 went from 2.4 s to 180 ms.")
    plain = await OfflineScorer().score(incident, BANK.rubric(incident.id), AnswerText([story]), frozenset())
    result = await StoryAwareScorer(OfflineScorer()).score(incident, BANK.rubric(incident.id), AnswerText([story]),
                                                           frozenset())
    assert result.score == plain.score  # the rubric grades; the analysis only explains
    [note] = [n for n in result.notes if n.startswith("STAR:")]
    assert "action ✓" in note and "2.4 s to 180 ms" in note
    prose = await StoryAwareScorer(OfflineScorer()).score(GIL, BANK.rubric(GIL.id), AnswerText([story]), frozenset())
    assert not any(n.startswith("STAR:") for n in prose.notes)


def test_the_code_that_is_run_is_the_code_that_earns_rubric_credit() -> None:
    # One reading of fences for both: a block tagged in any spelling of Python is run and credited,
    # a block in another language is neither run nor read as Python.
    code = "def flatten(d, parent=''):\n    if not d:\n        return {}\n    return flatten({})\n"
    for info in ("Python3", "py title=solution.py", ""):
        answer = f"Recursive:\n```{info}\n{code}```"
        assert latest_code(AnswerText([answer])) == code.strip("\n")
        assert code_facts(answer), info
    sql = "Not code to run:\n```sql\nSELECT 1;\n```"
    assert latest_code(AnswerText([sql])) is None


def test_only_python_blocks_are_checked_for_syntax() -> None:
    answer = ("The index first:\n```sql\nCREATE INDEX ON orders (customer_id);\n```\n"
              f"then the function:\n```python\n{SOLUTION}```")
    notes = OfflineScorer().grade(FLATTEN, BANK.rubric(FLATTEN.id), answer).notes
    assert not any("does not parse" in n for n in notes)
    broken = OfflineScorer().grade(FLATTEN, BANK.rubric(FLATTEN.id), "```python\ndef flatten(d:\n```").notes
    assert any("does not parse" in n for n in broken)
    # Unfenced code is still checked; a prose answer has no code to fault.
    unfenced = OfflineScorer().grade(FLATTEN, BANK.rubric(FLATTEN.id), "def flatten(d:\n    return d").notes
    assert any("does not parse" in n for n in unfenced)
    prose = OfflineScorer().grade(FLATTEN, BANK.rubric(FLATTEN.id), "I'd recurse with a helper that carries the key path.").notes
    assert not any("does not parse" in n for n in prose)


def test_code_pasted_without_a_fence_between_paragraphs_is_run_credited_and_not_faulted() -> None:
    # Candidates paste code straight into the message: the definition is found by its layout (a line at the
    # margin that opens it, its indented body), and the prose around it is neither run nor read as Python.
    code = ("def flatten(data, sep='.'):\n    out = {}\n    for key, value in data.items():\n"
            "        if isinstance(value, dict) and value:\n            for k, v in flatten(value, sep).items():\n"
            "                out[f'{key}{sep}{k}'] = v\n        else:\n            out[key] = value\n    return out\n")
    answer = f"Lists stay leaves and clashes raise.\n\n{code}\nIt recurses once per nested level, so the cost is linear."
    assert latest_code(AnswerText([answer])) == code.strip("\n")
    assert "recursion" in code_facts(answer)
    notes = OfflineScorer().grade(FLATTEN, BANK.rubric(FLATTEN.id), answer).notes
    assert not any("does not parse" in n for n in notes)
    # A prose line run on straight after the code, with no blank line, is left out of it.
    assert latest_code(AnswerText([f"Here:\n{code}That's all."])) == code.strip("\n")
    # Broken unfenced code is still faulted, and a definition only named in prose is not code.
    broken = OfflineScorer().grade(FLATTEN, BANK.rubric(FLATTEN.id), "Here it is.\n\ndef flatten(d:\n    return d\n").notes
    assert any("does not parse" in n for n in broken)
    assert latest_code(AnswerText(["I'd def a helper and recurse with it."])) is None
