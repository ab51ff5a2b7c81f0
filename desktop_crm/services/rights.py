"""Rights: which role may do what in which area, over whose rows (DOMAIN §7, DESIGN rule 2).

The store holds the role × right table (`role_right`); a fresh store is seeded from
DEFAULT_RIGHTS and the administrator edits it in the program. Every service asks
`require(session, actor, area, action)` before it reads or writes; the scope it returns
(本人 / 本部门 / 全部) is what `access` turns into SQL for lists and single records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.models import RoleRight, User

from . import audit
from .customer_fields import ADMIN_ROLE, ROLES
from .errors import PermissionDenied, ValidationError

AREAS: dict[str, str] = {
    "customers": "客户档案",
    "complaints": "投诉",
    "revisits": "回访",
    "surveys": "满意度调查",
    "archives": "档案",
    "settings": "设置",
    "accounts": "账户",
    "audit": "审计日志",
}
ACTIONS: dict[str, str] = {
    "view": "查看",
    "create": "新建",
    "edit": "修改",
    "delete": "删除/停用",
    "reassign": "移交",
    "import": "导入",
    "export": "导出",
    "print": "打印",
    "approve": "审批",
}
OWN, DEPARTMENT, ALL = "本人", "本部门", "全部"
SCOPES = (OWN, DEPARTMENT, ALL)  # narrow to wide
# Areas whose records belong to a person and a department; elsewhere a right is all or none.
SCOPED_AREAS = ("customers", "complaints", "revisits", "surveys", "archives")

Right = tuple[str, str]  # (area, action)
RightsTable = Mapping[str, Mapping[Right, str]]  # role -> right -> scope

# Rights the administrator's role keeps whatever the table says: without them nobody
# could open the rights table again.
LOCKED_RIGHTS: frozenset[Right] = frozenset({("accounts", "view"), ("accounts", "edit")})


def _grant(areas: Iterable[str], actions: Iterable[str], scope: str) -> dict[Right, str]:
    return {(area, action): scope for area in areas for action in actions}


_WORK_AREAS = ("customers", "complaints", "revisits", "surveys")
_EVERY_ACTION = tuple(ACTIONS)
_DAILY = ("view", "create", "edit", "print")

# Customer files are company secrets (DOMAIN §1): the 客户经理 sees their own, the department
# head the department's, the 总经理 and 副总经理 all; copying them (export, bulk print,
# backup) is for the 总经理 and the 系统管理员 only.
DEFAULT_RIGHTS: dict[str, dict[Right, str]] = {
    "系统管理员": {
        **_grant(AREAS, _EVERY_ACTION, ALL),
    },
    "总经理": {
        **_grant(AREAS, ("view", "print", "export", "approve"), ALL),
        **_grant(_WORK_AREAS, ("edit", "reassign"), ALL),
    },
    "副总经理": {
        **_grant(_WORK_AREAS + ("archives", "settings"), ("view", "print", "approve"), ALL),
    },
    "部门负责人": {
        **_grant(_WORK_AREAS, (*_DAILY, "reassign", "approve", "import"), DEPARTMENT),
        **_grant(("complaints", "revisits", "surveys"), ("export",), DEPARTMENT),
        **_grant(("archives",), ("view", "approve"), DEPARTMENT),
    },
    "客户服务主管": {
        **_grant(
            ("complaints", "revisits", "surveys"), (*_DAILY, "delete", "export", "approve"), ALL
        ),
        **_grant(("customers",), ("view", "print"), DEPARTMENT),
    },
    "客户服务专员": {
        **_grant(("complaints", "revisits", "surveys"), _DAILY, ALL),
        **_grant(("customers",), ("view",), DEPARTMENT),
    },
    "客户开发专员": {
        **_grant(("customers",), (*_DAILY, "import"), OWN),
        **_grant(("complaints", "revisits"), ("view", "create", "print"), OWN),
        **_grant(("surveys",), ("view", "create", "edit"), OWN),
    },
    "质检员": {
        **_grant(("complaints",), ("view", "edit", "print"), ALL),
        **_grant(("customers",), ("view",), ALL),
    },
    "档案管理员": {
        **_grant(("archives",), _EVERY_ACTION, ALL),
    },
    "部门档案员": {
        **_grant(("archives",), ("view", "create", "edit", "print"), DEPARTMENT),
    },
}

_CACHE_KEY = "rights_table"


def right_name(area: str, action: str) -> str:
    return f"{AREAS[area]}·{ACTIONS[action]}"


def seed_defaults(session: Session) -> None:
    """Give a store without a rights table the defaults (the caller commits)."""
    if session.scalar(select(RoleRight.id).limit(1)) is not None:
        return
    for role, granted in DEFAULT_RIGHTS.items():
        for (area, action), scope in granted.items():
            session.add(RoleRight(role=role, area=area, action=action, scope=scope))
    session.flush()
    session.info.pop(_CACHE_KEY, None)


def table(session: Session) -> RightsTable:
    """The store's rights table, read once per session (a session is one user action)."""
    cached = session.info.get(_CACHE_KEY)
    if cached is None:
        cached = {}
        for row in session.scalars(select(RoleRight)):
            cached.setdefault(row.role, {})[(row.area, row.action)] = row.scope
        session.info[_CACHE_KEY] = cached
    return cached


