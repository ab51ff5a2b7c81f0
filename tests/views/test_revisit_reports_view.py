"""客户回访报告表 on screen: the staff types the report on the revisit's 回访报告 tab, the
客户服务主管 reviews it with 指导意见 (which locks it), the page lists reports to write,
overdue and to review, the 回访汇总 is worked out, previewed and exported, a plan is moved
(改期) with a reason, and 今日待办's report lines open the revisit."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QPlainTextEdit, QPushButton, QTableView

from desktop_crm.models import AuditEntry, Revisit, RevisitPlan, User
from desktop_crm.services import revisit_reports, revisits
from desktop_crm.services import today as today_service
from desktop_crm.views.pdf_preview import PdfPreviewDialog
from desktop_crm.views.revisits import revisit_dialog, summary_tab
from desktop_crm.views.revisits.plan_dialogs import RescheduleDialog
from desktop_crm.views.revisits.revisit_dialog import REPORT_TAB as DIALOG_REPORT_TAB
from desktop_crm.views.revisits.revisit_dialog import RevisitDialog
from desktop_crm.views.revisits.revisit_page import PLAN_TAB, REPORT_TAB, SUMMARY_TAB, RevisitPage
from desktop_crm.views.today_page import TodayPage
from tests.services.test_revisits import customer, person

TODAY = date.today()


@pytest.fixture
def office(session, admin) -> dict:  # noqa: ANN001
    wang = person(session, admin, "王芳", "YXB", "客户开发专员")
    return {
        "wang": wang,
        "zhang": person(session, admin, "张伟", "YXB", "客户开发专员"),
        "chen": person(session, admin, "陈静", "SHB", "客户服务主管"),
        "buyer": customer(session, admin, "西安华盛商混站", wang),
    }


def visit(session, actor: User, customer_id: int, day: date, staff: User | None = None) -> Revisit:  # noqa: ANN001
    return revisits.record_revisit(
        session,
        actor,
        {"customer_id": customer_id, "visited_on": day, "kind": "电话回访", "method": "电话",
         "satisfaction": "满意", "staff_id": (staff or actor).id, "discussion": "使用正常"},
    )  # fmt: skip


def signed_in(app_context, user: User):  # noqa: ANN001, ANN201
    app_context.user_id = user.id
    return app_context


def open_dialog(qtbot, app_context, revisit_id: int) -> RevisitDialog:  # noqa: ANN001
    dialog = RevisitDialog(app_context, revisit_id=revisit_id, show_report=True)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def shown(dialog: QDialog, name: str) -> str | None:
    label = dialog.findChild(QLabel, name)
    return label.text() if label is not None and label.isVisible() else None


def stored(session_factory, revisit_id: int) -> Revisit:  # noqa: ANN001
    with session_factory() as check:
        revisit = check.get(Revisit, revisit_id)
        check.expunge(revisit)
        return revisit


# ------------------------------------------------------------------ the dialog


def test_the_staff_types_the_report_and_saves_it(qtbot, app_context, session, office) -> None:  # noqa: ANN001
    wang = office["wang"]
    revisit = visit(session, wang, office["buyer"].id, TODAY - timedelta(days=10))
    dialog = open_dialog(qtbot, signed_in(app_context, wang), revisit.id)
    assert dialog.tabs.currentIndex() == DIALOG_REPORT_TAB and dialog.tabs.isTabVisible(1)
    timing = dialog.findChild(QLabel, "reportTiming")
    assert "逾期未写" in timing.text() and "个工作日" in timing.text()
    assert timing.styleSheet()  # red, and the words say 逾期 too

    save = dialog.findChild(QPushButton, "reportSave")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert shown(dialog, "revisitError_report_summary") == "过程与结果概述：必须填写。"
    assert shown(dialog, "revisitError_report_evaluation") == "评价：必须填写。"
    assert stored(app_context.session_factory, revisit.id).report_at is None

    dialog.findChild(QPlainTextEdit, "reportSummary").insertPlainText("电话回访，使用正常。")
    dialog.findChild(QPlainTextEdit, "reportEvaluation").insertPlainText("客户满意。")
    assert dialog.report_dirty()
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    saved = stored(app_context.session_factory, revisit.id)
    assert (saved.report_summary, saved.report_evaluation) == ("电话回访，使用正常。", "客户满意。")
    assert saved.report_by_id == wang.id
    assert "填表人：王芳" in dialog.findChild(QLabel, "reportWrittenBy").text()
    assert "逾期" in timing.text() and "补写" in timing.text()
    assert shown(dialog, "revisitError_report_summary") is None
    assert not dialog.report_dirty()
    # 王芳 cannot review her own report: no 指导意见 box to type in, no 审阅 button.
    assert dialog.findChild(QPlainTextEdit, "reviewOpinion").isReadOnly()
    assert not dialog.findChild(QPushButton, "reportReview").isVisible()


def test_the_supervisor_reviews_and_the_report_locks(
    qtbot, app_context, session, office, monkeypatch
) -> None:  # noqa: ANN001
    wang, chen = office["wang"], office["chen"]
    revisit = visit(session, wang, office["buyer"].id, TODAY)
    revisit_reports.write_report(session, wang, revisit.id, "概述", "评价")
    dialog = open_dialog(qtbot, signed_in(app_context, chen), revisit.id)
    review = dialog.findChild(QPushButton, "reportReview")
    assert review.isVisible() and "等待客户服务主管审阅" in shown(dialog, "reportTiming")

    qtbot.mouseClick(review, Qt.MouseButton.LeftButton)
    assert shown(dialog, "revisitError_review_opinion") == "指导意见：必须填写。"
    asked: list[str] = []
    monkeypatch.setattr(revisit_dialog, "confirm", lambda _p, _t, text: asked.append(text) or True)
    dialog.findChild(QPlainTextEdit, "reviewOpinion").insertPlainText("下周再回访一次。")
    qtbot.mouseClick(review, Qt.MouseButton.LeftButton)
    assert asked == ["审阅后报告将锁定，不能再修改。确定审阅？"]
    saved = stored(app_context.session_factory, revisit.id)
    assert (saved.review_opinion, saved.reviewed_by_id) == ("下周再回访一次。", chen.id)
    assert not review.isVisible()
    assert dialog.findChild(QPlainTextEdit, "reportSummary").isReadOnly()
    assert not dialog.findChild(QPushButton, "reportSave").isVisible()
    assert "审阅人：陈静" in dialog.findChild(QLabel, "reviewedBy").text()
    assert shown(dialog, "reportTiming").startswith("已审阅：报告已锁定")


def test_the_customers_owner_reads_the_report_without_changing_it(
    qtbot, app_context, session, admin, office
) -> None:  # noqa: ANN001
    zhangs = customer(session, admin, "咸阳张兴商砼有限公司", office["zhang"])
    revisit = visit(session, admin, zhangs.id, TODAY, office["wang"])
    revisit_reports.write_report(session, office["wang"], revisit.id, "王芳写的概述", "评价")
    # 张伟 owns the customer (回访·查看 本人) but neither made the revisit nor may edit or review.
    dialog = open_dialog(qtbot, signed_in(app_context, office["zhang"]), revisit.id)
    summary = dialog.findChild(QPlainTextEdit, "reportSummary")
    assert summary.toPlainText() == "王芳写的概述" and summary.isReadOnly()
    assert not dialog.findChild(QPushButton, "reportSave").isVisible()
    assert not dialog.findChild(QPushButton, "reportReview").isVisible()
    assert dialog.findChild(QLabel, "reviewedBy").text() == "等待客户服务主管审阅。"
    assert not dialog.report_dirty()


def test_the_report_prints_from_the_dialog(qtbot, app_context, session, admin, office) -> None:  # noqa: ANN001
    revisit = visit(session, admin, office["buyer"].id, TODAY)
    revisit_reports.write_report(session, admin, revisit.id, "电话回访，使用正常。", "满意")
    dialog = open_dialog(qtbot, app_context, revisit.id)
    qtbot.mouseClick(dialog.findChild(QPushButton, "revisitPrintReport"), Qt.MouseButton.LeftButton)
    preview = dialog.current_form
    assert isinstance(preview, PdfPreviewDialog) and preview.page_count() == 1
    assert preview.windowTitle() == "客户回访报告表"
    preview.reject()
    qtbot.mouseClick(dialog.findChild(QPushButton, "revisitPrint"), Qt.MouseButton.LeftButton)
    assert dialog.current_form.windowTitle() == "客户回访记录表"
    dialog.current_form.reject()
    with app_context.session_factory() as check:
        printed = check.query(AuditEntry.detail).filter(AuditEntry.act == "打印").all()
    assert {d for (d,) in printed} >= {"客户回访报告表", "客户回访记录表"}


def test_a_new_revisit_has_no_report_tab_yet(qtbot, app_context, office) -> None:  # noqa: ANN001
    dialog = RevisitDialog(app_context, customer_id=office["buyer"].id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.tabs.isTabVisible(DIALOG_REPORT_TAB)
    assert not dialog.findChild(QPushButton, "revisitPrintReport").isVisible()


# ------------------------------------------------------------------ the page


@pytest.fixture
def page(qtbot, app_context):  # noqa: ANN001
    widget = RevisitPage(app_context)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    yield widget
    qtbot.waitUntil(lambda: not widget.counting(), timeout=10_000)


def rows(table: QTableView, key: str) -> list:
    model = table.model()
    column = [c.key for c in model.query.columns].index(key)
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_the_report_list_filters_and_opens_the_report(
    qtbot, page, session, admin, office, monkeypatch, qtmodeltester
) -> None:  # noqa: ANN001
    late = visit(session, admin, office["buyer"].id, TODAY - timedelta(days=10))
    written = visit(session, admin, office["buyer"].id, TODAY - timedelta(days=3))
    revisit_reports.write_report(session, admin, written.id, "概述", "评价")
    fresh = visit(session, admin, office["buyer"].id, TODAY)
    page.refresh()
    page.show_tab(REPORT_TAB)
    table = page.findChild(QTableView, "revisitReportTable")
    # The administrator reviews (回访·审批): the list starts on 待审阅.
    assert page.reports_tab.report_filter.currentData() == revisit_reports.FILTER_TO_REVIEW
    assert rows(table, "number") == [written.number]
    qtmodeltester.check(page.reports_tab.model)

    page.reports_tab.report_filter.setCurrentIndex(
        page.reports_tab.report_filter.findData(revisit_reports.FILTER_MINE)
    )
    assert rows(table, "number") == [fresh.number, late.number]
    assert rows(table, "report_state") == ["待写", "逾期未写"]
    late_row = table.model().index(1, 2)
    assert late_row.data(Qt.ItemDataRole.ForegroundRole).name() == "#c0392b"
    qtbot.waitUntil(lambda: page.reports_tab.count_label.text() == "共 2 份", timeout=10_000)
    page.reports_tab.report_filter.setCurrentIndex(
        page.reports_tab.report_filter.findData(revisit_reports.FILTER_OVERDUE)
    )
    assert rows(table, "number") == [late.number]

    opened: list[tuple[str, int]] = []
    monkeypatch.setattr(
        RevisitDialog, "exec", lambda d: opened.append((d.windowTitle(), d.tabs.currentIndex()))
    )
    table.selectRow(0)
    qtbot.mouseClick(page.reports_tab.open_report_button, Qt.MouseButton.LeftButton)
    assert opened == [(f"客户回访记录 — {late.number}", DIALOG_REPORT_TAB)]


def test_the_summary_is_worked_out_previewed_and_exported(
    qtbot, page, session, admin, office, tmp_path: Path, monkeypatch
) -> None:  # noqa: ANN001
    on_time = visit(session, admin, office["buyer"].id, TODAY)
    revisit_reports.write_report(session, admin, on_time.id, "概述", "评价")
    visit(session, admin, office["buyer"].id, TODAY, office["wang"])
    page.show_tab(SUMMARY_TAB)
    page.summary_tab.summary_from.setDate(page.summary_tab.summary_from.date().addDays(-40))
    qtbot.mouseClick(page.summary_tab.summary_run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.summary_tab.summary is not None, timeout=10_000)
    totals = page.findChild(QLabel, "revisitSummaryTotals").text()
    assert "回访 2 次" in totals and "已写 1（按时 1，逾期补写 0）" in totals
    kinds = page.summary_tab.summary_tables["kinds"]
    assert (kinds.item(0, 0).text(), kinds.item(0, 1).text(), kinds.item(0, 2).text()) == (
        "电话回访", "2", "100.0%",
    )  # fmt: skip
    people = page.summary_tab.summary_tables["staff"]
    names = {people.item(r, 0).text(): people.item(r, 1).text() for r in range(people.rowCount())}
    assert names == {"系统管理员": "1", "王芳": "1"}

    target = tmp_path / "汇总.xlsx"
    monkeypatch.setattr(summary_tab, "ask_xlsx_path", lambda *_args: str(target))
    qtbot.mouseClick(page.summary_tab.summary_export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已导出到" in page.status_label.text(), timeout=10_000)
    sheet = openpyxl.load_workbook(target).active
    found = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "客户回访汇总表" in found and "王芳" in found and "电话回访" in found

    qtbot.mouseClick(page.summary_tab.summary_print, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.current_form, PdfPreviewDialog), timeout=10_000)
    assert page.current_form.windowTitle() == "客户回访汇总表"
    page.current_form.reject()


def test_a_plan_is_moved_with_a_reason_and_the_list_says_so(
    qtbot, page, app_context, session, admin, office, monkeypatch
) -> None:  # noqa: ANN001
    plan = revisits.plan_revisit(
        session, admin, {"customer_id": office["buyer"].id, "planned_on": TODAY}
    )
    page.refresh()
    page.show_tab(PLAN_TAB)
    table = page.findChild(QTableView, "revisitPlanTable")
    table.selectRow(0)

    def move(dialog: RescheduleDialog) -> int:
        assert dialog.objectName() == "planRescheduleDialog"
        assert "现计划日期：" in dialog.header.text()
        dialog.planned_on.setDate(dialog.planned_on.date().addDays(3))
        assert not dialog.save()  # no reason: refused beside the field, the dialog stays
        assert dialog.errors["reschedule_reason"].text() == "改期原因：必须填写。"
        assert dialog.errors["reschedule_reason"].isVisibleTo(dialog)
        dialog.reason.insertPlainText("客户临时外出")
        assert dialog.save()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RescheduleDialog, "exec", move)
    qtbot.mouseClick(page.plans_tab.reschedule_button, Qt.MouseButton.LeftButton)
    assert "第 1 次改期" in page.status_label.text()
    assert rows(table, "rescheduled") == ["改期 1 次"]
    assert rows(table, "planned_on") == [f"{TODAY + timedelta(days=3):%Y-%m-%d}"]
    with app_context.session_factory() as check:
        moved = check.get(RevisitPlan, plan.id)
        assert (moved.original_planned_on, moved.reschedule_reason) == (TODAY, "客户临时外出")

    # A cancelled plan cannot move: the page says so without opening the dialog.
    revisits.cancel_plan(session, admin, plan.id, "客户停工")
    page.plans_tab.plan_state.setCurrentIndex(0)  # 全部状态
    table.selectRow(0)
    monkeypatch.setattr(RescheduleDialog, "exec", lambda _d: pytest.fail("opened"))
    qtbot.mouseClick(page.plans_tab.reschedule_button, Qt.MouseButton.LeftButton)
    assert "不能改期" in page.status_label.text()


def test_the_visit_brief_and_the_plan_list_print_from_the_page(
    qtbot, page, session, admin, office
) -> None:  # noqa: ANN001
    revisits.plan_revisit(session, admin, {"customer_id": office["buyer"].id, "planned_on": TODAY})
    page.refresh()
    table = page.findChild(QTableView, "revisitPlanTable")
    table.selectRow(0)
    qtbot.mouseClick(page.plans_tab.brief_button, Qt.MouseButton.LeftButton)
    assert page.current_form.windowTitle() == "客户拜访简报"
    page.current_form.reject()
    qtbot.mouseClick(page.plans_tab.print_plans_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: page.current_form is not None and page.current_form.windowTitle() == "客户回访计划",
        timeout=10_000,
    )
    assert page.current_form.page_count() >= 1
    page.current_form.reject()


# ------------------------------------------------------------------ 今日待办


def test_today_lists_the_report_to_write_and_opens_it(
    qtbot, app_context, session, admin, office
) -> None:  # noqa: ANN001
    late = visit(session, admin, office["buyer"].id, TODAY - timedelta(days=10))
    page = TodayPage(app_context)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    (line,) = page.line_items(today_service.REPORTS_TO_WRITE)
    headings = [page.tree.topLevelItem(i).text(0) for i in range(page.tree.topLevelItemCount())]
    assert "回访报告待写/逾期 (1)" in headings and "回访报告待审阅 (0)" in headings
    assert line.text(0) == late.number and line.text(1) == "西安华盛商混站"
    assert "逾期" in line.text(3) and not line.icon(0).isNull()

    page.tree.scrollToItem(line)
    rect = page.tree.visualItemRect(line)
    with qtbot.waitSignal(page.sig_open_revisit, timeout=1000) as opened:
        qtbot.mouseClick(page.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [late.id]
    dialog = page.current_dialog
    assert isinstance(dialog, RevisitDialog) and dialog.tabs.currentIndex() == DIALOG_REPORT_TAB
    dialog.summary_edit.insertPlainText("电话回访，使用正常。")
    dialog.evaluation_edit.insertPlainText("客户满意。")
    assert dialog.save_report()
    dialog.reject()
    # Closed: the page reads its lists again; the report now waits for review instead.
    qtbot.waitUntil(
        lambda: page.lists.section(today_service.REPORTS_TO_WRITE).total == 0, timeout=5000
    )
    assert page.lists.section(today_service.REPORTS_TO_REVIEW).total == 1
