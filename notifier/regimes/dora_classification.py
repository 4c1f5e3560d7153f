"""The classification assistant of DORA: is an ICT-related incident major? Commission Delegated Regulation (EU)
2024/1772 (the RTS on the classification of ICT-related incidents), the hook `assessment` of workflows/dora.yaml.

The text as read for this module (search tool; OJ L, 2024/1772, 25.6.2024, in the EUR-Lex reproductions at
https://digital-operational-resilience.pages.dev/regulations/ict-incidents-classification/chapter-ii and
https://www.springlex.eu/packages/dora/rts-ic-regulation/article-9, the German text at
https://judict.eu/de/sla/32022R2554/32024R1772-X/article-9, and articles 1-9 as the intuitem library of the
regulation reproduces them):
- art. 6: critical services are affected when the incident affects ICT services or network and information
  systems supporting critical or important functions (a), financial services that require authorisation or
  registration or are supervised (b), or is a successful, malicious and unauthorised access to the network and
  information systems (c);
- art. 8(1): major when critical services are affected AND either the threshold of art. 9(5)(b) is met, or two or
  more of the *other* thresholds of art. 9(1)-(6) are;
- art. 8(2): recurring incidents, individually not major, are one major incident when they occurred at least twice
  within 6 months, have the same apparent root cause (DORA art. 20, first subparagraph, point (b)) and together
  meet paragraph 1; assessed monthly; not for microenterprises and the entities of DORA art. 16(1);
- art. 9: every threshold below, each "higher than" (strictly more) except art. 9(4) "two or more" and art. 9(6)
  "have exceeded or are likely to exceed". Art. 9(1)(e) is 10 % of the daily average value of the transactions and
  nothing else: the EUR 15 000 000 of the EBA's PSD2 incident guidelines is not in the RTS.

The software proposes, a person decides (notifier/assessment/service.py): the decision posts dora.major (with the
classification's moment, which starts the initial notification's 4 hours) or dora.not_major.
"""
# ruff: noqa: E501 (one question or threshold per line reads best)

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from notifier.i18n import pick
from notifier.regimes.assistant import Assistant, Fired, MissingAnswer, Proposal, Question, Words

RULES_VERSION = 1
RULE = "2024/1772"
REG = "2024/1772 art."

# The numbers of art. 9 and art. 8(2), each with its place in the regulation.
CLIENTS_SHARE_PCT = 10  # art. 9(1)(a): affected clients higher than 10 % of all clients using the affected service
CLIENTS_ABSOLUTE = 100_000  # art. 9(1)(b): affected clients using the affected service higher than 100 000
COUNTERPARTS_SHARE_PCT = 30  # art. 9(1)(c): higher than 30 % of the financial counterparts of the affected service
TRANSACTIONS_SHARE_PCT = 10  # art. 9(1)(d): higher than 10 % of the daily average number of transactions
VALUE_SHARE_PCT = 10  # art. 9(1)(e): higher than 10 % of the daily average value of transactions
DURATION_HOURS = 24  # art. 9(3)(a): duration longer than 24 hours
DOWNTIME_HOURS = (
    2  # art. 9(3)(b): downtime longer than 2 hours, ICT services supporting critical or important functions
)
MEMBER_STATES = 2  # art. 9(4): an impact in two or more Member States
COSTS_EUR = 100_000  # art. 9(6): costs and losses have exceeded or are likely to exceed 100 000 euro
RECURRING_TIMES = 2  # art. 8(2)(a): occurred at least twice ...
RECURRING_MONTHS = 6  # ... within 6 months
OTHER_NEEDED = 2  # art. 8(1)(b): two or more of the other materiality thresholds


@dataclass(frozen=True)
class Threshold:
    criterion: str  # the art. 18(1) DORA criterion it measures (what art. 8(1)(b) counts)
    article: str
    en: str
    nl: str


