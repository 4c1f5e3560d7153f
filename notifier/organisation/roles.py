"""The organisation's contact roles: the one list the profile, the workflow files and the settings form share."""

from typing import Literal

# contact_point: the "other contact point" of AVG art. 33(3)(b), named in AVG reports when there is no DPO.
CONTACT_ROLES = ("reporting_officer", "deputy", "ciso", "dpo", "contact_point")
ContactRole = Literal[CONTACT_ROLES]  # type: ignore[valid-type]
