"""AVG art. 33(5): every breach is in the register, notified or not, with the reasoning; JSON and CSV."""

import csv
import io

from freezegun import freeze_time

from tests.conftest import new_incident, post_event, put_organisation
from tests.submissions.conftest import set_facts


@freeze_time("2026-11-25T12:00:00Z")
def test_register_lists_notified_and_not_notified_breaches(client):
    put_organisation(client)
    small = new_incident(client, title="E-mail aan verkeerde ontvanger")["id"]
    post_event(
        client,
        small,
        type="avg.breach",
        aware_at="2026-11-24T10:00:00Z",
        risk="none",
        reasoning="Eén bericht met alleen een naam; ontvanger heeft het aantoonbaar verwijderd.",
    )
    set_facts(
        client,
        small,
        nature="Uitnodiging naar verkeerd adres",
        subjects_informed=False,
        subjects_not_informed_reason="Geen risico.",
    )
    big = new_incident(client)["id"]
    post_event(client, big, type="avg.breach", aware_at="2026-11-23T08:00:00Z", risk="high", reasoning="Patiëntdata")
    set_facts(client, big, breach_nature=["read", "copied"], records_count=1000, consequences="Afpersing")
    post_event(
        client, big, type="avg.submitted", stage="ap_notification", submitted_at="2026-11-25T11:00:00Z", reference="M-1"
    )
    untouched = new_incident(client, title="Alleen Cbw")["id"]
    post_event(client, untouched, type="cbw.significant", aware_at="2026-11-25T08:00:00Z", reasoning="x")

    rows = client.get("/api/v1/register/breaches").json()
    assert [r["incident_id"] for r in rows] == [big, small]
    notified, registered = rows
    assert notified["notified"] is True and notified["notification_reference"] == "M-1"
    assert notified["notification_late"] is False and notified["risk"] == "high"
    assert notified["notification_submitted_at"] == "2026-11-25T12:00:00+01:00"
    assert notified["breach_nature"] == ["read", "copied"] and notified["consequences"] == "Afpersing"
    assert registered["notified"] is False and registered["state"] == "not_notifiable"
    assert registered["assessment_reasoning"].startswith("Eén bericht")
    assert registered["subjects_not_informed_reason"] == "Geen risico."

    response = client.get("/api/v1/register/breaches", params={"format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["incident_id"] for r in table] == [str(big), str(small)]
    assert table[0]["breach_nature"] == "read; copied" and table[0]["notified"] == "yes"
    assert table[1]["notified"] == "no" and table[1]["risk"] == "none"
    assert response.text.splitlines()[0].startswith("incident_id,title,aware_at,risk,state,assessment_reasoning")


def test_register_shows_every_risk_revision_the_art_34_exception_and_the_ap_demand(client):
    with freeze_time("2026-06-01T12:00:00Z"):
        put_organisation(client)
        iid = new_incident(client, title="Back-up onversleuteld")["id"]
        post_event(client, iid, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="none", reasoning="binnen")
    with freeze_time("2026-06-02T09:00:00Z"):
        post_event(client, iid, type="avg.risk_revised", risk="high", reasoning="Schijf lag bij een derde")
    with freeze_time("2026-06-02T10:00:00Z"):
        post_event(client, iid, type="avg.risk_revised", risk="risk", reasoning="Derde is een verwerker; beperkt")
        post_event(
            client,
            iid,
            type="avg.subjects_not_informed",
            exception="disproportionate_effort",
            reasoning="Geen contactgegevens van oud-klanten",
            public_communication_at="2026-06-02T09:30:00Z",
        )
        post_event(client, iid, type="avg.ap_demanded_communication", due="2026-06-09T12:00:00Z", reference="AP-9")

    row = client.get("/api/v1/register/breaches").json()[0]
    assert row["risk"] == "risk" and row["state"] == "notification_due"
    assert row["assessment_reasoning"] == "Derde is een verwerker; beperkt"
    assert [(r["from"], r["to"], r["reasoning"], r["at"]) for r in row["risk_revisions"]] == [
        ("none", "high", "Schijf lag bij een derde", "2026-06-02T11:00:00+02:00"),
        ("high", "risk", "Derde is een verwerker; beperkt", "2026-06-02T12:00:00+02:00"),
    ]
    assert row["risk_revisions"][0]["by"] == "api:bootstrap-admin"
    assert row["subjects_exception"] == "disproportionate_effort"
    assert row["subjects_exception_reasoning"] == "Geen contactgegevens van oud-klanten"
    assert row["public_communication_at"] == "2026-06-02T11:30:00+02:00"
    assert row["communication_demanded"] == [
        {"due": "2026-06-09T14:00:00+02:00", "requested_by": "Autoriteit Persoonsgegevens (AP), AP-9"}
    ]

    table = list(csv.DictReader(io.StringIO(client.get("/api/v1/register/breaches", params={"format": "csv"}).text)))
    assert table[0]["risk_revisions"] == (
        "2026-06-02T11:00:00+02:00 none -> high (api:bootstrap-admin): Schijf lag bij een derde; "
        "2026-06-02T12:00:00+02:00 high -> risk (api:bootstrap-admin): Derde is een verwerker; beperkt"
    )
    assert table[0]["subjects_exception"] == "disproportionate_effort"
    assert table[0]["communication_demanded"] == "2026-06-09T14:00:00+02:00 (Autoriteit Persoonsgegevens (AP), AP-9)"
