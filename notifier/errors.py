"""Domain errors the HTTP layer turns into 4xx answers with a JSON body."""


class NotFound(Exception):
    def __init__(self, what: str):
        super().__init__(f"{what} not found")


class FieldProblem(Exception):
    """Input that is well-formed but not acceptable; names the field (answered as 422)."""

    def __init__(
        self, field: str, message: str, kind: str = "value_error", params: dict | None = None, key: str | None = None
    ):
        self.field, self.message, self.kind = field, message, kind
        # What the pages need to say it in the user's language (notifier/web/incidents.py refused()): the page
        # catalogue's key and its values; the message stays English for the API.
        self.params, self.key = params or {}, key
        super().__init__(f"{field}: {message}")


class Conflict(Exception):
    """A request that contradicts what is stored (answered as 409). `key` and `params` let the pages say it in the
    reader's language (notifier/web/i18n.py); the message is the API's."""

    def __init__(self, message: str, key: str | None = None, **params: object):
        self.key, self.params = key, params
        super().__init__(message)


class PreconditionFailed(Exception):
    """An If-Match naming a version that is no longer the stored one: someone else wrote first (answered as 412)."""
