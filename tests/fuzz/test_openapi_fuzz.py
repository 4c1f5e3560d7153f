"""Schemathesis against the app's own OpenAPI schema, in-process (ASGI), authenticated with the API token.

Every operation in the schema is exercised (nothing excluded); each answer must not be a 500, must use a status code
the operation documents, and must match the documented response schema. The number of examples per operation is
bounded so the run fits in CI; FUZZ_EXAMPLES raises it for a longer run.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from notifier.main import create_app
from tests.conftest import AUTH, HOSPITAL

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))


@pytest.fixture
def api_schema(settings):
    app = create_app(settings)
    from fastapi.testclient import TestClient

    with TestClient(app, headers=AUTH) as client:  # runs the lifespan (migrations) and gives us an organisation
        assert client.put("/api/v1/organisation", json=HOSPITAL).status_code == 200
        assert client.post("/api/v1/incidents", json={"title": "Fuzz", "summary": "x"}).status_code == 201
        yield schemathesis.openapi.from_asgi("/openapi.json", app)
    app.state.engine.dispose()


def test_no_server_error_and_answers_match_the_schema(api_schema):
    # One Hypothesis run per operation, all of them, collecting every failure so one CI run shows them all.
    failures = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 30
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):  # noqa: ANN001
            case.call_and_validate(
                headers=AUTH, checks=[not_a_server_error, status_code_conformance, response_schema_conformance]
            )

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001  (collected and reported below)
            parts = exc.exceptions if isinstance(exc, BaseExceptionGroup) else [exc]
            failures.append(f"{operation.label}: " + "\n".join(str(e)[:2000] for e in parts))
    assert not failures, "\n\n".join(failures)
