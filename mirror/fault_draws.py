"""Faults drawn at random at given rates, from a seeded generator, so a run with the same seed repeats: the mirror's
server faults (mirror/server.py, FaultPlan) and its feed's (mirror/feed.py, FeedFaults) both draw here."""

import random
import threading


class FaultDraws:
    """Draws one of `kinds` with the probability `rates` gives it (kinds not named: never), or None; thread-safe."""

    def __init__(self, kinds: tuple[str, ...], rates: dict[str, float], seed: int, what: str = "fault") -> None:
        unknown = set(rates) - set(kinds)
        if unknown:
            raise ValueError(f"unknown {what} kinds {sorted(unknown)}; known: {', '.join(kinds)}")
        if sum(rates.values()) > 1:
            raise ValueError(f"{what} rates add up to more than 1")
        self.kinds = kinds
        self.rates = dict(rates)
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def draw(self) -> str | None:
        """The fault for the next request, or None to answer normally."""
        with self._lock:
            roll = self._random.random()
        for kind in self.kinds:
            roll -= self.rates.get(kind, 0.0)
            if roll < 0:
                return kind
        return None
