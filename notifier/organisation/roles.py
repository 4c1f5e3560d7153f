"""The organisation's contact roles: the one list the profile, the workflow files and the settings form share."""

from typing import Literal

CONTACT_ROLES = ("reporting_officer", "deputy", "ciso", "dpo")
ContactRole = Literal[CONTACT_ROLES]  # type: ignore[valid-type]
