"""The OpenAPI document's conventions: stable operationIds, problem-details error bodies, the intake's security
schemes, Location on 201 and the paging headers of list answers.

The operationIds are pinned to the HTTP contract (method and path), not to Python function names, so a refactor
cannot rename what generated clients call; tests/operations/test_api_conventions.py fails for a route missing here.
"""

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from notifier.problems import MEDIA_TYPE, FieldError, Problem, ValidationProblem

OPERATION_IDS = {
    ("GET", "/healthz"): "getHealth",
    ("GET", "/readyz"): "getReadiness",
    ("GET", "/metrics"): "getMetrics",
    ("POST", "/api/v1/intake/{source}"): "receiveAlert",
    ("GET", "/api/v1/intake-sources"): "listIntakeSources",
    ("PUT", "/api/v1/intake-sources/{source}"): "setIntakeSourceCredentials",
    ("DELETE", "/api/v1/intake-sources/{source}"): "deleteIntakeSourceCredentials",
    ("GET", "/api/v1/organisation"): "getOrganisation",
    ("PUT", "/api/v1/organisation"): "putOrganisation",
    ("POST", "/api/v1/incidents"): "createIncident",
    ("GET", "/api/v1/incidents"): "listIncidents",
    ("GET", "/api/v1/incidents/{incident_id}"): "getIncident",
    ("POST", "/api/v1/incidents/{incident_id}/events"): "postIncidentEvent",
    ("GET", "/api/v1/incidents/{incident_id}/audit"): "getIncidentAudit",
    ("GET", "/api/v1/incidents/{incident_id}/alerts"): "listIncidentAlerts",
    ("POST", "/api/v1/incidents/{incident_id}/merge"): "mergeIncident",
    ("POST", "/api/v1/incidents/{incident_id}/split"): "splitIncident",
    ("GET", "/api/v1/incidents/{incident_id}/assessment/questions"): "getAssessmentQuestions",
    ("POST", "/api/v1/incidents/{incident_id}/assessments"): "createAssessment",
    ("GET", "/api/v1/incidents/{incident_id}/assessments"): "listAssessments",
    ("GET", "/api/v1/incidents/{incident_id}/assessments/export"): "exportAssessments",
    ("GET", "/api/v1/incidents/{incident_id}/assessments/{version}"): "getAssessment",
    ("POST", "/api/v1/incidents/{incident_id}/assessments/{version}/confirm"): "confirmAssessment",
    ("GET", "/api/v1/incidents/{incident_id}/facts"): "getIncidentFacts",
    ("PATCH", "/api/v1/incidents/{incident_id}/facts"): "patchIncidentFacts",
    ("GET", "/api/v1/incidents/{incident_id}/submissions"): "listSubmissions",
    ("GET", "/api/v1/incidents/{incident_id}/submissions/filed/{submission_id}"): "getFiledSubmission",
    ("GET", "/api/v1/incidents/{incident_id}/submissions/filed/{submission_id}/print"): "printFiledSubmission",
    ("GET", "/api/v1/incidents/{incident_id}/submissions/filed/{submission_id}/pdf"): "getFiledSubmissionPdf",
    ("GET", "/api/v1/incidents/{incident_id}/submissions/{regime}/{stage}"): "getSubmissionDraft",
    ("GET", "/api/v1/incidents/{incident_id}/submissions/{regime}/{stage}/print"): "printSubmissionDraft",
    ("GET", "/api/v1/incidents/{incident_id}/submissions/{regime}/{stage}/pdf"): "getSubmissionDraftPdf",
    ("GET", "/api/v1/incidents/{incident_id}/reports/{regime}/{stage}.json"): "getReportExport",
    ("GET", "/api/v1/incidents/{incident_id}/reports/{regime}/{stage}/gaps"): "getReportExportGaps",
    ("GET", "/api/v1/register/breaches"): "listBreaches",
    ("GET", "/api/v1/processors"): "listProcessors",
    ("POST", "/api/v1/processors"): "createProcessor",
    ("GET", "/api/v1/processors/report"): "getProcessorsReport",
    ("GET", "/api/v1/processors/{processor_id}"): "getProcessor",
    ("PUT", "/api/v1/processors/{processor_id}"): "updateProcessor",
    ("GET", "/api/v1/processors/{processor_id}/report"): "getProcessorReport",
    ("POST", "/api/v1/incidents/{incident_id}/processors"): "linkIncidentProcessor",
    ("GET", "/api/v1/incidents/{incident_id}/processors"): "listIncidentProcessors",
    ("GET", "/api/v1/products"): "listProducts",
    ("POST", "/api/v1/products"): "createProduct",
    ("GET", "/api/v1/products/{product_id}"): "getProduct",
    ("PATCH", "/api/v1/products/{product_id}"): "updateProduct",
    ("DELETE", "/api/v1/products/{product_id}"): "deleteProduct",
    ("GET", "/api/v1/calendar/token"): "getCalendarToken",
    ("POST", "/api/v1/calendar/token"): "rotateCalendarToken",
    ("POST", "/api/v1/organisations"): "createOrganisation",
    ("GET", "/api/v1/organisations"): "listOrganisations",
    ("GET", "/api/v1/organisations/{slug}"): "getOrganisationSummary",
    ("POST", "/api/v1/organisations/{slug}/tokens"): "createApiToken",
    ("GET", "/api/v1/organisations/{slug}/tokens"): "listApiTokens",
    ("DELETE", "/api/v1/organisations/{slug}/tokens/{token_id}"): "revokeApiToken",
}

