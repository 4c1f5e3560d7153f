"""The DORA major incident report as the ESAs' JSON schema (IR 1.2.1) has it: the hook `export` of
workflows/dora.yaml (notifier/submissions/exports.py calls build()).

The content follows Implementing Regulation (EU) 2025/302: Annex I is the template, Annex II the data glossary
whose field numbers the schema's descriptions cite. The initial notification carries sections 1 (the entity) and 2
(the initial notification), the intermediate report adds section 3, the final report section 4 (2025/302 art. 1-4
and Delegated Regulation (EU) 2025/301 art. 1-3 on what each report contains). The reclassification as non-major
is the schema's own kind with the content of an initial notification.

What the schema requires and is still unknown comes back as gaps, so the officer sees what the portal will refuse.
The required fields per kind are those of the schema: its top-level `required`, its definitions' `required`, and
the per-kind `dependencies` block (a Draft 7 keyword: tests/submissions/test_dora_export.py validates with both
Draft 7 and 2020-12 so those are checked too).
"""

import re
from datetime import datetime
from typing import Any

from notifier import clock
from notifier.submissions.exports import Gap, Source
from notifier.workflow.schema import Text

INITIAL = "initial_notification"
INTERMEDIATE = "intermediate_report"
FINAL = "final_report"
RECLASSIFIED = "major_incident_reclassified_as_non-major"
KINDS = (INITIAL, INTERMEDIATE, FINAL, RECLASSIFIED)
# The last section of 2025/302 Annex I each kind reports.
SECTIONS = {INITIAL: 2, INTERMEDIATE: 3, FINAL: 4, RECLASSIFIED: 2}

# The competent authority's code for field 3.1, by the party the workflow routes the report to.
AUTHORITY_CODES = {"dnb": "DNB", "afm": "AFM", "esma": "ESMA"}
# The schema's patterns (Contact.phone; Incident.incidentDuration and ServiceImpact.serviceDowntime).
PHONE = re.compile(r"^\+?[1-9]\d{1,14}(\s?\(\d+\))?([-\s.]?\d+)*$")
MAX_DAYS = 999

# Every required field the export can miss: its path, its Annex II number, its words, and what fills it.
GAPS = {
    "submittingEntity.name": (
        "1.2",
        "Naam van de indienende entiteit",
        "Name of the submitting entity",
        ["organisation.name"],
    ),
    "submittingEntity.LEI": (
        "1.3a",
        "LEI van de indienende entiteit",
        "LEI of the submitting entity",
        ["organisation.lei"],
    ),
    "affectedEntity.affectedEntityType": (
        "1.4",
        "Soort financiële entiteit",
        "Type of financial entity",
        ["organisation.dora_entity_type"],
    ),
    "primaryContact.email": (
        "1.8",
        "E-mailadres van de primaire contactpersoon",
        "E-mail of the primary contact",
        ["contact.reporting_officer"],
    ),
    "incident.incidentDescription": ("2.4", "Beschrijving van het incident", "Description of the incident", ["nature"]),
    "incident.classificationTypes": (
        "2.5",
        "Classificatiecriteria waarvan de drempel is bereikt",
        "Classification criteria whose threshold is met",
        ["dora_classification_criteria"],
    ),
    "incident.classificationTypes.countryCodeMaterialityThresholds": (
        "2.6",
        "Lidstaten bij het criterium geografische spreiding",
        "Member states for the geographical spread criterion",
        ["dora_countries"],
    ),
    "incident.classificationTypes.dataLosseMaterialityThresholds": (
        "3.20",
        "Soort gegevensverlies bij het criterium gegevensverlies",
        "Kind of data loss for the data losses criterion",
        ["dora_data_losses"],
    ),
    "incident.classificationTypes.economicImpactMaterialityThreshold": (
        "4.12",
        "Onderbouwing bij het criterium economische gevolgen",
        "Economic impact criterion explained",
        ["dora_economic_impact"],
    ),
    "incident.incidentType.incidentClassification": (
        "3.23",
        "Soort incident (DORA)",
        "Incident type (DORA)",
        ["dora_incident_classification"],
    ),
    "impactAssessment.criticalServicesAffected": (
        "3.22",
        "Getroffen kritieke diensten",
        "Critical services affected",
        ["affected_services"],
    ),
    "impactAssessment.affectedAssets": (
        "3.4-3.12",
        "Getroffen cliënten, tegenpartijen en transacties",
        "Clients, counterparts and transactions affected",
        ["dora_clients_affected", "dora_counterparts_affected", "dora_transactions_affected", "dora_figures"],
    ),
    "impactAssessment.isAffectedInfrastructureComponents": (
        "3.28",
        "Infrastructuurcomponenten getroffen",
        "Infrastructure components affected",
        ["dora_infrastructure_affected"],
    ),
    "impactAssessment.serviceImpact": (
        "3.3, 3.16, 3.33",
        "Gevolgen voor de dienstverlening (herstel, uitval, tijdelijke maatregelen)",
        "Service impact (restoration, downtime, temporary measures)",
        ["dora_service_restored_at", "dora_service_downtime_minutes", "dora_temporary_measures"],
    ),
    "incident.rootCauseHLClassification": ("4.1", "Soort grondoorzaak", "Root cause type", ["dora_root_cause_types"]),
    "incident.incidentResolutionSummary": (
        "4.6",
        "Samenvatting van de oplossing",
        "Resolution summary",
        ["measures_taken"],
    ),
    "incident.incidentResolutionDateTime": ("4.8", "Incident opgelost op", "Incident resolved at", ["ended_at"]),
    "incident.incidentResolutionVsPlannedImplementation": (
        "4.9",
        "Oplossing ten opzichte van de geplande termijn",
        "Resolution compared with the planned time",
        ["dora_resolution_vs_planned"],
    ),
    "incident.financialRecoveriesAmount": (
        "4.14",
        "Financiële terugvorderingen",
        "Financial recoveries",
        ["dora_financial_recoveries"],
    ),
}
# The schema's dependencies block: what an intermediate and a final report must carry besides the core.
REQUIRED_FROM_INTERMEDIATE = (
    "incident.incidentType.incidentClassification",
    "impactAssessment.criticalServicesAffected",
    "impactAssessment.affectedAssets",
    "impactAssessment.isAffectedInfrastructureComponents",
    "impactAssessment.serviceImpact",
)
REQUIRED_IN_FINAL = (
    "incident.rootCauseHLClassification",
    "incident.incidentResolutionSummary",
    "incident.incidentResolutionDateTime",
    "incident.incidentResolutionVsPlannedImplementation",
    "incident.financialRecoveriesAmount",
)


