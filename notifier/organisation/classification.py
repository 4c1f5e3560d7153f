"""Essential / important / not covered, per reference section 2 ("Who is covered") and the seed guide's table 1.

Where the law is open, or the profile does not say enough, the stricter reading is taken and the reason says so.
"""

from dataclasses import dataclass
from itertools import product
from typing import NamedTuple

from notifier.sectors import ANNEX_I, ANNEX_II

ENTITY_TYPES = [
    "healthcare_provider",
    "medical_devices",
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
    "qualified_trust_service",
    "trust_service",
    "public_electronic_communications",
    "central_government",
    "decentralised_government",
    "other",
]
# Types that only exist in one sector; the profile refuses another combination (naming the sector).
SECTOR_OF_TYPE = {
    "medical_devices": "manufacturing",  # Annex II 5(a): manufacture of medical devices
    "central_government": "public_administration",
    "decentralised_government": "public_administration",
}
TRUST_SERVICE_TYPES = {"qualified_trust_service", "trust_service"}


class Words(NamedTuple):
    """One text in Dutch and English: the reason is read on Dutch and English pages alike."""

    nl: str
    en: str

    def __add__(self, other: "Words") -> "Words":  # type: ignore[override]
        return Words(self.nl + other.nl, self.en + other.en)


NOTHING = Words("", "")

