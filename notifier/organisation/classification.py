"""Essential / important / not covered, per reference section 2 ("Who is covered") and the seed guide's table 1.

Where the law is open the stricter reading is taken and the reason says so.
"""

from dataclasses import dataclass

ANNEX_I = {
    "energy",
    "transport",
    "banking",
    "financial_market_infrastructure",
    "health",
    "drinking_water",
    "waste_water",
    "digital_infrastructure",
    "ict_service_management",
    "public_administration",
    "space",
}
ANNEX_II = {"postal", "waste_management", "chemicals", "food", "manufacturing", "digital_providers", "research"}
SECTORS = sorted(ANNEX_I | ANNEX_II | {"other"})

ENTITY_TYPES = [
    "healthcare_provider",
    "cloud_computing",
    "data_centre",
    "dns",
    "tld",
    "cdn",
    "managed_service",
    "managed_security_service",
    "online_marketplace",
    "search_engine",
    "social_network",
    "trust_service",
    "public_electronic_communications",
    "other",
]
# Covered whatever their size (NIS2 art. 2(2)); DNS, TLD and (qualified) trust services are essential (art. 3(1)(b)).
ESSENTIAL_REGARDLESS_OF_SIZE = {"dns", "tld", "trust_service"}
COVERED_REGARDLESS_OF_SIZE = ESSENTIAL_REGARDLESS_OF_SIZE | {"public_electronic_communications"}
DORA_SECTORS = {"banking", "financial_market_infrastructure"}


@dataclass(frozen=True)
class Classification:
    classification: str  # essential | important | not_covered
    size: str  # large | medium | small | unknown
    reason: str


def size_class(staff: int | None, turnover: int | None, balance: int | None) -> str:
    """EU Recommendation 2003/361 as the reference states it (financial thresholds both exceeded)."""
    if staff is None and (turnover is None or balance is None):
        return "unknown"
    staff = staff or 0
    both = turnover is not None and balance is not None
    if staff >= 250 or (both and turnover > 50_000_000 and balance > 43_000_000):
        return "large"
    if staff >= 50 or (both and turnover > 10_000_000 and balance > 10_000_000):
        return "medium"
    return "small"


def classify(
    *,
    sector: str,
    entity_type: str,
    staff_count: int | None,
    annual_turnover_eur: int | None,
    balance_sheet_eur: int | None,
    trust_service_provider: bool = False,
) -> Classification:
    size = size_class(staff_count, annual_turnover_eur, balance_sheet_eur)
    dora = (
        " Incidents in this sector are reported under DORA; the Cbw regime here is kept for reference."
        if sector in DORA_SECTORS
        else ""
    )
    if entity_type in ESSENTIAL_REGARDLESS_OF_SIZE or trust_service_provider:
        kind = "trust_service" if trust_service_provider else entity_type
        return Classification(
            "essential",
            size,
            f"{kind} providers are essential entities regardless of size "
            "(NIS2 art. 3(1)(b); trust services read strictly as qualified)." + dora,
        )
    if entity_type in COVERED_REGARDLESS_OF_SIZE:
        kind = "essential" if size in {"large", "medium"} else "important"
        return Classification(
            kind,
            size,
            f"{entity_type} is covered regardless of size (NIS2 art. 2(2)); {size} size makes it {kind}." + dora,
        )
    if sector not in ANNEX_I and sector not in ANNEX_II:
        return Classification("not_covered", size, f"Sector {sector!r} is not in Annex I or II of NIS2 / the Cbw.")
    annex = "Annex I (high criticality)" if sector in ANNEX_I else "Annex II (other critical)"
    if size == "unknown":
        return Classification(
            "important",
            size,
            f"Sector {sector} is in {annex} but staff count and financial "
            "figures are missing; treated as covered (important) until they are given." + dora,
        )
    if size == "small":
        return Classification(
            "not_covered",
            size,
            f"Sector {sector} is in {annex}, but the organisation is "
            "below the medium-size thresholds (< 50 staff, turnover and balance sheet <= EUR 10 m)." + dora,
        )
    if sector in ANNEX_I and size == "large":
        return Classification(
            "essential",
            size,
            f"Large entity (>= 250 staff, or turnover > EUR 50 m and balance sheet > EUR 43 m) in {annex}." + dora,
        )
    return Classification("important", size, f"{size.capitalize()} entity in {annex}." + dora)
