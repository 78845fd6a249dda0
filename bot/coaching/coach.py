"""The STAR coaching loop as a small state machine: story, one suggestion, revision, comparison.

Why a state machine over a passed-in state rather than an object that remembers: on Discord
each message may land in another process after a restart, so the whole loop has to fit in one
value the adapter stores.  Every call takes a :class:`CoachState` and returns a :class:`Turn`
holding the next state and what to show; nothing here reads or writes anything else.

Phases and what moves between them (anything else is answered politely and changes nothing)::

    awaiting_story --tell, a usable story-------> revising
    awaiting_story --tell, text not a story-----> awaiting_story   (with the reason)
    revising       --tell, revisions left-------> revising         (comparison + next suggestion)
    revising       --tell, the last revision----> wrapped_up       (comparison + wrap-up)
    revising       --more()---------------------> revising         (three more revisions)
    any phase      --finish()-------------------> wrapped_up
    wrapped_up     --more()---------------------> revising         (awaiting_story if no story was told)

Input that cannot be analysed (empty, a one-liner, another language, a list of terms) never
counts as a revision: the user gets the analyser's explanation and the loop stays where it was.
"""

from __future__ import annotations

from typing import Literal

from bot.coaching.compare import compare
from bot.coaching.models import REVISIONS, Attempt, CoachState, Phase, ReplyKind, Suggestion, Theme, Turn, WrapUp
from bot.coaching.ports import Clock
from bot.coaching.story import Story
from bot.coaching.suggestions import next_suggestion, suggestions
from bot.coaching.themes import clean_topic, prompt_for
from bot.scoring.star import analyse
from bot.scoring.star_models import StarAnalysis

Event = Literal["tell", "more", "finish"]
# (phase, event) -> the phases it may lead to.  Pairs not listed are refused with NOT_NOW.
TRANSITIONS: dict[tuple[Phase, Event], frozenset[Phase]] = {
    (Phase.AWAITING_STORY, "tell"): frozenset({Phase.AWAITING_STORY, Phase.REVISING}),
    (Phase.AWAITING_STORY, "finish"): frozenset({Phase.WRAPPED_UP}),
    (Phase.REVISING, "tell"): frozenset({Phase.REVISING, Phase.WRAPPED_UP}),
    (Phase.REVISING, "more"): frozenset({Phase.REVISING}),
    (Phase.REVISING, "finish"): frozenset({Phase.WRAPPED_UP}),
    (Phase.WRAPPED_UP, "more"): frozenset({Phase.REVISING, Phase.AWAITING_STORY}),
    (Phase.WRAPPED_UP, "finish"): frozenset({Phase.WRAPPED_UP}),
}
STORED_CHARS = 16_000  # the analysis reads 800 words; keeping far more would only bloat a stored session
WORTH_SAVING = 70  # a story scoring this with its action and result in place is ready to rehearse aloud


