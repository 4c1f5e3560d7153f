"""The records a signed-in user reaches from the pages (issue 17, section 6): the breach register with its CSV, the
ledger of filed reports with print and PDF, the audit trail in words with paging and export, and the calendar
subscription. Each in Dutch and in English, through the session cookie (the API's bearer token is not needed)."""

import csv
import io
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from notifier import clock
from notifier.audit.models import AuditRecord
from tests.conftest import new_incident, post_event, put_organisation
from tests.web.test_avg_forms import set_language

WORDS = {
    "nl": {
        "register": "Register van datalekken",
        "risk": "Datalek met hoog risico",
        "ledger": "Ingediende meldingen",
        "filed": "Vroegtijdige waarschuwing ingediend",
        "facts": "Feiten bijgewerkt",
        "count": "20.000",
        "footer": "kenmerk NCSC-2026-042",
        "calendar": "Agenda-abonnement",
        "skip": "Naar de inhoud",
    },
    "en": {
        "register": "Breach register",
        "risk": "Breach with high risk",
        "ledger": "Filed reports",
        "filed": "Early warning filed",
        "facts": "Facts updated",
        "count": "20,000",
        "footer": "reference NCSC-2026-042",
        "calendar": "Calendar subscription",
        "skip": "Skip to content",
    },
}


def _breach_with_a_filing(client: TestClient, title: str = "Ransomware op het EPD") -> int:
    """A significant incident that is also a high-risk breach, its early warning filed with a reference."""
    put_organisation(client)
    iid = new_incident(client, title=title)["id"]
    aware = (clock.now() - timedelta(hours=1)).isoformat()
    post_event(client, iid, type="cbw.significant", aware_at=aware, reasoning="EPD onbereikbaar")
    post_event(client, iid, type="avg.breach", aware_at=aware, risk="high", reasoning="Patiëntgegevens versleuteld")
    changed = client.patch(f"/api/v1/incidents/{iid}/facts", json={"subjects_min": 20000})
    assert changed.status_code == 200, changed.text
    post_event(
        client,
        iid,
        type="cbw.submitted",
        stage="early_warning",
        submitted_at=clock.now().isoformat(),
        reference="NCSC-2026-042",
    )
    return iid


