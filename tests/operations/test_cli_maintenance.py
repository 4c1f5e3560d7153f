"""The operator's commands: --version, db backup / current / copy, users list, the settings every command honours,
and a PostgreSQL URL without the postgres extra. Each runs the real `notifier` in its own process."""

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tomllib

import pytest

from notifier.config import PROJECT_ROOT
from tests.conftest import fresh_database

PASSWORD = "a long enough password"
VERSION = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["version"]
ON_POSTGRES = bool(os.environ.get("NOTIFIER_TEST_DATABASE_URL"))


def notifier(*args: str, env: dict | None = None, stdin: str | None = None, cwd=None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("NOTIFIER_") or k == "NOTIFIER_TEST_DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "notifier.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, **(env or {})},
        input=stdin,
        cwd=cwd,
    )


@pytest.fixture
def migrated(db_url, tmp_path) -> dict:
    env = {"NOTIFIER_DATABASE_URL": db_url, "NOTIFIER_VAR_DIR": str(tmp_path / "var")}
    assert notifier("db", "upgrade", env=env).returncode == 0
    return env


def test_version_names_the_distribution():
    result = notifier("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"meldplicht {VERSION}"


def test_deadlines_reads_the_regimes_from_notifier_workflows_dir(tmp_path):
    own = tmp_path / "workflows"
    own.mkdir()
    for name in ("facts.yaml", "cbw.yaml"):  # no avg.yaml: this installation knows only the Cbw
        shutil.copy(PROJECT_ROOT / "workflows" / name, own / name)
    args = ("deadlines", "--regime", "avg", "--aware-at", "2026-03-28T10:00:00+01:00")
    assert notifier(*args).returncode == 0
    result = notifier(*args, env={"NOTIFIER_WORKFLOWS_DIR": str(own)})
    assert result.returncode == 2 and "unknown regime 'avg'" in result.stderr, result.stderr
    cbw = notifier("deadlines", "--regime", "cbw", *args[3:], env={"NOTIFIER_WORKFLOWS_DIR": str(own)})
    assert cbw.returncode == 0 and "early_warning" in cbw.stdout
    broken = notifier(*args, env={"NOTIFIER_WORKFLOWS_DIR": str(tmp_path / "nowhere")})
    assert broken.returncode == 1 and str(tmp_path / "nowhere") in broken.stderr


def test_db_current_says_whether_the_schema_is_at_head(db_url, tmp_path):
    if not ON_POSTGRES:
        sqlite3.connect(db_url.removeprefix("sqlite:///")).close()  # an existing, empty database file
    env = {"NOTIFIER_DATABASE_URL": db_url}
    empty = notifier("db", "current", env=env)
    assert empty.returncode == 1 and "none (empty database)" in empty.stdout, empty.stdout + empty.stderr
    assert "notifier db upgrade" in empty.stderr
    assert notifier("db", "upgrade", env=env).returncode == 0
    current = notifier("db", "current", env=env)
    assert current.returncode == 0 and current.stdout.rstrip().endswith("(head)"), current.stdout + current.stderr


def test_db_current_does_not_create_a_missing_sqlite_file(tmp_path):
    missing = tmp_path / "typo" / "notifier.db"
    result = notifier("db", "current", env={"NOTIFIER_DATABASE_URL": f"sqlite:///{missing}"})
    assert result.returncode == 2 and "no database file" in result.stderr, result.stderr
    assert not missing.exists() and not missing.parent.exists()


def test_users_list_shows_every_user_with_role_and_two_factor_state(migrated):
    for email, role in (("b.officer@example.org", "officer"), ("a.admin@example.org", "administrator")):
        added = notifier(
            "users", "add", "--email", email, "--name", email.split("@")[0], "--role", role, "--password-stdin",
            env=migrated,
            stdin=PASSWORD + "\n",
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
    table = notifier("users", "list", env=migrated)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["a.admin@example.org", "administrator"],
        ["b.officer@example.org", "officer"],
    ]
    assert all("no TOTP" in line for line in lines)
    rows = json.loads(notifier("users", "list", "--json", env=migrated).stdout)
    assert {r["email"]: r["role"] for r in rows} == {
        "a.admin@example.org": "administrator",
        "b.officer@example.org": "officer",
    }
    assert all(r["totp"] is False and "password_hash" not in r for r in rows)


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite backup; PostgreSQL is test_db_backup_explains_pg_dump_...")
def test_db_backup_copies_a_running_sqlite_database_into_one_private_file(migrated, tmp_path):
    added = notifier(
        "users", "add", "--email", "dpo@example.org", "--name", "DPO", "--role", "officer", "--password-stdin",
        env=migrated,
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    # A connection holding a read transaction open, as a serving process would, does not stop the backup.
    live = sqlite3.connect(migrated["NOTIFIER_DATABASE_URL"].removeprefix("sqlite:///"))
    live.execute("BEGIN")
    live.execute("SELECT count(*) FROM users").fetchone()
    target = tmp_path / "backups" / "meldplicht-2026-06-01.db"
    target.parent.mkdir()
    try:
        result = notifier("db", "backup", "--to", str(target), env=migrated)
    finally:
        live.rollback()
        live.close()
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no -wal/-shm beside it
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("SELECT email FROM users").fetchall() == [("dpo@example.org",)]
        assert copy.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1
    finally:
        copy.close()
    # The service runs on the backup (restore = put the file in place).
    restored = {**migrated, "NOTIFIER_DATABASE_URL": f"sqlite:///{target}"}
    assert "(head)" in notifier("db", "current", env=restored).stdout
    again = notifier("db", "backup", "--to", str(target), env=migrated)
    assert again.returncode == 2 and "exists" in again.stderr


def test_db_backup_refuses_a_missing_sqlite_file(tmp_path):
    missing = tmp_path / "notifier.db"
    result = notifier(
        "db", "backup", "--to", str(tmp_path / "b.db"), env={"NOTIFIER_DATABASE_URL": f"sqlite:///{missing}"}
    )
    assert result.returncode == 2 and "no database file" in result.stderr
    assert not missing.exists() and not (tmp_path / "b.db").exists()


def test_db_backup_explains_pg_dump_for_postgresql_without_showing_the_password(tmp_path):
    url = "postgresql+psycopg://meldplicht:s3cr3t-pw@db.internal:5433/meldplicht"
    result = notifier("db", "backup", "--to", str(tmp_path / "b.dump"), env={"NOTIFIER_DATABASE_URL": url})
    assert result.returncode == 2
    assert "pg_dump --format=custom --file FILE --host db.internal --port 5433 --username meldplicht meldplicht" in (
        result.stderr
    )
    assert "s3cr3t-pw" not in result.stderr + result.stdout
    assert not (tmp_path / "b.dump").exists()


def test_db_copy_refuses_urls_on_the_command_line_and_says_how_instead(db_url, tmp_path):
    result = notifier("db", "copy", "--from", db_url, "--to", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 2
    assert "--to-env" in result.stderr and "--to-file" in result.stderr and "visible" in result.stderr
    assert not (tmp_path / "x.db").exists()
    missing = notifier("db", "copy", "--to-env", "MELDPLICHT_NOT_SET")
    assert missing.returncode == 2 and "MELDPLICHT_NOT_SET is not set" in missing.stderr
    assert notifier("db", "copy").returncode == 2


def test_db_copy_reads_the_target_url_from_a_file(migrated, tmp_path):
    added = notifier(
        "users", "add", "--email", "dpo@example.org", "--name", "DPO", "--role", "viewer", "--password-stdin",
        env=migrated,
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    with fresh_database(tmp_path, "target") as target_url:
        url_file = tmp_path / "target-url"
        url_file.write_text(f"# the new PostgreSQL server\n{target_url}\n")
        url_file.chmod(0o600)
        result = notifier("db", "copy", "--to-file", str(url_file), env=migrated)
        assert result.returncode == 0, result.stderr
        assert "users: 1" in result.stdout and "warning" not in result.stderr
        url_file.chmod(0o644)
        refused = notifier("db", "copy", "--to-file", str(url_file), env=migrated)
        assert "readable by other users" in refused.stderr
        assert refused.returncode == 2 and "not empty" in refused.stderr  # the copy above filled it


def test_a_postgresql_url_without_the_postgres_extra_names_the_extra(tmp_path):
    # psycopg blocked as if not installed (a None entry in sys.modules makes its import fail).
    code = "import sys; sys.modules['psycopg'] = None; from notifier.cli import main; sys.exit(main(sys.argv[1:]))"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOTIFIER_") and k != "PYTHONPATH"} | {
        "NOTIFIER_DATABASE_URL": "postgresql+psycopg://u:pw@127.0.0.1:1/x",
        "NOTIFIER_VAR_DIR": str(tmp_path),
    }
    for args in (["db", "upgrade"], ["db", "current"]):
        result = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60, env=env, cwd=PROJECT_ROOT
        )
        assert result.returncode == 2, result.stderr
        assert "pip install 'meldplicht[postgres]'" in result.stderr and "Traceback" not in result.stderr
