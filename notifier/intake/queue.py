"""The intake writer's waiting room: bounded, fair between senders, and the place where overload is detected.

A rate limit set below what the writer can store refuses alerts the service could have kept, and a SIEM that does
not retry loses them for good. So the intake refuses only when the writer really falls behind, measured where it
happens: how many alerts (and bytes) wait for a commit, and how long the oldest of them has waited.

Every sender (an organisation's source: its alerts correlate and deduplicate together) has its own line. A batch
takes from the lines in turn, so a flooding sender's thousands of waiting alerts do not delay a quiet sender's one,
and admission gives each active sender an equal share of the bound: a sender that holds its share is refused while
the others still get in. A lone sender may use the whole bound. Refused alerts are not stored at all (the caller
answers 503 with Retry-After before anything is written), so a refusal never leaves anything half-written.

Memory: the lines hold at most twice the configured bound in alerts and bytes whatever the number of senders (the
shares shrink as senders arrive, so the alerts admitted before that can briefly exceed the bound), and a line
disappears when it is empty, so there is no state per sender that has nothing waiting.
"""

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Key = tuple[int, str]  # (organisation id, source)


@dataclass(frozen=True)
class QueueLimits:
    max_alerts: int = 10_000
    max_bytes: int = 64 * 1024 * 1024
    max_wait_seconds: float = 10.0


class Overloaded(Exception):
    """The writer is behind: the alert was not taken (answered 503 with Retry-After; nothing stored)."""

    def __init__(self, reason: str, retry_after: float, detail: str):
        super().__init__(detail)
        self.reason, self.retry_after, self.detail = reason, retry_after, detail


@dataclass
class _Line:
    entries: deque = field(default_factory=deque)  # (payload, size, enqueued at)
    size: int = 0


class FairQueue:
    """Used from one event loop: no locks. `put` admits or raises Overloaded; `take` forms a batch in turns."""

    def __init__(self, limits: QueueLimits, now: Callable[[], float] = time.monotonic):
        self.limits, self._now = limits, now
        self._lines: dict[Key, _Line] = {}
        self.depth = 0
        self.bytes = 0
        self._rate = 0.0  # alerts committed per second, smoothed over recent batches (for Retry-After)

    def __len__(self) -> int:
        return self.depth

    def oldest_wait(self) -> float:
        """Seconds the longest-waiting alert has waited (0 when nothing waits)."""
        if not self._lines:
            return 0.0
        now = self._now()
        return max(now - line.entries[0][2] for line in self._lines.values())

    def put(self, key: Key, payload: Any, size: int) -> None:
        line = self._lines.get(key)
        held, held_bytes = (len(line.entries), line.size) if line else (0, 0)
        senders = len(self._lines) + (line is None)
        limits = self.limits
        if line is not None and self._now() - line.entries[0][2] > limits.max_wait_seconds:
            raise Overloaded(
                "queue_wait",
                self.retry_after(),
                f"the intake is behind: alerts from this source have waited over {limits.max_wait_seconds:g} s "
                "for storage; nothing was stored, retry later",
            )
        over_share = held >= limits.max_alerts / senders or held_bytes + size > limits.max_bytes / senders
        over_total = self.depth >= 2 * limits.max_alerts or self.bytes + size > 2 * limits.max_bytes
        if over_share or over_total:
            raise Overloaded(
                "queue_full",
                self.retry_after(),
                f"the intake queue is full ({self.depth} alerts waiting for storage); nothing was stored, retry later",
            )
        if line is None:
            line = self._lines[key] = _Line()
        line.entries.append((payload, size, self._now()))
        line.size += size
        self.depth += 1
        self.bytes += size

    def take(self, limit: int) -> list:
        """Up to `limit` payloads, one from each sender in turn (each sender's own order kept)."""
        batch: list = []
        while self._lines and len(batch) < limit:
            for key in list(self._lines):
                # Served lines move to the end, so the next batch starts with the senders this one did not reach.
                line = self._lines.pop(key)
                payload, size, _ = line.entries.popleft()
                line.size -= size
                self.depth -= 1
                self.bytes -= size
                batch.append(payload)
                if line.entries:
                    self._lines[key] = line
                if len(batch) >= limit:
                    break
        return batch

    def written(self, count: int, seconds: float) -> None:
        """A batch of `count` alerts took `seconds`: keeps the estimate Retry-After is based on."""
        if count and seconds > 0:
            rate = count / seconds
            self._rate = rate if not self._rate else 0.8 * self._rate + 0.2 * rate

    def retry_after(self) -> float:
        """How long the waiting alerts need at the recent rate (at least 1 s, at most a minute)."""
        if not self._rate:
            return 1.0
        return min(60.0, max(1.0, self.depth / self._rate))
