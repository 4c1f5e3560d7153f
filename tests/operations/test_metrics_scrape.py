"""A scrape's cost does not grow with the stored alerts: no query of /metrics reads the alert table."""

from sqlalchemy import event


def test_a_scrape_reads_no_alert_rows(client, app):
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):  # noqa: ANN001, ANN002
        statements.append(statement.lower())

    event.listen(app.state.engine, "before_cursor_execute", seen)
    try:
        response = client.get("/metrics")
    finally:
        event.remove(app.state.engine, "before_cursor_execute", seen)
    assert response.status_code == 200
    assert "meldplicht_intake_accepted_total" in response.text
    assert statements  # the deadline and outbox gauges still come from the database
    assert not [s for s in statements if "intake_alert" in s]
