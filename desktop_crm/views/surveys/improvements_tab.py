"""改进计划: every item rated 不满意 or 很不满意 with its count and the respondents' reasons;
for each, an improvement action — responsible person, corrective and preventive action, due
date — and later its verification. Overdue actions are marked (sign and words, not colour
alone) and also listed on 今日待办."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import satisfaction, staff, survey_improvements
from desktop_crm.services.errors import ValidationError
from desktop_crm.services.survey_improvements import DissatisfiedItem, ImprovementRow
from desktop_crm.services.surveys import SurveyDetail

from ..context import AppContext
from ..customers.card_widgets import plain_button
from ..field_errors import ERROR_STYLE
from ..messages import confirm
from ..service_call import FAILED, run_service
from ..widgets import OptionalDateEdit, StaffCombo
from .parts import HINT_STYLE, ID_ROLE, REFUSAL_STYLE, fill_table, note_label, read_only_table

ITEM_HEADERS = ["调查项目", "不满意", "很不满意", "调查部分", "自评部分", "占该项评价", "原因",
                "改进计划"]  # fmt: skip
PLAN_HEADERS = ["调查项目", "不满意次数", "责任人", "纠正措施", "预防措施", "完成期限", "状态",
                "验证结果"]  # fmt: skip
OVERDUE_MARK = "⚠"
OVERDUE_TEXT = QColor("#a93226")


def _text_box(parent: QWidget, name: str, lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setObjectName(name)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class _Form(QDialog):
    """A small form whose refusals show beside the fields (the typing stays)."""

    def __init__(self, context: AppContext, title: str, name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.context = context
        self.form = QFormLayout()
        self.errors: dict[str, QLabel] = {}
        self.general = note_label(self, name + "Error", REFUSAL_STYLE)
        self.general.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)

    def add_row(self, label: str, key: str, widget: QWidget) -> None:
        error = QLabel(self)
        error.setObjectName(f"{self.objectName()}Error_{key}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        holder = QWidget(self)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        self.form.addRow(label, holder)
        self.errors[key] = error

    def show_problems(self, error: ValidationError) -> None:
        for label in self.errors.values():
            label.hide()
        loose = []
        for problem in error.problems:
            label = self.errors.get(problem.field)
            if label is None:
                loose.append(problem.message)
            else:
                label.setText(problem.message)
                label.show()
        self.general.setText("\n".join(loose))
        self.general.setVisible(bool(loose))

    def save(self) -> None:  # pragma: no cover - each form has its own
        raise NotImplementedError


class ImprovementForm(_Form):
    """制定 / 修改改进计划 for one dissatisfied item."""

    def __init__(
        self,
        context: AppContext,
        survey_id: int,
        item: DissatisfiedItem | None,
        plan: ImprovementRow | None,
        staff_rows: list[tuple[int, str]],
        parent: QWidget,
    ) -> None:
        super().__init__(context, "", "improvementForm", parent)
        self.setWindowTitle(
            self.tr("修改改进计划") if plan is not None else self.tr("制定改进计划")
        )
        self.survey_id, self.item, self.plan = survey_id, item, plan
        self.saved: ImprovementRow | None = None
        name = plan.item_name if plan is not None else (item.name if item else "")
        head = QLabel(self.tr("调查项目：") + name, self)
        head.setObjectName("improvementItem")
        font = head.font()
        font.setBold(True)
        head.setFont(font)
        self.form.addRow(head)
        if item is not None and plan is None:
            counts = QLabel(
                self.tr("不满意 {a} 次，很不满意 {b} 次")
                .replace("{a}", str(item.dissatisfied))
                .replace("{b}", str(item.very_dissatisfied)),
                self,
            )
            counts.setStyleSheet(HINT_STYLE)
            self.form.addRow(counts)
        self.responsible = StaffCombo(self)
        self.responsible.setObjectName("improvementResponsible")
        self.responsible.set_staff(staff_rows)
        self.corrective = _text_box(self, "improvementCorrective")
        self.preventive = _text_box(self, "improvementPreventive")
        self.due = OptionalDateEdit(self)
        self.due.setObjectName("improvementDue")
        self.reasons = _text_box(self, "improvementReasons", 2)
        self.add_row(self.tr("责任人＊："), "responsible_id", self.responsible)
        self.add_row(self.tr("纠正措施＊："), "corrective_action", self.corrective)
        self.add_row(self.tr("预防措施："), "preventive_action", self.preventive)
        self.add_row(self.tr("完成期限＊："), "due_on", self.due)
        self.add_row(self.tr("不满意原因："), "reasons", self.reasons)
        if plan is not None:
            self.responsible.set_value(plan.responsible_id, plan.responsible)
            self.corrective.setPlainText(plan.corrective_action)
            self.preventive.setPlainText(plan.preventive_action)
            self.due.set_value(plan.due_on)
            self.reasons.setPlainText(plan.reasons)
        else:
            self.due.set_value(date.today() + timedelta(days=30))
            self.reasons.setPlainText(item.reasons_text if item else "")
        self.resize(560, 480)

    def values(self) -> dict[str, object]:
        values: dict[str, object] = {
            "responsible_id": self.responsible.value(),
            "corrective_action": self.corrective.toPlainText(),
            "preventive_action": self.preventive.toPlainText(),
            "due_on": self.due.value(),
            "reasons": self.reasons.toPlainText(),
        }
        if self.plan is None and self.item is not None:
            values["item_id"] = self.item.item_id
        return values

    def save(self) -> None:
        values, survey_id = self.values(), self.survey_id
        plan_id = self.plan.id if self.plan else None
        version = self.plan.version if self.plan else None

        def write(session: Session, actor: User) -> ImprovementRow:
            return survey_improvements.save_improvement(
                session, actor, survey_id, values, plan_id, version
            )

        saved = run_service(self, self.context, write, self.show_problems, self.tr("无法保存"))
        if saved is FAILED:
            return
        self.saved = saved  # type: ignore[assignment]
        self.accept()


class VerifyForm(_Form):
    """验证 an improvement action: effective closes it; not effective sets a new due date."""

    def __init__(self, context: AppContext, plan: ImprovementRow, parent: QWidget) -> None:
        super().__init__(context, "", "verifyForm", parent)
        self.setWindowTitle(self.tr("验证改进效果"))
        self.plan = plan
        head = QLabel(self.tr("调查项目：") + plan.item_name, self)
        self.form.addRow(head)
        action = QLabel(self.tr("纠正措施：") + plan.corrective_action, self)
        action.setWordWrap(True)
        action.setStyleSheet(HINT_STYLE)
        self.form.addRow(action)
        self.result = _text_box(self, "verifyResult")
        self.effective = QCheckBox(self.tr("措施有效（验证通过，改进计划关闭）"), self)
        self.effective.setObjectName("verifyEffective")
        self.effective.setChecked(True)
        self.new_due = OptionalDateEdit(self)
        self.new_due.setObjectName("verifyNewDue")
        self.add_row(self.tr("验证结果＊："), "verification", self.result)
        self.form.addRow("", self.effective)
        self.add_row(self.tr("新的完成期限："), "new_due_on", self.new_due)
        self.effective.toggled.connect(lambda on: self.new_due.setEnabled(not on))
        self.new_due.setEnabled(False)
        self.resize(520, 360)

    def save(self) -> None:
        plan = self.plan
        result, effective, due = (
            self.result.toPlainText(),
            self.effective.isChecked(),
            self.new_due.value(),
        )
        saved = run_service(
            self,
            self.context,
            lambda s, a: survey_improvements.verify_improvement(
                s, a, plan.id, result, effective, due, plan.version
            ),
            self.show_problems,
            self.tr("无法保存"),
        )
        if saved is FAILED:
            return
        self.accept()


class ImprovementsTab(QWidget):
    """The 改进计划 tab. `sig_changed(text)` after an action was added, changed, verified
    or removed (the dialog refreshes the completion check and says so)."""

    sig_changed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("improvementsTab")
        self.context = context
        self.detail: SurveyDetail | None = None
        self.items: list[DissatisfiedItem] = []
        self.plans: list[ImprovementRow] = []
        self.current_form: QDialog | None = None

        self.help = note_label(self, "improvementHelp", HINT_STYLE)
        self.help.setText(
            self.tr(
                "每个被评为“不满意”或“很不满意”的项目都可以制定改进计划：责任人、纠正措施、"
                "预防措施和完成期限；到期后验证效果。调查未达到指标时，须为每个这样的项目制定"
                "改进计划，才能完成调查。逾期未验证的改进计划列在「今日待办」中。"
            )
        )
        self.refusal = note_label(self, "improvementRefusal", REFUSAL_STYLE)
        self.refusal.hide()
        self.item_table = read_only_table(self, "dissatisfiedTable", ITEM_HEADERS)
        self.plan_table = read_only_table(self, "improvementTable", PLAN_HEADERS)
        for table in (self.item_table, self.plan_table):
            header = table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            header.setStretchLastSection(True)
        self.item_table.itemDoubleClicked.connect(lambda _i: self.add_plan())
        self.plan_table.itemDoubleClicked.connect(lambda _i: self.edit_plan())

        self.add_button = plain_button(self, self.tr("制定改进计划…"), "improvementAdd")
        self.add_button.clicked.connect(self.add_plan)
        self.edit_button = plain_button(self, self.tr("修改…"), "improvementEdit")
        self.edit_button.clicked.connect(self.edit_plan)
        self.verify_button = plain_button(self, self.tr("验证…"), "improvementVerify")
        self.verify_button.clicked.connect(self.verify_plan)
        self.delete_button = plain_button(self, self.tr("删除"), "improvementDelete")
        self.delete_button.clicked.connect(self.delete_plan)

        items_box = QGroupBox(self.tr("有不满意评价的项目"), self)
        items_row = QVBoxLayout(items_box)
        items_row.addWidget(self.item_table)
        item_buttons = QHBoxLayout()
        item_buttons.addStretch(1)
        item_buttons.addWidget(self.add_button)
        items_row.addLayout(item_buttons)
        plans_box = QGroupBox(self.tr("改进计划"), self)
        plans_layout = QVBoxLayout(plans_box)
        plans_layout.addWidget(self.plan_table)
        plan_buttons = QHBoxLayout()
        plan_buttons.addStretch(1)
        for button in (self.edit_button, self.verify_button, self.delete_button):
            plan_buttons.addWidget(button)
        plans_layout.addLayout(plan_buttons)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(items_box)
        splitter.addWidget(plans_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.help)
        layout.addWidget(self.refusal)
        layout.addWidget(splitter, 1)

    # ----------------------------------------------------------------- loading

    def load(self, detail: SurveyDetail) -> None:
        self.detail = detail
        survey_id = detail.id
        found = run_service(
            self,
            self.context,
            lambda s, a: (
                survey_improvements.dissatisfied_items(s, a, survey_id),
                survey_improvements.improvement_rows(s, a, survey_id),
            ),
        )
        if found is FAILED:
            return
        self.items, self.plans = (list(part) for part in found)  # type: ignore[union-attr]
        planned: dict[int, list[ImprovementRow]] = {}
        for plan in self.plans:
            planned.setdefault(plan.item_id, []).append(plan)
        fill_table(
            self.item_table,
            [
                (
                    d.name,
                    d.dissatisfied,
                    d.very_dissatisfied,
                    d.survey_part,
                    d.self_part,
                    satisfaction.percent_text(d.share),
                    d.reasons_text or "—",
                    self._plan_summary(planned.get(d.item_id, [])),
                )
                for d in self.items
            ],  # fmt: skip
            ids=[d.item_id for d in self.items],
            right=range(1, 6),
        )
        today = date.today()
        fill_table(
            self.plan_table,
            [
                (
                    p.item_name,
                    p.dissatisfied_count,
                    p.responsible,
                    p.corrective_action,
                    p.preventive_action,
                    f"{p.due_on:%Y-%m-%d}",
                    f"{OVERDUE_MARK} 逾期未验证" if p.overdue(today) else p.state,
                    p.verification,
                )
                for p in self.plans
            ],  # fmt: skip
            ids=[p.id for p in self.plans],
            right=(1,),
        )
        for row, plan in enumerate(self.plans):
            if plan.overdue(today):
                for column in range(self.plan_table.columnCount()):
                    self.plan_table.item(row, column).setForeground(QBrush(OVERDUE_TEXT))
                    self.plan_table.item(row, column).setToolTip(
                        self.tr("已逾期：应在 {d} 前完成并验证").replace(
                            "{d}", f"{plan.due_on:%Y-%m-%d}"
                        )
                    )
        for table, widths in (
            (self.item_table, (12, 5, 6, 6, 6, 7, 24)),
            (self.plan_table, (12, 7, 6, 20, 16, 9, 9)),
        ):
            unit = self.fontMetrics().horizontalAdvance("中")
            for column, width in enumerate(widths):
                table.setColumnWidth(column, width * unit + 12)
        may_edit = "edit" in detail.permitted
        for button in (self.add_button, self.edit_button, self.verify_button, self.delete_button):
            button.setVisible(may_edit)
        if not self.items:
            self.refusal.setText(self.tr("目前没有被评为“不满意”或“很不满意”的项目。"))
            self.refusal.setStyleSheet(HINT_STYLE)
            self.refusal.show()
        else:
            self.refusal.hide()
            self.refusal.setStyleSheet(REFUSAL_STYLE)

    def _plan_summary(self, plans: list[ImprovementRow]) -> str:
        if not plans:
            return self.tr("未制定")
        verified = sum(1 for p in plans if p.state == survey_improvements.VERIFIED)
        text = self.tr("{n} 条").replace("{n}", str(len(plans)))
        if verified:
            text += self.tr("（已验证 {v}）").replace("{v}", str(verified))
        return text

    def select_plan(self, improvement_id: int) -> bool:
        for row in range(self.plan_table.rowCount()):
            if self.plan_table.item(row, 0).data(ID_ROLE) == improvement_id:
                self.plan_table.selectRow(row)
                self.plan_table.setFocus()
                return True
        return False

    # ----------------------------------------------------------------- acting

    def _staff(self) -> list[tuple[int, str]]:
        found = run_service(
            self,
            self.context,
            lambda s, a: [(u.id, u.name) for u in staff.staff_list(s)],
        )
        return [] if found is FAILED else found  # type: ignore[return-value]

    def _say(self, text: str) -> None:
        self.refusal.setStyleSheet(REFUSAL_STYLE)
        self.refusal.setText(text)
        self.refusal.show()

    def selected_item(self) -> DissatisfiedItem | None:
        row = self.item_table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def selected_plan(self) -> ImprovementRow | None:
        row = self.plan_table.currentRow()
        return self.plans[row] if 0 <= row < len(self.plans) else None

    def add_plan(self) -> None:
        item = self.selected_item()
        if self.detail is None:
            return
        if item is None:
            self._say(self.tr("请先在上面的表中选中一个有不满意评价的项目。"))
            return
        form = ImprovementForm(self.context, self.detail.id, item, None, self._staff(), self)
        self._open(form, self.tr("已制定改进计划：") + item.name)

    def edit_plan(self) -> None:
        plan = self.selected_plan()
        if self.detail is None:
            return
        if plan is None:
            self._say(self.tr("请先在改进计划表中选中一条。"))
            return
        if plan.state == survey_improvements.VERIFIED:
            self._say(self.tr("已验证的改进计划不能再改。"))
            return
        form = ImprovementForm(self.context, self.detail.id, None, plan, self._staff(), self)
        self._open(form, self.tr("已修改改进计划：") + plan.item_name)

    def verify_plan(self) -> None:
        plan = self.selected_plan()
        if plan is None:
            self._say(self.tr("请先在改进计划表中选中一条。"))
            return
        if plan.state == survey_improvements.VERIFIED:
            self._say(self.tr("这条改进计划已验证。"))
            return
        self._open(
            VerifyForm(self.context, plan, self), self.tr("已记录验证结果：") + plan.item_name
        )

    def _open(self, form: QDialog, done_text: str) -> None:
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.accepted.connect(lambda: self._done(done_text))
        form.finished.connect(lambda _r: setattr(self, "current_form", None))
        self.current_form = form
        form.open()

    def _done(self, text: str) -> None:
        if self.detail is not None:
            self.load(self.detail)
        self.sig_changed.emit(text)

    def delete_plan(self) -> None:
        plan = self.selected_plan()
        if plan is None:
            self._say(self.tr("请先在改进计划表中选中一条。"))
            return
        if not confirm(
            self,
            self.tr("删除改进计划"),
            self.tr("删除「{n}」的改进计划？").replace("{n}", plan.item_name),
        ):
            return
        done = run_service(
            self,
            self.context,
            lambda s, a: survey_improvements.delete_improvement(s, a, plan.id, plan.version),
            on_invalid=lambda error: self._say(error.message),
        )
        if done is FAILED:
            return
        self._done(self.tr("已删除改进计划：") + plan.item_name)