class StarCoach:
    """Drives one story through analysis and up to three revisions (more on request)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def start(self, theme: Theme = Theme.INCIDENT, topic: str | None = None) -> Turn:
        """Open the loop with a behavioral prompt; a topic of the user's own makes the theme ``own``."""
        topic = clean_topic(topic)
        theme = Theme.OWN if topic else theme
        prompt = prompt_for(theme, topic)
        state = CoachState(phase=Phase.AWAITING_STORY, theme=theme, topic=topic, prompt=prompt,
                           started_at=self.clock.now())
        return Turn(state=state, kind=ReplyKind.PROMPT, message=prompt)

    def start_from(self, story: Story, analysis: StarAnalysis | None = None) -> Turn:
        """Carry on revising a saved story from its latest version (re-analysed, so advice is current)."""
        text = story.latest.text
        found = analysis or analyse(text)
        known = {t.value for t in Theme}
        theme = next((Theme(t) for t in story.themes if t in known), Theme.OWN)
        state = CoachState(phase=Phase.AWAITING_STORY, theme=theme, topic=story.title if theme is Theme.OWN else None,
                           prompt=prompt_for(theme, story.title if theme is Theme.OWN else None),
                           story_id=story.id, started_at=self.clock.now())
        if found.score is None:  # saved before the analyser grew stricter: ask for a fresh telling
            return self._unusable(state, found)
        attempt = Attempt(text=text, analysis=found, at=self.clock.now(), saved=True)
        return self._first(state, attempt, f"Picking up “{story.title}” at version {story.latest.number}.")

    def tell(self, state: CoachState, text: str, analysis: StarAnalysis | None = None) -> Turn:
        """Take the story or a revision of it.

        ``analysis`` lets an adapter pass one made elsewhere (the LLM judge); by default the
        offline analyser reads ``text``.
        """
        if (state.phase, "tell") not in TRANSITIONS:
            return self._not_now(state, "This round of coaching is over. Ask for more revisions to keep working "
                                        "on this story, or start a new one.")
        latest = state.latest
        if latest is not None and " ".join(text.split()) == " ".join(latest.text.split()):
            ask = self._open_suggestion(state)
            hint = f" For example: {ask.question}" if ask else ""
            return self._not_now(state, f"That is the same as your last version. Change one thing and send it again.{hint}")
        found = analysis or analyse(text)
        if found.score is None:
            return self._unusable(state, found)
        attempt = Attempt(text=text.strip()[:STORED_CHARS], analysis=found, at=self.clock.now())
        if latest is None:
            return self._first(state, attempt, "")
        return self._revised(state, latest, attempt)

    def more(self, state: CoachState) -> Turn:
        """Grant three more revisions, also after the loop has wrapped up."""
        if (state.phase, "more") not in TRANSITIONS:
            return self._not_now(state, "Tell the story first; revisions come after it.")
        latest = state.latest
        if latest is None:
            reopened = self._move(state, "more", Phase.AWAITING_STORY)
            return Turn(state=reopened, kind=ReplyKind.MORE, message=reopened.prompt)
        limit = (state.revision_limit if state.phase is Phase.REVISING else state.revisions) + REVISIONS
        ask = next_suggestion(latest.analysis)
        # While revising, this suggestion is already the pending one; after a wrap-up it is asked anew.
        asked = [*state.asked, ask.key] if ask and state.phase is Phase.WRAPPED_UP else state.asked
        new = self._move(state, "more", Phase.REVISING, revision_limit=limit, asked=asked,
                         pending=ask.key if ask else None)
        message = f"You have {new.revisions_left} more revisions. " + (
            f"{ask.why} {ask.question}" if ask else "Nothing big is left to change; polish the wording as you like.")
        return Turn(state=new, kind=ReplyKind.MORE, message=message, analysis=latest.analysis, suggestion=ask)

    def finish(self, state: CoachState) -> Turn:
        """End the loop now with a summary; calling it again repeats the summary."""
        new = self._move(state, "finish", Phase.WRAPPED_UP)
        summary = self.wrap_up(new)
        return Turn(state=new, kind=ReplyKind.WRAPPED_UP, message=_wrap_message(new, summary), wrap_up=summary)

    def wrap_up(self, state: CoachState) -> WrapUp | None:
        """Where the story started and where it is now; ``None`` before any usable story."""
        if not state.attempts:
            return None
        first, last = state.attempts[0], state.attempts[-1]
        best = max(range(len(state.attempts)), key=lambda i: (state.attempts[i].score, i))
        parts = last.analysis.components
        return WrapUp(revisions=state.revisions, first_score=first.analysis.score, final_score=last.analysis.score,
                      best_attempt=best + 1,
                      overall=compare(first.analysis, last.analysis) if len(state.attempts) > 1 else None,
                      still_open=next_suggestion(last.analysis),
                      worth_saving=last.score >= WORTH_SAVING and parts.action.present and parts.result.present)

    # --- transitions -------------------------------------------------------------------------

    def _first(self, state: CoachState, attempt: Attempt, opening: str) -> Turn:
        ask = next_suggestion(attempt.analysis)
        new = self._move(state, "tell", Phase.REVISING, attempts=[attempt], asked=[ask.key] if ask else [],
                         pending=ask.key if ask else None)
        score = f"Your story scores {attempt.score}/100."
        advice = f"{ask.why} {ask.question}" if ask else "It is in good shape: rehearse it aloud, then save it."
        return Turn(state=new, kind=ReplyKind.ANALYSED, message=" ".join(p for p in (opening, score, advice) if p),
                    analysis=attempt.analysis, suggestion=ask)

    def _revised(self, state: CoachState, previous: Attempt, attempt: Attempt) -> Turn:
        open_now = {s.key for s in suggestions(attempt.analysis)}
        addressed = (state.pending not in open_now) if state.pending else None
        change = compare(previous.analysis, attempt.analysis, addressed)
        attempts = [*state.attempts, attempt]
        headline = f"Version {len(attempts)}: {change.score_before} → {change.score_after} ({change.score_delta:+d})."
        if addressed:
            headline += " You took the last suggestion."
        if len(attempts) - 1 >= state.revision_limit:
            new = self._move(state, "tell", Phase.WRAPPED_UP, attempts=attempts, pending=None)
            summary = self.wrap_up(new)
            return Turn(state=new, kind=ReplyKind.REVISED, message=f"{headline} {_wrap_message(new, summary)}",
                        analysis=attempt.analysis, comparison=change, wrap_up=summary)
        ask = next_suggestion(attempt.analysis, state.pending)
        new = self._move(state, "tell", Phase.REVISING, attempts=attempts,
                         asked=[*state.asked, ask.key] if ask else state.asked, pending=ask.key if ask else None)
        if ask is None:
            advice = "Nothing big is left to change. Rehearse it aloud, save it, or finish here."
        else:
            advice = f"{'Still open: ' if ask.repeated else 'Next: '}{ask.why} {ask.question}"
        return Turn(state=new, kind=ReplyKind.REVISED, message=f"{headline} {advice}", analysis=attempt.analysis,
                    suggestion=ask, comparison=change)

    def _unusable(self, state: CoachState, found: StarAnalysis) -> Turn:
        kept = " Your previous version is kept; send a revision when it is ready." if state.attempts else ""
        reason = found.feedback[0] if found.feedback else "I could not read a story in this."
        return Turn(state=state, kind=ReplyKind.UNUSABLE, message=reason + kept, analysis=found)

    @staticmethod
    def _not_now(state: CoachState, message: str) -> Turn:
        return Turn(state=state, kind=ReplyKind.NOT_NOW, message=message)

    @staticmethod
    def _open_suggestion(state: CoachState) -> Suggestion | None:
        return next_suggestion(state.latest.analysis) if state.latest else None

    @staticmethod
    def _move(state: CoachState, event: Event, phase: Phase, **changes: object) -> CoachState:
        allowed = TRANSITIONS.get((state.phase, event), frozenset())
        if phase not in allowed:  # a bug in this module, never a user's doing
            raise AssertionError(f"no transition {state.phase} --{event}--> {phase}")
        return state.model_copy(update={"phase": phase, **changes})


def _wrap_message(state: CoachState, summary: WrapUp | None) -> str:
    if summary is None:
        return "No story was told this time. Start again whenever you are ready."
    plural = "revision" if summary.revisions == 1 else "revisions"
    parts = [f"That is the wrap-up: {summary.revisions} {plural}, score {summary.first_score} → {summary.final_score}."]
    if summary.overall and summary.overall.improved:
        parts.append("Better than the first version: " + " ".join(summary.overall.improved[:2]))
    if summary.still_open:
        parts.append(f"Still worth working on: {summary.still_open.question}")
    parts.append("It is ready for your story bank." if summary.worth_saving else
                 "Save it if you want to keep working on it later.")
    if state.revisions_left == 0:
        parts.append("Ask for more revisions to keep going.")
    return " ".join(parts)
