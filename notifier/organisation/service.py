"""Reading and replacing the organisation profile."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlmodel import Session, delete, select

from notifier import clock, tenancy
from notifier.audit import chain
from notifier.errors import Conflict
from notifier.organisation.classification import (
    DORA_ENTITY_TYPES,
    MEMBER_STATES,
    OPT_IN_NOTICES,
    TRUST_SERVICE_TYPES,
    classify,
    regime_notices,
    regimes,
)
from notifier.organisation.models import Contact, Organisation
from notifier.organisation.models_api import OrganisationIn, OrganisationOut


def create(session: Session, *, name: str, slug: str, actor: str) -> Organisation:
    """A new organisation with a name only; its administrators fill in the profile."""
    if session.exec(select(Organisation.id).where(Organisation.slug == slug)).first() is not None:
        raise Conflict(f"an organisation with slug {slug!r} exists already")
    org = Organisation(name=name, slug=slug, timezone="Europe/Amsterdam")
    session.add(org)
    session.flush()
    chain.append(
        session, actor=actor, event_type="organisation.created", payload={"id": org.id, "slug": slug, "name": name}
    )
    return org


def by_slug(session: Session, slug: str) -> Organisation | None:
    return session.exec(select(Organisation).where(Organisation.slug == slug)).first()


def by_ids(session: Session, ids: list[int] | None) -> list[Organisation]:
    """Every organisation (None), or those with the ids given, by name."""
    query = select(Organisation).order_by(Organisation.name, Organisation.id)
    if ids is not None:
        query = query.where(Organisation.id.in_(ids))
    return list(session.exec(query))


def row(session: Session, *, lock: bool = False) -> Organisation | None:
    """The organisation the session works for (tenancy.bind), whether or not its profile is filled in. `lock`:
    hold the row until commit (see incidents.service.get); every profile write updates this row, the contacts
    included, so it guards the whole profile."""
    return session.get(
        Organisation, tenancy.current_or_default(session), with_for_update=lock or None, populate_existing=lock
    )


def get(session: Session, *, lock: bool = False) -> Organisation | None:
    """The organisation's profile, None until it is filled in (an organisation is created with a name only)."""
    org = row(session, lock=lock)
    return org if org is not None and org.sector is not None else None


_CONTACTS_READ = "notifier.organisation.contacts_read"


def contacts(session: Session) -> list[Contact]:
    known = session.info.get(_CONTACTS_READ, {}).get(tenancy.bound(session))
    if known is not None:
        return list(known)
    return list(session.exec(select(Contact).order_by(Contact.id)).all())


@contextmanager
def contacts_read_once(session: Session, organisation_ids: Iterable[int]) -> Iterator[None]:
    """The contacts of these organisations read in one query, for a unit of work that needs them for hundreds of
    incidents and writes none (the reminder sweep): inside the block contacts() answers from that read for a
    session working for one of them (tenancy.working_for)."""
    ids = sorted(set(organisation_ids))
    found: dict[tuple[int, ...], list[Contact]] = {(oid,): [] for oid in ids}
    for contact in session.exec(select(Contact).where(Contact.organisation_id.in_(ids)).order_by(Contact.id)):
        found[(contact.organisation_id,)].append(contact)
    session.info[_CONTACTS_READ] = found
    try:
        yield
    finally:
        session.info.pop(_CONTACTS_READ, None)


def contact_for(session: Session, role: str) -> Contact | None:
    return next((c for c in contacts(session) if c.role == role), None)


