"""Log an incident, and the incident page: facts, both regime tracks, report drafts, confirmations, audit trail.

Every change goes through the existing services (lifecycle.events.apply_event, submissions.facts.update,
processors.service.link); a refused input re-renders the page with the input kept and the message at the field.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlmodel import Session, select

from notifier import clock
from notifier.accounts.passwords import actor
from notifier.accounts.roles import at_least
from notifier.audit.models import AuditRecord
from notifier.errors import Conflict, FieldProblem, NotFound
from notifier.incidents import creation
from notifier.incidents import service as incidents
from notifier.incidents.models import Incident
from notifier.incidents.state_machine import TransitionNotAllowed
from notifier.lifecycle import events as lifecycle
from notifier.lifecycle import views
from notifier.organisation import service as organisation
from notifier.processors import service as processors
from notifier.products import service as product_register
from notifier.submissions import completeness, exports, facts, ledger
from notifier.submissions.field_labels import field_label
from notifier.submissions.present import load_labels
from notifier.web import board, event_forms, flash, processor_answers
from notifier.web.assistant_panel import state as assistant_state
from notifier.web.audit_words import describe as audit_line
from notifier.web.auth import FormDep, OfficerDep, Viewer, ViewerDep
from notifier.web.forms import (
    REQUIRED,
    FormErrors,
    event_from_form,
    fact_changes,
    fact_form_values,
    local_input,
    local_seconds,
    parse_local,
)
from notifier.web.i18n import MESSAGES, pick, t
from notifier.web.refusals import refusal, said_params
from notifier.web.render import render, see_other
from notifier.workflow.schema import Workflow

from notifier.deps import ContextDep, SessionDep  # isort: skip

router = APIRouter(include_in_schema=False)
# Facts asked for when an incident is logged: what the first reports (early warning, AP notification) need.
FIRST_FACTS = (
    "started_at",
    "incident_type",
    "nature",
    "malicious_suspected",
    "cross_border_possible",
    "severity",
    "impact",
    "affected_services",
    "data_categories",
    "subjects_min",
    "subjects_max",
)
FACT_HELP: dict[str, tuple[str, str]] = {
    "started_at": (
        "Wanneer begon het (vermoedelijk)? Mag een schatting zijn.",
        "When did it (probably) start? An estimate is fine.",
    ),
    "nature": (
        "Wat is er aan de hand, en hoe groot is het? In gewone taal.",
        "What is going on, and how big is it? In plain words.",
    ),
    "malicious_suspected": (
        "Vermoedt u een aanval of andere opzettelijke handeling?",
        "Do you suspect an attack or other deliberate act?",
    ),
    "cross_border_possible": (
        "Kan het diensten of mensen in andere EU-landen raken?",
        "Could it affect services or people in other EU countries?",
    ),
    "impact": ("Wie of wat merkt er iets van, en hoe erg?", "Who or what is affected, and how badly?"),
    "data_categories": ("Bijv. naam, adres, BSN, medische gegevens.", "E.g. name, address, national ID, medical data."),
    "subjects_min": (
        "Hoeveel mensen zijn minstens getroffen? Een schatting mag.",
        "At least how many people are affected? An estimate is fine.",
    ),
    "indicators": (
        "IP-adressen, domeinen, hashes: wat anderen helpt het te herkennen.",
        "IP addresses, domains, hashes: what helps others spot it.",
    ),
    "measures_taken": (
        "Wat heeft u al gedaan om het te stoppen of te beperken?",
        "What have you done already to stop or contain it?",
    ),
}


@dataclass
class FactField:
    key: str
    name: str
    type: str
    label: str
    help: str
    choices: list[tuple[str, str]]


def _fact_fields(
    ctx: Any,
    lang: str,
    keys: tuple[str, ...] | None = None,
    asked: set[str] | None = None,
    regimes: set[str] | None = None,
) -> list[FactField]:
    """The facts form; `asked`: what the incident's declared duties ask, which facts marked only_when_asked need;
    with `regimes`, only the facts an incident under them has (facts.for_incident)."""
    labels = load_labels(ctx.templates_dir)
    catalogue = ctx.registry.facts if regimes is None else facts.for_incident(ctx.registry.facts, regimes)
    out = []
    for key, fact in catalogue.items():
        if keys is not None and key not in keys:
            continue
        if fact.only_when_asked and key not in (asked or set()):
            continue
        choices = [(c, labels.choice(key, c, lang)) for c in fact.choices or []]
        help_pair = FACT_HELP.get(key)
        out.append(
            FactField(
                key=key,
                name="fact_" + key,
                type=fact.type,
                label=fact.label.get(lang),
                help=pick(help_pair, lang) if help_pair else "",
                choices=choices,
            )
        )
    if keys is not None:
        out.sort(key=lambda f: keys.index(f.key))
    return out


def _asked(ctx: Any, tracks: list) -> set[str]:
    """Every fact a stage of the incident's declared duties can ask for."""
    asked: set[str] = set()
    for tr in tracks:
        wf = ctx.registry.workflows.get(tr.regime)
        if wf is not None and tr.aware_at is not None:
            for stage in wf.stages.values():
                asked.update(stage.every_field())
    return asked


