"""Settings (administrators): organisation profile and contacts, users, processors, SIEM sources."""

from dataclasses import dataclass
from datetime import UTC

from fastapi import APIRouter, Request
from pydantic import BaseModel, ValidationError
from sqlmodel import select

from notifier import clock
from notifier.accounts import memberships, passwords, totp
from notifier.accounts.models import Membership, User
from notifier.accounts.roles import ROLES
from notifier.accounts.users import create_user
from notifier.audit import chain
from notifier.db import after_commit
from notifier.deps import SessionDep
from notifier.errors import Conflict, FieldProblem, NotFound
from notifier.intake import sources
from notifier.intake.adapters import SOURCES
from notifier.intake.models import IntakeSource
from notifier.organisation import service as organisation
from notifier.organisation.classification import DORA_ENTITY_TYPES, ENTITY_TYPES, MEMBER_STATES
from notifier.organisation.models_api import OrganisationIn
from notifier.organisation.roles import CONTACT_ROLES
from notifier.processors import service as processors
from notifier.processors.schemas import ProcessorIn
from notifier.sectors import SECTORS
from notifier.submissions.present import load_labels
from notifier.web.auth import AdminDep, FormDep
from notifier.web.forms import form_int, validation_errors
from notifier.web.i18n import LANGUAGES, t
from notifier.web.refusals import field_errors, refusal
from notifier.web.render import render, see_other

router = APIRouter(prefix="/settings", include_in_schema=False)
CONTACT_PARTS = ("name", "email", "phone", "job_title", "availability")
# The profile's yes/no fields, one checkbox each: an unticked box is absent from the form, so it means False.
CHECKBOXES = (
    "trust_service_provider",
    "cer_critical_entity",
    "dpo_registered_with_ap",
    "dora_no_weekend_extension",
    "cra_manufacturer",
)


def _org_values(session) -> dict[str, str]:  # noqa: ANN001
    org = organisation.get(session)
    if org is None:
        return {"timezone": "Europe/Amsterdam"}
    values = {
        k: ("" if v is None else str(v)) for k, v in org.model_dump(exclude={"id", "updated_at", *CHECKBOXES}).items()
    }
    values |= {name: "yes" if getattr(org, name) else "" for name in CHECKBOXES}
    for c in organisation.contacts(session):
        for part in CONTACT_PARTS:
            values[f"{c.role}_{part}"] = getattr(c, part) or ""
    return values


def _org_page(request: Request, session, viewer, values, errors, status_code=200, saved=False):  # noqa: ANN001

    org = organisation.get(session)
    out = organisation.to_out(org, organisation.contacts(session)) if org else None
    labels = load_labels(request.app.state.settings.templates_dir)
    return render(
        request,
        "settings_organisation.html.j2",
        viewer=viewer,
        values=values,
        errors=errors,
        out=out,
        notices={wf.regime: wf.notice.get(viewer.lang) for wf in request.app.state.registry.ordered if wf.notice},
        sectors=_by_label([(code, labels.choice("sector", code, viewer.lang)) for code in SECTORS]),
        entity_types=[(code, labels.choice("entity_type", code, viewer.lang)) for code in ENTITY_TYPES],
        dora_entity_types=[(code, labels.choice("dora_entity_type", code, viewer.lang)) for code in DORA_ENTITY_TYPES],
        countries=sorted(
            ((code, labels.choice("country", code, viewer.lang)) for code in MEMBER_STATES), key=lambda c: c[1]
        ),
        contact_roles=[(code, labels.role(code, viewer.lang)) for code in CONTACT_ROLES],
        section="organisation",
        saved=saved,
        status_code=status_code,
    )


@router.get("")
def organisation_page(request: Request, session: SessionDep, viewer: AdminDep):
    return _org_page(request, session, viewer, _org_values(session), {}, saved=request.query_params.get("saved") == "1")


