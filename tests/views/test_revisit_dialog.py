"""回访 as the clerk does it on screen: record an unsatisfied complaint revisit and see the
complaint reopen, turn a problem into a complaint from the form, see refusals beside their
fields, work the plan list (generate the week, record, cancel), the 服务不到位 list and the
customer card's timeline."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QInputDialog, QLabel, QTableView, QTableWidget
from sqlalchemy import func, select, update

from desktop_crm.models import Complaint, Customer, Department, Revisit, RevisitPlan
from desktop_crm.services import complaints, customers, revisits
from desktop_crm.views import sql_list_model
from desktop_crm.views.customers.card_timeline import TimelineTab
from desktop_crm.views.revisits.plan_dialogs import PlanDialog
from desktop_crm.views.revisits.revisit_dialog import RevisitDialog
from desktop_crm.views.revisits.revisit_page import NOT_SERVED_TAB, RECORD_TAB, RevisitPage

TODAY = date.today()


def make_customer(session, admin, name: str, grade: str = "B", days_ago: int = 400) -> Customer:  # noqa: ANN001
    saved = customers.save_customer(
        session, admin, {"name": name, "grade": grade, "status": "合作客户"}
    )
    session.execute(
        update(Customer)
        .where(Customer.id == saved.id)
        .values(registered_at=datetime.now() - timedelta(days=days_ago))
    )
    session.commit()
    return saved


def handled_complaint(session, admin, customer_id: int) -> Complaint:  # noqa: ANN001
    complaint = complaints.register(
        session,
        admin,
        {"customer_id": customer_id, "category": "受潮结块", "content": "到货水泥结块",
         "contact_name": "王建国"},
    )  # fmt: skip
    department = session.scalar(select(Department.id).where(Department.code == "ZJB"))
    complaints.report(session, admin, complaint.id, [("市场营销部负责人 王经理", "电话")])
    complaints.find_cause(
        session, admin, complaint.id, "我方原因", responsible_department_id=department
    )
    complaints.propose_solution(session, admin, complaint.id, "退换受潮的 20 袋")
    complaints.finish(session, admin, complaint.id, "已退换 20 袋")
    return complaint


def complaint_state(session_factory, complaint_id: int) -> tuple[str, int]:  # noqa: ANN001
    with session_factory() as session:
        complaint = session.get(Complaint, complaint_id)
        return complaint.state, complaint.round


def shown_errors(dialog: QDialog) -> dict[str, str]:
    return {
        label.objectName().removeprefix("revisitError_"): label.text()
        for label in dialog.findChildren(QLabel)
        if label.objectName().startswith("revisitError_") and not label.isHidden()
    }


# ------------------------------------------------------------------ the record form


def test_an_unsatisfied_revisit_from_the_dialog_reopens_the_complaint(
    qtbot, app_context, session, admin
) -> None:  # noqa: ANN001
    buyer = make_customer(session, admin, "西安华盛商混站")
    complaint = handled_complaint(session, admin, buyer.id)
    dialog = RevisitDialog(app_context, complaint_id=complaint.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.objectName() == "revisitDialog"
    box = dialog.findChild(QLabel, "revisitComplaint_number")
    assert box.isVisible() and box.text().startswith(complaint.number)
    assert dialog.findChild(QLabel, "revisitComplaint_content").text() == "到货水泥结块"
    assert dialog.kind_combo.currentData() == "投诉回访" and not dialog.kind_combo.isEnabled()
    assert dialog.contact_edit.text() == "王建国"  # the complaint's contact, to call back

    dialog.discussion_edit.insertPlainText("客户反映退换后仍有结块")  # IME text arrives committed
    qtbot.mouseClick(dialog.satisfaction_buttons["不满意"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(app_context.hub.sig_customers_changed, timeout=2000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert complaint_state(app_context.session_factory, complaint.id) == ("重新处理", 2)
    assert dialog.saved_number == f"HF{TODAY.year}-0001"
    assert "转为重新处理（第 2 轮" in dialog.outcome
    with app_context.session_factory() as check:
        revisit = check.get(Revisit, dialog.saved_id)
        assert (revisit.satisfaction, revisit.complaint_round) == ("不满意", 1)
        assert revisit.discussion == "客户反映退换后仍有结块"


def test_refusals_show_beside_their_fields_and_keep_the_typing(
    qtbot, app_context, session, admin
) -> None:  # noqa: ANN001
    buyer = make_customer(session, admin, "西安华盛商混站")
    complaint = handled_complaint(session, admin, buyer.id)
    dialog = RevisitDialog(app_context, complaint_id=complaint.id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.discussion_edit.setPlainText("回访了解情况")
    dialog.next_visit.set_value(TODAY)  # not after the revisit day
    assert dialog.save() is False
    errors = shown_errors(dialog)
    assert set(errors) == {"satisfaction", "next_visit_on"}
    assert "投诉回访必须记录" in errors["satisfaction"]
    assert dialog.isVisible() and dialog.discussion_edit.toPlainText() == "回访了解情况"
    assert complaint_state(app_context.session_factory, complaint.id) == ("已处理", 1)
    # Corrected, it saves.
    dialog.set_satisfaction("很满意")
    dialog.next_visit.clear()
    assert dialog.save() is True
    assert not shown_errors(dialog)
    assert complaint_state(app_context.session_factory, complaint.id) == ("已回访", 1)


def test_a_problem_found_becomes_a_complaint_from_the_form(
    qtbot, app_context, session, admin
) -> None:  # noqa: ANN001
    buyer = make_customer(session, admin, "咸阳宏达建材有限公司")
    dialog = RevisitDialog(app_context, customer_id=buyer.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.complaint_box.isVisible()
    assert dialog.kind_combo.findData("投诉回访") < 0  # that kind comes from a complaint
    dialog.problems_edit.setPlainText("两车散装水泥亏吨约 0.5 吨")
    assert not dialog.category_combo.isEnabled()
    qtbot.mouseClick(dialog.make_complaint, Qt.MouseButton.LeftButton)
    assert dialog.category_combo.isEnabled()
    assert dialog.save() is False  # no category picked
    assert "新投诉类别" in shown_errors(dialog)["complaint_category"]
    with app_context.session_factory() as check:
        assert check.scalar(select(func.count()).select_from(Revisit)) == 0
    dialog.category_combo.set_value("散装亏吨超标")
    assert dialog.save() is True
    with app_context.session_factory() as check:
        new = check.scalar(select(Complaint))
        assert (new.content, new.category, new.state) == (
            "两车散装水泥亏吨约 0.5 吨",
            "散装亏吨超标",
            "已登记",
        )
        assert check.get(Revisit, dialog.saved_id).new_complaint_id == new.id
    assert f"已登记新投诉 {new.number}" in dialog.outcome


def test_a_saved_revisit_opens_read_only(qtbot, app_context, session, admin) -> None:  # noqa: ANN001
    buyer = make_customer(session, admin, "西安华盛商混站")
    complaint = handled_complaint(session, admin, buyer.id)
    revisit = revisits.record_revisit(
        session, admin,
        {"complaint_id": complaint.id, "visited_on": TODAY, "satisfaction": "满意",
         "discussion": "使用正常", "method": "电话"},
    )  # fmt: skip
    dialog = RevisitDialog(app_context, revisit_id=revisit.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle().endswith(revisit.number)
    assert (
        dialog.discussion_edit.isReadOnly() and dialog.discussion_edit.toPlainText() == "使用正常"
    )
    assert dialog.satisfaction() == "满意"
    assert dialog.method_combo.currentData() == "电话"
    assert not dialog.save_button.isVisible()
    assert "投诉现在是「已回访」" in dialog.complaint_labels["state"].text()


# ------------------------------------------------------------------ the page


@pytest.fixture
def page(qtbot, app_context):  # noqa: ANN001
    widget = RevisitPage(app_context)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    qtbot.waitUntil(lambda: not widget.counting(), timeout=10_000)


def rows(table: QTableView, key: str) -> list:
    model = table.model()
    column = [c.key for c in model.query.columns].index(key)
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_the_plan_list_generates_the_week_records_and_cancels(
    qtbot, page, app_context, session, admin, monkeypatch, qtmodeltester
) -> None:  # noqa: ANN001
    first = make_customer(session, admin, "甲A", grade="A")
    make_customer(session, admin, "乙C", grade="C")
    qtbot.mouseClick(page.plans_tab.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "定期回访计划 3 条" in page.status_label.text(), timeout=10_000)
    table = page.findChild(QTableView, "revisitPlanTable")
    assert sorted(rows(table, "customer")) == ["乙C", "甲A", "甲A"]
    qtmodeltester.check(page.plans_tab.model)

    # Record the first plan of 甲A: the dialog opens on that plan, saved, the plan is done.
    def fill_and_save(dialog: RevisitDialog) -> int:
        assert "回访计划" in dialog.header.text()
        dialog.set_satisfaction("满意")
        assert dialog.save()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RevisitDialog, "exec", fill_and_save)
    table.selectRow(rows(table, "customer").index("甲A"))
    qtbot.mouseClick(page.plans_tab.record_plan_button, Qt.MouseButton.LeftButton)
    assert "已保存" in page.status_label.text()
    assert sorted(rows(table, "customer")) == ["乙C", "甲A"]  # 计划 only

    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("客户停工", True))
    table.selectRow(rows(table, "customer").index("乙C"))
    qtbot.mouseClick(page.plans_tab.cancel_plan_button, Qt.MouseButton.LeftButton)
    assert rows(table, "customer") == ["甲A"]
    page.plans_tab.plan_state.setCurrentIndex(page.plans_tab.plan_state.findData("已取消"))
    assert rows(table, "customer") == ["乙C"]
    with app_context.session_factory() as check:
        states = check.scalars(
            select(RevisitPlan.state).where(RevisitPlan.customer_id == first.id)
        ).all()
        assert sorted(states) == ["已完成", "计划"]


def test_a_new_plan_is_refused_without_a_customer_then_found_and_saved(
    qtbot, page, session, admin, monkeypatch
) -> None:  # noqa: ANN001
    make_customer(session, admin, "渭南秦岭建材有限公司")
    make_customer(session, admin, "西安华盛商混站")

    def fill_and_save(dialog: PlanDialog) -> int:
        assert dialog.objectName() == "revisitPlanDialog"
        dialog.content.setFocus()
        assert not dialog.save()  # no customer picked: refused beside the picker
        refusal = dialog.findChild(QLabel, "planError_customer_id")
        assert refusal.isVisibleTo(dialog) and refusal.text() == "请选择回访的客户。"
        assert dialog.focusWidget() is dialog.customer_search
        dialog.customer_search.insert("秦岭")  # IME text arrives committed
        qtbot.waitUntil(lambda: dialog.customer_choice.count() == 1, timeout=5000)
        assert dialog.customer_choice.currentText().endswith("渭南秦岭建材有限公司")
        dialog.place.setText("蒲城工地")
        assert dialog.save()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PlanDialog, "exec", fill_and_save)
    qtbot.mouseClick(page.plans_tab.new_plan_button, Qt.MouseButton.LeftButton)
    assert "对 渭南秦岭建材有限公司 的回访计划" in page.status_label.text()
    table = page.findChild(QTableView, "revisitPlanTable")
    assert rows(table, "customer") == ["渭南秦岭建材有限公司"]
    assert rows(table, "place") == ["蒲城工地"]


def test_overdue_plans_show_in_red_with_their_flag(qtbot, page, session, admin) -> None:  # noqa: ANN001
    make_customer(session, admin, "西安华盛商混站", grade="D")
    last_monday, _ = revisits.week_of(TODAY - timedelta(days=7))
    revisits.generate_routine_plans(session, admin, last_monday)
    page.plans_tab.plan_overdue.setChecked(True)
    table = page.findChild(QTableView, "revisitPlanTable")
    assert rows(table, "overdue") == ["逾期"]
    assert not page.plans_tab.plan_state.isEnabled()
    index = table.model().index(0, 2)
    assert index.data(Qt.ItemDataRole.ForegroundRole).name() == "#c0392b"


def test_the_record_list_filters_and_opens_a_record(
    qtbot, page, session, admin, monkeypatch, qtmodeltester
) -> None:  # noqa: ANN001
    buyer = make_customer(session, admin, "西安华盛商混站")
    complaint = handled_complaint(session, admin, buyer.id)
    revisits.record_revisit(
        session,
        admin,
        {"complaint_id": complaint.id, "visited_on": TODAY, "satisfaction": "很不满意"},
    )
    revisits.record_revisit(
        session, admin,
        {"customer_id": buyer.id, "visited_on": TODAY - timedelta(days=3), "kind": "电话回访"},
    )  # fmt: skip
    page.refresh()
    page.show_tab(RECORD_TAB)
    table = page.findChild(QTableView, "revisitTable")
    assert rows(table, "kind") == ["投诉回访", "电话回访"]
    assert "共 2 条回访记录" in page.records_tab.count_label.text()
    qtmodeltester.check(page.records_tab.model)
    page.records_tab.record_satisfaction.setCurrentIndex(
        page.records_tab.record_satisfaction.findData(revisits.UNSATISFIED_FILTER)
    )
    assert rows(table, "satisfaction") == ["很不满意"]
    opened = []
    monkeypatch.setattr(RevisitDialog, "exec", lambda dialog: opened.append(dialog.windowTitle()))
    table.selectRow(0)
    qtbot.mouseClick(page.records_tab.open_record_button, Qt.MouseButton.LeftButton)
    assert opened == [f"客户回访记录 — HF{TODAY.year}-0001"]


def test_the_not_served_list_loads_when_shown_and_offers_the_card(
    qtbot, page, session, admin, qtmodeltester, monkeypatch
) -> None:  # noqa: ANN001
    for name in ("丙 四个月没人管", "丁 从未回访", "戊 也没人管"):
        make_customer(session, admin, name)
    served = make_customer(session, admin, "甲 上月回访过")
    revisits.record_revisit(
        session, admin, {"customer_id": served.id, "visited_on": TODAY - timedelta(days=40)}
    )
    table = page.findChild(QTableView, "notServedTable")
    assert table.model().rowCount() == 0  # not read before it is looked at
    # Pages of two rows, so the list is counted apart from its first page, in a worker.
    monkeypatch.setattr(sql_list_model, "PAGE_SIZE", 2)
    page.show_tab(NOT_SERVED_TAB)
    assert table.model().rowCount() == 2
    qtbot.waitUntil(lambda: page.not_served_tab.count_label.text() == "共 3 个客户", timeout=10_000)
    table.model().fetchMore()
    assert rows(table, "name") == ["丙 四个月没人管", "丁 从未回访", "戊 也没人管"]
    assert "3 个月" in page.findChild(QLabel, "notServedHint").text()
    qtmodeltester.check(page.not_served_tab.model)
    # 最近服务 cannot be sorted on (it would read every customer's history): the click is ignored.
    header = table.horizontalHeader()
    last_served = [c.key for c in page.not_served_tab.model.query.columns].index("last_served")
    header.setSortIndicator(last_served, Qt.SortOrder.AscendingOrder)
    assert header.sortIndicatorSection() == 1
    table.selectRow(0)
    with qtbot.waitSignal(page.sig_open_customer) as opened:
        qtbot.mouseClick(page.not_served_tab.not_served_open, Qt.MouseButton.LeftButton)
    assert opened.args == [table.model().row_id(0)]


# ------------------------------------------------------------------ the card's timeline


def test_the_timeline_lists_newest_first_and_opens_a_record(
    qtbot, app_context, session, admin
) -> None:  # noqa: ANN001
    buyer = make_customer(session, admin, "西安华盛商混站")
    complaint = handled_complaint(session, admin, buyer.id)
    revisit = revisits.record_revisit(
        session,
        admin,
        {"complaint_id": complaint.id, "visited_on": TODAY, "satisfaction": "不满意"},
    )
    tab = TimelineTab(app_context)
    qtbot.addWidget(tab)
    tab.show()
    assert tab.set_customer(buyer.id)
    table = tab.findChild(QTableWidget, "customerTimeline")
    assert [table.item(r, 2).text() for r in range(table.rowCount())] == [
        revisit.number,
        complaint.number,
    ]
    assert table.item(0, 4).text() == "不满意"
    assert table.item(1, 4).text() == "重新处理（第 2 轮）"
    with qtbot.waitSignal(tab.sig_open) as opened:
        table.activated.emit(table.model().index(1, 0))
    assert opened.args == ["complaint", complaint.id]
    tab.set_customer(None)
    assert table.rowCount() == 0
