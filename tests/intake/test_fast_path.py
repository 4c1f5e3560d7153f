"""The intake's fast path ahead of the web stack keeps what that stack gave the answers, and takes nothing else."""

from notifier.intake.fast_path import IntakeFastPath
from tests.intake.conftest import INTAKE_AUTH, generic, post_alert


def test_accepted_and_refused_intake_answers_carry_the_security_headers(client):
    accepted = post_alert(client, "generic", generic("fast-1"))
    refused = post_alert(client, "generic", generic("fast-2"), headers={"Authorization": "Bearer wrong"})
    unknown = post_alert(client, "qradar", generic("fast-3"))
    assert (accepted.status_code, refused.status_code, unknown.status_code) == (202, 401, 404)
    for response in (accepted, refused, unknown):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        expected = "application/json" if response is accepted else "application/problem+json"
        assert response.headers["content-type"] == expected
    assert refused.headers["www-authenticate"] == "Bearer"
    assert "set-cookie" not in accepted.headers  # the session middleware is not on this path


def test_the_intake_is_served_by_the_fast_path_middleware(app):
    # Outermost among the app's own middleware, so nothing of the web stack runs before it.
    assert app.user_middleware[0].cls is IntakeFastPath


def test_other_requests_under_the_prefix_go_through_normal_routing(client):
    # Not a POST, or a deeper path: the router answers as for any unknown route, with the usual headers.
    wrong_method = client.get("/api/v1/intake/generic", headers=INTAKE_AUTH)
    deeper = client.post("/api/v1/intake/generic/extra", json=generic("fast-4"), headers=INTAKE_AUTH)
    assert wrong_method.status_code == 405
    assert deeper.status_code in (404, 405)
    for response in (wrong_method, deeper):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "detail" in response.json()


def test_the_intake_route_is_still_documented(client):
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/v1/intake/{source}"]["post"]
    assert {"202", "200", "400", "401", "404", "413", "422"} <= set(operation["responses"])
