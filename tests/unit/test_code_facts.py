"""Code earns rubric credit from what it does, read from its syntax tree, with the line quoted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content.bank import ContentError, QuestionBank
from bot.content.paths import content_root
from bot.scoring.code_facts import FACTS, code_facts
from bot.scoring.offline import OfflineScorer

BANK = QuestionBank.load(content_root())


def fenced(code: str, prose: str = "") -> str:
    return f"{prose}\n```python\n{code}```\n"


def test_what_the_code_does_is_found_whatever_the_names() -> None:
    code = ("def with_retries(tries, pause, kinds):\n"
            "    def outer(job):\n"
            "        @functools.wraps(job)\n"
            "        def inner(*a, **kw):\n"
            "            for n in range(tries):\n"
            "                try:\n"
            "                    return job(*a, **kw)\n"
            "                except kinds:\n"
            "                    if n + 1 == tries:\n"
            "                        raise\n"
            "                    time.sleep(pause * 3 ** n)\n"
            "        return inner\n"
            "    return outer\n")
    found = code_facts(fenced(code))
    assert {"decorator-factory", "wraps", "forwarding", "reraise", "exponential", "sleep"} <= found.keys()
    assert "jitter" not in found and "logging" not in found


def test_the_quoted_evidence_is_the_line_of_code_itself() -> None:
    text = fenced("def walk(node, out):\n    if not isinstance(node, dict):\n        return node\n"
                  "    for k, v in node.items():\n        out[k] = walk(v, out)\n    return out\n", "Recursive:")
    found = code_facts(text)
    assert text[found["recursion"].start:found["recursion"].end] == "def walk(node, out):"
    assert text[found["isinstance-dict"].start:found["isinstance-dict"].end] == "if not isinstance(node, dict):"
    assert "base-case" in found


def test_prose_and_code_that_does_not_parse_show_no_facts() -> None:
    assert code_facts("I would raise the last error and back off exponentially.") == {}
    assert code_facts(fenced("def broken(:\n    raise\n")) == {}


def test_a_code_only_answer_earns_credit_for_what_its_code_shows() -> None:
    question, rubric = BANK.get("coding.retry-decorator"), BANK.rubric("coding.retry-decorator")
    code = ("def retry(times=4, delay=0.2, on=(TimeoutError,)):\n"
            "    def deco(fn):\n"
            "        @wraps(fn)\n"
            "        def run(*args, **kwargs):\n"
            "            for i in range(times):\n"
            "                try:\n"
            "                    return fn(*args, **kwargs)\n"
            "                except on:\n"
            "                    if i == times - 1:\n"
            "                        raise\n"
            "                    sleep(delay * 2 ** i)\n"
            "        return run\n"
            "    return deco\n")
    with_code = OfflineScorer().grade(question, rubric, fenced(code))
    without = OfflineScorer().grade(question, rubric, fenced("def retry():\n    pass\n"))
    levels = {c.id: c for c in with_code.criteria}
    assert levels["decorator-structure"].score >= 2 and levels["backoff-reraise"].score >= 2
    assert levels["backoff-reraise"].evidence is not None and levels["backoff-reraise"].evidence in code
    assert with_code.score > without.score + 30


def _edited_content(tmp_path: Path, rubric: str, old: str, new: str) -> tuple[Path, Path, str]:
    """A copy of the content with one rubric's ``old`` text replaced: the root, the rubric's path and its text before."""
    root = tmp_path / "content"
    for part in ("data", "rubrics", "prompts"):
        shutil.copytree(content_root() / part, root / part)
    path = root / "rubrics" / rubric
    original = path.read_text()
    path.write_text(original.replace(old, new))
    assert path.read_text() != original
    return root, path, original


def test_rubrics_may_only_name_known_facts(tmp_path: Path) -> None:
    root, _, _ = _edited_content(tmp_path, "coding/coding.flatten-dict.toml", 'code = ["recursion"', 'code = ["recursoin"')
    with pytest.raises(ContentError, match="unknown code facts"):
        QuestionBank.load(root)
    assert "recursion" in FACTS


def test_reading_a_file_line_by_line_and_passing_over_bad_lines_is_found_in_every_usual_shape() -> None:
    walrus = ("def tally(p):\n    seen = {}\n    with open(p, 'rb') as fh:\n"
              "        while entry := fh.readline(4096):\n            hit = PATTERN.search(entry)\n"
              "            if hit is None:\n                continue\n            seen[hit[1]] = seen.get(hit[1], 0) + 1\n"
              "    return seen\n")
    numbered = ("def tally(p):\n    for n, text in enumerate(open(p, mode='rb')):\n        found = RX.match(text)\n"
                "        if found:\n            print(n, found.group(1))\n")
    guarded = "def tally(rows):\n    for r in rows:\n        if not r.strip():\n            continue\n        use(r)\n"
    whole = "def tally(p):\n    data = open(p).read().splitlines()\n    return [RX.match(x).group(1) for x in data]\n"
    assert {"lazy-lines", "decode-errors", "skip-bad"} <= code_facts(fenced(walrus)).keys()
    assert {"lazy-lines", "decode-errors", "skip-bad"} <= code_facts(fenced(numbered)).keys()
    assert "skip-bad" in code_facts(fenced(guarded))
    assert not {"lazy-lines", "decode-errors", "skip-bad"} & code_facts(fenced(whole)).keys()


def test_an_iterative_walk_with_its_own_stack_a_joined_key_and_a_refused_clash_are_found() -> None:
    code = ("def squash(tree, sep='/'):\n    result, todo = {}, [((), tree)]\n    while todo:\n"
            "        trail, node = todo.pop()\n        for name, child in node.items():\n"
            "            if isinstance(child, dict):\n                todo.append((trail + (name,), child))\n"
            "                continue\n            flat = sep.join(trail + (name,))\n"
            "            if flat in result:\n                raise KeyError(flat)\n            result[flat] = child\n"
            "    return result\n")
    overwriting = ("def squash(tree, above=''):\n    out = {}\n    for name, child in tree.items():\n"
                   "        out[above + name] = child\n    return out\n")
    assert {"explicit-stack", "joined-key", "clash-check"} <= code_facts(fenced(code)).keys()
    assert not {"explicit-stack", "joined-key", "clash-check"} & code_facts(fenced(overwriting)).keys()


def test_a_loop_that_gives_up_on_its_last_try_shows_it_whatever_the_names() -> None:
    # Stopping at the last try (instead of sleeping once more) is read from the comparison that
    # guards the raise, counted from zero or from one; a clash check that raises is not it.
    zero_based = "for k in range(tries):\n    if k == tries - 1:\n        raise\n"
    one_based = "while True:\n    n += 1\n    if n >= max_attempts:\n        break\n"
    clash = "for key in keys:\n    if key in seen:\n        raise KeyError(key)\n"
    assert "last-attempt" in code_facts(fenced(zero_based))
    assert "last-attempt" in code_facts(fenced(one_based))
    assert "last-attempt" not in code_facts(fenced(clash))


def test_a_rubric_whose_claim_wording_can_never_be_found_is_refused(tmp_path: Path) -> None:
    # A wording with no word in it ("[]"), or code whose first word the matcher drops ("the .env"), would
    # silently never match: the content check names it instead.
    root, path, original = _edited_content(tmp_path, "framework/framework.deployment.toml", '".env|env file|',
                                           '".env|the .env|env file|')
    with pytest.raises(ContentError, match=r"'the \.env' would never be found"):
        QuestionBank.load(root)
    path.write_text(original.replace('".env|env file|', '".env|[]|env file|'))
    with pytest.raises(ContentError, match=r"'\[\]' would never be found"):
        QuestionBank.load(root)
