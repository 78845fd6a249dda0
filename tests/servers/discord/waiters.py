"""Keyed waiting: tests park on "the next message in channel X", not on every change.

A single global "something changed" event would wake every parked test on every
message, which is quadratic when hundreds of simulated users each wait for their own
reply. Instead each waiter registers under a key (a channel, a message, an
interaction) and only changes to that key evaluate its predicate.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass
class _Waiter:
    predicate: Callable[[Any], bool]
    future: asyncio.Future[Any]


class Waiters:
    def __init__(self) -> None:
        self._by_key: dict[Hashable, list[_Waiter]] = {}

    def notify(self, keys: Iterable[Hashable], item: Any) -> None:
        """Offer ``item`` to the waiters of each key; satisfied ones are resolved and dropped."""
        for key in keys:
            waiting = self._by_key.get(key)
            if not waiting:
                continue
            keep: list[_Waiter] = []
            for waiter in waiting:
                if waiter.future.done():
                    continue
                try:
                    matched = waiter.predicate(item)
                except Exception as exc:  # a broken predicate fails its own test, not the emulator
                    waiter.future.set_exception(exc)
                    continue
                if matched:
                    waiter.future.set_result(item)
                else:
                    keep.append(waiter)
            if keep:
                self._by_key[key] = keep
            else:
                self._by_key.pop(key, None)

    async def wait(self, key: Hashable, predicate: Callable[[Any], bool], *, timeout: float, what: str) -> Any:
        """Wait for the next item notified under ``key`` that satisfies ``predicate``.

        Callers check already-present items first; there is no await between that check
        and this registration, so nothing can slip through the gap.
        """
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        waiter = _Waiter(predicate, future)
        self._by_key.setdefault(key, []).append(waiter)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}") from None
        finally:
            waiting = self._by_key.get(key)
            if waiting and waiter in waiting:
                waiting.remove(waiter)
                if not waiting:
                    self._by_key.pop(key, None)
