"""How values read in a report: instants in the organisation's zone, Ja/Nee, numbers, choice labels, placeholders."""

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from notifier import instants, numbers, yaml_files
from notifier.i18n import pick
from notifier.workflow.schema import FactDef

PLACEHOLDER = {"nl": "[ontbreekt: {label}]", "en": "[missing: {label}]"}


class Labels:
    """templates/submissions/labels.yaml: words for codes, per language."""

    def __init__(self, data: dict[str, Any]):
        self.data = data

    def _pick(self, entry: dict[str, str] | None, lang: str, fallback: str) -> str:
        return entry.get(lang, fallback) if entry else fallback

    def reference(self, key: str, lang: str) -> str:
        return self._pick(self.data.get("references", {}).get(key), lang, key)

    def role(self, role: str, lang: str) -> str:
        return self._pick(self.data.get("roles", {}).get(role), lang, role.replace("_", " "))

    def party(self, pid: str, name: str, lang: str) -> str:
        return self._pick(self.data.get("parties", {}).get(pid), lang, name)

    def choice(self, group: str, code: str, lang: str) -> str:
        return self._pick(self.data.get("choices", {}).get(group, {}).get(code), lang, code.replace("_", " "))


@lru_cache
def load_labels(templates_dir: Path) -> Labels:
    file = Path(templates_dir) / "submissions" / "labels.yaml"
    return Labels(yaml_files.load(file.read_text(encoding="utf-8")) if file.exists() else {})


def placeholder(label: str, lang: str) -> str:
    return PLACEHOLDER[lang].format(label=label)


def instant(value: datetime | str | None, zone: ZoneInfo, lang: str) -> str | None:
    """24-11-2026 09:30 (CET) in Dutch, 24 Nov 2026 09:30 CET in English."""
    return instants.show(value, zone, lang, style="report")


def yes_no(value: bool, lang: str) -> str:
    return pick(lang, "Ja", "Yes") if value else pick(lang, "Nee", "No")


def number(value: int, lang: str) -> str:
    return numbers.show(value, lang)


def fact_text(key: str, fact: FactDef, value: Any, lang: str, zone: ZoneInfo, labels: Labels) -> str:
    """A stored fact value as a person reads it (the value must be present)."""
    match fact.type:
        case "datetime":
            return instant(value, zone, lang) or ""
        case "bool":
            return yes_no(bool(value), lang)
        case "int":
            return number(int(value), lang)
        case "choice":
            return labels.choice(key, value, lang)
        case "multichoice":
            return ", ".join(labels.choice(key, v, lang) for v in value)
        case _:
            return str(value)
