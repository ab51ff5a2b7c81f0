"""客户满意度调查 — one survey (objectName `surveyDialog`): 基本信息 (facts, targets with the
proposal, competitors, state moves), 问卷题目, 调查对象 (the planned respondents and the blank
questionnaires), 录入答卷 (the entry grid), 统计, 改进计划 and 分析会; the analysis report
previewed, printed and saved as PDF or Excel.

The dialog holds plain values only; every store access is one short session. The survey's
own fields (基本信息, 问卷题目, 分析会) are saved together by 保存; the respondents, the
questionnaires and the improvement actions are saved as they are made.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm import documents
from desktop_crm.models import User
from desktop_crm.services import surveys
from desktop_crm.services.errors import FieldProblem, ValidationError
from desktop_crm.services.surveys import (
    CompetitorInput,
    ItemInput,
    SurveyDetail,
    TargetProposal,
)

from ..context import AppContext
from ..customers.card_widgets import plain_button
from ..field_errors import FieldEditor
from ..list_export import ask_xlsx_path
from ..messages import confirm
from ..pdf_preview import preview_form
from ..service_call import FAILED, run_service
from .answers_tab import AnswersTab
from .basics_tab import (
    MEETING_KEYS,
    BasicsTab,
    ItemsTab,
    MeetingTab,
    build_editors,
    competitor_rows,
    item_rows,
)
from .figures_tab import FiguresTab
from .improvements_tab import ImprovementsTab
from .parts import REFUSAL_STYLE, NameListEditor, NameRow, note_label
from .respondents_tab import RespondentsTab

TAB_BASICS, TAB_ITEMS, TAB_RESPONDENTS, TAB_ANSWERS, TAB_FIGURES, TAB_IMPROVEMENTS, TAB_MEETING = (
    range(7)
)
REPORT_TITLE = "客户满意度调查分析报告"


class SurveyDialog(QDialog):
    """One survey, or a new one of `kind`. `tab` opens it at that tab (改进计划 from
    今日待办, with `improvement_id` selected). `sig_changed` after anything was saved."""

    sig_changed = Signal()

    def __init__(
        self,
        context: AppContext,
        survey_id: int | None = None,
        kind: str = surveys.KIND_KEY,
        parent: QWidget | None = None,
        tab: int | None = None,
        improvement_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("surveyDialog")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.context = context
        self.survey_id = survey_id
        self.detail: SurveyDetail | None = None
        self.proposal: TargetProposal | None = None
        self.current_form: QWidget | None = None
        self._saved_snapshot: object = None
        self._closing = False
        self._figures_stale = True
        self._improvements_stale = False
        self._default_name = ""
        self._build()
        if survey_id is None:
            self._fill_new(kind)
        elif not self.reload():
            self.save_button.setEnabled(False)
            QTimer.singleShot(0, self._close_without_asking)
        if tab is not None and self.tabs.isTabEnabled(tab):
            self.tabs.setCurrentIndex(tab)
            if tab == TAB_IMPROVEMENTS and improvement_id is not None:
                self.improvements.select_plan(improvement_id)
        self.resize(1180, 760)

    # ================================================================= building

    def _build(self) -> None:
        self.header = QLabel(self)
        self.header.setObjectName("surveyHeader")
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        self.summary = note_label(self, "surveyErrors", REFUSAL_STYLE)
        self.summary.hide()

        self.editors: dict[str, FieldEditor] = build_editors(self._edited, self)
        self.editors["kind"].widget.currentIndexChanged.connect(self._kind_changed)
        self.item_editor = NameListEditor(
            self, "surveyItems", self.tr("调查项目"), self.tr("条回答"), True, self.tr("新项目")
        )
        self.competitor_editor = NameListEditor(
            self,
            "surveyCompetitors",
            self.tr("竞争对手"),
            self.tr("份问卷"),
            False,
            self.tr("新竞争对手"),
        )
        for editor in (self.item_editor, self.competitor_editor):
            editor.sig_changed.connect(lambda: self._edited(""))

        self.basics = BasicsTab(self, self.editors, self.competitor_editor)
        self.basics.sig_action.connect(self.state_action)
        self.basics.sig_apply_proposal.connect(self.apply_proposal)
        self.items_tab = ItemsTab(self, self.item_editor)
        self.respondents = RespondentsTab(self.context, self)
        self.respondents.sig_changed.connect(self._respondents_changed)
        self.answers = AnswersTab(self.context, self)
        self.answers.sig_saved.connect(self._answers_saved)
        self.figures = FiguresTab(self.context, self)
        self.improvements = ImprovementsTab(self.context, self)
        self.improvements.sig_changed.connect(self._improvements_changed)
        self.meeting = MeetingTab(self, self.editors)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("surveyTabs")
        for page, title in (
            (self.basics, "基本信息"),
            (self.items_tab, "问卷题目"),
            (self.respondents, "调查对象"),
            (self.answers, "录入答卷"),
            (self.figures, "统计"),
            (self.improvements, "改进计划"),
            (self.meeting, "分析会"),
        ):
            self.tabs.addTab(page, self.tr(title))
        self._tab_shown = TAB_BASICS
        self.tabs.currentChanged.connect(self._tab_changed)
        for key in MEETING_KEYS:
            self.editors[key].tab_index = TAB_MEETING
        for key, editor in self.editors.items():
            if key not in MEETING_KEYS:
                editor.tab_index = TAB_BASICS

        self.status_label = QLabel(self)
        self.status_label.setObjectName("surveyStatus")
        self.print_button = plain_button(self, self.tr("打印/预览分析报告…"), "surveyPrint")
        self.print_button.setToolTip(
            self.tr("客户满意度调查分析报告：预览、打印、另存为 PDF 或 Excel")
        )
        self.print_button.clicked.connect(self.print_report)
        self.xlsx_button = plain_button(self, self.tr("报告存为 Excel…"), "surveyExportXlsx")
        self.xlsx_button.clicked.connect(lambda: self.save_report_xlsx())
        self.save_button = plain_button(self, self.tr("保存"), "surveySave")
        self.save_button.setToolTip(self.tr("保存基本信息、问卷题目和分析会 (Ctrl+S)"))
        self.save_button.clicked.connect(lambda: self.save())
        self.close_button = plain_button(self, self.tr("关闭"), "surveyClose")
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=lambda: self.save())
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        for button in (self.print_button, self.xlsx_button, self.save_button, self.close_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

    # ================================================================= loading

    def _fill_new(self, kind: str) -> None:
        defaults = run_service(
            self, self.context, lambda s, a: surveys.new_survey_defaults(s, a, kind)
        )
        may_create = defaults is not FAILED
        if may_create:
            self._put_defaults(defaults)  # type: ignore[arg-type]
            self.item_editor.set_rows([NameRow(None, name) for name in defaults.items])  # type: ignore[union-attr]
            self.competitor_editor.set_rows(
                [NameRow(None, name) for name in defaults.competitors]  # type: ignore[union-attr]
            )
        self.header.setText(self.tr("新的满意度调查　（保存后生成调查编号）"))
        self.setWindowTitle(self.tr("客户满意度调查 — 新调查"))
        for tab in range(TAB_RESPONDENTS, TAB_MEETING + 1):
            self.tabs.setTabEnabled(tab, False)
        self.basics.show_state(None, may_create)
        self.print_button.hide()
        self.xlsx_button.hide()
        self.save_button.setVisible(may_create)
        if not may_create:
            self.status_label.setText(self.tr("您没有新建调查的权限。"))
        self._mark_saved()

    def _put_defaults(self, defaults: surveys.SurveyDefaults) -> None:
        kind_combo = self.editors["kind"].widget
        kind_combo.blockSignals(True)
        for key, value in defaults.values.items():
            if key in self.editors:
                self.editors[key].put(value)
        kind_combo.blockSignals(False)
        self._default_name = str(defaults.values.get("name") or "")
        self.proposal = defaults.proposal
        self.basics.show_proposal(defaults.proposal, True)

    def _kind_changed(self) -> None:
        """A new survey of another kind: its period, name and proposal follow the kind
        (a name the user typed stays)."""
        if self.survey_id is not None:
            return
        kind = self.editors["kind"].get()
        defaults = run_service(
            self, self.context, lambda s, a: surveys.new_survey_defaults(s, a, str(kind))
        )
        if defaults is FAILED:
            return
        typed_name = self.editors["name"].get()
        keep_name = typed_name and typed_name != self._default_name
        self._put_defaults(defaults)  # type: ignore[arg-type]
        if keep_name:
            self.editors["name"].put(typed_name)

    def reload(self) -> bool:
        """Fill the dialog from the store; False when the survey is gone or out of reach."""
        survey_id = self.survey_id
        assert survey_id is not None

        def read(session: Session, actor: User) -> tuple[SurveyDetail, TargetProposal]:
            detail = surveys.survey_detail(session, actor, survey_id)
            proposal = surveys.propose_targets(
                session, actor, detail.kind, before=detail.period_from
            )
            return detail, proposal

        found = run_service(self, self.context, read, refusal_title=self.tr("无法打开"))
        if found is FAILED:
            return False
        detail, proposal = found  # type: ignore[misc]
        self.detail, self.proposal = detail, proposal
        kind_combo = self.editors["kind"].widget
        kind_combo.blockSignals(True)
        for key, editor in self.editors.items():
            editor.put(getattr(detail, key))
        kind_combo.blockSignals(False)
        self.item_editor.set_rows(item_rows(detail))
        self.competitor_editor.set_rows(competitor_rows(detail))
        self._show_detail(detail)
        self._clear_errors()
        self._mark_saved()
        return True

    def _show_detail(self, detail: SurveyDetail) -> None:
        self.setWindowTitle(self.tr("客户满意度调查 — ") + detail.label)
        self.header.setText(
            self.tr("调查编号：{n}　　{name}　　类型：{k}　　期间：{p}　　状态：{s}")
            .replace("{n}", detail.number)
            .replace("{name}", detail.name)
            .replace("{k}", detail.kind)
            .replace("{p}", detail.period_text)
            .replace("{s}", detail.state)
        )
        may_edit = "edit" in detail.permitted
        completed = detail.state == surveys.COMPLETED
        for key, editor in self.editors.items():
            editable = may_edit and (not completed or key in surveys.AFTER_COMPLETION)
            editor.set_read_only(not editable)
        for editor in (self.item_editor, self.competitor_editor):
            editor.set_read_only(not may_edit or completed)
        self.basics.show_proposal(self.proposal, may_edit and not completed)
        self.basics.show_state(detail, may_edit)
        for tab in range(TAB_RESPONDENTS, TAB_MEETING + 1):
            self.tabs.setTabEnabled(tab, True)
        self.respondents.load(detail)
        self.answers.load(detail, fill=self.tabs.currentIndex() == TAB_ANSWERS)
        self.improvements.load(detail)
        self._figures_stale = True
        if self.tabs.currentIndex() == TAB_FIGURES:
            self._load_figures()
        may_print = "print" in detail.permitted
        self.print_button.setVisible(may_print)
        self.xlsx_button.setVisible(may_print)
        self.save_button.setVisible(may_edit)
        if not may_edit:
            self.status_label.setText(self.tr("只读：您可以查看这次调查，但没有修改的权限。"))

    def _load_figures(self) -> None:
        if self.survey_id is not None and self.figures.load(self.survey_id):
            self._figures_stale = False

    # ================================================================= tabs

    def _tab_changed(self, index: int) -> None:
        left, self._tab_shown = self._tab_shown, index
        if left == TAB_ANSWERS and index != TAB_ANSWERS:
            self.answers.save_pending()
        if index == TAB_FIGURES and self._figures_stale:
            self._load_figures()
        if index == TAB_IMPROVEMENTS and self._improvements_stale and self.detail is not None:
            self._improvements_stale = False
            self.improvements.load(self.detail)
        if index == TAB_ANSWERS:
            self.answers.fill_if_due()
            QTimer.singleShot(0, self.answers.start_new_row)

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)

    def _answers_saved(self) -> None:
        """A questionnaire was saved: the figures move at once (the line above the grid,
        and the 统计 tab when it is shown next)."""
        self.answers.refresh_figures()
        self._figures_stale = True
        self._improvements_stale = True
        self.context_changed()

    def _respondents_changed(self, text: str) -> None:
        self.status_label.setText(text)
        self._refresh_detail()
        self.context_changed()

    def _improvements_changed(self, text: str) -> None:
        self.status_label.setText(text)
        self.basics.show_refusal("")
        self._refresh_detail()
        self.context_changed()

    def _refresh_detail(self) -> None:
        """The survey's counts and version moved (the form's typing stays)."""
        survey_id = self.survey_id
        if survey_id is None:
            return
        found = run_service(self, self.context, lambda s, a: surveys.survey_detail(s, a, survey_id))
        if found is FAILED:
            return
        self.detail = found  # type: ignore[assignment]
        self.basics.show_state(self.detail, "edit" in self.detail.permitted)  # type: ignore[union-attr]

    def context_changed(self) -> None:
        self.sig_changed.emit()

    # ================================================================= values and errors

    def values(self) -> dict[str, object]:
        return {key: editor.get() for key, editor in self.editors.items()}

    def _snapshot(self) -> object:
        return (
            tuple(sorted((k, repr(v)) for k, v in self.values().items())),
            tuple(self.item_editor.rows()),
            tuple(self.competitor_editor.rows()),
        )

    def _mark_saved(self) -> None:
        self._saved_snapshot = self._snapshot()

    def is_dirty(self) -> bool:
        return self._snapshot() != self._saved_snapshot

    def _edited(self, key: str) -> None:
        editor = self.editors.get(key)
        if editor is not None and editor.error.isVisible():
            editor.show_error(None)
        self.status_label.clear()

    def _clear_errors(self) -> None:
        for editor in self.editors.values():
            editor.show_error(None)
        for names in (self.item_editor, self.competitor_editor):
            names.message.hide()
        self.summary.hide()

    def _show_problems(self, problems: list[FieldProblem]) -> None:
        first_tab: int | None = None
        lists = {
            "items": (self.item_editor, TAB_ITEMS),
            "competitors": (self.competitor_editor, TAB_BASICS),
        }
        for problem in problems:
            editor = self.editors.get(problem.field)
            if editor is not None:
                editor.show_error(problem.message.removeprefix(editor.field.label + "："))
                first_tab = editor.tab_index if first_tab is None else first_tab
            elif problem.field in lists:
                names, tab = lists[problem.field]
                known = names.message.text() if names.message.isVisible() else ""
                names.message.setText((known + "\n" if known else "") + problem.message)
                names.message.show()
                first_tab = tab if first_tab is None else first_tab
        self.summary.setText(
            self.tr("未保存，有 {n} 处需要修改：").replace("{n}", str(len(problems)))
            + "\n"
            + "\n".join(f"· {p.message}" for p in problems)
        )
        self.summary.show()
        if first_tab is not None:
            self.tabs.setCurrentIndex(first_tab)

    # ================================================================= saving

    def save(self) -> bool:
        """Create the survey or save its fields, items and competitors; True when saved.
        A refusal is shown beside its fields and what was typed stays."""
        self._clear_errors()
        values = self.values()
        items = [ItemInput(r.name, r.id, r.active) for r in self.item_editor.rows()]
        competitors = [CompetitorInput(r.name, r.id) for r in self.competitor_editor.rows()]
        survey_id = self.survey_id
        version = self.detail.version if self.detail else None

        def write(session: Session, actor: User) -> SurveyDetail:
            if survey_id is None:
                return surveys.create_survey(session, actor, values, items, competitors)
            return surveys.update_survey(
                session, actor, survey_id, values, version, items, competitors
            )

        def invalid(error: ValidationError) -> None:
            self._show_problems(error.problems)

        saved = run_service(self, self.context, write, invalid, self.tr("无法保存"))
        if saved is FAILED:
            return False
        creating = self.survey_id is None
        self.survey_id = saved.id  # type: ignore[union-attr]
        self.reload()
        if creating:  # next: the respondent list
            self.tabs.setCurrentIndex(TAB_RESPONDENTS)
        assert self.detail is not None
        self.status_label.setText(
            self.tr("已建立调查，编号 ") + self.detail.number
            if creating
            else self.tr("已保存 ") + datetime.now().strftime("%H:%M")
        )
        self.context_changed()
        return True

    def _saved_first(self) -> bool:
        """Before a state move or a print: the typing saved (form and answer rows)."""
        if self.is_dirty() and not self.save():
            return False
        self.answers.save_pending()
        return True

    # ================================================================= state moves

    def state_action(self, action: str) -> None:
        if self.survey_id is None or self.detail is None or not self._saved_first():
            return
        self.basics.show_refusal("")
        survey_id, version = self.survey_id, self.detail.version
        if action == surveys.START:
            question = self.tr(
                "开始调查后，调查名单不能再改，可以录入回收的问卷。名单上现有 {n} 个客户。现在开始？"
            ).replace("{n}", str(self.detail.respondents))
            if not confirm(self, self.tr("开始调查"), question):
                return
            done = self._move(lambda s, a: surveys.start_survey(s, a, survey_id, version))
            if done:
                self.tabs.setCurrentIndex(TAB_ANSWERS)
        elif action == surveys.COMPLETE:
            check = run_service(
                self, self.context, lambda s, a: surveys.completion_check(s, a, survey_id)
            )
            if check is FAILED:
                return
            if check.problems:  # type: ignore[union-attr]
                self.basics.show_refusal(
                    self.tr("不能完成调查：") + "\n".join(check.problems)  # type: ignore[union-attr]
                )
                self.tabs.setCurrentIndex(TAB_BASICS)
                return
            question = self.tr("把调查标为「已完成」？之后答卷和题目不能再改（可重新打开）。")
            if check.warnings:  # type: ignore[union-attr]
                question = (
                    self.tr("请注意：\n")
                    + "\n".join(check.warnings)  # type: ignore[union-attr]
                    + self.tr("\n\n仍要完成调查吗？")
                )
            if not confirm(self, self.tr("完成调查"), question):
                return
            self._move(lambda s, a: surveys.complete_survey(s, a, survey_id, version))
        elif action == surveys.REOPEN:
            reason, ok = QInputDialog.getText(
                self, self.tr("重新打开"), self.tr("重新打开的原因（必填，记入日志）：")
            )
            if not ok:
                return
            self._move(lambda s, a: surveys.reopen_survey(s, a, survey_id, reason, version))

    def _move(self, call) -> bool:  # noqa: ANN001
        def refused(error: ValidationError) -> None:
            self.basics.show_refusal(error.message)
            self.tabs.setCurrentIndex(TAB_BASICS)

        done = run_service(self, self.context, call, refused, self.tr("无法办理"))
        if done is FAILED:
            return False
        self.reload()
        self.status_label.setText(self.tr("状态：") + done.state)  # type: ignore[union-attr]
        self.context_changed()
        return True

    def apply_proposal(self) -> None:
        if self.proposal is None or self.proposal.degree is None:
            return
        self.editors["target_degree"].put(self.proposal.degree)
        self.editors["target_rate"].put(self.proposal.rate)
        self.status_label.setText(self.tr("已填入建议指标，保存后生效。"))

    # ================================================================= the report

    def print_report(self) -> None:
        """Preview the analysis report (as saved) with print and save (PDF or Excel)."""
        if self.survey_id is None or self.detail is None or not self._saved_first():
            return
        survey_id = self.survey_id
        self.current_form = preview_form(
            self,
            self.context,
            lambda s, a: documents.satisfaction_report_pdf(s, a, survey_id),
            lambda s, a: documents.satisfaction_report_xlsx(s, a, survey_id),
            self.tr(REPORT_TITLE),
            f"{REPORT_TITLE}-{self.detail.number}.pdf",
        )

    def save_report_xlsx(self, path: str | None = None) -> bool:
        if self.survey_id is None or self.detail is None or not self._saved_first():
            return False
        path = path or ask_xlsx_path(
            self, self.tr("报告存为 Excel"), f"{REPORT_TITLE}-{self.detail.number}.xlsx"
        )
        if not path:
            return False
        survey_id = self.survey_id
        data = run_service(
            self,
            self.context,
            lambda s, a: documents.satisfaction_report_xlsx(s, a, survey_id),
            refusal_title=self.tr("无法导出"),
        )
        if data is FAILED:
            return False
        target = Path(path)
        try:
            handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)  # type: ignore[arg-type]
            Path(temporary).replace(target)
        except OSError as error:
            QMessageBox.warning(
                self,
                self.tr("保存失败"),
                self.tr("无法写入文件：") + f"{target}\n{error.strerror or error}",
            )
            return False
        self.status_label.setText(self.tr("分析报告已存为 ") + str(target))
        return True

    # ================================================================= closing

    def reject(self) -> None:
        if not self._closing:
            self.answers.save_pending()
            pending = len(self.answers.model.pending_rows())
            if pending and not confirm(
                self,
                self.tr("未保存的问卷"),
                self.tr(
                    "有 {n} 行问卷未能保存（见「录入答卷」中标“错误”的行）。是否放弃这些行？"
                ).replace("{n}", str(pending)),
            ):
                self.tabs.setCurrentIndex(TAB_ANSWERS)
                return
            if self.is_dirty() and not confirm(
                self, self.tr("放弃修改"), self.tr("调查有未保存的修改。是否放弃修改？")
            ):
                return
        super().reject()

    def _close_without_asking(self) -> None:
        self._closing = True
        super().reject()
