"""The iCalendar feeds: secret token, every open deadline, valid RFC 5545 framing."""

from freezegun import freeze_time

from tests.reminders.test_ladder import T0, significant_incident


def _lines(body: bytes) -> list[str]:
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    return body.decode("utf-8").replace("\r\n ", "").split("\r\n")  # unfold


def test_feeds_list_open_deadlines_behind_a_secret_token(client, app):
    incident = significant_incident(client)
    with freeze_time(T0):
        urls = client.get("/api/v1/calendar/token").json()
        assert client.get("/api/v1/calendar/token").json() == urls  # stable until rotated
        path = urls["url"].removeprefix("https://mp.example")
        feed = client.get(path, headers={"Authorization": ""})
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    lines = _lines(feed.content)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == 3  # early warning, incident notification, provisional final report
    assert lines.count("BEGIN:VALARM") == 3
    assert "DTSTART:20261117T080000Z" in lines
    assert f"UID:deadline-{incident['id']}-cbw-early_warning-0@mp.example" in lines
    summary = next(line for line in lines if line.startswith("SUMMARY:Vroegtijdige"))
    assert summary == f"SUMMARY:Vroegtijdige waarschuwing: #{incident['id']} Ransomware op het EPD"
    assert any(line.startswith("SUMMARY:Eindverslag (voorlopig)") for line in lines)
    one = client.get(path.removesuffix(".ics") + f"/incidents/{incident['id']}.ics").content
    assert _lines(one).count("BEGIN:VEVENT") == 3
    assert client.get(path.removesuffix(".ics") + "/incidents/999.ics").status_code == 404

    assert client.get("/calendar/wrong-token.ics").status_code == 404
    rotated = client.post("/api/v1/calendar/token").json()
    assert rotated["url"] != urls["url"]
    assert client.get(path).status_code == 404
    assert client.get(rotated["url"].removeprefix("https://mp.example")).status_code == 200
    assert client.post("/api/v1/calendar/token", headers={"Authorization": ""}).status_code == 401


def test_folding_and_escaping():
    from datetime import UTC, datetime

    from notifier.calendar.ics import Event, calendar

    title = "Eindverslag; één, twee \\ drie " + "é" * 80
    body = calendar(
        "x",
        [Event("u@x", datetime(2026, 1, 1, tzinfo=UTC), title, "a\nb", "https://x")],
        stamp=datetime(2026, 1, 1, tzinfo=UTC),
    )
    lines = _lines(body)
    summary = next(line for line in lines if line.startswith("SUMMARY:"))
    assert summary == "SUMMARY:Eindverslag\\; één\\, twee \\\\ drie " + "é" * 80
    assert "DESCRIPTION:a\\nb" in lines
