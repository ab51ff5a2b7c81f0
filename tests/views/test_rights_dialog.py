"""权限设置 as the administrator uses it: change a cell, see it stored, reset, be refused."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from desktop_crm.models import AuditEntry
from desktop_crm.services import accounts, bootstrap, rights
from desktop_crm.views.admin.rights_dialog import RightsDialog

SCREENSHOTS = os.environ.get("ADMIN_SCREENSHOTS")  # a folder: save what the dialog looks like


@pytest.fixture
def boxes(monkeypatch):  # noqa: ANN001, ANN201
    """Message boxes answer by themselves and record what they said; `answer` for questions."""
    said: dict[str, list[str]] = {"warning": [], "question": [], "critical": []}
    answers = {"question": QMessageBox.StandardButton.Yes}

    def recorder(kind, answer=QMessageBox.StandardButton.Ok):  # noqa: ANN001, ANN202
        def show(parent, title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            said[kind].append(text)
            return answers.get(kind, answer)

        return show

    for kind in said:
        monkeypatch.setattr(QMessageBox, kind, recorder(kind))
    said["answers"] = answers  # type: ignore[assignment]
    return said


def stored(session_factory, role: str, area: str, action: str) -> str | None:  # noqa: ANN001
    with session_factory() as session:  # a new session: what the store holds, not a cache
        return rights.table(session).get(role, {}).get((area, action))


def rights_changes(session_factory) -> int:  # noqa: ANN001
    with session_factory() as session:
        return session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.act == "权限变更")
        )


def account(app_context, session_factory, login: str, roles: list[str]):  # noqa: ANN001, ANN201
    """An AppContext signed in as a new account of 市场营销部 with `roles`."""
    with session_factory() as session:
        admin = bootstrap.administrator(session)
        user_id = accounts.add_account(session, admin, login, "张伟", "市场营销部", roles).id
    return replace(app_context, user_id=user_id)


def open_dialog(qtbot, context) -> RightsDialog:  # noqa: ANN001
    dialog = RightsDialog(context)
    qtbot.addWidget(dialog)
    return dialog


def test_the_grid_is_areas_by_actions_with_the_stored_scopes(qtbot, app_context) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, app_context)
    table = dialog.table
    assert dialog.windowTitle() == "权限设置"
    assert [table.verticalHeaderItem(r).text() for r in range(table.rowCount())] == list(
        rights.AREAS.values()
    )
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == list(
        rights.ACTIONS.values()
    )
    customers = dialog.cell("customers", "view")
    assert [customers.itemText(i) for i in range(customers.count())] == [
        "无",
        "本人",
        "本部门",
        "全部",
    ]
    settings = dialog.cell("settings", "view")
    assert [settings.itemText(i) for i in range(settings.count())] == ["无", "有"]

    dialog.select_role("部门负责人")
    assert dialog.cell_text("customers", "view") == "本部门"
    assert dialog.cell_text("customers", "export") == "无"
    assert dialog.cell_text("archives", "approve") == "本部门"
    assert dialog.cell_text("settings", "view") == "无"
    dialog.select_role("总经理")
    assert dialog.cell_text("accounts", "view") == "有"

    # All 8 areas × 9 actions are visible at once, none cut off or scrolled away.
    dialog.show()
    qtbot.waitExposed(dialog)
    viewport = table.viewport().rect()
    for combo in (dialog.cell(area, action) for area in rights.AREAS for action in rights.ACTIONS):
        assert viewport.contains(combo.geometry())
        assert combo.width() >= combo.minimumSizeHint().width()
    if SCREENSHOTS:
        dialog.grab().save(os.path.join(SCREENSHOTS, "admin_rights.png"))


def test_salesperson_export_set_to_all_is_stored(
    qtbot, app_context, session_factory, boxes
) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, app_context)
    dialog.select_role("客户开发专员")
    assert dialog.cell_text("customers", "export") == "无"

    with qtbot.waitSignal(app_context.hub.sig_staff_changed, timeout=1000):
        dialog.set_cell("customers", "export", "全部")

    assert stored(session_factory, "客户开发专员", "customers", "export") == "全部"
    assert dialog.cell_text("customers", "export") == "全部"
    assert dialog.cell("customers", "export").font().bold()  # differs from the default
    assert "客户档案·导出" in dialog.status_label.text()
    assert boxes["warning"] == []

    dialog.set_cell("settings", "view", "有")  # an area without scopes stores 全部
    assert stored(session_factory, "客户开发专员", "settings", "view") == "全部"
    dialog.set_cell("customers", "view", "无")
    assert stored(session_factory, "客户开发专员", "customers", "view") is None

    dialog.select_role("总经理")  # another role, then back: read from the store again
    dialog.select_role("客户开发专员")
    assert dialog.cell_text("customers", "export") == "全部"
    assert dialog.cell_text("settings", "view") == "有"
    assert dialog.cell_text("customers", "view") == "无"


def test_reset_puts_back_the_defaults_after_asking(
    qtbot, app_context, session_factory, boxes
) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, app_context)
    dialog.select_role("客户开发专员")
    dialog.set_cell("customers", "export", "全部")
    dialog.set_cell("complaints", "view", "无")
    dialog.set_cell("customers", "edit", "本部门")
    before = rights_changes(session_factory)

    boxes["answers"]["question"] = QMessageBox.StandardButton.No
    dialog.reset_button.click()
    assert len(boxes["question"]) == 1 and "客户开发专员" in boxes["question"][0]
    assert stored(session_factory, "客户开发专员", "customers", "export") == "全部"

    boxes["answers"]["question"] = QMessageBox.StandardButton.Yes
    with qtbot.waitSignal(app_context.hub.sig_staff_changed, timeout=1000):
        dialog.reset_button.click()

    for (area, action), scope in rights.DEFAULT_RIGHTS["客户开发专员"].items():
        assert stored(session_factory, "客户开发专员", area, action) == scope
    assert stored(session_factory, "客户开发专员", "customers", "export") is None
    assert dialog.cell_text("customers", "export") == "无"
    assert dialog.cell_text("complaints", "view") == "本人"
    assert dialog.cell_text("customers", "edit") == "本人"
    assert not dialog.cell("customers", "export").font().bold()
    assert "3 项" in dialog.status_label.text()
    assert rights_changes(session_factory) == before + 3  # each cell recorded

    dialog.reset_button.click()  # already the defaults: nothing to do, nothing recorded
    assert "已是默认" in dialog.status_label.text()
    assert rights_changes(session_factory) == before + 3
    assert boxes["warning"] == []


def test_a_salesperson_is_refused_and_nothing_is_stored(
    qtbot, app_context, session_factory, boxes
) -> None:  # noqa: ANN001
    context = account(app_context, session_factory, "zhangwei", ["客户开发专员"])
    before = rights_changes(session_factory)

    dialog = open_dialog(qtbot, context)  # reading the table needs 账户·查看
    assert any("账户·查看" in text for text in boxes["warning"])
    assert dialog.notice_label.isVisibleTo(dialog)
    assert not dialog.reset_button.isEnabled()
    assert not dialog.cell("customers", "export").isEnabled()

    # The screen disables the cells, but the service is the guard: force a change.
    dialog.select_role("客户开发专员")
    boxes["warning"].clear()
    with qtbot.assertNotEmitted(context.hub.sig_staff_changed):
        dialog.set_cell("customers", "export", "全部")
    assert boxes["warning"] == ["您没有「账户·修改」的权限。如需办理，请联系系统管理员。"]
    assert dialog.cell_text("customers", "export") == ""  # put back: nothing known, nothing shown
    assert stored(session_factory, "客户开发专员", "customers", "export") is None
    assert rights_changes(session_factory) == before


def test_general_manager_reads_the_table_but_cannot_change_it(
    qtbot, app_context, session_factory, boxes
) -> None:  # noqa: ANN001
    context = account(app_context, session_factory, "wangzong", ["总经理"])
    dialog = open_dialog(qtbot, context)
    assert boxes["warning"] == []
    dialog.select_role("客户开发专员")
    assert dialog.cell_text("customers", "view") == "本人"
    assert "账户·修改" in dialog.notice_label.text()
    assert not dialog.cell("customers", "view").isEnabled()

    dialog.set_cell("customers", "view", "全部")
    assert len(boxes["warning"]) == 1 and "账户·修改" in boxes["warning"][0]
    assert dialog.cell_text("customers", "view") == "本人"
    assert stored(session_factory, "客户开发专员", "customers", "view") == "本人"


def test_the_administrator_keeps_accounts_edit(qtbot, app_context, session_factory, boxes) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, app_context)
    dialog.select_role("系统管理员")
    assert dialog.cell_text("accounts", "edit") == "有"
    before = rights_changes(session_factory)

    with qtbot.assertNotEmitted(app_context.hub.sig_staff_changed):
        dialog.set_cell("accounts", "edit", "无")

    assert len(boxes["warning"]) == 1
    assert "系统管理员必须保留「账户·修改」" in boxes["warning"][0]
    assert dialog.cell_text("accounts", "edit") == "有"
    assert stored(session_factory, "系统管理员", "accounts", "edit") == "全部"
    assert rights_changes(session_factory) == before
    # The dialog still works afterwards: another of the role's rights can go.
    dialog.set_cell("audit", "delete", "无")
    assert stored(session_factory, "系统管理员", "audit", "delete") is None
