"""What `notifier serve` works out for a newcomer: the address e-mail links use when NOTIFIER_BASE_URL is not set
(the one it binds to, so a link opens on the host the session cookie belongs to), and how to create the first
administrator while nobody can sign in."""

import ipaddress
import shlex
import shutil
import sys
from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from notifier.accounts.models import User

WILDCARDS = {"0.0.0.0", "::", ""}


def default_base_url(host: str, port: int) -> str:
    """http://<host>:<port> for the address `serve` binds to; a wildcard address names no host, so localhost."""
    if host in WILDCARDS:
        host = "localhost"
    else:
        try:
            if ipaddress.ip_address(host).version == 6:
                host = f"[{host}]"
        except ValueError:
            pass  # a host name
    return f"http://{host}:{port}"


def command_name() -> str:
    """How this shell reaches the CLI: `notifier` when it is on the PATH, else the path of the running one."""
    if shutil.which("notifier"):
        return "notifier"
    running = Path(sys.argv[0])
    if running.name in ("notifier", "meldplicht") and running.exists():
        return shlex.quote(str(running))
    return f"{shlex.quote(sys.executable)} -m notifier.cli"


def first_administrator_hint(engine: Engine, base_url: str) -> dict[str, str] | None:
    """The fields of the `first_run.no_administrator` log line while the database has no user (a served process
    writes only JSON lines, so the hint is one of them); None once somebody can sign in."""
    with Session(engine) as session:
        if session.exec(select(func.count()).select_from(User)).one() > 0:
            return None
    return {
        "hint": (
            "nobody can sign in yet: create the first administrator with the command below (the password is read "
            "from stdin, at least 12 characters; two-factor authentication is set up at the first sign-in)"
        ),
        "command": f"{command_name()} users add --email you@example.org --name 'Your Name' --role administrator "
        "--password-stdin",
        "then_open": f"{base_url.rstrip('/')}/signin",
    }
