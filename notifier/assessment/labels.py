"""The assistant's words in Dutch and English: questions, criteria and warnings as the page shows them.

The English questions live with the rules (rules.Q, also the API's `text`); the Dutch ones follow the Dutch text
of Implementing Regulation (EU) 2024/2690 ("heeft veroorzaakt of kan veroorzaken", art. 3(1)).
"""
# ruff: noqa: E501 (one question per line reads best)

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