# --- log an incident -------------------------------------------------------------------------------------------


def _new_page(request: Request, session: Session, ctx: Any, viewer: Viewer, values: dict, errors: dict, status=200):
    return render(
        request,
        "incident_new.html.j2",
        viewer=viewer,
        values=values,
        errors=errors,
        fact_fields=_fact_fields(ctx, viewer.lang, FIRST_FACTS),
        creation=event_forms.creation_questions(ctx.registry, viewer.lang),
        status_code=status,
        now_local=local_input(clock.now(), ctx.zone(session)),
        now_seconds=local_seconds(clock.now(), ctx.zone(session)),
    )


@router.get("/incidents/new")
def new_incident(request: Request, session: SessionDep, ctx: ContextDep, viewer: OfficerDep):
    return _new_page(request, session, ctx, viewer, {}, {})


def _collect(errors: dict[str, str], fn, *args, prefix: str = "", **kwargs):  # noqa: ANN001, ANN202
    try:
        return fn(*args, **kwargs)
    except FormErrors as exc:
        errors.update({prefix + k: v for k, v in exc.errors.items()})
    except FieldProblem as exc:
        errors[prefix + exc.field] = exc.message
    return None


@router.post("/incidents/new")
def create_incident(request: Request, session: SessionDep, ctx: ContextDep, viewer: OfficerDep, form: FormDep):
    zone, who, models = ctx.zone(session), actor(viewer.user), ctx.registry.event_models
    errors: dict[str, str] = {}
    title, summary = form.get("title", "").strip(), form.get("summary", "").strip()
    if not title:
        errors["title"] = REQUIRED[viewer.lang]
    elif len(title) > 300:
        errors["title"] = t("form_too_long", viewer.lang).format(n=300)
    detected_at = _collect(errors, parse_local, "detected_at", form.get("detected_at"), zone, lang=viewer.lang)
    changes = _collect(errors, fact_changes, ctx.registry.facts, form, zone, viewer.lang) or {}
    events = []
    for wf in ctx.registry.ordered:
        if wf.creation is None:
            continue
        answer = next((a for a in wf.creation.answers if a.value == form.get(wf.creation.name, "")), None)
        if answer is None:  # not known yet
            continue
        kind, prefix = wf.event_type(answer.event), f"{wf.regime}_"
        data = {name: form.get(prefix + name, "") for name in wf.creation.fields} | answer.sets
        ev = _collect(errors, event_from_form, models[kind], data, zone, kind, viewer.lang, prefix=prefix)
        events.append((wf, ev))
    if not errors:
        declaring = None  # the workflow whose event a refusal below is about
        try:
            incident = creation.open_one(session, title=title, summary=summary, detected_at=detected_at, actor=who)
            if changes:
                facts.update(session, incident=incident, catalogue=ctx.registry.facts, changes=changes, actor=who)
            for declaring, ev in events:  # noqa: B007 (read after the loop when an event is refused)
                lifecycle.apply_event(session, ctx, incident=incident, event=ev, actor=who)
            flash.put(request, t("done_incident", viewer.lang).format(id=incident.id))
            return see_other(f"/incidents/{incident.id}")
        except FieldProblem as exc:
            session.rollback()
            errors[_new_form_field(exc.field, declaring)] = _message(exc, viewer.lang, session, ctx)
        except (Conflict, TransitionNotAllowed) as exc:
            session.rollback()
            errors["form"] = refusal(exc, viewer.lang, ctx.zone(session), ctx.registry)
    return _new_page(request, session, ctx, viewer, form, errors, status=422)


