"""STAR coaching: analyse a story, coach one change at a time, compare revisions, keep good stories.

Transport-agnostic on purpose: the terminal and Discord both drive :class:`StarCoach` with the
same calls and keep its :class:`CoachState` however suits them (a variable, a database row).
"""

from bot.coaching.coach import StarCoach
from bot.coaching.models import Attempt, CoachState, Comparison, Phase, ReplyKind, Suggestion, Theme, Turn, WrapUp

__all__ = ["Attempt", "CoachState", "Comparison", "Phase", "ReplyKind", "StarCoach", "Suggestion", "Theme", "Turn",
           "WrapUp"]
