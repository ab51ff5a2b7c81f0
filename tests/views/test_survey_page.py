"""满意度调查 in the main window: the list of surveys with their figures and 达标, filters by
kind, state and year, search, the actions the rights allow, the area hidden from someone
without surveys·view, and answers exported to and imported from a workbook."""

from __future__ import annotations

from dataclasses import replace

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop_crm.services import staff, survey_answers, surveys
from desktop_crm.services.survey_answers import QuestionnaireInput
from desktop_crm.views.main_window import MainWindow
from desktop_crm.views.surveys.survey_dialog import SurveyDialog
from desktop_crm.views.surveys.survey_page import SurveyPage
from tests.services.test_surveys import WORKED, Office, build_office


@pytest.fixture
def office(session, admin) -> Office:  # noqa: ANN001
    return build_office(session, admin)


def make(session, actor, name: str, kind: str, start: str, end: str) -> surveys.SurveyDetail:  # noqa: ANN001
    return surveys.create_survey(
        session,
        actor,
        {"name": name, "kind": kind, "period_from": start, "period_to": end,
         "target_degree": "75", "target_rate": "80", "target_top20": None},
        competitors=["冀东水泥"],
    )  # fmt: skip


@pytest.fixture
def known(session, office):  # noqa: ANN001, ANN201
    """Three surveys: 2025 H1 ordinary (completed, the worked example), 2026 Q1 key
    (running, below target), 2026-05 special (preparing, nothing yet)."""
    admin = office.admin
    done = make(session, admin, "2025年上半年普通客户满意度调查", surveys.KIND_ORDINARY,
                "2025-01-01", "2025-06-30")  # fmt: skip
    surveys.start_survey(session, admin, done.id)
    item = done.items[0].id
    for customer_id, level in zip(office.customers, WORKED, strict=False):
        survey_answers.save_questionnaire(
            session,
            admin,
            done.id,
            QuestionnaireInput(customer_id=customer_id, levels={item: level}),
        )
    survey_answers.save_questionnaire(
        session, admin, done.id,
        QuestionnaireInput(respondent_type="自评", staff_id=office.zhang.id, levels={item: 1}),
    )  # fmt: skip
    surveys.complete_survey(session, admin, done.id)
    running = make(session, admin, "2026年第1季度重点客户满意度调查", surveys.KIND_KEY,
                   "2026-01-01", "2026-03-31")  # fmt: skip
    surveys.start_survey(session, admin, running.id)
    item = running.items[1].id
    for customer_id in office.customers[:3]:
        survey_answers.save_questionnaire(
            session,
            admin,
            running.id,
            QuestionnaireInput(customer_id=customer_id, levels={item: 5}),
        )
    special = make(session, admin, "2026年包装质量专项调查", surveys.KIND_SPECIAL,
                   "2026-05-01", "2026-05-31")  # fmt: skip
    return done, running, special


@pytest.fixture
def page(qtbot, app_context, known):  # noqa: ANN001
    widget = SurveyPage(app_context)
    qtbot.addWidget(widget)
    widget.resize(1140, 600)
    widget.show()
    return widget


def shown(page: SurveyPage) -> list[dict[str, str]]:
    """The list as the user reads it: visible columns by their heads."""
    model, header = page.model, page.table.horizontalHeader()
    columns = [
        header.logicalIndex(v)
        for v in range(header.count())
        if not page.table.isColumnHidden(header.logicalIndex(v))
    ]
    heads = [model.headerData(c, Qt.Orientation.Horizontal) for c in columns]
    return [
        {head: model.index(row, c).data() or "" for head, c in zip(heads, columns, strict=True)}
        for row in range(model.rowCount())
    ]


def test_the_list_shows_each_survey_with_its_figures(page, known) -> None:  # noqa: ANN001
    assert page.table.objectName() == "surveyTable"
    rows = shown(page)
    assert list(rows[0]) == [
        "编号", "名称", "类别", "期间", "状态", "回收问卷", "满意度", "满意率", "目标", "达标",
    ]  # fmt: skip
    # newest first
    assert [r["名称"] for r in rows] == [
        "2026年包装质量专项调查", "2026年第1季度重点客户满意度调查", "2025年上半年普通客户满意度调查",
    ]  # fmt: skip
    special, running, done = rows
    assert special["状态"] == "准备" and special["满意度"] == "—" and special["达标"] == "—"
    # 3 × 很不满意 in the 调查部分 only: 20%, marked as one part's figure
    assert running["满意度"] == "20.0% *" and running["满意率"] == "0.0% *"
    assert running["达标"] == "✗ 未达标" and running["回收问卷"] == "3"
    # the worked example (76%, 84%) and one 自评 很满意: 100×40% + 76×60% = 85.6
    assert done["满意度"] == "85.6%" and done["满意率"] == "90.4%"
    assert done["达标"] == "✓ 达标" and done["目标"] == "75.0% / 80.0%"
    assert done["期间"] == "2025-01-01 至 2025-06-30" and done["状态"] == "已完成"
    tip = page.model.index(1, page.model.base_columns + 2).data(Qt.ItemDataRole.ToolTipRole)
    assert "满意度 20.0%（指标 75.0%）" in tip
    assert page.count_label.text() == "共 3 次调查"


