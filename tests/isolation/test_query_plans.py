"""The organisation criterion every read carries must not steer SQLite to the wide index.

Without statistics SQLite weighs `organisation_id IN (50 ids)` like `incident_id IN (50 ids)`; it read the
portfolio's deadlines and tracks by organisation, a quarter of the table at 200 organisations (bench/scale.py:
310 ms). The two-column indexes make the narrow column lead. PostgreSQL plans from statistics.
"""

import pytest
from sqlalchemy import text

from notifier.main import create_app

MANY = ", ".join(str(i) for i in range(1, 51))
READS = [
    (f"SELECT * FROM deadline WHERE incident_id IN ({MANY}) AND organisation_id IN ({MANY})", "deadline_incident"),
    (f"SELECT * FROM track WHERE incident_id IN ({MANY}) AND organisation_id IN ({MANY})", "track_incident"),
    (f"SELECT count(*) FROM incident WHERE state IN ('open', 'x') AND organisation_id IN ({MANY})", "incident_org"),
]
EXPECTED = {
    "deadline_incident": "ix_deadline_incident_organisation",
    "track_incident": "ix_track_incident_organisation",
    "incident_org": "ix_incident_organisation_state",
}


@pytest.mark.parametrize(("statement", "which"), READS, ids=[w for _, w in READS])
def test_the_portfolio_s_reads_use_the_two_column_indexes(settings, statement, which):
    if not settings.is_sqlite:
        pytest.skip("PostgreSQL plans from its statistics")
    app = create_app(settings)
    with app.state.engine.connect() as conn:
        plan = " ".join(row[-1] for row in conn.execute(text("EXPLAIN QUERY PLAN " + statement)))
    app.state.engine.dispose()
    assert EXPECTED[which] in plan, plan
