"""Each clause's cues read in the context of its sentence and its story, before any part is weighed.

Kept apart from :mod:`bot.scoring.star` because it answers one question, who acts in each clause and what kind
of statement it is, from the clauses around it rather than from the clause alone: spoken English drops a
repeated "I" ("..., and then rewrote the parser"), opens a sentence on a bare verb ("Ran the script that night"),
contrasts two sides' wishes in a disagreement, and opens a story on what a team does as a matter of course.
"""

from __future__ import annotations

from dataclasses import replace

from bot.scoring.star_cues import ACTION_CAUSATIVE, ACTION_PAST, Cues, read
from bot.scoring.star_discourse import continues, opens_on_a_step, positions
from bot.scoring.star_habits import PAST
from bot.scoring.star_telling import FROM_TO, RATE
from bot.scoring.star_text import Unit

MIN_CUES = 1.5  # one weak cue (weight 1) is not enough for a setting, a task or an outcome: it needs company


def read_in_context(all_units: list[Unit], narrative: bool = False) -> list[Cues]:
    """Each unit's cues, with a subject-less clause ("..., then rewrote the parser") acting for its sentence's actor."""
    read_all = [read(unit.text, narrative) for unit in all_units]
    for i in range(1, len(all_units)):
        # The actor is the last one named in the sentence: a list of what was walked through ("and what we'd risk")
        # may come between the step and the next verb that drops its "I" ("and offered to build it myself").
        cues, before = read_all[i], next((read_all[j] for j in range(i - 1, -1, -1) if read_all[j].actor
                                          and all_units[j].sentence == all_units[i].sentence), None)
        if cues.actor is None and before and not cues.general and continues(all_units[i].text):
            read_all[i] = replace(cues, actor=before.actor, action=max(cues.action, 2.5))
    for i, unit in enumerate(all_units):
        first_of_sentence = i == 0 or all_units[i - 1].sentence != unit.sentence
        if first_of_sentence and read_all[i].actor is None and not read_all[i].general and opens_on_a_step(unit.text):
            read_all[i] = replace(read_all[i], actor="I", action=max(read_all[i].action, 2.5))
    for i in positions([unit.text for unit in all_units]):
        read_all[i] = replace(read_all[i], task=0.0)
    told_in_past = bool(PAST.search(" ".join(unit.text for unit in all_units)))
    for i, unit in enumerate(all_units):
        # In the opening sentence, what the team does as a matter of course is the scene, not a step: told in the
        # present in a story told in the past ("We run a booking site, ..."), or as a rate ("we handled 9,000
        # orders a day"; a change of rate, "we went from 30 a week to 2", is an outcome told first).
        if unit.sentence or read_all[i].actor != "we" or read_all[i].general or FROM_TO.search(unit.text):
            continue
        if RATE.search(unit.text) or (told_in_past and not ACTION_PAST.search(unit.text)
                                      and not ACTION_CAUSATIVE.search(unit.text)):
            read_all[i] = replace(read_all[i], actor=None, action=0.0, situation=max(read_all[i].situation, MIN_CUES))
    return read_all