T = {
    t.article: t
    for t in [
        Threshold("critical_services", f"{REG} 6", "ICT services or systems supporting critical or important functions, authorised or supervised financial services, or a successful malicious unauthorised access (art. 6(a)-(c))",
                  "ICT-diensten of -systemen die kritieke of belangrijke functies ondersteunen, vergunningplichtige of onder toezicht staande financiële diensten, of een geslaagde kwaadwillige onbevoegde toegang (art. 6, a-c)"),
        Threshold("clients_counterparts_transactions", f"{REG} 9(1)(a)", f"> {CLIENTS_SHARE_PCT} % of all clients using the affected service",
                  f"> {CLIENTS_SHARE_PCT} % van alle cliënten die de getroffen dienst gebruiken"),
        Threshold("clients_counterparts_transactions", f"{REG} 9(1)(b)", f"> {CLIENTS_ABSOLUTE:,} clients using the affected service".replace(",", " "),
                  f"> {CLIENTS_ABSOLUTE:,} cliënten die de getroffen dienst gebruiken".replace(",", " ")),
        Threshold("clients_counterparts_transactions", f"{REG} 9(1)(c)", f"> {COUNTERPARTS_SHARE_PCT} % of the financial counterparts carrying out activities related to the affected service",
                  f"> {COUNTERPARTS_SHARE_PCT} % van de financiële tegenpartijen met activiteiten voor de getroffen dienst"),
        Threshold("clients_counterparts_transactions", f"{REG} 9(1)(d)", f"> {TRANSACTIONS_SHARE_PCT} % of the daily average number of transactions related to the affected service",
                  f"> {TRANSACTIONS_SHARE_PCT} % van het dagelijkse gemiddelde aantal transacties voor de getroffen dienst"),
        Threshold("clients_counterparts_transactions", f"{REG} 9(1)(e)", f"> {VALUE_SHARE_PCT} % of the daily average value of transactions related to the affected service",
                  f"> {VALUE_SHARE_PCT} % van de dagelijkse gemiddelde waarde van de transacties voor de getroffen dienst"),
        Threshold("clients_counterparts_transactions", f"{REG} 9(1)(f)", "clients or financial counterparts identified as relevant (art. 1(3)) affected",
                  "cliënten of financiële tegenpartijen die als relevant zijn aangemerkt (art. 1, lid 3) getroffen"),
        Threshold("reputational_impact", f"{REG} 9(2)", "any of art. 2(a)-(d): in the media, repetitive complaints, regulatory requirements not met, clients or counterparts lost",
                  "een van art. 2, a-d: in de media, herhaalde klachten, wettelijke vereisten niet gehaald, verlies van cliënten of tegenpartijen"),
        Threshold("duration_downtime", f"{REG} 9(3)(a)", f"duration > {DURATION_HOURS} h", f"duur > {DURATION_HOURS} uur"),
        Threshold("duration_downtime", f"{REG} 9(3)(b)", f"service downtime > {DOWNTIME_HOURS} h for ICT services that support critical or important functions",
                  f"uitvaltijd > {DOWNTIME_HOURS} uur van ICT-diensten die kritieke of belangrijke functies ondersteunen"),
        Threshold("geographical_spread", f"{REG} 9(4)", f"an impact in {MEMBER_STATES} or more Member States (art. 4)", f"gevolgen in {MEMBER_STATES} of meer lidstaten (art. 4)"),
        Threshold("data_losses", f"{REG} 9(5)(a)", "an impact on the availability, authenticity, integrity or confidentiality of data (art. 5) with an adverse impact on the business objectives or on meeting regulatory requirements",
                  "gevolgen voor de beschikbaarheid, authenticiteit, integriteit of vertrouwelijkheid van gegevens (art. 5) met nadelige gevolgen voor de bedrijfsdoelstellingen of het naleven van wettelijke vereisten"),
        Threshold("malicious_access_data_losses", f"{REG} 9(5)(b)", "a successful, malicious and unauthorised access to network and information systems that may result in data losses",
                  "een geslaagde, kwaadwillige en onbevoegde toegang tot netwerk- en informatiesystemen die tot gegevensverlies kan leiden"),
        Threshold("economic_impact", f"{REG} 9(6)", f"costs and losses > EUR {COSTS_EUR:,} (incurred or likely)".replace(",", " "),
                  f"kosten en verliezen > EUR {COSTS_EUR:,} (gemaakt of waarschijnlijk)".replace(",", " ")),
        Threshold("recurring", f"{REG} 8(2)", f"at least {RECURRING_TIMES} times within {RECURRING_MONTHS} months, the same apparent root cause, together meeting art. 8(1)",
                  f"minstens {RECURRING_TIMES} keer binnen {RECURRING_MONTHS} maanden, dezelfde kennelijke oorzaak, samen voldoend aan art. 8, lid 1"),
    ]
}  # fmt: skip

