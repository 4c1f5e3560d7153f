"""Bugs the officer walk of issue 17 found (section 8), each pinned by the test that failed before its fix."""

import re
from datetime import timedelta

import pytest

from notifier import clock
from tests.conftest import new_incident, post_event, put_organisation
from tests.web.test_assistant_page import officer  # noqa: F401  (the fixture)
from tests.web.test_pages import errors
from tests.web.test_regimes_end_to_end import BANK


def assistant_form(html: str, regime: str) -> dict[str, str]:
    """The assistant form's fields as the page fills them: what the officer posts when recomputing unchanged."""
    form = re.search(rf'action="[^"]*/assessment\?regime={regime}" data-form="assessment">(.*?)</form>', html, re.S)
    assert form, f"no {regime} assistant form on the page"
    body = form.group(1)
    out = dict(re.findall(r'<input id="(q_[^"]+)" name="q_[^"]+" type="text" value="([^"]*)"', body))
    for name, options in re.findall(r'<select id="(q_[^"]+)" name="q_[^"]+"[^>]*>(.*?)</select>', body, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        out[name] = chosen.group(1) if chosen else ""
    return out


@pytest.mark.parametrize(
    ("organisation", "regime", "answers"),
    [
        ({}, "cbw", {"q_deaths": "0", "q_financial_loss_eur": "1", "q_death_possible": "no"}),
        (BANK, "dora", {"q_critical_functions_affected": "yes", "q_downtime_hours": "0", "q_clients_total": "1",
                        "q_clients_affected": "0"}),
    ],
)  # fmt: skip
def test_an_answer_of_0_or_1_is_shown_as_the_number_and_recomputes(client, officer, organisation, regime, answers):  # noqa: F811
    """Jinja's 0 == false and 1 == true showed a number answer as "no" / "yes"; recomputing then said "must be a
    number"."""
    put_organisation(client, **organisation)
    iid = new_incident(client)["id"]
    web, token = officer("nl")
    page = web.post(f"/incidents/{iid}/assessment?regime={regime}", data={"csrf_token": token, **answers})
    assert page.status_code == 200, errors(page.text)
    shown = assistant_form(page.text, regime)
    for name, value in answers.items():
        assert shown[name] == value, (name, shown[name])
    again = web.post(f"/incidents/{iid}/assessment?regime={regime}", data={"csrf_token": token, **shown})
    assert again.status_code == 200, errors(again.text)
    versions = client.get(f"/api/v1/incidents/{iid}/assessments", params={"regime": regime}).json()
    assert len(versions) == 2 and versions[0]["answers"] == versions[1]["answers"]


def facts_counter(html: str) -> tuple[int, int]:
    found = re.search(r'<h2>[^<]*<span class="help">\((\d+)/(\d+)\)</span></h2>', html)
    assert found, "no facts counter on the page"
    return int(found.group(1)), int(found.group(2))


def test_the_facts_counter_counts_stored_facts_on_a_refused_form(client, signed_in):
    """It counted the submitted keys, so a refused form (every field posted) showed 36/36."""
    put_organisation(client)
    iid = new_incident(client)["id"]
    web, token = signed_in("officer")
    page = web.get(f"/incidents/{iid}")
    names = set(re.findall(r'name="(fact_[a-z0-9_]+)"', page.text))
    assert facts_counter(page.text) == (0, len(names))
    form = {name: "" for name in names} | {"csrf_token": token, "fact_nature": "Versleuteld"}
    page = web.post(f"/incidents/{iid}/facts", data=form | {"fact_subjects_min": "veel"})
    assert page.status_code == 422 and "fact_subjects_min" in errors(page.text)
    assert facts_counter(page.text) == (0, len(names))
    assert "Versleuteld" in page.text  # the input is kept all the same
    page = web.post(f"/incidents/{iid}/facts", data=form)
    assert page.status_code == 200 and facts_counter(page.text) == (1, len(names))
    page = web.post(f"/incidents/{iid}/facts", data=form | {"fact_subjects_min": "veel"})
    assert page.status_code == 422 and facts_counter(page.text) == (1, len(names))


def report_card(html: str, regime: str, stage: str) -> str:
    found = re.search(rf'<article class="card report" id="report-{regime}-{stage}".*?</article>', html, re.S)
    assert found, f"no {regime} {stage} card on the page"
    return found.group(0)


def missing_chips(card: str) -> list[tuple[str, str]]:
    """(href, text) of each "missing" chip of a report card."""
    found = re.search(r'<div class="missing">.*?<ul class="tags">(.*?)</ul>', card, re.S)
    chips = re.findall(r"<li>(.*?)</li>", found.group(1), re.S) if found else []
    out = []
    for chip in chips:
        link = re.fullmatch(r'<a href="([^"]+)">([^<]+)</a>', chip.strip())
        out.append((link.group(1), link.group(2)) if link else ("", chip.strip()))
    return out


def late_breach(client) -> int:
    put_organisation(client)
    iid = new_incident(client)["id"]
    aware = (clock.now() - timedelta(hours=80)).isoformat()
    post_event(client, iid, type="avg.breach", aware_at=aware, risk="risk", reasoning="Patiëntgegevens")
    return iid


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_late_confirmation_requires_the_delay_reason_and_it_is_no_missing_fact(app, client, signed_in, lang):
    """The delay reason was starred but not required (the missing-fields acknowledgement was), and it was listed
    among the missing facts with a link to the facts form, though it is asked in the confirmation itself."""
    from tests.web.test_avg_forms import set_language

    iid = late_breach(client)
    web, _ = signed_in("officer")
    set_language(app, lang)
    card = report_card(web.get(f"/incidents/{iid}").text, "avg", "ap_notification")
    reason = re.search(r'<textarea id="delay_reason" name="delay_reason"[^>]*>', card)
    assert reason and " required" in reason.group(0), reason
    assert re.search(r'<input type="checkbox" name="ack_missing" value="yes" required', card)
    label = {"nl": "Reden voor de vertraging", "en": "Reason for the delay"}[lang]
    chips = missing_chips(card)
    assert chips and label not in [text for _, text in chips]
    assert "delay_reason" not in card.split('<div class="missing">')[1].split("</div>")[0]


def test_each_missing_chip_links_to_its_own_field(client, signed_in):
    """Every chip linked to the top of the facts section; now each goes to its fact's field on the page."""
    iid = late_breach(client)
    web, _ = signed_in("officer")
    page = web.get(f"/incidents/{iid}").text
    chips = missing_chips(report_card(page, "avg", "ap_notification"))
    facts = [(href, text) for href, text in chips if href.startswith("#fact-")]
    assert len(facts) >= 5 and len({href for href, _ in facts}) == len(facts)
    for href, text in facts:
        name = "fact_" + href.removeprefix("#fact-")
        opening = rf'<(div|fieldset) class="field[^"]*" id="{href[1:]}">\s*<(label for="{name}"|legend)>([^<]+)'
        field = re.search(opening, page)
        assert field, f"no field {href} on the page"
        assert field.group(3).strip() == text
    # The organisation's address is filled in the profile: a link there for whom may open it, plain text for others.
    assert [text for href, text in chips if not href.startswith("#fact-")] == ["Address"]
    assert ("", "Address") in chips
    admin, _ = signed_in("administrator")
    assert ("/settings", "Address") in missing_chips(
        report_card(admin.get(f"/incidents/{iid}").text, "avg", "ap_notification")
    )