def _numbers(form: dict[str, str], fields: tuple[str, ...], lang: str) -> tuple[dict[str, int | None], dict[str, str]]:
    """The form's whole-number fields, and the message for each one that is not a whole number in range."""
    values: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for field in fields:
        try:
            values[field] = form_int(field, form.get(field), lang)
        except FieldProblem as exc:
            errors[field] = exc.message
    return values, errors


@router.post("")
def organisation_save(request: Request, session: SessionDep, viewer: AdminDep, form: FormDep):
    numbers, number_errors = _numbers(form, ("staff_count", "annual_turnover_eur", "balance_sheet_eur"), viewer.lang)
    contacts = []
    for role in CONTACT_ROLES:
        name, email = form.get(f"{role}_name", "").strip(), form.get(f"{role}_email", "").strip()
        if name or email:
            contact = {"name": name, "email": email, "role": role}
            contact |= {part: form.get(f"{role}_{part}") or None for part in ("phone", "job_title", "availability")}
            contacts.append(contact)
    data = {
        "name": form.get("name", "").strip(),
        "kvk_number": form.get("kvk_number", "").strip() or None,
        "sector": form.get("sector", ""),
        "entity_type": form.get("entity_type", ""),
        **numbers,
        **{name: form.get(name) == "yes" for name in CHECKBOXES},
        "timezone": form.get("timezone", "Europe/Amsterdam").strip(),
        "street": form.get("street") or None,
        "postcode": form.get("postcode") or None,
        "city": form.get("city") or None,
        "dpo_ap_registration_number": form.get("dpo_ap_registration_number") or None,
        "dora_entity_type": form.get("dora_entity_type") or None,
        "lei": form.get("lei") or None,
        "country": form.get("country") or "NL",
        "contacts": contacts,
    }
    try:
        body = OrganisationIn.model_validate(data)
    except ValidationError as exc:
        errors = {}
        for key, msg in validation_errors(exc, lang=viewer.lang).items():
            if key.startswith("contacts_"):
                index, _, part = key.removeprefix("contacts_").partition("_")
                key = f"{contacts[int(index)]['role']}_{part or 'name'}" if index.isdigit() else key
            errors[key] = msg
        return _org_page(request, session, viewer, form, {**errors, **number_errors}, status_code=422)
    if number_errors:
        return _org_page(request, session, viewer, form, number_errors, status_code=422)
    organisation.replace(session, data=body, actor=passwords.actor(viewer.user))
    return see_other("/settings?saved=1")


# --- users -----------------------------------------------------------------------------------------------------


def _users_page(request, session, viewer, values, errors, status_code=200):  # noqa: ANN001
    return render(
        request,
        "settings_users.html.j2",
        viewer=viewer,
        users=_members(session, viewer.organisation_id),
        roles=ROLES,
        languages=LANGUAGES,
        values=values,
        errors=errors,
        section="users",
        status_code=status_code,
    )


@router.get("/users")
def users_page(request: Request, session: SessionDep, viewer: AdminDep):
    return _users_page(request, session, viewer, {}, {})


@dataclass(frozen=True)
class _Member:
    id: int
    name: str
    email: str
    role: str
    totp_enabled: bool
    locked_until: object


def _members(session, organisation_id: int) -> list[_Member]:  # noqa: ANN001
    rows = session.exec(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id)
        .order_by(User.email)
    ).all()
    return [_Member(u.id, u.name, u.email, role, u.totp_enabled, u.locked_until) for u, role in rows]


