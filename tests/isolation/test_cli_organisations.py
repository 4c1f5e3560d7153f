"""The operator's first steps from the command line: organisations, and users placed in one of them."""

import json

from tests.core.test_cli import run

PASSPHRASE = "a long and careful passphrase\n"


def _users(env: dict) -> list[dict]:
    listed = run("users", "list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    return json.loads(listed.stdout)


def test_organisations_and_users_from_the_command_line(db_url):
    env = {"NOTIFIER_DATABASE_URL": db_url}
    made = run("organisations", "add", "--name", "Bravo Zorggroep", "--slug", "bravo", env=env)
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["slug"] == "bravo"
    taken = run("organisations", "add", "--name", "Other", "--slug", "bravo", env=env)
    assert taken.returncode == 2 and "--slug" in taken.stderr and "exists already" in taken.stderr
    bad = run("organisations", "add", "--name", "X", "--slug", "Not A Slug", env=env)
    assert bad.returncode == 2 and "--slug" in bad.stderr
    listed = json.loads(run("organisations", "list", "--json", env=env).stdout)
    assert {o["slug"] for o in listed} == {"default", "bravo"}

    added = run(
        "users", "add", "--email", "ops@mssp.example", "--name", "Ops", "--role", "administrator",
        "--organisation", "bravo", "--operator", "--password-stdin", env=env, stdin=PASSPHRASE,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    [user] = _users(env)
    assert user["operator"] is True and user["memberships"] == [{"organisation": "bravo", "role": "administrator"}]
    unknown = run(
        "users", "add", "--email", "x@mssp.example", "--name", "X", "--role", "viewer",
        "--organisation", "nowhere", "--password-stdin", env=env, stdin=PASSPHRASE,
    )  # fmt: skip
    assert unknown.returncode == 2 and "--organisation" in unknown.stderr
    assert len(_users(env)) == 1  # nothing half-written
