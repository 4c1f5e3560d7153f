"""Hash version 2 of the ledger, recomputed from the API answer exactly as docs/submission-schema.md defines it."""

import hashlib
import json
from datetime import UTC, datetime

from tests.audit.test_append_only import file_early_warning


def utc(value: str) -> str:
    return datetime.fromisoformat(value).astimezone(UTC).isoformat()


def test_ledger_sha256_is_recomputable_from_the_api(client):
    iid = file_early_warning(client)
    entry = client.get(f"/api/v1/incidents/{iid}/submissions").json()[0]
    assert entry["hash_version"] == 2 and entry["intact"] is True
    body = {
        "hash_version": 2,
        "incident_id": iid,
        "regime": entry["regime"],
        "stage": entry["stage"],
        "submitted_at": utc(entry["submitted_at"]),
        "reference": entry["reference"],
        "delay_reason": entry["delay_reason"],
        "confirmed_by": entry["confirmed_by"],
        "confirmed_at": utc(entry["confirmed_at"]),
        "language": entry["language"],
        "text": entry["text"],
        "json": entry["json"],
        "recipients": entry["json"]["recipients"],
        "missing": entry["missing"],
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert hashlib.sha256(canonical).hexdigest() == entry["ledger_sha256"]
    filing = [r for r in client.get(f"/api/v1/incidents/{iid}/audit").json() if r["event_type"] == "cbw.submitted"]
    assert filing[0]["payload"]["ledger_sha256"] == entry["ledger_sha256"]
    assert filing[0]["payload"]["submission_id"] == entry["id"]
