"""The confirmation after saving the facts counts the facts that changed, not the fields the form sent: the form
sends every fact, so it said "37 changed" when the officer had typed two (found by the browser walk, issue 17)."""

import re

from tests.conftest import new_incident, put_organisation


def test_the_facts_flash_counts_the_changed_facts(client, signed_in):
    put_organisation(client)
    iid = new_incident(client)["id"]
    assert client.patch(f"/api/v1/incidents/{iid}/facts", json={"nature": "Versleuteld"}).status_code == 200
    web, token = signed_in("officer")
    page = web.get(f"/incidents/{iid}").text
    assert 'name="fact_subjects_min"' in page and 'name="fact_measures_taken"' in page
    # As the browser sends it: every fact field, most of them empty, the one known fact unchanged.
    form = {name: "" for name in _fact_fields(page)}
    form.update(
        {
            "csrf_token": token,
            "fact_nature": "Versleuteld",
            "fact_subjects_min": "20000",
            "fact_measures_taken": "Netwerk gesegmenteerd",
        }
    )
    saved = web.post(f"/incidents/{iid}/facts", data=form)
    assert saved.status_code == 200
    assert "Facts saved (2 changed)." in saved.text, saved.text
    again = web.post(f"/incidents/{iid}/facts", data=form)
    assert "Facts saved (0 changed)." in again.text


def _fact_fields(html: str) -> list[str]:
    return sorted(set(re.findall(r'name="(fact_[a-z_]+)"', html)))
