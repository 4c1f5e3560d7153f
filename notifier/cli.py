"""The `notifier` command: serve, db upgrade, deadlines, audit verify."""

import argparse
import json
import sys
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError


class CliError(Exception):
    """Bad input: printed as one line, exit status 2."""


def _instant(flag: str, value: str | None) -> datetime | None:
    from notifier import instants  # the same instant rules as the API and the forms

    if value is None:
        return None
    try:
        return instants.parse(value)
    except instants.InstantError as exc:
        raise CliError(f"{flag}: {value!r} {exc}") from exc


def _zone(value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CliError(f"--timezone: unknown time zone {value!r}") from exc


def cmd_deadlines(args: argparse.Namespace) -> int:
    from notifier.config import PROJECT_ROOT
    from notifier.deadlines.rules import Anchors, compute_due
    from notifier.workflow import load_registry

    zone = _zone(args.timezone)
    aware = _instant("--aware-at", args.aware_at)
    notified = _instant("--notification-submitted-at", args.notification_submitted_at)
    resolved = _instant("--resolved-at", args.resolved_at)
    registry = load_registry(PROJECT_ROOT / "workflows")
    workflow = registry.get(args.regime)
    if workflow is None:
        raise CliError(f"--regime: unknown regime {args.regime!r}")
    submitted = {"incident_notification": [notified]} if notified else {}
    anchors = Anchors(
        aware_at=aware,
        resolved_at=resolved,
        submitted=submitted,
        declaration={"risk": "risk"},  # the CLI answers for a breach that must be notified
        conditions={"organisation.trust_service_provider": args.trust_service},
    )
    items = [
        {
            "stage": d.stage,
            "due": d.due.astimezone(zone).isoformat(),
            "provisional": d.provisional,
            "legal_basis": d.legal_basis,
        }
        for d in compute_due(workflow, anchors, zone)
        if d.due is not None
    ]
    if args.json:
        print(json.dumps(items, indent=2))
    else:
        for item in items:
            flag = " (provisional)" if item["provisional"] else ""
            print(f"{item['stage']:<24} {item['due']}{flag}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from notifier.main import create_served_app

    workers = getattr(args, "workers", 1)
    if workers > 1:
        # Each worker is its own process (and its own intake writer; SQLite's write lock serialises their batches).
        # Migrate once here so the workers do not race to do it.
        from notifier import migrate
        from notifier.config import get_settings

        migrate.upgrade(get_settings().database_url)
        uvicorn.run(
            "notifier.main:create_served_app",
            factory=True,
            workers=workers,
            host=args.host,
            port=args.port,
            log_level="warning",
            proxy_headers=True,
        )
        return 0
    app = create_served_app()
    print(
        f"meldplicht serving on http://{args.host}:{args.port} (API token: NOTIFIER_API_TOKEN or "
        f"{app.state.settings.var_dir}/api-token)",
        file=sys.stderr,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", proxy_headers=True)
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from notifier import migrate
    from notifier.config import get_settings

    settings = get_settings()
    migrate.upgrade(settings.database_url, args.revision)
    print(f"database at {settings.database_url.split('@')[-1]} is at {args.revision}")
    return 0


def cmd_tick(args: argparse.Namespace) -> int:
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
    from notifier.operations.copy import CopyRefused, copy_database

    try:
        copy_database(args.source, args.target, progress=lambda table, n: print(f"{table}: {n}"))
    except CopyRefused as exc:
        raise CliError(str(exc)) from exc
    print("copy complete; run `notifier audit verify` against the new database")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from notifier.audit.chain import verify
    from notifier.config import get_settings
    from notifier.db import make_engine

    engine = make_engine(get_settings().database_url)
    with Session(engine) as session:
        result = verify(session)
    engine.dispose()
    if result.ok:
        print(f"audit chain intact: {result.records} records")
        return 0
    for problem in result.problems:
        print(problem, file=sys.stderr)
    print(f"audit chain BROKEN: {len(result.problems)} problem(s) in {result.records} records", file=sys.stderr)
    return 1


def cmd_users_add(args: argparse.Namespace) -> int:
    import getpass

    from sqlmodel import Session

    from notifier import migrate
    from notifier.config import get_settings
    from notifier.db import make_engine
    from notifier.errors import FieldProblem
    from notifier.web.auth import create_user

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
        with Session(engine) as session:
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
            session.commit()
            email, role = user.email, user.role
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


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line and exit status 2, like every other bad input."""

    def error(self, message: str):  # noqa: ANN201
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="notifier", description="meldplicht incident notification orchestrator")
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
    copy = db_sub.add_parser("copy", help="copy every row to another (empty) database, e.g. SQLite -> PostgreSQL")
    copy.add_argument("--from", dest="source", required=True, help="source database URL")
    copy.add_argument("--to", dest="target", required=True, help="target database URL (migrated, must be empty)")
    copy.set_defaults(func=cmd_db_copy)

    deadlines = sub.add_parser("deadlines", help="compute the deadlines of a regime (no database needed)")
    deadlines.add_argument("--regime", required=True, help="a regime from workflows/ (cbw, avg)")
    deadlines.add_argument("--aware-at", required=True, help="ISO 8601 with offset")
    deadlines.add_argument("--trust-service", action="store_true", help="trust service provider (24 h notification)")
    deadlines.add_argument("--notification-submitted-at", help="ISO 8601 with offset")
    deadlines.add_argument("--resolved-at", help="ISO 8601 with offset")
    deadlines.add_argument("--timezone", default="Europe/Amsterdam")
    deadlines.add_argument("--json", action="store_true", help="print a JSON array")
    deadlines.set_defaults(func=cmd_deadlines)

    tick = sub.add_parser("tick", help="run one reminder sweep and one delivery pass now; one JSON line per action")
    tick.add_argument("--now", help="act as if at this instant (ISO 8601 with offset)")
    tick.set_defaults(func=cmd_tick)

    users = sub.add_parser("users", help="people who sign in to the web pages")
    users_sub = users.add_subparsers(dest="users_command", required=True, parser_class=OneLineParser)
    users_add = users_sub.add_parser("add", help="add a user (e.g. the first administrator)")
    users_add.add_argument("--email", required=True)
    users_add.add_argument("--name", required=True)
    users_add.add_argument("--role", required=True, choices=["administrator", "officer", "viewer"])
    users_add.add_argument("--language", choices=["nl", "en"], help="default: the browser's language")
    users_add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    users_add.set_defaults(func=cmd_users_add)

    audit = sub.add_parser("audit", help="the audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, parser_class=OneLineParser)
    verify = audit_sub.add_parser("verify", help="check the hash chain; exit 1 if anything was changed")
    verify.set_defaults(func=cmd_audit_verify)
    return parser


def main(argv: list[str] | None = None) -> int:
    from notifier.workflow import WorkflowError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
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
