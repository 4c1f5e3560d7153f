"""A small Dutch/English message catalogue for the pages; the language is the user's choice, else the browser's."""
# ruff: noqa: E501 (one pair of sentences per line reads best)

from fastapi import Request

from notifier import i18n
from notifier.accounts.models import User
from notifier.web.i18n_records import RECORD_MESSAGES
from notifier.web.i18n_refusals import REFUSAL_MESSAGES

LANGUAGES = i18n.LANGUAGES

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (nl, en)
    "app": ("meldplicht", "meldplicht"),
    # The user roles of notifier/accounts/roles.py, shown wherever a role is (never the code).
    "role_viewer": ("Meelezer", "Viewer"),
    "role_officer": ("Meldplichtfunctionaris", "Officer"),
    "role_administrator": ("Beheerder", "Administrator"),
    # Form refusals (notifier/web/forms.py): pydantic's error types and typed numbers, in the reader's language.
    "form_required": ("Dit veld is verplicht.", "This field is required."),
    "form_choose": ("Kies een van de mogelijkheden.", "Choose one of the options."),
    "form_whole": ("Vul een geheel getal in.", "Enter a whole number."),
    "form_number": ("Vul een getal in.", "Enter a number."),
    "form_at_least": ("Vul een getal van ten minste {n} in.", "Enter a number of at least {n}."),
    "form_at_most": ("Vul een getal van ten hoogste {n} in.", "Enter a number of at most {n}."),
    "form_more_than": ("Vul een getal groter dan {n} in.", "Enter a number greater than {n}."),
    "form_less_than": ("Vul een getal kleiner dan {n} in.", "Enter a number less than {n}."),
    "form_number_example": ("20.000", "20,000"),
    "form_approximate": (
        "Geef een getal, zonder '{word}'; bijvoorbeeld {example}.",
        "Give a number without '{word}'; for example {example}.",
    ),
    "form_range": (
        "Geef één getal, geen bereik; bijvoorbeeld {example}.",
        "Give one number, not a range; for example {example}.",
    ),
    "form_too_long": ("Ten hoogste {n} tekens.", "At most {n} characters."),
    "form_too_many": ("Kies er ten hoogste {n}.", "Choose at most {n}."),
    "form_too_short": ("Ten minste {n} tekens.", "At least {n} characters."),
    "form_pattern": ("Dit heeft niet de vorm die hier hoort.", "This is not in the form this field takes."),
    "form_pattern_digits": (
        "Vul {n} cijfers in, zonder spaties of punten.",
        "Enter {n} digits, without spaces or dots.",
    ),
    "form_pattern_email": (
        "Vul een e-mailadres in, zoals naam@voorbeeld.nl.",
        "Enter an e-mail address, such as name@example.org.",
    ),
    "form_pattern_lei": (
        "Vul de LEI in: 20 tekens, hoofdletters en cijfers.",
        "Enter the LEI: 20 characters, capitals and digits.",
    ),
    "form_pattern_line": ("Eén regel, zonder regeleinde.", "One line, without a line break."),
    "form_pattern_slug": (
        "Kleine letters, cijfers en streepjes; begin met een letter of cijfer.",
        "Lower-case letters, digits and hyphens; start with a letter or digit.",
    ),
    "form_datetime": ("Geen geldige datum en tijd (dd-mm-jjjj uu:mm).", "Not a date and time (dd-mm-yyyy hh:mm)."),
    "form_date": ("Geen geldige datum (dd-mm-jjjj).", "Not a date (dd-mm-yyyy)."),
    "form_bool": ("Kies ja of nee.", "Choose yes or no."),
    "form_invalid": (
        "Deze invoer is niet geldig; controleer wat u hebt ingevuld.",
        "This input is not valid; check what you entered.",
    ),
    "dashboard": ("Overzicht", "Dashboard"),
    "new_incident": ("Incident vastleggen", "Log an incident"),
    "settings": ("Instellingen", "Settings"),
    "switch_organisation": ("Wissel", "Switch"),
    "portfolio": ("Portfolio", "Portfolio"),
    "already_member": ("is al lid van deze organisatie", "is a member of this organisation already"),
    "account_elsewhere": (
        "dit account werkt ook voor een andere organisatie; alleen de beheerder van de installatie kan het herstellen",
        "this account also works for another organisation; only the deployment's operator can reset it",
    ),
    "remove_member": ("Verwijderen uit organisatie", "Remove from organisation"),
    "slug_taken": ("deze korte naam is al in gebruik", "this short name is taken"),
    "no_such_account": ("geen account met dit e-mailadres", "no account with this e-mail address"),
    "slug": ("Korte naam (in adressen)", "Short name (in addresses)"),
    "members": ("Leden", "Members"),
    "grant": ("Toekennen", "Grant"),
    "api_tokens": ("API-tokens", "API tokens"),
    "portfolio_calendar": ("Agenda van al uw organisaties", "Calendar of all your organisations"),
    "portfolio_calendar_new": ("Agenda-adres maken", "Make a calendar address"),
    "portfolio_calendar_rotate": (
        "Nieuw adres (het oude werkt dan niet meer)",
        "New address (the old one stops working)",
    ),
    "expires_at": ("Verloopt op", "Expires at"),
    "revoke": ("Intrekken", "Revoke"),
    "personal_tokens_intro": (
        "Een persoonlijk token handelt namens u in één organisatie, nooit met meer rechten dan uw rol daar.",
        "A personal token acts for you in one organisation, never with more than your role there.",
    ),
    "never": ("nooit", "never"),
    "portfolio_intro": (
        "Alle open incidenten van uw organisaties, de eerstvolgende niet-ingediende termijn eerst.",
        "Every open incident of your organisations, the next unfiled deadline first.",
    ),
    "organisations": ("Organisaties", "Organisations"),
    "sign_in": ("Inloggen", "Sign in"),
    "sso_button": ("Inloggen met {label}", "Sign in with {label}"),
    "sso_or_password": ("of met e-mailadres en wachtwoord", "or with e-mail address and password"),
    # The reason stays in the log and the audit trail: the page must not tell an attacker which check failed.
    "sso_refused": (
        "Inloggen via de identiteitsprovider is niet gelukt. Begin opnieuw; blijft het misgaan, meld dan het tijdstip "
        "aan de beheerder.",
        "Signing in through the identity provider did not succeed. Start again; if it keeps failing, tell the "
        "administrator the time it happened.",
    ),
    "sso_no_membership": (
        "Uw identiteitsprovider geeft u geen toegang tot een organisatie in meldplicht. Vraag de beheerder om toegang.",
        "Your identity provider grants you access to no organisation in meldplicht. Ask the administrator for access.",
    ),
    "sso_unavailable": (
        "De identiteitsprovider is nu niet bereikbaar. Probeer het later opnieuw.",
        "The identity provider cannot be reached now. Try again later.",
    ),
    "password_signin_off": (
        "Inloggen met wachtwoord staat uit in deze installatie; gebruik de knop hierboven.",
        "Password sign-in is switched off in this deployment; use the button above.",
    ),
    "sign_out": ("Uitloggen", "Sign out"),
    "email": ("E-mailadres", "E-mail address"),
    "password": ("Wachtwoord", "Password"),
    "name": ("Naam", "Name"),
    "role": ("Rol", "Role"),
    "language": ("Taal", "Language"),
    "language_browser": ("Zoals de browser", "As the browser"),
    "save": ("Opslaan", "Save"),
    # One answer for a wrong password, an unknown address and a locked account: it must not tell which accounts exist.
    "bad_credentials": (
        "E-mailadres of wachtwoord klopt niet, of het account is tijdelijk geblokkeerd "
        "(na vijf mislukte pogingen 15 minuten).",
        "E-mail address or password is wrong, or the account is locked for now (for 15 minutes after five failed "
        "attempts).",
    ),
    "locked": (
        "Account tijdelijk geblokkeerd; probeer het over 15 minuten opnieuw.",
        "Account locked for now; try again in 15 minutes.",
    ),
    "too_many_signins": (
        "Te veel mislukte inlogpogingen vanaf uw adres. Probeer het over {minutes} minuten opnieuw.",
        "Too many failed sign-ins from your address. Try again in {minutes} minutes.",
    ),
    "totp_code": ("Code uit de authenticator-app", "Code from the authenticator app"),
    "totp_title": ("Tweestapsverificatie", "Two-factor authentication"),
    "totp_wrong": (
        "Deze code klopt niet, is verlopen of is al gebruikt.",
        "This code is wrong, has expired or was used already.",
    ),
    "totp_or_recovery": (
        "Telefoon kwijt? Vul een van uw herstelcodes in.",
        "Lost your phone? Enter one of your recovery codes instead.",
    ),
    "recovery_codes": ("Herstelcodes", "Recovery codes"),
    "recovery_codes_help": (
        "Bewaar deze codes op papier of in een wachtwoordkluis. Elke code werkt één keer in plaats van een code uit "
        "de app. Ze worden alleen nu getoond.",
        "Keep these codes on paper or in a password manager. Each works once instead of a code from the app. They are "
        "shown only now.",
    ),
    "recovery_codes_left": ("Ongebruikte herstelcodes", "Unused recovery codes"),
    "recovery_codes_new": ("Nieuwe herstelcodes maken (de oude vervallen)", "New recovery codes (the old ones stop)"),
    "continue": ("Verder", "Continue"),
    "totp_setup": ("Tweestapsverificatie instellen", "Set up two-factor authentication"),
    "totp_setup_help": (
        "Scan de QR-code of voer de geheime sleutel in een authenticator-app in, en vul daarna de code van zes cijfers in. Voor uw rol is dit verplicht (NIS2 art. 21).",
        "Scan the QR code or type the secret key into an authenticator app, then enter the six-digit code. Your role requires it (NIS2 art. 21).",
    ),
    "totp_secret": ("Geheime sleutel", "Secret key"),
    "totp_enabled": ("Tweestapsverificatie staat aan.", "Two-factor authentication is on."),
    "confirm": ("Bevestigen", "Confirm"),
    "account": ("Mijn account", "My account"),
    "open_incidents": ("Open incidenten", "Open incidents"),
    "next_deadline": ("Eerstvolgende termijn", "Next deadline"),
    "next_action": ("Volgende actie", "Next action"),
    "open_draft": ("Concept openen", "Open the draft"),
    "other_actions": ("Andere acties", "Other actions"),
    "done_incident": ("Incident #{id} is vastgelegd.", "Incident #{id} was logged."),
    "done_facts": ("Feiten opgeslagen ({n} gewijzigd).", "Facts saved ({n} changed)."),
    "done_event": ("Vastgelegd: {what}.", "Recorded: {what}."),
    "done_submitted": (
        "Indiening bevestigd: {stage}, kenmerk {reference}.",
        "Submission confirmed: {stage}, reference {reference}.",
    ),
    "done_submitted_no_reference": (
        "Indiening bevestigd: {stage} (zonder kenmerk van de ontvanger).",
        "Submission confirmed: {stage} (no reference of the recipient given).",
    ),
    "done_processor": ("Verwerker {name} gekoppeld.", "Processor {name} linked."),
    "done_assessment": ("Beoordeling berekend; bekijk het voorstel.", "Assessment worked out; see the proposal."),
    "done_assessment_confirmed": ("Beoordeling vastgelegd.", "Assessment recorded."),
    "error_summary": ("Het formulier is niet opgeslagen:", "The form was not saved:"),
    "other_actions_help": (
        "Geen verplichting: acties die u na de melding kunt doen, zoals een aanvulling, correctie of intrekking.",
        "Not a duty: actions you may take after notifying, such as a follow-up, a correction or a withdrawal.",
    ),
    "recipient": ("Ontvanger", "Recipient"),
    "no_open_incidents": ("Geen open incidenten.", "No open incidents."),
    "board_counts": (
        "{open} open, waarvan {overdue} met een verlopen termijn",
        "{open} open, {overdue} with an overdue deadline",
    ),
    "board_showing": (
        "{first}–{last} getoond, de meest dringende eerst",
        "showing {first}–{last}, the most urgent first",
    ),
    "board_more": ("Nog {n} open incidenten: volgende pagina", "{n} more open incidents: next page"),
    "board_previous": ("Vorige pagina", "Previous page"),
    "board_page": ("Pagina {page} van {pages}", "Page {page} of {pages}"),
    "triage_queue": ("Te beoordelen (triage)", "Triage queue"),
    "triage_empty": ("Niets te beoordelen.", "Nothing to triage."),
    "recent_alerts": ("Recente SIEM-meldingen", "Recent SIEM alerts"),
    "overdue": ("te laat", "overdue"),
    # A countdown on the board and in the page's script (notifier/web/static/app.js): "{parts}" is "3 u 12 min".
    "hour_unit": ("u", "h"),
    "countdown_left": ("nog {parts}", "{parts} left"),
    "countdown_late": ("{parts} te laat", "overdue by {parts}"),
    "left": ("nog", "left"),
    "ago": ("geleden", "ago"),
    "met": ("gehaald", "met"),
    "late": ("te laat ingediend", "filed late"),
    "open": ("open", "open"),
    "status": ("Status", "Status"),
    "due": ("Uiterlijk", "Due"),
    "incident": ("Incident", "Incident"),
    "state": ("Staat", "State"),
    "title": ("Titel", "Title"),
    "title_help": (
        "Een korte naam die iedereen herkent, bijv. ‘Ransomware op het EPD’.",
        "A short name everyone recognises, e.g. ‘Ransomware on the EHR’.",
    ),
    "summary": ("Samenvatting", "Summary"),
    "summary_help": (
        "Wat is er gebeurd, voor zover nu bekend? Dit blijft intern.",
        "What happened, as far as known now? This stays internal.",
    ),
    "detected_at": ("Ontdekt op", "Detected at"),
    "detected_at_help": (
        "Wanneer iemand in de organisatie het voor het eerst zag (tijd in de tijdzone van de organisatie).",
        "When someone in the organisation first saw it (time in the organisation's zone).",
    ),
    "facts": ("Feiten", "Facts"),
    "facts_help": (
        "Eén keer invullen; alle meldingen van beide regelingen gebruiken deze feiten. Leeg laten mag.",
        "Enter once; every report of both regimes uses these facts. Leaving a field empty is fine.",
    ),
    "assessment": ("Beoordeling", "Assessment"),
    "significant_q": ("Is dit een significant incident (Cbw / NIS2)?", "Is this a significant incident (Cbw / NIS2)?"),
    "significant_help": (
        "Significant: ernstige verstoring van de dienst of financiële schade, of aanzienlijke materiële of immateriële schade voor anderen (NIS2 art. 23(3)). Bij twijfel: ‘nog onbekend’; de hulp bij de beoordeling op de incidentpagina stelt de vragen van de drempels.",
        "Significant: severe disruption of the service or financial loss, or considerable material or non-material damage to others (NIS2 art. 23(3)). If unsure: ‘not known yet’; the significance assistant on the incident page asks the threshold questions.",
    ),
    "breach_q": ("Gaat het om een datalek met persoonsgegevens (AVG)?", "Is personal data breached (GDPR)?"),
    "breach_help": (
        "Kies het risico voor betrokkenen: geen risico (alleen registreren), risico (melden aan de AP binnen 72 uur) of hoog risico (ook betrokkenen informeren).",
        "Choose the risk to data subjects: no risk (register only), risk (notify the AP within 72 hours) or high risk (also inform the data subjects).",
    ),
    "unknown_yet": ("Nog onbekend", "Not known yet"),
    "yes": ("Ja", "Yes"),
    "no": ("Nee", "No"),
    "risk_none": ("Datalek, geen risico", "Breach, no risk"),
    "risk_risk": ("Datalek met risico", "Breach with risk"),
    "risk_high": ("Datalek met hoog risico", "Breach with high risk"),
    "aware_at": ("Moment van kennisname", "Moment of awareness"),
    "rules_version": (
        "Regels: versie {version}, geldig vanaf {applies_from}",
        "Rules: version {version}, in force from {applies_from}",
    ),
    "waits_for": ("Nog geen datum", "No date yet"),
    "aware_at_help": (
        "Vanaf dit moment lopen de wettelijke termijnen (24 uur, 72 uur).",
        "The legal deadlines (24 hours, 72 hours) run from this moment.",
    ),
    "reasoning": ("Onderbouwing", "Reasoning"),
    "reasoning_help": (
        "Waarom deze beoordeling? Dit komt in het auditspoor en het register.",
        "Why this assessment? It goes into the audit trail and the register.",
    ),
    "create": ("Vastleggen", "Log incident"),
    "form_errors": (
        "Het formulier is niet opgeslagen; zie de meldingen bij de velden.",
        "The form was not saved; see the messages next to the fields.",
    ),
    "required": ("verplicht", "required"),
    "tracks": ("Meldplichten", "Reporting duties"),
    "deadlines": ("Termijnen", "Deadlines"),
    "reports": ("Meldingen", "Reports"),
    "copy": ("Kopiëren", "Copy"),
    "export_json": ("Gestructureerd verslag (JSON) voor het portaal", "Structured report (JSON) for the portal"),
    "copied": ("Gekopieerd", "Copied"),
    # Paste-ready drafts (the report card) and time entry that cannot silently fail (issue 17, sections 3 and 4).
    "copy_all_text": ("Kopieer hele melding als tekst", "Copy the whole report as text"),
    # The accessible name starts with the visible "Kopiëren" (WCAG 2.5.3 label in name).
    "copy_field": ("Kopiëren: {label}", "Copy {label}"),
    "paste_fields": (
        "Per vraag van het formulier, als platte tekst (zonder opmaak) om te plakken",
        "Per question of the form, as plain text (no formatting) to paste",
    ),
    "open_form": ("Naar het formulier: {name}", "To the form: {name}"),
    "print_report": ("Afdrukken", "Print"),
    "pdf_report": ("PDF", "PDF"),
    "pdf_unavailable": (
        "PDF niet beschikbaar: het lettertype DejaVu Sans ontbreekt op de server. Gebruik Afdrukken.",
        "PDF unavailable: the DejaVu Sans font is missing on the server. Use Print.",
    ),
    "now_button": ("Nu", "Now"),
    "now_button_help": ("Vul de huidige tijd in", "Fill in the current time"),
    "offered_from": (
        "Overgenomen van {source}; pas aan als het anders is.",
        "Taken from {source}; change it if it differs.",
    ),
    "missing_fields": ("Ontbreekt", "Missing"),
    "present_fields": ("Aanwezig", "Present"),
    "confirm_submitted": ("Bevestig: ingediend", "Confirm submitted"),
    "submitted_at": ("Ingediend op", "Submitted at"),
    "reference": ("Kenmerk van de ontvanger", "Recipient's reference"),
    "delay_reason": ("Reden van vertraging", "Reason for the delay"),
    "delay_reason_help": (
        "De termijn is verstreken; geef de reden (AVG art. 33(1)).",
        "The deadline has passed; give the reason (GDPR art. 33(1)).",
    ),
    "ack_missing": ("Ik weet dat er velden ontbreken en dien toch in", "I know fields are missing and file anyway"),
    "ack_missing_error": (
        "Vink aan dat u weet dat er velden ontbreken, of vul ze eerst in.",
        "Tick that you know fields are missing, or fill them in first.",
    ),
    "declare": ("Beoordelen", "Assess"),
    "declare_breach": ("Datalek beoordelen", "Assess the breach"),
    "risk": ("Risico voor betrokkenen", "Risk to data subjects"),
    "intermediate_request": ("Verzoek om tussentijds verslag", "Request for an intermediate report"),
    "requested_by": ("Verzocht door", "Requested by"),
    # The AVG track (issue 12): the processor's clock, risk revisions, art. 34(3) exceptions, art. 34(4) demands.
    "warnings": ("Let op", "Please check"),
    "warning_aware_after_processor_informed": (
        "{processor} heeft ons op {informed_at} ingelicht, vóór het ingevoerde moment van kennisname ({aware_at}). In beginsel waren we vanaf dan op de hoogte (EDPB-richtsnoeren 9/2022); de termijn is niet verschoven. Corrigeer het moment of leg uit waarom het later ligt.",
        "{processor} informed us at {informed_at}, before the awareness time entered ({aware_at}). In principle we were aware from then on (EDPB Guidelines 9/2022); the deadline has not been moved. Correct the time or explain why it is later.",
    ),
    "awareness_reasoning": ("Waarom later dan de melding van de verwerker?", "Why later than the processor's notice?"),
    "awareness_reasoning_help": (
        "Alleen nodig als een verwerker ons eerder inlichtte dan het moment van kennisname hierboven.",
        "Only needed when a processor informed us before the moment of awareness above.",
    ),
    "missing_awareness_reasoning": (
        "Verplicht: {processor} heeft ons op {informed_at} ingelicht, vóór dit moment van kennisname. Leg uit waarom het later ligt, of corrigeer het moment.",
        "Required: {processor} informed us at {informed_at}, before this moment of awareness. Explain why it is later, or correct the time.",
    ),
    "revise_risk": ("Risico opnieuw beoordelen", "Revise the risk"),
    "revise_risk_help": (
        "Een herbeoordeling naar hoog risico maakt de mededeling aan betrokkenen nodig (streefdatum); naar geen risico vóór de melding: alleen registreren.",
        "A revision to high risk makes the communication to data subjects due (a target); to no risk before notifying: register only.",
    ),
    "subjects_not_informed": ("Betrokkenen niet informeren (art. 34(3))", "Not informing data subjects (art. 34(3))"),
    "exception": ("Uitzondering", "Exception"),
    "exception_unintelligible": (
        "Gegevens onbegrijpelijk voor anderen, bijv. versleuteld (art. 34(3)(a))",
        "Data unintelligible to others, e.g. encrypted (art. 34(3)(a))",
    ),
    "exception_subsequent_measures": (
        "Latere maatregelen nemen het hoge risico weg (art. 34(3)(b))",
        "Subsequent measures removed the high risk (art. 34(3)(b))",
    ),
    "exception_disproportionate_effort": (
        "Onevenredige inspanning: openbare mededeling in plaats daarvan (art. 34(3)(c))",
        "Disproportionate effort: a public communication instead (art. 34(3)(c))",
    ),
    "public_communication_at": ("Openbare mededeling gedaan op", "Public communication made at"),
    "public_communication_help": (
        "Verplicht bij onevenredige inspanning (art. 34(3)(c)).",
        "Required for disproportionate effort (art. 34(3)(c)).",
    ),
    "missing_delay_reason": (
        "De termijn voor ‘{stage_title}’ is verstreken op {due}: geef bij een te late indiening de reden van de vertraging.",
        "The deadline for the {stage_title} passed at {due}: a late submission must give the reason for the delay.",
    ),
    "missing_public_communication_at": (
        "Verplicht: bij onevenredige inspanning komt er een openbare mededeling (AVG art. 34(3)(c)); geef aan wanneer.",
        "Required: disproportionate effort means a public communication instead (GDPR art. 34(3)(c)); give when it was made.",
    ),
    "ap_demand": (
        "Eis van de AP om betrokkenen te informeren (art. 34(4))",
        "AP demands the data subjects be informed (art. 34(4))",
    ),
    "ap_reference": ("Kenmerk van de AP", "The AP's reference"),
    "target": ("streefdatum", "target"),
    "target_help": (
        "Eigen streefdatum van de organisatie voor ‘zonder onredelijke vertraging’; geen wettelijke termijn.",
        "The organisation's own target for ‘without undue delay’; not a legal deadline.",
    ),
    "record": ("Vastleggen", "Record"),
    "resolve": ("Incident opgelost", "Incident resolved"),
    "resolved_at": ("Opgelost op", "Resolved at"),
    "audit_trail": ("Auditspoor", "Audit trail"),
    "when": ("Wanneer", "When"),
    "who": ("Wie", "Who"),
    "what": ("Wat", "What"),
    "requests": ("Verzoeken", "Requests"),
    "processors": ("Verwerkers", "Processors"),
    "products": ("Producten", "Products"),
    "products_intro": (
        "Producten met digitale elementen die u op de markt aanbiedt. Een melding onder de Cyberweerbaarheidsverordening noemt het product en de lidstaten waar het wordt aangeboden.",
        "Products with digital elements you make available on the market. A report under the Cyber Resilience Act names the product and the member states where it is made available.",
    ),
    "no_products": ("Nog geen producten vastgelegd.", "No products recorded yet."),
    "version": ("Versie", "Version"),
    "member_states": ("Lidstaten waar het product wordt aangeboden", "Member states where it is made available"),
    "member_states_help": ("EU- en EER-lidstaten.", "EU and EEA member states."),
    "choose_member_state": ("kies minstens één lidstaat", "choose at least one member state"),
    "product_exists": (
        "dit product staat met deze versie al in het register",
        "the register has this product with this version already",
    ),
    "remove": ("Verwijderen", "Remove"),
    "product_text": (
        "{name}, versie {version}; aangeboden in {states}",
        "{name}, version {version}; made available in {states}",
    ),
    "processor_requests": ("Verzoeken aan verwerkers en antwoorden", "Processor requests and answers"),
    "answered": ("Beantwoord", "Answered"),
    "waiting": ("Wacht op antwoord", "Waiting for an answer"),
    "level": ("Niveau", "Level"),
    # The processor's chase on the incident page and its public reply page (notifier/web/reply.py, issue 17).
    "processor_next_step": ("Escaleert naar niveau {level} op {at}", "Escalates to level {level} at {at}"),
    "processor_remark": ("Opmerking", "Remark"),
    "processor_applied": ("overgenomen", "applied"),
    "processor_kept_ours": ("niet overgenomen: al ingevuld", "not applied: already filled in"),
    "reply_title": ("Informatieverzoek van {organisation}", "Information request from {organisation}"),
    "reply_intro": (
        "{organisation} moet als verwerkingsverantwoordelijke het incident “{incident}” tijdig melden en vraagt {processor} daarvoor om de gegevens hieronder. Vul in wat u weet; lege velden worden overgeslagen.",
        "As controller, {organisation} must report the incident “{incident}” in time and asks {processor} for the information below. Fill in what you know; empty fields are skipped.",
    ),
    "reply_needed_by": ("Wij hebben uw antwoord nodig vóór {at}.", "We need your answer before {at}."),
    "reply_contact": ("Vragen over dit verzoek? Neem contact op met", "Questions about this request? Contact"),
    "reply_phone": ("tel.", "phone"),
    "reply_remark": ("Opmerking", "Remark"),
    "reply_remark_help": (
        "Wat u ons verder wilt laten weten, bijvoorbeeld wat u nog uitzoekt en wanneer u meer weet.",
        "Anything else you want us to know, for example what you are still investigating and when you expect to know more.",
    ),
    "reply_send": ("Versturen", "Send"),
    "reply_nothing_asked": (
        "Er worden geen gegevens gevraagd; bevestig graag wanneer u van het incident op de hoogte was.",
        "Nothing is missing; please confirm when you became aware of the incident.",
    ),
    "reply_check_fields": ("Controleer de gemarkeerde velden.", "Please check the marked fields."),
    "reply_fill_one": ("Vul ten minste één veld in.", "Fill in at least one field."),
    "reply_invalid_value": ("Ongeldige waarde", "Invalid value"),
    "reply_not_asked": ("Niet gevraagd op deze pagina", "Not asked on this page"),
    "reply_yes": ("ja", "yes"),
    "reply_no": ("nee", "no"),
    "reply_choose": ("(kies)", "(choose)"),
    "reply_hint_datetime": (
        "datum en tijd met tijdzone, bijv. 2026-11-23T09:30+01:00",
        "date and time with its UTC offset, e.g. 2026-11-23T09:30+01:00",
    ),
    "reply_hint_multichoice": ("vink aan wat van toepassing is", "tick all that apply"),
    "reply_other_language": ("English", "Nederlands"),
    "reply_invalid_title": ("Ongeldige link", "Invalid link"),
    "reply_gone_title": ("Link niet meer geldig", "Link no longer valid"),
    "reply_expired_title": ("Link verlopen", "Link expired"),
    "reply_too_large_title": ("Te groot", "Too large"),
    "reply_thanks_title": ("Dank u", "Thank you"),
    "reply_notice_expired": (
        "Deze link is verlopen. Neem contact op met de afzender voor een nieuwe link.",
        "This link has expired; ask the sender for a new one.",
    ),
    "reply_notice_altered": ("Deze link is ongeldig of gewijzigd.", "This is an invalid link, or it was altered."),
    "reply_notice_unknown": ("Onbekend verzoek: deze link is ongeldig.", "Unknown request: an invalid link."),
    "reply_notice_superseded": (
        "Deze link is niet meer geldig: het verzoek is doorgezet naar een ander contact, dat een eigen link kreeg.",
        "This link is no longer valid: the request was passed on to another contact, who received a link of their own.",
    ),
    "reply_notice_closed": (
        "Deze link is niet meer geldig: het incident is gesloten en er worden geen gegevens meer gevraagd.",
        "This link is no longer valid: the incident is closed and nothing more is asked.",
    ),
    "reply_notice_too_large": ("Te veel tekst: verstuur minder tekst.", "Too much text: please send less."),
    "reply_notice_received": ("Uw antwoord is ontvangen. Dank u wel.", "Your answer was received. Thank you."),
    "organisation": ("Organisatie", "Organisation"),
    "classification": ("Classificatie", "Classification"),
    "contacts": ("Contactpersonen", "Contacts"),
    "users": ("Gebruikers", "Users"),
    "sources": ("SIEM-bronnen", "SIEM sources"),
    "add": ("Toevoegen", "Add"),
    "saved": ("Opgeslagen.", "Saved."),
    "forbidden": ("Geen toegang", "Not allowed"),
    "forbidden_role": ("Uw rol mag dit niet.", "Your role may not do this."),
    "forbidden_csrf": (
        "Het formulier is verlopen of niet van deze site (CSRF). Laad de pagina opnieuw en probeer het nog eens.",
        "The form has expired or did not come from this site (CSRF). Reload the page and try again.",
    ),
    "no_org": (
        "Nog geen organisatieprofiel: een beheerder vult het in onder Instellingen.",
        "No organisation profile yet: an administrator fills it in under Settings.",
    ),
    "timeline": ("Tijdlijn", "Timeline"),
    "now": ("nu", "now"),
    "awareness": ("kennisname", "awareness"),
    "none": ("geen", "none"),
    "filed": ("Ingediend", "Filed"),
    "print": ("Afdrukken", "Print"),
    "view": ("Bekijken", "View"),
    "open_report": (
        "Tekst van de melding tonen (per vraag te kopiëren)",
        "Show the report text (copy it question by question)",
    ),
    "not_applicable": ("Niet (meer) van toepassing", "Not (or no longer) applicable"),
    "inconsistencies": ("Tegenstrijdigheden tussen ingediende meldingen", "Inconsistencies between filed reports"),
    "kvk": ("KvK-nummer", "Chamber of Commerce number"),
    "sector": ("Sector", "Sector"),
    "entity_type": ("Soort entiteit", "Entity type"),
    "staff_count": ("Aantal medewerkers", "Staff count"),
    "turnover": ("Jaaromzet (EUR)", "Annual turnover (EUR)"),
    "balance": ("Balanstotaal (EUR)", "Balance sheet total (EUR)"),
    "trust_service": (
        "Verleent (ook) vertrouwensdiensten; niet gezegd of ze gekwalificeerd zijn (dan streng gelezen: gekwalificeerd). Kies liever de soort entiteit.",
        "Also provides trust services; not said whether qualified (then read strictly: qualified). Prefer choosing the entity type.",
    ),
    "cer_critical_entity": (
        "Kritieke entiteit onder de CER-richtlijn / Wwke (essentieel, ongeacht de omvang)",
        "Critical entity under the CER Directive / Wwke (essential regardless of size)",
    ),
    "timezone": ("Tijdzone", "Time zone"),
    "phone": ("Telefoon", "Phone"),
    "address": ("Adres (gevraagd door het NCSC- en het AP-formulier)", "Address (asked by the NCSC and AP forms)"),
    "street": ("Straat en huisnummer", "Street and house number"),
    "postcode": ("Postcode", "Postcode"),
    "city": ("Plaats", "City"),
    "dpo_registered_with_ap": (
        "De functionaris gegevensbescherming is aangemeld bij de AP",
        "The data protection officer is registered with the AP",
    ),
    "dpo_ap_registration_number": ("Registratienummer van de FG bij de AP", "The AP's registration number of the DPO"),
    "financial_and_products": (
        "Financiële sector en producten (DORA, CRA)",
        "Financial sector and products (DORA, CRA)",
    ),
    "dora_entity_type": (
        "Financiële entiteit onder DORA (dan het DORA-spoor in plaats van de Cbw)",
        "Financial entity under DORA (then the DORA track instead of the Cbw)",
    ),
    "not_financial": ("Geen financiële entiteit", "Not a financial entity"),
    "lei": ("LEI (Legal Entity Identifier, 20 tekens)", "LEI (Legal Entity Identifier, 20 characters)"),
    "country": (
        "Lidstaat (feestdagen voor de DORA-termijnen)",
        "Member state (public holidays for DORA's time limits)",
    ),
    "dora_no_weekend_extension": (
        "Essentiële of belangrijke entiteit onder NIS2 art. 3, of zo aangewezen door de toezichthouder: geen uitstel naar de volgende werkdag voor de eerste melding en de tussentijdse rapportage (2025/301 art. 5(5) en (6))",
        "Essential or important entity under NIS2 art. 3, or so designated by the supervisor: no extension to the next working day for the initial notification and intermediate report (2025/301 art. 5(5) and (6))",
    ),
    "cra_manufacturer": (
        "Fabrikant van producten met digitale elementen (meldplicht CRA art. 14)",
        "Manufacturer of products with digital elements (CRA art. 14 reports)",
    ),
    "job_title": ("Functie", "Job title"),
    "availability": ("Bereikbaarheid", "Availability"),
    "notification_term": ("Meldtermijn van de verwerker (uren)", "Processor's notification term (hours)"),
    "escalation": ("Escalatieladder", "Escalation ladder"),
    "token": ("Token", "Token"),
    "new_token": ("Nieuw token maken", "Create a new token"),
    "token_shown_once": (
        "Bewaar dit token nu; het wordt niet nog eens getoond:",
        "Keep this token now; it is not shown again:",
    ),
    "reset_totp": ("Tweestapsverificatie opnieuw instellen", "Reset two-factor authentication"),
    "stage": ("Fase", "Stage"),
    "current_password": ("Huidig wachtwoord", "Current password"),
    "new_password": ("Nieuw wachtwoord", "New password"),
    "not_found": ("Niet gevonden", "Not found"),
    "refused": ("Niet verwerkt", "Not accepted"),
    "refused_text": (
        "Het verzoek bevatte een waarde die niet klopt; er is niets opgeslagen. Ga terug en probeer het opnieuw.",
        "The request held a value that is not valid; nothing was saved. Go back and try again.",
    ),
    "not_found_text": (
        "Deze pagina of dit incident bestaat niet (meer).",
        "This page or incident does not exist (any more).",
    ),
    "provisional": ("voorlopig", "provisional"),
    "provisional_help": (
        "Berekend vanaf een andere termijn; definitief zodra de vorige melding is ingediend.",
        "Computed from another deadline; final once the previous report is filed.",
    ),
    "class_essential": ("essentiële entiteit", "essential entity"),
    "class_important": ("belangrijke entiteit", "important entity"),
    "class_not_covered": ("valt niet onder de Cbw", "not covered by the Cbw"),
    "proposal": ("Voorstel", "Proposal"),
    "decision": ("Besluit", "Decision"),
    "agree": ("Eens met het voorstel", "Agree with the proposal"),
    "disagree": ("Oneens: het tegendeel (onderbouwing verplicht)", "Disagree: the opposite (reasoning required)"),
    "assess": ("Voorstel berekenen", "Compute the proposal"),
    "no_processors_linked": ("Geen verwerkers betrokken.", "No processors involved."),
}


