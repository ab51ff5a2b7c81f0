"""基本信息, 问卷题目 and 分析会: the survey's own fields, saved together by the dialog's
保存; the target proposal (平均先进值) beside the targets; the competitors; and the state
moves (开始调查 / 完成调查 / 重新打开) with the service's warnings and refusals in words."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services import surveys
from desktop_crm.services.surveys import SurveyDetail, TargetProposal

from ..customers.card_widgets import plain_button
from ..field_errors import FieldEditor
from .parts import HINT_STYLE, REFUSAL_STYLE, WARNING_STYLE, NameListEditor, NameRow, note_label
from .survey_fields import holder_of, make_editor

SURVEY_KEYS = ("name", "kind", "period_from", "period_to", "method", "agency", "notes")
TARGET_KEYS = (
    "target_degree",
    "target_rate",
    "target_top20",
    "benchmark_degree",
    "benchmark_rate",
    "purchase_year",
)
MEETING_KEYS = ("meeting_on", "meeting_attendees", "meeting_notes")
ACTION_NAMES = {
    surveys.START: "surveyStart",
    surveys.COMPLETE: "surveyComplete",
    surveys.REOPEN: "surveyReopen",
}


def _grid(parent: QWidget, editors: Sequence[FieldEditor], columns: int = 1) -> QGridLayout:
    """Label, field and its refusal line per field, `columns` fields side by side."""
    grid = QGridLayout()
    grid.setHorizontalSpacing(10)
    for number, editor in enumerate(editors):
        row, column = divmod(number, columns)
        label = QLabel(editor.field.label + ("＊" if editor.field.required else "") + "：", parent)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        label.setBuddy(editor.widget)
        grid.addWidget(label, row * 2, column * 2)
        grid.addWidget(holder_of(editor), row * 2, column * 2 + 1)
        grid.addWidget(editor.error, row * 2 + 1, column * 2 + 1)
    for column in range(columns):
        grid.setColumnStretch(column * 2 + 1, 1)
    return grid


class BasicsTab(QWidget):
    """基本信息: the facts, the targets with the proposal, the competitors, the state."""

    sig_action = Signal(str)  # a state move was clicked
    sig_apply_proposal = Signal()

    def __init__(
        self, parent: QWidget | None, editors: dict[str, FieldEditor], competitors: NameListEditor
    ) -> None:
        super().__init__(parent)
        self.setObjectName("surveyBasics")
        self.editors = editors
        self.competitors = competitors

        facts = QGroupBox(self.tr("调查"), self)
        facts.setLayout(_grid(facts, [editors[k] for k in SURVEY_KEYS]))
        targets = QGroupBox(self.tr("指标"), self)
        target_layout = QVBoxLayout(targets)
        target_layout.addLayout(_grid(targets, [editors[k] for k in TARGET_KEYS]))
        self.proposal = note_label(targets, "surveyProposal", HINT_STYLE)
        self.apply_proposal = plain_button(targets, self.tr("采用建议指标"), "surveyApplyProposal")
        self.apply_proposal.clicked.connect(self.sig_apply_proposal)
        proposal_row = QHBoxLayout()
        proposal_row.addWidget(self.proposal, 1)
        proposal_row.addWidget(self.apply_proposal, 0, Qt.AlignmentFlag.AlignTop)
        target_layout.addLayout(proposal_row)
        target_layout.addStretch(1)

        rivals = QGroupBox(self.tr("竞争对手（问卷也请客户评价这些公司）"), self)
        rivals_layout = QVBoxLayout(rivals)
        rivals_layout.addWidget(competitors)

        state = QGroupBox(self.tr("状态"), self)
        self.state_label = QLabel(state)
        self.state_label.setObjectName("surveyState")
        font = self.state_label.font()
        font.setBold(True)
        self.state_label.setFont(font)
        self.action_buttons: dict[str, object] = {}
        state_row = QHBoxLayout()
        state_row.addWidget(self.state_label)
        for action, name in ACTION_NAMES.items():
            button = plain_button(state, action + "…", name)
            button.clicked.connect(lambda _c=False, a=action: self.sig_action.emit(a))
            button.hide()
            self.action_buttons[action] = button
            state_row.addWidget(button)
        state_row.addStretch(1)
        self.state_help = note_label(state, "surveyStateHelp", HINT_STYLE)
        self.state_warnings = note_label(state, "surveyStateWarnings", WARNING_STYLE)
        self.state_refusal = note_label(state, "surveyStateRefusal", REFUSAL_STYLE)
        state_layout = QVBoxLayout(state)
        state_layout.addLayout(state_row)
        state_layout.addWidget(self.state_help)
        state_layout.addWidget(self.state_warnings)
        state_layout.addWidget(self.state_refusal)
        state_layout.addStretch(1)
        self.state_warnings.hide()
        self.state_refusal.hide()

        page = QWidget()
        columns = QHBoxLayout()
        columns.addWidget(facts, 3)
        columns.addWidget(targets, 2)
        lower = QHBoxLayout()
        lower.addWidget(rivals, 1)
        lower.addWidget(state, 1)
        page_layout = QVBoxLayout(page)
        page_layout.addLayout(columns)
        page_layout.addLayout(lower, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def show_proposal(self, proposal: TargetProposal | None, may_edit: bool) -> None:
        if proposal is None:
            self.proposal.setText("")
            self.apply_proposal.hide()
            return
        self.proposal.setText(self.tr("指标建议（平均先进值）：") + proposal.text)
        self.apply_proposal.setVisible(may_edit and proposal.degree is not None)

    def show_state(self, detail: SurveyDetail | None, may_edit: bool) -> None:
        """The state and the moves possible now (none for a survey not saved yet)."""
        self.state_refusal.hide()
        if detail is None:
            self.state_label.setText(self.tr("新调查（保存后为「准备」）"))
            for button in self.action_buttons.values():
                button.hide()  # type: ignore[attr-defined]
            self.state_help.setText(
                self.tr("保存后生成调查编号；再在「调查对象」中生成名单，然后开始调查。")
            )
            self.state_warnings.hide()
            return
        self.state_label.setText(self.tr("当前状态：") + detail.state)
        for action, button in self.action_buttons.items():
            button.setVisible(may_edit and action in detail.actions)  # type: ignore[attr-defined]
        help_text = {
            surveys.PREPARING: "准备中：可以修改题目、竞争对手和调查名单。开始调查后名单固定，"
            "可以录入答卷。",
            surveys.RUNNING: "进行中：在「录入答卷」中录入回收的问卷。未达到指标时，须先为有不满意"
            "评价的项目制定改进计划，才能完成调查。",
            surveys.COMPLETED: "已完成：只能修改分析会记录和备注；如需更正答卷或题目，请先重新打开。",
        }[detail.state]
        if detail.started_at:
            help_text += f"\n开始于 {detail.started_at:%Y-%m-%d %H:%M}"
        if detail.completed_at:
            help_text += f"，完成于 {detail.completed_at:%Y-%m-%d %H:%M}"
        self.state_help.setText(self.tr(help_text))
        self.state_warnings.setText("⚠ " + "\n⚠ ".join(detail.warnings) if detail.warnings else "")
        self.state_warnings.setVisible(bool(detail.warnings))

    def show_refusal(self, text: str) -> None:
        self.state_refusal.setText(text)
        self.state_refusal.setVisible(bool(text))

    def show_warnings(self, warnings: Sequence[str]) -> None:
        self.state_warnings.setText("⚠ " + "\n⚠ ".join(warnings) if warnings else "")
        self.state_warnings.setVisible(bool(warnings))


class ItemsTab(QWidget):
    """问卷题目: the questionnaire items in order (add, remove, reorder, retire)."""

    def __init__(self, parent: QWidget | None, items: NameListEditor) -> None:
        super().__init__(parent)
        self.setObjectName("surveyItemsTab")
        self.items = items
        help_text = note_label(
            self,
            "surveyItemsHelp",
            HINT_STYLE,
        )
        help_text.setText(
            self.tr(
                "问卷上的调查项目，按这里的顺序印在问卷上、排在录入表格里。双击修改名称；"
                "已有回答的项目不能删除，可以取消“在用”改为停用（停用的项目不再计入满意度）。"
                "另有一栏“反馈”供客户自由填写。"
            )
        )
        layout = QVBoxLayout(self)
        layout.addWidget(help_text)
        layout.addWidget(items, 1)


class MeetingTab(QWidget):
    """分析会: the analysis meeting's date, attendees and conclusions."""

    def __init__(self, parent: QWidget | None, editors: dict[str, FieldEditor]) -> None:
        super().__init__(parent)
        self.setObjectName("surveyMeetingTab")
        help_text = note_label(self, "surveyMeetingHelp", HINT_STYLE)
        help_text.setText(
            self.tr("调查结果的分析会：日期、参加人员和结论，印在分析报告上。调查完成后仍可修改。")
        )
        for key in ("meeting_attendees", "meeting_notes"):
            editors[key].widget.setFixedHeight(editors[key].widget.fontMetrics().lineSpacing() * 6)
        layout = QVBoxLayout(self)
        layout.addWidget(help_text)
        layout.addLayout(_grid(self, [editors[k] for k in MEETING_KEYS]))
        layout.addStretch(1)


def build_editors(on_edited: Callable[[str], None], parent: QWidget) -> dict[str, FieldEditor]:
    """An editor for each of the survey's fields, by key."""
    return {f.key: make_editor(f, parent, on_edited) for f in surveys.FIELDS}


def item_rows(detail: SurveyDetail) -> list[NameRow]:
    return [NameRow(i.id, i.name, i.active, i.answers) for i in detail.items]


def competitor_rows(detail: SurveyDetail) -> list[NameRow]:
    return [NameRow(c.id, c.name, True, c.questionnaires) for c in detail.competitors]
