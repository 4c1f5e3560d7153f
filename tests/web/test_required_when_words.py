"""A field a workflow requires only under a condition (`required_when`) that the pages' catalogue has no sentence
for: the page says why, in the workflow's own words (the condition's label and the choice made), in the reader's
language, rather than the general "Dit veld is verplicht." or the workflow's English `because` (issue 17, 2).

The stock workflows' only such field has a sentence of its own (missing_public_communication_at), so this test
loads a copy of the workflows whose Cbw 'not significant' event asks a basis and, for 'another basis', a note."""

import html
import shutil
from pathlib import Path

import pytest

from notifier.config import Settings
from tests.conftest import new_incident, post_event, put_organisation
from tests.web.test_assistant_page import officer  # noqa: F401  (the fixture)
from tests.web.test_avg_forms import errors
from tests.web.test_no_english_on_dutch_pages import assert_dutch

ROOT = Path(__file__).resolve().parents[2]
STOCK = (
    '      label: {nl: "Niet significant", en: "Not significant"}\n'
    "      fields:\n"
    "        reasoning: {type: text, required: true}\n"
)
WITH_BASIS = STOCK + (
    '        basis: {type: choice, choices: [thresholds, other], label: {nl: "Grond", en: "Basis"},\n'
    '                choice_labels: {thresholds: {nl: "Onder de drempels", en: "Below the thresholds"},\n'
    '                                other: {nl: "Andere grond", en: "Another basis"}}}\n'
    '        basis_note: {type: text, required_when: {basis: [other]}, label: {nl: "Toelichting", en: "Note"},\n'
    '                     because: "another basis needs a note"}\n'
)


@pytest.fixture
def settings(settings, tmp_path) -> Settings:
    """The suite's settings (tests/conftest.py) with the copy of the workflows."""
    workflows = tmp_path / "workflows"
    shutil.copytree(ROOT / "workflows", workflows)
    cbw = (workflows / "cbw.yaml").read_text(encoding="utf-8")
    assert STOCK in cbw, "the Cbw workflow's not_significant event changed: update this test's copy"
    (workflows / "cbw.yaml").write_text(cbw.replace(STOCK, WITH_BASIS), encoding="utf-8")
    return settings.model_copy(update={"workflows_dir": workflows})


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_conditionally_required_field_says_why_in_the_workflows_words(client, officer, lang):  # noqa: F811
    put_organisation(client)
    iid = new_incident(client)["id"]
    web, token = officer(lang)
    form = {"csrf_token": token, "type": "cbw.not_significant", "reasoning": "Geen dienst geraakt", "basis": "other"}
    page = web.post(f"/incidents/{iid}/events", data=form)
    assert page.status_code == 422
    said = html.unescape(errors(page.text)["basis_note"])
    if lang == "nl":
        assert said == "Dit veld is verplicht omdat bij ‘Grond’ ‘Andere grond’ is gekozen.", said
        assert_dutch(page.text)
    else:
        assert said == "This field is required because ‘Another basis’ was chosen for ‘Basis’.", said
    refused = post_event(client, iid, expect=422, type="cbw.not_significant", reasoning="x", basis="other")
    assert "another basis needs a note" in str(refused)  # the API keeps the workflow's English reason
    assert web.post(f"/incidents/{iid}/events", data={**form, "basis_note": "Oefening"}).status_code == 200
