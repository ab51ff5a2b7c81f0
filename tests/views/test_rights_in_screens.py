"""Copying customer files needs the export right: the screen hides 导出, the service refuses."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from desktop_crm import documents
from desktop_crm.models import Department
from desktop_crm.services import customers, staff
from desktop_crm.services.customer_list import customer_query
from desktop_crm.services.errors import PermissionDenied
from desktop_crm.views.customers.card_dialog import CustomerCardDialog
from desktop_crm.views.main_window import MainWindow
from tests.conftest import sqlite_only


@pytest.fixture
def seller(session, admin):  # noqa: ANN001, ANN201
    return staff.save_staff(
        session, admin, staff.StaffInput(name="张伟", department_id=None, roles=["客户开发专员"])
    )


def test_export_refused_to_a_salesperson_and_nothing_written(
    session, admin, seller, tmp_path
) -> None:  # noqa: ANN001
    customers.save_customer(session, admin, {"name": "河北工程集团有限公司", "owner_id": seller.id})
    target = tmp_path / "名册.xlsx"
    with pytest.raises(PermissionDenied, match="客户档案·导出"):
        documents.export_list(session, seller, customer_query(session, seller), target, "客户名册")
    assert not target.exists()
    assert (
        documents.export_list(session, admin, customer_query(session, admin), target, "客户名册")
        == 1
    )


def test_salesperson_does_not_see_export(qtbot, app_context, seller) -> None:  # noqa: ANN001
    window = MainWindow(replace(app_context, user_id=seller.id))
    qtbot.addWidget(window)
    assert not window.export_action.isVisible() and not window.export_action.isEnabled()
    assert window.print_action.isEnabled()  # printing one card is theirs to do
    manager = MainWindow(app_context)
    qtbot.addWidget(manager)
    assert manager.export_action.isEnabled()


def _person(session, admin, name: str, code: str, role: str):  # noqa: ANN001, ANN202
    department = session.scalar(select(Department.id).where(Department.code == code))
    return staff.save_staff(
        session, admin, staff.StaffInput(name=name, department_id=department, roles=[role])
    )


def test_the_card_offers_only_what_the_user_may_do(
    qtbot, app_context, session, admin, monkeypatch
) -> None:  # noqa: ANN001
    seller = _person(session, admin, "张伟", "YXB", "客户开发专员")
    clerk = _person(session, admin, "杨帆", "YXB", "客户服务专员")  # sees the department's
    stranger = _person(session, admin, "李娜", "SHB", "客户开发专员")
    customer = customers.save_customer(
        session, admin, {"name": "河北工程集团有限公司", "owner_id": seller.id}
    )
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: said.append(text))

    own = CustomerCardDialog(replace(app_context, user_id=seller.id), customer.id)
    qtbot.addWidget(own)
    assert not own.save_button.isHidden() and not own.print_button.isHidden()
    assert not own.editors["name"].widget.isReadOnly()
    assert not own.editors["owner_id"].widget.isEnabled()  # handing over is not theirs

    looking = CustomerCardDialog(replace(app_context, user_id=clerk.id), customer.id)
    qtbot.addWidget(looking)
    assert looking.editors["name"].widget.isReadOnly()
    assert looking.save_button.isHidden() and looking.print_button.isHidden()
    assert looking.contacts_tab.add_button.isHidden()
    assert "只读" in looking.status_label.text()

    refused = CustomerCardDialog(replace(app_context, user_id=stranger.id), customer.id)
    qtbot.addWidget(refused)
    assert said and "河北工程集团有限公司" in said[-1] and "总经理" in said[-1]
    qtbot.waitUntil(lambda: not refused.isVisible())


def test_backup_from_the_menu_only_for_those_who_may_copy(
    qtbot, app_context, store, seller, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    sqlite_only(store)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: said.append(text))
    salesperson = MainWindow(replace(app_context, user_id=seller.id))
    qtbot.addWidget(salesperson)
    assert not salesperson.backup_action.isVisible()
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    assert window.backup_action.isVisible()
    target = tmp_path / "备份.sqlite3"
    window.back_up(str(target))
    qtbot.waitUntil(lambda: bool(said), timeout=10_000)
    assert target.exists() and "已备份到" in said[0]
