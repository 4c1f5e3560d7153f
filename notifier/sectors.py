"""The NIS2 sectors (Annex I: high criticality, Annex II: other critical) by their codes.

A vocabulary without dependencies, so the settings can check sector codes without importing the organisation domain.
"""

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