def _new_form_field(field: str, declaring: Workflow | None) -> str:
    """The new-incident form's name of a field a service refused: the page's own, the declaring event's
    ("<regime>_<field>"), else a fact's."""
    if field in {"title", "summary", "detected_at"}:
        return field
    if declaring is not None and declaring.creation is not None and field in declaring.creation.fields:
        return f"{declaring.regime}_{field}"
    return "fact_" + field


# --- the incident page -----------------------------------------------------------------------------------------


@dataclass
class StageView:
    regime: str
    stage: str
    title: str
    key: str
    deadline: board.DeadlineRow | None
    draft: Any
    missing_labels: list[str]
    missing_links: list[tuple[str, str]]  # (label, where it is filled in): a fact's field, the profile, the facts
    present_labels: list[str]
    recipients: list[dict]
    late: bool
    late_requires: list[str]
    export_url: str | None = None  # the stage's structured export (submissions/exports.py), if it has one
    # (url, recipient) of the recipients' web forms, for the report card's links
    forms: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    optional: bool = False  # an action the officer may take (the workflow's `optional`), not a duty

    @property
    def anchor(self) -> str:
        return f"report-{self.regime}-{self.stage}"


def _submittable(wf: Workflow, state: str) -> list[str]:
    """Stages the state machine accepts a submission of in this track state, in workflow order."""
    allowed: set[str] = set()
    for tr in wf.track.transitions:
        if state in tr.from_ and wf.track.events[tr.event].submission:
            allowed.update(tr.when.get("stage", list(wf.stages)))
    return [s for s in wf.stages if s in allowed]


def _forms(recipients: list) -> list[tuple[str, str]]:
    """One link per web form: recipients reached through the same form (a CSIRT and its authority) share it."""
    seen: dict[str, str] = {}
    for r in recipients:
        if r.url and r.url not in seen:
            seen[r.url] = r.name
    return list(seen.items())


