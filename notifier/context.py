"""What every use case is handed besides the session: the regime registry, the zone, where templates live.

A base module: it imports models and configuration only, never a domain service, so any layer may take a Context.
"""

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from notifier import tenancy
from notifier.organisation.models import Organisation
from notifier.resources import resource_dir
from notifier.workflow.schema import Registry


@dataclass(frozen=True)
class Context:
    registry: Registry
    default_zone: ZoneInfo
    templates_dir: Path = dataclasses.field(default_factory=lambda: resource_dir("templates"))
    witness: Any = None  # notifier.audit.checkpoint.Witness: where a filing's signed checkpoint goes after commit
    # NOTIFIER_COMPETENT_AUTHORITIES: the Cbw authority of a sector the workflow routes to "competent_authority".
    competent_authorities: dict[str, str] = dataclasses.field(default_factory=dict)

    def zone(self, session: Session) -> ZoneInfo:
        # The zone of the organisation the session works for; read here directly so this module needs no service.
        org = session.get(Organisation, tenancy.current_or_default(session))
        return ZoneInfo(org.timezone) if org else self.default_zone
