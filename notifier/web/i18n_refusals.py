"""The pages' words for what the services refuse (a Conflict or FieldProblem with a `key`, notifier/errors.py) and
for a date or time the forms cannot take; merged into the catalogue of notifier/web/i18n.py. The services keep their
English message for the API's problem+json."""
# ruff: noqa: E501 (one pair of sentences per line reads best)

REFUSAL_MESSAGES: dict[str, tuple[str, str]] = {
    "refused_product_unknown": (
        "Product {reference} staat niet in het productregister (Instellingen › Producten).",
        "Product {reference} is not in the product register (Settings › Products).",
    ),
    "refused_product_versions": (
        "Het productregister heeft meer versies van {reference} ({versions}): kies de versie.",
        "The product register holds several versions of {reference} ({versions}): choose the version.",
    ),
    "refused_processor_linked": (
        "{name} is al gekoppeld aan dit incident.",
        "{name} is linked to this incident already.",
    ),
    "refused_processor_exists": (
        "Er is al een verwerker met de naam {name}.",
        "A processor named {name} exists already.",
    ),
    "refused_processor_future": (
        "Dit moment ligt in de toekomst; vul in wat al gebeurd is.",
        "This moment lies in the future; enter what has happened.",
    ),
    "refused_processor_informed_before": (
        "De verwerker kan ons niet informeren vóór hij het zelf wist: dit moment ligt vóór het moment van kennisname van de verwerker.",
        "The processor cannot inform us before it knew: this moment lies before the processor's awareness.",
    ),
    "refused_processor_no_contact": (
        "Deze verwerker heeft geen contactpersoon op niveau 1 met een e-mailadres; vul die eerst in bij Instellingen › Verwerkers.",
        "This processor has no level 1 contact with an e-mail address; add one first under Settings › Processors.",
    ),
    "refused_assessment_confirmed": (
        "Versie {version} van de beoordeling is al bevestigd door {by}.",
        "Version {version} of the assessment was confirmed already by {by}.",
    ),
    "refused_no_profile": (
        "Er is nog geen organisatieprofiel: vul eerst het profiel in (het soort organisatie bepaalt de vragen).",
        "There is no organisation profile yet: fill in the profile first (the kind of organisation decides the questions).",
    ),
    "refused_no_assistant": (
        "Geen regeling heeft een hulp bij de beoordeling.",
        "No regime has an assessment assistant.",
    ),
    "refused_no_assistant_for": (
        "Deze regeling heeft geen hulp bij de beoordeling; ververs de pagina en gebruik een van de hulpmiddelen die er staan.",
        "This regime has no assessment assistant; reload the page and use one of the assistants it shows.",
    ),
    "refused_no_track": (
        "Dit kan niet: deze regeling geldt niet voor de organisatie zoals het profiel haar beschrijft.",
        "Refused: this regime does not apply to the organisation as its profile describes it.",
    ),
    "refused_no_request": (
        "Er staat voor dit incident geen verzoek om een {stage} open.",
        "There is no open request for a {stage} on this incident.",
    ),
    # The incident's own events an officer asks for, named as actions (their audit labels name the result).
    "refused_action:incident.resolved": ("Het incident oplossen", "Resolve the incident"),
    "refused_action:incident.merged": ("Samenvoegen met een ander incident", "Merge into another incident"),
    "refused_transition": (
        "Dit kan niet in de huidige toestand van het incident; ververs de pagina en kies een van de acties die er staan.",
        "This is not possible in the incident's current state; reload the page and choose one of the actions it offers.",
    ),
    "refused_transition_event": (
        "‘{event}’ kan niet in de toestand ‘{state}’; ververs de pagina en kies een van de acties die er staan.",
        "‘{event}’ is not possible in the state ‘{state}’; reload the page and choose one of the actions it offers.",
    ),
    "refused_transition_state": (
        "Dit kan niet in de toestand ‘{state}’ van het incident; ververs de pagina en kies een van de acties die er staan.",
        "This is not possible in the incident's state ‘{state}’; reload the page and choose one of the actions it offers.",
    ),
    "refused_transition_filing": (
        "‘{stage}’ indienen kan niet in de toestand ‘{state}’; ververs de pagina en kies een van de acties die er staan.",
        "Filing ‘{stage}’ is not possible in the state ‘{state}’; reload the page and choose one of the actions it offers.",
    ),
    "refused_unknown_event": (
        "Deze actie bestaat niet (meer); ververs de pagina en kies een van de acties die er staan.",
        "This action does not exist (any more); reload the page and choose one of the actions it offers.",
    ),
    "refused_unknown_stage": (
        "Deze regeling kent deze melding niet; ververs de pagina en kies een van de meldingen die er staan.",
        "This regime has no such report; reload the page and choose one of the reports it shows.",
    ),
    "refused_ended_before_start": (
        "Het einde ligt vóór de aanvang van het incident ({started}).",
        "The end lies before the start of the incident ({started}).",
    ),
    "refused_subjects_max_below_min": (
        "Het maximale aantal betrokkenen is kleiner dan het minimale ({low}).",
        "The maximum number of data subjects is smaller than the minimum ({low}).",
    ),
    "refused_required_when": (
        "Dit veld is verplicht omdat bij ‘{when}’ ‘{value}’ is gekozen.",
        "This field is required because ‘{value}’ was chosen for ‘{when}’.",
    ),
    "refused_reasoning_needed": (
        "Geef de onderbouwing als u tegen het voorstel besluit.",
        "Give the reasoning when you decide against the proposal.",
    ),
    "refused_resolved_before_awareness": (
        "Het incident kan niet eindigen vóór iemand ervan wist: dit moment ligt vóór de eerste kennisname ({earliest}).",
        "The incident cannot end before anyone knew of it: this moment lies before the earliest awareness ({earliest}).",
    ),
    "refused_resolved_before_start": (
        "Dit moment ligt vóór het begin van het incident ({started}).",
        "This moment lies before the start of the incident ({started}).",
    ),
    "refused_due_passed": ("De gevraagde termijn is al verstreken.", "The requested due date has passed already."),
    "refused_submitted_before_awareness": (
        "De indiening kan niet vóór de kennisname liggen.",
        "The submission cannot lie before the awareness time.",
    ),
    "refused_token_name": (
        "Geef de sleutel een naam (ten hoogste 100 tekens).",
        "Give the token a name (at most 100 characters).",
    ),
    "refused_role_above_own": (
        "Een sleutel kan niet meer mogen dan uw eigen rol.",
        "A token cannot be allowed more than your own role.",
    ),
    "refused_expiry_past": ("Deze vervaldatum ligt in het verleden.", "This expiry lies in the past."),
    "refused_password_plain": (
        "Dit wachtwoord heeft te weinig verschillende tekens.",
        "This password uses too few different characters.",
    ),
    "refused_password_current": ("Dit is niet uw huidige wachtwoord.", "This is not your current password."),
    "refused_user_exists": (
        "Er is al een gebruiker met dit e-mailadres.",
        "A user with this e-mail address exists already.",
    ),
    "form_datetime_range": (
        "Deze datum ligt buiten het bereik dat meldplicht aanneemt (1990 tot 2100).",
        "This date is out of the range meldplicht accepts (1990 to 2100).",
    ),
    "form_datetime_future": (
        "Dit moment ligt in de toekomst; alleen wat gebeurd is, kan worden vastgelegd.",
        "This moment lies in the future; only what has happened can be recorded.",
    ),
}
