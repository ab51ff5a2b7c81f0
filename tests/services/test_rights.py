"""The default rights of DOMAIN §7 as a table, and the answer for people with several roles."""

from __future__ import annotations

import pytest

from desktop_crm.services.customer_fields import ROLES
from desktop_crm.services.errors import PermissionDenied
from desktop_crm.services.rights import ACTIONS, AREAS, DEFAULT_RIGHTS, require, widest_scope


def test_every_role_of_the_domain_has_a_row_and_only_known_rights() -> None:
    assert set(DEFAULT_RIGHTS) == set(ROLES)
    for rights in DEFAULT_RIGHTS.values():
        for (area, action), scope in rights.items():
            assert area in AREAS and action in ACTIONS and scope in ("本人", "本部门", "全部")


@pytest.mark.parametrize(
    ("roles", "area", "action", "scope"),
    [
        (["客户开发专员"], "customers", "view", "本人"),
        (["部门负责人"], "customers", "view", "本部门"),
        (["总经理"], "customers", "view", "全部"),
        (["客户开发专员"], "customers", "export", None),  # copying customer files
        (["部门负责人"], "customers", "export", None),
        (["总经理"], "customers", "export", "全部"),
        (["系统管理员"], "customers", "export", "全部"),
        (["客户开发专员", "部门负责人"], "customers", "edit", "本部门"),  # the wider one wins
        (["档案管理员"], "customers", "view", None),
        (["质检员"], "complaints", "edit", "全部"),
    ],
)
def test_scope_per_role(roles, area, action, scope) -> None:  # noqa: ANN001
    assert widest_scope(roles, area, action) == scope


def test_refusal_names_the_missing_right_in_chinese() -> None:
    with pytest.raises(PermissionDenied, match="客户档案·导出"):
        require(["客户开发专员"], "customers", "export")
    assert require(["总经理"], "customers", "export") == "全部"
