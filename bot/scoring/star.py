"""Offline STAR analysis of a behavioral story: deterministic, explainable, a few milliseconds.

Why this shape: a candidate rehearsing needs to see *which* part of the story is missing and
*why* the tool thinks so, and the LLM judge needs a baseline it can fall back to.  So the story
is cut into sentences (and run-on clauses), each unit is weighed for every STAR part by cues in
``star_cues``, and it takes the one label it carries most evidence for.  One label per unit
makes the time split add up; a part counts as present when a unit is labelled with it, or when
a unit carries decisive evidence for it next to another label ("I rewrote it, and deploys
stopped failing").  Quantities come from ``star_quantity``; input that is not a story is
caught by ``star_text`` before anything is scored; who acts in each clause is read with the clauses around it
in ``star_context``; whether the whole story is one event or a habit is
read from its tenses in ``star_event``, and its length judged in ``star_length``.

Cues alone fit the stories they were written against, so each unit is also read for what it
does in the story (``star_discourse``): stories told result-first, scenes told after the
result or woven into the first action, outcomes reported by clauses where nobody acts, and
habits that have no setting, goal or outcome of their own are all normal shapes, not errors.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.scoring.star_context import MIN_CUES, read_in_context
from bot.scoring.star_cues import Cues, actors, imagines_outcome
from bot.scoring.star_discourse import (
    BEFORE_THAT,
    backdrop,
    draws_lesson,
    flashback,
    imagined,
    opens_on_a_time,
    recap,
    states,
    sums_up,
    unknown_outcome,
    wish,
    worsening,
)
from bot.scoring.star_event import OWN_ROUTINE, PERFECT, narrates, timeless
from bot.scoring.star_feedback import Findings, coach, length_sentence, score
from bot.scoring.star_habits import ONE_TIME, PAST
from bot.scoring.star_judged import judged
from bot.scoring.star_length import story_length
from bot.scoring.star_models import (
    COMPONENTS,
    TARGET_SECONDS,
    WORDS_PER_MINUTE,
    Component,
    Components,
    StarAnalysis,
    Status,
    TimeSplit,
)
from bot.scoring.star_quantity import scan
from bot.scoring.star_telling import (
    BACK_FROM_OUTCOME,
    BY_SPEAKER,
    COMPLETED,
    CORRECTION,
    ENDED_ON,
    HAD,
    HAD_CHANGED,
    MORE_OF_THE_LESSON,
    NARROWS,
    RULE_KEPT,
    SPEAKER_TELLS,
    STILL_TODAY,
    TROUBLE,
)
from bot.scoring.star_text import ENGLISH, MAX_CHARS, MAX_WORDS, Unit, cap, is_term_list, not_english, sentences, units, words

MIN_LABEL = 1.0  # below this a unit carries no part and continues the one before it
TASK_DECISIVE = 2.0  # one clear goal, duty or commitment
DECISIVE = 2.5  # evidence strong enough to count a part as present even when another label wins
SHORT_WORDS = 30
EXCERPT_CHARS = 200
# Breaks ties: the speaker doing something is an action unless an outcome marker outweighs it.
_PRIORITY = {"lesson": 4, "action": 3, "result": 2, "task": 1, "situation": 0}


@dataclass(frozen=True)
class _Weighed:
    unit: Unit
    cues: Cues
    scores: dict[str, float]
    label: str | None
    found: tuple[str, ...] = ()  # the clause's quantities, read once per analysis


def _weigh(all_units: list[Unit], read_all: list[Cues], scans: list[tuple[list[str], bool]],
           opening: bool = False) -> list[_Weighed]:
    """Each unit's scores and label.  With ``opening``, a change told before the first action that
    does not describe things getting worse is taken as the outcome told first (see :func:`_told_first`)."""
    out: list[_Weighed] = []
    n = len(all_units)
    texts = [unit.text for unit in all_units]
    # Before a marker that goes back to the start ("it all started when"), an outcome is the result told first.
    back = flashback(texts, [unit.sentence for unit in all_units], [bool(c.actor) and not c.general for c in read_all])
    if (back is not None and CORRECTION.search(texts[back])
            and not any(read_all[j].result or read_all[j].concluding or scans[j][0] or scans[j][1] for j in range(back))):
        back = None  # "... actually let me back up" with no outcome told yet corrects the scene; it goes back from nothing
    if (back is not None and BEFORE_THAT.search(texts[back])
            and not any(read_all[j].result or read_all[j].concluding or scans[j][1] for j in range(back))):
        back = None  # "We baked in two shifts. Before that, ...": with no change told yet, the scene goes on
    if (back is not None and BACK_FROM_OUTCOME.search(texts[back])
            and not any(read_all[j].result >= MIN_CUES or read_all[j].concluding or scans[j][1] for j in range(back))):
        # "I think what I did was ..." after the scene alone starts the steps; no outcome is told yet (an opinion
        # on the way, "I felt Celery was overkill", is one weak cue, not an outcome).
        back = None
    told_first = back if back is not None else 0
    # The first unit where the speaker acts rather than sets the scene ("we ran a monolith" is a setting).
    # A clause told as an outcome (a change, "ended up", a summary announced) is not where the acting starts,
    # even with "I" in it.
    changes = [change for _, change in scans]
    first_action = next((i for i, c in enumerate(read_all)
                         if c.actor and not c.general and c.situation - c.occasion < MIN_CUES and i >= told_first
                         and c.result < DECISIVE and not changes[i] and not sums_up(texts[i])), n)
    # A step told as how things ended up ("I also ended up writing a post about it") is a coda after the outcome:
    # the acting ended before it.
    last_action = max((i for i, c in enumerate(read_all) if c.actor and not c.general and not c.concluding), default=n)
    # A goal stated after the first step ("We hired Priya, who ... I was her buddy and my goal was ...") means
    # the story was still setting the scene: what nobody does before the goal is scene, not a finding.
    goal = next((i for i, c in enumerate(read_all) if c.task >= TASK_DECISIVE and not c.general and not c.actor), n)
    scene_ends = goal if first_action < goal < n else first_action
    concluded = {unit.sentence for unit, c in zip(all_units, read_all, strict=True) if c.concluding}
    for i, (unit, cues) in enumerate(zip(all_units, read_all, strict=True)):
        position = (i + 0.5) / n
        # A lesson drawn or a regret reports nothing that happened: its numbers belong to the rule it states.
        unknown = unknown_outcome(unit.text) or recap(unit.text) or draws_lesson(unit.text)
        # ... and so do those of a clause that imagines ("what would you cut if you had half the time").
        found = scans[i][0] if not cues.general and not unknown and not imagines_outcome(unit.text) else []
        change = changes[i] and not cues.general and not unknown
        # A before -> after change is decisive for an outcome even inside a clause where the speaker acts.
        outcome = 0.0 if unknown else cues.result + (DECISIVE if change else 1.0 if found and cues.result else 0.0)
        # An outcome follows what was done: a change told before the first action is the symptom, not the result.
        # A change the speaker made ("we cut the bill by a third") is an outcome even when told first.
        # A change in the same sentence as a conclusion ("We ended up with a rule ... and turnaround dropped from two
        # days to the same day") is part of that outcome, told first.
        # A summary announced before the steps ("the short version is that we lost no orders") is the outcome told
        # early, and its measures are the outcome's even where the speaker is its subject ("we published every result").
        summary = i < first_action and not cues.general and not unknown and sums_up(unit.text) and states(unit.text)
        if summary and cues.actor:
            found = scan(unit.text)[0]
        symptom = (outcome if told_first <= i < first_action < n and not cues.concluding and not cues.actor
                   and unit.sentence not in concluded and not summary else 0.0)
        # (A change in the past perfect, "precision had dropped from 0.7 to 0.5", is what had happened before: the backdrop.)
        if (opening and symptom and (change or found) and not worsening(unit.text) and not wish(unit.text)
                and not HAD_CHANGED.search(unit.text) and cues.task < TASK_DECISIVE):
            symptom, outcome = 0.0, max(outcome, DECISIVE)
        # After the speaker has acted, a clause where nobody acts reports what came of it: a measure with an
        # outcome word (or after the last action) is an outcome, and so are the closing statements unless only
        # imagined.  A bare number between two actions is more often a finding ("30% of calls came from one client").
        scenery = backdrop(unit.text) and not change and not cues.concluding
        reports = (first_action < i and cues.actor is None and not cues.general and not unknown and not NARROWS.match(unit.text)
                   and states(unit.text) and not symptom and not scenery and (cues.task < TASK_DECISIVE or cues.concluding))
        # In the closing sentence, a measured state is the outcome even when a last step follows it
        # ("by day thirty traffic is under one percent and we remove it").
        closing = unit.sentence == all_units[-1].sentence
        if reports and found and (i > last_action or cues.result or change or closing):
            outcome += 1.5
        if i == n - 1 and i > first_action and cues.actor and COMPLETED.search(unit.text):
            outcome = max(outcome, DECISIVE)  # the last clause finishing the work: "..., and we completed the move"
        # ... but a clause with the speaker as its subject ("so I was going through them one by one", "we had a
        # couple more sessions") goes on telling what the speaker did unless it carries a measure.
        # (The rest of a sentence the speaker opened that way goes on with it: "What I did not do, and this is the
        # failure, is ask them".)
        telling = bool(out) and out[-1].unit.sentence == unit.sentence and bool(SPEAKER_TELLS.match(out[-1].unit.text))
        if reports and i > last_action and (found or not (imagined(unit.text) or BY_SPEAKER.match(unit.text)
                                                          or SPEAKER_TELLS.match(unit.text) or telling)):
            outcome += 1.5
        # Before a marker that goes back to the start, a statement where nobody acts is the outcome told first,
        # and so is a change the speaker made, or an opening sentence with a measure in it ("I got the scheduler
        # from stuck twice a week to zero").
        told_before = summary or (i < told_first and not cues.general and not unknown
                                  and ((cues.actor is None and states(unit.text)) or change or (i == 0 and bool(found))))
        if told_before:
            # ... and with a measure or a change in it, that is decisive: "we opened a full week before the deadline".
            outcome = max(outcome + 1.5, DECISIVE if found or change else 0.0)
        if not found and not states(unit.text):
            outcome = 0.0  # "store the data now" names a proposal; an outcome is stated with a verb or a measure
        setting = 0.0 if told_before else _enough((cues.situation + symptom) * (0.5 if i > scene_ends else 1.0))
        if i == 0 and not setting and not told_before and not cues.general and opens_on_a_time(unit.text):
            setting = MIN_CUES  # "Last year I missed a deadline on ...": the story opens by dating its occasion
        # A clause that states facts with nobody acting in it, before the speaker acts or after a flashback
        # marker, sets the scene even without a time or place in it; a clause that states a goal ("I was asked
        # to ...") already has its part in the story.  An opening that only counts things, with no verb
        # ("Three nurses, one weekend, forty beds"), sets it too.
        trouble = cues.task >= TASK_DECISIVE and bool(TROUBLE.search(unit.text))
        if (not setting and not cues.actor and not cues.general and not outcome
                and (cues.task < TASK_DECISIVE or HAD.match(unit.text) or trouble)
                and (states(unit.text) or (i == 0 and bool(found)))
                and (i < scene_ends or (back is not None and i >= back) or scenery)):
            setting = DECISIVE if trouble else MIN_CUES  # the trouble behind a goal is the scene it is set in
        # A duty handed over in the sentence that tells the outcome ("costs fell by a third and the CTO asked me
        # to run the review every quarter") is what came of the story, not the goal it set out with.
        after_outcome = (i > last_action and bool(out) and out[-1].label == "result"
                         and out[-1].scores["result"] >= DECISIVE and out[-1].unit.sentence == unit.sentence)
        scores = {
            # The scene is normally set first and the outcome told last; position only tips a unit that has enough cues.
            # Once the speaker has started acting, a time or place mentioned in passing is not the scene being set.
            "situation": setting + (1.0 if i == 0 else 0.5 if position <= 0.25 else 0.0) * bool(setting),
            "task": 0.0 if after_outcome else _enough(cues.task) + (0.5 if cues.task >= MIN_CUES and position <= 0.5 else 0.0),
            "action": cues.action,
            # A number next to an outcome word is the company a weak outcome cue needs; late in the story,
            # where outcomes are told, an outcome word needs less company.
            "result": 0.0 if symptom else _enough(outcome + (0.5 if cues.result and position >= 0.6 else 0.0)),
            "lesson": cues.lesson,
        }
        best = max(scores, key=lambda k: (scores[k], _PRIORITY[k]))
        label = best if scores[best] >= MIN_LABEL else None
        previous = out[-1] if out else None
        if ((cues.result or (found and not cues.actor)) and previous and previous.label == "result"
                and previous.unit.sentence == unit.sentence):
            label = "result"  # ", and we sold out in an hour" (or ": 99.95% last quarter") carries on its sentence's outcome
        if (previous and previous.label == "lesson" and not cues.actor
                and ((previous.unit.sentence == unit.sentence and MORE_OF_THE_LESSON.match(unit.text))
                     or RULE_KEPT.match(unit.text))):
            # "What I learned is that X, and that Y": the second clause goes on drawing the lesson; it reports nothing.
            label, scores["result"] = "lesson", 0.0
        out.append(_Weighed(unit, cues, scores, label, tuple(found)))
    return out


def _told_first(all_units: list[Unit], narrative: bool = False) -> list[_Weighed]:
    """The units weighed, reading an opening change as the outcome when nothing after the actions is one.

    A story has an outcome somewhere; when none follows the actions, a change told at the start that is
    not things getting worse ("our pipeline went from 45 minutes to 9") is that outcome, told first.
    """
    read_all = read_in_context(all_units, narrative)
    # The speaker still busy ("I was sitting with them for every merge") measures the effort, as a step does.
    scans = [scan(unit.text, action=c.actor is not None or bool(BY_SPEAKER.match(unit.text)))
             for unit, c in zip(all_units, read_all, strict=True)]
    weighed = _weigh(all_units, read_all, scans)
    if _members(weighed, "result"):
        return weighed
    again = _weigh(all_units, read_all, scans, opening=True)
    return again if _members(again, "result") else weighed


def _enough(cues: float) -> float:
    return cues if cues >= MIN_CUES else 0.0


def _split(weighed: list[_Weighed], total: int) -> TimeSplit:
    shares = dict.fromkeys((*COMPONENTS, "other"), 0)
    current: str | None = None
    for w in weighed:
        if w.label is not None:
            current = "result" if w.label == "lesson" else w.label
        shares[current or "other"] += w.unit.words
    total = max(total, 1)
    return TimeSplit(**{k: round(v / total, 3) for k, v in shares.items()})


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


def _members(weighed: list[_Weighed], part: str) -> list[_Weighed]:
    """Units that make ``part`` present: labelled with it, or carrying decisive evidence for it."""
    if part == "action":
        return [w for w in weighed if w.label == "action" or w.cues.actor is not None]
    # A goal or a commitment is often told inside an action ("I took it on and rewrote ..."): it still states the task.
    decisive = TASK_DECISIVE if part == "task" else DECISIVE
    return [w for w in weighed if w.label == part or (w.scores[part] >= decisive and not w.cues.general)]


def _component(part: str, members: list[_Weighed], split: TimeSplit, ratio: float | None,
               metrics: list[str]) -> Component:
    if not members:
        return Component(present=False, score=0)
    best = max(members, key=lambda w: (w.label == part, w.scores[part]))
    share = getattr(split, part)
    points = 1
    if part == "situation":
        points += any(w.cues.anchored for w in members) + (share <= 0.35)
    elif part == "task":
        points += (best.scores["task"] >= 2.0) + any(w.cues.stakes for w in members)
    elif part == "action":
        points += (len(members) >= 2) + (len(members) >= 3 and (ratio or 0) >= 0.7 and share >= 0.3)
        if ratio is not None and ratio < 0.5:
            points = 1
    else:
        points = 3 if metrics else 2 if any(not judged(w.unit.text) for w in members) else 1
    return Component(present=True, score=min(3, points), excerpt=_excerpt(best.unit.text))


def _empty_components() -> Components:
    return Components(**{p: Component(present=False, score=0) for p in COMPONENTS})


def _unscored(status: Status, message: str, total: int, spoken: float | None) -> StarAnalysis:
    return StarAnalysis(components=_empty_components(), metrics=[], first_person_ratio=None, score=None,
                        feedback=[message], status=status, time_split=TimeSplit(situation=0, task=0, action=0, result=0, other=0),
                        length=story_length(total, 0, False, spoken), specific_event=None)


def analyse(story: str, spoken_seconds: float | None = None) -> StarAnalysis:
    """Analyse one behavioral story told in English; never raises on any text.

    ``spoken_seconds`` is the recording's length when the story was spoken: the length verdict
    then uses it instead of an estimate from the number of words."""
    text, total, truncated = cap(story.strip())
    if not words(text):
        return _unscored("empty", "There is no story here yet. Tell me about one specific time: where you were, "
                         "what you had to do, what you did yourself and how it turned out.", 0, spoken_seconds)
    if not_english(text):
        return _unscored("not_english", "This analysis reads English only, and this story looks mostly written in "
                         "another language, so I have not scored it. If you can, tell it again in English; "
                         "the coaching works the same way.", total, spoken_seconds)
    if is_term_list(text):
        terms = ", ".join([w for w in words(text) if w.lower() not in ENGLISH][:4])
        return _unscored("no_sentences", f"This reads as a list of terms ({terms} …) rather than a story, so there is "
                         "nothing to score yet. Pick one moment where those skills mattered and tell it in full "
                         "sentences: what was going on, what you did, and how it ended.", total, spoken_seconds)
    all_units = units(text)
    analysed_words = sum(u.words for u in all_units)
    weighed = _told_first(all_units)
    split = _split(weighed, analysed_words)
    # How things stand today ("we still grab coffee", "anyway, we still talk") closes the story; it is no step of it.
    # Taking a job on ("so I offered to mentor her") is the speaker acting too, whatever part it states.
    actions = [w for w in weighed if w.cues.actor is not None and w.label in ("action", "task", None)
               and not STILL_TODAY.match(w.unit.text)]
    actions = actions or [w for w in weighed if w.cues.actor is not None]
    # A clause can tell two steps by two actors ("we talked, and I explained"): each counts for its side.
    both = [actors(w.unit.text) | {w.cues.actor or "I"} for w in actions]
    we_actions = sum(1 for a in both if "we" in a)
    told_actions = we_actions + sum(1 for a in both if "I" in a)
    ratio = round(1 - we_actions / told_actions, 2) if actions else None
    result_units = _members(weighed, "result")
    metrics = [q for w in result_units for q in w.found]
    claims = [_excerpt(w.unit.text) for w in result_units if judged(w.unit.text) and not w.found]
    # Someone else's routine told before the speaker's first concrete step is the problem being set up
    # ("every time, he asked me to deploy for him"), not the story being a habit.
    concrete = next((i for i, w in enumerate(weighed) if w.cues.actor and not w.cues.general), len(weighed))
    general = [w for i, w in enumerate(weighed) if w.cues.general
               and (w.cues.actor or i > concrete or concrete == len(weighed) or OWN_ROUTINE.search(w.unit.text))]
    told = PERFECT.sub(" ", text)
    told_in_past = bool(PAST.search(told))
    past = sum(1 for w in weighed if narrates(w.unit.text, told_in_past) and not w.cues.general)
    # A story that names its occasion and ends on a change ("at the end the module go from 4000 lines to 1600") is one
    # event, whatever rhythm its steps are told in ("each time one function"): a routine has no ending of its own.
    first_step = next((i for i, w in enumerate(weighed) if w.cues.actor), len(weighed))
    ended = bool(ONE_TIME.search(text)) and any(ENDED_ON.search(w.unit.text) and scan(w.unit.text)[1]
                                                 for w in weighed[first_step + 1:] if not w.cues.actor)
    specific = ended or not ((len(general) >= 2 and len(general) >= past) or (bool(general) and past == 0)
                             or timeless(text, told, len(actions)))
    if specific and any(w.cues.rule_only for w in weighed):
        # The story tells one event, so a present-tense "when X, I do Y" in it is that event told in the present.
        general = [w for w in general if not w.cues.rule_only]
        weighed = _told_first(all_units, narrative=True)
        split = _split(weighed, analysed_words)
        result_units = _members(weighed, "result")
        metrics = [q for w in result_units for q in w.found]
        claims = [_excerpt(w.unit.text) for w in result_units if judged(w.unit.text) and not w.found]
    lesson = next((w for w in weighed if w.label == "lesson" or w.cues.lesson >= DECISIVE), None)
    if not specific:
        # A habit has no setting, goal or outcome of its own: its numbers are the rule's, not a measured result.
        # What the speaker does in it is behaviour, even where an outcome word sits in the clause ("after six weeks
        # I pull back to once a week").
        weighed = [replace(w, label="action" if w.cues.actor else None) for w in weighed]
        weighed = [replace(w, scores={**w.scores, "situation": 0.0, "task": 0.0, "result": 0.0}) for w in weighed]
        metrics, claims = [], []
    components = Components(**{p: _component(p, _members(weighed, p), split, ratio, metrics) for p in COMPONENTS})
    findings = Findings(components=components, split=split, length=story_length(total, analysed_words, truncated, spoken_seconds),
                        ratio=ratio, we_actions=we_actions, all_actions=told_actions, metrics=metrics, vague=claims,
                        specific=specific, general=[_excerpt(w.unit.text) for w in general],
                        lesson=_excerpt(lesson.unit.text) if lesson else None)
    feedback = coach(findings)
    status: Status = "analysed"
    verdict: int | None = score(findings)
    if len(sentences(text)) < 2 or total < SHORT_WORDS:
        status, verdict = "too_short", None
        # Length is the message here; after it, only the two most important gaps.
        feedback = [f for f in feedback if f != length_sentence(findings.length)][:2]
        feedback.insert(0, f"This is only {total} words, too short to score fairly. A STAR answer takes about "
                           f"{TARGET_SECONDS[0] * WORDS_PER_MINUTE // 60}-{TARGET_SECONDS[1] * WORDS_PER_MINUTE // 60} "
                           "words: the situation, your task, what you did step by step, and the result.")
    if truncated:
        more = "more than " if len(story) > MAX_CHARS else ""
        feedback.insert(0, f"Your story is {more}{total:,} words, about {round(total / WORDS_PER_MINUTE)} minutes spoken; "
                           f"I analysed the first {MAX_WORDS:,} words only. Aim for one event told in "
                           f"{TARGET_SECONDS[0]}-{TARGET_SECONDS[1]} seconds.")
    return StarAnalysis(components=components, metrics=metrics, first_person_ratio=ratio, score=verdict,
                        feedback=feedback, status=status, time_split=split, length=findings.length,
                        specific_event=specific, generalisations=findings.general, lesson=findings.lesson,
                        vague_results=claims)