def widest_scope(roles: Iterable[str], area: str, action: str, rights: RightsTable) -> str | None:
    """The widest scope any of `roles` has for (area, action); None when none has it."""
    found = [rights.get(role, {}).get((area, action)) for role in roles]
    granted = [scope for scope in found if scope]
    if not granted:
        return None
    return max(granted, key=SCOPES.index) if area in SCOPED_AREAS else ALL


def scope_for(session: Session, actor: User, area: str, action: str) -> str | None:
    """The scope `actor` may do `action` in `area` over; None when not at all.

    A retired account has no rights, whatever its roles say."""
    if not actor.active:
        return None
    return widest_scope(actor.role_names, area, action, table(session))


def may(session: Session, actor: User, area: str, action: str) -> bool:
    return scope_for(session, actor, area, action) is not None


def require(session: Session, actor: User, area: str, action: str) -> str:
    """The scope `actor` may act in, or PermissionDenied naming the missing right."""
    scope = scope_for(session, actor, area, action)
    if scope is None:
        raise PermissionDenied(
            f"您没有「{right_name(area, action)}」的权限。如需办理，请联系系统管理员。"
        )
    return scope


def set_right(
    session: Session, actor: User, role: str, area: str, action: str, scope: str | None
) -> None:
    """Give `role` the right (area, action) over `scope`, or take it away (scope None);
    recorded in the audit log as 权限变更. Commits."""
    require(session, actor, "accounts", "edit")
    if role not in ROLES or area not in AREAS or action not in ACTIONS:
        raise ValidationError(f"没有这个角色或权限：{role} {area} {action}")
    if scope is not None and scope not in SCOPES:
        raise ValidationError(f"范围只能是：{'、'.join(SCOPES)}")
    if scope is not None and area not in SCOPED_AREAS:
        scope = ALL
    if role == ADMIN_ROLE and (area, action) in LOCKED_RIGHTS and scope is None:
        raise ValidationError(
            f"系统管理员必须保留「{right_name(area, action)}」，否则没有人能再打开权限设置。"
        )
    row = session.scalar(
        select(RoleRight).where(
            RoleRight.role == role, RoleRight.area == area, RoleRight.action == action
        )
    )
    old = row.scope if row else None
    if old == scope:
        return
    if row is None:
        session.add(RoleRight(role=role, area=area, action=action, scope=scope))
    elif scope is None:
        session.delete(row)
    else:
        row.scope = scope
    audit.record(
        session,
        actor,
        audit.RIGHTS_CHANGED,
        "rights",
        object_id=role,
        object_label=f"{role}：{right_name(area, action)}",
        field=right_name(area, action),
        old=old or "无",
        new=scope or "无",
    )
    session.commit()
    session.info.pop(_CACHE_KEY, None)
