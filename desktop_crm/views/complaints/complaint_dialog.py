"""顾客产品质量投诉调查处理记录: register a complaint, correct it, and move it through its
states with the actions its state allows; the steps of every round and the reports to the
heads are shown; the record prints. Three more tabs: the 顾客投诉处理报告表 with their approval
(处理报告), the complaint's files — an accident's 会议纪要 and 改进措施 (附件) — and its archive
volumes with 归档 once it is closed (档案).

The dialog holds plain values only; every store access is one short session (run_service).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.formatting import text_of
from desktop_crm.models import Customer, User
from desktop_crm.services import access, complaints, settings, staff, workdays
from desktop_crm.services.errors import FieldProblem, ValidationError
from desktop_crm.views.field_errors import ERROR_COLOR

from ..context import AppContext
from ..customers.card_widgets import list_table, plain_button, read_only_item
from ..messages import confirm
from ..pdf_preview import preview_form
from ..service_call import FAILED, run_service
from .action_forms import BUTTON_NAMES, ActionForm, specs
from .complaint_archives import ComplaintArchivesTab
from .complaint_fields import FieldEditor, field_choices, lay_out, make_editor
from .complaint_files import ComplaintFilesTab
from .handling_report_part import HandlingReportPart

OVERDUE_MARK = "⚠"
STEP_HEADERS = ["轮次", "时间", "办理", "原状态", "新状态", "办理人", "说明"]
REPORT_HEADERS = ["上报对象", "方式", "上报时间", "上报人"]
HANDLING_ROWS = ("现场核实", "原因", "责任部门/责任人", "处理方案", "处理结果")


@dataclass(frozen=True)
class StoredComplaint:
    """A complaint as read from the store, in plain values."""

    values: dict[str, object]
    customer_id: int
    customer_label: str
    customer_name: str
    number: str
    received_by: str
    state: str
    round: int
    escalation: str
    version: int
    due_on: date | None
    due_what: str | None
    left: int | None
    reported_late: bool
    allowed: tuple[str, ...]
    permitted: frozenset[str]
    handling: list[tuple[str, str]]  # (what, text) of the current round's findings
    steps: list[tuple[object, ...]] = field(default_factory=list)
    reports: list[tuple[object, ...]] = field(default_factory=list)
    closed_on: date | None = None


def _name(user: User | None) -> str:
    return user.name if user is not None else ""


def read_complaint(session: Session, actor: User, complaint_id: int) -> StoredComplaint:
    """Everything the dialog shows of one complaint (refused outside the actor's reach)."""
    complaint = complaints.get_complaint(session, actor, complaint_id)
    calendar = workdays.load_calendar(session)
    limits = settings.values(session)
    today = date.today()
    left = None
    if complaint.due_on is not None and complaint.state != complaints.CLOSED:
        left = complaints.working_days_left(calendar, complaint.due_on, today)
    users = {user.id: user for user in staff.staff_list(session, active_only=False)}
    department = complaint.responsible_department
    handling = [
        ("现场核实", " ".join(
            part for part in (
                complaint.site_checker or "",
                text_of(complaint.site_arrived_at),
                complaint.findings or "",
                "（客户已确认）" if complaint.customer_confirmed else "",
                "（质检部已确认）" if complaint.qc_confirmed else "",
            ) if part
        )),
        ("原因", " ".join(p for p in (complaint.cause or "", complaint.explanation or "") if p)),
        ("责任部门/责任人", " ".join(
            p for p in (department.name if department else "", complaint.responsible_person or "")
            if p
        )),
        ("处理方案", (complaint.solution or "") if complaint.solution_at else ""),
        ("处理结果", (complaint.result or "") if complaint.handled_at else ""),
    ]  # fmt: skip
    customer = complaint.customer
    return StoredComplaint(
        values={f.key: getattr(complaint, f.key) for f in complaints.FIELDS},
        customer_id=customer.id,
        customer_label=f"{customer.code}  {customer.name}",
        customer_name=customer.name,
        number=complaint.number,
        received_by=_name(complaint.received_by),
        state=complaint.state,
        round=complaint.round,
        escalation=complaint.escalation,
        version=complaint.version,
        due_on=complaint.due_on,
        due_what=complaint.due_what,
        left=left,
        reported_late=complaints.reported_late(complaint, calendar, limits, today),
        allowed=complaints.allowed_actions(complaint),
        permitted=frozenset(complaints.permitted_actions(session, actor, complaint_id)),
        handling=handling,
        steps=[
            (
                s.round,
                text_of(s.at),
                s.action,
                s.from_state or "",
                s.to_state,
                _name(users.get(s.user_id)),
                s.note or "",
            )
            for s in complaint.steps
        ],  # fmt: skip
        reports=[
            (r.recipient, r.way, text_of(r.reported_at), _name(users.get(r.reported_by_id)))
            for r in complaint.reports
        ],
        closed_on=complaint.closed_at.date() if complaint.closed_at else None,
    )


def _new_customer(session: Session, actor: User, customer_id: int) -> tuple[str, str] | None:
    """(label, name) of the customer a new complaint starts with, when in reach."""
    customer = session.get(Customer, customer_id)
    if customer is None or not access.owner_in_reach(
        session, actor, "complaints", "create", customer.owner_id
    ):
        return None
    return f"{customer.code}  {customer.name}", customer.name


class ComplaintDialog(QDialog):
    """The record of one complaint, or an empty one (for `customer_id` when given)."""

    def __init__(
        self,
        context: AppContext,
        complaint_id: int | None = None,
        customer_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("complaintDialog")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.context = context
        self.complaint_id = complaint_id
        self.stored: StoredComplaint | None = None
        self.editors: dict[str, FieldEditor] = {}
        self.action_buttons: dict[str, QPushButton] = {}
        self.current_form: QDialog | None = None
        self._departments: list[tuple[str, int]] = []
        self._saved_snapshot: object = None
        self._closing = False
        self._build()
        if complaint_id is None:
            self._fill_new(customer_id)
        elif not self.reload():
            self.save_button.setEnabled(False)
            QTimer.singleShot(0, self._close_without_asking)
        self.resize(980, 720)

    # ================================================================= building

    def _build(self) -> None:
        with self.context.session() as session:
            categories = complaints.categories(session)
            self._departments = [(d.name, d.id) for d in staff.departments(session)]
        choices = field_choices(categories, self._departments)

        self.header = QLabel(self)
        self.header.setObjectName("complaintHeader")
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        self.deadline_label = QLabel(self)
        self.deadline_label.setObjectName("complaintDeadline")
        self.summary = QLabel(self)
        self.summary.setObjectName("complaintErrors")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet(
            f"color: {ERROR_COLOR}; background: #fdedec; border: 1px solid #f5b7b1; padding: 6px;"
        )
        self.summary.hide()

        page = QWidget()
        for f in complaints.FIELDS:
            self.editors[f.key] = make_editor(
                f, page, self.context, choices.get(f.key, []), self._field_edited
            )
        lay_out(page, list(self.editors.values()), QLineEdit().sizeHint().height())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("complaintTabs")
        self.record_tab = self.tabs.addTab(scroll, self.tr("投诉登记"))
        self.handling_page = self._handling_page()
        self.handling_tab = self.tabs.addTab(self.handling_page, self.tr("调查处理"))
        self.report_part = HandlingReportPart(self.context, self._departments, self)
        self.report_part.sig_changed.connect(self._report_written)
        self.report_tab = self.tabs.addTab(self.report_part, self.tr("处理报告"))
        self.files_tab = ComplaintFilesTab(self.context, self)
        self.files_tab.sig_changed.connect(self._files_changed)
        self.files_tab_index = self.tabs.addTab(self.files_tab, self.tr("附件"))
        self.archives_tab = ComplaintArchivesTab(self.context, self)
        self.archives_tab.sig_changed.connect(self.status_label_text)
        self.archives_tab_index = self.tabs.addTab(self.archives_tab, self.tr("档案"))

        self.status_label = QLabel(self)
        self.status_label.setObjectName("complaintStatus")
        self.print_button = plain_button(self, self.tr("打印…"), "complaintPrint")
        self.print_button.clicked.connect(self.print_record)
        self.save_button = plain_button(self, self.tr("保存"), "complaintSave")
        self.save_button.clicked.connect(lambda: self.save())
        self.close_button = plain_button(self, self.tr("关闭"), "complaintCancel")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        for button in (self.print_button, self.save_button, self.close_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.deadline_label)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

    def _handling_page(self) -> QWidget:
        page = QWidget()
        actions = QHBoxLayout()
        for action, name in BUTTON_NAMES.items():
            text = self.tr("记录回访…") if action == complaints.REVISIT else action + "…"
            button = plain_button(page, text, name)
            button.clicked.connect(lambda _c=False, a=action: self.start_action(a))
            button.hide()
            self.action_buttons[action] = button
            actions.addWidget(button)
        actions.addStretch(1)
        self.no_action_label = QLabel(page)
        self.no_action_label.setObjectName("complaintNoAction")
        self.no_action_label.setStyleSheet("color: #5d6d7e;")
        actions.addWidget(self.no_action_label)

        findings = QGroupBox(self.tr("本轮调查处理"), page)
        self.findings_form = QFormLayout(findings)
        self.findings_labels: dict[str, QLabel] = {}
        for what in HANDLING_ROWS:
            value = QLabel(findings)
            value.setObjectName(f"complaintFinding_{HANDLING_ROWS.index(what)}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.findings_form.addRow(what + "：", value)
            self.findings_labels[what] = value

        self.steps_table = list_table(page, "complaintSteps", STEP_HEADERS)
        self.steps_table.horizontalHeader().setStretchLastSection(True)
        self.reports_table = list_table(page, "complaintReports", REPORT_HEADERS)
        self.reports_table.horizontalHeader().setStretchLastSection(True)
        self.reports_table.setMaximumHeight(self.fontMetrics().height() * 8)

        layout = QVBoxLayout(page)
        layout.addLayout(actions)
        layout.addWidget(findings)
        layout.addWidget(QLabel(self.tr("办理记录（各轮）")))
        layout.addWidget(self.steps_table, 2)
        layout.addWidget(QLabel(self.tr("上报领导")))
        layout.addWidget(self.reports_table, 1)
        return page

    # ================================================================= loading

    def _fill_new(self, customer_id: int | None) -> None:
        self.editors["received_at"].put(datetime.now().replace(second=0, microsecond=0))
        self.editors["channel"].put("电话")
        if customer_id is not None:
            found = run_service(self, self.context, lambda s, a: _new_customer(s, a, customer_id))
            if found not in (None, FAILED):
                label, name = found  # type: ignore[misc]
                self.customer_picker.set_value(customer_id, label, name)
        self.header.setText(self.tr("新投诉　（保存后生成投诉编号）"))
        self.setWindowTitle(self.tr("顾客产品质量投诉调查处理记录 — 新投诉"))
        self.deadline_label.hide()
        self.tabs.setTabEnabled(self.handling_tab, False)
        self.tabs.setTabEnabled(self.report_tab, False)
        self.tabs.setTabEnabled(self.files_tab_index, False)
        self.archives_tab.load(None, "", None)
        self.tabs.setTabVisible(self.archives_tab_index, self.archives_tab.may_view)
        self.tabs.setTabEnabled(self.archives_tab_index, False)
        self.print_button.hide()
        allowed = run_service(
            self, self.context, lambda s, a: complaints.permitted_actions(s, a, None)
        )
        may_create = allowed is not FAILED and "create" in allowed
        self.save_button.setVisible(may_create)
        if not may_create:
            self.status_label.setText(self.tr("您没有登记投诉的权限。"))
        self._mark_saved()

    @property
    def customer_picker(self):  # noqa: ANN201
        return self.editors["customer_id"].widget

    def reload(self) -> bool:
        """Fill the dialog from the store; False when the complaint is gone or out of reach."""
        complaint_id = self.complaint_id
        assert complaint_id is not None
        stored = run_service(
            self,
            self.context,
            lambda session, actor: read_complaint(session, actor, complaint_id),
            refusal_title=self.tr("无法打开"),
        )
        if stored is FAILED:
            return False
        assert isinstance(stored, StoredComplaint)
        self.stored = stored
        for key, editor in self.editors.items():
            if key == "customer_id":
                self.customer_picker.set_value(
                    stored.customer_id, stored.customer_label, stored.customer_name
                )
            else:
                editor.put(stored.values[key])
        self._show_state(stored)
        self._clear_errors()
        self._mark_saved()
        return True

    def _show_state(self, stored: StoredComplaint) -> None:
        self.setWindowTitle(
            self.tr("顾客产品质量投诉调查处理记录 — ") + f"{stored.number} {stored.customer_name}"
        )
        accident = stored.values.get("accident")
        self.header.setText(
            self.tr(
                "投诉编号：{number}　　受理人：{who}　　状态：{state}　　第 {round} 轮　　"
                "处理层级：{level}"
            )
            .replace("{number}", stored.number)
            .replace("{who}", stored.received_by or "—")
            .replace("{state}", stored.state)
            .replace("{round}", str(stored.round))
            .replace("{level}", stored.escalation)
            + (f"　　‼ {accident}" if accident else "")
        )
        self.deadline_label.show()
        lines = []
        if stored.due_on is not None and stored.left is not None:
            phrase = complaints.deadline_phrase(stored.left)
            mark = f"{OVERDUE_MARK} " if stored.left < 0 else ""
            lines.append(
                f"{mark}下一期限：{stored.due_on:%Y-%m-%d} {stored.due_what or ''}（{phrase}）"
            )
        else:
            lines.append(self.tr("下一期限：无"))
        if stored.reported_late:
            lines.append(self.tr("⚠ 未在受理当日上报领导"))
        self.deadline_label.setText("　　".join(lines))
        late = (stored.left is not None and stored.left < 0) or stored.reported_late
        self.deadline_label.setStyleSheet(f"color: {ERROR_COLOR};" if late else "")

        may_edit = "edit" in stored.permitted
        self.tabs.setTabEnabled(self.handling_tab, True)
        for action, button in self.action_buttons.items():
            button.setVisible(action in stored.allowed and may_edit)
        self.no_action_label.setText(
            "" if may_edit else self.tr("您可以查看这条投诉，但没有办理的权限。")
        )
        for what, text in stored.handling:
            self.findings_labels[what].setText(text or "—")
        self._fill_table(self.steps_table, stored.steps)
        self._fill_table(self.reports_table, stored.reports)
        self._load_parts(stored)
        editable = may_edit and stored.state != complaints.CLOSED
        self.save_button.setVisible(editable)
        for editor in self.editors.values():
            editor.set_read_only(not editable)
        self.print_button.setVisible("print" in stored.permitted)
        if not may_edit:
            self.status_label.setText(self.tr("只读：您可以查看这条投诉，但没有修改的权限。"))

    def _load_parts(self, stored: StoredComplaint) -> None:
        """The 处理报告 and 附件 tabs of a saved complaint."""
        complaint_id = self.complaint_id
        assert complaint_id is not None
        self.tabs.setTabEnabled(self.report_tab, True)
        self.tabs.setTabEnabled(self.files_tab_index, True)
        self.report_part.load(complaint_id, stored.number, stored.state, stored.permitted)
        self.files_tab.load(complaint_id)
        self.files_tab.set_editable("edit" in stored.permitted)
        accident = stored.values.get("accident")
        self.tabs.setTabText(
            self.files_tab_index,
            self.tr("附件（会议纪要、改进措施）") if accident else self.tr("附件"),
        )
        # 档案: the volumes linked to the complaint, for those who may see archive files
        self.archives_tab.load(complaint_id, stored.state, stored.closed_on)
        self.tabs.setTabVisible(self.archives_tab_index, self.archives_tab.may_view)
        self.tabs.setTabEnabled(self.archives_tab_index, True)

    def _report_written(self, status: str) -> None:
        assert self.stored is not None and self.complaint_id is not None
        self.report_part.load(
            self.complaint_id, self.stored.number, self.stored.state, self.stored.permitted
        )
        self.tabs.setCurrentIndex(self.report_tab)
        self.status_label.setText(status)

    def status_label_text(self, text: str) -> None:
        """A message from a tab (the 档案 tab's 归档) in the dialog's status line."""
        self.status_label.setText(text)

    def _files_changed(self, status: str) -> None:
        if self.complaint_id is not None:
            self.files_tab.load(self.complaint_id)
        self.status_label.setText(status)

    @staticmethod
    def _fill_table(table: QTableWidget, rows: list[tuple[object, ...]]) -> None:
        table.setRowCount(len(rows))
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                table.setItem(row, column, read_only_item(value))
        table.resizeColumnsToContents()

    # ================================================================= values and errors

    def values(self) -> dict[str, object]:
        """The record's fields as typed, by key (the service parses and checks them)."""
        return {key: editor.get() for key, editor in self.editors.items()}

    def _snapshot(self) -> object:
        return tuple(sorted((k, repr(v)) for k, v in self.values().items()))

    def _mark_saved(self) -> None:
        self._saved_snapshot = self._snapshot()

    def is_dirty(self) -> bool:
        return self._snapshot() != self._saved_snapshot

    def _field_edited(self, key: str) -> None:
        editor = self.editors.get(key)
        if editor is not None and editor.error.isVisible():
            editor.show_error(None)
        self.status_label.clear()

    def _clear_errors(self) -> None:
        for editor in self.editors.values():
            editor.show_error(None)
        self.summary.hide()
        self.summary.clear()

    def _show_problems(self, problems: list[FieldProblem]) -> None:
        first: QWidget | None = None
        for problem in problems:
            editor = self.editors.get(problem.field)
            if editor is None:
                continue
            editor.show_error(problem.message.removeprefix(editor.field.label + "："))
            first = first or editor.widget
        self.summary.setText(
            self.tr("未保存，有 {n} 处需要修改：").replace("{n}", str(len(problems)))
            + "\n"
            + "\n".join(f"· {p.message}" for p in problems)
        )
        self.summary.show()
        self.tabs.setCurrentIndex(self.record_tab)
        if first is not None:
            first.setFocus()

    # ================================================================= saving

    def save(self) -> bool:
        """Register or correct the complaint; True when saved. A refusal is shown beside
        its fields and what was typed stays."""
        self._clear_errors()
        values = self.values()
        complaint_id = self.complaint_id
        version = self.stored.version if self.stored else None

        def write(session: Session, actor: User) -> int:
            if complaint_id is None:
                return complaints.register(session, actor, values).id
            return complaints.update(session, actor, complaint_id, values, version).id

        def invalid(error: ValidationError) -> None:
            self._show_problems(error.problems)

        saved = run_service(self, self.context, write, invalid, self.tr("无法保存"))
        if saved is FAILED:
            return False
        creating = self.complaint_id is None
        self.complaint_id = int(saved)  # type: ignore[arg-type]
        self.reload()
        if creating:  # next comes 上报, on the handling tab
            self.tabs.setCurrentIndex(self.handling_tab)
        assert self.stored is not None
        self.status_label.setText(
            self.tr("已登记，投诉编号 ") + self.stored.number
            if creating
            else self.tr("已保存 ") + datetime.now().strftime("%H:%M")
        )
        self.context.hub.sig_complaints_changed.emit()
        return True

    # ================================================================= actions

    def start_action(self, action: str) -> None:
        """Open the form of one workflow action (or the revisit dialog)."""
        if self.complaint_id is None or self.stored is None:
            return
        if self.is_dirty():
            self.status_label.setText(self.tr("有未保存的修改：请先保存，再办理。"))
            return
        if action == complaints.REVISIT:
            self.record_revisit()
            return
        spec = specs(self.complaint_id, self.stored.version, self._departments)[action]
        form = ActionForm(self.context, spec, self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.accepted.connect(lambda a=action: self._action_done(a))
        form.finished.connect(lambda _r: self._forget_form())
        self.current_form = form
        form.open()

    def _forget_form(self) -> None:
        self.current_form = None

    def _action_done(self, action: str) -> None:
        self.reload()
        self.tabs.setCurrentIndex(self.handling_tab)
        self.status_label.setText(self.tr("已办理：") + action)
        self.context.hub.sig_complaints_changed.emit()

    def record_revisit(self) -> None:
        """记录回访: the revisit dialog (another module) records it and moves the complaint."""
        from desktop_crm.views.revisits.revisit_dialog import RevisitDialog

        dialog = RevisitDialog(self.context, complaint_id=self.complaint_id, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: self._revisit_done())
        self.current_form = dialog
        dialog.open()

    def _revisit_done(self) -> None:
        self.current_form = None
        self.reload()
        self.context.hub.sig_complaints_changed.emit()

    # ================================================================= printing

    def print_record(self) -> None:
        """Preview the printed record (as saved) with print and save."""
        complaint_id = self.complaint_id
        if complaint_id is None or self.stored is None:
            return
        if self.is_dirty() and not confirm(
            self, self.tr("打印"), self.tr("有未保存的修改，打印的是已保存的内容。是否继续打印？")
        ):
            return
        from desktop_crm import documents

        self.current_form = preview_form(
            self,
            self.context,
            lambda session, actor: documents.complaint_record_pdf(session, actor, complaint_id),
            lambda session, actor: documents.complaint_record_xlsx(session, actor, complaint_id),
            self.tr("顾客产品质量投诉调查处理记录"),
            f"投诉处理记录-{self.stored.number}.pdf",
        )

    # ================================================================= closing

    def reject(self) -> None:
        question = self.tr("投诉记录有未保存的修改。是否放弃修改？")
        if (
            not self._closing
            and self.is_dirty()
            and not confirm(self, self.tr("放弃修改"), question)
        ):
            return
        super().reject()

    def _close_without_asking(self) -> None:
        """The complaint could not be opened (the refusal was shown): close at once."""
        self._closing = True
        super().reject()
