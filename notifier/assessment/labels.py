"""The assistant's words in Dutch and English: questions, criteria and warnings as the page shows them.

The English questions live with the rules (rules.Q, also the API's `text`); the Dutch ones follow the Dutch text
of Implementing Regulation (EU) 2024/2690 ("heeft veroorzaakt of kan veroorzaken", art. 3(1)).
"""
# ruff: noqa: E501 (one question per line reads best)

import re
from typing import Any

from notifier.assessment import rules
from notifier.i18n import pick

QUESTIONS_NL: dict[str, str] = {
    "scheduled_maintenance": "Ging het om gepland onderhoud, en zijn de onbeschikbaarheid en beperkte beschikbaarheid die hier zijn ingevuld alleen de geplande gevolgen daarvan?",
    "financial_loss_eur": "Rechtstreeks financieel verlies voor de organisatie tot nu toe",
    "financial_loss_expected_eur": "Rechtstreeks financieel verlies dat het incident in totaal nog kan veroorzaken, zoals nu verwacht (het verlies tot nu toe inbegrepen)",
    "annual_turnover_eur": "Omzet van het afgelopen boekjaar (staat niet in het profiel)",
    "trade_secrets_exfiltrated": "Zijn bedrijfsgeheimen weggesluisd (exfiltratie)?",
    "trade_secrets_exfiltration_possible": "Kan het incident er nog toe leiden dat bedrijfsgeheimen worden weggesluisd (bijvoorbeeld een aanvaller die erbij kan)?",
    "deaths": "Hoeveel mensen zijn als gevolg overleden?",
    "death_possible": "Kan het incident nog tot de dood van een persoon leiden?",
    "health_damage": "Is de gezondheid van een persoon aanzienlijk geschaad?",
    "health_damage_possible": "Kan het incident de gezondheid van een persoon nog aanzienlijk schaden?",
    "malicious_access": "Was er geslaagde, vermoedelijk kwaadwillige onbevoegde toegang die ernstige operationele verstoring kan veroorzaken (ook als er nog niets verstoord is, zoals een aanvaller die zich heeft genesteld)?",
    "recurrence_count": "Hoeveel incidenten met dezelfde kennelijke oorzaak deden zich de afgelopen 6 maanden voor, dit incident inbegrepen?",
    "recurrence_financial_loss_eur": "Hun gezamenlijke rechtstreekse financiële verlies, dit incident inbegrepen",
    "recurrence_financial_loss_expected_eur": "Het gezamenlijke rechtstreekse financiële verlies dat zij nog kunnen veroorzaken, zoals nu verwacht (het verlies tot nu toe inbegrepen)",
    "unavailable_minutes": "Hoe lang was de dienst volledig onbeschikbaar?",
    "limited_minutes": "Hoe lang was de beschikbaarheid beperkt?",
    "avg_response_seconds": "Gemiddelde responstijd tijdens de beperking",
    "eu_users": "Aantal gebruikers van de dienst in de EU (voor de gebruikersdrempel)",
    "users_unavailable": "Gebruikers getroffen door de volledige onbeschikbaarheid",
    "users_limited": "Gebruikers getroffen door de beperkte beschikbaarheid",
    "integrity_compromised": "Is de integriteit, vertrouwelijkheid of authenticiteit van opgeslagen, verzonden of verwerkte gegevens aangetast?",
    "integrity_malicious": "Wordt vermoed dat die aantasting kwaadwillig is?",
    "users_integrity": "Gebruikers getroffen door die aantasting",
    "dns_names_wrong": "Domeinnamen die verkeerd zijn beantwoord",
    "dns_names_total": "Domeinnamen die de dienst beheert",
    "dns_misconfiguration": "Kwam het verkeerde antwoorden door een verkeerde configuratie?",
    "physical_access_compromised": "Is de fysieke toegang (tot beveiligde ruimten) aangetast?",
    "unavailable_minutes_week": "Totale onbeschikbaarheid deze kalenderweek",
    "severe_operational_disruption": "Heeft het incident ernstige operationele verstoring van de diensten veroorzaakt, of kan het die veroorzaken?",
    "considerable_financial_loss": "Heeft het incident aanzienlijk financieel verlies veroorzaakt, of kan het dat veroorzaken?",
    "considerable_damage_to_others": "Heeft het incident aanzienlijke materiële of immateriële schade bij andere personen of organisaties veroorzaakt, of kan het die veroorzaken?",
}

UNITS_NL = {"EUR": "EUR", "minutes": "minuten", "seconds": "seconden", "users": "gebruikers", "names": "namen"}

