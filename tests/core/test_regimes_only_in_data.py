"""No page, template, the assistant's service, the breach register's route or the CLI names a regime: what a regime
is lives in workflows/*.yaml and, where Python is needed, in a hook module the workflow names (notifier/regimes/,
the assistant's rules). tests/proof/test_drill_regime.py proves the other side: a new regime needs no Python."""

import re
from pathlib import Path

import yaml

from notifier.organisation.models_api import OrganisationIn

ROOT = Path(__file__).resolve().parents[2]
REGIMES = sorted(
    yaml.safe_load(path.read_text(encoding="utf-8"))["regime"]
    for path in (ROOT / "workflows").glob("*.yaml")
    if path.name != "facts.yaml"
)
# Where the issue that made regimes data (14) found them named; a regime hook module may name its own regime.
GUARDED = [
    *sorted((ROOT / "notifier" / "web").rglob("*.py")),
    *sorted((ROOT / "notifier" / "web" / "static").glob("*.js")),
    *sorted((ROOT / "templates" / "pages").glob("*.j2")),
    ROOT / "notifier" / "assessment" / "service.py",
    ROOT / "notifier" / "api" / "submissions.py",
    ROOT / "notifier" / "submissions" / "exports.py",
    ROOT / "notifier" / "submissions" / "completeness.py",
    ROOT / "notifier" / "api" / "calendar.py",
    ROOT / "notifier" / "cli.py",
    ROOT / "notifier" / "workflow" / "loader.py",
    ROOT / "notifier" / "workflow" / "schema.py",
]
# A regime's name as code uses it: a whole lowercase word (`"cbw"`, `cbw.significant`, `avg_aware_at` is built from
# the name, never written); prose such as "AVG art. 33" or "Cbw / NIS2" is not a name.
NAME = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(REGIMES) + r")(?![A-Za-z0-9])")


# Fields of the organisation profile may carry a regime's name (dora_entity_type, cra_manufacturer): the profile is
# the organisation's data, named by the organisation domain, and the CLI's flags spell them with hyphens.
PROFILE_FIELDS = sorted(OrganisationIn.model_fields, key=len, reverse=True)


def _without_profile_fields(line: str) -> str:
    for field in PROFILE_FIELDS:
        line = line.replace(field, "").replace(field.replace("_", "-"), "")
    return line


def test_the_stock_regimes_are_found():
    assert {"cbw", "avg"} <= set(REGIMES)
    assert NAME.search('type = "cbw.significant"') and NAME.search("{{ 'avg_aware_at' }}")
    assert not NAME.search("AVG art. 33(5) and the Cbw") and not NAME.search("avgas cbwx")


def test_no_regime_is_named_outside_its_data_and_hooks():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in GUARDED
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if NAME.search(_without_profile_fields(line))
    ]
    assert not found, "regime names outside workflows/ and the hook modules:\n" + "\n".join(found)


def test_the_hooks_are_named_in_the_workflows():
    hooks = {
        (path.stem, hook): module
        for path in (ROOT / "workflows").glob("*.yaml")
        if path.name != "facts.yaml"
        for hook, module in (yaml.safe_load(path.read_text(encoding="utf-8")).get("hooks") or {}).items()
    }
    assert hooks == {("cbw", "assessment"): "notifier.assessment.significance",
                     ("dora", "assessment"): "notifier.regimes.dora_classification",
                     ("avg", "register"): "notifier.regimes.avg_breach_register",
                     ("dora", "export"): "notifier.regimes.dora_report"}  # fmt: skip
