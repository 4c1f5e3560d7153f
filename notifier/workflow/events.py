"""The typed bodies of POST /incidents/{id}/events, built once from the workflow files by the loader.

Each regime event becomes a model with `type: "<regime>.<event>"`; together they form one discriminated union,
so the OpenAPI schema documents every event and a malformed body gets a 422 naming the field.
"""

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema, create_model

from notifier.instants import Instant
from notifier.workflow.schema import EventField, Registry


class EventBody(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IncidentResolved(EventBody):
    type: Literal["incident.resolved"]
    resolved_at: Instant
    reasoning: str | None = Field(default=None, max_length=10_000)


def _product_ref(value: Any) -> int | str:
    """One error for anything but an id or a name (a union of int and str would answer two)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip() and len(value) <= 300:
        return value
    raise ValueError("give the product's id or its name from the product register")


# A product of the organisation's register: its id, or its name ("name version" where several versions exist).
ProductRef = Annotated[
    int | str,
    PlainValidator(_product_ref),
    WithJsonSchema({"oneOf": [{"type": "integer"}, {"type": "string", "minLength": 1, "maxLength": 300}]}),
]


def _field_type(field: EventField, stages: list[str]) -> Any:
    match field.type:
        case "datetime":
            kind: Any = Instant
        case "text":
            kind = Annotated[str, Field(min_length=1 if field.required else 0, max_length=20_000)]
        case "choice":
            kind = Literal[tuple(field.choices or [])]
        case "stage":
            kind = Literal[tuple(stages)]
        case "bool":
            kind = bool
        case "product":
            kind = ProductRef
        case _:
            kind = int
    return (kind, ...) if field.required else (kind | None, None)


def build_event_models(registry: Registry) -> dict[str, type[EventBody]]:
    models: dict[str, type[EventBody]] = {"incident.resolved": IncidentResolved}
    for wf in registry.workflows.values():
        stages = list(wf.stages)
        for name, event in wf.track.events.items():
            type_name = wf.event_type(name)
            fields = {fname: _field_type(f, stages) for fname, f in event.fields.items()}
            model_name = "".join(part.capitalize() for part in type_name.replace(".", "_").split("_")) + "Event"
            models[type_name] = create_model(model_name, __base__=EventBody, type=(Literal[type_name], ...), **fields)
    return models


def event_union(models: dict[str, type[EventBody]]) -> Any:
    return Annotated[Union[tuple(models.values())], Field(discriminator="type")]  # noqa: UP007
