"""In-memory token buckets and the client address behind trusted proxies (per replica, per process).

A bucket holds up to `burst` tokens and refills at `rate` tokens per second; a request takes one token or is
refused with the whole seconds until one is back (Retry-After). Everything is O(1) under one threading lock, so the
SIEM intake's hot path pays a dictionary lookup and a few float operations. The counts live in the process: each
replica (and each `serve --workers` process) has its own buckets, which is what the intake needs (its budget is a
guard against a runaway source, not an accounting). Sign-in failures are counted in the database instead
(notifier/web/throttle.py), shared by every replica.
"""

import ipaddress
import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fastapi import HTTPException, Request, status

from notifier import clock

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _seconds() -> float:
    return clock.now().timestamp()


class TokenBucketLimiter:
    """One bucket per key. `take(key)` answers 0.0 when a token was taken, else the seconds until one is back."""

    # Past this many keys, buckets that refilled completely are dropped (they hold no information), so spoofed or
    # rotating client addresses cannot grow the table without bound.
    PRUNE_AT = 10_000

    def __init__(self, rate: float, burst: int, now: Callable[[], float] = _seconds):
        if rate < 0 or burst < 1:
            raise ValueError("rate must be >= 0 and burst >= 1")
        self.rate = float(rate)
        self.burst = float(burst)
        self._now = now
        self._buckets: dict[object, list[float]] = {}  # key -> [tokens, last refill]
        self._lock = threading.Lock()
        self._prune_at = self.PRUNE_AT

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def _level(self, bucket: list[float], now: float) -> float:
        # max(0, ...): a wall clock stepped backwards must not drain anybody's bucket.
        tokens = min(self.burst, bucket[0] + max(0.0, now - bucket[1]) * self.rate)
        bucket[0], bucket[1] = tokens, now
        return tokens

    def take(self, key: object) -> float:
        if not self.enabled:
            return 0.0
        now = self._now()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self._prune_at:
                    self._prune(now)
                self._buckets[key] = [self.burst - 1.0, now]
                return 0.0
            tokens = self._level(bucket, now)
            if tokens >= 1.0:
                bucket[0] = tokens - 1.0
                return 0.0
            return (1.0 - tokens) / self.rate

    def _prune(self, now: float) -> None:
        full = [k for k, b in self._buckets.items() if self._level(b, now) >= self.burst]
        for key in full:
            del self._buckets[key]
        # Amortised O(1): the next prune waits until the table has doubled again.
        self._prune_at = max(self.PRUNE_AT, 2 * len(self._buckets))


def retry_after_header(seconds: float) -> str:
    """Retry-After in whole seconds, at least 1 (RFC 9110 allows no fractions)."""
    return str(max(1, math.ceil(seconds)))


# --- the client's address --------------------------------------------------------------------------------------


def parse_proxies(raw: str | Iterable[str]) -> tuple[Network, ...]:
    """NOTIFIER_TRUSTED_PROXIES: comma-separated addresses or networks (10.0.0.5, 10.1.0.0/16, ::1)."""
    items = raw.split(",") if isinstance(raw, str) else raw
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip())


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(request: Request, proxies: tuple[Network, ...]) -> str:
    """The peer's address; X-Forwarded-For counts only when the peer is a trusted proxy.

    Walks X-Forwarded-For from the right (the entries our own proxies appended) and takes the first address that is
    not a trusted proxy: everything left of it was written by the client and could be anything.
    """
    peer = request.client.host if request.client else "unknown"
    if not proxies or not _trusted(peer, proxies):
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if h.strip()]
    address = peer
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # garbage: keep the last address a trusted proxy vouched for
        address = hop
        if not _trusted(hop, proxies):
            break
    return address


# --- the SIEM intake ----------------------------------------------------------------------------------------------


def too_many(detail: str, seconds: float) -> HTTPException:
    """429 with Retry-After; FastAPI answers it as {"detail": ...}."""
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS, detail, headers={"Retry-After": retry_after_header(seconds)}
    )


class _CountingFailures:
    """`with guard.failures_of(request):` around the credential checks; a 401 raised inside is charged to the
    client's address and becomes a 429 once that address has no budget left."""

    __slots__ = ("guard", "request")

    def __init__(self, guard: "IntakeGuard", request: Request):
        self.guard, self.request = guard, request

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:  # noqa: ANN001
        if kind is None or not isinstance(exc, HTTPException) or exc.status_code != 401:
            return False
        wait = self.guard.failures.take(client_address(self.request, self.guard.proxies))
        if wait:
            raise too_many("too many requests with wrong credentials from this address; retry later", wait) from None
        return False


@dataclass
class IntakeGuard:
    """The intake's two budgets.

    - per source, for authenticated requests only (NOTIFIER_INTAKE_RATE_LIMIT per second, NOTIFIER_INTAKE_RATE_BURST):
      nobody without the source's credentials can spend its budget;
    - per client address, for failed authentications only (NOTIFIER_INTAKE_AUTH_FAILURES_PER_MINUTE): a client
      that keeps presenting wrong credentials gets 429 instead of 401 until it slows down. It is decided after the
      credentials were checked, so requests with valid credentials from the same address (a NAT, a proxy that is
      not in NOTIFIER_TRUSTED_PROXIES) are never refused because of another client's failures.
    """

    sources: TokenBucketLimiter
    failures: TokenBucketLimiter
    proxies: tuple[Network, ...]

    @classmethod
    def from_settings(cls, settings) -> "IntakeGuard":  # noqa: ANN001
        per_minute = settings.intake_auth_failures_per_minute
        return cls(
            sources=TokenBucketLimiter(settings.intake_rate_limit, max(1, settings.intake_rate_burst)),
            failures=TokenBucketLimiter(per_minute / 60.0, max(1, per_minute)),
            proxies=parse_proxies(settings.trusted_proxies),
        )

    def failures_of(self, request: Request) -> _CountingFailures:
        return _CountingFailures(self, request)

    def admit(self, source: str) -> None:
        """Takes a token of the (authenticated) source's budget; raises the 429 when there is none."""
        wait = self.sources.take(source)
        if wait:
            raise too_many(f"rate limit of intake source {source!r} exceeded; retry later", wait)
