"""投诉与回访 tab of the 客户资料管理卡: the customer's complaints and revisits, newest first
(DOMAIN §1: 投诉, 回访记录 and their handling 记入客户档案). A double click asks for the
record: `sig_open(kind, id)` with kind "complaint" or "revisit"."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import revisits
from desktop_crm.services.revisits import TimelineItem
from desktop_crm.views.context import AppContext
from desktop_crm.views.customers.card_widgets import (
    ERROR_COLOR,
    date_text,
    help_note,
    list_table,
    read_only_item,
    tr_data,
)
from desktop_crm.views.service_call import FAILED, run_service
from desktop_crm.views.widgets import open_on_activate

KIND_ROLE = Qt.ItemDataRole.UserRole
ID_ROLE = Qt.ItemDataRole.UserRole + 1
# Shown in red: a complaint handled again, a revisit the customer was unhappy with.
REOPENED = "重新处理"
MAX_COLUMN_WIDTH = 320


class TimelineTab(QWidget):
    """The timeline of one customer; `set_customer(id)` (re)reads it."""

    sig_open = Signal(str, int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._customer_id: int | None = None
        self.items: list[TimelineItem] = []
        self.table = list_table(
            self,
            "customerTimeline",
            [self.tr("日期"), self.tr("类别"), self.tr("编号"), self.tr("摘要"),
             self.tr("状态/满意度")],
        )  # fmt: skip
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        open_on_activate(self.table, lambda index: self._open(index.row()))
        self.empty_label = QLabel(self.tr("这个客户还没有投诉和回访记录。"), self)
        self.empty_label.setObjectName("customerTimelineEmpty")
        self.empty_label.hide()
        note = help_note(
            self, self.tr("双击一行打开投诉或回访记录。红色：重新处理中的投诉、客户不满意的回访。")
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(note)

    def set_customer(self, customer_id: int | None) -> bool:
        """Show the customer's timeline; False (after saying why) when it cannot be read."""
        self._customer_id = customer_id
        if customer_id is None:
            self._show([])
            return True

        def read(session: Session, actor: User) -> list[TimelineItem]:
            return revisits.customer_timeline(session, actor, customer_id)

        items = run_service(self, self._context, read)
        if items is FAILED:
            self._show([])
            return False
        self._show(items)
        return True

    def refresh(self) -> bool:
        return self.set_customer(self._customer_id)

    def _show(self, items: list[TimelineItem]) -> None:
        self.items = items
        table: QTableWidget = self.table
        table.setRowCount(len(items))
        for row, item in enumerate(items):
            cells = (
                date_text(item.day),
                tr_data(item.kind_label),
                item.number,
                item.summary,
                item.state,
            )
            attention = item.state in revisits.UNSATISFIED or item.state.startswith(REOPENED)
            for column, text in enumerate(cells):
                cell = read_only_item(text)
                cell.setData(KIND_ROLE, item.kind)
                cell.setData(ID_ROLE, item.id)
                if column == 3:
                    cell.setToolTip(item.summary)
                if attention:
                    cell.setForeground(QColor(ERROR_COLOR))
                table.setItem(row, column, cell)
        table.resizeColumnsToContents()
        for column in range(table.columnCount()):
            if table.columnWidth(column) > MAX_COLUMN_WIDTH:
                table.setColumnWidth(column, MAX_COLUMN_WIDTH)
        self.empty_label.setVisible(not items and self._customer_id is not None)

    def _open(self, row: int) -> None:
        if 0 <= row < len(self.items):
            item = self.items[row]
            self.sig_open.emit(item.kind, item.id)