def _stage_views(
    session: Session, ctx: Any, incident: Incident, rows: list[board.DeadlineRow], lang: str
) -> list[StageView]:
    """The report cards of every track, what is due first first (over all regimes: the 24 h early warning before
    the 72 h AP notification); stages without a deadline, and the optional actions, after them."""
    tracks = {tr.regime: tr for tr in incidents.tracks(session, incident.id)}
    now = clock.now()
    conditions = organisation.conditions(organisation.get(session))
    views_: list[StageView] = []
    for regime, wf in ctx.registry.workflows.items():
        track = tracks.get(regime)
        state = track.state if track else wf.track.initial
        declaration = track.declaration if track else {}
        for stage in _submittable(wf, state):
            pending = [r for r in rows if r.regime == regime and r.stage == stage and r.submitted_at is None]
            deadline = pending[0] if pending else None
            demanded = wf.stages[stage].requested and deadline is not None  # e.g. the AP demands it (art. 34(4))
            if not demanded and not wf.stages[stage].applies(declaration, conditions, stage):
                continue  # e.g. the art. 34 communication only when the risk is high, and not once an exception holds
            if wf.stages[stage].due is not None and wf.stages[stage].due.from_ == "request" and deadline is None:
                continue  # an intermediate report waits for a request
            draft = ledger.draft(session, ctx, incident=incident, regime=regime, stage=stage, language=lang)
            c = draft.context
            # What the confirmation form asks itself (the delay reason of a late filing) is no missing fact.
            missing = [
                (r.label, _filled_at(ctx, r.key))
                for r in c.required
                if not r.present and r.key not in wf.stages[stage].late_requires
            ]
            views_.append(
                StageView(
                    regime=regime,
                    stage=stage,
                    title=wf.stages[stage].title.get(lang),
                    key=f"{regime}.submitted:{stage}",
                    deadline=deadline,
                    draft=draft,
                    # What the confirmation form asks itself (the delay reason of a late filing) is no missing fact.
                    missing_labels=[label for label, _ in missing],
                    missing_links=missing,
                    present_labels=[r.label for r in c.required if r.present],
                    recipients=draft.json.get("recipients", []),
                    late=bool(deadline and deadline.due and deadline.due < now),
                    late_requires=wf.stages[stage].late_requires,
                    export_url=f"/incidents/{incident.id}/reports/{regime}/{stage}.json"
                    if exports.hook(ctx.registry, regime, stage)
                    else None,
                    forms=_forms(c.recipients),
                    optional=wf.stages[stage].optional,
                )
            )
    # A stable sort: between equal due times, and among the stages without one, the regimes' and stages' order.
    views_.sort(
        key=lambda v: (v.optional, v.deadline is None or v.deadline.due is None, v.deadline.due if v.deadline else now)
    )
    return views_


def _next_card(views_: list[StageView], next_row: board.DeadlineRow | None) -> StageView | None:
    """The report card of the earliest unfiled deadline: the next action's draft, recipients and confirm form."""
    if next_row is None:
        return None
    return next((v for v in views_ if v.deadline is next_row), None)


def _filled_at(ctx: Any, key: str) -> str:
    """Where a missing field of a report is filled in: its fact's field, the organisation's profile (a reference such
    as contact.dpo), else the facts form (an export field that several facts fill)."""
    if key in ctx.registry.facts:
        return f"#fact-{key}"
    if "." in key:
        return "/settings"
    return "#facts"


def _processors(session: Session) -> list:
    return processors.list_processors(session)


