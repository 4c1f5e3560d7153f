"""The `notifier` command (also installed as `meldplicht`): serve, db, deadlines, tick, users, audit.

Each command imports what it needs when it runs (the lines marked `# lazy`): the web app alone takes about 1.5 s to
import, which `notifier --help`, `notifier deadlines` or a backup should not pay."""

import argparse
import json
import os
import sys
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from notifier import instants  # the same instant rules as the API and the forms


class CliError(Exception):
    """Bad input: printed as one line, exit status 2."""


def _instant(flag: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CliError(f"{flag}: not an ISO 8601 time: {value!r}") from exc
    if parsed.tzinfo is None:
        # Suggest the value itself written with an offset (a bare date gets its midnight), so the hint always parses.
        plain = parsed.isoformat()
        raise CliError(f"{flag}: {value!r} has no UTC offset; give one, e.g. {plain}+01:00 or {plain}Z")
    try:
        instants.check(parsed)
    except instants.InstantError as exc:
        raise CliError(f"{flag}: {value!r} {exc}") from exc
    return parsed  # with the offset given: `tick --now` echoes it in its output


def _not_before(flag: str, value: datetime | None, anchor_flag: str, anchor: datetime | None) -> None:
    if value is not None and anchor is not None and value < anchor:
        raise CliError(f"{flag}: {value.isoformat()} lies before {anchor_flag} {anchor.isoformat()}")


def _zone(value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CliError(f"--timezone: unknown time zone {value!r}") from exc


# The regime-specific flags of `notifier deadlines`; what each means for a regime is in its workflow file (`cli:`).
REGIME_FLAGS = {
    "classified-at": "time",
    "initial-submitted-at": "time",
    "intermediate-submitted-at": "time",
    "notification-submitted-at": "time",
    "fix-available-at": "time",
    "kind": "value",
    "country": "value",
    "dora-entity-type": "value",
}


def _regime_flags(args: argparse.Namespace, workflow, aware) -> tuple[dict, dict, dict]:  # noqa: ANN001
    """The regime's flags as (declaration, submitted, conditions), each checked against its workflow file."""
    # lazy: see the module docstring
    from notifier.organisation.service import CONDITION_VALUES as condition_values

    known = workflow.cli.flags
    given = {flag: getattr(args, flag.replace("-", "_")) for flag in REGIME_FLAGS}
    given = {flag: value for flag, value in given.items() if value is not None}
    for flag in given:
        if flag not in known:
            raise CliError(f"--{flag}: not used by --regime {workflow.regime}")
    times = {"aware-at": aware}
    for flag, value in given.items():
        if REGIME_FLAGS[flag] == "time":
            times[flag] = _instant(f"--{flag}", value)
    declaration = dict(workflow.cli.declaration)
    submitted: dict[str, list[datetime]] = {}
    conditions: dict[str, str] = {}
    for flag, meaning in known.items():
        if flag not in given:
            if meaning.required:
                raise CliError(f"--{flag} is required for --regime {workflow.regime}")
            continue
        value = times.get(flag, given[flag])
        for other in meaning.needs:
            if other not in given:
                raise CliError(f"--{flag} needs --{other}")
        for other in meaning.not_before:
            _not_before(f"--{flag}", value, f"--{other}", times.get(other))
        if meaning.declares:
            allowed = _declared_values(workflow, meaning.declares)
            if allowed and value not in allowed:
                raise CliError(f"--{flag}: {value!r} is not one of {', '.join(sorted(allowed))}")
            declaration[meaning.declares] = value.isoformat() if isinstance(value, datetime) else value
        if meaning.submits:
            submitted[meaning.submits] = [value]
        if meaning.condition:
            allowed = condition_values.get(meaning.condition)
            if allowed and value not in allowed:
                raise CliError(f"--{flag}: {value!r} is not one of {', '.join(allowed)}")
            conditions[meaning.condition] = value
    for flag, meaning in known.items():
        for key, values in meaning.only_when.items():
            if flag in given and declaration.get(key) not in values:
                raise CliError(f"--{flag}: only for {key} {' or '.join(values)}")
    return declaration, submitted, conditions


def _declared_values(workflow, key: str) -> set[str]:  # noqa: ANN001
    """The values a declaration key can take: an event's choices for it, or what events set it to."""
    out = set()
    for event in workflow.track.events.values():
        if key in event.sets:
            out.add(event.sets[key])
        field = event.fields.get(key)
        if field is not None and field.choices:
            out |= set(field.choices)
    return out


def cmd_deadlines(args: argparse.Namespace) -> int:
    # lazy: see the module docstring
    from notifier.config import get_settings
    from notifier.deadlines.rules import Anchors, compute_due
    from notifier.organisation.service import conditions_for
    from notifier.workflow import load_registry

    zone = _zone(args.timezone)
    aware = _instant("--aware-at", args.aware_at)
    resolved = _instant("--resolved-at", args.resolved_at)
    _not_before("--resolved-at", resolved, "--aware-at", aware)
    registry = load_registry(get_settings().workflows_dir)
    workflow = registry.get(args.regime)
    if workflow is None:
        raise CliError(f"--regime: unknown regime {args.regime!r}; known: {', '.join(sorted(registry.workflows))}")
    workflow = registry.version_at(args.regime, aware)
    declaration, submitted, flagged = _regime_flags(args, workflow, aware)
    conditions = conditions_for(
        sector=None,
        entity_type=args.entity_type,
        trust_service_provider=args.trust_service,
        dora_entity_type=flagged.get("organisation.dora_entity_type"),
        country=flagged.get("organisation.country"),
    )
    anchors = Anchors(
        aware_at=aware,
        resolved_at=resolved,
        submitted=submitted,
        declaration=declaration,
        conditions=conditions,
    )
    # Legal deadlines only: the organisation's own targets are not the law's.
    items = [
        {
            "stage": d.stage,
            "due": d.due.astimezone(zone).isoformat() if d.due is not None else None,
            "provisional": d.provisional,
            "legal_basis": d.legal_basis,
        }
        for d in compute_due(workflow, anchors, zone)
        if not workflow.is_target(d.stage, d.sequence)
    ]
    if args.json:
        print(json.dumps(items, indent=2))
    else:
        for item in items:
            flag = " (provisional)" if item["provisional"] else ""
            due = item["due"] or "no date yet: " + _waits_for(workflow, item["stage"])
            print(f"{item['stage']:<28} {due}{flag}")
    return 0


def _waits_for(workflow, stage: str) -> str:  # noqa: ANN001
    waits = workflow.stages[stage].waits_for
    return waits.en if waits else "its anchor has not happened"


def cmd_serve(args: argparse.Namespace) -> int:
    # lazy: see the module docstring
    import structlog
    import uvicorn

    from notifier.config import get_settings
    from notifier.main import create_served_app
    from notifier.operations.first_run import default_base_url, first_administrator_hint
    from notifier.operations.serving import uvicorn_options

    settings = get_settings()
    if "base_url" not in settings.model_fields_set:
        # Links in mails point where this process listens; worker processes read it from the environment.
        settings = settings.model_copy(update={"base_url": default_base_url(args.host, args.port)})
        os.environ["NOTIFIER_BASE_URL"] = settings.base_url
    options = uvicorn_options(settings)
    workers = getattr(args, "workers", 1)
    if workers > 1:
        # Each worker is its own process (and its own intake writer; SQLite's write lock serialises their batches).
        # Migrate once here so the workers do not race to do it.
        from notifier import migrate  # lazy: see the module docstring
        from notifier.db import make_engine  # lazy: see the module docstring
        from notifier.logging import configure_logging  # lazy: see the module docstring

        configure_logging(settings.log_level, settings.log_json)
        migrate.upgrade(settings.database_url)
        engine = make_engine(settings.database_url, synchronous=settings.sqlite_synchronous)
        hint = first_administrator_hint(engine, settings.base_url)
        _log_durability(engine)
        engine.dispose()
        if hint:
            structlog.get_logger("notifier").warning("first_run.no_administrator", **hint)
        uvicorn.run(
            "notifier.main:create_served_app",
            factory=True,
            workers=workers,
            host=args.host,
            port=args.port,
            log_level="warning",
            **options,
        )
        return 0
    app = create_served_app(settings)
    structlog.get_logger("notifier").info(
        "serve.started",
        url=f"http://{args.host}:{args.port}",
        base_url=app.state.settings.base_url,
        api_token=f"NOTIFIER_API_TOKEN or {app.state.settings.var_dir}/api-token",
    )
    hint = first_administrator_hint(app.state.engine, app.state.settings.base_url)
    if hint:
        structlog.get_logger("notifier").warning("first_run.no_administrator", **hint)
    _log_durability(app.state.engine)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", **options)
    return 0


def _log_durability(engine) -> None:  # noqa: ANN001
    """What an acknowledged alert or a confirmed filing survives here, as the database reports it (README,
    "What a 202 survives"); a warning when an OS crash or a power cut could roll back acknowledged commits."""
    # lazy: see the module docstring
    import structlog

    from notifier.db import durability

    report = durability(engine)
    logger = structlog.get_logger("notifier")
    if report["power_loss_safe"]:
        logger.info("serve.durability", **report)
    else:
        logger.warning("serve.durability", **report, hint="commits survive a killed process, not power loss")


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    # lazy: see the module docstring
    from notifier import migrate
    from notifier.config import get_settings

    settings = get_settings()
    migrate.upgrade(settings.database_url, args.revision)
    print(f"database at {settings.database_url.split('@')[-1]} is at {args.revision}")
    return 0


def cmd_tick(args: argparse.Namespace) -> int:
    # lazy: see the module docstring
    from notifier import clock, migrate
    from notifier.config import get_settings
    from notifier.db import make_engine
    from notifier.logging import configure_logging
    from notifier.scheduler import run_once
    from notifier.workflow import load_registry

    now = _instant("--now", args.now) or clock.now()
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)  # logs to stderr: stdout carries only the actions
    migrate.upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        actions = run_once(engine, settings=settings, registry=load_registry(settings.workflows_dir), now=now)
    finally:
        engine.dispose()
    for action in actions:
        print(json.dumps({"at": now.isoformat(), **action}, default=str), flush=True)
    return 0


def cmd_db_copy(args: argparse.Namespace) -> int:
    # lazy: see the module docstring
    from notifier.config import get_settings
    from notifier.operations import maintenance
    from notifier.operations.copy import CopyRefused, copy_database

    if args.old_source is not None or args.old_target is not None:
        raise CliError(
            "--from/--to URL are gone: a URL on the command line (with its password) is visible to every user of "
            "the machine. The source is NOTIFIER_DATABASE_URL, or --from-env NAME / --from-file FILE; the target "
            "is --to-env NAME (an environment variable holding the URL) or --to-file FILE (a file holding it, mode "
            "0600)"
        )
    if args.from_env is not None and args.from_file is not None:
        raise CliError("--from-env and --from-file: give one of them")
    if args.to_env is not None and args.to_file is not None:
        raise CliError("--to-env and --to-file: give one of them")
    target = maintenance.url_from("--to", args.to_env, args.to_file)
    if target is None:
        raise CliError("--to-env NAME or --to-file FILE: name where the target database URL is")
    source = maintenance.url_from("--from", args.from_env, args.from_file) or get_settings().database_url
    for file in (args.from_file, args.to_file):
        if maintenance.readable_by_others(file):
            print(f"warning: {file} is readable by other users (chmod 600 it)", file=sys.stderr)
    print(f"copying {maintenance.where(source)} -> {maintenance.where(target)}")
    try:
        copy_database(source, target, progress=lambda table, n: print(f"{table}: {n}"))
    except CopyRefused as exc:
        raise CliError(str(exc)) from exc
    print("copy complete; run `notifier audit verify` against the new database")
    return 0


def _witness():  # noqa: ANN202
    # lazy: see the module docstring
    from notifier.audit.checkpoint import Witness
    from notifier.config import get_settings

    return Witness.from_settings(get_settings())


def _public_key(given: str | None):  # noqa: ANN202
    # lazy: see the module docstring
    from notifier.audit.checkpoint import KeyProblem, parse_public_key

    try:
        return parse_public_key(given) if given else _witness().public_key()
    except KeyProblem as exc:
        raise CliError(f"--public-key: {exc}") from exc


def cmd_db_backup(args: argparse.Namespace) -> int:
    # lazy: see the module docstring
    from pathlib import Path

    from notifier.config import get_settings
    from notifier.operations import maintenance

    target = maintenance.backup(get_settings().database_url, Path(args.to))
    print(f"backup written to {target} ({target.stat().st_size} bytes, mode 0600)")
    return 0


def cmd_db_current(args: argparse.Namespace) -> int:
    # lazy: see the module docstring
    from notifier.config import get_settings
    from notifier.operations import maintenance

    url = get_settings().database_url
    found = maintenance.revisions(url)
    current = ", ".join(found.current) or "none (empty database)"
    if found.at_head:
        print(f"{maintenance.where(url)}: revision {current} (head)")
        return 0
    print(f"{maintenance.where(url)}: revision {current}; the code's head is {', '.join(found.heads)}")
    print("run `notifier db upgrade`", file=sys.stderr)
    return 1


def cmd_users_list(args: argparse.Namespace) -> int:
    # lazy: see the module docstring
    from notifier.config import get_settings
    from notifier.operations import maintenance

    rows = maintenance.users(get_settings().database_url)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        state = "TOTP" if row["totp"] else "no TOTP"
        if row["locked_until"]:
            state += f", locked until {row['locked_until']}"
        held = ", ".join(f"{m['organisation']}:{m['role']}" for m in row["memberships"]) or "no membership"
        if row["operator"]:
            held += ", operator"
        print(f"{row['email']:<32} {row['role'] or '-':<14} {row['name']}  ({state}; {held})")
    print(f"{len(rows)} user(s)", file=sys.stderr)
    return 0


def _organisations(session, slug: str | None) -> list:  # noqa: ANN001
    """The organisation named by --organisation, or every organisation (by id)."""
    # lazy: see the module docstring
    from sqlmodel import select

    from notifier.organisation.models import Organisation

    query = select(Organisation).order_by(Organisation.id)
    if slug is not None:
        query = query.where(Organisation.slug == slug)
    found = list(session.exec(query))
    if slug is not None and not found:
        raise CliError(f"--organisation: no organisation with slug {slug!r}")
    for organisation in found:
        session.expunge(organisation)
    return found


def cmd_audit_verify(args: argparse.Namespace) -> int:
    # lazy: see the module docstring
    from pathlib import Path

    from sqlmodel import Session

    from notifier import tenancy
    from notifier.audit import checkpoint, guard
    from notifier.audit.chain import verify
    from notifier.config import get_settings
    from notifier.db import make_engine
    from notifier.submissions import filings_check as filings

    public = _public_key(args.public_key) if args.checkpoints else None
    engine = make_engine(get_settings().database_url)
    broken, total = 0, 0
    try:
        with Session(engine) as session:
            organisations = _organisations(session, args.organisation)
            general = guard.problems(session.connection())
        pinned = checkpoint.read(Path(args.checkpoints), public) if public is not None else None
        if pinned is not None:
            general += pinned.problems
            if args.organisation is None:
                known = {o.id for o in organisations}
                general += [
                    f"checkpoint line {number}: organisation {c['organisation_id']} is not in the database"
                    for number, c in pinned.valid
                    if c["organisation_id"] not in known
                ]
        for organisation in organisations:
            # Bound to the organisation, like a request of its own: on PostgreSQL that also sets it for the
            # row-level security policies.
            with Session(engine) as session:
                tenancy.bind(session, organisation.id)
                result = verify(session, organisation.id)
                problems = list(result.problems)
                problems += filings.verify(session, organisation.id)
                held = checkpoint.hold(session, pinned, organisation.id) if pinned is not None else None
            if held is not None:
                problems += held.problems
            name = f"organisation {organisation.slug}"
            if not problems:
                line = f"{name}: audit chain intact: {result.records} records; ledger matches its filing records"
                if held is not None and held.latest is not None:
                    latest = held.latest
                    line += (
                        f"; {held.checked} signed checkpoint(s) hold, latest seq {latest['seq']} signed {latest['at']}"
                    )
                print(line)
                continue
            broken, total = broken + 1, total + len(problems)
            for problem in problems:
                print(f"{name}: {problem}", file=sys.stderr)
            summary = f"{name}: audit chain BROKEN: {len(problems)} problem(s) in {result.records} records"
            print(summary, file=sys.stderr)
    finally:
        engine.dispose()
    for problem in general:
        print(problem, file=sys.stderr)
    if not broken and not general:
        return 0
    print(
        f"audit BROKEN: {total + len(general)} problem(s); {broken} of {len(organisations)} organisation chain(s) "
        "broken",
        file=sys.stderr,
    )
    return 1


def cmd_audit_export(args: argparse.Namespace) -> int:
    # lazy: see the module docstring
    from pathlib import Path

    from sqlmodel import Session

    from notifier import tenancy
    from notifier.config import get_settings
    from notifier.db import make_engine
    from notifier.operations import audit_export as export

    engine = make_engine(get_settings().database_url)
    try:
        with Session(engine) as session:
            organisation = _organisations(session, args.organisation)[0]
        with Session(engine) as session:
            tenancy.bind(session, organisation.id)
            if engine.dialect.name == "postgresql":
                # One snapshot for records, ledger and head, while the service keeps appending (SQLite's
                # transactions are snapshots already).
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            document = export.build(session, organisation)
    finally:
        engine.dispose()
    target = Path(args.to)
    try:
        export.write_atomically(target, document)
    except OSError as exc:
        raise CliError(f"--to: cannot write {target}: {exc.strerror or exc}") from exc
    print(
        f"organisation {organisation.slug}: {len(document['records'])} records and {len(document['ledger'])} "
        f"ledger entries exported to {target}"
    )
    return 0


def cmd_audit_verify_export(args: argparse.Namespace) -> int:
    """Offline: the file alone, no database and no settings."""
    # lazy: see the module docstring
    from pathlib import Path

    from notifier.operations import audit_export as export

    try:
        document = export.load(Path(args.file))
    except export.Unreadable as exc:
        raise CliError(str(exc)) from exc
    result = export.check(document)
    name = f"organisation {result.organisation.get('slug')} (id {result.organisation['id']})"
    if result.ok:
        print(
            f"{name}: export intact: {result.records} records linked from the organisation's genesis; "
            f"{result.ledger} ledger entries match their hashes and filing records"
        )
        return 0
    for problem in result.problems:
        print(problem, file=sys.stderr)
    print(f"{name}: export BROKEN: {len(result.problems)} problem(s) in {result.records} records", file=sys.stderr)
    return 1


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    # lazy: see the module docstring
    from sqlmodel import Session

    from notifier.audit import checkpoint
    from notifier.config import get_settings
    from notifier.db import make_engine
    from notifier.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)  # logs to stderr: stdout carries the lines or the key
    witness = _witness()
    if args.public_key:
        try:
            print(checkpoint.public_key_text(witness.signing_key().public_key()))
        except checkpoint.KeyProblem as exc:
            raise CliError(str(exc)) from exc
        return 0
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            organisations = _organisations(session, args.organisation)
        written = [checkpoint.write(engine, witness, organisation_id=o.id) for o in organisations]
    except checkpoint.KeyProblem as exc:
        raise CliError(str(exc)) from exc
    finally:
        engine.dispose()
    for line in written:
        print(json.dumps(line, sort_keys=True, separators=(",", ":")))
        print(
            f"checkpoint of organisation {line['organisation']} seq {line['seq']} appended to {witness.file}",
            file=sys.stderr,
        )
    return 0


