"""GET /api/v1/incidents answers a page of incidents exactly as the single-incident answers, in a fixed number of
queries whatever the page holds."""

from datetime import timedelta

from sqlalchemy import event

from notifier import clock
from tests.conftest import new_incident, post_event, put_organisation


def make(client, count: int) -> None:
    aware = (clock.now() - timedelta(hours=2)).isoformat()
    for _ in range(count):
        incident = new_incident(client)
        post_event(client, incident["id"], type="cbw.significant", aware_at=aware, reasoning="EPD down")
        post_event(client, incident["id"], type="avg.breach", aware_at=aware, risk="high", reasoning="dossiers")


def queries(app, client, **params) -> tuple[int, list[dict]]:
    seen = []

    def record(*args) -> None:  # noqa: ANN002
        seen.append(args[2])

    event.listen(app.state.engine, "before_cursor_execute", record)
    try:
        answer = client.get("/api/v1/incidents", params=params)
    finally:
        event.remove(app.state.engine, "before_cursor_execute", record)
    assert answer.status_code == 200, answer.text
    return len(seen), answer.json()


def test_the_list_is_the_single_answers_in_a_fixed_number_of_queries(client, app):
    put_organisation(client)
    make(client, 2)
    few, listed = queries(app, client, state="open")
    make(client, 6)
    many, listed = queries(app, client, state="open")
    assert many == few and len(listed) == 8
    assert listed == [client.get(f"/api/v1/incidents/{i['id']}").json() for i in listed]
    assert [d["stage"] for d in listed[0]["deadlines"]][:2] == ["early_warning", "incident_notification"]


def test_the_list_pages_with_limit_and_offset(client):
    put_organisation(client)
    make(client, 3)
    ids = [i["id"] for i in client.get("/api/v1/incidents").json()]
    assert ids == sorted(ids, reverse=True)
    page = client.get("/api/v1/incidents", params={"limit": 2, "offset": 1}).json()
    assert [i["id"] for i in page] == ids[1:3]
    assert client.get("/api/v1/incidents", params={"limit": 1001}).status_code == 422
