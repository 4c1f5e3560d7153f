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
    assert any(line.startswith(f"UID:deadline-{incident['id']}-cbw-early_warning-0@meldplicht-") for line in lines)
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


def test_every_control_character_is_escaped_or_dropped():
    """RFC 5545 TEXT: backslash, semicolon, comma and newline escaped; no other control character but HTAB."""
    from datetime import UTC, datetime

    import icalendar

    from notifier.calendar.ics import Event, calendar

    title = "Storing\rDESCRIPTION:nep\r\nBEGIN:VALARM;x,y\\z\x00\x07\x1b\x7f\x85\u2028\ttab"
    body = calendar(
        "feed\rX-INJECTED:1",
        [Event("u@x", datetime(2026, 1, 1, tzinfo=UTC), title, "a\rb\nc\r\nd\x0be", "https://x")],
        stamp=datetime(2026, 1, 1, tzinfo=UTC),
    )
    lines = _lines(body)  # only CRLF line ends, none longer than 75 octets
    assert not any(ch in body.decode("utf-8") for ch in "\x00\x07\x0b\x1b\x7f\x85\u2028")
    assert not [line for line in lines if line.startswith(("X-INJECTED", "DESCRIPTION:nep", "BEGIN:VALARM;"))]
    parsed = icalendar.Calendar.from_ical(body)
    assert "X-WR-CALNAME:feed\\nX-INJECTED:1" in lines  # an X- property: icalendar keeps it unparsed
    [event] = parsed.walk("VEVENT")
    # Line separators (CR, VT, FF, NEL, U+2028) are line breaks; other controls are dropped; the tab stays.
    assert str(event["SUMMARY"]) == "Storing\nDESCRIPTION:nep\nBEGIN:VALARM;x,y\\z\n\n\ttab"
    assert str(event["DESCRIPTION"]) == "a\nb\nc\nd\ne"
    assert len(event.walk("VALARM")) == 1