def test_filters_and_search(qtbot, page) -> None:  # noqa: ANN001
    page.kind_filter.setCurrentIndex(page.kind_filter.findData(surveys.KIND_KEY))
    assert [r["编号"] for r in shown(page)] == ["MY2026-01"]
    page.clear_filters()
    page.state_filter.setCurrentIndex(page.state_filter.findData(surveys.COMPLETED))
    assert [r["名称"] for r in shown(page)] == ["2025年上半年普通客户满意度调查"]
    page.clear_filters()
    page.year_filter.setCurrentIndex(page.year_filter.findData("2026"))
    assert len(shown(page)) == 2
    page.clear_filters()
    page.search.setText("包装")  # typed or committed by an input method alike
    qtbot.waitUntil(lambda: len(shown(page)) == 1)
    assert shown(page)[0]["类别"] == "特殊"


def test_the_list_model_passes_the_qt_model_tester(qtmodeltester, page) -> None:  # noqa: ANN001
    qtmodeltester.check(page.model)


def test_open_the_selected_survey(qtbot, page, known) -> None:  # noqa: ANN001
    page.open_selected()
    assert page.message_label.text() == "请先在列表中选中一次调查。"
    page.table.selectRow(1)
    page.open_selected()
    (dialog,) = page.dialogs
    assert isinstance(dialog, SurveyDialog) and dialog.survey_id == known[1].id
    assert "2026年第1季度重点客户满意度调查" in dialog.header.text()
    dialog._closing = True  # noqa: SLF001
    dialog.reject()


def test_answers_go_out_to_a_workbook_and_come_back(
    qtbot, page, known, tmp_path, session, office
) -> None:  # noqa: ANN001
    _, running, _ = known
    page.table.selectRow(1)
    target = tmp_path / "答卷.xlsx"
    page.export_selected(str(target))
    qtbot.waitUntil(lambda: "已导出 3 份问卷" in page.message_label.text(), timeout=5000)
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    heads = list(rows[0])
    item = heads.index(running.items[1].name)
    assert [row[item] for row in rows[1:]] == ["很不满意"] * 3
    # a fourth sheet typed into the workbook comes back as a new questionnaire
    from openpyxl import Workbook

    book = Workbook()
    out = book.active
    out.append(heads)
    line = [None] * len(heads)
    line[heads.index("答卷人")] = "西安第9建材有限公司"
    line[item] = "满意"
    out.append(line)
    source = tmp_path / "补录.xlsx"
    book.save(source)
    asked: list[str] = []

    def ask(dialog) -> bool:  # noqa: ANN001
        problems = dialog.table
        asked.append(dialog.findChild(QLabel, "answerImportSummary").text())
        asked.extend(problems.item(r, 2).text() for r in range(problems.rowCount()))
        return True

    page.import_selected(str(source), ask=ask)
    qtbot.waitUntil(lambda: "已导入 1 份问卷" in page.message_label.text(), timeout=5000)
    assert asked == ["共 1 行：新问卷 1 份，更正 0 份，未变 0 份，有问题 0 行。"]
    assert shown(page)[1]["回收问卷"] == "4"


def test_actions_follow_the_rights(qtbot, app_context, session, admin, known) -> None:  # noqa: ANN001
    seller = staff.save_staff(
        session, admin, staff.StaffInput(name="王销售", department_id=None, roles=["客户开发专员"])
    )
    page = SurveyPage(replace(app_context, user_id=seller.id))
    qtbot.addWidget(page)
    assert not page.new_button.isHidden()  # surveys·create
    for button in (page.print_button, page.export_button, page.import_button):
        assert button.isHidden()
    clerk_page = SurveyPage(app_context)
    qtbot.addWidget(clerk_page)
    for button in (clerk_page.print_button, clerk_page.export_button, clerk_page.import_button):
        assert not button.isHidden()


def test_without_surveys_view_the_area_is_hidden(qtbot, app_context, session, admin) -> None:  # noqa: ANN001
    inspector = staff.save_staff(
        session, admin, staff.StaffInput(name="质检小王", department_id=None, roles=["质检员"])
    )
    window = MainWindow(replace(app_context, user_id=inspector.id))
    qtbot.addWidget(window)
    titles = {
        window.navigation.item(r).text(): window.navigation.item(r).isHidden()
        for r in range(window.navigation.count())
    }
    assert titles["满意度调查"] is True
    assert window.surveys.model.rowCount() == 0  # the page itself shows nothing either
    manager = MainWindow(app_context)
    qtbot.addWidget(manager)
    row = [manager.navigation.item(r).text() for r in range(manager.navigation.count())].index(
        "满意度调查"
    )
    assert not manager.navigation.item(row).isHidden()
    assert manager.navigation.item(row - 1).text() == "回访"
    manager.navigation.setCurrentRow(row)
    assert manager.pages.currentWidget() is manager.surveys
