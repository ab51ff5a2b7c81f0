"""Copying customer files needs the export right: the screen hides 导出, the service refuses."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop_crm import documents
from desktop_crm.services import customers, staff
from desktop_crm.services.customer_list import customer_query
from desktop_crm.services.errors import PermissionDenied
from desktop_crm.views.main_window import MainWindow


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
