"""The triage rule: which alerts open an incident (in state triage) and which are only stored."""

from dataclasses import dataclass

from notifier.intake.alert import severity_index


@dataclass(frozen=True)
class TriageRule:
    min_severity: int
    per_source: dict[str, int]

    @classmethod
    def from_settings(cls, default: str, per_source: dict[str, str]) -> "TriageRule":
        return cls(severity_index(default), {src: severity_index(sev) for src, sev in per_source.items()})

    def opens_incident(self, source: str, severity: int) -> bool:
        return severity >= self.per_source.get(source, self.min_severity)
