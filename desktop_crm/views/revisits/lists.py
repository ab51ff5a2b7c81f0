"""The list plumbing the 回访 tabs share: the SQL list model (with columns that may not be
sorted on, a red row and counting in a worker), its table, and the filter combo boxes."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget
from sqlalchemy.orm import Session, sessionmaker

from desktop_crm.services.listing import ListQuery
from desktop_crm.views.customers.card_widgets import ERROR_COLOR
from desktop_crm.views.sql_list_model import SqlListModel

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 150
OVERDUE_COLOR = QColor(ERROR_COLOR)

RedWhen = tuple[str, Callable[[Any], bool]]
"""(column key, test of that column's value): the rows it holds for are shown in red."""


class _CountSignals(QObject):
    sig_counted = Signal(object, object, int)  # the signals object itself, query, total


# Count jobs in flight. Their signal objects live in the GUI thread and are released there
# once the count arrived, so no Qt object is destroyed from a worker thread.
_counting: set[_CountSignals] = set()
_counting_lock = threading.Lock()


class _CountRunner(QRunnable):
    def __init__(
        self, factory: sessionmaker[Session], query: ListQuery, signals: _CountSignals
    ) -> None:
        super().__init__()
        self._factory, self._query, self._signals = factory, query, signals

    def run(self) -> None:
        try:
            with self._factory() as session:
                total = self._query.count(session)
        except Exception:  # the count is a nicety: the list itself is shown already
            log.exception("counting a list failed")
            total = -1
        with _counting_lock:
            signals, self._signals = self._signals, None  # type: ignore[assignment]
            signals.sig_counted.emit(signals, self._query, total)
            del signals


def _release(signals: object, _query: object, _total: int) -> None:
    with _counting_lock:
        _counting.discard(signals)  # type: ignore[arg-type]


class ListModel(SqlListModel):
    """The shared SQL list model, plus: columns that may not be sorted on, red rows, and
    (optionally) counting in a worker thread, for lists whose count costs more than a glance
    at a million customers (服务不到位: 0.5–2 s; a department's 500,000 plans: ~2 s). A list
    that fits in its first page is counted at once, as before."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        query: ListQuery,
        parent: QObject | None = None,
        unsortable: tuple[str, ...] = (),
        count_in_background: bool = False,
        red_when: RedWhen | None = None,
    ) -> None:
        self._unsortable = unsortable
        self._background = count_in_background
        self._red_when = red_when
        self._counting_query: ListQuery | None = None
        super().__init__(session_factory, query, parent)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if (
            0 <= column < len(self.query.columns)
            and self.query.columns[column].key in self._unsortable
        ):
            return
        super().sort(column, order)

    def is_sortable(self, column: int) -> bool:
        return self.query.columns[column].key not in self._unsortable

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and self._red_when and index.isValid():
            key, test = self._red_when
            return OVERDUE_COLOR if test(self.row_value(index.row(), key)) else None
        return super().data(index, role)

    def column_position(self, key: str) -> int:
        """The position of column `key` in a row tuple (the id is at 0)."""
        return [c.key for c in self.query.columns].index(key) + 1

    def row_value(self, row: int, key: str) -> Any:
        return self._rows[row][self.column_position(key)]

    # ------------------------------------------------------------- counting

    def _count(self) -> None:
        if not self._background:
            super()._count()
            return
        query, self._count_due = self._count_due, None
        if query is None or query is not self._query:
            return
        self._counting_query = query
        signals = _CountSignals()
        signals.sig_counted.connect(self._counted)
        signals.sig_counted.connect(_release)
        with _counting_lock:
            _counting.add(signals)
        QThreadPool.globalInstance().start(_CountRunner(self._session_factory, query, signals))

    def _counted(self, _signals: object, query: ListQuery, total: int) -> None:
        if query is self._query and query is self._counting_query:
            self._counting_query = None
            if total >= 0:
                self._publish_count(total)

    def counting(self) -> bool:
        return self._count_due is not None or self._counting_query is not None

    def count_now(self) -> int:
        if self._background and self._counting_query is self._query:
            self._counting_query = None
            with self._session_factory() as session:
                self._publish_count(self._query.count(session))
            return self.total
        return super().count_now()


def list_view(name: str, parent: QWidget) -> QTableView:
    """A read-only table of whole rows, one selected at a time."""
    table = QTableView(parent)
    table.setObjectName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    return table


def attach(table: QTableView, model: ListModel, sort_column: int, order: Qt.SortOrder) -> None:
    """Show `model` in `table`, sorted by `sort_column`, with the declared column widths."""
    table.setModel(model)
    header = table.horizontalHeader()
    # Indicator first, then sorting on: the list loads once, in its default order.
    header.setSortIndicator(sort_column, order)
    table.setSortingEnabled(True)
    unit = table.fontMetrics().horizontalAdvance("中") / 2 + 1
    for position, column in enumerate(model.query.columns):
        table.setColumnWidth(position, int(column.width * unit) + 12)
    shown = {"section": sort_column, "order": order}

    def keep_sortable(section: int, new_order: Qt.SortOrder) -> None:
        # A column that cannot be sorted keeps the previous indicator (and order).
        if model.is_sortable(section):
            shown.update(section=section, order=new_order)
            return
        header.blockSignals(True)
        header.setSortIndicator(shown["section"], shown["order"])
        header.blockSignals(False)

    header.sortIndicatorChanged.connect(keep_sortable)


def sort_of(table: QTableView, model: ListModel) -> tuple[str, bool]:
    """(column key, descending) of the table's sort indicator."""
    header = table.horizontalHeader()
    column = model.query.columns[header.sortIndicatorSection()]
    return column.key, header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def staff_items(people: Iterable[tuple[int, str]]) -> list[tuple[str, int]]:
    """`(user_id, name)` pairs as combo items."""
    return [(name, user_id) for user_id, name in people]
