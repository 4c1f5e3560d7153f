"""The reminder ladder as a pure function: a deadline, the ladder and "now" give the steps that should exist.

Steps are elapsed-time offsets from the due instant (UTC arithmetic), so a night across a daylight-saving change
still gets its reminder exactly N real hours before the deadline.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from notifier.workflow.schema import ReminderLadder


@dataclass(frozen=True)
class PlannedStep:
    key: str  # "before:12h", "at", "overdue:1", ...
    due_at: datetime
    kind: str  # before | at | overdue


def fixed_steps(due: datetime, ladder: ReminderLadder) -> list[PlannedStep]:
    """The steps known as soon as the deadline is: reminders before it and the one at it."""
    steps = [PlannedStep(f"before:{h}h", due - timedelta(hours=h), "before") for h in sorted(ladder.before_hours)]
    steps.sort(key=lambda s: s.due_at)
    if ladder.at_deadline:
        steps.append(PlannedStep("at", due, "at"))
    return steps


def overdue_steps(
    due: datetime, ladder: ReminderLadder, now: datetime, since: datetime | None = None
) -> list[PlannedStep]:
    """The repeats while overdue whose time has come; generated lazily so an open-ended ladder stays finite.

    Repeats that were already past `since` (when the deadline became known) are never sent; only the last of them
    is returned, to be recorded as skipped. Without this, a deadline that lay years back (an awareness date typed
    as 1990) planned one row per 4 hours since: tens of thousands of rows and minutes for one request (found by
    tests/fuzz/test_bad_values_property.py).
    """
    every = timedelta(hours=ladder.overdue_every_hours)
    if now < due + every:
        return []
    count = int((now - due) // every)
    first = 1 if since is None or since <= due else max(1, min(count, int((since - due) // every)))
    return [PlannedStep(f"overdue:{n}", due + n * every, "overdue") for n in range(first, count + 1)]


def next_overdue_at(due: datetime, ladder: ReminderLadder, now: datetime) -> datetime:
    """The instant of the first overdue repeat that overdue_steps(due, ladder, now) does not yet return."""
    every = timedelta(hours=ladder.overdue_every_hours)
    done = max(0, (now - due) // every)
    return due + (done + 1) * every


def kind_of(step_key: str) -> str:
    return step_key.partition(":")[0]


def recipients_for(step_key: str, ladder: ReminderLadder) -> tuple[list[str], list[str]]:
    """Roles in To and Cc: `always_cc` on every step; the deputy and the CISO from the first overdue notice on."""
    kind = kind_of(step_key)
    copied = kind == "overdue" or (kind == "at" and ladder.cc_from == "at")
    cc = list(ladder.always_cc) + [role for role in ladder.cc if copied and role not in ladder.always_cc]
    return list(ladder.to), cc
