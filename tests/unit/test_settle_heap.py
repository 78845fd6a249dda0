"""What settling the heap promises a long-lived process (the Discord bot once it is built, the grading process).

What it keeps leaves the collector's view, so later collections do not walk it; the garbage made while it was
built is collected, not frozen for good, whether the collection is full or covers only what was just made.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from bot.processes import settle_heap


class Node:
    """A reference cycle: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def restored() -> Iterator[None]:
    """The test process's own collector settings come back afterwards."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.parametrize("full", [True, False])
def test_garbage_is_collected_and_what_is_kept_leaves_later_collections(restored: None, full: bool) -> None:
    kept = Node()
    lost = Node()
    gone = weakref.ref(lost)
    del lost

    settle_heap(full=full)

    assert gone() is None
    assert not any(o is kept for o in gc.get_objects())  # frozen: no later collection walks it
    assert gc.get_freeze_count() > 0


def test_each_generation_is_collected_often_enough_to_keep_its_walk_short(restored: None) -> None:
    settle_heap(full=False)

    young, middle, old = gc.get_threshold()
    assert young <= 5_000 and young * middle <= 25_000 and old > 1