@router.post("/users")
def users_add(request: Request, session: SessionDep, viewer: AdminDep, form: FormDep):
    """A new user with a membership here; an existing account (an MSSP's analyst, a group's CISO) gets the
    membership only, with the password it has."""
    email = form.get("email", "").strip().lower()
    existing = session.exec(select(User).where(User.email == email)).first() if email else None
    try:
        if existing is not None:
            if memberships.role_in(session, existing.id, viewer.organisation_id) is not None:
                raise FieldProblem("email", t("already_member", viewer.lang))
            memberships.grant(
                session,
                user=existing,
                organisation_id=viewer.organisation_id,
                role=form.get("role", ""),
                actor=passwords.actor(viewer.user),
            )
        else:
            create_user(
                session,
                email=email,
                name=form.get("name", ""),
                role=form.get("role", ""),
                password=form.get("password", ""),
                language=form.get("language") or None,
                actor_name=passwords.actor(viewer.user),
                organisation_id=viewer.organisation_id,
            )
    except FieldProblem as exc:
        session.rollback()
        values = {k: v for k, v in form.items() if k != "password"}
        return _users_page(request, session, viewer, values, field_errors(exc, viewer.lang), status_code=422)
    return see_other("/settings/users")


def _only_here(session, user: User, organisation_id: int) -> bool:  # noqa: ANN001
    """Whether the account belongs to this organisation alone: only then may its administrators reset the
    account's second factor or lock (an account that also works elsewhere is the operator's to reset)."""
    return all(m.organisation_id == organisation_id for m in memberships.of_user(session, user.id))


@router.post("/users/{user_id}")
def users_change(user_id: int, request: Request, session: SessionDep, viewer: AdminDep, form: FormDep):
    user = session.get(User, user_id)
    current = memberships.role_in(session, user_id, viewer.organisation_id) if user else None
    if current is None:  # not a member here: as unknown as a user that does not exist
        raise NotFound(f"user {user_id}")
    role = form.get("role", current)
    removing = form.get("remove") == "yes"
    if role not in ROLES:
        return _users_page(request, session, viewer, {}, {f"role_{user_id}": "unknown role"}, status_code=422)
    if user.id == viewer.user.id and (role != "administrator" or removing):
        return _users_page(
            request, session, viewer, {}, {f"role_{user_id}": "you cannot lower your own role"}, status_code=422
        )
    actor = passwords.actor(viewer.user)
    if removing:
        memberships.revoke(session, user=user, organisation_id=viewer.organisation_id, actor=actor)
        return see_other("/settings/users")
    if role != current:
        memberships.grant(session, user=user, organisation_id=viewer.organisation_id, role=role, actor=actor)
    changes = {}
    account_wide = form.get("reset_totp") == "yes" or form.get("unlock") == "yes"
    if account_wide and not (viewer.user.operator or _only_here(session, user, viewer.organisation_id)):
        return _users_page(
            request, session, viewer, {}, {f"role_{user_id}": t("account_elsewhere", viewer.lang)}, status_code=422
        )
    if form.get("reset_totp") == "yes":
        totp.reset(user, session)
        changes["totp"] = ["enabled", "reset"]
        if user.id != viewer.user.id:
            user.session_generation += 1  # a lost or stolen phone: that user's sessions end as well
    if form.get("unlock") == "yes":
        user.failed_logins, user.locked_until, user.totp_failures = 0, None, 0
        changes["unlocked"] = [None, True]
    session.add(user)
    if changes:
        chain.append(session, actor=actor, event_type="user.changed", payload={"email": user.email, "changes": changes})
    return see_other("/settings/users")


# --- processors (notifier.processors, issue 4) -----------------------------------------------------------------


def _processor_page(request, session, viewer, values, errors, status_code=200):  # noqa: ANN001

    return render(
        request,
        "settings_processors.html.j2",
        viewer=viewer,
        processors=processors.list_processors(session),
        values=values,
        errors=errors,
        section="processors",
        status_code=status_code,
    )


def _processor(session, raw: str | None, lang: str):  # noqa: ANN001, ANN202
    """The processor a form or link names by id, None when it names none; FieldProblem("id") when it is no id of
    a stored processor (a hand-edited address or hidden field)."""

    processor_id = form_int("id", raw, lang, minimum=1)
    if processor_id is None:
        return None
    try:
        return processors.get(session, processor_id)
    except NotFound as exc:
        raise FieldProblem("id", t("not_found", lang)) from exc


