"""The roles, lowest first: each may do what the ones before it may."""

ROLES = ("viewer", "officer", "administrator")
RANK = {role: i for i, role in enumerate(ROLES)}


def at_least(role: str, needed: str) -> bool:
    """Whether `role` may do what `needed` may; an unknown role may do nothing."""
    return RANK.get(role, -1) >= RANK[needed]