def cmd_users_add(args: argparse.Namespace) -> int:
    # lazy: see the module docstring
    import getpass

    from notifier import migrate, tenancy
    from notifier.accounts.users import create_user
    from notifier.config import get_settings
    from notifier.db import make_engine, session_scope
    from notifier.errors import FieldProblem
    from notifier.organisation import service as organisation_service

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password (min. 12 characters): ")
        if getpass.getpass("again: ") != password:
            raise CliError("the passwords differ")
    settings = get_settings()
    migrate.upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            organisation = organisation_service.by_slug(session, args.organisation) if args.organisation else None
            if args.organisation and organisation is None:
                raise CliError(f"--organisation: no organisation with slug {args.organisation!r}")
            # The user's audit entries go to the chain of the organisation they join.
            tenancy.bind(session, organisation.id if organisation else tenancy.DEFAULT_ORGANISATION_ID)
            try:
                user = create_user(
                    session,
                    email=args.email,
                    name=args.name,
                    role=args.role,
                    password=password,
                    actor_name="cli",
                    language=args.language,
                )
            except FieldProblem as exc:
                raise CliError(f"--{exc.field.replace('_', '-')}: {exc.message}") from exc
            if args.operator:
                user.operator = True
                session.add(user)
            email, role = user.email, args.role
    finally:
        engine.dispose()
    print(f"user {email} ({role}) created")
    required = {r.strip() for r in settings.totp_required_roles.split(",") if r.strip()}
    if role in required:
        print(
            f"sign in at {settings.base_url.rstrip('/')}/signin: the {role} role must set up two-factor "
            "authentication (TOTP) with an authenticator app before anything else"
        )
    return 0