def gap(path: str) -> Gap:
    number, nl, en = GAPS[path][:3]
    label = Text(nl=f"{nl} (DORA-veld {number})", en=f"{en} (DORA field {number})")
    return Gap(field=path, template=number, label=label, sources=list(GAPS[path][3]))


def _filled(value: Any) -> bool:
    return value is not None and value != "" and value != []


def _utc(value: datetime | str | None) -> str | None:
    """The schema's YYYY-MM-DDThh:mm:ssZ."""
    if not _filled(value):
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return clock.as_utc(moment).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _span(minutes: int) -> str | None:
    """days:hours:minutes as the schema's pattern writes a duration (at most 999 days)."""
    days, rest = divmod(minutes, 24 * 60)
    if days > MAX_DAYS:
        return None
    return f"{days}:{rest // 60:02d}:{rest % 60:02d}"


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if _filled(value):
        target[key] = value


def _entity(source: Source, role: str) -> dict[str, Any]:
    org = source.organisation
    out: dict[str, Any] = {"entityType": role}
    if org is None:
        return out
    _put(out, "name", org.name)
    _put(out, "LEI", org.lei)
    if role == "SUBMITTING_ENTITY":
        _put(out, "code", org.kvk_number)  # 1.3b: the entity's national identification code
    else:
        _put(out, "affectedEntityType", [org.dora_entity_type] if org.dora_entity_type else None)
    return out


def _contact(contact) -> dict[str, Any] | None:  # noqa: ANN001
    if contact is None:
        return None
    out: dict[str, Any] = {}
    _put(out, "name", contact.name)
    _put(out, "email", contact.email)
    # A number the schema's pattern refuses (a national 0-prefix) is left to the portal form rather than filed wrong.
    if contact.phone and PHONE.match(contact.phone.strip()):
        out["phone"] = contact.phone.strip()
    return out


