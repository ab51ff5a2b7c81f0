"""The stored rights table: edited by the administrator, audited, and what `require` answers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desktop_crm.models import AuditEntry, RoleRight, User
from desktop_crm.services import accounts, rights, rights_admin
from desktop_crm.services.errors import PermissionDenied, ValidationError


def rights_entries(session) -> list[AuditEntry]:  # noqa: ANN001
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.act == "权限变更").order_by(AuditEntry.seq)
        )
    )


def stored_rows(session) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(RoleRight))


@pytest.fixture
def seller(session, admin):  # noqa: ANN001, ANN201
    return accounts.add_account(session, admin, "zhangwei", "张伟", "市场营销部", ["客户开发专员"])


def test_set_right_writes_an_audit_row_with_old_and_new(session, admin) -> None:  # noqa: ANN001
    rights.set_right(session, admin, "客户开发专员", "customers", "view", "本部门")
    rights.set_right(session, admin, "客户开发专员", "customers", "export", "全部")
    rights.set_right(session, admin, "客户开发专员", "customers", "export", None)

    changed, granted, removed = rights_entries(session)[-3:]
    for entry in (changed, granted, removed):
        assert entry.object_type == "rights" and entry.act == "权限变更"
        assert entry.object_id == "客户开发专员" and entry.user_id == admin.id
    assert (changed.field, changed.old_value, changed.new_value) == (
        "客户档案·查看",
        "本人",
        "本部门",
    )
    assert (granted.field, granted.old_value, granted.new_value) == ("客户档案·导出", "无", "全部")
    assert (removed.old_value, removed.new_value) == ("全部", "无")
    assert removed.object_label == "客户开发专员：客户档案·导出"

    count = len(rights_entries(session))
    rights.set_right(session, admin, "客户开发专员", "customers", "view", "本部门")  # no change
    assert len(rights_entries(session)) == count


def test_the_cached_table_is_refreshed_after_a_change(session, admin) -> None:  # noqa: ANN001
    before = rights.table(session)
    assert rights.table(session) is before  # read once per session
    assert ("customers", "export") not in before["客户开发专员"]

    rights.set_right(session, admin, "客户开发专员", "customers", "export", "本部门")

    after = rights.table(session)
    assert after is not before
    assert after["客户开发专员"][("customers", "export")] == "本部门"


@pytest.mark.parametrize(
    ("role", "area", "action", "scope"),
    [
        ("销售总监", "customers", "view", "全部"),  # no such role
        ("客户开发专员", "warehouse", "view", "全部"),  # no such area
        ("客户开发专员", "customers", "sing", "全部"),  # no such action
        ("客户开发专员", "customers", "view", "全公司"),  # no such scope
    ],
)
def test_unknown_role_area_action_or_scope_is_refused(
    session, admin, role, area, action, scope
) -> None:  # noqa: ANN001
    rows, entries = stored_rows(session), len(rights_entries(session))
    with pytest.raises(ValidationError):
        rights.set_right(session, admin, role, area, action, scope)
    session.rollback()
    assert stored_rows(session) == rows
    assert len(rights_entries(session)) == entries


def test_areas_without_records_of_their_own_store_all(session, admin) -> None:  # noqa: ANN001
    rights.set_right(session, admin, "客户开发专员", "settings", "view", "本人")
    assert rights.table(session)["客户开发专员"][("settings", "view")] == "全部"


def test_only_accounts_edit_may_change_the_table(session, admin, seller) -> None:  # noqa: ANN001
    rows, entries = stored_rows(session), len(rights_entries(session))
    with pytest.raises(PermissionDenied, match="账户·修改"):
        rights.set_right(session, seller, "客户开发专员", "customers", "export", "全部")
    with pytest.raises(PermissionDenied, match="账户·修改"):
        rights_admin.reset_role(session, seller, "客户开发专员")
    with pytest.raises(PermissionDenied, match="账户·查看"):
        rights_admin.role_grid(session, seller, "客户开发专员")
    session.rollback()
    assert stored_rows(session) == rows
    assert len(rights_entries(session)) == entries


def test_the_administrator_cannot_lose_the_rights_table(session, admin) -> None:  # noqa: ANN001
    for action in ("view", "edit"):
        with pytest.raises(
            ValidationError, match=f"系统管理员必须保留「账户·{rights.ACTIONS[action]}」"
        ):
            rights.set_right(session, admin, "系统管理员", "accounts", action, None)
    session.rollback()
    assert rights.may(session, admin, "accounts", "edit")


def test_several_roles_get_the_widest_stored_scope(session, admin) -> None:  # noqa: ANN001
    both = accounts.add_account(
        session, admin, "lina", "李娜", "市场营销部", ["客户开发专员", "质检员"]
    )
    # Defaults: 客户开发专员 edits their own customers, 质检员 does not edit customers.
    assert rights.require(session, both, "customers", "edit") == "本人"
    rights.set_right(session, admin, "质检员", "customers", "edit", "本部门")
    assert rights.require(session, both, "customers", "edit") == "本部门"
    rights.set_right(session, admin, "客户开发专员", "customers", "edit", "全部")
    assert rights.require(session, both, "customers", "edit") == "全部"
    rights.set_right(session, admin, "客户开发专员", "customers", "edit", None)
    assert rights.require(session, both, "customers", "edit") == "本部门"
    rights.set_right(session, admin, "质检员", "customers", "edit", None)
    with pytest.raises(PermissionDenied, match="客户档案·修改"):
        rights.require(session, both, "customers", "edit")


def test_a_change_is_what_require_answers_in_a_new_session(
    session_factory, session, admin, seller
) -> None:  # noqa: ANN001
    seller_id = seller.id

    def answer() -> str | None:
        with session_factory() as other:  # another user action, maybe on another PC
            actor = other.get(User, seller_id)
            try:
                return rights.require(other, actor, "customers", "export")
            except PermissionDenied:
                return None

    assert answer() is None
    rights.set_right(session, admin, "客户开发专员", "customers", "export", "全部")
    assert answer() == "全部"
    rights.set_right(session, admin, "客户开发专员", "customers", "export", "本人")
    assert answer() == "本人"
    rights.set_right(session, admin, "客户开发专员", "customers", "export", None)
    assert answer() is None


def test_role_grid_has_every_cell_and_the_defaults(session, admin, seller) -> None:  # noqa: ANN001
    rights.set_right(session, admin, "部门负责人", "customers", "export", "本部门")
    grid = rights_admin.role_grid(session, admin, "部门负责人")
    assert len(grid.scopes) == len(rights.AREAS) * len(rights.ACTIONS)
    assert grid.scopes[("customers", "view")] == "本部门"
    assert grid.scopes[("customers", "export")] == "本部门"
    assert grid.defaults[("customers", "export")] is None
    assert grid.scopes[("settings", "view")] is None
    assert grid.editable
    with pytest.raises(ValidationError):
        rights_admin.role_grid(session, admin, "销售总监")


def test_reset_role_restores_the_defaults_cell_by_cell(session, admin, seller) -> None:  # noqa: ANN001
    role = "客户开发专员"
    rights.set_right(session, admin, role, "customers", "export", "全部")
    rights.set_right(session, admin, role, "customers", "view", "本部门")
    rights.set_right(session, admin, role, "surveys", "edit", None)
    rights.set_right(session, admin, "质检员", "customers", "export", "全部")  # another role
    entries = len(rights_entries(session))

    assert rights_admin.reset_role(session, admin, role) == 3

    assert dict(rights.table(session)[role]) == rights.DEFAULT_RIGHTS[role]
    assert rights.table(session)["质检员"][("customers", "export")] == "全部"
    recorded = rights_entries(session)[entries:]
    assert sorted((e.field, e.old_value, e.new_value) for e in recorded) == sorted(
        [
            ("客户档案·导出", "全部", "无"),
            ("客户档案·查看", "本部门", "本人"),
            ("满意度调查·修改", "无", "本人"),
        ]
    )
    with pytest.raises(PermissionDenied):
        rights.require(session, seller, "customers", "export")
    assert rights_admin.reset_role(session, admin, role) == 0
    assert len(rights_entries(session)) == entries + 3
