"""The writer's queue (issue 18 section 1): refuse only past the bound, share it fairly, stay bounded."""

import pytest

from notifier.intake.queue import FairQueue, Overloaded, QueueLimits

FLOODER, QUIET = (1, "generic"), (1, "wazuh")
OTHER_ORG = (2, "generic")


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def fill(queue: FairQueue, key, count: int, size: int = 10) -> int:
    """Puts until refused or `count` were taken; answers how many were taken."""
    for n in range(count):
        try:
            queue.put(key, (key, n), size)
        except Overloaded:
            return n
    return count


def test_a_lone_sender_may_use_the_whole_bound_and_is_refused_past_it():
    queue = FairQueue(QueueLimits(max_alerts=100, max_bytes=10**9, max_wait_seconds=10))
    assert fill(queue, FLOODER, 100) == 100
    with pytest.raises(Overloaded) as refused:
        queue.put(FLOODER, "one more", 10)
    assert refused.value.reason == "queue_full"
    assert refused.value.retry_after >= 1
    assert "nothing was stored" in refused.value.detail
    assert len(queue) == 100  # the refused alert was not queued


def test_a_flooding_sender_cannot_crowd_out_another_sender_or_organisation():
    queue = FairQueue(QueueLimits(max_alerts=100, max_bytes=10**9, max_wait_seconds=10))
    assert fill(queue, FLOODER, 10_000) == 100
    # The others still get in while the flooder holds the whole queue...
    assert fill(queue, QUIET, 5) == 5
    assert fill(queue, OTHER_ORG, 5) == 5
    # ...and the flooder, now one of three, gets nothing more until its line is below a third of the bound.
    assert fill(queue, FLOODER, 1) == 0
    taken = queue.take(80)
    assert fill(queue, FLOODER, 1) == 1
    assert len(taken) == 80


def test_a_batch_takes_from_every_sender_in_turn_keeping_each_senders_order():
    queue = FairQueue(QueueLimits(max_alerts=1000))
    fill(queue, FLOODER, 300)
    queue.put(QUIET, (QUIET, 0), 10)
    queue.put(QUIET, (QUIET, 1), 10)
    first = queue.take(10)
    # The quiet sender's two alerts are in the first batch, not behind 300 of the flooder's.
    assert [p for p in first if p[0] == QUIET] == [(QUIET, 0), (QUIET, 1)]
    flooded = [n for key, n in first if key == FLOODER]
    assert flooded == sorted(flooded) == list(range(len(flooded)))
    rest = queue.take(1000)
    assert [n for _, n in rest] == list(range(len(flooded), 300))
    assert len(queue) == 0 and queue.bytes == 0


def test_turns_rotate_between_batches_so_no_sender_is_always_last():
    queue = FairQueue(QueueLimits(max_alerts=10_000))
    senders = [(org, "generic") for org in range(1, 11)]
    for key in senders:
        fill(queue, key, 5)
    # Batches smaller than the number of senders: the senders not reached go first next time.
    firsts = [{p[0] for p in queue.take(4)} for _ in range(3)]
    assert firsts[0].isdisjoint(firsts[1]) and len(firsts[0] | firsts[1] | firsts[2]) == 10


def test_the_byte_bound_is_shared_like_the_count():
    queue = FairQueue(QueueLimits(max_alerts=10_000, max_bytes=10_000))
    assert fill(queue, FLOODER, 100, size=1_000) == 10
    assert fill(queue, QUIET, 3, size=1_000) == 3
    assert queue.bytes == 13_000


def test_memory_stays_bounded_however_many_senders_and_alerts_arrive():
    limits = QueueLimits(max_alerts=100, max_bytes=10**9)
    queue = FairQueue(limits)
    for org in range(1, 5000):
        fill(queue, (org, "generic"), 50)
    assert len(queue) <= 2 * limits.max_alerts
    queue.take(10**6)
    assert len(queue) == 0 and queue._lines == {}  # no state left behind for senders with nothing waiting


def test_a_sender_whose_oldest_alert_waited_too_long_is_refused_while_a_fresh_one_is_not():
    clock = Clock()
    queue = FairQueue(QueueLimits(max_alerts=1000, max_wait_seconds=5), now=clock)
    fill(queue, FLOODER, 10)
    clock.t += 5.5  # the writer is stuck
    assert queue.oldest_wait() == pytest.approx(5.5)
    with pytest.raises(Overloaded) as refused:
        queue.put(FLOODER, "late", 10)
    assert refused.value.reason == "queue_wait"
    queue.put(QUIET, "fresh", 10)  # nothing of this sender has waited yet
    queue.take(100)
    assert queue.oldest_wait() == 0.0
    queue.put(FLOODER, "after", 10)


def test_retry_after_follows_the_measured_rate():
    queue = FairQueue(QueueLimits(max_alerts=10_000))
    assert queue.retry_after() == 1.0  # nothing measured yet
    queue.written(500, 0.5)  # 1,000 alerts/s
    fill(queue, FLOODER, 5_000)
    assert queue.retry_after() == pytest.approx(5.0)
    fill(queue, QUIET, 5_000)
    assert queue.retry_after() == pytest.approx(10.0)
