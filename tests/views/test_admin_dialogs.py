"""The administration dialogs: lists, staff and handing customers over, as a user sees them."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialog, QMessageBox  # noqa: E402

from desktop_crm.services import bootstrap, customers, lookups, staff  # noqa: E402
from desktop_crm.views.admin import (  # noqa: E402
    LookupListsDialog,
    ReassignDialog,
    StaffDialog,
    StaffEditDialog,
)
from desktop_crm.views.admin.lookup_dialog import LookupValueEditor  # noqa: E402

# Qt's offscreen platform warns whenever a top-level widget with a layout is shown.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

SCREENSHOTS = os.environ.get("ADMIN_SCREENSHOTS")  # a folder: save what each dialog looks like


@pytest.fixture
def boxes(monkeypatch):
    """Message boxes answer by themselves and record what they said."""
    said: dict[str, list[str]] = {"warning": [], "question": [], "information": [], "critical": []}

    def recorder(kind, answer):
        def show(parent, title, text, *args, **kwargs):
            said[kind].append(text)
            return answer

        return show

    monkeypatch.setattr(QMessageBox, "warning", recorder("warning", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(
        QMessageBox, "question", recorder("question", QMessageBox.StandardButton.Yes)
    )
    monkeypatch.setattr(
        QMessageBox, "information", recorder("information", QMessageBox.StandardButton.Ok)
    )
    monkeypatch.setattr(
        QMessageBox, "critical", recorder("critical", QMessageBox.StandardButton.Ok)
    )
    return said


def shoot(widget, name: str) -> None:
    if SCREENSHOTS:
        widget.show()
        widget.grab().save(os.path.join(SCREENSHOTS, f"admin_{name}.png"))


def table_column(table, column: int) -> list[str]:
    return [table.item(row, column).text() for row in range(table.rowCount())]


def add_staff_member(session_factory, name: str, roles=("客户开发专员",), active=True) -> int:
    with session_factory() as session:
        admin = bootstrap.administrator(session)
        department_id = next(d.id for d in staff.departments(session) if d.code == "YXB")
        user = staff.save_staff(
            session,
            admin,
            staff.StaffInput(name=name, department_id=department_id, roles=roles, active=active),
        )
        return user.id


def add_customer(session_factory, name: str, **values) -> int:
    with session_factory() as session:
        admin = bootstrap.administrator(session)
        return customers.save_customer(session, admin, {"name": name, **values}).id


def open_editor(monkeypatch, fill):
    """Make LookupValueEditor.exec fill the form and press 确定 instead of blocking."""

    def exec_(editor):
        fill(editor)
        editor.ok_button.click()
        return editor.result()

    monkeypatch.setattr(LookupValueEditor, "exec", exec_)


# ---------------------------------------------------------------- 分类列表设置


def test_lookup_dialog_lists_the_lists_and_their_values(app_context, qtbot, session_factory):
    add_customer(session_factory, "西安建工商砼有限公司", category="商混站")
    dialog = LookupListsDialog(app_context)
    qtbot.addWidget(dialog)

    assert dialog.objectName() == "lookupDialog"
    names = [dialog.list_widget.item(i).text() for i in range(dialog.list_widget.count())]
    assert names[:3] == ["客户类别", "销量分类", "结算方式"]
    values = table_column(dialog.table, 0)
    assert values[:4] == ["集团内部客户", "陕西省国资委系统客户", "战略合作伙伴客户", "商混站"]
    row = values.index("商混站")
    assert (
        dialog.table.item(row, 1).text()
        == "有固定经营场所，持续经营，以生产、销售商品混凝土为主业的企业法人。"
    )
    assert dialog.table.item(row, 2).text() == "启用"
    assert dialog.table.item(row, 3).text() == "1"
    dialog.select_value("商混站")
    shoot(dialog, "lookups")

    dialog.select_list("客户等级")
    assert table_column(dialog.table, 0) == ["A", "B", "C", "D"]
    assert "客户等级" in dialog.heading.text()


def test_adding_a_value_lists_it_and_announces_the_change(
    app_context, qtbot, session_factory, monkeypatch, boxes
):
    dialog = LookupListsDialog(app_context)
    qtbot.addWidget(dialog)
    dialog.select_list("category")

    def fill(editor):
        editor.value_edit.setText("  外省客户 ")
        editor.help_edit.setText("陕西省外的客户。")

    open_editor(monkeypatch, fill)
    with qtbot.waitSignal(app_context.hub.sig_lookups_changed, timeout=1000):
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)

    values = table_column(dialog.table, 0)
    assert values[-1] == "外省客户"
    assert dialog.selected_row().value == "外省客户"
    assert dialog.table.item(len(values) - 1, 1).text() == "陕西省外的客户。"
    assert "外省客户" in dialog.status_label.text()
    with session_factory() as session:
        assert "外省客户" in lookups.value_names(session, "category")


def test_a_refused_value_keeps_the_editor_open_with_the_typing(app_context, qtbot, boxes):
    editor = LookupValueEditor(
        app_context,
        "添加值",
        "客户类别",
        lambda s, a, value, help_text: lookups.add_value(s, a, "category", value, help_text),
    )
    qtbot.addWidget(editor)
    editor.show()

    editor.value_edit.setText("   ")
    editor.help_edit.setText("说明照旧")
    editor.ok_button.click()
    assert editor.result() != QDialog.DialogCode.Accepted
    assert editor.value_error.isVisible()
    assert editor.value_error.text() == "请填写值。"
    assert editor.help_edit.text() == "说明照旧"

    editor.value_edit.setText("商混站")  # already in the list: a Conflict, shown as a refusal
    editor.ok_button.click()
    assert boxes["warning"] == ["「客户类别」里已经有「商混站」。"]
    assert editor.value_edit.text() == "商混站"
    assert editor.result() != QDialog.DialogCode.Accepted


def test_deleting_a_value_in_use_is_refused_and_the_value_stays(
    app_context, qtbot, session_factory, boxes
):
    add_customer(session_factory, "咸阳商混有限公司", category="商混站")
    dialog = LookupListsDialog(app_context)
    qtbot.addWidget(dialog)
    dialog.select_value("商混站")

    with qtbot.assertNotEmitted(app_context.hub.sig_lookups_changed):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)

    assert len(boxes["warning"]) == 1
    assert "正被 1 个客户使用，不能删除" in boxes["warning"][0]
    assert boxes["question"] == []  # no pointless "are you sure?" before a refusal
    assert "商混站" in table_column(dialog.table, 0)
    with session_factory() as session:
        assert "商混站" in lookups.value_names(session, "category")


def test_deleting_an_unused_value_asks_then_removes_it(app_context, qtbot, session_factory, boxes):
    dialog = LookupListsDialog(app_context)
    qtbot.addWidget(dialog)
    dialog.select_value("其他客户")

    with qtbot.waitSignal(app_context.hub.sig_lookups_changed, timeout=1000):
        dialog.delete_button.click()

    assert len(boxes["question"]) == 1
    assert "其他客户" not in table_column(dialog.table, 0)
    with session_factory() as session:
        assert "其他客户" not in lookups.value_names(session, "category")


def test_renaming_a_value_moves_the_customers_and_says_how_many(
    app_context, qtbot, session_factory, monkeypatch, boxes
):
    customer_id = add_customer(session_factory, "渭南商混有限公司", category="商混站")
    dialog = LookupListsDialog(app_context)
    qtbot.addWidget(dialog)
    dialog.select_value("商混站")

    def fill(editor):
        assert editor.value_edit.text() == "商混站"
        assert (
            editor.help_edit.text()
            == "有固定经营场所，持续经营，以生产、销售商品混凝土为主业的企业法人。"
        )
        editor.value_edit.setText("混凝土搅拌站")

    open_editor(monkeypatch, fill)
    with qtbot.waitSignal(app_context.hub.sig_lookups_changed, timeout=1000):
        dialog.rename_button.click()

    assert "混凝土搅拌站" in table_column(dialog.table, 0)
    assert "商混站" not in table_column(dialog.table, 0)
    assert dialog.selected_row().value == "混凝土搅拌站"
    assert dialog.selected_row().used == 1
    assert "1 个客户" in dialog.status_label.text()
    with session_factory() as session:
        assert (
            customers.get_customer(session, app_context.actor(session), customer_id).category
            == "混凝土搅拌站"
        )


def test_deactivating_and_moving_values(app_context, qtbot, session_factory, boxes):
    dialog = LookupListsDialog(app_context)
    qtbot.addWidget(dialog)
    dialog.select_list("grade")
    dialog.select_value("D")
    assert dialog.active_button.text() == "停用"

    dialog.active_button.click()
    assert dialog.table.item(3, 2).text() == "停用"
    assert dialog.active_button.text() == "启用"
    with session_factory() as session:
        assert lookups.value_names(session, "grade") == ["A", "B", "C"]

    dialog.up_button.click()
    assert table_column(dialog.table, 0) == ["A", "B", "D", "C"]
    assert dialog.selected_row().value == "D"
    dialog.select_value("A")
    assert not dialog.up_button.isEnabled()
    dialog.down_button.click()
    assert table_column(dialog.table, 0) == ["B", "A", "D", "C"]

    shoot(dialog, "lookups_inactive")
    dialog.select_value("D")
    dialog.active_button.click()
    with session_factory() as session:
        assert lookups.value_names(session, "grade") == ["B", "A", "D", "C"]


# ---------------------------------------------------------------- 人员管理


def test_staff_dialog_adds_a_person_with_two_roles(app_context, qtbot, session_factory, boxes):
    dialog = StaffDialog(app_context)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "staffDialog"
    assert table_column(dialog.table, 0) == ["系统管理员"]

    editor = StaffEditDialog(app_context, parent=dialog)
    qtbot.addWidget(editor)
    editor.name_edit.setText("王晓梅")
    editor.login_edit.setText("wangxm")
    editor.select_department("市场营销部")
    editor.set_roles(["客户服务主管", "客户开发专员"])
    editor.phone_edit.setText("029-86001234")
    shoot(editor, "staff_edit")
    with qtbot.waitSignal(app_context.hub.sig_staff_changed, timeout=1000):
        editor.save_button.click()
    assert editor.result() == QDialog.DialogCode.Accepted

    names = table_column(dialog.table, 0)
    row = names.index("王晓梅")
    assert dialog.table.item(row, 1).text() == "wangxm"
    assert dialog.table.item(row, 2).text() == "市场营销部"
    assert dialog.table.item(row, 3).text() == "客户服务主管、客户开发专员"
    assert dialog.table.item(row, 4).text() == "在职"
    assert dialog.table.item(row, 5).text() == "0"
    with session_factory() as session:
        saved = next(r for r in staff.staff_rows(session) if r.name == "王晓梅")
        assert saved.roles == ("客户服务主管", "客户开发专员")
        assert saved.phone == "029-86001234"


def test_staff_editor_shows_refusals_beside_the_fields(app_context, qtbot, boxes):
    editor = StaffEditDialog(app_context)
    qtbot.addWidget(editor)
    editor.show()
    editor.login_edit.setText("admin")  # the administrator's login
    editor.set_roles(["质检员"])
    editor.save_button.click()

    assert editor.result() != QDialog.DialogCode.Accepted
    assert editor.errors["name"].isVisible()
    assert editor.errors["name"].text() == "请填写姓名。"
    assert editor.errors["login"].text() == "登录名「admin」已被别人使用。"
    assert editor.login_edit.text() == "admin"  # the typing stays
    shoot(editor, "staff_edit_refused")
    assert boxes["warning"] == []


def test_editing_loads_the_person_and_inactive_staff_show_on_request(
    app_context, qtbot, session_factory, boxes
):
    user_id = add_staff_member(session_factory, "李建国", roles=("质检员", "部门档案员"))
    gone_id = add_staff_member(session_factory, "赵离职", active=False)
    dialog = StaffDialog(app_context)
    qtbot.addWidget(dialog)
    assert "赵离职" not in table_column(dialog.table, 0)
    dialog.show_inactive_box.setChecked(True)
    assert "赵离职" in table_column(dialog.table, 0)
    assert dialog.table.item(table_column(dialog.table, 0).index("赵离职"), 4).text() == "停用"

    editor = StaffEditDialog(app_context, user_id, dialog)
    qtbot.addWidget(editor)
    assert editor.windowTitle() == "编辑人员"
    assert editor.name_edit.text() == "李建国"
    assert editor.department_combo.currentText() == "市场营销部"
    assert [r for r, box in editor.role_boxes.items() if box.isChecked()] == [
        "质检员",
        "部门档案员",
    ]
    assert editor.active_box.isChecked()
    assert gone_id != user_id


def test_stopping_a_person_with_customers_offers_the_handover(
    app_context, qtbot, session_factory, monkeypatch, boxes
):
    leaver = add_staff_member(session_factory, "张离职")
    add_staff_member(session_factory, "刘接手")
    add_customer(session_factory, "铜川建材有限公司", owner_id=leaver)
    add_customer(session_factory, "宝鸡水泥经销部", owner_id=leaver)
    dialog = StaffDialog(app_context)
    qtbot.addWidget(dialog)
    dialog.select_staff(leaver)
    assert dialog.reassign_button.isEnabled()

    opened: list[ReassignDialog] = []

    def edit_exec(editor):
        editor.active_box.setChecked(False)
        editor.save_button.click()
        return editor.result()

    def reassign_exec(reassign):
        opened.append(reassign)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(StaffEditDialog, "exec", edit_exec)
    monkeypatch.setattr(ReassignDialog, "exec", reassign_exec)
    dialog.edit_button.click()

    assert boxes["question"] and "名下还有 2 个客户" in boxes["question"][0]
    assert len(opened) == 1
    reassign = opened[0]
    assert reassign.from_combo.currentData() == leaver
    assert reassign.reason_combo.currentText() == "离职"
    assert reassign.count_label.text() == "将移交 2 个客户"
    assert leaver not in [reassign.to_combo.itemData(i) for i in range(reassign.to_combo.count())]
    # The person stopped stays in sight, marked 停用, still with their customers.
    assert dialog.show_inactive_box.isChecked()
    assert dialog.selected_row().id == leaver
    assert dialog.selected_row().active is False
    assert dialog.selected_row().customers == 2
    shoot(dialog, "staff_with_inactive")
    reassign.deleteLater()


# ---------------------------------------------------------------- 客户移交


def test_reassign_moves_all_customers_and_records_each(app_context, qtbot, session_factory, boxes):
    giver = add_staff_member(session_factory, "陈甲")
    taker = add_staff_member(session_factory, "周乙")
    add_staff_member(session_factory, "吴停用", active=False)
    ids = [
        add_customer(session_factory, name, owner_id=giver)
        for name in ("汉中建工集团", "安康混凝土有限公司", "商洛市政工程公司")
    ]
    dialog = ReassignDialog(app_context, from_user_id=giver)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "reassignDialog"
    assert dialog.from_combo.currentData() == giver
    assert "3 个客户" in dialog.from_combo.currentText()
    receivers = [dialog.to_combo.itemText(i) for i in range(dialog.to_combo.count())]
    assert not any("吴停用" in text or "陈甲" in text for text in receivers)
    assert dialog.count_label.text() == "将移交 3 个客户"
    assert not dialog.ok_button.isEnabled()  # no receiver picked yet

    dialog.select_to(taker)
    dialog.reason_combo.setCurrentText("离职")
    shoot(dialog, "reassign")
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(app_context.hub.sig_customers_changed, timeout=1000):
        dialog.ok_button.click()

    assert dialog.moved == 3
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert boxes["information"] == ["已把 3 个客户从 陈甲 移交给 周乙。"]
    with session_factory() as session:
        for customer_id in ids:
            assert (
                customers.get_customer(session, app_context.actor(session), customer_id).owner_id
                == taker
            )
            changes = [
                (c.field, c.old_value, c.new_value)
                for c in customers.history(session, app_context.actor(session), customer_id)
            ]
            assert ("客户经理", "陈甲", "周乙（离职）") in changes
        assert staff.customer_counts(session).get(giver, 0) == 0


def test_reassign_with_nothing_to_hand_over_cannot_start(app_context, qtbot, session_factory):
    nobody = add_staff_member(session_factory, "郑空")
    add_staff_member(session_factory, "孙收")
    dialog = ReassignDialog(app_context, from_user_id=nobody)
    qtbot.addWidget(dialog)
    dialog.select_to(dialog.to_combo.itemData(0))
    assert dialog.count_label.text() == "将移交 0 个客户"
    assert not dialog.ok_button.isEnabled()


def test_staff_table_counts_follow_a_handover(app_context, qtbot, session_factory, boxes):
    giver = add_staff_member(session_factory, "钱一")
    taker = add_staff_member(session_factory, "冯二")
    add_customer(session_factory, "延安建材公司", owner_id=giver)
    dialog = StaffDialog(app_context)
    qtbot.addWidget(dialog)
    shoot(dialog, "staff")

    reassign = ReassignDialog(app_context, giver, dialog)
    qtbot.addWidget(reassign)
    reassign.select_to(taker)
    reassign.ok_button.click()

    counts = {r.name: r.customers for r in dialog.rows()}
    assert counts["钱一"] == 0
    assert counts["冯二"] == 1
    with session_factory() as session:
        assert staff.customer_counts(session) == {taker: 1}
