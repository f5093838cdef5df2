"""Roles and permissions as data (``permissions.yaml``), validated on load.

A permission is ``"<capability>:<action>"``. Asking about a permission that the data does not
list raises :class:`UnknownPermission`: a typo in a route's declaration stops the app at start
instead of silently allowing or denying.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PERMISSIONS_FILE = Path(__file__).with_name("permissions.yaml")
_PERMISSION_RE = re.compile(r"^[a-z_]+:[a-z_]+$")

#: The role an external inspector holds: read-only, sample-only, expiring.
INSPECTOR = "inspector"


class UnknownPermission(ValueError):
    """A permission name that ``permissions.yaml`` does not define."""


class UnknownRole(ValueError):
    """A role name that ``permissions.yaml`` does not define."""


@dataclass(frozen=True)
class Role:
    """One role: its code, label and flags."""

    code: str
    label: str
    description: str = ""
    read_only: bool = False
    sample_only: bool = False
    #: The longest a grant of this role may last, in days from the grant (``None``: no limit).
    max_expiry_days: int | None = None


@dataclass(frozen=True)
class Policy:
    """Every role and, for each permission, the roles that hold it."""

    roles: dict[str, Role]
    permissions: dict[str, frozenset[str]]
    #: For each role that manages accounts, the roles it may give (``grants:`` in the file).
    grants: dict[str, frozenset[str]] = field(default_factory=dict)

    def least_privileged(self, roles: Iterable[str]) -> str | None:
        """Of ``roles``, the one holding fewest permissions (the default a form offers: need
        to know); None when there are none."""
        held = {r: sum(r in holders for holders in self.permissions.values()) for r in roles}
        return min(sorted(held), key=held.__getitem__) if held else None

    def may_grant(self, granter: str, role: str) -> bool:
        """Whether a holder of ``granter`` may give someone else ``role``."""
        return role in self.grants.get(granter, frozenset())

    def roles_for(self, permission: str) -> frozenset[str]:
        """Roles holding ``permission``; raises :class:`UnknownPermission` for an unknown name."""
        try:
            return self.permissions[permission]
        except KeyError:
            raise UnknownPermission(
                f"{PERMISSIONS_FILE}: permission {permission!r} is not defined; "
                f"expected one of {sorted(self.permissions)}"
            ) from None

    def allows(self, role: str, permission: str) -> bool:
        """Whether ``role`` holds ``permission``."""
        return role in self.roles_for(permission)

    def check_role(self, role: str) -> Role:
        """The role named ``role``; raises :class:`UnknownRole` naming the choices."""
        try:
            return self.roles[role]
        except KeyError:
            raise UnknownRole(
                f"unknown role {role!r}; expected one of {', '.join(self.roles)}"
            ) from None


def parse_policy(data: Any, source: str = str(PERMISSIONS_FILE)) -> Policy:
    """Validate the YAML data of a permissions file; errors name the file and the entry."""
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ValueError(f"{source}: expected a mapping with version: 1")
    raw_roles = data.get("roles")
    raw_perms = data.get("permissions")
    if not isinstance(raw_roles, dict) or not isinstance(raw_perms, dict):
        raise ValueError(f"{source}: expected mappings 'roles' and 'permissions'")
    roles: dict[str, Role] = {}
    for code, spec in raw_roles.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("label"), str):
            raise ValueError(f"{source}: roles.{code}: expected a mapping with a 'label'")
        roles[code] = Role(
            code=code,
            label=spec["label"],
            description=str(spec.get("description", "")),
            read_only=bool(spec.get("read_only", False)),
            sample_only=bool(spec.get("sample_only", False)),
            max_expiry_days=_max_days(spec.get("max_expiry_days"), f"{source}: roles.{code}"),
        )
    permissions: dict[str, frozenset[str]] = {}
    for name, holders in raw_perms.items():
        if not isinstance(name, str) or not _PERMISSION_RE.match(name):
            raise ValueError(f"{source}: permissions.{name}: expected 'capability:action'")
        if not isinstance(holders, list):
            raise ValueError(f"{source}: permissions.{name}: expected a list of roles")
        for role in holders:
            if role not in roles:
                raise ValueError(
                    f"{source}: permissions.{name}: unknown role {role!r}; "
                    f"expected one of {', '.join(roles)}"
                )
        permissions[name] = frozenset(holders)
    grants = _parse_grants(data.get("grants", {}), roles, source)
    return Policy(roles=roles, permissions=permissions, grants=grants)


def _max_days(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{where}.max_expiry_days: expected a whole number of days above 0")
    return value


def _parse_grants(raw: Any, roles: dict[str, Role], source: str) -> dict[str, frozenset[str]]:
    """``grants: {granter: [role, ...]}``: every name must be a defined role."""
    if not isinstance(raw, dict):
        raise ValueError(f"{source}: grants: expected a mapping of role to the roles it may give")
    out: dict[str, frozenset[str]] = {}
    for granter, given in raw.items():
        if granter not in roles or not isinstance(given, list):
            raise ValueError(f"{source}: grants.{granter}: expected a role and a list of roles")
        unknown = [r for r in given if r not in roles]
        if unknown:
            raise ValueError(f"{source}: grants.{granter}: unknown roles {unknown}")
        out[granter] = frozenset(given)
    return out


@cache
def policy() -> Policy:
    """The shipped policy (loaded once)."""
    with PERMISSIONS_FILE.open(encoding="utf-8") as fh:
        return parse_policy(yaml.safe_load(fh))