CRITERIA: dict[str, tuple[str, str]] = {
    # criterion: (nl, en)
    "financial_loss": ("rechtstreeks financieel verlies", "direct financial loss"),
    "trade_secrets_exfiltrated": ("exfiltratie van bedrijfsgeheimen", "exfiltration of trade secrets"),
    "death": ("dood van een persoon", "death of a person"),
    "health_damage": ("aanzienlijke schade aan de gezondheid", "considerable damage to health"),
    "malicious_access": ("vermoedelijk kwaadwillige onbevoegde toegang", "suspectedly malicious unauthorised access"),
    "recurring": ("terugkerende incidenten", "recurring incidents"),
    "unavailable": ("volledig onbeschikbaar", "fully unavailable"),
    "limited_availability": ("beperkte beschikbaarheid", "limited availability"),
    "integrity": (
        "integriteit, vertrouwelijkheid of authenticiteit aangetast",
        "integrity, confidentiality or authenticity compromised",
    ),
    "physical_access": ("fysieke toegang aangetast", "physical access compromised"),
    "severe_operational_disruption": ("ernstige operationele verstoring", "severe operational disruption"),
    "considerable_financial_loss": ("aanzienlijk financieel verlies", "considerable financial loss"),
    "considerable_damage_to_others": ("aanzienlijke schade aan anderen", "considerable damage to others"),
}

WARNINGS: dict[str, tuple[str, str]] = {
    "maintenance_contradiction": (
        "Gepland onderhoud is met ja beantwoord, maar dit is geen gepland gevolg van onderhoud: {criteria}. "
        "{article} sluit alleen de geplande onderbrekingen en de voorziene gevolgen van gepland onderhoud uit; "
        "wat niet gepland was, is daarom toch beoordeeld. Controleer de antwoorden, en besluit met onderbouwing tegen het "
        "voorstel als het toch een voorzien gevolg van het onderhoud was.",
        "Scheduled maintenance was answered yes, but this is not a planned effect of maintenance: {criteria}. "
        "{article} excludes only scheduled interruptions and the foreseen consequences of scheduled maintenance; "
        "what was not planned was therefore assessed all the same. Check the answers, and decide against the proposal "
        "with the reasoning if it was a foreseen consequence of the maintenance after all.",
    ),
}


# The rules' "missing answer" messages (rules.MissingAnswer) as the Dutch page gives them.
MISSING_NL = {
    "eu_users": "nodig om U = min(5 % van de EU-gebruikers; 1 000 000) of de drempels voor vertrouwensdiensten te "
    "berekenen: vul het aantal EU-gebruikers in",
}


def problem(question_id: str, message: str, lang: str) -> str:
    """A refused answer in the reader's language; messages without a Dutch version stay as the rules say them."""
    return pick(lang, MISSING_NL.get(question_id, message), message)


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pick(lang, *pair)


def question(question_id: str, lang: str) -> str:
    english = rules.Q[question_id].text
    return pick(lang, QUESTIONS_NL.get(question_id, english), english)


def unit(name: str | None, lang: str) -> str | None:
    return pick(lang, UNITS_NL.get(name, name), name) if name else name


def criterion(name: str, lang: str) -> str:
    pair = CRITERIA.get(name)
    return name.replace("_", " ") if pair is None else _pick(pair, lang)


def warning(item: dict[str, Any], lang: str) -> str:
    pair = WARNINGS.get(item.get("code", ""))
    if pair is None:
        return str(item.get("code", ""))
    names = ", ".join(criterion(c, lang) for c in item.get("criteria", []))
    return _pick(pair, lang).format(criteria=names, article=item.get("article", rules.ART_3_2))


# The thresholds as rules.py words them (stored with each criterion, English), and the fragments of the ones it
# words with a figure in them.
THRESHOLDS_NL = {
    "any": "elke",
    "capable of causing": "kan het veroorzaken",
    "> 0 deaths": "> 0 doden",
    "capable of causing a death": "kan de dood van een persoon veroorzaken",
    "considerable damage to health": "aanzienlijke schade aan de gezondheid",
    "capable of causing considerable damage to health": "kan aanzienlijke schade aan de gezondheid veroorzaken",
    "suspectedly malicious unauthorised access": "vermoedelijk kwaadwillige onbevoegde toegang",
    "> 30 min fully unavailable": "> 30 min volledig onbeschikbaar",
    "fully unavailable, any duration": "volledig onbeschikbaar, hoe kort ook",
    "average response > 10 s for > 1 h": "gemiddelde responstijd > 10 s gedurende > 1 uur",
    "limited availability > 1 h": "beperkte beschikbaarheid > 1 uur",
    "any, except < 1 000 names and <= 1 % wrong through misconfiguration": "elke, behalve < 1 000 namen en <= 1 % verkeerd door een verkeerde configuratie",
    "any compromise": "elke aantasting",
    "suspectedly malicious compromise": "vermoedelijk kwaadwillige aantasting",
    "physical access compromised": "fysieke toegang aangetast",
    "> 20 min fully unavailable": "> 20 min volledig onbeschikbaar",
    "unavailable > 1 h per calendar week": "onbeschikbaar > 1 uur per kalenderweek",
    "physical access to restricted areas compromised": "fysieke toegang tot beveiligde ruimten aangetast",
    "severe disruption of the services": "ernstige verstoring van de diensten",
    "financial loss for the entity": "financieel verlies voor de entiteit",
    "considerable damage to others": "aanzienlijke schade aan anderen",
    "physical access compromised (stricter reading)": "fysieke toegang aangetast (strengere lezing)",
}
FRAGMENTS_NL = (
    (
        "at least 2 in 6 months, same root cause, together",
        "ten minste 2 in 6 maanden, dezelfde kennelijke oorzaak, samen",
    ),
    ("5 % of turnover", "5 % van de omzet"),
    ("0.1 %", "0,1 %"),
    (" for > 1 h", " gedurende > 1 uur"),
    (" users", " gebruikers"),
)
GROUPED = re.compile(r"(?<=\d),(?=\d{3})")

