"""The dashboard shows a bounded page of open incidents, most urgent first, with counts over all of them."""

from datetime import timedelta

from sqlmodel import Session

from notifier import clock
from notifier.web import board
from tests.conftest import new_incident, post_event, put_organisation


def open_incidents(client) -> dict[str, int]:
    """Five open incidents: overdue, urgent, soon, later (AVG 72 h) and one whose only deadline is filed."""
    put_organisation(client)
    now, ids = clock.now(), {}
    for title, hours_ago in (("overdue", 30), ("urgent", 22), ("soon", 10)):
        incident = new_incident(client, title=title)
        aware = (now - timedelta(hours=hours_ago)).isoformat()
        post_event(client, incident["id"], type="cbw.significant", aware_at=aware, reasoning="x")
        ids[title] = incident["id"]
    for title in ("later", "filed"):
        incident = new_incident(client, title=title)
        aware = (now - timedelta(hours=1)).isoformat()
        post_event(client, incident["id"], type="avg.breach", aware_at=aware, risk="risk", reasoning="x")
        ids[title] = incident["id"]
    filed_at = (now - timedelta(minutes=5)).isoformat()
    post_event(client, ids["filed"], type="avg.submitted", stage="ap_notification", submitted_at=filed_at)
    new_incident(client, title="in triage")  # not on the board
    return ids


def test_pages_follow_the_next_unfiled_deadline_and_count_everything(client, app):
    ids = open_incidents(client)
    registry, zone, now = app.state.registry, clock.now().tzinfo, clock.now()
    with Session(app.state.engine) as session:
        pages = [board.board(session, registry, zone, now, "en", page=n, size=2) for n in (1, 2, 3)]
        beyond = board.board(session, registry, zone, now, "en", page=9, size=2)
    shown = [[r.incident.title for r in p.rows] for p in pages]
    assert shown == [["overdue", "urgent"], ["soon", "later"], ["filed"]]  # nothing left to file: last
    assert [(p.open_count, p.overdue_count, p.pages) for p in pages] == [(5, 1, 3)] * 3
    assert [(p.first, p.last) for p in pages] == [(1, 2), (3, 4), (5, 5)]
    assert [r.incident.title for r in beyond.rows] == ["filed"] and beyond.page == 3  # clamped to the last page
    first = pages[0].rows[0]
    assert first.incident.id == ids["overdue"] and first.next.urgency == "overdue" and "Z-CERT" in first.next.recipients
    assert '<svg class="timeline"' in first.timeline


def test_dashboard_says_how_many_are_open_and_overdue(client, signed_in):
    open_incidents(client)
    web, _ = signed_in("viewer")
    page = web.get("/").text
    assert "5 open, 1 with an overdue deadline; showing 1–5, the most urgent first." in " ".join(page.split())
    assert 'class="pager"' not in page  # one page only
    for odd in ("/?page=abc", "/?page=7", "/?page=-1"):
        answer = web.get(odd)
        assert answer.status_code == 200 and answer.text.count('class="incident-card"') == 5
