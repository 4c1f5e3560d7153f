"""A compact timeline per incident as inline SVG, drawn on the server: awareness, deadlines, submissions, now."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from xml.sax.saxutils import escape

COLOURS = {
    "overdue": "#c62828",
    "urgent": "#ef6c00",
    "soon": "#f9a825",
    "later": "#2e7d32",
    "met": "#8a8f98",
    "late": "#6d4c41",
    "open": "#2e7d32",
}


@dataclass(frozen=True)
class Mark:
    at: datetime
    kind: str  # aware | deadline | submission
    regime: str
    label: str
    status: str = ""


def urgency(due: datetime | None, status: str, now: datetime) -> str:
    """overdue, urgent (< 4 h), soon (< 24 h), later, or met/late once filed."""
    if status in {"met", "late"}:
        return "met" if status == "met" else "late"
    if due is None:
        return "later"
    left = due - now
    if left < timedelta(0):
        return "overdue"
    if left < timedelta(hours=4):
        return "urgent"
    if left < timedelta(hours=24):
        return "soon"
    return "later"


def svg(
    marks: list[Mark],
    now: datetime,
    *,
    title: str,
    now_label: str = "now",
    fmt: Callable[[datetime], str] | None = None,
    order: dict[str, int] | None = None,
) -> str:
    """Rows per regime (labelled at the left) in the registry's order (`order`: regime -> rank; regimes it does not
    name come after, by name), the start and end of the span written underneath."""
    if not marks:
        return ""
    times = [m.at for m in marks] + [now]
    start, end = min(times), max(times)
    span = max((end - start).total_seconds(), 3600.0)
    hours = span / 3600
    gutter, pad, row_h, axis = 40, 12, 18, 14
    width = int(min(max(hours * 6, 420), 1040))
    order = order or {}
    rows = sorted({m.regime for m in marks}, key=lambda regime: (order.get(regime, len(order)), regime))
    height = pad * 2 + row_h * max(len(rows), 1) + axis

    def x(at: datetime) -> float:
        return round(gutter + (at - start).total_seconds() / span * (width - gutter - pad), 1)

    def y(regime: str) -> float:
        return pad + row_h * rows.index(regime) + row_h / 2

    bottom = pad + row_h * len(rows)
    parts = [
        f'<svg class="timeline" role="img" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
    ]
    for row in rows:
        ry = pad + row_h * rows.index(row) + row_h / 2
        parts.append(f'<text x="0" y="{ry + 3.5}">{escape(row.upper())}</text>')
        parts.append(f'<line x1="{gutter}" y1="{ry}" x2="{width - pad}" y2="{ry}" stroke="#d5d9e0" stroke-width="2"/>')
    if fmt is not None:
        parts.append(f'<text x="{gutter}" y="{bottom + axis}">{escape(fmt(start))}</text>')
        parts.append(f'<text x="{width - pad}" y="{bottom + axis}" text-anchor="end">{escape(fmt(end))}</text>')
    nx = x(now)
    parts.append(
        f'<line x1="{nx}" y1="4" x2="{nx}" y2="{bottom}" stroke="#1f3a5f" stroke-dasharray="3 3">'
        f"<title>{escape(now_label)}</title></line>"
    )
    for m in sorted(marks, key=lambda m: m.at):
        cx, cy = x(m.at), y(m.regime)
        label = f"<title>{escape(m.label)}</title>"
        if m.kind == "aware":
            parts.append(
                f'<path class="mark-aware" d="M{cx} {cy - 7} L{cx + 6} {cy} L{cx} {cy + 7} L{cx - 6} {cy} Z" '
                f'fill="#1f3a5f">{label}</path>'
            )
        elif m.kind == "deadline":
            colour = COLOURS.get(m.status, "#2e7d32")
            parts.append(
                f'<rect class="mark-deadline" x="{cx - 2.5}" y="{cy - 8}" width="5" height="16" fill="{colour}">'
                f"{label}</rect>"
            )
        else:
            parts.append(
                f'<circle class="mark-submission" cx="{cx}" cy="{cy}" r="5" fill="#ffffff" stroke="#1f3a5f" '
                f'stroke-width="2">{label}</circle>'
            )
    parts.append("</svg>")
    return "".join(parts)