def incident_page(
    request: Request,
    session: Session,
    ctx: Any,
    viewer: Viewer,
    incident: Incident,
    *,
    errors: dict[str, dict[str, str]] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    status_code: int = 200,
    notice: str | None = None,
):
    zone, now, lang = ctx.zone(session), clock.now(), viewer.lang
    out = views.incident_out(session, ctx, incident)
    rows = board.deadline_rows(session, ctx.registry, incident.id, zone, now, lang)
    audit = session.exec(
        select(AuditRecord).where(AuditRecord.incident_id == incident.id).order_by(AuditRecord.seq.desc())
    ).all()
    fact_values = fact_form_values(incident.facts or {}, ctx.registry.facts, zone)
    allowed = {tr.regime: {e.split("(")[0] for e in tr.allowed_events} for tr in out.tracks}
    products = [
        (str(p.id), event_forms.product_text(p.model_dump(), lang)) for p in product_register.list_products(session)
    ]
    titles = {regime: wf.title.get(lang) for regime, wf in ctx.registry.workflows.items()}
    offers = event_forms.offered_awareness(out.tracks, titles, zone)
    values = values or {}
    fact_fields = _fact_fields(ctx, lang, asked=_asked(ctx, out.tracks), regimes=facts.regimes_of(session, incident))
    # The counter counts what is stored, also when a refused form shows what was typed (every field is posted).
    facts_known = sum(1 for field in fact_fields if fact_values.get(field.name) not in (None, ""))
    if "facts" in values:
        fact_values = values["facts"]
    next_row = board.next_due(rows)
    reports = _stage_views(session, ctx, incident, rows, lang)
    return render(
        request,
        "incident.html.j2",
        viewer=viewer,
        incident=incident,
        out=out,
        rows=rows,
        next=next_row,
        next_card=_next_card(reports, next_row),
        timeline=board.timeline(session, ctx.registry, incident, rows, now, lang, zone),
        reports=reports,
        workflows=ctx.registry.workflows,
        tracks={tr.regime: tr for tr in out.tracks},
        allowed=allowed,
        track_forms={
            tr.regime: event_forms.track_forms(
                ctx.registry.workflows[tr.regime],
                allowed[tr.regime],
                tr.declaration or {},
                lang,
                products,
                offers.get(tr.regime),
            )
            for tr in out.tracks
            if tr.regime in ctx.registry.workflows
        },
        declared={
            tr.regime: event_forms.declared(ctx.registry.workflows[tr.regime], tr.declaration or {}, lang)
            for tr in out.tracks
            if tr.regime in ctx.registry.workflows
        },
        fact_fields=fact_fields,
        fact_values=fact_values,
        facts_known=facts_known,
        fact_labels={field.name: field.label for field in fact_fields},
        filed=ledger.entries(session, incident.id),
        field_label=lambda key: _field_label(ctx, key, lang),
        audit=[audit_line(record, ctx, zone, lang) for record in audit],
        processor_links=processor_answers.links(session, ctx.registry, incident.id, lang),
        processors=_processors(session),
        errors=errors or {},
        values=values,
        # Instants kept in a declaration are ISO strings (JSON); the rest are datetimes.
        when=lambda v: board.when(datetime.fromisoformat(v) if isinstance(v, str) else v, zone, lang),
        now_local=local_input(now, zone),
        now_seconds=local_seconds(now, zone),
        offered={regime: offer.values for regime, offer in offers.items()},
        can_edit=at_least(viewer.role, "officer"),
        assistants=assistant_state(session, ctx.registry, incident.id, load_labels(ctx.templates_dir)),
        notice=notice,
        status_code=status_code,
    )


def _field_label(ctx: Any, key: str, lang: str) -> str:
    """A fact or profile field a filed report lacked, by its label (the ledger keeps the key)."""
    return field_label(ctx.registry, key, lang, labels=load_labels(ctx.templates_dir))


REFUSALS = (FormErrors, FieldProblem, Conflict, TransitionNotAllowed)
PAGE_REFUSAL = "page"  # the errors of no form: said at the top of the incident page


def refused(
    request: Request,
    session: Session,
    ctx: Any,
    viewer: Viewer,
    incident: Incident,
    key: str,
    form: dict,
    exc: Exception,
    field: Callable[[FieldProblem], str] = lambda problem: problem.field,
) -> HTMLResponse:
    """Roll back and show the incident page again, input kept: the problem next to its field (422) or on the
    form (409, the state machine or stored data said no). A refused state change is said at the top of the page:
    the page offers no form for an event its state does not allow (a page opened before the state changed)."""
    session.rollback()
    if isinstance(exc, FormErrors):
        errors, status = exc.errors, 422
    elif isinstance(exc, FieldProblem):
        errors, status = {field(exc): _message(exc, viewer.lang, session, ctx)}, 422
    else:
        errors, status = {"form": refusal(exc, viewer.lang, ctx.zone(session), ctx.registry)}, 409
        if isinstance(exc, TransitionNotAllowed):
            key = PAGE_REFUSAL
    return incident_page(
        request, session, ctx, viewer, incident, errors={key: errors}, values={key: form}, status_code=status
    )


