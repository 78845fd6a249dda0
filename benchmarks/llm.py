"""LLM layer overhead, prompt sizes and prompt-cache friendliness, against a local instant server.

    python -m benchmarks.llm [--turns 200]

- overhead: time per judge call minus the bare HTTP round trip of the same request made with
  the same client (so it is what the bot adds: prompt rendering, parsing, validation, evidence
  checks, the offline cross-check), p50/p99;
- tokens per round of each type at default settings: every question of the round answered once,
  graded once and asked one follow-up; prompt sizes estimated at 4 characters a token (the local
  server does not tokenise);
- prefix share: for consecutive calls in a round, the share of each prompt that is an identical
  prefix of the previous one (what providers' automatic prompt caching can reuse).
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
import tomllib
from itertools import pairwise
from pathlib import Path
from typing import Any

from bot.bootstrap import load_bank
from bot.content.paths import content_root
from bot.engine.clock import FakeClock
from bot.engine.loop import LOOP_ORDER, ROUNDS, question_count
from bot.engine.models import Level, Track
from bot.engine.ports import AnswerText
from bot.interviewer.offline import OfflineInterviewer
from bot.llm.breaker import CircuitBreaker
from bot.llm.client import LLMClient, Messages
from bot.llm.interviewer import LLMInterviewer
from bot.llm.judge import LLMJudge
from bot.llm.prompts import Prompts
from bot.scoring.offline import OfflineScorer
from tests.servers.openai_server import running_fake_openai

DEV = Path(__file__).parent / "scoring" / "dev"


def answers() -> list[str]:
    texts = []
    for path in sorted(DEV.glob("*.toml")):
        texts += [a["text"] for a in tomllib.loads(path.read_text(encoding="utf-8"))["answers"] if a["text"].strip()]
    return texts


def flatten(messages: Messages) -> str:
    return "\n".join(f"{m['role']}: {m.get('content', '')}" for m in messages)


def shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def grade_for(request: dict[str, Any], bank: Any) -> str:
    system = request["messages"][0]["content"]
    if "Question (" not in system:  # only the judge's prompt names the question id
        return "You said it depends; what would you measure first to decide?"
    qid = system.split("Question (", 1)[1].split(")", 1)[0]
    return json.dumps({"criteria": [{"id": c.id, "level": 0, "evidence": ""} for c in bank.rubric(qid).criteria],
                       "injection": False, "note": "Add a production example."})


async def main(turns: int) -> dict[str, Any]:
    bank = load_bank()
    prompts = Prompts(content_root() / "prompts")
    pool = answers()
    rng = random.Random(7)
    async with running_fake_openai() as server:
        server.default(lambda request: grade_for(request, bank))
        client = LLMClient(api_key="bench", base_url=server.base_url, model="bench", breaker=CircuitBreaker(FakeClock()))
        judge = LLMJudge(client, prompts, OfflineScorer())
        interviewer = LLMInterviewer(client, prompts, OfflineInterviewer())
        questions = [q for q in bank.all() if q.answer_format != "code"]

        overheads: list[float] = []
        for _ in range(turns):
            question = rng.choice(questions)
            text = rng.choice(pool) + f" ({rng.random()})"  # unique, so the grade cache never answers
            messages = judge.messages(question, bank.rubric(question.id), text, "0a1b2c3d")
            start = time.perf_counter()
            await client.complete(messages, response_format={"type": "json_object"})
            bare = time.perf_counter() - start
            start = time.perf_counter()
            await judge.score(question, bank.rubric(question.id), AnswerText([text]), frozenset())
            overheads.append(time.perf_counter() - start - bare)
        overheads.sort()

        rounds: dict[str, dict[str, Any]] = {}
        for kind in LOOP_ORDER:
            eligible = bank.eligible(kind, Level.SENIOR, Track.ANY)
            count = question_count(kind, ROUNDS[kind].default_minutes)
            chosen = eligible[:count]
            server.requests.clear()
            for question in chosen:
                text = rng.choice(pool)
                result = OfflineScorer().grade(question, bank.rubric(question.id), text)
                await judge.score(question, bank.rubric(question.id), AnswerText([text, "(follow-up answer)"]), frozenset())
                await interviewer.follow_up(question, bank.rubric(question.id), AnswerText([text]), result, [],
                                            level=Level.SENIOR)
            prompts_text = [flatten(r["messages"]) for r in server.requests]
            shares = [shared_prefix(a, b) / len(b) for a, b in pairwise(prompts_text)]
            judge_prompts = [flatten(r["messages"]) for r in server.requests if "response_format" in r]
            judge_shares = [shared_prefix(a, b) / len(b) for a, b in pairwise(judge_prompts)]
            rounds[kind.value] = {
                "questions": len(chosen), "calls": len(server.requests),
                "prompt_tokens_est": sum(len(t) for t in prompts_text) // 4,
                "completion_tokens_est": sum(len(grade_for(r, bank)) for r in server.requests) // 4,
                "prefix_share_consecutive": round(sum(shares) / len(shares), 3) if shares else None,
                "prefix_share_judge_consecutive": round(sum(judge_shares) / len(judge_shares), 3) if judge_shares else None,
            }
        # Turns within one question (answer, then follow-up answer) share the whole judge system prompt.
        question = questions[0]
        server.requests.clear()
        for text in ("First answer about it.", "First answer about it.\n\nAnd the follow-up answer."):
            await judge.score(question, bank.rubric(question.id), AnswerText([text]), frozenset())
        a, b = (flatten(r["messages"]) for r in server.requests)
        same_question_share = round(shared_prefix(a, b) / len(b), 3)
        await client.close()

    return {
        "benchmark": "llm", "turns": turns,
        "overhead_p50_ms": round(overheads[len(overheads) // 2] * 1000, 2),
        "overhead_p99_ms": round(overheads[min(len(overheads) - 1, int(len(overheads) * 0.99))] * 1000, 2),
        "prefix_share_same_question": same_question_share,
        "rounds": rounds,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=1000)
    print(json.dumps(asyncio.run(main(parser.parse_args().turns))))