RULES = {
    "thresholds": (
        "drempels van Uitvoeringsverordening (EU) 2024/2690",
        "thresholds of Implementing Regulation (EU) 2024/2690",
    ),
    "open_rule": ("open norm van Cbw art. 25(2)", "open rule of Cbw art. 25(2)"),
}

# The notes rules.assess stores (English); the two on scheduled maintenance name criteria, said here in words.
NOTES_NL = {
    "Turnover unknown: the financial threshold is taken as EUR 500 000.": "Omzet onbekend: als financiële drempel geldt EUR 500 000.",
    "No hard thresholds for this entity type: the open rule of Cbw art. 25(2) applies; the 2024/2690 art. 3 criteria are used as a yardstick (the stricter reading).": "Geen harde drempels voor dit soort entiteit: de open norm van Cbw art. 25(2) geldt; de criteria van 2024/2690 art. 3 dienen als maatstaf (de strengere lezing).",
}
NOT_COUNTED = re.compile(
    r"Scheduled maintenance and its planned effects are never significant \((?P<article>[^)]*\))\); not counted: (?P<names>.*)\.$"
)
NOT_PLANNED = re.compile(r"Scheduled maintenance does not plan (?P<names>.*?): still assessed, see the warning")

VALUE_PARTS = {
    "so_far_eur": ("tot nu toe (EUR)", "so far (EUR)"),
    "expected_eur": ("verwacht (EUR)", "expected (EUR)"),
    "count": ("aantal", "count"),
    "financial_loss_eur": ("verlies (EUR)", "loss (EUR)"),
    "avg_response_seconds": ("gemiddelde responstijd (s)", "average response (s)"),
    "limited_minutes": ("beperkt (min)", "limited (min)"),
    "names_wrong": ("verkeerd beantwoorde namen", "names answered wrongly"),
    "names_total": ("namen in totaal", "names in total"),
}


def threshold(item: dict[str, Any], lang: str) -> str:
    english = str(item.get("threshold", ""))
    dutch = THRESHOLDS_NL.get(english)
    if dutch is None:
        dutch = GROUPED.sub(".", english)
        for en, nl in FRAGMENTS_NL:
            dutch = dutch.replace(en, nl)
    return pick(lang, dutch, english)


def rule_name(rule: str, lang: str) -> str:
    pair = RULES.get(rule)
    return rule if pair is None else _pick(pair, lang)


def _names(text: str, lang: str) -> str:
    if text == "none fired":
        return pick(lang, "geen", "none")
    return ", ".join(criterion(name.strip(), lang) for name in text.split(","))


def note(text: str, lang: str) -> str:
    """A stored note in the reader's language; the criteria it names in words, not as codes."""
    if text in NOTES_NL:
        return pick(lang, NOTES_NL[text], text)
    if found := NOT_COUNTED.match(text):
        names, article = _names(found["names"], lang), found["article"]
        return pick(lang, f"Gepland onderhoud en de geplande gevolgen ervan zijn nooit significant ({article}); niet meegeteld: {names}.",
                    f"Scheduled maintenance and its planned effects are never significant ({article}); not counted: {names}.")  # fmt: skip
    if found := NOT_PLANNED.match(text):
        names = _names(found["names"], lang)
        return pick(lang, f"Gepland onderhoud plant geen {names}: toch beoordeeld, zie de waarschuwing (besluit met onderbouwing tegen het voorstel als het toch een voorzien gevolg van het onderhoud was).",
                    f"Scheduled maintenance does not plan {names}: still assessed, see the warning (decide against the proposal, with the reasoning, if it was a foreseen consequence of the maintenance).")  # fmt: skip
    return text