def _message(problem: FieldProblem, lang: str, session: Session, ctx: Any) -> str:
    """A field the workflow requires under a condition, said in the user's language (the catalogue's own sentence
    for the field first, else why in the workflow's words); others as the service says."""
    specific = f"missing_{problem.field}"
    if problem.key == "refused_required_when":
        return t(specific, lang) if specific in MESSAGES else _required_when(ctx, problem.params, lang)
    key = problem.key or specific
    if problem.key is None and problem.kind == "missing" and key not in MESSAGES:
        # A field the workflow requires under a condition the catalogue has no words for: the English page keeps
        # the service's reason, the Dutch one says the field is required rather than print English.
        return pick((t("form_required", lang), problem.message), lang)
    if (problem.key is None and problem.kind != "missing") or key not in MESSAGES:
        return problem.message
    return t(key, lang).format_map(said_params(problem.params, lang, ctx.zone(session)))


def _required_when(ctx: Any, params: dict, lang: str) -> str:
    """Why a field is required (`required_when`): the choice made for the field it depends on, by the labels the
    event form shows them with; the general sentence when the workflow no longer has them."""
    wf = ctx.registry.get(params.get("regime", ""))
    event = wf.track.events.get(params.get("event", "")) if wf is not None else None
    condition = event.fields.get(params.get("condition", "")) if event is not None else None
    value = params.get("value")
    if condition is None or not isinstance(value, str):
        return t("form_required", lang)
    shown = event_forms.form_field(params["condition"], condition, lang)
    chosen = dict(shown.options).get(value, value)
    return t("refused_required_when", lang).format(when=shown.label, value=chosen)


@router.get("/incidents/{incident_id}")
def show(incident_id: int, request: Request, session: SessionDep, ctx: ContextDep, viewer: ViewerDep):
    try:
        incident = incidents.get(session, incident_id)
    except NotFound:
        return render(request, "not_found.html.j2", viewer=viewer, status_code=404)
    return incident_page(request, session, ctx, viewer, incident, notice=flash.take(request))


@router.get("/incidents/{incident_id}/reports/{regime}/{stage}.json")
def export_report(
    incident_id: int, regime: str, stage: str, request: Request, session: SessionDep, ctx: ContextDep, viewer: ViewerDep
):
    """The report card's link: the stage's structured export, as the API answers it (the gaps in the header)."""
    try:
        incident = incidents.get(session, incident_id)
        export = exports.required(session, ctx.registry, incident, regime, stage)
    except NotFound:
        return render(request, "not_found.html.j2", viewer=viewer, status_code=404)
    return JSONResponse(export.document, headers=exports.headers(export, incident_id))


@router.post("/incidents/{incident_id}/facts")
def save_facts(
    incident_id: int, request: Request, session: SessionDep, ctx: ContextDep, viewer: OfficerDep, form: FormDep
):
    incident = incidents.get(session, incident_id)
    zone = ctx.zone(session)
    try:
        changes = fact_changes(ctx.registry.facts, form, zone, viewer.lang)
        before = dict(incident.facts or {})
        after = facts.update(
            session, incident=incident, catalogue=ctx.registry.facts, changes=changes, actor=actor(viewer.user)
        )
    except (FormErrors, FieldProblem) as exc:
        session.rollback()
        errs = (
            exc.errors
            if isinstance(exc, FormErrors)
            else {"fact_" + exc.field: _message(exc, viewer.lang, session, ctx)}
        )
        return incident_page(
            request, session, ctx, viewer, incident, errors={"facts": errs}, values={"facts": form}, status_code=422
        )
    # The form sends every fact: count what differs, not what was sent.
    changed = sum(1 for k in set(before) | set(after) if before.get(k) != after.get(k))
    flash.put(request, t("done_facts", viewer.lang).format(n=changed))
    return see_other(f"/incidents/{incident_id}#facts")


def _form_key(event_type: str, form: dict[str, str]) -> str:
    return f"{event_type}:{form.get('stage')}" if event_type.endswith(".submitted") else event_type


