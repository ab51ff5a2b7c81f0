"""客户满意度调查 as the clerk does it on screen: create a survey in the dialog, generate the
respondent list and start it, type a stack of paper questionnaires into the grid with the
keyboard alone (digits, 满/基, Enter, Tab, Delete, pinyin and input-method text), see the
figures move on the 统计 tab, be refused 已完成 below the targets without an improvement
plan, add the plans, complete the survey, print the analysis report and read it back; and
an overdue action on 今日待办 opening the survey at its 改进计划."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QWidget

from desktop_crm.services import survey_improvements, surveys
from desktop_crm.services import today as today_service
from desktop_crm.services.survey_answers import QuestionnaireInput, save_questionnaire
from desktop_crm.views.pdf_preview import PdfPreviewDialog
from desktop_crm.views.surveys import answers_tab as answers_module
from desktop_crm.views.surveys import improvements_tab as improvements_module
from desktop_crm.views.surveys import respondents_tab as respondents_module
from desktop_crm.views.surveys import survey_dialog as dialog_module
from desktop_crm.views.surveys.answer_grid import (
    COMPETITOR,
    FIRST_ITEM,
    PERSON,
    TYPE,
    AnswerGrid,
    RespondentEditor,
)
from desktop_crm.views.surveys.improvements_tab import ImprovementForm, VerifyForm
from desktop_crm.views.surveys.survey_dialog import (
    TAB_ANSWERS,
    TAB_FIGURES,
    TAB_IMPROVEMENTS,
    SurveyDialog,
)
from desktop_crm.views.today_page import TodayPage
from tests.pdf_text import pdf_text
from tests.services.test_surveys import Office, build_office

ENTER = Qt.Key.Key_Return


@pytest.fixture
def office(session, admin) -> Office:  # noqa: ANN001
    return build_office(session, admin)


@pytest.fixture(autouse=True)
def yes_to_questions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every 是/否 question answered 是 (and remembered)."""
    asked: list[str] = []

    def confirm(_parent, _title, text) -> bool:  # noqa: ANN001
        asked.append(text)
        return True

    for module in (dialog_module, answers_module, respondents_module, improvements_module):
        monkeypatch.setattr(module, "confirm", confirm)
    return asked


def button(widget: QWidget, name: str) -> QPushButton:
    found = widget.findChild(QPushButton, name)
    assert found is not None, name
    return found


def click(qtbot, widget: QWidget, name: str) -> None:  # noqa: ANN001
    qtbot.mouseClick(button(widget, name), Qt.MouseButton.LeftButton)


