"""The LLM judge: levels per criterion with quoted evidence; the project computes the score.

Honesty rules, in order:
1. Ask for JSON Schema output; servers that refuse it get JSON-object mode carrying the same
   schema, then a plain request for JSON.  A refusal is remembered per server (base URL +
   model), so it costs one request once.  Invalid output gets one repair attempt; after that
   the offline scorer grades and says why (``LLMUnavailable``).
2. A quote that is not in the answer is discarded and that criterion is re-checked offline.
3. The offline scorer always runs too, but only its high-precision findings bind the model: a
   misconception the answer asserts caps the score, an injection attempt either scorer sees caps
   it, and an answer that is only a run of terms keeps the offline grade.  Any other gap between
   the two is shown, not enforced: the offline scorer misses plain-words answers far more often
   than a model with quoted evidence is wrong about them.
4. Temperature 0 and a cache keyed by answer, rubric version, model and hints: the same
   answer always gets the same grade.
"""

from __future__ import annotations

import copy
import hashlib
import json
import secrets
from collections import OrderedDict
from functools import lru_cache
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.engine.models import CriterionScore, Question, Rubric, ScoreResult
from bot.engine.ports import AnswerText
from bot.engine.results import blank_result
from bot.engine.signals import HINTED_CEILING, combine, signal_for
from bot.llm.formats import FormatMemory, complete_in_format, parse_reply
from bot.llm.model import ChatModel, Completion, LLMUnavailable, Messages
from bot.llm.prompts import Prompts
from bot.scoring.guards import INJECTION_CAP, INJECTION_FLAG
from bot.scoring.offline import Assessment, OfflineScorer

SHOWN_GAP = 40  # a disagreement this large is explained in the notes
CACHE_SIZE = 4096
FORMATS = ("json_schema", "json_object", "plain")
MAX_TOKENS = 800  # a grade of four or five criteria with short quotes needs about half of this