@router.post("/incidents/{incident_id}/events")
def post_event(
    incident_id: int, request: Request, session: SessionDep, ctx: ContextDep, viewer: OfficerDep, form: FormDep
):
    incident = incidents.get(session, incident_id)
    event_type = form.get("type", "")
    models = ctx.registry.event_models
    key = _form_key(event_type, form)
    unknown = _unknown(ctx, event_type, form)
    if unknown is not None:  # a page older than the workflow: it has no form to say this on, so the top says it
        errors = {PAGE_REFUSAL: {"form": t(unknown, viewer.lang)}}
        return incident_page(request, session, ctx, viewer, incident, errors=errors, values={}, status_code=422)
    try:
        if event_type.endswith(".submitted"):
            _check_acknowledged(session, ctx, incident, event_type.partition(".")[0], form, viewer.lang)
        event = event_from_form(models[event_type], form, ctx.zone(session), event_type, viewer.lang)
        lifecycle.apply_event(session, ctx, incident=incident, event=event, actor=actor(viewer.user))
    except REFUSALS as exc:
        return refused(request, session, ctx, viewer, incident, key, form, exc)
    flash.put(request, done(ctx, event_type, form, viewer.lang))
    return see_other(f"/incidents/{incident_id}")


def done(ctx: Any, event_type: str, form: dict[str, str], lang: str) -> str:
    """The confirmation of a recorded event: what was recorded, by the workflow's words; a filing with its
    reference, so the officer sees what the record will show."""
    regime, _, name = event_type.partition(".")
    wf = ctx.registry.get(regime)
    if wf is None:
        return t("done_event", lang).format(what=t("resolve", lang) if event_type == "incident.resolved" else name)
    event = wf.track.events.get(name)
    if event is not None and event.submission:
        stage = wf.stages.get(form.get("stage", ""))
        title = stage.title.get(lang) if stage else form.get("stage", "")
        reference = (form.get("reference") or "").strip()
        if reference:
            return t("done_submitted", lang).format(stage=title, reference=reference)
        return t("done_submitted_no_reference", lang).format(stage=title)
    label = event.label.get(lang) if event is not None and event.label else name
    return t("done_event", lang).format(what=label)


def _unknown(ctx: Any, event_type: str, form: dict[str, str]) -> str | None:
    """The catalogue key of what the event form names that the workflows lack: the event, or a filing's stage."""
    if event_type not in ctx.registry.event_models:
        return "refused_unknown_event"
    regime, _, name = event_type.partition(".")
    wf = ctx.registry.get(regime)
    event = wf.track.events.get(name) if wf is not None else None
    if event is not None and event.submission and form.get("stage", "") not in wf.stages:
        return "refused_unknown_stage"
    return None


def _check_acknowledged(session: Session, ctx: Any, incident: Incident, regime: str, form: dict, lang: str) -> None:
    stage = form.get("stage", "")
    check = completeness.check(session, ctx.registry, incident, regime, stage)
    if check.missing and form.get("ack_missing") != "yes":
        raise FormErrors({"ack_missing": t("ack_missing_error", lang)})


@router.post("/incidents/{incident_id}/processors")
def link_processor(
    incident_id: int, request: Request, session: SessionDep, ctx: ContextDep, viewer: OfficerDep, form: FormDep
):
    incident = incidents.get(session, incident_id)
    zone = ctx.zone(session)
    key = "processor"
    try:
        try:
            processor = processors.get(session, int(form.get("processor_id", "0")))
        except (ValueError, NotFound) as exc:
            raise FieldProblem("processor_id", "choose a processor", key="form_choose") from exc
        processors.link(
            session,
            incident=incident,
            processor=processor,
            processor_aware_at=parse_local(
                "processor_aware_at", form.get("processor_aware_at"), zone, lang=viewer.lang
            ),
            informed_at=parse_local("informed_at", form.get("informed_at"), zone, lang=viewer.lang),
            settings=request.app.state.settings,
            registry=ctx.registry,
            actor=actor(viewer.user),
            now=clock.now(),
        )
    except REFUSALS as exc:
        return refused(request, session, ctx, viewer, incident, key, form, exc)
    flash.put(request, t("done_processor", viewer.lang).format(name=processor.name))
    return see_other(f"/incidents/{incident_id}#processors")