def commit_text(widget: QWidget, text: str) -> None:
    """Text as an input method delivers it: a committed string, not key presses."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def key_text(widget: QWidget, text: str) -> None:
    """A key press that carries a Chinese character (QTest only types Latin-1 keys)."""
    for char in text:
        QApplication.sendEvent(
            widget, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, char)
        )


def editor_of(grid: AnswerGrid) -> QLineEdit:
    editor = grid.delegate.editor
    assert isinstance(editor, QLineEdit), "no cell editor open"
    return editor


def column_texts(grid: AnswerGrid, row: int) -> list[str]:
    model = grid.model()
    return [model.index(row, c).data() or "" for c in range(model.columnCount())]


def pick_respondent(qtbot, grid: AnswerGrid, typed: str, ime: bool = False) -> None:  # noqa: ANN001
    """In the 答卷人 cell: type (or commit) the search, Enter takes the first match."""
    assert grid.currentIndex().column() == PERSON
    if ime:
        commit_text(grid, typed)
    else:
        qtbot.keyClicks(grid, typed[0])
        qtbot.keyClicks(editor_of(grid), typed[1:])
    editor = editor_of(grid)
    assert isinstance(editor, RespondentEditor) and editor.text() == typed
    qtbot.keyClick(editor, ENTER)
    assert grid.delegate.editor is None


def new_survey_in_dialog(qtbot, app_context, office: Office) -> SurveyDialog:  # noqa: ANN001
    dialog = SurveyDialog(app_context)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.objectName() == "surveyDialog"
    dialog.editors["name"].widget.setText("2026年特别满意度调查")
    for rival in ("冀东水泥", "海螺水泥"):
        dialog.competitor_editor.add(rival)
    click(qtbot, dialog, "surveySave")
    assert dialog.survey_id is not None, dialog.summary.text()
    assert dialog.header.text().startswith("调查编号：MY")
    # next: the respondent list, the 20 largest purchasers of 2025
    assert dialog.tabs.currentWidget() is dialog.respondents
    respondents = dialog.respondents
    for group, check in respondents.group_checks.items():
        check.setChecked(group == surveys.GROUP_TOP20)
    respondents.year.setValue(2025)
    click(qtbot, respondents, "respondentGenerate")
    assert respondents.table.rowCount() == 20
    assert "名单共 20 个客户" in respondents.count_label.text()
    # 开始调查 on 基本信息, and the grid is next
    click(qtbot, dialog.basics, "surveyStart")
    assert dialog.detail.state == surveys.RUNNING
    assert dialog.tabs.currentIndex() == TAB_ANSWERS
    return dialog


def test_create_type_answers_see_figures_plan_complete_and_print(
    qtbot, app_context, office, session, yes_to_questions
) -> None:  # noqa: ANN001
    dialog = new_survey_in_dialog(qtbot, app_context, office)
    assert any("名单上现有 20 个客户" in q for q in yes_to_questions)
    answers = dialog.answers
    grid = answers.grid
    assert grid.objectName() == "answerGrid"
    assert "1 很满意" in answers.hint.text() and "5 很不满意" in answers.hint.text()
    assert "1 冀东水泥" in answers.keys.text()
    answers.start_new_row()
    model = answers.model

    # sheet 1: 西安第5建材 by pinyin initials; about us (Enter skips 竞争对手); 1–5 1 2
    pick_respondent(qtbot, grid, "xad5")
    assert grid.currentIndex().column() == COMPETITOR
    qtbot.keyClick(grid, ENTER)
    for key in "1234512":
        qtbot.keyClicks(grid, key)
    assert grid.currentIndex().column() == model.feedback_column
    assert column_texts(grid, 0)[FIRST_ITEM:-1] == [
        "很满意", "满意", "基本满意", "不满意", "很不满意", "很满意", "满意",
    ]  # fmt: skip
    assert column_texts(grid, 0)[0] == "✎ 未保存"
    assert model.rowCount() == 2  # a new empty row is always at the bottom
    qtbot.keyClick(grid, ENTER)  # past the last cell: the next row, and this one is saved
    assert (grid.currentIndex().row(), grid.currentIndex().column()) == (1, PERSON)
    assert column_texts(grid, 0)[:3] == ["✓ 已保存", "客户", "西安第5建材有限公司"]
    assert "客户 1 份" in answers.figures_line.text()

    # sheet 2: a dealer's name committed by an input method (it answers as 经销商); 满, 基
    # (typed and committed); a 4 typed by mistake and cleared with Delete (a missing
    # answer); feedback through the input method
    pick_respondent(qtbot, grid, "咸阳", ime=True)
    qtbot.keyClick(grid, Qt.Key.Key_Tab)
    key_text(grid, "满")
    commit_text(grid, "基")
    qtbot.keyClicks(grid, "4")
    qtbot.keyClick(grid, Qt.Key.Key_Backtab)
    assert grid.currentIndex().column() == FIRST_ITEM + 2
    qtbot.keyClick(grid, Qt.Key.Key_Delete)
    qtbot.keyClick(grid, ENTER)
    key_text(grid, "很")  # both 很满意 and 很不满意: refused, with a hint
    assert "请键入 1（很满意）或 5（很不满意）" in answers.message.text()
    for key in "1122":
        qtbot.keyClicks(grid, key)
    commit_text(grid, "包装破损较多")
    qtbot.keyClick(editor_of(grid), ENTER)
    row = column_texts(grid, 1)
    assert row[:3] == ["✓ 已保存", "经销商", "咸阳华盛水泥经销部"]
    assert row[FIRST_ITEM:] == [
        "满意", "基本满意", "", "很满意", "很满意", "满意", "满意", "包装破损较多",
    ]  # fmt: skip

    # the 统计 tab: only the 调查部分 so far, no overall figure invented
    dialog.tabs.setCurrentIndex(TAB_FIGURES)
    figures = dialog.figures.text_of_table(dialog.figures.figures)
    assert figures[0][0].startswith("总体") and figures[0][2] == "—"
    assert "自评部分（销售人员）没有答卷" in dialog.figures.overall_note.text()
    assert figures[1][:3] == ["调查部分（客户和经销商）", "13", "75.4%"]
    assert figures[1][5] == "84.6%"
    dialog.tabs.setCurrentIndex(TAB_ANSWERS)

    # sheet 3: 自评 by 张伟 (3 in 答卷类型, then the staff picked by pinyin), all 很满意
    answers.start_new_row()
    qtbot.keyClick(grid, Qt.Key.Key_Backtab)
    assert grid.currentIndex().column() == TYPE
    qtbot.keyClicks(grid, "3")
    pick_respondent(qtbot, grid, "zw")
    qtbot.keyClick(grid, ENTER)
    for _ in range(7):
        qtbot.keyClicks(grid, "1")
    qtbot.keyClick(grid, ENTER)
    assert column_texts(grid, 2)[:3] == ["✓ 已保存", "自评", "张伟"]
    # the next row stays 自评 (a stack of 自评 sheets), back to 客户 with 1
    assert column_texts(grid, 3)[TYPE] == "自评"
    qtbot.keyClick(grid, Qt.Key.Key_Backtab)
    qtbot.keyClicks(grid, "1")

    # sheet 4: 西安第7建材 about 冀东水泥 (competitor 1), all 满意
    pick_respondent(qtbot, grid, "xad7")
    qtbot.keyClicks(grid, "1")
    for _ in range(7):
        qtbot.keyClicks(grid, "2")
    qtbot.keyClick(grid, ENTER)
    assert column_texts(grid, 3)[:4] == ["✓ 已保存", "客户", "西安第7建材有限公司", "冀东水泥"]

    # the figures moved right after the saves
    dialog.tabs.setCurrentIndex(TAB_FIGURES)
    figures = dialog.figures.text_of_table(dialog.figures.figures)
    assert figures[0][2:8] == ["85.2%", "85.0%", "✓ 达标", "90.8%", "90.0%", "✓ 达标"]
    assert figures[2][:3] == ["自评部分（销售人员）", "7", "100.0%"]
    top20 = next(line for line in figures if line[0] == "名单分组：前20名")
    assert top20[5:8] == ["71.4%", "100.0%", "✗ 未达标"]
    dealers = next(line for line in figures if line[0] == "其中：经销商")
    assert dealers[1:3] == ["6", "83.3%"]
    items = dialog.figures.text_of_table(dialog.figures.survey_items)
    assert items[3][:6] == ["包装质量", "1", "0", "0", "1", "0"]
    companies = dialog.figures.text_of_table(dialog.figures.companies)
    assert companies[1][:4] == ["冀东水泥", "1", "80.0%", "100.0%"]
    assert "结论：未达到指标" in dialog.figures.summary.text()

    # 已完成 is refused below the targets while dissatisfied items have no plan
    click(qtbot, dialog.basics, "surveyComplete")
    refusal = dialog.basics.state_refusal
    assert refusal.isVisible()
    assert "须先为每个有不满意评价的项目制定改进计划：包装质量、交货期" in refusal.text()
    assert "前20名客户满意率 71.4%（指标 100.0%）" in refusal.text()
    assert dialog.detail.state == surveys.RUNNING

    # 改进计划: both items listed with their counts; a plan for each
    dialog.tabs.setCurrentIndex(TAB_IMPROVEMENTS)
    plans = dialog.improvements
    listed = [plans.item_table.item(r, 0).text() for r in range(plans.item_table.rowCount())]
    assert listed == ["包装质量", "交货期"]
    assert plans.item_table.item(0, 7).text() == "未制定"
    for row, action in ((0, "更换加厚包装袋"), (1, "增开周末发运班次")):
        plans.item_table.selectRow(row)
        click(qtbot, plans, "improvementAdd")
        form = plans.current_form
        assert isinstance(form, ImprovementForm)
        form.responsible.setCurrentIndex(form.responsible.findText("李娜"))
        form.corrective.setPlainText(action)
        qtbot.mouseClick(
            form.buttons.button(form.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
        )
        assert plans.current_form is None
    assert plans.plan_table.rowCount() == 2
    assert plans.plan_table.item(0, 3).text() == "更换加厚包装袋"
    assert plans.item_table.item(0, 7).text() == "1 条"

    # now 已完成 goes through (the short counts are a warning in the question)
    click(qtbot, dialog.basics, "surveyComplete")
    assert dialog.detail.state == surveys.COMPLETED, dialog.basics.state_refusal.text()
    assert any("至少回收 100 份" in q for q in yes_to_questions)
    dialog.tabs.setCurrentIndex(TAB_ANSWERS)
    assert not dialog.answers.model.editable and not dialog.answers.note.isHidden()
    assert "调查已完成，答卷只能查看" in dialog.answers.note.text()

    # the analysis report, previewed, read back
    click(qtbot, dialog, "surveyPrint")
    preview = dialog.current_form
    assert isinstance(preview, PdfPreviewDialog)
    text = pdf_text(preview._pdf_data)  # noqa: SLF001
    preview.reject()
    assert "客户满意度调查分析报告" in text
    assert dialog.detail.number in text
    for shown in ("75.4%", "85.2%", "包装质量", "更换加厚包装袋", "李娜", "冀东水泥"):
        assert shown in text, shown


def test_a_refused_row_is_marked_and_keeps_its_typing(qtbot, app_context, office, session) -> None:  # noqa: ANN001
    dialog = new_survey_in_dialog(qtbot, app_context, office)
    grid, model = dialog.answers.grid, dialog.answers.model
    dialog.answers.start_new_row()
    for _ in range(2):  # the same customer about us twice: the second sheet is refused
        pick_respondent(qtbot, grid, "xad4")
        qtbot.keyClick(grid, ENTER)
        qtbot.keyClicks(grid, "2")
        qtbot.keyClick(grid, Qt.Key.Key_Down)  # leaving the row by arrow saves it too
        grid.move_to(grid.currentIndex().row(), PERSON)
    assert column_texts(grid, 0)[0] == "✓ 已保存"
    refused = column_texts(grid, 1)
    assert refused[0] == "⚠ 错误" and refused[FIRST_ITEM] == "满意"  # the typing stays
    tip = model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "关于「本公司」的问卷已经录入过了" in tip
    assert "已经录入过了" in model.index(1, PERSON).data(Qt.ItemDataRole.ToolTipRole)
    assert "第 2 行未保存" in dialog.answers.message.text()
    # corrected: about 海螺水泥 instead, saved when left
    grid.move_to(1, COMPETITOR)
    qtbot.keyClicks(grid, "2")
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    assert column_texts(grid, 1)[:4] == ["✓ 已保存", "客户", "西安第4建材有限公司", "海螺水泥"]
    # F2 on an item: the level with its reason
    grid.move_to(0, FIRST_ITEM)
    qtbot.keyClick(grid, Qt.Key.Key_F2)
    editor = editor_of(grid)
    assert editor.text() == "2"
    editor.setText("4 到货晚了三天")
    qtbot.keyClick(editor, ENTER)
    assert column_texts(grid, 0)[FIRST_ITEM] == "不满意✎"
    grid.move_to(1, PERSON)  # leave the row: saved with the reason
    with dialog.context.session() as check:
        found = survey_improvements.dissatisfied_items(check, office.admin, dialog.survey_id)
    assert [(d.name, d.reasons_text) for d in found] == [("产品功能（主要性能）", "到货晚了三天")]


def test_warnings_show_above_the_grid_not_as_dialogs(qtbot, app_context, office) -> None:  # noqa: ANN001
    dialog = new_survey_in_dialog(qtbot, app_context, office)
    warnings = dialog.answers.warnings
    assert warnings.isVisible()
    assert "至少回收 100 份客户和经销商问卷，目前只有 0 份" in warnings.text()
    assert "至少回收 10 份竞争对手问卷" in warnings.text()


def test_the_grid_model_passes_the_qt_model_tester(
    qtbot, qtmodeltester, app_context, office
) -> None:  # noqa: ANN001
    dialog = new_survey_in_dialog(qtbot, app_context, office)
    grid = dialog.answers.grid
    dialog.answers.start_new_row()
    pick_respondent(qtbot, grid, "xad2")
    qtbot.keyClick(grid, ENTER)
    qtbot.keyClicks(grid, "13")
    qtmodeltester.check(dialog.answers.model)


def test_an_overdue_improvement_on_today_opens_the_survey_at_its_plan(
    qtbot, app_context, office, session
) -> None:  # noqa: ANN001
    detail = surveys.create_survey(
        session,
        office.admin,
        {"name": "2026年第1季度重点客户满意度调查", "kind": surveys.KIND_KEY,
         "period_from": "2026-01-01", "period_to": "2026-03-31"},
    )  # fmt: skip
    detail = surveys.start_survey(session, office.admin, detail.id)
    item = detail.items[4]
    save_questionnaire(
        session, office.admin, detail.id,
        QuestionnaireInput(customer_id=office.customers[0], levels={item.id: 5},
                           reasons={item.id: "到货晚"}),
    )  # fmt: skip
    plan = survey_improvements.save_improvement(
        session, office.admin, detail.id,
        {"item_id": item.id, "responsible_id": office.li.id, "corrective_action": "增开夜班发运",
         "due_on": date.today() - timedelta(days=3)},
    )  # fmt: skip
    page = TodayPage(app_context)
    qtbot.addWidget(page)
    page.show()
    (line,) = page.line_items(today_service.IMPROVEMENTS_OVERDUE)
    assert line.text(0) == detail.number
    assert line.text(1) == "交货期（2026年第1季度重点客户满意度调查）"
    assert "逾期 3 天" in line.text(3) and "责任人：李娜" in line.text(3)
    page._open(line)  # noqa: SLF001 - a click on the line
    opened = page.current_dialog
    assert isinstance(opened, SurveyDialog)
    assert opened.tabs.currentIndex() == TAB_IMPROVEMENTS
    assert opened.improvements.plan_table.currentRow() == 0
    assert "⚠ 逾期未验证" in opened.improvements.plan_table.item(0, 6).text()
    assert opened.improvements.selected_plan().id == plan.id
    # 验证: not effective needs a new due date (refused beside the field), then effective
    click(qtbot, opened.improvements, "improvementVerify")
    form = opened.improvements.current_form
    assert isinstance(form, VerifyForm)
    form.result.setPlainText("夜班已开，客户反映到货准时")
    form.effective.setChecked(False)
    ok = form.buttons.button(form.buttons.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert "新的完成期限" in form.errors["new_due_on"].text()
    form.effective.setChecked(True)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert opened.improvements.current_form is None
    assert opened.improvements.plan_table.item(0, 6).text() == "已验证"
    assert "夜班已开" in opened.improvements.plan_table.item(0, 7).text()
    opened.reject()
    page.refresh()
    assert page.line_items(today_service.IMPROVEMENTS_OVERDUE) == []


def test_targets_show_the_proposal_and_apply_it(qtbot, app_context, office, session) -> None:  # noqa: ANN001
    dialog = SurveyDialog(app_context)
    qtbot.addWidget(dialog)
    dialog.proposal = surveys.TargetProposal(Decimal("88.7"), Decimal("98"), ("MY2025-01",))
    dialog.basics.show_proposal(dialog.proposal, True)
    assert "建议满意度指标 88.7%" in dialog.basics.proposal.text()
    click(qtbot, dialog.basics, "surveyApplyProposal")
    assert dialog.editors["target_degree"].get() == "88.7"
    assert dialog.editors["target_rate"].get() == "98"


def test_items_keep_their_order_and_the_list_is_edited_by_hand(
    qtbot, app_context, office, session
) -> None:  # noqa: ANN001
    dialog = SurveyDialog(app_context)
    qtbot.addWidget(dialog)
    dialog.show()
    items = dialog.item_editor
    assert [r.name for r in items.rows()][:2] == ["产品功能（主要性能）", "可靠性"]
    items.table.setCurrentCell(4, 0)  # 交货期 up to third place
    click(qtbot, items, "surveyItemsUp")
    click(qtbot, items, "surveyItemsUp")
    items.add("价格合理性")
    click(qtbot, dialog, "surveySave")
    detail = surveys.survey_detail(session, office.admin, dialog.survey_id)
    assert [i.name for i in detail.items] == [
        "产品功能（主要性能）", "可靠性", "交货期", "外观", "包装质量", "服务质量",
        "售后服务水平", "价格合理性",
    ]  # fmt: skip
    # an item with answers cannot go; it can be retired
    respondents = dialog.respondents
    respondents.search.setText("xad1")  # typed or committed alike: textChanged
    respondents.run_search()
    assert respondents.matches.count() >= 1
    respondents.matches.setCurrentRow(0)
    respondents.matches.item(0).setSelected(True)
    click(qtbot, respondents, "respondentAdd")
    assert respondents.table.rowCount() == 1
    assert respondents.table.item(0, 0).text() == "普通客户"
    assert respondents.table.item(0, 4).text() == "手工"
    respondents.table.selectRow(0)
    click(qtbot, respondents, "respondentRemove")
    assert respondents.table.rowCount() == 0


def test_blank_questionnaires_and_the_report_workbook(
    qtbot, app_context, office, session, tmp_path
) -> None:  # noqa: ANN001
    dialog = new_survey_in_dialog(qtbot, app_context, office)
    click(qtbot, dialog.respondents, "respondentPrintAll")
    preview = dialog.respondents.preview
    assert isinstance(preview, PdfPreviewDialog)
    text = pdf_text(preview._pdf_data)  # noqa: SLF001
    preview.reject()
    assert "客户满意度调查问卷" in text
    assert "西安第1建材有限公司" in text and "西安第20建材有限公司" in text
    assert "西安第21建材有限公司" not in text  # not one of the top 20
    target = tmp_path / "分析报告.xlsx"
    assert dialog.save_report_xlsx(str(target))
    sheet = load_workbook(target).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert any("客户满意度调查分析报告" in c for c in cells)
    assert any(dialog.detail.number in c for c in cells)