# Essential whatever their size (NIS2 art. 3(1)), with the reason each gets.
ESSENTIAL_REGARDLESS_OF_SIZE = {
    "qualified_trust_service": Words(
        "Gekwalificeerde verleners van vertrouwensdiensten zijn essentiële entiteiten, ongeacht hun omvang "
        "(NIS2 art. 2(2)(b), 3(1)(b)).",
        "Qualified trust service providers are essential entities regardless of size (NIS2 art. 2(2)(b), 3(1)(b)).",
    ),
    "dns": Words(
        "Verleners van DNS-diensten zijn essentiële entiteiten, ongeacht hun omvang (NIS2 art. 2(2)(c), 3(1)(b)).",
        "DNS service providers are essential entities regardless of size (NIS2 art. 2(2)(c), 3(1)(b)).",
    ),
    "tld": Words(
        "Registers voor topleveldomeinnamen zijn essentiële entiteiten, ongeacht hun omvang "
        "(NIS2 art. 2(2)(c), 3(1)(b)).",
        "TLD name registries are essential entities regardless of size (NIS2 art. 2(2)(c), 3(1)(b)).",
    ),
    "central_government": Words(
        "Overheidsinstanties van de centrale overheid zijn essentiële entiteiten, ongeacht hun omvang "
        "(NIS2 art. 2(2)(f)(i), 3(1)(d)).",
        "Public administration entities of central government are essential entities regardless of size "
        "(NIS2 art. 2(2)(f)(i), 3(1)(d)).",
    ),
    # NIS2 art. 2(5)(a) lets a member state bring local government in. The Cbw's memorandum of explanation
    # (Kamerstukken II 2024/25, 36 764, nr. 3, section 5.1.2 "Overheidsinstanties", p. 15-20;
    # https://www.tweedekamer.nl/kamerstukken/detail?did=2025D26060&id=2025Z11344) explains the Dutch choice to
    # treat provinces, municipalities and water boards as overheidsinstanties under the Cbw, as essential entities
    # (so read by Europa Decentraal, "Praktijkvraag", 4 June 2024, and wetgevingswerken.nl, "Uitzonderingen voor de
    # overheid in de Cyberbeveiligingswet"). Essential is also the stricter reading.
    "decentralised_government": Words(
        "Decentrale overheden (provincies, gemeenten, waterschappen) gelden als essentiële entiteit, ongeacht hun "
        "omvang (memorie van toelichting bij de Cbw, Kamerstuk 36 764 nr. 3, paragraaf 5.1.2 "
        "'Overheidsinstanties'; NIS2 art. 2(5)(a)).",
        "Decentralised government (provinces, municipalities, water boards) is treated as an essential entity "
        "regardless of size (Cbw memorandum of explanation, Kamerstuk 36 764 nr. 3, section 5.1.2 "
        "'Overheidsinstanties'; NIS2 art. 2(5)(a)).",
    ),
}
# Covered whatever their size (NIS2 art. 2(2)); essential from the size given, important below it.
COVERED_REGARDLESS_OF_SIZE = {
    # Non-qualified: essential only as a large Annex I entity (art. 3(1)(a)).
    "trust_service": (
        {"large"},
        Words(
            "Niet-gekwalificeerde verleners van vertrouwensdiensten vallen eronder ongeacht hun omvang "
            "(NIS2 art. 2(2)(b)); essentieel als grote entiteit (art. 3(1)(a)), anders belangrijk.",
            "Non-qualified trust service providers are covered regardless of size "
            "(NIS2 art. 2(2)(b)); essential when large (art. 3(1)(a)), important otherwise.",
        ),
    ),
    "public_electronic_communications": (
        {"large", "medium"},
        Words(
            "Aanbieders van openbare elektronische communicatie vallen eronder ongeacht hun omvang "
            "(NIS2 art. 2(2)(a)); essentieel vanaf middelgroot (art. 3(1)(c)), anders belangrijk.",
            "Providers of public electronic communications are covered regardless of size (NIS2 art. 2(2)(a)); "
            "essential when at least medium-sized (art. 3(1)(c)), important otherwise.",
        ),
    ),
}
DORA_SECTORS = {"banking", "financial_market_infrastructure"}
DORA_WORDS = Words(
    "Financiële entiteiten melden grote ICT-gerelateerde incidenten onder DORA (Verordening (EU) 2022/2554 art. 19), "
    "niet onder de Cbw (NIS2 art. 4, lex specialis): gebruik het DORA-spoor van het incident, dat de meldingen voor "
    "het portaal van de toezichthouder (DNB of AFM) opstelt.",
    "Financial entities report major ICT-related incidents under DORA (Regulation (EU) 2022/2554 art. 19), not under "
    "the Cbw (NIS2 art. 4, lex specialis): use the incident's DORA track, which drafts the reports for the "
    "supervisor's portal (DNB or AFM).",
)
DORA_NOTICE = DORA_WORDS.en
# The ESAs' affectedEntityType values (JSON schema 1.2.1, field 1.4; the financial entities of DORA art. 2(1)).
DORA_ENTITY_TYPES = (
    "credit_institution",
    "payment_institution",
    "exempted_payment_institution",
    "account_information_service_provider",
    "electronic_money_institution",
    "exempted_electronic_money_institution",
    "investment_firm",
    "crypto-asset_service_provider",
    "issuer_of_asset-referenced_tokens",
    "central_securities_depository",
    "central_counterparty",
    "trading_venue",
    "trade_repository",
    "manager_of_alternative_investment_fund",
    "management_company",
    "data_reporting_service_provider",
    "insurance_and_reinsurance_undertaking",
    "insurance_intermediary_reinsurance_intermediary_and_ancillary_insurance_intermediary",
    "institution_for_occupational_retirement_provision",
    "credit_rating_agency",
    "administrator_of_critical_benchmarks",
    "crowdfunding_service_provider",
    "securitisation_repository",
)
# Member states of the EU and the EEA (ISO 3166-1 alpha-2): where a DORA entity's bank holidays come from.
MEMBER_STATES = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV",
    "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO",
)  # fmt: skip
# Regimes that apply only when the profile says so, with what an event on them is told otherwise.
OPT_IN_NOTICES = {
    "dora": "DORA applies to financial entities: set dora_entity_type in the organisation profile.",
    "cra": "The Cyber Resilience Act's reports are a manufacturer's: set cra_manufacturer in the organisation profile.",
}
STRICTNESS = {"not_covered": 0, "important": 1, "essential": 2}
FIGURES = {"staff": "staff count", "turnover": "annual turnover", "balance": "balance sheet total"}
FIGURES_NL = {"staff": "het aantal medewerkers", "turnover": "de jaaromzet", "balance": "het balanstotaal"}
SIZES_NL = {"small": "klein", "medium": "middelgroot", "large": "groot"}
ENTITY_OF_SIZE_NL = {"small": "Kleine entiteit", "medium": "Middelgrote entiteit", "large": "Grote entiteit"}
KINDS_NL = {"essential": "essentieel", "important": "belangrijk", "not_covered": "valt er niet onder"}


@dataclass(frozen=True)
class Classification:
    classification: str  # essential | important | not_covered
    size: str  # large | medium | small | unknown
    reason: str
    reason_nl: str = ""