# (id, kind, English, Dutch, unit); the questions follow art. 6, 1, 2, 3, 4, 5, 7 and 8(2).
_QUESTIONS = [
    ("critical_functions_affected", "bool", "Does or did the incident affect ICT services or network and information systems that support critical or important functions of the organisation (art. 6(a))?",
     "Treft of trof het incident ICT-diensten of netwerk- en informatiesystemen die kritieke of belangrijke functies van de organisatie ondersteunen (art. 6, a)?", None),
    ("authorised_services_affected", "bool", "Does or did it affect financial services that require authorisation or registration, or that are supervised by competent authorities (art. 6(b))?",
     "Treft of trof het financiële diensten waarvoor een vergunning of registratie nodig is, of die onder toezicht van bevoegde autoriteiten staan (art. 6, b)?", None),
    ("malicious_access", "bool", "Is or was it a successful, malicious and unauthorised access to the organisation's network and information systems (art. 6(c))?",
     "Is of was het een geslaagde, kwaadwillige en onbevoegde toegang tot de netwerk- en informatiesystemen van de organisatie (art. 6, c)?", None),
    ("malicious_access_data_losses", "bool", "Can that access result in data losses (art. 9(5)(b))?",
     "Kan die toegang tot gegevensverlies leiden (art. 9, lid 5, b)?", None),
    ("clients_total", "int", "Clients using the affected service", "Cliënten die de getroffen dienst gebruiken", "clients"),
    ("clients_affected", "int", "Clients affected: unable to use the service or adversely impacted, beneficiaries named in the contract included (art. 1(1); estimate if unknown)",
     "Getroffen cliënten: konden de dienst niet gebruiken of ondervonden nadeel, begunstigden uit het contract inbegrepen (art. 1, lid 1; schat als het niet bekend is)", "clients"),
    ("counterparts_total", "int", "Financial counterparts carrying out activities related to the affected service", "Financiële tegenpartijen met activiteiten voor de getroffen dienst", "counterparts"),
    ("counterparts_affected", "int", "Financial counterparts affected that have a contractual arrangement with the organisation (art. 1(2))",
     "Getroffen financiële tegenpartijen met een contractuele regeling met de organisatie (art. 1, lid 2)", "counterparts"),
    ("transactions_daily_average", "number", "Daily average number of transactions related to the affected service", "Dagelijks gemiddeld aantal transacties voor de getroffen dienst", "transactions"),
    ("transactions_affected", "int", "Transactions affected, each involving a monetary amount with at least one part carried out in the Union (art. 1(4))",
     "Getroffen transacties, elk met een geldbedrag en ten minste voor een deel in de Unie uitgevoerd (art. 1, lid 4)", "transactions"),
    ("transactions_value_daily_average_eur", "number", "Daily average value of the transactions related to the affected service", "Dagelijkse gemiddelde waarde van de transacties voor de getroffen dienst", "EUR"),
    ("transactions_affected_amount_eur", "number", "Amount of the transactions affected", "Bedrag van de getroffen transacties", "EUR"),
    ("relevant_clients_affected", "bool", "Were clients or financial counterparts affected that are relevant to the organisation's business objectives or to market efficiency (art. 1(3))?",
     "Zijn cliënten of financiële tegenpartijen getroffen die relevant zijn voor de bedrijfsdoelstellingen van de organisatie of voor de marktefficiëntie (art. 1, lid 3)?", None),
    ("media", "bool", "Has the incident been reflected in the media (art. 2(a))?", "Is het incident in de media gekomen (art. 2, a)?", None),
    ("repetitive_complaints", "bool", "Has it resulted in repetitive complaints from different clients or financial counterparts on client-facing services or critical business relationships (art. 2(b))?",
     "Heeft het geleid tot herhaalde klachten van verschillende cliënten of financiële tegenpartijen over klantgerichte diensten of kritieke zakelijke relaties (art. 2, b)?", None),
    ("regulatory_requirements", "bool", "Will the organisation not be able, or likely not be able, to meet regulatory requirements as a result (art. 2(c))?",
     "Kan de organisatie hierdoor niet, of waarschijnlijk niet, aan wettelijke vereisten voldoen (art. 2, c)?", None),
    ("clients_lost", "bool", "Will it, or is it likely to, lose clients or financial counterparts with a material impact on its business as a result (art. 2(d))?",
     "Verliest de organisatie hierdoor, of waarschijnlijk, cliënten of financiële tegenpartijen met wezenlijke gevolgen voor haar bedrijf (art. 2, d)?", None),
    ("duration_hours", "number", "Duration of the incident, from when it occurred (or was detected) until it is resolved; an estimate while it lasts (art. 3(1))",
     "Duur van het incident, vanaf het ontstaan (of de ontdekking) tot het is opgelost; een schatting zolang het duurt (art. 3, lid 1)", "hours"),
    ("downtime_hours", "number", "Service downtime of ICT services that support critical or important functions, fully or partially unavailable until regular activities are restored (art. 3(2))",
     "Uitvaltijd van ICT-diensten die kritieke of belangrijke functies ondersteunen, geheel of gedeeltelijk onbeschikbaar tot de reguliere activiteiten hersteld zijn (art. 3, lid 2)", "hours"),
    ("member_states_affected", "int", "In how many Member States, your own included, has the incident an impact on clients or financial counterparts, branches or group entities, or financial market infrastructures or third-party providers (art. 4)?",
     "In hoeveel lidstaten, de eigen inbegrepen, heeft het incident gevolgen voor cliënten of financiële tegenpartijen, bijkantoren of groepsentiteiten, of financiële marktinfrastructuren of derde aanbieders (art. 4)?", "Member States"),
    ("data_impact", "bool", "Has it affected the availability, authenticity, integrity or confidentiality of data (art. 5(a)-(d))?",
     "Heeft het de beschikbaarheid, authenticiteit, integriteit of vertrouwelijkheid van gegevens aangetast (art. 5, a-d)?", None),
    ("data_impact_adverse", "bool", "Has or will that have an adverse impact on the business objectives of the organisation or on its ability to meet regulatory requirements (art. 9(5)(a))?",
     "Heeft of krijgt dat nadelige gevolgen voor de bedrijfsdoelstellingen van de organisatie of voor het naleven van wettelijke vereisten (art. 9, lid 5, a)?", None),
    ("costs_eur", "number", "Direct and indirect costs and losses incurred or likely to be incurred, without financial recoveries and without day-to-day costs (art. 7)",
     "Directe en indirecte kosten en verliezen, gemaakt of waarschijnlijk, zonder financiële terugvorderingen en zonder de gewone bedrijfskosten (art. 7)", "EUR"),
    ("recurring_count", "int", f"How many incidents with the same apparent root cause occurred within the last {RECURRING_MONTHS} months, this one included (art. 8(2))?",
     f"Hoeveel incidenten met dezelfde kennelijke oorzaak deden zich de afgelopen {RECURRING_MONTHS} maanden voor, dit incident inbegrepen (art. 8, lid 2)?", "incidents"),
    ("recurring_exempt", "bool", "Is the organisation a microenterprise or a financial entity of DORA art. 16(1), to which art. 8(2) does not apply?",
     "Is de organisatie een micro-onderneming of een financiële entiteit van DORA art. 16, lid 1, waarvoor art. 8, lid 2, niet geldt?", None),
    ("recurring_critical_services", "bool", "Did any of them affect critical services (art. 6)?", "Trof een van hen kritieke diensten (art. 6)?", None),
    ("recurring_clients_affected", "int", "Clients affected by them together, this one included", "Cliënten die zij samen troffen, dit incident inbegrepen", "clients"),
    ("recurring_counterparts_affected", "int", "Financial counterparts affected by them together, this one included", "Financiële tegenpartijen die zij samen troffen, dit incident inbegrepen", "counterparts"),
    ("recurring_transactions_affected", "int", "Transactions affected by them together, this one included", "Transacties die zij samen troffen, dit incident inbegrepen", "transactions"),
    ("recurring_transactions_amount_eur", "number", "Amount of the transactions affected by them together, this one included", "Bedrag van de transacties die zij samen troffen, dit incident inbegrepen", "EUR"),
    ("recurring_duration_hours", "number", "Their durations added together, this one included", "Hun duur bij elkaar opgeteld, dit incident inbegrepen", "hours"),
    ("recurring_downtime_hours", "number", "Their downtime of ICT services supporting critical or important functions added together, this one included",
     "Hun uitvaltijd van ICT-diensten die kritieke of belangrijke functies ondersteunen bij elkaar opgeteld, dit incident inbegrepen", "hours"),
    ("recurring_member_states", "int", "Member States in which they together had an impact, your own included", "Lidstaten waarin zij samen gevolgen hadden, de eigen inbegrepen", "Member States"),
    ("recurring_reputational", "bool", "Did any of them meet one of the reputational criteria of art. 2(a)-(d)?", "Voldeed een van hen aan een van de reputatiecriteria van art. 2, a-d?", None),
    ("recurring_data_losses", "bool", "Did any of them have an impact on data with an adverse impact as in art. 9(5)(a)?", "Had een van hen gevolgen voor gegevens met nadelige gevolgen als in art. 9, lid 5, a?", None),
    ("recurring_costs_eur", "number", "Their costs and losses together, this one included", "Hun kosten en verliezen samen, dit incident inbegrepen", "EUR"),
]  # fmt: skip
Q = {i: Question(i, kind, en, unit) for i, kind, en, _, unit in _QUESTIONS}
QUESTIONS_NL = {i: nl for i, _, _, nl, _ in _QUESTIONS}
UNITS_NL = {"clients": "cliënten", "counterparts": "tegenpartijen", "transactions": "transacties", "hours": "uur",
            "EUR": "EUR", "Member States": "lidstaten", "incidents": "incidenten"}  # fmt: skip
