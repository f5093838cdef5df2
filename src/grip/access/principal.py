"""The signed-in person for one request: who, in which LA, with which role and permissions."""

from __future__ import annotations

from dataclasses import dataclass

from grip.access.scope import Scope


@dataclass(frozen=True)
class Principal:
    """A signed-in user acting in one LA."""

    user_id: int
    username: str
    display_name: str
    la_code: str
    role: str
    permissions: frozenset[str]
    memberships: dict[str, str]
    csrf_token: str
    token_hash: str
    must_change_password: bool = False

    def scope(self) -> Scope:
        """The data-layer scope for this principal."""
        return Scope(la_code=self.la_code, user_id=self.user_id, role=self.role)

    def can(self, permission: str) -> bool:
        """Whether the principal holds ``permission`` in the current LA."""
        return permission in self.permissions