class JudgedCriterion(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    level: int = Field(ge=0, le=3)
    evidence: str = ""


class JudgeReply(BaseModel):
    model_config = ConfigDict(extra="ignore")
    criteria: list[JudgedCriterion]
    injection: bool = False
    note: str = ""


GRADE_SCHEMA: dict[str, Any] = {
    "name": "rubric_grade",
    "strict": True,
    "schema": {
        "type": "object",
        "additionalProperties": False,
        "required": ["criteria", "injection", "note"],
        "properties": {
            "criteria": {"type": "array", "items": {
                "type": "object", "additionalProperties": False, "required": ["id", "level", "evidence"],
                "properties": {"id": {"type": "string"}, "level": {"type": "integer", "minimum": 0, "maximum": 3},
                               "evidence": {"type": "string"}}}},
            "injection": {"type": "boolean"},
            "note": {"type": "string"},
        },
    },
}


# JSON-object mode carries the schema under ``schema``: llama.cpp's server reads that key into
# the request's JSON schema and turns it into a grammar (tools/server, the ``json_object`` branch
# of the OpenAI-params parser), and llama-cpp-python does the same (``_grammar_for_response_format``
# in llama_cpp/llama_chat_format.py), so even a small local model can only emit a well-formed grade.
# Without it, llama.cpp constrains to any JSON at best.  A server that rejects the extra key
# says so in the same way and gets the plain request next.
EVIDENCE_CHARS = 240  # the longest quote asked for; less when the rubric has many criteria (below)
NOTE_CHARS = 120
STRUCTURE_TOKENS = 200  # braces, keys and levels of a five-criterion grade


def response_formats(rubric: Rubric) -> dict[str, dict[str, Any] | None]:
    """The formats for one rubric (see :func:`_formats`); built once per set of criterion ids."""
    return _formats(tuple(c.id for c in rubric.criteria))


@lru_cache(maxsize=256)
def _formats(ids: tuple[str, ...]) -> dict[str, dict[str, Any] | None]:
    """The formats for one rubric: its criterion ids as the only ids, each exactly once, and bounded text.

    On servers that turn the schema into a grammar (llama.cpp, llama-cpp-python) this is what a
    small model can emit at all, so its grade names the right criteria and ends well within the
    token limit instead of running a quote on until the reply is cut and no longer JSON.
    """
    schema = copy.deepcopy(GRADE_SCHEMA["schema"])
    criteria = schema["properties"]["criteria"]
    criteria.update({"minItems": len(ids), "maxItems": len(ids)})
    criteria["items"]["properties"]["id"] = {"type": "string", "enum": list(ids)}
    # Even a model that fills every string to the limit (a small one does: "0.5000…") must close the
    # JSON within MAX_TOKENS, counting a character as a token at worst.
    quote = min(EVIDENCE_CHARS, (MAX_TOKENS - STRUCTURE_TOKENS - NOTE_CHARS) // len(ids))
    criteria["items"]["properties"]["evidence"]["maxLength"] = quote
    schema["properties"]["note"]["maxLength"] = NOTE_CHARS
    # For a grammar, one slot per criterion in the rubric's order: an enum alone lets a small model
    # name the same criterion three times.  (OpenAI's strict mode takes no tuples, so it gets the enum.)
    grammar = copy.deepcopy(schema)
    item = grammar["properties"]["criteria"].pop("items")
    grammar["properties"]["criteria"] = {"type": "array", "prefixItems": [
        {**item, "properties": {**item["properties"], "id": {"const": cid}}} for cid in ids]}
    return {
        "json_schema": {"type": "json_schema", "json_schema": {**GRADE_SCHEMA, "schema": schema}},
        "json_object": {"type": "json_object", "schema": grammar},
        "plain": None,  # the prompt itself asks for JSON
    }


class GradeStore(Protocol):
    """Where grades outlive the process (the database), so a restart never regrades differently."""

    async def get(self, key: str) -> ScoreResult | None: ...

    async def put(self, key: str, result: ScoreResult) -> None: ...


class LLMJudge:
    """Implements the engine's Scorer port with an LLM; raises ``LLMUnavailable`` when it cannot."""

    name = "llm"
    instant = False

    def __init__(self, client: ChatModel, prompts: Prompts, offline: OfflineScorer | None = None,
                 store: GradeStore | None = None, formats: FormatMemory | None = None) -> None:
        self.client = client
        self.prompts = prompts
        self.offline = offline or OfflineScorer()
        self.store = store
        # Grades depend on the prompts too: editing them must not reuse grades made with the old ones.
        self._prompt_version = hashlib.sha256("".join(
            prompts.template(n).template for n in ("judge_system", "judge_user", "judge_repair")).encode()).hexdigest()[:16]
        self.formats = formats or FormatMemory(FORMATS)
        self._cache: OrderedDict[str, ScoreResult] = OrderedDict()

    async def score(self, question: Question, rubric: Rubric, answer: AnswerText, hinted: frozenset[str]) -> ScoreResult:
        text = answer.joined
        if not text.strip():
            return blank_result(question, rubric, "no answer")
        key = hashlib.sha256(json.dumps([question.id, rubric.version, self.client.model, self._prompt_version,
                                         sorted(hinted), text]).encode()).hexdigest()
        cached = self._cache.get(key)
        if cached is None and self.store is not None:
            cached = await self.store.get(key)
        if cached is not None:
            self._remember(key, cached)
            return cached.model_copy(deep=True)
        reply, cut = await self._ask(question, rubric, text)
        assessment = await self.offline.assessed(question, rubric, text, hinted)  # milliseconds of CPU: off the loop
        result = self._settle(question, rubric, text, hinted, reply, assessment)
        if cut:
            result.notes.append("the answer was longer than the model's context allows, so the model read its beginning "
                                "and end only")
        if self.store is not None:
            await self.store.put(key, result)
        self._remember(key, result)
        return result.model_copy(deep=True)

    def _remember(self, key: str, result: ScoreResult) -> None:
        self._cache[key] = result
        self._cache.move_to_end(key)
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def messages(self, question: Question, rubric: Rubric, text: str, tag: str) -> Messages:
        """System part first and identical for every answer to this question (cache-friendly)."""
        system = self.prompts.render("judge_system", level=", ".join(lv.value for lv in question.levels),
                                     question_id=question.id, question=question.prompt.strip(),
                                     rubric=render_rubric(rubric))
        user = self.prompts.render("judge_user", tag=tag, answer=text)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    async def _ask(self, question: Question, rubric: Rubric, text: str) -> tuple[JudgeReply, bool]:
        tag = secrets.token_hex(4)
        messages, cut = await self.client.fit(lambda said: self.messages(question, rubric, said, tag), text, MAX_TOKENS)
        completion = await self._complete(messages, rubric)
        problem = _problem(completion.text, rubric)
        if problem is None:
            return _parse(completion.text), cut
        repair: Messages = [*messages, {"role": "assistant", "content": completion.text},
                            {"role": "user", "content": self.prompts.render("judge_repair", problem=problem)}]
        completion = await self._complete(repair, rubric)
        problem = _problem(completion.text, rubric)
        if problem is not None:
            raise LLMUnavailable(f"the model's grade was unusable twice ({problem})")
        return _parse(completion.text), cut

    async def _complete(self, messages: Messages, rubric: Rubric) -> Completion:
        return await complete_in_format(self.client, messages, self.formats, response_formats(rubric), "grade",
                                        MAX_TOKENS)

    def _settle(self, question: Question, rubric: Rubric, text: str, hinted: frozenset[str], reply: JudgeReply,
                assessment: Assessment) -> ScoreResult:
        offline = assessment.result
        offline_levels = {c.id: c for c in offline.criteria}
        judged = {c.id: c for c in reply.criteria}
        notes: list[str] = []
        criteria: list[CriterionScore] = []
        for criterion in rubric.criteria:
            got = judged[criterion.id]
            level, evidence = got.level, got.evidence.strip() or None
            if level > 0 and (evidence is None or not quoted(evidence, text)):
                fallback = offline_levels[criterion.id]
                level, evidence = fallback.score, fallback.evidence
                notes.append(f"'{criterion.name}': the model's quote is not in the answer, so it was re-checked offline")
            ceiling = HINTED_CEILING if criterion.id in hinted else 3
            criteria.append(CriterionScore(id=criterion.id, score=min(level, ceiling), max=ceiling,
                                           evidence=evidence if level else None))
        caps = _flag_caps(rubric, offline)
        flags = [f for f in offline.red_flags if f != INJECTION_FLAG]
        if reply.injection or assessment.injection:
            flags.append(INJECTION_FLAG)
            caps.append(INJECTION_CAP)
            notes.append("the answer tried to instruct the grader; that text was ignored and the grade capped")
        levels = [(c.weight, s.score) for c, s in zip(rubric.criteria, criteria, strict=True)]
        score = combine(levels, min(caps) if caps else None)
        if assessment.stuffing and score > offline.score:
            notes.append(f"the answer is a run of terms with no explanation; the model's {score} was "
                         f"limited to the rubric check's {offline.score}")
            score = offline.score
        elif abs(score - offline.score) > SHOWN_GAP:
            notes.append(f"the offline rubric check gave {offline.score}; the model's grade stands because "
                         "every level it gave is backed by a quote from the answer")
        note = reply.note.strip()
        # "<one sentence: ...>" is the prompt's placeholder copied back by a small model, not advice.
        if note and not (note.startswith("<") and note.endswith(">")):
            notes.append(note[:300])
        missed = [c.name for c, s in zip(rubric.criteria, criteria, strict=True) if s.score < 2]
        return ScoreResult(question=question.id, scorer=self.name, score=score, signal=signal_for(score),
                           criteria=criteria, red_flags=flags, missed=missed, notes=notes)


def render_rubric(rubric: Rubric) -> str:
    lines = []
    for c in rubric.criteria:
        lines.append(f"- id: {c.id} | {c.name} | weight {c.weight:.2f}")
        for level, description in enumerate(c.levels):
            lines.append(f"    {level}: {description}")
    return "\n".join(lines)


def quoted(evidence: str, text: str) -> bool:
    """Whether the quote really is in the answer (case and spacing aside)."""
    squash = lambda s: " ".join(s.split()).casefold()  # noqa: E731
    return len(evidence.strip()) >= 3 and squash(evidence) in squash(text)


def _flag_caps(rubric: Rubric, offline: ScoreResult) -> list[int]:
    return [f.cap for f in rubric.red_flags if f.text in offline.red_flags]


def _parse(text: str) -> JudgeReply:
    return parse_reply(text, JudgeReply)


def _problem(text: str, rubric: Rubric) -> str | None:
    """Why a reply cannot be used, or None if it can."""
    try:
        reply = _parse(text)
    except ValidationError as exc:
        kind = "not JSON" if any(e["type"] == "json_invalid" for e in exc.errors()) else "JSON in the wrong shape"
        return f"the reply was {kind}"
    ids = [c.id for c in reply.criteria]
    expected = [c.id for c in rubric.criteria]
    if sorted(ids) != sorted(expected):
        return f"criteria ids were {ids}, expected exactly {expected}"
    return None