def _classification(facts: dict[str, Any], section: int) -> list[dict[str, Any]]:
    out = []
    for criterion in facts.get("dora_classification_criteria") or []:
        item: dict[str, Any] = {"classificationCriterion": criterion}
        if criterion == "geographical_spread":
            _put(item, "countryCodeMaterialityThresholds", facts.get("dora_countries"))
            if section >= 3:
                _put(item, "memberStatesImpactType", facts.get("dora_member_states_impact"))
                _put(item, "memberStatesImpactTypeDescription", facts.get("dora_member_states_impact_description"))
        elif criterion == "data_losses" and section >= 3:
            _put(item, "dataLosseMaterialityThresholds", facts.get("dora_data_losses"))
            _put(item, "dataLossesDescription", facts.get("dora_data_losses_description"))
        elif criterion == "reputational_impact" and section >= 3:
            _put(item, "reputationalImpactType", facts.get("dora_reputational_impact"))
            _put(item, "reputationalImpactDescription", facts.get("dora_reputational_impact_description"))
        elif criterion == "economic_impact" and section >= 4:
            _put(item, "economicImpactMaterialityThreshold", facts.get("dora_economic_impact"))
        out.append(item)
    return out


def _incident(source: Source, section: int) -> dict[str, Any]:
    facts, declaration = source.facts, source.declaration
    out: dict[str, Any] = {"financialEntityCode": f"meldplicht-{source.incident.id}"}  # 2.1: our reference
    _put(out, "detectionDateTime", _utc(source.aware_at or source.incident.detected_at))
    _put(out, "classificationDateTime", _utc(declaration.get("classified_at")))
    _put(out, "incidentDescription", facts.get("nature") or source.incident.summary)
    _put(out, "classificationTypes", _classification(facts, section))
    _put(out, "incidentDiscovery", facts.get("dora_discovery"))
    _put(out, "originatesFromThirdPartyProvider", facts.get("dora_third_party_provider"))
    _put(out, "isBusinessContinuityActivated", facts.get("dora_business_continuity"))
    _put(out, "otherInformation", facts.get("technical_details"))
    if section >= 3:
        _put(
            out,
            "competentAuthorityCode",
            next((AUTHORITY_CODES[p] for p in source.recipients if p in AUTHORITY_CODES), None),
        )
        _put(out, "incidentOccurrenceDateTime", _utc(facts.get("started_at")))
        if _filled(facts.get("started_at")) and _filled(facts.get("ended_at")):
            lasted = datetime.fromisoformat(facts["ended_at"]) - datetime.fromisoformat(facts["started_at"])
            _put(out, "incidentDuration", _span(int(lasted.total_seconds() // 60)))
        kind: dict[str, Any] = {}
        _put(kind, "incidentClassification", facts.get("dora_incident_classification"))
        _put(kind, "otherIncidentClassification", facts.get("dora_incident_classification_other"))
        _put(kind, "threatTechniques", facts.get("dora_threat_techniques"))
        _put(kind, "otherThreatTechniques", facts.get("dora_threat_techniques_other"))
        _put(kind, "indicatorsOfCompromise", facts.get("indicators"))
        _put(out, "incidentType", kind or None)
    if section >= 4:
        _put(out, "rootCauseHLClassification", facts.get("dora_root_cause_types"))
        _put(out, "rootCausesDetailedClassification", facts.get("dora_root_causes_detailed"))
        _put(out, "rootCausesInformation", facts.get("root_cause"))
        _put(out, "rootCauseAddressingDateTime", _utc(facts.get("dora_root_cause_addressed_at")))
        _put(out, "incidentResolutionSummary", facts.get("measures_taken"))
        _put(out, "incidentResolutionDateTime", _utc(facts.get("ended_at")))
        _put(out, "incidentResolutionVsPlannedImplementation", facts.get("dora_resolution_vs_planned"))
        _put(out, "grossAmountIndirectDirectCosts", facts.get("dora_gross_costs"))
        _put(out, "financialRecoveriesAmount", facts.get("dora_financial_recoveries"))
        _put(out, "recurringNonMajorIncidentsDescription", facts.get("dora_recurring_description"))
        _put(out, "recurringIncidentDate", _utc(facts.get("dora_recurring_date")))
    return out


def _number(facts: dict[str, Any], count: str, percentage: str | None = None) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    _put(out, "number", facts.get(count))
    if percentage:
        _put(out, "percentage", facts.get(percentage))
    return out or None


def _impact(source: Source) -> dict[str, Any]:
    facts = source.facts
    assets: dict[str, Any] = {}
    _put(assets, "affectedClients", _number(facts, "dora_clients_affected", "dora_clients_affected_percentage"))
    _put(assets, "affectedFinancialCounterparts", _number(facts, "dora_counterparts_affected"))
    _put(assets, "affectedTransactions", _number(facts, "dora_transactions_affected"))
    _put(assets, "valueOfAffectedTransactions", facts.get("dora_transactions_value"))
    _put(assets, "numbersActualEstimate", facts.get("dora_figures"))
    service: dict[str, Any] = {}
    restored = facts.get("dora_service_restored_at") or source.declaration.get("recovered_at")
    _put(service, "serviceRestorationDateTime", _utc(restored))
    minutes = facts.get("dora_service_downtime_minutes")
    _put(service, "serviceDowntime", _span(minutes) if minutes is not None else None)
    _put(service, "isTemporaryActionsMeasuresForRecovery", facts.get("dora_temporary_measures"))
    _put(service, "descriptionOfTemporaryActionsMeasuresForRecovery", facts.get("dora_temporary_measures_description"))
    out: dict[str, Any] = {}
    _put(out, "hasImpactOnRelevantClients", facts.get("dora_relevant_clients_impact"))
    _put(out, "serviceImpact", service or None)
    _put(out, "criticalServicesAffected", facts.get("affected_services"))
    _put(out, "affectedAssets", assets or None)
    _put(out, "affectedFunctionalAreas", facts.get("dora_functional_areas"))
    _put(out, "isAffectedInfrastructureComponents", facts.get("dora_infrastructure_affected"))
    _put(out, "affectedInfrastructureComponents", facts.get("affected_systems"))
    _put(out, "isImpactOnFinancialInterest", facts.get("dora_financial_interest_impact"))
    return out


def _at(document: dict[str, Any], path: str) -> Any:
    value: Any = document
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _gaps(kind: str, document: dict[str, Any]) -> list[Gap]:
    section = SECTIONS[kind]
    out = []
    submitting = document["submittingEntity"]
    if not _filled(submitting.get("name")):
        out.append(gap("submittingEntity.name"))
    if not _filled(submitting.get("LEI")) and not _filled(submitting.get("code")):
        out.append(gap("submittingEntity.LEI"))
    if not _filled(document["affectedEntity"][0].get("affectedEntityType")):
        out.append(gap("affectedEntity.affectedEntityType"))
    if not _filled((document.get("primaryContact") or {}).get("email")):
        out.append(gap("primaryContact.email"))
    required = ["incident.incidentDescription", "incident.classificationTypes"]
    if section >= 3:
        required += REQUIRED_FROM_INTERMEDIATE
    if section >= 4:
        required += REQUIRED_IN_FINAL
    out += [gap(path) for path in required if not _filled(_at(document, path))]
    # The criteria's own details (the dependencies block's if/then per classificationCriterion).
    needs = {"geographical_spread": "countryCodeMaterialityThresholds"}
    if section >= 3:
        needs["data_losses"] = "dataLosseMaterialityThresholds"
    if section >= 4:
        needs["economic_impact"] = "economicImpactMaterialityThreshold"
    for item in _at(document, "incident.classificationTypes") or []:
        detail = needs.get(item["classificationCriterion"])
        if detail and not _filled(item.get(detail)):
            out.append(gap(f"incident.classificationTypes.{detail}"))
    return out


def build(source: Source) -> tuple[dict[str, Any], list[Gap]]:
    """The document built so far and the schema's required fields it still lacks."""
    kind, section = source.kind, SECTIONS[source.kind]
    document: dict[str, Any] = {"incidentSubmission": kind}
    _put(document, "reportCurrency", source.facts.get("dora_report_currency"))
    document["submittingEntity"] = _entity(source, "SUBMITTING_ENTITY")
    document["affectedEntity"] = [_entity(source, "AFFECTED_ENTITY")]
    _put(document, "primaryContact", _contact(source.contacts.get("reporting_officer")))
    _put(document, "secondaryContact", _contact(source.contacts.get("deputy")))
    document["incident"] = _incident(source, section)
    if section >= 3:
        _put(document, "impactAssessment", _impact(source) or None)
        _put(document, "reportingToOtherAuthorities", source.facts.get("dora_other_authorities"))
        if "other" in (source.facts.get("dora_other_authorities") or []):
            _put(document, "reportingToOtherAuthoritiesOther", source.facts.get("other_supervisors"))
        _put(document, "informationDurationServiceDowntimeActualOrEstimate", source.facts.get("dora_downtime_figures"))
    return document, _gaps(kind, document)