def _filed_id(client: TestClient, iid: int) -> int:
    return client.get(f"/api/v1/incidents/{iid}/submissions").json()[0]["id"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_breach_register_is_a_page_with_a_csv_download(app, client, signed_in, lang):
    iid = _breach_with_a_filing(client)
    web, _ = signed_in("viewer")
    set_language(app, lang)
    words = WORDS[lang]
    dashboard = web.get("/")
    assert 'href="/register/breaches"' in dashboard.text and words["register"] in dashboard.text
    page = web.get("/register/breaches")
    assert page.status_code == 200
    assert f"<h1>{words['register']}</h1>" in page.text
    row = re.search(rf'<tr data-incident="{iid}">(.*?)</tr>', page.text, re.S).group(1)
    assert "Ransomware op het EPD" in row and words["risk"] in row and "Patiëntgegevens versleuteld" in row
    assert ">high<" not in row  # the risk in words, not its code
    download = web.get("/register/breaches.csv")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert download.headers["content-disposition"] == 'attachment; filename="breach-register.csv"'
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [r["incident_id"] for r in rows] == [str(iid)] and rows[0]["risk"] == "high"


def test_the_register_csv_neutralises_a_formula_in_a_title(app, client, signed_in):
    _breach_with_a_filing(client, title='=HYPERLINK("http://evil.example")')
    web, _ = signed_in("viewer")
    rows = list(csv.DictReader(io.StringIO(web.get("/register/breaches.csv").text)))
    assert rows[0]["title"].startswith("'=HYPERLINK")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_ledger_lists_what_was_filed_with_print_and_pdf(app, client, signed_in, lang):
    iid = _breach_with_a_filing(client)
    sid = _filed_id(client, iid)
    web, _ = signed_in("viewer")
    set_language(app, lang)
    words = WORDS[lang]
    incident_page = web.get(f"/incidents/{iid}")
    assert f'href="/incidents/{iid}/submissions"' in incident_page.text
    assert f'href="/incidents/{iid}/audit"' in incident_page.text
    ledger = web.get(f"/incidents/{iid}/submissions")
    assert ledger.status_code == 200 and words["ledger"] in ledger.text
    row = re.search(rf'<tr data-submission="{sid}">(.*?)</tr>', ledger.text, re.S).group(1)
    assert "NCSC-2026-042" in row
    assert f'href="/incidents/{iid}/submissions/{sid}/print"' in row
    assert f'href="/incidents/{iid}/submissions/{sid}/pdf"' in row
    printed = web.get(f"/incidents/{iid}/submissions/{sid}/print")
    assert printed.status_code == 200 and printed.headers["content-type"].startswith("text/html")
    filed_text = client.get(f"/api/v1/incidents/{iid}/submissions/filed/{sid}").json()
    assert "NCSC-2026-042" in printed.text and filed_text["sha256"] in printed.text
    # The print of what was filed is the API's: the same document, whichever way it is asked for.
    assert printed.text == client.get(f"/api/v1/incidents/{iid}/submissions/filed/{sid}/print").text
    document = web.get(f"/incidents/{iid}/submissions/{sid}/pdf")
    assert document.status_code == 200
    assert document.headers["content-type"] == "application/pdf" and document.content.startswith(b"%PDF")
    everything = web.get("/ledger")
    assert everything.status_code == 200 and words["ledger"] in everything.text
    assert f'<tr data-submission="{sid}">' in everything.text and f'href="/incidents/{iid}"' in everything.text
    assert 'href="/ledger"' in everything.text  # in the navigation


def test_a_filing_is_only_found_under_its_own_incident(app, client, signed_in):
    iid = _breach_with_a_filing(client)
    sid = _filed_id(client, iid)
    other = new_incident(client, title="Phishing")["id"]
    web, _ = signed_in("viewer")
    for path in (f"/incidents/{other}/submissions/{sid}/print", f"/incidents/{iid}/submissions/{sid + 99}/pdf"):
        answer = web.get(path)
        assert answer.status_code == 404 and "<html" in answer.text, path


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_audit_trail_says_what_happened_in_words(app, client, signed_in, lang):
    iid = _breach_with_a_filing(client)
    web, _ = signed_in("viewer")
    set_language(app, lang)
    words = WORDS[lang]
    page = web.get(f"/incidents/{iid}/audit")
    assert page.status_code == 200
    assert words["filed"] in page.text and "NCSC-2026-042" in page.text
    assert words["facts"] in page.text and f"— → {words['count']}" in page.text
    # The codes stay available on hover, never as the text a reader reads.
    for code in ("cbw.submitted", "avg.breach", "incident.facts_updated", "incident.created"):
        assert f'title="{code}"' in page.text
        assert f">{code}<" not in page.text
    assert f'href="/incidents/{iid}/audit.json"' in page.text and f'href="/incidents/{iid}/audit.csv"' in page.text


def test_the_audit_trail_is_paged_by_fifty(app, client, signed_in):
    iid = new_incident(client, title="Veel wijzigingen")["id"]
    for n in range(1, 56):
        assert client.patch(f"/api/v1/incidents/{iid}/facts", json={"subjects_min": n}).status_code == 200
    with Session(app.state.engine) as s:
        total = len(s.exec(select(AuditRecord).where(AuditRecord.incident_id == iid)).all())
    assert total == 56  # created, and 55 changes
    web, _ = signed_in("viewer")
    first = web.get(f"/incidents/{iid}/audit")
    assert first.text.count("<tr data-seq=") == 50 and '?page=2" rel="next"' in first.text
    second = web.get(f"/incidents/{iid}/audit?page=2")
    assert second.text.count("<tr data-seq=") == 6 and '?page=1" rel="prev"' in second.text
    assert 'rel="next"' not in second.text
    assert web.get(f"/incidents/{iid}/audit?page=999").text.count("<tr data-seq=") == 6  # the last page
    assert web.get(f"/incidents/{iid}/audit?page=abc").text.count("<tr data-seq=") == 50  # the first
    first_seqs = re.findall(r'<tr data-seq="(\d+)"', first.text)
    assert int(first_seqs[0]) > int(first_seqs[-1])  # newest first


def test_the_audit_trail_exports_as_json_and_csv(app, client, signed_in):
    iid = _breach_with_a_filing(client)
    web, _ = signed_in("viewer")
    api = client.get(f"/api/v1/incidents/{iid}/audit?limit=100").json()
    exported = web.get(f"/incidents/{iid}/audit.json")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("application/json")
    assert "attachment" in exported.headers["content-disposition"]
    assert [r["hash"] for r in exported.json()] == [r["hash"] for r in api]
    table = web.get(f"/incidents/{iid}/audit.csv")
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert [r["hash"] for r in rows] == [r["hash"] for r in api]
    filed = next(r for r in rows if r["event_type"] == "cbw.submitted")
    assert filed["reference"] == "NCSC-2026-042" and filed["event"] == "Early warning filed"  # the users' "en"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_calendar_address_is_made_and_shown_once_from_the_account(app, client, signed_in, lang):
    put_organisation(client)
    web, token = signed_in("viewer")
    set_language(app, lang)
    words = WORDS[lang]
    account = web.get("/account")
    assert 'href="/account/calendar"' in account.text
    page = web.get("/account/calendar")
    assert page.status_code == 200 and words["calendar"] in page.text and "webcal" in page.text
    assert 'id="calendar-feed"' not in page.text
    made = web.post("/account/calendar", data={"csrf_token": token})
    assert made.status_code == 200
    feed = re.search(r'<code id="calendar-feed">[^<]*(/calendar/[^<]+\.ics)</code>', made.text).group(1)
    assert re.search(r'href="webcal://[^"]+/calendar/[^"]+\.ics"', made.text)
    assert 'data-copy="calendar-feed"' in made.text
    assert TestClient(app).get(feed).headers["content-type"].startswith("text/calendar")
    assert 'id="calendar-feed"' not in web.get("/account/calendar").text  # shown once
    again = web.post("/account/calendar", data={"csrf_token": token})
    assert feed in again.text  # the same address until someone makes a new one
    # A viewer may not end everyone's subscriptions; an officer may.
    assert web.post("/account/calendar", data={"csrf_token": token, "rotate": "yes"}).status_code == 403
    officer, officer_token = signed_in("officer")
    rotated = officer.post("/account/calendar", data={"csrf_token": officer_token, "rotate": "yes"})
    assert rotated.status_code == 200 and feed not in rotated.text
    assert TestClient(app).get(feed).status_code == 404
    with Session(app.state.engine) as s:
        kinds = s.exec(select(AuditRecord.event_type).where(AuditRecord.event_type.like("calendar.%"))).all()
    assert kinds == ["calendar.token_created", "calendar.token_rotated"]


def test_the_calendar_form_refuses_without_its_csrf_token(app, signed_in):
    web, _ = signed_in("viewer")
    assert web.post("/account/calendar", data={}).status_code == 403
    assert web.post("/account/calendar", data={"csrf_token": "wrong"}).status_code == 403


def test_a_register_time_that_cannot_be_read_is_shown_as_stored():
    from zoneinfo import ZoneInfo

    from notifier.web.records import _register_time

    zone = ZoneInfo("Europe/Amsterdam")
    assert _register_time("10000-01-01T00:00:00 (buiten bereik)", zone, "nl") == "10000-01-01T00:00:00 (buiten bereik)"
    assert _register_time(None, zone, "en") == ""
    assert "2026" in _register_time("2026-12-07T10:00:00+01:00", zone, "en")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_incident_pages_trail_names_events_in_words_too(app, client, signed_in, lang):
    iid = _breach_with_a_filing(client)
    web, _ = signed_in("viewer")
    set_language(app, lang)
    section = web.get(f"/incidents/{iid}").text.split('id="audit"', 1)[1]
    assert WORDS[lang]["filed"] in section and WORDS[lang]["facts"] in section and "NCSC-2026-042" in section
    assert "<code>cbw.submitted</code>" not in section and 'title="cbw.submitted"' in section


@pytest.mark.parametrize(("lang", "yes"), [("nl", "Ja"), ("en", "Yes")])
def test_changed_facts_read_as_the_reports_show_them(app, client, signed_in, lang, yes):
    iid = new_incident(client, title="Phishing")["id"]
    changed = {"malicious_suspected": True, "started_at": "2026-12-01T09:30:00+01:00"}
    assert client.patch(f"/api/v1/incidents/{iid}/facts", json=changed).status_code == 200
    web, _ = signed_in("viewer")
    set_language(app, lang)
    page = web.get(f"/incidents/{iid}/audit").text
    assert f"— → {yes}</li>" in page
    assert re.search(r"— → [^<]*2026[^<]*09:30[^<]*</li>", page)
    assert "True</li>" not in page and "2026-12-01T09:30" not in page
