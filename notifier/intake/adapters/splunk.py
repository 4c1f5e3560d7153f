"""Splunk webhook alert action: sid, search_name, results_link, owner, app, result (first row only).

Splunk re-uses the sid for every result of one search run only when the action fires once per search, so the
dedup key is sid plus a hash of the result row (per-result alerting sends several rows with one sid).
"""

from typing import Any

from notifier.intake.alert import Alert, digest, instant, obj, sub, text

# Common severity values a search puts in its result row (Splunk ES urgency names and numeric 1-5 severities).
SEVERITY = {
    "informational": 0,
    "info": 0,
    "low": 1,
    "medium": 2,
    "high": 3,
    "critical": 4,
    "1": 0,
    "2": 1,
    "3": 2,
    "4": 3,
    "5": 4,
}
DEFAULT = 2


def parse(body: Any) -> Alert:
    body = obj(body)
    sid = text(body.get("sid"), "sid", required=True)
    result = sub(body, "result")
    raw_severity = result.get("severity", result.get("urgency"))
    original = text(raw_severity, "result.severity") if not isinstance(raw_severity, dict | list) else None
    severity = SEVERITY.get((original or "").lower(), DEFAULT)
    asset = next((result[k] for k in ("host", "dest", "src", "asset") if isinstance(result.get(k), str)), None)
    return Alert(
        external_id=f"{sid}:{digest(result)}",
        title=text(body.get("search_name"), "search_name") or f"Splunk search {sid}",
        severity=severity,
        severity_original=original,
        observed_at=instant(result.get("_time"), "result._time"),
        asset=text(asset, "result.host"),
        rule=text(body.get("search_name"), "search_name"),
    )
