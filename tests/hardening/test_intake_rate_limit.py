"""The intake's budgets: per source for authenticated alerts, per client address for wrong credentials."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from freezegun import freeze_time

from notifier.http.ratelimit import TokenBucketLimiter, retry_after_header
from tests.intake.conftest import INTAKE_AUTH, INTAKE_TOKEN, alert_count, generic, post_alert

T0 = "2026-11-23 10:00:00"
WRONG = {"Authorization": "Bearer wrong-token"}


@pytest.fixture
def settings(settings):
    update = {
        "intake_token": INTAKE_TOKEN,
        "intake_writer": "thread",
        "intake_rate_limit": 1,
        "intake_rate_burst": 3,
        "intake_auth_failures_per_minute": 5,
    }
    return settings.model_copy(update=update)


@pytest.fixture
def intake(app):
    with TestClient(app) as c:
        yield c


def test_a_source_over_its_budget_gets_429_with_retry_after_and_nothing_is_stored(app, intake):
    with freeze_time(T0) as frozen:
        answers = [post_alert(intake, "generic", generic(f"a-{i}")) for i in range(4)]
        assert [a.status_code for a in answers] == [202, 202, 202, 429]
        refused = answers[-1]
        assert refused.headers["retry-after"] == "1"
        assert refused.json()["detail"] == "rate limit of intake source 'generic' exceeded; retry later"
        assert alert_count(app) == 3  # the 429 stored nothing
        # Another source has its own budget.
        other = post_alert(intake, "wazuh", {"id": "w-1"})
        assert other.status_code != 429
        stored_elsewhere = int(other.status_code == 202)

        frozen.tick(timedelta(seconds=1))
        assert post_alert(intake, "generic", generic("a-3")).status_code == 202
        assert post_alert(intake, "generic", generic("a-4")).status_code == 429
        assert alert_count(app) == 4 + stored_elsewhere


def test_wrong_credentials_never_spend_a_source_budget(app, intake):
    with freeze_time(T0) as frozen:
        failures = [post_alert(intake, "generic", generic(f"x-{i}"), headers=WRONG) for i in range(8)]
        assert [f.status_code for f in failures] == [401] * 5 + [429] * 3
        # 5 per minute: the next failure is allowed 12 s later.
        assert failures[-1].headers["retry-after"] == "12"
        assert failures[-1].json()["detail"] == (
            "too many requests with wrong credentials from this address; retry later"
        )
        # The same address with the right token is not refused, and the source still has its whole burst.
        good = [post_alert(intake, "generic", generic(f"g-{i}"), headers=INTAKE_AUTH) for i in range(3)]
        assert [g.status_code for g in good] == [202, 202, 202]
        assert alert_count(app) == 3

        frozen.tick(timedelta(seconds=12))
        assert post_alert(intake, "generic", generic("y"), headers=WRONG).status_code == 401
        assert post_alert(intake, "generic", generic("y"), headers=WRONG).status_code == 429


def test_failures_are_counted_per_client_address(app):
    with (
        freeze_time(T0),
        TestClient(app, client=("192.0.2.10", 1)) as one,
        TestClient(app, client=("192.0.2.11", 1)) as two,
    ):
        assert {post_alert(one, "generic", generic(), headers=WRONG).status_code for _ in range(6)} == {401, 429}
        assert post_alert(two, "generic", generic(), headers=WRONG).status_code == 401
        # X-Forwarded-For from an untrusted peer changes nothing.
        spoofed = {**WRONG, "X-Forwarded-For": "203.0.113.99"}
        assert post_alert(one, "generic", generic(), headers=spoofed).status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(settings, tmp_path):
    from notifier.main import create_app

    app = create_app(settings.model_copy(update={"trusted_proxies": "10.0.0.0/8"}))
    try:
        with freeze_time(T0), TestClient(app, client=("10.1.2.3", 1)) as proxy:
            first = {**WRONG, "X-Forwarded-For": "203.0.113.1"}
            assert [post_alert(proxy, "generic", generic(), headers=first).status_code for _ in range(6)][-1] == 429
            second = {**WRONG, "X-Forwarded-For": "203.0.113.2, 10.9.9.9"}  # through two of our proxies
            assert post_alert(proxy, "generic", generic(), headers=second).status_code == 401
    finally:
        app.state.engine.dispose()


def test_zero_turns_both_limits_off(settings):
    from notifier.main import create_app

    app = create_app(settings.model_copy(update={"intake_rate_limit": 0, "intake_auth_failures_per_minute": 0}))
    try:
        with freeze_time(T0), TestClient(app) as c:
            assert {post_alert(c, "generic", generic(f"a-{i}")).status_code for i in range(10)} == {202}
            assert {post_alert(c, "generic", generic(), headers=WRONG).status_code for _ in range(10)} == {401}
    finally:
        app.state.engine.dispose()


def test_by_default_no_rate_limit_refuses_an_authenticated_source():
    """Issue 18: a limit below the writer's capacity loses alerts; backpressure (the queue) refuses instead."""
    from notifier.config import Settings

    s = Settings()
    assert s.intake_rate_limit == 0
    bucket = TokenBucketLimiter(s.intake_rate_limit, s.intake_rate_burst, now=lambda: 0.0)
    # 55,000 alerts in the same instant (the storm that got 35,415 answers 429 with the old default): none refused.
    assert not bucket.enabled
    assert sum(bucket.take("generic") > 0 for _ in range(55_000)) == 0


def test_bucket_refills_caps_and_prunes():
    now = [100.0]
    bucket = TokenBucketLimiter(rate=2, burst=2, now=lambda: now[0])
    assert [bucket.take("k") for _ in range(3)] == [0.0, 0.0, 0.5]
    now[0] += 0.5
    assert bucket.take("k") == 0.0
    now[0] += 3600  # a long pause refills to the burst, not beyond
    assert [bucket.take("k") > 0 for _ in range(3)] == [False, False, True]
    now[0] -= 60  # a wall clock stepped back drains nothing
    assert bucket.take("other") == 0.0
    # Past the table size, a new key first drops every bucket that has refilled completely.
    many = TokenBucketLimiter(rate=1, burst=2, now=lambda: now[0])
    many._prune_at = 4
    for key in range(4):
        many.take(key)
    now[0] += 10
    many.take("new")
    assert list(many._buckets) == ["new"]
    assert many._prune_at == TokenBucketLimiter.PRUNE_AT
    assert [retry_after_header(x) for x in (0.01, 1.0, 1.2, 899.5)] == ["1", "1", "2", "900"]
