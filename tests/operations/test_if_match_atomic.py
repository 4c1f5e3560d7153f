"""If-Match is checked and the write made under one lock (issue 13 section 3: "two officers cannot silently overwrite
each other"). Another writer holds the row, uncommitted, while a write carrying the tag both read arrives: that write
must wait, see the other's version and answer 412 with nothing of its own stored. Without the lock, PostgreSQL lets
it check the old committed row, wait on the row lock and then overwrite the other officer's change (a lost update).
On SQLite every transaction starts with BEGIN IMMEDIATE, so the write waits for the database lock instead."""

import threading
import time

from sqlalchemy import text

from notifier.db import make_engine
from tests.conftest import HOSPITAL, new_incident, put_organisation

PROBLEM = "application/problem+json"


def _while_another_writer_holds(db_url: str, statement: str, write) -> tuple:  # noqa: ANN001
    """Run `write` in a thread while another connection has `statement` executed but not committed; commit it after
    the write had time to reach the database. Returns what `write` answered."""
    other = make_engine(db_url)
    answer: list = []
    try:
        with other.connect() as conn:
            conn.execute(text(statement))  # SQLite: BEGIN IMMEDIATE (db.make_engine); PostgreSQL: a row lock
            worker = threading.Thread(target=lambda: answer.append(write()))
            worker.start()
            time.sleep(1.0)
            assert worker.is_alive(), "the write did not wait for the other writer"
            conn.commit()
        worker.join(timeout=30)
        assert not worker.is_alive()
    finally:
        other.dispose()
    return answer[0]


def test_organisation_write_racing_another_is_412_and_keeps_the_other(client, db_url):
    put_organisation(client)
    tag = client.get("/api/v1/organisation").headers["etag"]
    answer = _while_another_writer_holds(
        db_url,
        "UPDATE organisation SET name = 'Written by officer A' WHERE id = 1",
        lambda: client.put("/api/v1/organisation", json={**HOSPITAL, "name": "B"}, headers={"If-Match": tag}),
    )
    assert answer.status_code == 412, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert client.get("/api/v1/organisation").json()["name"] == "Written by officer A"


def test_facts_patch_racing_another_is_412_and_keeps_the_other(client, db_url):
    iid = new_incident(client)["id"]
    assert client.patch(f"/api/v1/incidents/{iid}/facts", json={"affected_users": 10}).status_code == 200
    tag = client.get(f"/api/v1/incidents/{iid}/facts").headers["etag"]
    # Officer A's write as the facts service makes it: the whole JSON column replaced.
    answer = _while_another_writer_holds(
        db_url,
        f"""UPDATE incident SET facts = '{{"affected_users": 20}}' WHERE id = {iid}""",
        lambda: client.patch(
            f"/api/v1/incidents/{iid}/facts", json={"affected_users": 99, "nature": "B"}, headers={"If-Match": tag}
        ),
    )
    assert answer.status_code == 412, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert client.get(f"/api/v1/incidents/{iid}/facts").json()["facts"] == {"affected_users": 20}