@router.get("/processors")
def processors_page(request: Request, session: SessionDep, viewer: AdminDep, edit: str | None = None):
    values: dict[str, str] = {}
    try:
        processor = _processor(session, edit, viewer.lang)
    except FieldProblem:
        return render(request, "not_found.html.j2", viewer=viewer, status_code=404)
    if processor is not None:
        values = {
            "id": str(processor.id),
            "name": processor.name,
            "notification_term_hours": str(processor.notification_term_hours),
        }
        for contact in processor.contacts:
            values[f"level{contact['level']}_name"] = contact.get("name", "")
            values[f"level{contact['level']}_email"] = contact.get("email", "")
    return _processor_page(request, session, viewer, values, {})


@router.post("/processors")
def processors_save(request: Request, session: SessionDep, viewer: AdminDep, form: FormDep):

    contacts = [
        {
            "level": level,
            "name": form.get(f"level{level}_name", "").strip(),
            "email": form.get(f"level{level}_email", "").strip(),
        }
        for level in (1, 2, 3)
        if form.get(f"level{level}_name", "").strip() or form.get(f"level{level}_email", "").strip()
    ]
    # Typed as people write numbers ("1.000"); the range is the model's rule, said in the user's language below.
    numbers, number_errors = _numbers(form, ("notification_term_hours",), viewer.lang)
    data = {"name": form.get("name", "").strip(), **numbers, "contacts": contacts}
    try:
        body: BaseModel = ProcessorIn.model_validate(data)
        if number_errors:
            return _processor_page(request, session, viewer, form, number_errors, status_code=422)
    except ValidationError as exc:
        errors = dict(number_errors)
        for key, msg in validation_errors(exc, lang=viewer.lang).items():
            if key.startswith("contacts_"):
                index, _, part = key.removeprefix("contacts_").partition("_")
                key = f"level{contacts[int(index)]['level']}_{part or 'name'}" if index.isdigit() else "level1_name"
            errors.setdefault(key, msg)
        return _processor_page(request, session, viewer, form, errors, status_code=422)
    try:
        existing = _processor(session, form.get("id"), viewer.lang)
    except FieldProblem as exc:
        return _processor_page(request, session, viewer, form, field_errors(exc, viewer.lang), status_code=422)
    try:
        processors.save(
            session, processor=existing, data=body.model_dump(), actor=passwords.actor(viewer.user), now=clock.now()
        )
    except Conflict as exc:
        session.rollback()
        return _processor_page(
            request, session, viewer, form, {"name": refusal(exc, viewer.lang, UTC)}, status_code=409
        )
    return see_other("/settings/processors")


# --- SIEM sources (notifier.intake, issue 6) -------------------------------------------------------------------


def _sources_page(request, session, viewer, new_token=None, new_source=None):  # noqa: ANN001

    rows = {r.source: r for r in session.exec(select(IntakeSource)).all()}
    return render(
        request,
        "settings_sources.html.j2",
        viewer=viewer,
        sources=SOURCES,
        rows=rows,
        new_token=new_token,
        new_source=new_source,
        base_url=request.app.state.settings.base_url.rstrip("/"),
        section="sources",
    )


@router.get("/sources")
def sources_page(request: Request, session: SessionDep, viewer: AdminDep):
    return _sources_page(request, session, viewer)


@router.post("/sources/{source}")
def sources_rotate(source: str, request: Request, session: SessionDep, viewer: AdminDep, form: FormDep):
    """A new token for one source, shown once; the same record and audit event as PUT /api/v1/intake/sources."""

    _, token = sources.change_credentials(session, source=source, actor=passwords.actor(viewer.user), rotate_token=True)
    intake = getattr(request.app.state, "intake", None)
    if intake is not None:
        after_commit(session, intake.credentials.clear)  # as PUT /api/v1/intake-sources does
    return _sources_page(request, session, viewer, new_token=token, new_source=source)


def _by_label(options: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Choices in the alphabetical order of what the reader sees (the codes are English), "other" last."""
    return sorted(options, key=lambda option: (option[0] == "other", option[1].casefold()))
