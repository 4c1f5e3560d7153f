"""Pure deadline rules: a workflow plus the anchors of one track give the due instants (reference section 5).

- "within N hours" is elapsed time: N real hours after the anchor instant, whatever daylight saving does.
- "Within N days" (the CRA's 14 days) is the earlier of N x 24 h and the same local time N calendar days later.
- "N months after" is calendar arithmetic on the local wall clock of the organisation's zone; a day that does not
  exist in the target month becomes that month's last day (dateutil's relativedelta does exactly that). A local
  time that falls in a spring-forward gap resolves to the instant after the gap; an ambiguous autumn time to the
  first (earlier, stricter) occurrence.
- DORA's weekend and holiday rule (2025/301 art. 5): a time limit on a weekend day or a public holiday of the
  entity's member state may be met by noon of the next working day, except where the workflow exempts a stage for
  an entity type. Holidays come from the `holidays` package; the day is the organisation's local calendar day.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta

from notifier.workflow.schema import DueRule, NextWorkingDay, StageDef, Workflow, matches

DEFAULT_COUNTRY = "NL"


@dataclass(frozen=True)
class Anchors:
    """What has happened on one track (all instants aware; stored and compared in UTC)."""

    aware_at: datetime | None = None
    resolved_at: datetime | None = None
    submitted: dict[str, list[datetime]] = field(default_factory=dict)
    requests: list[datetime] = field(default_factory=list)
    declaration: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, Any] = field(default_factory=dict)
    # When a declaration key last changed value through a revision (anchor "revised:<key>"; a declared key never
    # revised counts from aware_at).
    revised: dict[str, datetime] = field(default_factory=dict)
    # The requested due dates per stage; None: `requests` holds them for the regime's one requested stage.
    requests_by_stage: dict[str, list[datetime]] | None = None

    def requests_for(self, stage: str) -> list[datetime]:
        return self.requests if self.requests_by_stage is None else self.requests_by_stage.get(stage, [])


@dataclass(frozen=True)
class DueStage:
    stage: str
    due: datetime | None
    provisional: bool
    sequence: int = 0
    legal_basis: str = ""


def add_offset(anchor: datetime, rule: DueRule, zone: ZoneInfo) -> datetime:
    if rule.hours is not None:
        return (anchor.astimezone(UTC) + timedelta(hours=rule.hours)).astimezone(UTC)
    local = anchor.astimezone(zone)
    if rule.days is not None:
        elapsed = anchor.astimezone(UTC) + timedelta(days=rule.days)
        calendar = local_instant(local.replace(tzinfo=None) + timedelta(days=rule.days), zone)
        return min(elapsed, calendar)
    shifted = local + relativedelta(months=rule.months)
    # relativedelta keeps the wall clock and tzinfo; re-attach to let zoneinfo pick the offset of the new date.
    return local_instant(shifted.replace(tzinfo=None), zone)


def is_working_day(day: date, country: str) -> bool:
    return day.weekday() < 5 and day not in holidays.country_holidays(country, years=day.year)


def next_working_day(due: datetime, rule: NextWorkingDay, zone: ZoneInfo, country: str) -> datetime:
    """A due instant on a weekend day or a public holiday moves to `rule.at` local time on the next working day;
    on a working day it stays."""
    day = due.astimezone(zone).date()
    if is_working_day(day, country):
        return due
    while not is_working_day(day, country):
        day += timedelta(days=1)
    hour, minute = (int(part) for part in rule.at.split(":"))
    return local_instant(datetime.combine(day, time(hour, minute)), zone)


def local_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a naive local wall-clock time (reference section 5).

    An ambiguous autumn time takes its first occurrence (fold=0, the earlier instant). A time in the spring-forward
    gap does not exist; it becomes the first instant after the gap, i.e. the moment of the transition itself.
    zoneinfo would instead read it with the offset from before the gap, which lands as far past the gap as the time
    lay inside it (02:30 -> 03:30 CEST instead of 03:00).
    """
    first = wall.replace(tzinfo=zone, fold=0)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall:
        return first.astimezone(UTC)
    # In the gap: the transition lies between the reading with the later offset (fold=1, before the transition)
    # and the one with the earlier offset (fold=0, after it). Bisect to the second where the offset changes.
    before = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    after = first.astimezone(UTC)
    if before > after:
        before, after = after, before
    offset_after = after.astimezone(zone).utcoffset()
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) / 2
        if middle.astimezone(zone).utcoffset() == offset_after:
            after = middle
        else:
            before = middle
    return after.replace(microsecond=0)  # transitions fall on whole seconds


