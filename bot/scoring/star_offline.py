"""The offline STAR analysis, made where the offline grades are rather than on the caller's event loop.

Analysing a story costs 5-10 ms of CPU.  On the Discord bot's event loop that is a stall every member
of every server feels, so ``/star`` has its stories analysed where the bot makes its grades: the
grading process (:mod:`bot.scoring.grading_process`), or the grading thread where there is none.  The
LLM's STAR analyser starts from this analysis too, and keeps its facts.
"""

from __future__ import annotations

from bot.scoring.offline import ON_THREAD, GradingPlace
from bot.scoring.star import analyse
from bot.scoring.star_models import StarAnalysis


class OfflineStarAnalyser:
    """The offline analyser behind the same small interface as the LLM's (``analyse(story, spoken_seconds)``)."""

    def __init__(self, place: GradingPlace | None = None) -> None:
        self.place = place or ON_THREAD

    async def analyse(self, story: str, spoken_seconds: float | None = None) -> StarAnalysis:
        return await self.place.run(analyse, story, spoken_seconds)
