"""Signed bodies: Standard Webhooks and X-Hub-Signature-256, valid, invalid, replayed and outside the window."""

import base64
import hashlib
import hmac
import json

import pytest
from freezegun import freeze_time

from tests.conftest import AUTH
from tests.intake.conftest import INTAKE_AUTH, alert_count, generic

NOW = 1795424400  # 2026-11-23T09:00:00Z
SECRET_KEY = b"sixteen-byte-key-for-tests-only!"
SECRET = "whsec_" + base64.b64encode(SECRET_KEY).decode()


@pytest.fixture
def signed_source(client):
    response = client.put(
        "/api/v1/intake-sources/generic", json={"rotate_token": False, "signing_secret": SECRET}, headers=AUTH
    )
    assert response.status_code == 200, response.text
    assert response.json()["signature_required"] is True


def standard(body: bytes, msg_id: str = "msg_1", stamp: int = NOW, key: bytes = SECRET_KEY) -> dict:
    sig = base64.b64encode(hmac.digest(key, f"{msg_id}.{stamp}.".encode() + body, "sha256")).decode()
    return {"webhook-id": msg_id, "webhook-timestamp": str(stamp), "webhook-signature": f"v1,{sig}"}


def hub(body: bytes, key: bytes = SECRET_KEY) -> dict:
    return {"X-Hub-Signature-256": "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()}


def send(client, body: bytes, extra: dict):
    headers = {**INTAKE_AUTH, "Content-Type": "application/json", **extra}
    return client.post("/api/v1/intake/generic", content=body, headers=headers)


BODY = json.dumps(generic("signed-1")).encode()


@freeze_time("2026-11-23T09:00:00Z")
def test_standard_webhooks_valid_signature_is_accepted(client, signed_source):
    assert send(client, BODY, standard(BODY)).status_code == 202


@freeze_time("2026-11-23T09:00:00Z")
def test_standard_webhooks_several_signatures_one_valid(client, signed_source):
    headers = standard(BODY)
    headers["webhook-signature"] = "v1,AAAA " + headers["webhook-signature"]
    assert send(client, BODY, headers).status_code == 202


@freeze_time("2026-11-23T09:00:00Z")
@pytest.mark.parametrize(
    "headers",
    [
        {},  # signature required but missing
        standard(BODY, key=b"another-key-another-key-another!"),
        standard(b'{"id": "other"}'),  # signature of another body
        {**standard(BODY), "webhook-timestamp": "not-a-number"},
        {**standard(BODY), "webhook-id": "msg_2"},  # id is part of the signed content
        standard(BODY, stamp=NOW - 301),  # outside the 5-minute window (a late replay)
        standard(BODY, stamp=NOW + 301),
        hub(BODY, key=b"wrong"),
        {"X-Hub-Signature-256": "sha256=zz"},
    ],
)
def test_bad_or_stale_signatures_get_the_same_401(app, client, signed_source, headers):
    response = send(client, BODY, headers)
    assert response.status_code == 401
    assert response.json() == {"type": "about:blank", "title": "Unauthorized", "status": 401, "detail": "unauthorised"}
    assert alert_count(app) == 0


@freeze_time("2026-11-23T09:00:00Z")
def test_signature_inside_the_window_edge_is_accepted(client, signed_source):
    assert send(client, BODY, standard(BODY, stamp=NOW - 300)).status_code == 202


@freeze_time("2026-11-23T09:00:00Z")
def test_replay_inside_the_window_is_a_duplicate_and_creates_nothing(app, client, signed_source):
    headers = standard(BODY)
    assert send(client, BODY, headers).status_code == 202
    replay = send(client, BODY, headers)
    assert replay.status_code == 200 and replay.json()["duplicate"] is True
    assert alert_count(app) == 1


def test_replay_after_the_window_is_refused(app, client, signed_source):
    with freeze_time("2026-11-23T09:00:00Z"):
        headers = standard(BODY)
        assert send(client, BODY, headers).status_code == 202
    with freeze_time("2026-11-23T09:05:01Z"):
        assert send(client, BODY, headers).status_code == 401


def test_x_hub_signature_valid_and_replayed(app, client, signed_source):
    assert send(client, BODY, hub(BODY)).status_code == 202
    replay = send(client, BODY, hub(BODY))
    assert replay.status_code == 200 and replay.json()["duplicate"] is True
    assert alert_count(app) == 1


def test_signature_without_token_is_refused(client, signed_source):
    headers = {"Content-Type": "application/json", "Authorization": "", **hub(BODY)}
    assert client.post("/api/v1/intake/generic", content=BODY, headers=headers).status_code == 401


def test_other_sources_need_no_signature(client, signed_source):
    from tests.intake import payloads

    response = client.post("/api/v1/intake/wazuh", json=payloads.WAZUH, headers=INTAKE_AUTH)
    assert response.status_code == 202
