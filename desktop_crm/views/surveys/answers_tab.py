"""录入答卷: the entry grid with its hint line (what the keys do), the warnings line (short
counts, never dialogs), the figures so far, and saving each questionnaire through the
service when the cursor leaves its row (one transaction per sheet, version-checked)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services import satisfaction, survey_answers, surveys
from desktop_crm.services.errors import FieldProblem, ServiceError, ValidationError
from desktop_crm.services.survey_figures import STAFF, SurveyFigures
from desktop_crm.services.surveys import SurveyDetail

from ..context import AppContext
from ..customers.card_widgets import plain_button
from ..messages import confirm, show_unexpected
from .answer_grid import (
    COMPETITOR,
    ERROR,
    FIRST_ITEM,
    PERSON,
    STATUS,
    TYPE,
    AnswerGrid,
    AnswerGridModel,
    Choice,
    header_text,
    level_hint,
)

HINT_STYLE = "color: #34495e; background: #eef3f7; padding: 4px;"
WARNING_STYLE = "color: #8a5a00; background: #fff4d6; padding: 4px;"
MUTED_STYLE = "color: #5d6d7e;"


def figures_text(figures: SurveyFigures) -> str:
    """The figures so far in one line (they move with every saved sheet)."""
    sheets = figures.questionnaires
    parts = [
        f"已回收：客户 {sheets.get('客户', 0)} 份，经销商 {sheets.get('经销商', 0)} 份，"
        f"自评 {sheets.get('自评', 0)} 份，关于竞争对手 {figures.competitor_questionnaires} 份"
    ]
    pct = satisfaction.percent_text
    parts.append(f"调查部分 满意度 {pct(figures.survey.degree)} 满意率 {pct(figures.survey.rate)}")
    parts.append(
        f"自评部分 满意度 {pct(figures.self_assessment.degree)} "
        f"满意率 {pct(figures.self_assessment.rate)}"
    )
    overall = figures.overall
    if overall.available:
        parts.append(f"总体 满意度 {pct(overall.degree)} 满意率 {pct(overall.rate)}")
    else:
        parts.append("总体：两部分都有答卷后计算")
    return "　｜　".join(parts)


class AnswersTab(QWidget):
    """The 录入答卷 tab. `load(detail)` fills it; `sig_saved` fires after each saved or
    deleted questionnaire (the figures moved)."""

    sig_saved = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("answersTab")
        self.context = context
        self.survey_id: int | None = None
        self.detail: SurveyDetail | None = None
        self.fill_due = False

        self.hint = QLabel(level_hint(), self)
        self.hint.setObjectName("answerHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(HINT_STYLE)
        self.keys = QLabel(self)
        self.keys.setObjectName("answerKeys")
        self.keys.setWordWrap(True)
        self.keys.setStyleSheet(HINT_STYLE)
        self.note = QLabel(self)
        self.note.setObjectName("answerNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(WARNING_STYLE)
        self.note.hide()
        self.warnings = QLabel(self)
        self.warnings.setObjectName("answerWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(WARNING_STYLE)
        self.warnings.hide()
        self.figures_line = QLabel(self)
        self.figures_line.setObjectName("answerFigures")
        self.figures_line.setWordWrap(True)
        self.figures_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.model = AnswerGridModel(parent=self)
        self.grid = AnswerGrid(self)
        self.grid.setModel(self.model)
        self.grid.finder = self.find_respondents
        self.grid.on_row_left = self._row_left
        self.grid.on_message = self._show_message
        self.grid.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)

        self.message = QLabel(self)
        self.message.setObjectName("answerMessage")
        self.message.setStyleSheet("color: #a93226;")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("answerCount")
        self.count_label.setStyleSheet(MUTED_STYLE)
        self.delete_button = plain_button(self, self.tr("删除本行问卷"), "answerDelete")
        self.delete_button.setToolTip(self.tr("删除光标所在行的问卷 (Ctrl+Delete)"))
        self.delete_button.clicked.connect(self.delete_current)
        self.new_button = plain_button(self, self.tr("到空白行 (Ctrl+N)"), "answerNewRow")
        self.new_button.clicked.connect(self.start_new_row)
        self.reload_button = plain_button(self, self.tr("重新读取"), "answerReload")
        self.reload_button.clicked.connect(self.reload)
        QShortcut(
            QKeySequence("Ctrl+Delete"),
            self.grid,
            self.delete_current,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        QShortcut(
            QKeySequence("Ctrl+N"),
            self,
            self.start_new_row,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )

        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.count_label)
        bottom.addWidget(self.new_button)
        bottom.addWidget(self.delete_button)
        bottom.addWidget(self.reload_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.keys)
        layout.addWidget(self.note)
        layout.addWidget(self.warnings)
        layout.addWidget(self.figures_line)
        layout.addWidget(self.grid, 1)
        layout.addLayout(bottom)

    # ----------------------------------------------------------------- loading

    def load(self, detail: SurveyDetail, fill: bool = True) -> None:
        """Show the survey's questionnaires (those within the user's reach); typing is
        possible while the survey is 进行中 and the user may enter questionnaires.
        `fill=False` only notes the survey: its rows (a third of a second at 5,000
        questionnaires) are read when the tab is first shown (`fill_if_due`)."""
        self.detail, self.survey_id = detail, detail.id
        self.fill_due = not fill
        if fill:
            self._fill(detail)

    def fill_if_due(self) -> None:
        if self.fill_due and self.detail is not None:
            self._fill(self.detail)

    def _fill(self, detail: SurveyDetail) -> None:
        self.fill_due = False
        survey_id = detail.id
        try:
            with self.context.session() as session:
                actor = self.context.actor(session)
                rows = survey_answers.questionnaire_rows(session, actor, survey_id)
                figures = surveys.survey_figures(session, actor, survey_id)
        except ServiceError as error:
            self._show_message(error.message)
            return
        editable = detail.state == surveys.RUNNING and "enter" in detail.permitted
        self.model.load(detail.active_items, detail.competitors, rows, editable)
        self._size_columns()
        competitors = "　".join(
            f"{number} {c.name}" for number, c in enumerate(detail.competitors, start=1)
        )
        self.keys.setText(
            self.tr("答卷类型：1 客户　2 经销商　3 自评（空：按客户类别）　　竞争对手：")
            + (f"0 本公司　{competitors}" if competitors else self.tr("本次调查未设竞争对手"))
            + self.tr(
                "（空＝关于本公司）　　答卷人：键入名称、拼音首字母或电话，↑↓ 选择，Enter 确定"
            )
        )
        if detail.state == surveys.PREPARING:
            note = self.tr("调查还在「准备」中：请先在「基本信息」中开始调查，再录入答卷。")
        elif detail.state == surveys.COMPLETED:
            note = self.tr("调查已完成，答卷只能查看；如需更正，请先「重新打开」调查。")
        elif "enter" not in detail.permitted:
            note = self.tr("您没有录入问卷的权限，只能查看。")
        else:
            note = ""
        self.note.setText(note)
        self.note.setVisible(bool(note))
        for widget in (self.delete_button, self.new_button):
            widget.setVisible(editable)
        self.show_figures(figures)
        self._show_count()
        self.message.clear()

    def reload(self) -> None:
        if self.detail is not None and self.save_pending():
            self.load(self.detail)

    def _size_columns(self) -> None:
        unit = self.fontMetrics().horizontalAdvance("中")
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        widths = {STATUS: 5.5, TYPE: 4.5, PERSON: 13, COMPETITOR: 6}
        for column in range(self.model.columnCount()):
            if column in widths:
                self.grid.setColumnWidth(column, int(widths[column] * unit) + 12)
            elif column >= FIRST_ITEM and column < self.model.feedback_column:
                self.grid.setColumnWidth(column, int(5 * unit) + 8)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)

    def show_figures(self, figures: SurveyFigures) -> None:
        self.figures_line.setText(figures_text(figures))
        warnings = list(figures.warnings) if self.detail and self.detail.state != "准备" else []
        self.warnings.setText("⚠ " + "　⚠ ".join(warnings) if warnings else "")
        self.warnings.setVisible(bool(warnings))

    def _show_count(self) -> None:
        pending = len(self.model.pending_rows())
        text = self.tr("共 {n} 份").replace("{n}", str(self.model.saved_count()))
        if pending:
            text += self.tr("，{p} 行未保存").replace("{p}", str(pending))
        self.count_label.setText(text)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)

    def start_new_row(self) -> None:
        self.grid.setFocus()
        self.grid.focus_first_empty_row()

    # ----------------------------------------------------------------- respondents

    def find_respondents(self, row: int, text: str) -> list[Choice]:
        """Customers (or, for a 自评 row, members of staff) matching what was typed."""
        if self.survey_id is None or not 0 <= row < len(self.model.rows):
            return []
        staff = self.model.rows[row].respondent_type == STAFF
        survey_id = self.survey_id
        try:
            with self.context.session() as session:
                actor = self.context.actor(session)
                if staff:
                    return [
                        Choice("staff", s.id, s.name, f"{s.name}　{s.department}", STAFF)
                        for s in survey_answers.staff_choices(session, actor, text)[:20]
                    ]
                found = survey_answers.respondent_choices(session, actor, survey_id, text)
        except ServiceError as error:
            self._show_message(error.message)
            return []
        choices = []
        for c in found:
            label = f"{c.code}　{c.name}"
            if c.respondent_type != "客户":
                label += f"　（{c.respondent_type}）"
            if c.listed:
                label += f"　［名单：{c.listed}］"
            choices.append(Choice("customer", c.id, c.name, label, c.respondent_type))
        return choices

    # ----------------------------------------------------------------- saving

    def _row_left(self, row: int) -> None:
        if 0 <= row < len(self.model.rows) and self.model.rows[row].state in ("dirty", ERROR):
            self.save_row(row)

    def save_row(self, row: int) -> bool:
        """Save one typed row through the service: 已保存, or 错误 with the reason."""
        if self.survey_id is None:
            return False
        grid_row = self.model.rows[row]
        data = self.model.input_of(row)
        survey_id = self.survey_id
        try:
            with self.context.session() as session:
                actor = self.context.actor(session)
                saved = survey_answers.save_questionnaire(
                    session,
                    actor,
                    survey_id,
                    data,
                    grid_row.questionnaire_id,
                    grid_row.version,
                )
        except ValidationError as error:
            self.model.mark_error(row, error.problems)
            self._after_save(ok=False, row=row)
            return False
        except ServiceError as error:
            self.model.mark_error(row, [FieldProblem("", error.message)])
            self._after_save(ok=False, row=row)
            return False
        except Exception as error:  # a bug: logged and told, the typing stays
            self.model.mark_error(row, [FieldProblem("", "保存时程序出错，详见日志。")])
            show_unexpected(self, error, self.context.log_path)
            return False
        self.model.mark_saved(row, saved)
        self._after_save(ok=True, row=row)
        self.sig_saved.emit()
        return True

    def _after_save(self, ok: bool, row: int) -> None:
        self._show_count()
        if ok:
            self.message.setText("")
        else:
            self.message.setText(
                self.tr("第 {n} 行未保存：").replace("{n}", str(row + 1))
                + self.model.rows[row].message.replace("\n", "；")
            )

    def save_pending(self) -> bool:
        """Save every typed row (before printing, moving the state, closing); True when
        none is left unsaved."""
        self.grid.commit_open_editor()
        for row in self.model.pending_rows():
            self.save_row(row)
        return not self.model.pending_rows()

    def refresh_figures(self) -> None:
        if self.survey_id is None:
            return
        survey_id = self.survey_id
        try:
            with self.context.session() as session:
                figures = surveys.survey_figures(session, self.context.actor(session), survey_id)
        except ServiceError:
            return
        self.show_figures(figures)

    # ----------------------------------------------------------------- deleting

    def delete_current(self) -> None:
        """删除本行问卷: a saved sheet after asking; a typed row is simply dropped."""
        index = self.grid.currentIndex()
        if not index.isValid() or not self.model.editable:
            return
        row = index.row()
        grid_row = self.model.rows[row]
        if grid_row.state == "new":
            return
        if grid_row.questionnaire_id is None:
            self.model.remove_row(row)
            self._show_count()
            return
        who = grid_row.person or "?"
        about = self.model.competitor_name(grid_row.competitor_id) or "本公司"
        if not confirm(
            self,
            self.tr("删除问卷"),
            self.tr("删除 {who} 关于「{about}」的问卷？")
            .replace("{who}", who)
            .replace("{about}", about),
        ):
            return
        questionnaire_id, version = grid_row.questionnaire_id, grid_row.version
        try:
            with self.context.session() as session:
                survey_answers.delete_questionnaire(
                    session, self.context.actor(session), questionnaire_id, version
                )
        except ServiceError as error:
            self._show_message(error.message)
            return
        except Exception as error:
            show_unexpected(self, error, self.context.log_path)
            return
        self.model.remove_row(row)
        self._show_count()
        self.message.setText(self.tr("已删除。"))
        self.sig_saved.emit()


__all__ = ["AnswersTab", "COMPETITOR", "PERSON", "TYPE", "figures_text", "header_text"]
