"""A real `notifier serve`: every line it writes is JSON, one access line per request, the caller's X-Request-ID kept
and echoed; /metrics read with prometheus_client's parser and checked with promtool."""

import json
import shutil
import socket
import subprocess

import httpx
import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics_families
from prometheus_client.parser import text_string_to_metric_families

from proof.harness import INTAKE_TOKEN, Server, base_env

ALERT = {"id": "a-1", "title": "Ransomware", "severity": "high"}


@pytest.fixture(scope="module", params=[1, 2], ids=["one-process", "two-workers"])
def server(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("logs")
    env = base_env(
        f"sqlite:///{tmp}/notifier.db", tmp / "var", NOTIFIER_SCHEDULER_ENABLED="false", NOTIFIER_INTAKE_WRITER="thread"
    )
    args = ("--workers", str(request.param)) if request.param > 1 else ()
    server = Server(env, log_path=tmp / "serve.log", args=args).start()
    server.tmp = tmp
    yield server
    server.stop()


def _lines(server: Server) -> list[str]:
    return server.log_path.read_text(encoding="utf-8").splitlines()


def _access(server: Server, request_id: str) -> list[dict]:
    found = []
    for line in _lines(server):
        entry = json.loads(line)
        if entry.get("event") == "http.request" and entry.get("request_id") == request_id:
            found.append(entry)
    return found


def test_every_line_is_json_with_an_access_line_per_request(server):
    token = {"Authorization": f"Bearer {INTAKE_TOKEN}"}
    with httpx.Client(base_url=server.url, timeout=10) as client:
        kept = client.get("/healthz", headers={"X-Request-ID": "trace-42.a_b"})
        assert kept.headers["x-request-id"] == "trace-42.a_b"
        bad = client.get("/healthz", headers={"X-Request-ID": "no spaces; or " + "x" * 200})
        assert bad.headers["x-request-id"] != "" and " " not in bad.headers["x-request-id"]
        assert len(bad.headers["x-request-id"]) <= 128
        assert client.get("/api/v1/incidents/123", headers={"X-Request-ID": "r-incident"}).status_code == 401
        assert client.get("/nowhere", headers={"X-Request-ID": "r-404"}).status_code == 404
        intake = client.post("/api/v1/intake/generic", json=ALERT, headers={**token, "X-Request-ID": "r-intake"})
        assert intake.status_code == 202, intake.text
        assert intake.headers["x-request-id"] == "r-intake"
        assert client.post("/api/v1/intake/generic", json=ALERT, headers=token).status_code == 200
        assert client.post("/api/v1/intake/generic", content=b"{", headers=token).status_code == 400
        assert client.post("/api/v1/intake/nosuch", json=ALERT, headers=token).status_code == 404
    # A request uvicorn refuses itself writes a warning through uvicorn's logger.
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        sock.recv(1024)
    server.stop()  # the shutdown messages too
    lines = _lines(server)
    assert lines
    entries = []
    for line in lines:
        try:
            entries.append(json.loads(line))
        except ValueError:
            pytest.fail(f"not JSON: {line!r}")
    assert all({"event", "level", "timestamp"} <= entry.keys() for entry in entries), entries
    assert any(entry["event"] == "serve.started" for entry in entries) or server.args
    assert any(entry.get("logger", "").startswith("uvicorn") for entry in entries), entries

    [health] = _access(server, "trace-42.a_b")
    assert health["method"] == "GET" and health["route"] == "/healthz" and health["status"] == 200
    assert isinstance(health["duration_ms"], float)
    [incident] = _access(server, "r-incident")
    assert (incident["route"], incident["status"]) == ("/api/v1/incidents/{incident_id}", 401)
    [missing] = _access(server, "r-404")
    assert (missing["route"], missing["status"]) == ("unmatched", 404)
    [alert] = _access(server, "r-intake")
    assert (alert["method"], alert["route"], alert["status"]) == ("POST", "/api/v1/intake/{source}", 202)
    server.start()  # for the next test


def _families(text: str) -> dict:
    return {family.name: family for family in text_string_to_metric_families(text)}


def _value(family, **labels) -> float:  # noqa: ANN001
    for sample in family.samples:
        if all(sample.labels.get(k) == v for k, v in labels.items()) and not sample.name.endswith("_created"):
            return sample.value
    raise AssertionError(f"no sample {labels} in {family.name}")


def test_metrics_families_at_zero_and_after_traffic(server):
    token = {"Authorization": f"Bearer {INTAKE_TOKEN}"}
    with httpx.Client(base_url=server.url, timeout=10) as client:
        before = _families(client.get("/metrics").text)
        # Series at zero are present before anything happened.
        assert _value(before["meldplicht_intake_refused"], source="wazuh", reason="unauthorized") == 0
        assert _value(before["meldplicht_intake_duplicate"], source="splunk") == 0
        assert _value(before["meldplicht_mail_sent"]) == 0
        assert _value(before["meldplicht_mail_failed"], final="true") == 0
        # One process per scrape: with --workers every worker answers for itself, so count on a single one.
        if server.args:
            return
        alert = {"id": "b-1", "title": "Phishing", "severity": "low"}
        assert client.post("/api/v1/intake/generic", json=alert, headers=token).status_code == 202
        assert client.post("/api/v1/intake/generic", json=alert, headers=token).status_code == 200
        assert client.post("/api/v1/intake/generic", json=alert).status_code == 401
        client.get("/healthz")
        after = _families(client.get("/metrics").text)
    assert _value(after["meldplicht_intake_accepted"], source="generic") >= 1
    assert _value(after["meldplicht_intake_duplicate"], source="generic") >= 1
    assert _value(after["meldplicht_intake_refused"], source="generic", reason="unauthorized") >= 1
    requests = after["meldplicht_http_requests"]
    assert _value(requests, method="GET", route="/healthz", status="200") >= 1
    assert _value(requests, method="POST", route="/api/v1/intake/{source}", status="202") >= 1
    assert after["meldplicht_http_request_duration_seconds"].type == "histogram"
    assert _value(after["meldplicht_build_info"], version=_version()) == 1
    assert "process_resident_memory_bytes" in after and "python_info" in after
    assert "python_gc_collections" in after
    assert "meldplicht_deadlines_open" in after


def _version() -> str:
    from notifier import __version__

    return __version__


def test_openmetrics_when_asked(server):
    response = httpx.get(server.url + "/metrics", headers={"Accept": "application/openmetrics-text"}, timeout=10)
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.endswith("# EOF\n")
    names = {family.name for family in openmetrics_families(response.text)}
    assert {"meldplicht_http_requests", "meldplicht_intake_accepted", "meldplicht_build"} <= names


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool missing: apt-get install prometheus")
def test_promtool_checks_the_exposition(server):
    text = httpx.get(server.url + "/metrics", timeout=10).text
    result = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