MESSAGES.update(RECORD_MESSAGES)  # notifier/web/i18n_records.py
MESSAGES.update(REFUSAL_MESSAGES)  # notifier/web/i18n_refusals.py

# The incident's own states; a track's states are labelled in its workflow file (workflows/*.yaml).
STATES: dict[str, tuple[str, str]] = {
    "triage": ("triage", "triage"),
    "open": ("open", "open"),
    "resolved": ("opgelost", "resolved"),
    "closed": ("afgesloten", "closed"),
    "merged": ("samengevoegd", "merged"),
}


def pick(pair: tuple[str, str], lang: str) -> str:
    """The Dutch or the English of a (nl, en) pair (the choice itself: notifier/i18n.py)."""
    return i18n.pick(lang, *pair)


def state_label(state: str, lang: str) -> str:
    pair = STATES.get(state)
    return state.replace("_", " ") if pair is None else pick(pair, lang)


def t(key: str, lang: str) -> str:
    pair = MESSAGES.get(key)
    return key if pair is None else pick(pair, lang)


def from_browser(header: str | None) -> str:
    """The first of nl/en in Accept-Language by quality; Dutch when the browser names neither."""
    best, best_q = "nl", -1.0
    for part in (header or "").split(","):
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower()[:2]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if code in LANGUAGES and q > best_q:
            best, best_q = code, q
    return best


def language_for(request: Request, user: User | None) -> str:
    if user is not None and user.language in LANGUAGES:
        return user.language
    return from_browser(request.headers.get("accept-language"))