class _Computer:
    def __init__(self, workflow: Workflow, anchors: Anchors, zone: ZoneInfo):
        self.wf, self.a, self.zone = workflow, anchors, zone
        self._memo: dict[str, tuple[datetime | None, bool] | None] = {}

    def rule_for(self, stage: StageDef) -> tuple[DueRule | None, str]:
        return stage.rule_for(self.a.conditions, self.a.declaration)

    def applies(self, name: str) -> bool:
        # A stage filed before an event settled it (a DORA reclassification after the initial notification) keeps
        # its deadline, met or late, on record.
        settled_name = None if self.a.submitted.get(name) else name
        return self.wf.stages[name].applies(self.a.declaration, self.a.conditions, settled_name)

    def anchor(self, name: str) -> tuple[datetime | None, bool]:
        if name == "aware":
            return self.a.aware_at, False
        if name == "resolved":
            return self.a.resolved_at, False
        kind, _, stage = name.partition(":")
        if kind == "revised":
            # A key the declaring event set and no revision changed since was assessed at awareness: a breach
            # found high-risk from the start owes its communication from then, like one revised to high later.
            revised = self.a.revised.get(stage)
            if revised is None and self.a.declaration.get(stage) is not None:
                revised = self.a.aware_at
            return revised, False
        if kind == "at":
            return declared_time(self.a.declaration.get(stage)), False
        if kind == "submitted":
            times = self.a.submitted.get(stage) or []
            return (min(times), False) if times else (None, False)
        if kind == "latest":
            times = [t for one in stage.split("+") for t in self.a.submitted.get(one) or []]
            return (max(times), False) if times else (None, False)
        result = self.due_of(stage)  # kind == "due"
        return result if result else (None, False)

    def due_by(self, rule: DueRule) -> tuple[datetime | None, bool]:
        at, provisional = self.anchor(rule.from_)
        if at is None:
            return None, provisional
        due = add_offset(at, rule, self.zone)
        cap = rule.no_later_than
        if cap is not None:
            limit, limit_provisional = self.due_by(cap)
            if limit is not None and at <= limit and limit < due:
                return limit, provisional or limit_provisional
        return due, provisional

    def extended(self, name: str, rule: DueRule, due: datetime) -> datetime:
        """The weekend and holiday extension, where the workflow has one and does not exempt this stage."""
        extension = self.wf.next_working_day
        if extension is None or rule.target or name not in extension.stages:
            return due
        if any(name in ex.stages and matches(ex.when, self.a.conditions) for ex in extension.not_for):
            return due
        country = self.a.conditions.get("organisation.country") or DEFAULT_COUNTRY
        return next_working_day(due, extension, self.zone, country)

    def due_of(self, name: str) -> tuple[datetime | None, bool] | None:
        """The plain due instant of a stage (before the ongoing-incident split), memoised."""
        if name in self._memo:
            return self._memo[name]
        self._memo[name] = None  # guards against a cycle in a workflow file
        stage = self.wf.stages[name]
        rule, _ = self.rule_for(stage)
        result = None
        if rule is not None and rule.from_ != "request" and self.applies(name):
            due, provisional = self.due_by(rule)
            variant = stage.variant_for(self.a.conditions, self.a.declaration)
            provisional_from = (variant.provisional_from if variant else None) or stage.provisional_from
            if due is None and provisional_from:
                at, _ = self.anchor(provisional_from)
                if at is not None:
                    due, provisional = add_offset(at, rule, self.zone), True
            if due is not None:
                result = (self.extended(name, rule, due), provisional)
        self._memo[name] = result
        return result

    def all(self) -> list[DueStage]:
        out: list[DueStage] = []
        for name, stage in self.wf.stages.items():
            rule, basis = self.rule_for(stage)
            requested = [DueStage(name, due, False, seq, basis) for seq, due in enumerate(self.a.requests_for(name), 1)]
            if stage.requested:
                out += requested  # a demand binds whatever our own assessment says
            if rule is None or not self.applies(name):
                continue
            if rule.from_ == "request":
                out += requested
                continue
            computed = self.due_of(name)
            if computed is None:
                if stage.waits_for is not None:
                    out.append(DueStage(name, None, False, 0, basis))
                continue
            due, provisional = computed
            out += self._split_if_ongoing(name, stage, due, provisional, basis)
        return out

    def _split_if_ongoing(self, name, stage, due, provisional, basis) -> list[DueStage]:  # noqa: ANN001
        ongoing = stage.if_ongoing
        if ongoing is None:
            return [DueStage(name, due, provisional, 0, basis)]
        progress_basis = self.wf.stages[ongoing.stage].legal_basis
        resolved = self.a.resolved_at
        if resolved is not None and resolved > due:
            later = add_offset(resolved, ongoing.then, self.zone)
            return [
                DueStage(ongoing.stage, due, provisional, 0, progress_basis),
                DueStage(name, later, False, 0, basis),
            ]
        if resolved is None and self.a.submitted.get(ongoing.stage):
            # A progress report was filed, so the incident was ongoing: the final report waits for resolution.
            return [DueStage(ongoing.stage, due, provisional, 0, progress_basis), DueStage(name, None, True, 0, basis)]
        return [DueStage(name, due, provisional, 0, basis)]


def declared_time(value: Any) -> datetime | None:
    """A time the declaration holds: stored as ISO 8601 text in the track's JSON."""
    if value is None or isinstance(value, datetime):
        return value
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def compute_due(workflow: Workflow, anchors: Anchors, zone: ZoneInfo) -> list[DueStage]:
    """Every stage of the workflow that has a deadline under these anchors, in workflow order."""
    return _Computer(workflow, anchors, zone).all()


class DeadlineStatus(StrEnum):
    """Stored and answered as the plain value ("open", ...): a StrEnum equals its str."""

    OPEN = "open"
    MET = "met"
    LATE = "late"
    OVERDUE = "overdue"


# Not yet filed: the deadline still asks for a report.
UNFILED = (DeadlineStatus.OPEN, DeadlineStatus.OVERDUE)


def status_of(due: datetime | None, submitted_at: datetime | None, now: datetime) -> DeadlineStatus:
    """open, met, late or overdue: met when confirmed at or before the deadline (reference section 5)."""
    if submitted_at is not None:
        return DeadlineStatus.MET if due is None or submitted_at <= due else DeadlineStatus.LATE
    if due is not None and now > due:
        return DeadlineStatus.OVERDUE
    return DeadlineStatus.OPEN
