"""Rights: which role may do what in which area, over whose rows (DOMAIN §7).

The defaults live here as data; the administrator's edits (a role × right table in the
store) will override them. `widest_scope` answers for a person with several roles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .errors import PermissionDenied

AREAS: dict[str, str] = {
    "customers": "客户档案",
    "complaints": "投诉",
    "revisits": "回访",
    "surveys": "满意度调查",
    "archives": "档案",
    "settings": "设置",
    "accounts": "账户",
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

Right = tuple[str, str]  # (area, action)
RightsTable = Mapping[str, Mapping[Right, str]]  # role -> right -> scope


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
        **_grant(AREAS, ("view", "print", "approve"), ALL),
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


def widest_scope(
    roles: Iterable[str], area: str, action: str, table: RightsTable = DEFAULT_RIGHTS
) -> str | None:
    """The widest scope any of `roles` has for (area, action); None when none has it."""
    found = [table.get(role, {}).get((area, action)) for role in roles]
    granted = [scope for scope in found if scope]
    return max(granted, key=SCOPES.index) if granted else None


def right_name(area: str, action: str) -> str:
    return f"{AREAS[area]}·{ACTIONS[action]}"


def require(
    roles: Iterable[str], area: str, action: str, table: RightsTable = DEFAULT_RIGHTS
) -> str:
    """The scope the person may act in, or PermissionDenied naming the missing right."""
    scope = widest_scope(list(roles), area, action, table)
    if scope is None:
        raise PermissionDenied(
            f"您没有「{right_name(area, action)}」的权限。如需办理，请联系系统管理员。"
        )
    return scope
