"""Rules from the sixth study of the blind STAR parts (issue 19): the released held-out parts dev12-dev14.

Each test is about what a clause does in a story (sets the scene, states a goal, tells a step, reports
an outcome, draws a lesson), and every sentence in it is invented for the test.
"""

from __future__ import annotations

from bot.scoring.star import analyse


def test_what_i_did_was_after_the_scene_alone_starts_the_steps_it_points_back_from_nothing() -> None:
    story = ("I guess one time the bakery's online order form kept timing out, I think mostly on Saturdays. "
             "I was sort of the one who had set it up. "
             "I think what I did was look at the slow queries "
             "and I added an index on the order date, or at least I started to.")
    a = analyse(story)
    assert not a.components.result.present
    assert a.components.situation.present and a.components.action.present
