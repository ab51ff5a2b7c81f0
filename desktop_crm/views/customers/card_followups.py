"""跟进记录 tab of the 客户资料管理卡: the follow-ups so far and the form to add one."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import customers
from desktop_crm.services.errors import ValidationError
from desktop_crm.views.context import AppContext
from desktop_crm.views.customers.card_widgets import (
    date_text,
    error_label,
    list_table,
    plain_button,
    read_only_item,
    tr_data,
)
from desktop_crm.views.service_call import FAILED, run_service
from desktop_crm.views.widgets import DATE_FORMAT

FOLLOWUP_WAYS = ("电话", "上门", "微信", "邮件", "来访", "其他")
MAX_COLUMN_WIDTH = 260  # long texts are read in the tooltip, not by widening the table

FollowupRow = tuple[date, str, str, str | None, str | None, str | None, str]


class FollowupsTab(QWidget):
    """Follow-ups are saved at once, apart from the card; `sig_changed(status)` says so."""

    sig_changed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._customer_id: int | None = None
        self.table = list_table(
            self,
            "followupTable",
            [self.tr("日期"), self.tr("方式"), self.tr("内容"), self.tr("结果"), self.tr("问题"),
             self.tr("下一步"), self.tr("记录人")],
        )  # fmt: skip
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)

        box = self.input_box = QGroupBox(self.tr("添加跟进"), self)
        self.date_edit = QDateEdit(QDate.currentDate(), box)
        self.date_edit.setObjectName("followupDate")
        self.date_edit.setDisplayFormat(DATE_FORMAT)
        self.date_edit.setCalendarPopup(True)
        self.way_combo = QComboBox(box)
        self.way_combo.setObjectName("followupWay")
        for way in FOLLOWUP_WAYS:
            self.way_combo.addItem(tr_data(way), way)
        self.content_edit = QPlainTextEdit(box)
        self.content_edit.setObjectName("followupContent")
        self.content_edit.setTabChangesFocus(True)
        self.content_edit.setPlaceholderText(self.tr("做了什么、谈了什么（必填）"))
        self.content_edit.setFixedHeight(self.content_edit.fontMetrics().lineSpacing() * 3 + 14)
        self.result_edit = QLineEdit(box)
        self.result_edit.setObjectName("followupResult")
        self.problems_edit = QLineEdit(box)
        self.problems_edit.setObjectName("followupProblems")
        self.next_step_edit = QLineEdit(box)
        self.next_step_edit.setObjectName("followupNextStep")
        self.add_button = plain_button(box, self.tr("添加跟进"), "followupAdd")
        self.add_button.clicked.connect(self._add_followup)
        self.error = error_label(box, "followupError")

        grid = QGridLayout(box)
        grid.addWidget(QLabel(self.tr("日期"), box), 0, 0)
        grid.addWidget(self.date_edit, 0, 1)
        grid.addWidget(QLabel(self.tr("方式"), box), 0, 2)
        grid.addWidget(self.way_combo, 0, 3)
        grid.setColumnStretch(4, 1)
        grid.addWidget(QLabel(self.tr("内容"), box), 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.content_edit, 1, 1, 1, 4)
        grid.addWidget(QLabel(self.tr("结果"), box), 2, 0)
        grid.addWidget(self.result_edit, 2, 1, 1, 4)
        grid.addWidget(QLabel(self.tr("问题"), box), 3, 0)
        grid.addWidget(self.problems_edit, 3, 1, 1, 4)
        grid.addWidget(QLabel(self.tr("下一步"), box), 4, 0)
        grid.addWidget(self.next_step_edit, 4, 1, 1, 4)
        row = QHBoxLayout()
        grid.addWidget(self.error, 5, 1, 1, 4)
        row.addStretch(1)
        row.addWidget(self.add_button)
        grid.addLayout(row, 6, 0, 1, 5)

        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(box)

    def load(self, customer_id: int | None) -> bool:
        """Show the customer's follow-ups; False (after saying why) when they cannot be read."""
        self._customer_id = customer_id
        if customer_id is None:
            self.table.setRowCount(0)
            return True

        def read(session: Session, actor: User) -> list[FollowupRow]:
            return [
                (f.followed_on, f.way, f.content, f.result, f.problems, f.next_step,
                 f.staff.name if f.staff else "")
                for f in customers.get_customer(session, actor, customer_id).followups
            ]  # fmt: skip

        rows = run_service(self, self._context, read)
        if rows is FAILED:
            return False
        self.table.setRowCount(len(rows))
        for row, (day, way, content, result, problems, next_step, staff) in enumerate(rows):
            cells = (date_text(day), way, content, result, problems, next_step, staff)
            for column, text in enumerate(cells):
                item = read_only_item(text)
                item.setToolTip(item.text())
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        _limit_columns(self.table, MAX_COLUMN_WIDTH)
        return True

    def _add_followup(self) -> None:
        customer_id = self._customer_id
        if customer_id is None:
            return
        self.error.hide()
        qdate = self.date_edit.date()

        def add(session: Session, actor: User) -> None:
            customers.add_followup(
                session,
                actor,
                customer_id,
                date(qdate.year(), qdate.month(), qdate.day()),
                self.way_combo.currentData(),
                self.content_edit.toPlainText(),
                self.result_edit.text().strip() or None,
                self.problems_edit.text().strip() or None,
                self.next_step_edit.text().strip() or None,
            )

        if run_service(self, self._context, add, on_invalid=self._show_invalid) is FAILED:
            return
        for edit in (self.result_edit, self.problems_edit, self.next_step_edit):
            edit.clear()
        self.content_edit.clear()
        self.date_edit.setDate(QDate.currentDate())
        self.sig_changed.emit(self.tr("跟进记录已添加"))

    def _show_invalid(self, error: ValidationError) -> None:
        self.error.setText(error.message)
        self.error.show()
        self.content_edit.setFocus()


def _limit_columns(table: QTableWidget, width: int) -> None:
    for column in range(table.columnCount()):
        if table.columnWidth(column) > width:
            table.setColumnWidth(column, width)