# The recurring figures and the single incident's answer each stands for (art. 8(2)(c): "collectively").
TOGETHER = {
    "recurring_clients_affected": "clients_affected",
    "recurring_counterparts_affected": "counterparts_affected",
    "recurring_transactions_affected": "transactions_affected",
    "recurring_transactions_amount_eur": "transactions_affected_amount_eur",
    "recurring_duration_hours": "duration_hours",
    "recurring_downtime_hours": "downtime_hours",
    "recurring_member_states": "member_states_affected",
    "recurring_costs_eur": "costs_eur",
}


class Answers(BaseModel):
    """Every question of the classification assistant; numbers finite and not negative."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    critical_functions_affected: bool | None = None
    authorised_services_affected: bool | None = None
    malicious_access: bool | None = None
    malicious_access_data_losses: bool | None = None
    clients_total: int | None = Field(default=None, ge=0)
    clients_affected: int | None = Field(default=None, ge=0)
    counterparts_total: int | None = Field(default=None, ge=0)
    counterparts_affected: int | None = Field(default=None, ge=0)
    transactions_daily_average: float | None = Field(default=None, ge=0)
    transactions_affected: int | None = Field(default=None, ge=0)
    transactions_value_daily_average_eur: float | None = Field(default=None, ge=0)
    transactions_affected_amount_eur: float | None = Field(default=None, ge=0)
    relevant_clients_affected: bool | None = None
    media: bool | None = None
    repetitive_complaints: bool | None = None
    regulatory_requirements: bool | None = None
    clients_lost: bool | None = None
    duration_hours: float | None = Field(default=None, ge=0)
    downtime_hours: float | None = Field(default=None, ge=0)
    member_states_affected: int | None = Field(default=None, ge=0)
    data_impact: bool | None = None
    data_impact_adverse: bool | None = None
    costs_eur: float | None = Field(default=None, ge=0)
    recurring_count: int | None = Field(default=None, ge=1)
    recurring_exempt: bool | None = None
    recurring_critical_services: bool | None = None
    recurring_clients_affected: int | None = Field(default=None, ge=0)
    recurring_counterparts_affected: int | None = Field(default=None, ge=0)
    recurring_transactions_affected: int | None = Field(default=None, ge=0)
    recurring_transactions_amount_eur: float | None = Field(default=None, ge=0)
    recurring_duration_hours: float | None = Field(default=None, ge=0)
    recurring_downtime_hours: float | None = Field(default=None, ge=0)
    recurring_member_states: int | None = Field(default=None, ge=0)
    recurring_reputational: bool | None = None
    recurring_data_losses: bool | None = None
    recurring_costs_eur: float | None = Field(default=None, ge=0)


def _fired(article: str, value: Any) -> Fired:
    t = T[f"{REG} {article}"]
    return Fired(t.criterion, t.article, t.en, value)


def _more_than_share(affected: float, total: float, pct: int) -> bool:
    """affected > pct % of total, in integers where the answers are (10 of 100 is not more than 10 %)."""
    return affected * 100 > pct * total


def _share(a: dict[str, Any], affected: str, total: str, pct: int, article: str, need: str) -> Fired | None:
    if not a.get(affected):
        return None
    if a.get(total) is None:
        raise MissingAnswer(total, f"needed for art. 9(1)({article[-2]}): {need}")
    if _more_than_share(a[affected], a[total], pct):
        share = round(100 * a[affected] / a[total], 2) if a[total] else None
        return _fired(article, {"affected": a[affected], "total": a[total], "share_pct": share})
    return None


def criteria(a: dict[str, Any], *, reputational: bool = False, data_losses: bool = False) -> list[Fired]:
    """Every art. 6 and art. 9 threshold the answers meet. `reputational` and `data_losses`: met by an incident
    assessed together with this one (art. 8(2))."""
    out: list[Fired] = []
    critical = [p for p, key in (("a", "critical_functions_affected"), ("b", "authorised_services_affected"),
                                 ("c", "malicious_access")) if a.get(key)]  # fmt: skip
    if critical:
        out.append(_fired("6", [f"6({p})" for p in critical]))
    clients = a.get("clients_affected") or 0
    if clients > CLIENTS_ABSOLUTE:
        out.append(_fired("9(1)(b)", clients))
    elif clients:
        found = _share(a, "clients_affected", "clients_total", CLIENTS_SHARE_PCT, "9(1)(a)",
                       f"more than {CLIENTS_SHARE_PCT} % of the clients using the affected service")  # fmt: skip
        out += [found] if found else []
    if (
        clients > CLIENTS_ABSOLUTE
        and a.get("clients_total")
        and _more_than_share(clients, a["clients_total"], CLIENTS_SHARE_PCT)
    ):
        out.append(_fired("9(1)(a)", {"affected": clients, "total": a["clients_total"],
                                      "share_pct": round(100 * clients / a["clients_total"], 2)}))  # fmt: skip
    for affected, total, pct, article, need in (
        ("counterparts_affected", "counterparts_total", COUNTERPARTS_SHARE_PCT, "9(1)(c)", "the financial counterparts of the affected service"),
        ("transactions_affected", "transactions_daily_average", TRANSACTIONS_SHARE_PCT, "9(1)(d)", "the daily average number of transactions"),
        ("transactions_affected_amount_eur", "transactions_value_daily_average_eur", VALUE_SHARE_PCT, "9(1)(e)", "the daily average value of transactions"),
    ):  # fmt: skip
        found = _share(a, affected, total, pct, article, need)
        out += [found] if found else []
    if a.get("relevant_clients_affected"):
        out.append(_fired("9(1)(f)", True))
    reasons = [p for p, key in (("a", "media"), ("b", "repetitive_complaints"), ("c", "regulatory_requirements"),
                                ("d", "clients_lost")) if a.get(key)]  # fmt: skip
    if reasons or reputational:
        out.append(_fired("9(2)", [f"2({p})" for p in reasons] or "together"))
    if (a.get("duration_hours") or 0) > DURATION_HOURS:
        out.append(_fired("9(3)(a)", a["duration_hours"]))
    if (a.get("downtime_hours") or 0) > DOWNTIME_HOURS:
        out.append(_fired("9(3)(b)", a["downtime_hours"]))
    if (a.get("member_states_affected") or 0) >= MEMBER_STATES:
        out.append(_fired("9(4)", a["member_states_affected"]))
    if (a.get("data_impact") and a.get("data_impact_adverse")) or data_losses:
        out.append(_fired("9(5)(a)", True))
    if a.get("malicious_access") and a.get("malicious_access_data_losses"):
        out.append(_fired("9(5)(b)", True))
    if (a.get("costs_eur") or 0) > COSTS_EUR:
        out.append(_fired("9(6)", a["costs_eur"]))
    return out


OTHER = ("clients_counterparts_transactions", "reputational_impact", "duration_downtime", "geographical_spread",
         "data_losses", "economic_impact")  # fmt: skip


def article_8_1(fired: list[Fired]) -> tuple[bool, list[str]]:
    """(major, the other criteria met): critical services AND (art. 9(5)(b) OR two or more other criteria)."""
    met = {f.criterion for f in fired}
    others = [c for c in OTHER if c in met]
    critical = "critical_services" in met
    return critical and ("malicious_access_data_losses" in met or len(others) >= OTHER_NEEDED), others


def _together(a: dict[str, Any]) -> dict[str, Any]:
    """This incident's answers with the recurring incidents' figures where those are larger (they include it)."""
    out = dict(a)
    for together, single in TOGETHER.items():
        if a.get(together) is not None:
            out[single] = max(a[together], a.get(single) or 0)
    if a.get("recurring_critical_services"):
        out["critical_functions_affected"] = True
    return out


def _recurring_asked(a: dict[str, Any]) -> bool:
    return any(a.get(k) not in (None, False) for k in [*TOGETHER, "recurring_critical_services", "recurring_reputational",
                                                         "recurring_data_losses"])  # fmt: skip


def assess(kind: str, answers: dict[str, Any], org: Any = None) -> Proposal:
    a = answers
    fired = criteria(a)
    major, others = article_8_1(fired)
    notes = [_why(fired, major, others)]
    count = a.get("recurring_count")
    if _recurring_asked(a) and count is None:
        raise MissingAnswer("recurring_count", "needed to assess the recurring incidents together (art. 8(2))")
    if count is not None and count >= RECURRING_TIMES:
        if a.get("recurring_exempt"):
            notes.append(f"Recurring incidents not assessed together: {REG} 8(2) does not apply to microenterprises "
                         "and the financial entities of DORA art. 16(1).")  # fmt: skip
        elif major:
            notes.append(f"Major on its own ({REG} 8(1)): the recurring incidents ({REG} 8(2)) need not be added.")
        else:
            together = criteria(_together(a), reputational=bool(a.get("recurring_reputational")),
                                data_losses=bool(a.get("recurring_data_losses")))  # fmt: skip
            recurring_major, together_others = article_8_1(together)
            if recurring_major:
                major = True
                fired.append(_fired("8(2)", {"count": count, "criteria": together_others}))
                notes.append(
                    f"Together the {count} recurring incidents meet {REG} 8(1): one major incident ({REG} 8(2))."
                )
            else:
                notes.append(f"Together the {count} recurring incidents do not meet {REG} 8(1) ({REG} 8(2)(c)).")
    return Proposal(major, fired, notes, rule=RULE, warnings=[], rules_version=RULES_VERSION)


def _why(fired: list[Fired], major: bool, others: list[str]) -> str:
    critical = any(f.criterion == "critical_services" for f in fired)
    access = any(f.criterion == "malicious_access_data_losses" for f in fired)
    listed = ", ".join(others) or "none"
    if not critical:
        return f"No critical services affected ({REG} 6): not major whatever else is met ({REG} 8(1)); other criteria met: {listed}."
    if access:
        return f"Critical services affected and a malicious unauthorised access that may result in data losses ({REG} 8(1)(a), 9(5)(b)): major."
    if major:
        return f"Critical services affected and {len(others)} other criteria met ({listed}; {REG} 8(1)(b)): major."
    return f"Critical services affected, but {len(others)} other criteria met ({listed}); {REG} 8(1)(b) needs {OTHER_NEEDED}: not major."


# The page's words (the Dutch follow the workflow's "groot incident" and the Dutch text of 2024/1772).
CRITERIA = {
    "critical_services": ("kritieke diensten getroffen", "critical services affected"),
    "clients_counterparts_transactions": ("cliënten, financiële tegenpartijen en transacties", "clients, financial counterparts and transactions"),
    "reputational_impact": ("reputatieschade", "reputational impact"),
    "duration_downtime": ("duur en uitvaltijd van de dienst", "duration and service downtime"),
    "geographical_spread": ("geografische spreiding", "geographical spread"),
    "data_losses": ("gegevensverlies", "data losses"),
    "malicious_access_data_losses": ("kwaadwillige onbevoegde toegang die tot gegevensverlies kan leiden", "malicious unauthorised access that may result in data losses"),
    "economic_impact": ("economische gevolgen", "economic impact"),
    "recurring": ("terugkerende incidenten", "recurring incidents"),
}  # fmt: skip
MISSING_NL = {
    "clients_total": "nodig om te bepalen of meer dan 10 % van de cliënten is getroffen (art. 9, lid 1, a): vul het aantal cliënten van de dienst in",
    "counterparts_total": "nodig voor art. 9, lid 1, c (meer dan 30 % van de financiële tegenpartijen): vul het aantal tegenpartijen van de dienst in",
    "transactions_daily_average": "nodig voor art. 9, lid 1, d (meer dan 10 % van het dagelijkse gemiddelde aantal transacties)",
    "transactions_value_daily_average_eur": "nodig voor art. 9, lid 1, e (meer dan 10 % van de dagelijkse gemiddelde waarde van de transacties)",
    "recurring_count": "nodig om de terugkerende incidenten samen te beoordelen (art. 8, lid 2): vul het aantal incidenten in",
}


def _label(name: str, lang: str) -> str:
    pair = CRITERIA.get(name)
    return name.replace("_", " ") if pair is None else pick(lang, *pair)


def _threshold(item: dict[str, Any], lang: str) -> str:
    t = T.get(str(item.get("article")))
    return str(item.get("threshold", "")) if t is None else pick(lang, t.nl, t.en)


def _verdict(row: Any, lang: str) -> str:
    """The art. 8 outcome of a stored proposal, from its criteria (never recomputed)."""
    met = {c["criterion"] for c in row.criteria}
    others = [c for c in OTHER if c in met]
    names = ", ".join(_label(c, lang) for c in others) or pick(lang, "geen", "none")
    if "recurring" in met:
        return pick(lang, "Samen vormen de terugkerende incidenten één groot incident (2024/1772 art. 8, lid 2).",
                    "Together the recurring incidents are one major incident (2024/1772 art. 8(2)).")  # fmt: skip
    if "critical_services" not in met:
        return pick(lang, f"Geen kritieke diensten getroffen (art. 6): niet groot, wat verder ook geldt (art. 8, lid 1). Andere criteria: {names}.",
                    f"No critical services affected (art. 6): not major, whatever else is met (art. 8(1)). Other criteria: {names}.")  # fmt: skip
    if "malicious_access_data_losses" in met:
        return pick(lang, "Kritieke diensten getroffen en kwaadwillige onbevoegde toegang die tot gegevensverlies kan leiden (art. 8, lid 1, a): groot.",
                    "Critical services affected and a malicious unauthorised access that may result in data losses (art. 8(1)(a)): major.")  # fmt: skip
    if len(others) >= OTHER_NEEDED:
        return pick(lang, f"Kritieke diensten getroffen en {len(others)} andere criteria gehaald ({names}; art. 8, lid 1, b): groot.",
                    f"Critical services affected and {len(others)} other criteria met ({names}; art. 8(1)(b)): major.")  # fmt: skip
    return pick(lang, f"Kritieke diensten getroffen, maar {len(others)} ander criterium gehaald ({names}); art. 8, lid 1, b vraagt er {OTHER_NEEDED}: niet groot.",
                f"Critical services affected, but {len(others)} other criteria met ({names}); art. 8(1)(b) needs {OTHER_NEEDED}: not major.")  # fmt: skip


def _asked(org: Any) -> tuple[str, str, list[Question]]:
    return (getattr(org, "dora_entity_type", None) or "financial_entity"), RULE, list(Q.values())


ASSISTANT = Assistant(
    rules_version=RULES_VERSION,
    answers=Answers,
    asked=_asked,
    assess=assess,
    positive="major",
    negative="not_major",
    words=Words(
        title=("Hulp bij de classificatie (groot incident?)", "Classification assistant (major incident?)"),
        help=(
            "Beantwoord wat u weet; het voorstel volgt de criteria en drempels van Gedelegeerde Verordening (EU) 2024/1772 (art. 1-9). U beslist zelf.",
            "Answer what you know; the proposal follows the criteria and thresholds of Delegated Regulation (EU) 2024/1772 (art. 1-9). You decide.",
        ),  # fmt: skip
        positive=("Groot ICT-gerelateerd incident", "Major ICT-related incident"),
        negative=("Niet groot", "Not major"),
        record="Classification (2024/1772)",
    ),
    question=lambda qid, lang: pick(lang, QUESTIONS_NL.get(qid, Q[qid].text), Q[qid].text),
    unit=lambda name, lang: pick(lang, UNITS_NL.get(name, name), name) if name else name,
    criterion=_label,
    warning=lambda item, lang: str(item.get("code", "")),
    problem=lambda qid, message, lang: pick(lang, MISSING_NL.get(qid, message), message),
    warning_line=lambda item: f"Warning: {item.get('code')}",
    required_times=("aware_at",),
    decided_at="classified_at",
    threshold=_threshold,
    verdict=_verdict,
    kind_labels="dora_entity_type",
)