def to_out(org: Organisation, people: list[Contact]) -> OrganisationOut:
    result = classify(
        sector=org.sector,
        entity_type=org.entity_type,
        staff_count=org.staff_count,
        annual_turnover_eur=org.annual_turnover_eur,
        balance_sheet_eur=org.balance_sheet_eur,
        trust_service_provider=org.trust_service_provider,
        cer_critical_entity=org.cer_critical_entity,
    )
    return OrganisationOut(
        name=org.name,
        kvk_number=org.kvk_number,
        sector=org.sector,
        entity_type=org.entity_type,
        staff_count=org.staff_count,
        annual_turnover_eur=org.annual_turnover_eur,
        balance_sheet_eur=org.balance_sheet_eur,
        trust_service_provider=org.trust_service_provider,
        cer_critical_entity=org.cer_critical_entity,
        timezone=org.timezone,
        street=org.street,
        postcode=org.postcode,
        city=org.city,
        dpo_registered_with_ap=org.dpo_registered_with_ap,
        dpo_ap_registration_number=org.dpo_ap_registration_number,
        dora_entity_type=org.dora_entity_type,
        lei=org.lei,
        country=org.country,
        dora_no_weekend_extension=org.dora_no_weekend_extension,
        cra_manufacturer=org.cra_manufacturer,
        contacts=[
            {
                "name": c.name,
                "email": c.email,
                "phone": c.phone,
                "role": c.role,
                "job_title": c.job_title,
                "availability": c.availability,
            }
            for c in people
        ],
        classification=result.classification,
        classification_reason=result.reason,
        classification_reason_nl=result.reason_nl,
        size=result.size,
        regimes=regimes(org.sector, org.dora_entity_type, org.cra_manufacturer),
        regime_notices=regime_notices(org.sector, org.dora_entity_type),
    )


def replace(session: Session, *, data: OrganisationIn, actor: str) -> Organisation:
    org = row(session, lock=True)
    before = to_out(org, contacts(session)).model_dump() if org.sector is not None else None
    for key, value in data.model_dump(exclude={"contacts"}).items():
        setattr(org, key, value)
    org.updated_at = clock.now()
    session.add(org)
    session.flush()
    session.exec(delete(Contact).where(Contact.organisation_id == org.id))
    for contact in data.contacts:
        session.add(Contact(organisation_id=org.id, **contact.model_dump()))
    session.flush()
    after = to_out(org, contacts(session)).model_dump()
    chain.append(
        session,
        actor=actor,
        event_type="organisation.updated",
        payload=data.model_dump(),
        previous_state=before,
        new_state=after,
    )
    return org


# The values a condition given by hand (the CLI's flags) may take.
CONDITION_VALUES = {
    "organisation.country": MEMBER_STATES,
    "organisation.dora_entity_type": DORA_ENTITY_TYPES,
}


def conditions(org: Organisation | None) -> dict:
    """The values workflow variants may depend on."""
    if org is None:
        return {}
    return conditions_for(
        sector=org.sector,
        entity_type=org.entity_type,
        trust_service_provider=org.trust_service_provider,
        dora_entity_type=org.dora_entity_type,
        country=org.country,
        dora_no_weekend_extension=org.dora_no_weekend_extension,
    )


def conditions_for(
    *,
    sector: str | None,
    entity_type: str | None,
    trust_service_provider: bool = False,
    dora_entity_type: str | None = None,
    country: str | None = None,
    dora_no_weekend_extension: bool = False,
) -> dict:
    # NIS2 art. 23(4)(b)'s 24 h notification is for every trust service provider, qualified or not.
    return {
        "organisation.trust_service_provider": trust_service_provider or entity_type in TRUST_SERVICE_TYPES,
        "organisation.sector": sector,
        "organisation.entity_type": entity_type,
        "organisation.dora_entity_type": dora_entity_type,
        "organisation.country": country or "NL",
        "organisation.dora_no_weekend_extension": dora_no_weekend_extension,
    }


def regime_notice(org: Organisation | None, regime: str) -> str | None:
    """Why a regime's track is not opened for this organisation: the Cbw for a DORA financial entity, DORA for an
    organisation that is no financial entity, the CRA for one that makes no products."""
    if org is None:
        return None
    replaced = regime_notices(org.sector, org.dora_entity_type).get(regime)
    if replaced:
        return replaced
    if regime in OPT_IN_NOTICES and regime not in regimes(org.sector, org.dora_entity_type, org.cra_manufacturer):
        return OPT_IN_NOTICES[regime]
    return None