def _size(staff: int, turnover: int, balance: int) -> str:
    """EU Recommendation 2003/361 as the reference states it (financial thresholds both exceeded)."""
    if staff >= 250 or (turnover > 50_000_000 and balance > 43_000_000):
        return "large"
    if staff >= 50 or (turnover > 10_000_000 and balance > 10_000_000):
        return "medium"
    return "small"


# A missing figure can lie in any band between the thresholds; one value per band covers every outcome.
_BANDS = {"staff": (0, 50, 250), "turnover": (0, 10_000_001, 50_000_001), "balance": (0, 10_000_001, 43_000_001)}


def _outcomes(given: dict[str, int | None]) -> dict[tuple[int, ...], str]:
    choices = [(v,) if v is not None else _BANDS[k] for k, v in given.items()]
    return {combo: _size(*combo) for combo in product(*choices)}


def possible_sizes(staff: int | None, turnover: int | None, balance: int | None) -> set[str]:
    """Every size class the figures given still allow."""
    return set(_outcomes({"staff": staff, "turnover": turnover, "balance": balance}).values())


def size_class(staff: int | None, turnover: int | None, balance: int | None) -> str:
    sizes = possible_sizes(staff, turnover, balance)
    return next(iter(sizes)) if len(sizes) == 1 else "unknown"


def settling_figures(staff: int | None, turnover: int | None, balance: int | None) -> list[str]:
    """The missing figures (staff, turnover, balance) whose value changes the size class (entering them settles it)."""
    given = {"staff": staff, "turnover": turnover, "balance": balance}
    outcomes = _outcomes(given)
    keys = list(given)
    out = []
    for i, key in enumerate(keys):
        if given[key] is not None:
            continue
        by_rest: dict[tuple, set[str]] = {}
        for combo, size in outcomes.items():
            by_rest.setdefault(combo[:i] + combo[i + 1 :], set()).add(size)
        if any(len(sizes) > 1 for sizes in by_rest.values()):
            out.append(key)
    return out


def _given(staff: int | None, turnover: int | None, balance: int | None) -> Words:
    """The figures as entered, and only those."""
    nl, en = [], []
    if staff is not None:
        nl.append(f"{staff} medewerkers")
        en.append(f"{staff} staff")
    if turnover is not None:
        nl.append(f"jaaromzet EUR {turnover:,}".replace(",", "."))
        en.append(f"annual turnover EUR {turnover:,}")
    if balance is not None:
        nl.append(f"balanstotaal EUR {balance:,}".replace(",", "."))
        en.append(f"balance sheet total EUR {balance:,}")
    if not en:
        return Words("zonder aantal medewerkers of financiële gegevens", "no staff count or financial figures")
    return Words(", ".join(nl), ", ".join(en))


def is_dora_entity(sector: str | None, dora_entity_type: str | None) -> bool:
    return bool(dora_entity_type) or sector in DORA_SECTORS


def regimes(sector: str | None, dora_entity_type: str | None = None, cra_manufacturer: bool = False) -> list[str]:
    """The reporting regimes that apply to the organisation: a financial entity reports under DORA instead of the
    Cbw (NIS2 art. 4); a manufacturer of products with digital elements under the CRA besides the others."""
    out = ["dora"] if is_dora_entity(sector, dora_entity_type) else ["cbw"]
    out.append("avg")
    if cra_manufacturer:
        out.append("cra")
    return out


def regime_notices(sector: str | None, dora_entity_type: str | None = None) -> dict[str, str]:
    """Regimes replaced by another one, with what the officer must be told."""
    return {"cbw": DORA_NOTICE} if is_dora_entity(sector, dora_entity_type) else {}