def cmd_organisations_add(args: argparse.Namespace) -> int:
    # lazy: see the module docstring
    from notifier import migrate
    from notifier.config import get_settings
    from notifier.db import make_engine, session_scope
    from notifier.errors import Conflict
    from notifier.organisation import service as organisation_service
    from notifier.organisation.models_api import OrganisationCreate

    try:
        body = OrganisationCreate(name=args.name, slug=args.slug)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise CliError(f"--{first['loc'][0]}: {first['msg']}") from exc
    settings = get_settings()
    migrate.upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            try:
                org = organisation_service.create(session, name=body.name, slug=body.slug, actor="cli")
            except Conflict as exc:
                raise CliError(f"--slug: {exc}") from exc
            created = {"id": org.id, "slug": org.slug, "name": org.name}
    finally:
        engine.dispose()
    print(json.dumps(created))
    return 0


def cmd_organisations_list(args: argparse.Namespace) -> int:
    # lazy: see the module docstring
    from sqlmodel import Session

    from notifier.config import get_settings
    from notifier.db import make_engine
    from notifier.organisation import service as organisation_service

    engine = make_engine(get_settings().database_url)
    try:
        with Session(engine) as session:
            rows = [{"id": o.id, "slug": o.slug, "name": o.name} for o in organisation_service.by_ids(session, None)]
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            print(f"{row['id']:>5}  {row['slug']:<32} {row['name']}")
    return 0


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line and exit status 2, like every other bad input."""

    def error(self, message: str):  # noqa: ANN201
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    # lazy: see the module docstring
    from notifier.version import installed_version

    parser = OneLineParser(prog="notifier", description="meldplicht incident notification orchestrator")
    parser.add_argument("--version", action="version", version=f"meldplicht {installed_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    serve = sub.add_parser("serve", help="run API, web pages and scheduler")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    serve.set_defaults(func=cmd_serve)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, parser_class=OneLineParser)
    upgrade = db_sub.add_parser("upgrade", help="apply the migrations")
    upgrade.add_argument("revision", nargs="?", default="heads")
    upgrade.set_defaults(func=cmd_db_upgrade)
    current = db_sub.add_parser("current", help="the database's migration revision; exit 1 when behind the code")
    current.set_defaults(func=cmd_db_current)
    backup = db_sub.add_parser(
        "backup",
        help="a consistent copy of the SQLite database while the service runs (PostgreSQL: use pg_dump)",
    )
    backup.add_argument("--to", required=True, metavar="FILE", help="the new backup file (must not exist)")
    backup.set_defaults(func=cmd_db_backup)
    copy = db_sub.add_parser(
        "copy",
        help="copy every row to another (empty) database, e.g. SQLite -> PostgreSQL",
        description="Database URLs carry passwords, so they are never taken from the command line (every user of "
        "the machine can read it). The source is NOTIFIER_DATABASE_URL unless --from-env or --from-file names "
        "another; the target comes from --to-env or --to-file. The target is migrated and must be empty.",
    )
    copy.add_argument("--from-env", metavar="NAME", help="environment variable holding the source URL")
    copy.add_argument("--from-file", metavar="FILE", help="file holding the source URL (one line; mode 0600)")
    copy.add_argument("--to-env", metavar="NAME", help="environment variable holding the target URL")
    copy.add_argument("--to-file", metavar="FILE", help="file holding the target URL (one line; mode 0600)")
    # The old flags took URLs in argv; kept only to explain the new way.
    copy.add_argument("--from", dest="old_source", help=argparse.SUPPRESS)
    copy.add_argument("--to", dest="old_target", help=argparse.SUPPRESS)
    copy.set_defaults(func=cmd_db_copy)

    # lazy: see the module docstring
    from notifier.organisation.classification import ENTITY_TYPES

    deadlines = sub.add_parser(
        "deadlines",
        help="compute the deadlines of a regime (no database needed)",
        description="Print the deadlines of one regime's track from its awareness time (reference section 5). "
        "Times are ISO 8601 with a UTC offset, e.g. 2026-03-28T23:30:00+01:00 or 2026-03-28T22:30:00Z. "
        "Bad input exits 2 with one line naming the flag.",
    )
    deadlines.add_argument(
        "--regime",
        required=True,
        metavar="REGIME",
        help="a regime: the name of a workflow file in NOTIFIER_WORKFLOWS_DIR (the stock ones by default)",
    )
    deadlines.add_argument(
        "--aware-at", required=True, metavar="ISO", help="when the organisation became aware (starts the clock)"
    )
    deadlines.add_argument(
        "--entity-type",
        choices=ENTITY_TYPES,
        metavar="TYPE",
        help="the organisation's entity type, for the variants that depend on it: trust_service or "
        "qualified_trust_service (Cbw notification 24 h), public_electronic_communications (AVG: AP within 24 h, "
        f"whatever the risk). One of: {', '.join(ENTITY_TYPES)}",
    )
    deadlines.add_argument(
        "--trust-service",
        action="store_true",
        help="trust service provider (Cbw incident notification within 24 h); same as --entity-type trust_service",
    )
    deadlines.add_argument(
        "--notification-submitted-at",
        metavar="ISO",
        help="when the incident notification was submitted (Cbw: the final report runs from it; CRA, a severe "
        "incident: the final report one month after it; not before --aware-at); without it the final report is "
        "provisional",
    )
    deadlines.add_argument(
        "--classified-at",
        metavar="ISO",
        help="DORA (required): when the incident was classified as major (not before --aware-at); the initial "
        "notification is due 4 h after it, no later than 24 h after awareness unless classified after those 24 h",
    )
    deadlines.add_argument(
        "--initial-submitted-at",
        metavar="ISO",
        help="DORA: when the initial notification was submitted (the intermediate report runs 72 h from it; "
        "not before --classified-at); without it the intermediate report is provisional",
    )
    deadlines.add_argument(
        "--intermediate-submitted-at",
        metavar="ISO",
        help="DORA: when the intermediate report was submitted (the final report runs one month from it; needs "
        "--initial-submitted-at and not before it)",
    )
    deadlines.add_argument(
        "--country",
        metavar="CC",
        type=str.upper,
        help="DORA: the entity's member state (ISO 3166 alpha-2, default NL) whose bank holidays move a time limit "
        "to 12:00 of the next working day (2025/301 art. 5(4))",
    )
    deadlines.add_argument(
        "--dora-entity-type",
        metavar="TYPE",
        help="DORA: the financial entity's type as the ESAs' schema names it (affectedEntityType); credit_institution, "
        "central_counterparty and trading_venue get no weekend extension for the initial and intermediate reports",
    )
    deadlines.add_argument(
        "--kind",
        metavar="KIND",
        help="CRA (required): vulnerability (an actively exploited vulnerability) or incident (a severe incident)",
    )
    deadlines.add_argument(
        "--fix-available-at",
        metavar="ISO",
        help="CRA, a vulnerability: when a corrective or mitigating measure became available (the final report is "
        "due 14 days later); without it the final report has no date yet",
    )
    deadlines.add_argument(
        "--resolved-at",
        metavar="ISO",
        help="when the incident was resolved (not before --aware-at); an incident still ongoing when the final "
        "report falls due owes a progress report then and the final report one month after this",
    )
    deadlines.add_argument(
        "--timezone",
        default="Europe/Amsterdam",
        metavar="TZ",
        help="IANA zone for calendar months and for the output (default Europe/Amsterdam)",
    )
    deadlines.add_argument("--json", action="store_true", help="print a JSON array instead of a table")
    deadlines.set_defaults(func=cmd_deadlines)

    tick = sub.add_parser("tick", help="run one reminder sweep and one delivery pass now; one JSON line per action")
    tick.add_argument("--now", help="act as if at this instant (ISO 8601 with offset)")
    tick.set_defaults(func=cmd_tick)

    organisations = sub.add_parser("organisations", help="the organisations of this deployment")
    organisations_sub = organisations.add_subparsers(
        dest="organisations_command", required=True, parser_class=OneLineParser
    )
    organisations_add = organisations_sub.add_parser(
        "add", help="add an organisation (a name; its admins fill in the rest)"
    )
    organisations_add.add_argument("--name", required=True)
    organisations_add.add_argument("--slug", required=True, help="lowercase letters, digits and hyphens")
    organisations_add.set_defaults(func=cmd_organisations_add)
    organisations_list = organisations_sub.add_parser("list", help="every organisation")
    organisations_list.add_argument("--json", action="store_true")
    organisations_list.set_defaults(func=cmd_organisations_list)

    users = sub.add_parser("users", help="people who sign in to the web pages")
    users_sub = users.add_subparsers(dest="users_command", required=True, parser_class=OneLineParser)
    users_add = users_sub.add_parser("add", help="add a user (e.g. the first administrator)")
    users_add.add_argument("--email", required=True)
    users_add.add_argument("--name", required=True)
    users_add.add_argument("--role", required=True, choices=["administrator", "officer", "viewer"])
    users_add.add_argument("--language", choices=["nl", "en"], help="default: the browser's language")
    users_add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    users_add.add_argument(
        "--organisation", metavar="SLUG", help="the organisation the user becomes a member of (default: the first)"
    )
    users_add.add_argument(
        "--operator", action="store_true", help="may also create organisations and grant memberships in any of them"
    )
    users_add.set_defaults(func=cmd_users_add)
    users_list = users_sub.add_parser("list", help="every user with role, two-factor state and lock")
    users_list.add_argument("--json", action="store_true", help="print a JSON array instead of a table")
    users_list.set_defaults(func=cmd_users_list)

    audit = sub.add_parser("audit", help="the audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, parser_class=OneLineParser)
    verify = audit_sub.add_parser(
        "verify",
        help="check each organisation's hash chain, its head, its ledger and the triggers; one line per "
        "organisation; exit 1 if anything was changed",
    )
    verify.add_argument("--organisation", metavar="SLUG", help="only this organisation's chain (default: every one)")
    verify.add_argument("--checkpoints", metavar="FILE", help="signed checkpoints (JSON lines) to hold the chains to")
    verify.add_argument("--public-key", help="the signing key's public key (base64 or PEM; default: from the key)")
    verify.set_defaults(func=cmd_audit_verify)
    export = audit_sub.add_parser(
        "export",
        help="write one organisation's audit chain, ledger and head to a self-contained JSON file",
    )
    export.add_argument("--organisation", metavar="SLUG", required=True, help="the organisation to export")
    export.add_argument("--to", metavar="FILE", required=True, help="the JSON file (written atomically, mode 0600)")
    export.set_defaults(func=cmd_audit_export)
    verify_export = audit_sub.add_parser(
        "verify-export",
        help="check an export file offline (no database, no settings); exit 0 intact, 1 broken, 2 unreadable",
    )
    verify_export.add_argument("file", metavar="FILE", help="a file written by `notifier audit export`")
    verify_export.set_defaults(func=cmd_audit_verify_export)
    checkpoint = audit_sub.add_parser(
        "checkpoint", help="sign each organisation's chain end now: checkpoint file and audit mail"
    )
    checkpoint.add_argument(
        "--organisation", metavar="SLUG", help="only this organisation's chain (default: every one)"
    )
    checkpoint.add_argument("--public-key", action="store_true", help="print the public key instead (base64)")
    checkpoint.set_defaults(func=cmd_audit_checkpoint)
    return parser


def main(argv: list[str] | None = None) -> int:
    # lazy: see the module docstring
    from notifier.db import DriverMissing
    from notifier.operations.maintenance import MaintenanceRefused
    from notifier.workflow import WorkflowError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DriverMissing as exc:
        print(f"notifier: {exc}", file=sys.stderr)
        return 2
    except MaintenanceRefused as exc:
        print(f"notifier {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except WorkflowError as exc:
        print(f"notifier: broken workflow file: {exc}", file=sys.stderr)
        return 1
    except CliError as exc:
        print(f"notifier {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        print(f"notifier: invalid settings: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
