"""What the API and the settings page accept and answer for the product register."""

from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from notifier.organisation.classification import MEMBER_STATES


def _member_state(code: str) -> str:
    code = code.strip().upper()
    if code not in MEMBER_STATES:
        raise ValueError(f"{code!r} is not an EU/EEA member state (ISO 3166 alpha-2, e.g. NL, DE, BE)")
    return code


def _distinct(codes: list[str]) -> list[str]:
    return list(dict.fromkeys(codes))


# One line each: the name and version travel into the reports' headings and the single reporting platform's form.
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^\r\n]*$")]
Version = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[^\r\n]*$")]
MemberStates = Annotated[
    list[Annotated[str, AfterValidator(_member_state)]], Field(min_length=1), AfterValidator(_distinct)
]


class ProductIn(BaseModel):
    name: Name
    version: Version
    member_states: MemberStates = Field(description="ISO 3166 alpha-2 codes of the EU/EEA member states")


class ProductPatch(BaseModel):
    """PATCH: only the fields given change."""

    name: Name | None = None
    version: Version | None = None
    member_states: MemberStates | None = None


class ProductOut(BaseModel):
    id: int
    name: str
    version: str
    member_states: list[str]
