"""客户名册: search as you type, filters, a SQL-backed table, and the list's actions."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services import lookups, staff
from desktop_crm.services.customer_fields import LOOKUP_LISTS
from desktop_crm.services.customer_list import CUSTOMER_LIST, INCOMPLETE_FILTER, customer_query
from desktop_crm.services.errors import PermissionDenied
from desktop_crm.services.listing import ListQuery
from desktop_crm.views.widgets import open_on_activate, refill_combo

from ..context import AppContext
from ..sql_list_model import SqlListModel

SEARCH_DELAY_MS = 120
FILTER_LISTS = ("category", "grade", "status", "owner_id", "region", "source")
FILTER_TITLES = {**LOOKUP_LISTS, "owner_id": "客户经理"}


class CustomerPage(QWidget):
    """The customer list; emits which customer to open, the window opens the card."""

    sig_open_customer = Signal(int)
    sig_new_customer = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerPage")
        self._context = context
        self.search = QLineEdit(objectName="customerSearch")
        self.search.setPlaceholderText(
            self.tr("查找客户：名称、简称、拼音首字母或全拼、电话、信用代码、联系人")
        )
        self.search.setClearButtonEnabled(True)
        self.filters: dict[str, QComboBox] = {}
        self.count_label = QLabel(objectName="customerCount")
        self.table = QTableView(objectName="customerTable")
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)

        self.model = SqlListModel(context.session_factory, self._query(), self)
        self.model.sig_count_changed.connect(self._show_count)
        self._build()
        self._fill_filters()
        self._size_columns()

        # textChanged covers typing, pasting and committed input-method text alike.
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self._search_timer.timeout.connect(self.apply)
        context.hub.sig_customers_changed.connect(self.model.refresh)
        context.hub.sig_user_changed.connect(self.apply)
        context.hub.sig_lookups_changed.connect(self._fill_filters)
        context.hub.sig_staff_changed.connect(self._fill_filters)

    def _build(self) -> None:
        filter_row = QHBoxLayout()
        for key in FILTER_LISTS:
            combo = QComboBox(objectName=f"filter_{key}")
            combo.setMinimumContentsLength(6)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.currentIndexChanged.connect(self.apply)
            self.filters[key] = combo
            filter_row.addWidget(combo)
        self.incomplete = QCheckBox(self.tr("资料不完整的合作客户"), objectName="filter_incomplete")
        self.incomplete.setToolTip(
            self.tr("合作客户的档案必须完整：列出缺少必填资料或联系人的合作客户")
        )
        self.incomplete.toggled.connect(self.apply)
        filter_row.addWidget(self.incomplete)
        clear = QPushButton(self.tr("清除筛选"), objectName="clearFilters")
        clear.clicked.connect(self.clear_filters)
        filter_row.addWidget(clear)
        filter_row.addStretch(1)
        filter_row.addWidget(self.count_label)

        self.table.setModel(self.model)
        # Indicator first, then sorting on: the list loads once, sorted by name.
        self.table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        open_on_activate(self.table, self._open_index)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addLayout(filter_row)
        layout.addWidget(self.table, 1)

    def _size_columns(self) -> None:
        unit = self.fontMetrics().horizontalAdvance("中") / 2 + 1
        for index, column in enumerate(self.model.query.columns):
            self.table.setColumnWidth(index, int(column.width * unit) + 12)

    def _fill_filters(self) -> None:
        with self._context.session() as session:
            options = {
                key: [(v, v) for v in lookups.value_names(session, key)]
                for key in FILTER_LISTS
                if key != "owner_id"
            }
            options["owner_id"] = [
                (u.name, u.id) for u in staff.staff_list(session, active_only=False)
            ]
        for key, combo in self.filters.items():
            refill_combo(combo, self.tr("全部") + FILTER_TITLES[key], options[key])

    def current_filters(self) -> dict[str, object]:
        chosen = {
            key: combo.currentData()
            for key, combo in self.filters.items()
            if combo.currentData() is not None
        }
        if self.incomplete.isChecked():
            chosen[INCOMPLETE_FILTER] = True
        return chosen

    def current_query(self) -> ListQuery:
        """The list exactly as shown: search, filters and sort."""
        header = self.table.horizontalHeader()
        column = self.model.query.columns[header.sortIndicatorSection()]
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        return self._query(self.search.text(), self.current_filters(), column.key, descending)

    def _query(
        self,
        search: str = "",
        filters: dict[str, object] | None = None,
        sort_key: str | None = None,
        descending: bool = False,
    ) -> ListQuery:
        """The signed-in user's customer list; empty for someone without the right to see it
        (the window hides the area from them, but the page must not fail)."""
        with self._context.session() as session:
            try:
                return customer_query(
                    session, self._context.actor(session), search, filters, sort_key, descending
                )
            except PermissionDenied:
                return ListQuery.nothing(CUSTOMER_LIST)

    def describe_filters(self) -> str:
        """The search and filters in words (for the export's audit entry)."""
        parts = [
            combo.currentText()
            for combo in self.filters.values()
            if combo.currentData() is not None
        ]
        if self.incomplete.isChecked():
            parts.append(self.incomplete.text())
        if self.search.text().strip():
            parts.append(self.tr("查找：") + self.search.text().strip())
        return "，".join(parts)

    def apply(self) -> None:
        self._search_timer.stop()
        self.model.set_query(self.current_query())

    def clear_filters(self) -> None:
        for combo in self.filters.values():
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.incomplete.blockSignals(True)
        self.incomplete.setChecked(False)
        self.incomplete.blockSignals(False)
        self.apply()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def selected_customer_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.sig_open_customer.emit(self.model.row_id(index.row()))

    def _show_count(self, total: int) -> None:
        self.count_label.setText(self.tr("共 {0} 个客户").replace("{0}", f"{total:,}"))
