"""投诉登记簿: search as you type, filters, a SQL-backed table whose 下一期限 reads in working
days, overdue complaints marked by colour and a sign, and the list's actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import SIGNAL, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services import complaints, rights, staff, workdays
from desktop_crm.services.complaint_list import COLUMNS, COMPLAINT_LIST, complaint_query
from desktop_crm.services.errors import PermissionDenied
from desktop_crm.services.listing import ListQuery

from ..context import AppContext
from ..list_export import ask_xlsx_path, export_in_background
from ..sql_list_model import SqlListModel
from ..widgets import OptionalDateEdit, open_on_activate, refill_combo

SEARCH_DELAY_MS = 150
OVERDUE_BACKGROUND = QColor("#fdecea")
DUE_TODAY_BACKGROUND = QColor("#fff4d6")
OVERDUE_TEXT = QColor("#a93226")
ACCIDENT_TEXT = QColor("#a93226")
OVERDUE_MARK = "⚠"  # the sign beside the colour: overdue rows stand out without colour too
ACCIDENT_MARK = "‼"
OPEN_STATES_CHOICE = "未结案"
# Where each column's value sits in a row of the model: (id, *values).
_AT = {column.key: position + 1 for position, column in enumerate(COLUMNS)}


class DeadlineLook:
    """How a deadline reads and looks, on one calendar and one day (read once per page
    load, not per cell)."""

    def __init__(self, calendar: workdays.WorkCalendar, today: date) -> None:
        self.calendar, self.today = calendar, today
        self._left: dict[date, int] = {}

    def left(self, due: date) -> int:
        found = self._left.get(due)
        if found is None:
            found = complaints.working_days_left(self.calendar, due, self.today)
            self._left[due] = found
        return found

    def text(self, due: date) -> str:
        left = self.left(due)
        mark = f"{OVERDUE_MARK} " if left < 0 else ""
        return f"{mark}{due:%Y-%m-%d} {complaints.deadline_phrase(left)}"


class ComplaintPage(QWidget):
    """The complaint list. Asks for a complaint to be opened through sig_open_complaint
    (id, or 0 for a new one) when someone listens, else opens the record itself."""

    sig_open_complaint = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("complaintPage")
        self._context = context
        self._dialogs: set[QWidget] = set()
        self._look = self._load_look()
        self.search = QLineEdit(self, objectName="complaintSearch")  # first in the tab order
        self.search.setPlaceholderText(
            self.tr("查找投诉：投诉编号、客户名称、拼音首字母、投诉内容（两字以上）")
        )
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel(objectName="complaintCount")
        self.message_label = QLabel(objectName="complaintMessage")
        self.table = QTableView(objectName="complaintTable")
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)

        self.model = SqlListModel(context.session_factory, self._query(), self, self._cell)
        self.model.sig_count_changed.connect(self._show_count)
        self._build()
        self._fill_filters()
        self._apply_rights()
        self._size_columns()

        # textChanged covers typing, pasting and committed input-method text alike.
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self._search_timer.timeout.connect(self.apply)
        hub = context.hub
        hub.sig_complaints_changed.connect(self.refresh)
        hub.sig_customers_changed.connect(self.refresh)
        hub.sig_user_changed.connect(self._user_changed)
        hub.sig_lookups_changed.connect(self._fill_filters)
        hub.sig_staff_changed.connect(self._fill_filters)

    # ----------------------------------------------------------------- building

    def _build(self) -> None:
        self.state_filter = self._combo("filter_state")
        self.category_filter = self._combo("filter_category")
        self.department_filter = self._combo("filter_department")
        self.overdue = QCheckBox(
            self.tr("只看逾期") + f" {OVERDUE_MARK}", objectName="complaintOverdue"
        )
        self.overdue.toggled.connect(self.apply)
        self.accident = QCheckBox(
            self.tr("重大/未遂质量事故") + f" {ACCIDENT_MARK}", objectName="complaintAccident"
        )
        self.accident.toggled.connect(self.apply)
        self.received_from = OptionalDateEdit(self)
        self.received_from.setObjectName("filter_received_from")
        self.received_to = OptionalDateEdit(self)
        self.received_to.setObjectName("filter_received_to")
        for edit in (self.received_from, self.received_to):
            edit.sig_changed.connect(self.apply)
        self.customer_filter = QPushButton(objectName="filter_customer")
        self.customer_filter.setToolTip(self.tr("点击取消客户筛选"))
        self.customer_filter.clicked.connect(lambda: self.show_customer(None))
        self.customer_filter.hide()
        self._customer_id: int | None = None
        clear = QPushButton(self.tr("清除筛选"), objectName="complaintClearFilters")
        clear.clicked.connect(self.clear_filters)

        filters = QHBoxLayout()
        for widget in (self.state_filter, self.category_filter, self.department_filter):
            filters.addWidget(widget)
        filters.addWidget(QLabel(self.tr("受理日期")))
        filters.addWidget(self.received_from)
        filters.addWidget(QLabel("—"))
        filters.addWidget(self.received_to)
        for widget in (self.overdue, self.accident, self.customer_filter, clear):
            filters.addWidget(widget)
        filters.addStretch(1)

        self.new_button = QPushButton(self.tr("新建投诉"), objectName="complaintNew")
        self.new_button.clicked.connect(lambda: self.open_complaint(None))
        self.open_button = QPushButton(self.tr("打开"), objectName="complaintOpen")
        self.open_button.clicked.connect(self.open_selected)
        self.export_button = QPushButton(self.tr("导出…"), objectName="complaintExport")
        self.export_button.clicked.connect(self.export)
        actions = QHBoxLayout()
        actions.addWidget(self.search, 1)
        for button in (self.new_button, self.open_button, self.export_button):
            actions.addWidget(button)

        self.table.setModel(self.model)
        # Indicator first, then sorting on: the list loads once, newest first.
        self.table.horizontalHeader().setSortIndicator(
            list(_AT).index("received_at"), Qt.SortOrder.DescendingOrder
        )
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        open_on_activate(self.table, self._open_index)

        status = QHBoxLayout()
        status.addWidget(self.message_label, 1)
        status.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(status)

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox(objectName=name)
        combo.setMinimumContentsLength(6)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.currentIndexChanged.connect(self.apply)
        return combo

    def _size_columns(self) -> None:
        unit = self.fontMetrics().horizontalAdvance("中") / 2 + 1
        for index, column in enumerate(COLUMNS):
            self.table.setColumnWidth(index, int(column.width * unit) + 12)

    def _fill_filters(self) -> None:
        with self._context.session() as session:
            categories = complaints.categories(session)
            departments = [(d.name, d.id) for d in staff.departments(session)]
        states = [(OPEN_STATES_CHOICE, complaints.OPEN_STATES)] + [
            (state, state) for state in complaints.STATES
        ]
        options = (
            (self.state_filter, self.tr("全部状态"), states),
            (self.category_filter, self.tr("全部类别"), [(c, c) for c in categories]),
            (self.department_filter, self.tr("全部责任部门"), departments),
        )
        for combo, everything, choices in options:
            refill_combo(combo, everything, choices)

    def _apply_rights(self) -> None:
        """Offer only what the user may do; the services refuse the rest anyway."""
        with self._context.session() as session:
            actor = self._context.actor(session)
            may_create = rights.may(session, actor, "complaints", "create")
            may_export = rights.may(session, actor, "complaints", "export")
        self.new_button.setVisible(may_create)
        self.export_button.setVisible(may_export)

    def _load_look(self) -> DeadlineLook:
        with self._context.session() as session:
            return DeadlineLook(workdays.load_calendar(session), date.today())

    # ----------------------------------------------------------------- the query

    def current_filters(self) -> dict[str, object]:
        chosen: dict[str, object] = {}
        for key, combo in (
            ("state", self.state_filter),
            ("category", self.category_filter),
            ("responsible_department_id", self.department_filter),
        ):
            if combo.currentData() is not None:
                chosen[key] = combo.currentData()
        if self._customer_id is not None:
            chosen["customer_id"] = self._customer_id
        if self.overdue.isChecked():
            chosen["overdue"] = True
        if self.accident.isChecked():
            chosen["accident"] = True
        start, end = self.received_from.value(), self.received_to.value()
        if start or end:
            chosen["period"] = (start, end)
        return chosen

    def current_query(self) -> ListQuery:
        """The list exactly as shown: search, filters and sort."""
        header = self.table.horizontalHeader()
        column = COLUMNS[header.sortIndicatorSection()]
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        return self._query(self.search.text(), self.current_filters(), column.key, descending)

    def _query(
        self,
        search: str = "",
        filters: dict[str, object] | None = None,
        sort_key: str | None = None,
        descending: bool = False,
    ) -> ListQuery:
        """The signed-in user's complaint list; empty for someone without the right to see
        it (the window hides the area from them, but the page must not fail)."""
        with self._context.session() as session:
            try:
                return complaint_query(
                    session,
                    self._context.actor(session),
                    search,
                    filters,
                    sort_key,
                    descending,
                    today=self._look.today,
                )
            except PermissionDenied:
                return ListQuery.nothing(COMPLAINT_LIST)

    def apply(self) -> None:
        self._search_timer.stop()
        self.message_label.clear()
        self.model.set_query(self.current_query())

    def refresh(self) -> None:
        """Read the list again (something changed), with today's calendar."""
        self._look = self._load_look()
        self.apply()

    def _user_changed(self) -> None:
        self._apply_rights()
        self.refresh()

    def clear_filters(self) -> None:
        for combo in (self.state_filter, self.category_filter, self.department_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        for check in (self.overdue, self.accident):
            check.blockSignals(True)
            check.setChecked(False)
            check.blockSignals(False)
        for edit in (self.received_from, self.received_to):
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        self._customer_id = None
        self.customer_filter.hide()
        self.apply()

    def show_customer(self, customer_id: int | None, name: str = "") -> None:
        """Only this customer's complaints (None: every customer's)."""
        self._customer_id = customer_id
        self.customer_filter.setText(self.tr("客户：") + name + " ✕")
        self.customer_filter.setVisible(customer_id is not None)
        self.apply()

    def describe_filters(self) -> str:
        """The search and filters in words (for the export's audit entry)."""
        parts = [
            combo.currentText()
            for combo in (self.state_filter, self.category_filter, self.department_filter)
            if combo.currentData() is not None
        ]
        for check in (self.overdue, self.accident):
            if check.isChecked():
                parts.append(check.text())
        start, end = self.received_from.value(), self.received_to.value()
        if start or end:
            parts.append(self.tr("受理日期 ") + f"{start or ''}—{end or ''}")
        if self._customer_id is not None:
            parts.append(self.customer_filter.text().rstrip(" ✕"))
        if self.search.text().strip():
            parts.append(self.tr("查找：") + self.search.text().strip())
        return "，".join(parts)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # ----------------------------------------------------------------- how cells look

    def _cell(self, row: tuple[Any, ...], key: str, role: int) -> Any:
        due, state = row[_AT["due_on"]], row[_AT["state"]]
        left = self._look.left(due) if due is not None and state != complaints.CLOSED else None
        if key == "due_on" and left is not None:
            if role == Qt.ItemDataRole.DisplayRole:
                return self._look.text(due)
            if role == Qt.ItemDataRole.ForegroundRole and left < 0:
                return QBrush(OVERDUE_TEXT)
        if key == "accident" and row[_AT["accident"]]:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{ACCIDENT_MARK} {row[_AT['accident']]}"
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(ACCIDENT_TEXT)
            if role == Qt.ItemDataRole.FontRole:
                font = QFont(self.font())
                font.setBold(True)
                return font
        if left is None:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if left < 0:
                return QBrush(OVERDUE_BACKGROUND)
            if left == 0:
                return QBrush(DUE_TODAY_BACKGROUND)
        if key == "number" and left < 0:
            if role == Qt.ItemDataRole.DecorationRole:
                return self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            if role == Qt.ItemDataRole.ToolTipRole:
                return (
                    self.tr("已逾期：") + f"{row[_AT['due_what']] or ''}应在 {due:%Y-%m-%d} 前完成"
                )
        return None

    # ----------------------------------------------------------------- actions

    def selected_complaint_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def open_selected(self) -> None:
        complaint_id = self.selected_complaint_id()
        if complaint_id is None:
            self.message_label.setText(self.tr("请先在列表中选中一条投诉。"))
            return
        self.open_complaint(complaint_id)

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_complaint(self.model.row_id(index.row()))

    def open_complaint(self, complaint_id: int | None) -> None:
        """Open the record (None: a new complaint, for the filtered customer if any): via
        whoever listens to sig_open_complaint, else here."""
        if self.receivers(SIGNAL("sig_open_complaint(int)")) > 0:
            self.sig_open_complaint.emit(complaint_id or 0)
            return
        from .complaint_dialog import ComplaintDialog

        customer_id = self._customer_id if complaint_id is None else None
        dialog = ComplaintDialog(self._context, complaint_id, customer_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialogs.add(dialog)
        dialog.destroyed.connect(lambda _obj=None, d=dialog: self._dialogs.discard(d))
        dialog.show()
        dialog.raise_()

    def export(self) -> None:
        path = ask_xlsx_path(self, self.tr("导出投诉登记簿"), self.tr("投诉登记簿.xlsx"))
        if path is None:
            return
        export_in_background(
            self,
            self._context,
            self.current_query(),
            path,
            self.tr("投诉登记簿"),
            self.model.count_now(),
            lambda count: self.message_label.setText(
                self.tr("已导出 {n} 条投诉：").replace("{n}", f"{count:,}") + path
            ),
            self.message_label.setText,
            detail=self.describe_filters(),
            object_type="complaint_list",
        )

    def _show_count(self, total: int) -> None:
        self.count_label.setText(self.tr("共 {0} 条投诉").replace("{0}", f"{total:,}"))
