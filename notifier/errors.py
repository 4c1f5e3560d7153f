"""Domain errors the HTTP layer turns into 4xx answers with a JSON body."""


class NotFound(Exception):
    def __init__(self, what: str):
        super().__init__(f"{what} not found")


class FieldProblem(Exception):
    """Input that is well-formed but not acceptable; names the field (answered as 422)."""

    def __init__(self, field: str, message: str, kind: str = "value_error", params: dict | None = None):
        self.field, self.message, self.kind = field, message, kind
        # What the pages need to say it in the user's language (notifier/web/incidents.py refused()).
        self.params = params or {}
        super().__init__(f"{field}: {message}")


class Conflict(Exception):
    """A request that contradicts what is stored (answered as 409)."""


class PreconditionFailed(Exception):
    """An If-Match naming a version that is no longer the stored one: someone else wrote first (answered as 412)."""