INTAKE_SCHEMES = {
    "IntakeBearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "NOTIFIER_INTAKE_TOKEN or the source's own token (PUT /api/v1/intake-sources/{source})",
    },
    "IntakeQueryToken": {
        "type": "apiKey",
        "in": "query",
        "name": "token",
        "description": "the same token as a query parameter, for tools that cannot set a header",
    },
}

PAGING_HEADERS = {
    "X-Total-Count": {"description": "how many items there are in all pages", "schema": {"type": "integer"}},
    "Link": {"description": 'RFC 8288 links to the `rel="next"` and `rel="prev"` pages', "schema": {"type": "string"}},
}
LOCATION = {"Location": {"description": "the path of the created resource", "schema": {"type": "string"}}}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def operation_id(route: APIRoute) -> str:
    """FastAPI's generate_unique_id_function: the pinned id, or (for a route not yet pinned) its camelCase name."""
    for method in sorted(route.methods or ()):
        pinned = OPERATION_IDS.get((method, route.path_format))
        if pinned:
            return pinned
    return _camel(re.sub(r"\W", "_", route.name))


def _component(model: Any) -> dict:
    return model.model_json_schema(ref_template="#/components/schemas/{model}")


PROBES = ("/healthz", "/readyz")
READINESS = {
    "type": "object",
    "required": ["status", "checks"],
    "properties": {"status": {"type": "string", "enum": ["ready", "not ready"]}, "checks": {"type": "object"}},
}


def _problem_content(status: str) -> dict:
    name = "ValidationProblem" if status == "422" else "Problem"
    return {MEDIA_TYPE: {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def _conventions(schema: dict) -> dict:
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    validation = _component(ValidationProblem)
    schemas.update(validation.pop("$defs", {}))
    schemas.update(Problem=_component(Problem), ValidationProblem=validation, FieldError=_component(FieldError))
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    components.setdefault("securitySchemes", {}).update(INTAKE_SCHEMES)
    for path, operations in schema.get("paths", {}).items():
        for method, op in operations.items():
            if path in PROBES:
                # Public, parameterless probes: the app-wide 401/404 answers never come from them.
                for status in ("401", "404"):
                    op.get("responses", {}).pop(status, None)
            for status, answer in op.get("responses", {}).items():
                if (path, status) == ("/readyz", "503"):
                    # What load balancers read: the same body as the 200, not problem details (its `status` is a word).
                    answer["content"] = {"application/json": {"schema": READINESS}}
                elif status[:1] in {"4", "5"}:
                    answer["content"] = _problem_content(status)
                elif status == "201":
                    answer.setdefault("headers", {}).update(LOCATION)
                elif status == "200" and any(p["name"] == "offset" for p in op.get("parameters", [])):
                    answer.setdefault("headers", {}).update(PAGING_HEADERS)
            if (method.upper(), path) == ("POST", "/api/v1/intake/{source}"):
                op["security"] = [{"IntakeBearer": []}, {"IntakeQueryToken": []}]
    return schema


def install(app: FastAPI) -> None:
    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
                servers=app.servers,
            )
            app.openapi_schema = _conventions(schema)
        return app.openapi_schema

    app.openapi = openapi
