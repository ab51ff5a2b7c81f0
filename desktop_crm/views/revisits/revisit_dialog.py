"""客户回访记录表: the form that records one revisit — of a complaint, for a plan, or of a
customer — and shows a saved one read-only, with its 客户回访报告表 on a second tab.

Saving is one service call (services.revisits.record_revisit): the record, the complaint's
next state, a complaint registered from a problem found, the plan done and the next one
planned go together or not at all. A refusal is shown beside its field; nothing typed is lost.

The 回访报告 tab of a saved revisit is where the revisit's staff writes the report the day
after (过程与结果概述, 评价) and the 客户服务主管 writes 指导意见 and 审阅, which locks it
(services.revisit_reports). Both the record and the report print from here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.formatting import text_of
from desktop_crm.models import User
from desktop_crm.services import complaints, revisit_reports, revisits, staff
from desktop_crm.services.errors import ValidationError
from desktop_crm.views.context import AppContext
from desktop_crm.views.customers.card_widgets import (
    ERROR_COLOR,
    HELP_COLOR,
    error_label,
    plain_button,
    tr_data,
)
from desktop_crm.views.field_errors import show_field_errors
from desktop_crm.views.messages import confirm
from desktop_crm.views.pdf_preview import preview_form
from desktop_crm.views.service_call import FAILED, run_service
from desktop_crm.views.widgets import DATE_FORMAT, ChoiceCombo, OptionalDateEdit, StaffCombo

from .customer_search import find_customers
from .printing import MakeForm, remember_form

SEARCH_DELAY_MS = 200
TEXT_LINES = 3
# Form fields a refusal can name; the others (plan, complaint, rights) go to the top line.
FORM_FIELDS = (
    "customer_id",
    "kind",
    "visited_on",
    "method",
    "staff_id",
    "contact_name",
    "discussion",
    "needs",
    "satisfaction",
    "problems",
    "complaint_category",
    "next_visit_on",
)
# The report tab's fields a refusal can name.
REPORT_FIELDS = ("report_summary", "report_evaluation", "review_opinion")
RECORD_TAB, REPORT_TAB = 0, 1
LATE_COLOR = ERROR_COLOR
# Refusals that concern no one field, in a box above the fields.
REFUSAL_STYLE = (
    f"color: {ERROR_COLOR}; background: #fdedec; border: 1px solid #f5b7b1;"
    " padding: 6px; border-radius: 3px;"
)


class RevisitDialog(QDialog):
    """Record a revisit (complaint_id, customer_id or plan_id says of what), or show a saved
    one read-only (revisit_id). After a save `saved_id`, `saved_number` and `outcome` (what
    happened to the complaint, in words) tell the caller what was done."""

    def __init__(
        self,
        context: AppContext,
        complaint_id: int | None = None,
        customer_id: int | None = None,
        plan_id: int | None = None,
        parent: QWidget | None = None,
        revisit_id: int | None = None,
        show_report: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("revisitDialog")
        self.context = context
        self._complaint_id = complaint_id
        self._customer_id = customer_id
        self._plan_id = plan_id
        self.read_only = revisit_id is not None
        self.saved_id: int | None = None
        self.saved_number: str | None = None
        self.outcome = ""
        self.errors: dict[str, QLabel] = {}
        self.revisit_id = revisit_id
        self.report: dict[str, Any] | None = None  # the report as last read
        self.current_form: QWidget | None = None  # the preview opened from here
        self._record_title, self._number = "客户回访记录表", ""
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._find_customers)

        self._build()
        loaded = self._load_record(revisit_id) if revisit_id is not None else self._load_new()
        if not loaded:
            self.save_button.setEnabled(False)
            QTimer.singleShot(0, self.reject)
        elif revisit_id is not None:
            self._load_report()
            if show_report:
                self.tabs.setCurrentIndex(REPORT_TAB)
        self.resize(720, 760)

    # ================================================================= building

    def _build(self) -> None:
        self.header = QLabel(self)
        self.header.setObjectName("revisitHeader")
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = error_label(self, "revisitErrors")
        self.summary.setStyleSheet(REFUSAL_STYLE)

        # The customer, picked here only when the dialog was opened without one.
        self.customer_box = QWidget(self)
        self.customer_search = QLineEdit(self.customer_box)
        self.customer_search.setObjectName("revisitCustomerSearch")
        self.customer_search.setPlaceholderText(self.tr("输入客户名称、拼音或电话查找"))
        self.customer_search.setClearButtonEnabled(True)
        self.customer_search.textChanged.connect(lambda _text: self._search_timer.start())
        self.customer_choice = QComboBox(self.customer_box)
        self.customer_choice.setObjectName("revisitCustomerChoice")
        self.customer_choice.setMinimumContentsLength(24)
        picker = QHBoxLayout(self.customer_box)
        picker.setContentsMargins(0, 0, 0, 0)
        picker.addWidget(self.customer_search, 1)
        picker.addWidget(self.customer_choice, 2)

        self.complaint_box = self._build_complaint_box()
        form_box = self._build_form()

        self.save_button = plain_button(self, self.tr("保存"), "revisitSave")
        self.save_button.setDefault(False)
        self.save_button.clicked.connect(self.save)
        self.close_button = plain_button(self, self.tr("取消"), "revisitCancel")
        self.close_button.clicked.connect(self.reject)
        self.print_record_button = plain_button(self, self.tr("打印回访记录…"), "revisitPrint")
        self.print_record_button.clicked.connect(self.print_record)
        self.print_report_button = plain_button(
            self, self.tr("打印回访报告…"), "revisitPrintReport"
        )
        self.print_report_button.clicked.connect(self.print_report)
        for button in (self.print_record_button, self.print_report_button):
            button.hide()  # a saved revisit prints
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_record_button)
        buttons.addWidget(self.print_report_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)

        body = QWidget(self)
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.customer_box)
        inner.addWidget(self._error("customer_id", body))
        inner.addWidget(self.complaint_box)
        inner.addWidget(form_box)
        inner.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)

        # The report tab shows for a saved revisit only (the report follows the record).
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("revisitDialogTabs")
        self.tabs.addTab(scroll, self.tr("回访记录"))
        self.tabs.addTab(self._build_report_tab(), self.tr("回访报告"))
        self.tabs.setTabVisible(REPORT_TAB, False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

    def _build_report_tab(self) -> QWidget:
        """客户回访报告表: the report (staff) and the review (客户服务主管)."""
        tab = QWidget(self)
        tab.setObjectName("revisitReportTab")
        self.report_timing = QLabel(tab)
        self.report_timing.setObjectName("reportTiming")
        self.report_timing.setWordWrap(True)
        font = self.report_timing.font()
        font.setBold(True)
        self.report_timing.setFont(font)
        self.report_errors = error_label(tab, "reportErrors")
        self.report_errors.setStyleSheet(REFUSAL_STYLE)

        report_box = self._report_box(tab, self.tr("客户回访报告表"), "reportBox")
        self.summary_edit = self._report_field(
            report_box, self.tr("回访过程与结果概述"), "reportSummary",
            self.tr("回访的经过、了解到的情况和处理结果"), 6, "report_summary",
        )  # fmt: skip
        self.evaluation_edit = self._report_field(
            report_box, self.tr("评价"), "reportEvaluation",
            self.tr("对本次回访及客户情况的评价"), 3, "report_evaluation",
        )  # fmt: skip
        self.report_written, self.save_report_button = self._report_line(
            report_box, "reportWrittenBy", self.tr("保存报告"), "reportSave", self.save_report
        )

        review_box = self._report_box(tab, self.tr("客户服务主管审阅"), "reviewBox")
        self.opinion_edit = self._report_field(
            review_box, self.tr("指导意见"), "reviewOpinion",
            self.tr("审阅回访记录和报告后的指导意见"), 3, "review_opinion",
        )  # fmt: skip
        self.reviewed_label, self.review_button = self._report_line(
            review_box, "reviewedBy", self.tr("审阅"), "reportReview", self.review
        )
        self.reviewed_label.setWordWrap(True)
        self.review_button.setToolTip(self.tr("写下指导意见并审阅；审阅后报告不能再修改"))

        layout = QVBoxLayout(tab)
        layout.addWidget(self.report_timing)
        layout.addWidget(self.report_errors)
        layout.addWidget(report_box)
        layout.addWidget(review_box)
        layout.addStretch(1)
        return tab

    def _report_box(self, tab: QWidget, title: str, name: str) -> QGroupBox:
        box = QGroupBox(title, tab)
        box.setObjectName(name)
        QVBoxLayout(box)
        return box

    def _report_field(
        self, box: QGroupBox, title: str, name: str, placeholder: str, lines: int, key: str
    ) -> QPlainTextEdit:
        """A text of the report, `lines` high at least, with its title and its refusal."""
        edit = QPlainTextEdit(box)
        edit.setObjectName(name)
        edit.setTabChangesFocus(True)
        edit.setPlaceholderText(placeholder)
        edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * lines + 14)
        edit.setMaximumHeight(edit.fontMetrics().lineSpacing() * lines * 2 + 14)
        layout = box.layout()
        layout.addWidget(QLabel(title, box))
        layout.addWidget(edit)
        layout.addWidget(self._error(key, box))
        return edit

    def _report_line(
        self,
        box: QGroupBox,
        name: str,
        button_text: str,
        button_name: str,
        act: Callable[[], object],
    ) -> tuple[QLabel, QPushButton]:
        """Who did it and when (grey), and the button that does it."""
        label = QLabel(box)
        label.setObjectName(name)
        label.setStyleSheet(f"color: {HELP_COLOR};")
        button = plain_button(box, button_text, button_name)
        button.clicked.connect(act)
        line = QHBoxLayout()
        line.addWidget(label, 1)
        line.addWidget(button)
        box.layout().addLayout(line)  # type: ignore[attr-defined]
        return label, button

    def _build_complaint_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("所回访的投诉"), self)
        box.setObjectName("revisitComplaint")
        self.complaint_labels: dict[str, QLabel] = {}
        form = QFormLayout(box)
        for key, title in (
            ("number", self.tr("投诉编号")),
            ("state", self.tr("当前状态")),
            ("category", self.tr("投诉类别")),
            ("content", self.tr("投诉内容")),
            ("result", self.tr("处理结果")),
        ):
            label = QLabel(box)
            label.setObjectName(f"revisitComplaint_{key}")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.complaint_labels[key] = label
            form.addRow(title, label)
        box.hide()
        return box

    def _build_form(self) -> QGroupBox:
        box = QGroupBox(self.tr("回访记录"), self)
        grid = QGridLayout(box)
        row = 0

        self.kind_combo = QComboBox(box)
        self.kind_combo.setObjectName("revisitKind")
        self.visited_on = QDateEdit(QDate.currentDate(), box)
        self.visited_on.setObjectName("revisitDate")
        self.visited_on.setDisplayFormat(DATE_FORMAT)
        self.visited_on.setCalendarPopup(True)
        self.visited_on.setMaximumDate(QDate.currentDate())
        row = self._grid_row(
            grid, row, box,
            (self.tr("回访类型"), self.kind_combo, "kind"),
            (self.tr("回访日期"), self.visited_on, "visited_on"),
        )  # fmt: skip

        self.method_combo = QComboBox(box)
        self.method_combo.setObjectName("revisitMethod")
        self.method_combo.addItem("", None)
        for method in revisits.METHODS:
            self.method_combo.addItem(tr_data(method), method)
        self.staff_combo = StaffCombo(box)
        self.staff_combo.setObjectName("revisitStaff")
        row = self._grid_row(
            grid, row, box,
            (self.tr("回访方式"), self.method_combo, "method"),
            (self.tr("回访人"), self.staff_combo, "staff_id"),
        )  # fmt: skip

        self.contact_edit = QLineEdit(box)
        self.contact_edit.setObjectName("revisitContact")
        self.contact_edit.setMaxLength(40)
        row = self._grid_row(
            grid, row, box, (self.tr("客户联系人"), self.contact_edit, "contact_name")
        )

        self.discussion_edit = self._text_edit(box, "revisitDiscussion", self.tr("回访了解的情况"))
        row = self._grid_row(
            grid, row, box, (self.tr("回访内容"), self.discussion_edit, "discussion")
        )
        self.needs_edit = self._text_edit(box, "revisitNeeds", self.tr("客户的需求、意见和建议"))
        row = self._grid_row(grid, row, box, (self.tr("需求与意见"), self.needs_edit, "needs"))
        satisfaction = self._build_satisfaction(box)
        row = self._grid_row(grid, row, box, (self.tr("满意度"), satisfaction, "satisfaction"))
        self.problems_edit = self._text_edit(box, "revisitProblems", self.tr("回访中发现的问题"))
        row = self._grid_row(
            grid, row, box, (self.tr("发现的问题"), self.problems_edit, "problems")
        )

        self.make_complaint = QCheckBox(self.tr("据此登记新投诉"), box)
        self.make_complaint.setObjectName("revisitMakeComplaint")
        self.make_complaint.setToolTip(
            self.tr("保存回访时，把上面的问题登记为该客户的一条新投诉（与回访记录一起保存）")
        )
        self.category_combo = ChoiceCombo(box)
        self.category_combo.setObjectName("revisitComplaintCategory")
        self.category_combo.setEnabled(False)
        self.make_complaint.toggled.connect(self.category_combo.setEnabled)
        complaint_row = QHBoxLayout()
        complaint_row.addWidget(self.make_complaint)
        complaint_row.addWidget(QLabel(self.tr("投诉类别"), box))
        complaint_row.addWidget(self.category_combo)
        complaint_row.addStretch(1)
        grid.addLayout(complaint_row, row, 1, 1, 3)
        row = self._error_row(grid, row + 1, ("complaint_category",), box)

        self.next_visit = OptionalDateEdit(box)
        self.next_visit.setObjectName("revisitNextDate")
        next_hint = QLabel(self.tr("填写后自动生成下次回访计划"), box)
        next_hint.setStyleSheet(f"color: {HELP_COLOR};")
        grid.addWidget(QLabel(self.tr("下次回访日期"), box), row, 0)
        grid.addWidget(self.next_visit, row, 1)
        grid.addWidget(next_hint, row, 2, 1, 2)
        self._error_row(grid, row + 1, ("next_visit_on",), box)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return box

    def _build_satisfaction(self, parent: QWidget) -> QWidget:
        holder = QWidget(parent)
        holder.setObjectName("revisitSatisfaction")
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        self.satisfaction_group = QButtonGroup(holder)
        self.satisfaction_buttons: dict[str, QRadioButton] = {}
        for level in revisits.SATISFACTION_LEVELS:
            button = QRadioButton(tr_data(level), holder)
            button.setObjectName(f"satisfaction_{level}")
            self.satisfaction_group.addButton(button)
            self.satisfaction_buttons[level] = button
            line.addWidget(button)
        self.clear_satisfaction = QToolButton(holder)
        self.clear_satisfaction.setText(self.tr("不评"))
        self.clear_satisfaction.setToolTip(self.tr("不记录满意度（投诉回访必须记录）"))
        self.clear_satisfaction.setAutoRaise(True)
        self.clear_satisfaction.clicked.connect(lambda: self.set_satisfaction(None))
        line.addWidget(self.clear_satisfaction)
        line.addStretch(1)
        return holder

    def _text_edit(self, parent: QWidget, name: str, placeholder: str) -> QPlainTextEdit:
        edit = QPlainTextEdit(parent)
        edit.setObjectName(name)
        edit.setTabChangesFocus(True)
        edit.setPlaceholderText(placeholder)
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * TEXT_LINES + 14)
        return edit

    def _error(self, key: str, parent: QWidget) -> QLabel:
        label = error_label(parent, f"revisitError_{key}")
        self.errors[key] = label
        return label

    def _grid_row(
        self, grid: QGridLayout, row: int, box: QWidget, *fields: tuple[str, QWidget, str]
    ) -> int:
        """One line of the form: each field's title and input (a lone field spans the line;
        a text box's title sits at its top), the refusals under them; returns the next row."""
        for position, (title, widget, _key) in enumerate(fields):
            label = QLabel(title, box)
            if len(fields) > 1:
                grid.addWidget(label, row, position * 2)
                grid.addWidget(widget, row, position * 2 + 1)
            elif isinstance(widget, QPlainTextEdit):
                grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
                grid.addWidget(widget, row, 1, 1, 3)
            else:
                grid.addWidget(label, row, 0)
                grid.addWidget(widget, row, 1, 1, 3)
        return self._error_row(grid, row + 1, tuple(key for *_, key in fields), box)

    def _error_row(
        self, grid: QGridLayout, row: int, keys: tuple[str, ...], parent: QWidget
    ) -> int:
        """Error labels under the fields of the row above; returns the next free row."""
        for position, key in enumerate(keys):
            column, span = (1, 3) if len(keys) == 1 else (1 + position * 2, 1)
            grid.addWidget(self._error(key, parent), row, column, 1, span)
        return row + 1

    # ================================================================= loading

    def _load_new(self) -> bool:
        complaint_id, customer_id, plan_id = self._complaint_id, self._customer_id, self._plan_id

        def read(session: Session, actor: User) -> tuple[dict[str, Any], list, list[str], int]:
            data = revisits.revisit_form_data(session, actor, complaint_id, customer_id, plan_id)
            people = [(u.id, u.name) for u in staff.staff_list(session)]
            return data, people, complaints.categories(session), actor.id

        loaded = run_service(self, self.context, read, refusal_title=self.tr("无法记录回访"))
        if loaded is FAILED:
            return False
        data, people, categories, actor_id = loaded
        self._customer_id = data["customer_id"]
        self._plan_id = data["plan_id"]
        complaint = data["complaint"]
        self._complaint_id = complaint["id"] if complaint else None
        self.staff_combo.set_staff(people)
        self.staff_combo.set_value(actor_id)
        self.category_combo.set_choices([(c, None) for c in categories])
        kinds = (
            [revisits.KIND_COMPLAINT]
            if complaint
            else [k for k in revisits.KINDS if k != revisits.KIND_COMPLAINT]
        )
        for kind in kinds:
            self.kind_combo.addItem(tr_data(kind), kind)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(data["kind"]), 0))
        self.kind_combo.setEnabled(complaint is None)
        if data["method"]:
            self.method_combo.setCurrentIndex(max(self.method_combo.findData(data["method"]), 0))
        self.contact_edit.setText(data["contact_name"] or "")
        self.customer_box.setVisible(self._customer_id is None)
        if complaint:
            self._show_complaint(complaint)
            if complaint["refusal"]:
                self._show_summary(complaint["refusal"])
        if self._customer_id is None:
            title = self.tr("记录回访")
            self.header.setText(self.tr("记录回访：请先选择客户"))
        else:
            title = self.tr("记录回访 — {customer}").format(customer=data["customer_label"])
            header = self.tr("客户：{customer}").format(customer=data["customer_label"])
            if data["plan_label"]:
                header += self.tr("　　回访计划：{plan}").format(plan=data["plan_label"])
            self.header.setText(header)
        self.setWindowTitle(title)
        return True

    def _show_complaint(self, complaint: dict[str, Any]) -> None:
        state = complaint["state"]
        if complaint["round"] > 1:
            state = self.tr("{state}（第 {round} 轮）").format(
                state=state, round=complaint["round"]
            )
        values = {
            "number": f"{complaint['number']}　{text_of(complaint['received_at'])} 受理",
            "state": state,
            "category": complaint["category"],
            "content": complaint["content"],
            "result": complaint["result"] or self.tr("（未填写）"),
        }
        for key, label in self.complaint_labels.items():
            label.setText(values[key] or "")
        self.complaint_box.show()

    def _load_record(self, revisit_id: int) -> bool:
        """Show a saved revisit as it was recorded; nothing can be changed."""
        data = run_service(
            self,
            self.context,
            lambda session, actor: revisits.revisit_record_data(session, actor, revisit_id),
            refusal_title=self.tr("无法打开"),
        )
        if data is FAILED:
            return False
        self.customer_box.hide()
        self.kind_combo.addItem(tr_data(data["kind"]), data["kind"])
        self.visited_on.setMaximumDate(QDate(max(data["visited_on"], date.today())))
        self.visited_on.setDate(QDate(data["visited_on"]))
        self.method_combo.setCurrentIndex(max(self.method_combo.findData(data["method"]), 0))
        self.staff_combo.set_value(-1, data["staff_name"] or "")
        self.contact_edit.setText(data["contact_name"] or "")
        self.discussion_edit.setPlainText(data["discussion"] or "")
        self.needs_edit.setPlainText(data["needs"] or "")
        self.problems_edit.setPlainText(data["problems"] or "")
        self.set_satisfaction(data["satisfaction"])
        self.next_visit.set_value(data["next_visit_on"])
        if data["new_complaint_number"]:
            self.make_complaint.setChecked(True)
            self.make_complaint.setText(
                self.tr("已据此登记新投诉 {number}").format(number=data["new_complaint_number"])
            )
        if data["complaint_number"]:
            self._show_complaint(
                {
                    "number": data["complaint_number"],
                    "received_at": data["complaint_received_at"],
                    "state": data["complaint_state"],
                    "round": data["complaint_round"] or 1,
                    "category": data["complaint_category"],
                    "content": data["complaint_content"],
                    "result": data["complaint_result"],
                }
            )
            self.complaint_labels["state"].setText(
                self.tr("回访的是第 {round} 轮处理；投诉现在是「{state}」").format(
                    round=data["complaint_round"] or 1, state=data["complaint_state"]
                )
            )
        self.header.setText(
            self.tr("回访编号：{number}　　客户：{code} {name}").format(
                number=data["number"], code=data["customer_code"], name=data["customer_name"]
            )
        )
        self.setWindowTitle(self.tr("客户回访记录 — {number}").format(number=data["number"]))
        for widget in (
            self.kind_combo, self.visited_on, self.method_combo, self.staff_combo,
            self.make_complaint, self.category_combo, self.next_visit,
        ):  # fmt: skip
            widget.setEnabled(False)
        for edit in (self.contact_edit, self.discussion_edit, self.needs_edit, self.problems_edit):
            edit.setReadOnly(True)
        for button in (*self.satisfaction_buttons.values(), self.clear_satisfaction):
            button.setEnabled(False)
        self.save_button.hide()
        self.close_button.setText(self.tr("关闭"))
        self._record_title = "客户投诉回访记录" if data["complaint_number"] else "客户回访记录表"
        self._number = data["number"]
        self.tabs.setTabVisible(REPORT_TAB, True)
        return True

    def _find_customers(self) -> None:
        found = find_customers(self, self.context, self.customer_search, self.customer_choice)
        if found == 0:
            self.customer_choice.addItem(self.tr("（没有找到）"), None)

    # ================================================================= values and saving

    def satisfaction(self) -> str | None:
        checked = self.satisfaction_group.checkedButton()
        for level, button in self.satisfaction_buttons.items():
            if button is checked:
                return level
        return None

    def set_satisfaction(self, level: str | None) -> None:
        """Select a level, or none (a QButtonGroup cannot uncheck its last button itself)."""
        self.satisfaction_group.setExclusive(False)
        for name, button in self.satisfaction_buttons.items():
            button.setChecked(name == level)
        self.satisfaction_group.setExclusive(True)

    def values(self) -> dict[str, object]:
        """What the form holds, as record_revisit takes it."""
        customer_id = self._customer_id
        if customer_id is None and self.customer_box.isVisible():
            customer_id = self.customer_choice.currentData()
        return {
            "customer_id": customer_id,
            "complaint_id": self._complaint_id,
            "plan_id": self._plan_id,
            "kind": self.kind_combo.currentData(),
            "visited_on": self.visited_on.date().toPython(),
            "method": self.method_combo.currentData(),
            "staff_id": self.staff_combo.value(),
            "contact_name": self.contact_edit.text().strip(),
            "discussion": self.discussion_edit.toPlainText().strip(),
            "needs": self.needs_edit.toPlainText().strip(),
            "satisfaction": self.satisfaction(),
            "problems": self.problems_edit.toPlainText().strip(),
            "make_complaint": self.make_complaint.isChecked(),
            "complaint_category": self.category_combo.value(),
            "next_visit_on": self.next_visit.value(),
        }

    def save(self) -> bool:
        """Record the revisit; True when saved (the dialog then closes)."""
        if self.read_only:
            return False
        self._clear_errors()
        values = self.values()

        def record(session: Session, actor: User) -> tuple[int, str, str]:
            revisit = revisits.record_revisit(session, actor, values)
            return revisit.id, revisit.number, _outcome(session, revisit)

        saved = run_service(
            self, self.context, record, on_invalid=self._show_invalid,
            refusal_title=self.tr("无法保存回访"),
        )  # fmt: skip
        if saved is FAILED:
            return False
        self.saved_id, self.saved_number, self.outcome = saved
        hub = self.context.hub
        hub.sig_customers_changed.emit()
        if hasattr(hub, "sig_complaints_changed"):
            hub.sig_complaints_changed.emit()
        self.accept()
        return True

    def _clear_errors(self) -> None:
        self.summary.hide()
        for label in self.errors.values():
            label.hide()

    def _show_summary(self, text: str) -> None:
        self.summary.setText(text)
        self.summary.show()

    def _show_invalid(self, error: ValidationError) -> None:
        focus = {
            "visited_on": self.visited_on,
            "discussion": self.discussion_edit,
            "needs": self.needs_edit,
            "problems": self.problems_edit,
            "contact_name": self.contact_edit,
            "complaint_category": self.category_combo,
            "next_visit_on": self.next_visit,
            "customer_id": self.customer_search,
        }
        show_field_errors(self, error, self.errors, self.summary, focus)

    # ================================================================= the report

    def _load_report(self) -> bool:
        """Read the report part afresh (after a save or review too)."""
        revisit_id = self.revisit_id
        assert revisit_id is not None
        data = run_service(
            self,
            self.context,
            lambda session, actor: revisit_reports.report_form_data(session, actor, revisit_id),
            refusal_title=self.tr("无法打开"),
        )
        if data is FAILED:
            return False
        self.report = data
        self._show_report(data)
        return True

    def _show_report(self, data: dict[str, Any]) -> None:
        self.report_errors.hide()
        for key in REPORT_FIELDS:
            self.errors[key].hide()
        state = data["state"]
        timing = data["timing_text"]
        if state == revisit_reports.REVIEWED:
            text = self.tr("已审阅：报告已锁定，不能再修改。") + timing
        elif state == revisit_reports.TO_REVIEW:
            text = self.tr("报告已填写，等待客户服务主管审阅。") + timing
        else:
            text = self.tr("回访报告{state}：").replace("{state}", state) + timing
        self.report_timing.setText(text)
        self.report_timing.setStyleSheet(f"color: {LATE_COLOR};" if data["late"] else "")
        self.summary_edit.setPlainText(data["summary"] or "")
        self.evaluation_edit.setPlainText(data["evaluation"] or "")
        writable = bool(data["may_write"])
        for edit in (self.summary_edit, self.evaluation_edit):
            edit.setReadOnly(not writable)
        self.save_report_button.setVisible(writable)
        self.save_report_button.setText(
            self.tr("保存报告") if data["report_at"] is None else self.tr("保存修改")
        )
        if data["report_at"] is not None:
            self.report_written.setText(
                self.tr("填表人：{name}　填表时间：{at}")
                .replace("{name}", data["report_by"] or "")
                .replace("{at}", text_of(data["report_at"]))
            )
        elif writable:
            self.report_written.setText(self.tr("回访次日填写，由回访人保存。"))
        else:
            self.report_written.setText(self.tr("尚未填写。"))
        self.opinion_edit.setPlainText(data["opinion"] or "")
        reviewing = bool(data["may_review"])
        self.opinion_edit.setReadOnly(not reviewing)
        self.review_button.setVisible(reviewing)
        if data["reviewed_at"] is not None:
            self.reviewed_label.setText(
                self.tr("审阅人：{name}　审阅时间：{at}")
                .replace("{name}", data["reviewed_by"] or "")
                .replace("{at}", text_of(data["reviewed_at"]))
            )
        elif reviewing:
            self.reviewed_label.setText(self.tr("审阅后报告锁定，不能再修改。"))
        elif data["report_at"] is None:
            self.reviewed_label.setText(self.tr("报告填写后由客户服务主管审阅。"))
        else:
            self.reviewed_label.setText(self.tr("等待客户服务主管审阅。"))
        self.print_record_button.setVisible(bool(data["may_print"]))
        self.print_report_button.setVisible(bool(data["may_print"]))

    def report_values(self) -> tuple[str, str]:
        return (
            self.summary_edit.toPlainText().strip(),
            self.evaluation_edit.toPlainText().strip(),
        )

    def report_dirty(self) -> bool:
        """Whether the report text differs from what was read (and may be saved)."""
        if self.report is None or not self.report["may_write"]:
            return False
        stored = (self.report["summary"] or "", self.report["evaluation"] or "")
        return self.report_values() != stored

    def _report_done(self, text: str) -> None:
        self._load_report()
        self.report_written.setText(text + "　" + self.report_written.text())
        hub = self.context.hub
        for name in ("sig_revisits_changed", "sig_complaints_changed"):
            signal = getattr(hub, name, None)
            if signal is not None:
                signal.emit()
                break

    def _show_report_invalid(self, error: ValidationError) -> None:
        labels = {key: self.errors[key] for key in REPORT_FIELDS}
        focus = {
            "report_summary": self.summary_edit,
            "report_evaluation": self.evaluation_edit,
            "review_opinion": self.opinion_edit,
        }
        show_field_errors(self, error, labels, self.report_errors, focus)

    def _report_act(
        self, act: Callable[[Session, User], None], refusal_title: str, done_text: str
    ) -> bool:
        """One act on the report (saved with the values as read); True when done."""
        if run_service(
            self, self.context, act, on_invalid=self._show_report_invalid,
            refusal_title=refusal_title,
        ) is FAILED:  # fmt: skip
            return False
        self._report_done(done_text)
        return True

    def save_report(self) -> bool:
        """Write the report (or its correction); True when saved."""
        if self.report is None or self.revisit_id is None:
            return False
        self.report_errors.hide()
        for key in REPORT_FIELDS:
            self.errors[key].hide()
        revisit_id, (summary, evaluation) = self.revisit_id, self.report_values()
        seen = revisit_reports.values_for(self.report)

        def write(session: Session, actor: User) -> None:
            revisit_reports.write_report(session, actor, revisit_id, summary, evaluation, seen)

        return self._report_act(write, self.tr("无法保存回访报告"), self.tr("报告已保存。"))

    def review(self) -> bool:
        """审阅 with the 指导意见 typed; True when done (the report is then locked)."""
        if self.report is None or self.revisit_id is None:
            return False
        self.report_errors.hide()
        self.errors["review_opinion"].hide()
        if self.report_dirty():
            self._show_report_invalid(
                ValidationError(self.tr("报告有未保存的修改：请先保存报告，再审阅。"))
            )
            return False
        opinion = self.opinion_edit.toPlainText().strip()
        if opinion and not confirm(
            self, self.tr("审阅回访报告"), self.tr("审阅后报告将锁定，不能再修改。确定审阅？")
        ):
            return False
        revisit_id, seen = self.revisit_id, revisit_reports.values_for(self.report)

        def act(session: Session, actor: User) -> None:
            revisit_reports.review_report(session, actor, revisit_id, opinion, seen)

        return self._report_act(act, self.tr("无法审阅"), self.tr("已审阅。"))

    # ================================================================= printing

    def print_record(self) -> None:
        """Preview the printed 客户回访记录表 (客户投诉回访记录 for a complaint's revisit)."""
        if self.revisit_id is None:
            return
        from desktop_crm import documents

        revisit_id = self.revisit_id
        self._print(
            lambda session, actor: documents.revisit_record_pdf(session, actor, revisit_id),
            lambda session, actor: documents.revisit_record_xlsx(session, actor, revisit_id),
            self._record_title,
        )

    def print_report(self) -> None:
        """Preview the printed 客户回访报告表 (as saved)."""
        if self.revisit_id is None:
            return
        if self.report_dirty() and not confirm(
            self,
            self.tr("打印"),
            self.tr("报告有未保存的修改，打印的是已保存的内容。是否继续打印？"),
        ):
            return
        from desktop_crm import documents

        revisit_id = self.revisit_id
        self._print(
            lambda session, actor: documents.revisit_report_pdf(session, actor, revisit_id),
            lambda session, actor: documents.revisit_report_xlsx(session, actor, revisit_id),
            revisit_reports.REPORT_TITLE,
        )

    def _print(self, make_pdf: MakeForm, make_xlsx: MakeForm, title: str) -> None:
        preview = preview_form(
            self, self.context, make_pdf, make_xlsx, self.tr(title), f"{title}-{self._number}.pdf"
        )
        if preview is not None:
            remember_form(self, preview)

    def reject(self) -> None:
        if self.report_dirty() and not confirm(
            self, self.tr("放弃修改"), self.tr("回访报告有未保存的修改。是否放弃修改？")
        ):
            return
        super().reject()


def _outcome(session: Session, revisit: Any) -> str:
    """What the save did beyond the record, in words for the status line."""
    parts = [f"回访 {revisit.number} 已保存"]
    if revisit.complaint_id is not None:
        complaint = session.get(complaints.Complaint, revisit.complaint_id)
        if complaint is not None:
            if complaint.state == complaints.REOPENED:
                parts.append(
                    f"投诉 {complaint.number} 转为重新处理（第 {complaint.round} 轮，"
                    f"升级至{complaint.escalation}）"
                )
            else:
                parts.append(f"投诉 {complaint.number} {complaint.state}")
    if revisit.new_complaint_id is not None:
        new = session.get(complaints.Complaint, revisit.new_complaint_id)
        if new is not None:
            parts.append(f"已登记新投诉 {new.number}")
    return "；".join(parts)
