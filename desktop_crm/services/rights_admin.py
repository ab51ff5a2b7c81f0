"""The rights table as the administrator edits it: one role's grid, and back to the defaults.

The single cell is changed by `rights.set_right` (checked, audited, committed); this module
adds what the 权限设置 screen needs around it, as plain values.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session

from desktop_crm.models import User

from . import rights
from .customer_fields import ROLES
from .errors import ValidationError

Right = rights.Right


@dataclass(frozen=True)
class RoleGrid:
    """One role's rights: every (area, action) → its scope, None where not given."""

    role: str
    scopes: dict[Right, str | None]
    defaults: dict[Right, str | None]
    editable: bool  # may the actor change it (账户·修改)?


def all_rights() -> Iterator[Right]:
    """Every cell of the grid, area by area in AREAS order, actions in ACTIONS order."""
    for area in rights.AREAS:
        for action in rights.ACTIONS:
            yield area, action


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValidationError(f"没有这个角色：{role}", field="role")


def _stored(scope: str | None, area: str) -> str | None:
    """How set_right stores a scope: areas without records of their own only know 全部."""
    if scope is None:
        return None
    return scope if area in rights.SCOPED_AREAS else rights.ALL


def role_grid(session: Session, actor: User, role: str) -> RoleGrid:
    """The stored rights of `role` (reading them needs 账户·查看)."""
    rights.require(session, actor, "accounts", "view")
    _check_role(role)
    stored = rights.table(session).get(role, {})
    defaults = rights.DEFAULT_RIGHTS.get(role, {})
    return RoleGrid(
        role=role,
        scopes={right: stored.get(right) for right in all_rights()},
        defaults={right: _stored(defaults.get(right), right[0]) for right in all_rights()},
        editable=rights.may(session, actor, "accounts", "edit"),
    )


def reset_role(session: Session, actor: User, role: str) -> int:
    """Give `role` back its DEFAULT_RIGHTS; returns how many cells changed.

    Each differing cell goes through `rights.set_right`, so each is checked and recorded
    in the audit log like a change made by hand. The right and the role are checked first,
    so a refusal writes nothing; set_right commits per cell, and a reset broken off halfway
    (database trouble) is finished by running it again.
    """
    rights.require(session, actor, "accounts", "edit")
    _check_role(role)
    current = dict(rights.table(session).get(role, {}))
    defaults = rights.DEFAULT_RIGHTS.get(role, {})
    changed = 0
    for area, action in all_rights():
        wanted = _stored(defaults.get((area, action)), area)
        if current.get((area, action)) != wanted:
            rights.set_right(session, actor, role, area, action, wanted)
            changed += 1
    return changed