def classify(
    *,
    sector: str,
    entity_type: str,
    staff_count: int | None,
    annual_turnover_eur: int | None,
    balance_sheet_eur: int | None,
    trust_service_provider: bool = False,
    cer_critical_entity: bool = False,
) -> Classification:
    figures = (staff_count, annual_turnover_eur, balance_sheet_eur)
    sizes = possible_sizes(*figures)
    size = next(iter(sizes)) if len(sizes) == 1 else "unknown"
    dora = Words(" ", " ") + DORA_WORDS if sector in DORA_SECTORS else NOTHING
    if entity_type in ESSENTIAL_REGARDLESS_OF_SIZE:
        return _classified("essential", size, ESSENTIAL_REGARDLESS_OF_SIZE[entity_type] + dora)
    if cer_critical_entity:
        why = Words(
            "Kritieke entiteiten onder de CER-richtlijn (Wwke) zijn essentiële entiteiten, ongeacht hun omvang "
            "(NIS2 art. 2(3), 3(1)(f)).",
            "Critical entities under the CER Directive (Wwke) are essential entities regardless of size "
            "(NIS2 art. 2(3), 3(1)(f)).",
        )
        return _classified("essential", size, why + dora)
    if trust_service_provider and entity_type not in TRUST_SERVICE_TYPES:
        # The profile's older yes/no field does not say whether the trust services are qualified.
        why = Words(
            "Verleent vertrouwensdiensten zonder te zeggen of die gekwalificeerd zijn: strikt gelezen als "
            "gekwalificeerd, essentieel ongeacht de omvang (NIS2 art. 3(1)(b)). Kies als type entiteit "
            "qualified_trust_service of trust_service (niet gekwalificeerd) om dat vast te leggen.",
            "Provides trust services without saying whether they are qualified: read strictly as qualified, "
            "essential regardless of size (NIS2 art. 3(1)(b)). Set the entity type to qualified_trust_service or "
            "trust_service (non-qualified) to settle it.",
        )
        return _classified("essential", size, why + dora)
    if entity_type in COVERED_REGARDLESS_OF_SIZE:
        essential_sizes, why = COVERED_REGARDLESS_OF_SIZE[entity_type]
        return _by_size(sizes, figures, why + dora, lambda s: "essential" if s in essential_sizes else "important")
    if sector not in ANNEX_I and sector not in ANNEX_II:
        return _classified(
            "not_covered",
            size,
            Words(
                "Deze sector staat niet in bijlage I of II van NIS2 / de Cbw.",
                f"Sector {sector!r} is not in Annex I or II of NIS2 / the Cbw.",
            ),
        )
    if sector in ANNEX_I:
        annex = Words(
            "De sector staat in bijlage I (sectoren van hoge kriticiteit).",
            f"Sector {sector} is in Annex I (high criticality).",
        )
    else:
        annex = Words(
            "De sector staat in bijlage II (andere kritieke sectoren).",
            f"Sector {sector} is in Annex II (other critical).",
        )

    def by_annex(s: str) -> str:
        if s == "small":
            return "not_covered"
        return "essential" if s == "large" and sector in ANNEX_I else "important"

    return _by_size(sizes, figures, annex + dora, by_annex)


def _classified(kind: str, size: str, reason: Words) -> Classification:
    return Classification(kind, size, reason.en, reason.nl)


def _by_size(sizes: set[str], figures: tuple, why: Words, kind_of) -> Classification:  # noqa: ANN001
    given = _given(*figures)
    if len(sizes) == 1:
        size = next(iter(sizes))
        kind = kind_of(size)
        if kind == "not_covered":
            verdict = Words(
                "onder de drempels voor middelgroot van Aanbeveling 2003/361, valt er niet onder",
                "below the medium-size thresholds of Recommendation 2003/361, not covered",
            )
        else:
            verdict = Words(KINDS_NL[kind], kind)
        return _classified(
            kind,
            size,
            why
            + Words(f" {ENTITY_OF_SIZE_NL[size]} (", f" {size.capitalize()} entity (")
            + given
            + Words("): ", "): ")
            + verdict
            + Words(".", "."),
        )
    kind = max((kind_of(s) for s in sizes), key=STRICTNESS.__getitem__)
    order = [s for s in ("small", "medium", "large") if s in sizes]
    settling = settling_figures(*figures)
    with_nl = given.nl if given.nl.startswith("zonder") else f"met {given.nl}"
    return _classified(
        kind,
        "unknown",
        why
        + Words(
            f" Omvang onbekend: {with_nl} kan die {' of '.join(SIZES_NL[s] for s in order)} zijn; de strengste "
            f"lezing die dat toelaat geldt ({KINDS_NL[kind]}). Vul {' en '.join(FIGURES_NL[k] for k in settling)} in "
            "om het vast te leggen.",
            f" Size unknown: with {given.en} it can be {' or '.join(order)}; treated as the strictest this allows "
            f"({kind}). Entering the {' and '.join(FIGURES[k] for k in settling)} would settle it.",
        ),
    )
