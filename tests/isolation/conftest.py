"""Two organisations in one deployment, each with data in every owned table, and clients acting for each.

A is the default organisation (the bootstrap token's); B is created through the API like an operator would and
filled through the API with its own service token. B's names all contain "Bravo", so a page or list of A that
shows any of B's rows is caught by that word.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from freezegun import freeze_time
from sqlmodel import Session, select

from notifier import tenancy
from notifier.processors import reply_links
from notifier.processors.models import IncidentProcessor
from tests.conftest import HOSPITAL, new_incident, post_event, put_organisation
from tests.intake.payloads import WAZUH
from tests.web.conftest import web_client  # noqa: F401  (a client without a token)

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
MARKER = "bravo"
CLOUD = {
    "notification_term_hours": 4,
    "contacts": [{"level": 1, "name": "Servicedesk", "email": "servicedesk@cloud.example"}],
}


@dataclass
class Org:
    slug: str
    client: TestClient
    token: str
    token_id: int
    incident_id: int
    processor_id: int
    product_id: int
    link_id: int
    submission_id: int
    alert_id: int
    intake_token: str
    calendar_token: str
    reply_token: str


def _fill(client: TestClient, app, name: str, slug: str, token: str, token_id: int) -> Org:
    with freeze_time(T0):
        put_organisation(client, name=name, contacts=HOSPITAL["contacts"])
        incident = new_incident(client, title=f"{name} ransomware")
        iid = incident["id"]
        post_event(client, iid, type="cbw.significant", aware_at=T0.isoformat(), reasoning=f"{name} EPD down")
        post_event(client, iid, type="avg.breach", aware_at=T0.isoformat(), risk="high", reasoning=f"{name} NAW")
        created = client.post("/api/v1/processors", json={**CLOUD, "name": f"{name} Cloud"})
        assert created.status_code == 201, created.text
        processor_id = created.json()["id"]
        product = client.post(
            "/api/v1/products", json={"name": f"{name} Pump", "version": "1", "member_states": ["NL"]}
        )
        assert product.status_code == 201, product.text
        linked = client.post(f"/api/v1/incidents/{iid}/processors", json={"processor_id": processor_id})
        assert linked.status_code == 201, linked.text
        assessed = client.post(f"/api/v1/incidents/{iid}/assessments", json={"answers": {}})
        assert assessed.status_code in (201, 422), assessed.text
        post_event(client, iid, type="cbw.submitted", stage="early_warning", submitted_at=T0.isoformat())
        filed = client.get(f"/api/v1/incidents/{iid}/submissions").json()
        source = client.put("/api/v1/intake-sources/wazuh", json={"rotate_token": True})
        assert source.status_code == 200, source.text
        intake_token = source.json()["token"]
        calendar = client.get("/api/v1/calendar/token").json()["url"]
    alert = client.post(
        "/api/v1/intake/wazuh",
        json={**WAZUH, "id": f"{slug}-alert-1"},
        headers={"Authorization": f"Bearer {intake_token}"},
    )
    assert alert.status_code == 202, alert.text
    with Session(app.state.engine) as session:
        link = session.exec(select(IncidentProcessor).where(IncidentProcessor.incident_id == iid)).one()
        tenancy.bind(session, link.organisation_id)
        url = reply_links.issue(session, link=link, settings=app.state.settings, now=T0 + timedelta(minutes=5))
        session.commit()
    return Org(
        slug=slug,
        client=client,
        token=token,
        token_id=token_id,
        incident_id=iid,
        processor_id=processor_id,
        product_id=product.json()["id"],
        link_id=linked.json()["id"],
        submission_id=_ledger_id(filed),
        alert_id=alert.json()["alert_id"],
        intake_token=intake_token,
        calendar_token=calendar.rsplit("/", 1)[1].removesuffix(".ics"),
        reply_token=url.rsplit("/", 1)[1],
    )


def _ledger_id(listed: dict | list) -> int:
    entries = listed["filed"] if isinstance(listed, dict) else listed
    return next(e["id"] for e in entries if e.get("stage") == "early_warning")


def _service_token(operator: TestClient, slug: str, name: str) -> tuple[str, int]:
    made = operator.post(f"/api/v1/organisations/{slug}/tokens", json={"name": name, "role": "administrator"})
    assert made.status_code == 201, made.text
    return made.json()["token"], made.json()["id"]


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"intake_writer": "thread"})


@pytest.fixture
def orgs(app, client) -> tuple[Org, Org]:
    """(A, B): A the default organisation, B created by the operator (the bootstrap token)."""
    made = client.post("/api/v1/organisations", json={"name": "Bravo Zorggroep", "slug": "bravo"})
    assert made.status_code == 201, made.text
    a_slug = next(o["slug"] for o in client.get("/api/v1/organisations").json() if o["id"] == 1)
    clients = []
    result = []
    for name, slug in (("Alfa Ziekenhuis", a_slug), ("Bravo Zorggroep", "bravo")):
        token, token_id = _service_token(client, slug, f"{slug}-service")
        c = TestClient(app, headers={"Authorization": f"Bearer {token}"})
        c.__enter__()
        clients.append(c)
        result.append(_fill(c, app, name, slug, token, token_id))
    yield tuple(result)
    for c in clients:
        c.__exit__(None, None, None)
