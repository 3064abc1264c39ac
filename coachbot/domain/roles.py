"""People's roles and the scope each role applies to."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    TEACHER = "teacher"
    FACILITATOR = "facilitator"
    SCHOOL_ADMIN = "school_admin"
    DISTRICT_ADMIN = "district_admin"


@dataclass(frozen=True)
class RoleGrant:
    """A role held district-wide (``school_id is None``) or within one school."""

    role: Role
    school_id: int | None = None

    def covers_school(self, school_id: int | None) -> bool:
        return self.school_id is None or self.school_id == school_id


@dataclass(frozen=True)
class Actor:
    """Whoever is acting: a person with their grants, or the system itself (``person_id`` None)."""

    person_id: int | None
    district_id: int | None
    grants: frozenset[RoleGrant] = field(default_factory=frozenset)
    name: str = "CoachBot"

    @classmethod
    def system(cls, district_id: int | None = None) -> Actor:
        return cls(person_id=None, district_id=district_id)

    @property
    def is_system(self) -> bool:
        return self.person_id is None

    def has_role(self, role: Role, *, school_id: int | None = None, anywhere: bool = False) -> bool:
        """True if the actor holds ``role`` for ``school_id`` (or, with ``anywhere``, at all)."""
        return any(g.role == role and (anywhere or g.covers_school(school_id)) for g in self.grants)

    def is_admin_for(self, school_id: int | None) -> bool:
        return self.has_role(Role.DISTRICT_ADMIN) or (
            school_id is not None and self.has_role(Role.SCHOOL_ADMIN, school_id=school_id)
        )


def parse_roles(text: str) -> list[Role]:
    """Parse a roster cell such as ``"teacher; facilitator"``; ValueError names a bad role."""
    roles: list[Role] = []
    for raw in text.replace(",", ";").replace("|", ";").split(";"):
        name = raw.strip().lower().replace(" ", "_").replace("-", "_")
        if not name:
            continue
        try:
            role = Role(name)
        except ValueError:
            allowed = ", ".join(r.value for r in Role)
            raise ValueError(f"unknown role '{raw.strip()}' (use one of: {allowed})") from None
        if role not in roles:
            roles.append(role)
    return roles
