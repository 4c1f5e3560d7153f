"""Microsoft Sentinel via an automation rule and a Logic App HTTP action (the incident trigger body).

One Sentinel incident is updated many times: each update is its own alert (object.id + lastModifiedTimeUtc),
and all of them correlate on object.id, so they land on one incident here.
"""

from typing import Any

from notifier.intake.alert import Alert, instant, obj, sub, text

SEVERITY = {"informational": 0, "low": 1, "medium": 2, "high": 3}


def _observed(props: dict[str, Any]):  # noqa: ANN202
    # A refusal names the field the time came from, so the sender knows which one to fix.
    key = "firstActivityTimeUtc" if props.get("firstActivityTimeUtc") else "createdTimeUtc"
    return instant(props.get(key), f"object.properties.{key}")


def parse(body: Any) -> Alert:
    body = obj(body)
    item = sub(body, "object")
    props = sub(item, "properties", "object.properties")
    object_id = text(item.get("id"), "object.id", required=True)
    modified = text(props.get("lastModifiedTimeUtc"), "object.properties.lastModifiedTimeUtc")
    original = text(props.get("severity"), "object.properties.severity")
    labels = props.get("labels")
    asset = None
    if isinstance(labels, list):
        names = [lbl.get("labelName") for lbl in labels if isinstance(lbl, dict)]
        asset = next((n for n in names if isinstance(n, str) and n.startswith("host:")), None)
    title = text(props.get("title"), "object.properties.title") or text(item.get("name"), "object.name")
    return Alert(
        external_id=f"{object_id}@{modified}" if modified else object_id,
        title=title or "Sentinel incident",
        severity=SEVERITY.get((original or "").lower(), 2),
        severity_original=original,
        observed_at=_observed(props),
        asset=asset.removeprefix("host:")[:500] if asset else None,
        rule=text(props.get("providerName"), "object.properties.providerName"),
        tool_incident_id=object_id,
    )
