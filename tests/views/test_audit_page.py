"""审计日志 in the main window: shown to the administrator and the 总经理, filtered in SQL,
exported like the other lists."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QTableView

from desktop_crm.models import AuditEntry
from desktop_crm.services import customers, staff
from desktop_crm.views.main_window import MainWindow


def _window(qtbot, app_context) -> MainWindow:  # noqa: ANN001
    main = MainWindow(app_context)
    qtbot.addWidget(main)
    main.show()
    return main


def _open_audit(main: MainWindow) -> QTableView:
    titles = [main.navigation.item(i).text() for i in range(main.navigation.count())]
    main.navigation.setCurrentRow(titles.index("审计日志"))
    return main.findChild(QTableView, "auditTable")


def test_viewer_filters_by_act_and_counts(
    qtbot, qtmodeltester, app_context, session, admin, tmp_path
) -> None:  # noqa: ANN001, E501
    first = customers.save_customer(session, admin, {"name": "河北工程集团有限公司"})
    customers.save_customer(session, admin, {"name": "西安华盛商混站"})
    customers.save_customer(session, admin, {"phone": "0311-1234567"}, customer_id=first.id)
    main = _window(qtbot, app_context)
    table = _open_audit(main)
    assert not main.audit_item.isHidden() and table.isVisible()
    model = table.model()
    qtmodeltester.check(model)
    assert model.rowCount() == session.query(AuditEntry).count()
    # Newest first: the phone change is on top.
    assert model.index(0, 4).data() == "修改" and model.index(0, 6).data() == "电话"
    horizontal = Qt.Orientation.Horizontal
    assert [model.headerData(c, horizontal) for c in range(3)] == ["序号", "时间", "人员"]

    acts = main.findChild(QComboBox, "auditAct")
    acts.setCurrentIndex(acts.findData("新建"))
    assert model.rowCount() == 2
    assert {model.index(r, 4).data() for r in range(2)} == {"新建"}
    model.count_now()
    assert main.findChild(QLabel, "auditCount").text() == "共 2 条"

    search = main.findChild(QLineEdit, "auditSearch")
    search.setText("华盛")
    main.audit.apply()
    assert model.rowCount() == 1 and "西安华盛商混站" in model.index(0, 5).data()

    target = tmp_path / "审计日志.xlsx"
    main.audit.export(str(target))
    qtbot.waitUntil(lambda: target.exists() and "已导出" in main.audit.status_label.text())
    sheet = load_workbook(target).active
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["序号", "时间", "人员", "电脑", "操作"]
    assert sheet.max_row == 2 and sheet["F2"].value.endswith("西安华盛商混站")
    session.expire_all()
    export = session.query(AuditEntry).order_by(AuditEntry.seq.desc()).first()
    assert (export.act, export.object_type) == ("导出", "audit_log")
    assert "操作：新建" in export.detail and "查找：华盛" in export.detail


def test_hidden_from_other_roles(qtbot, app_context, session, admin) -> None:  # noqa: ANN001
    clerk = staff.save_staff(
        session, admin, staff.StaffInput(name="张伟", department_id=None, roles=["客户开发专员"])
    )
    app_context.user_id = clerk.id
    main = _window(qtbot, app_context)
    assert main.audit_item.isHidden()
    boss = staff.save_staff(
        session, admin, staff.StaffInput(name="周强", department_id=None, roles=["总经理"])
    )
    app_context.user_id = boss.id
    main.refresh_user_status()
    assert not main.audit_item.isHidden()
