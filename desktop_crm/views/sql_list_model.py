"""One generic table model over a ListQuery: SQL does the filtering and sorting, rows arrive
in pages through canFetchMore/fetchMore, so a million-row list opens at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from sqlalchemy.orm import Session, sessionmaker

from desktop_crm.formatting import text_of
from desktop_crm.services.listing import ListQuery

PAGE_SIZE = 500
ALIGN = {
    "left": Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
    "right": Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
    "center": Qt.AlignmentFlag.AlignCenter,
}
ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex
# A list's own look for a cell: (row as (id, *values), column key, role) → the value for
# that role, or None for the default.
CellHook = Callable[[tuple[Any, ...], str, int], Any]


def display_text(value: Any) -> str:
    """How a cell value reads in a list: a false flag stays blank, money is grouped."""
    return text_of(value, false_text="", group_decimals=True)


class SqlListModel(QAbstractTableModel):
    """Rows are (id, *values) tuples fetched page by page; the model never holds ORM objects."""

    sig_count_changed = Signal(int)

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        query: ListQuery,
        parent=None,  # noqa: ANN001
        cell_hook: CellHook | None = None,
    ) -> None:
        super().__init__(parent)
        self._session_factory = session_factory
        self._query = query
        self._cell_hook = cell_hook
        self._rows: list[tuple[Any, ...]] = []
        self._exhausted = False
        self.total = 0  # rows the query matches; known once sig_count_changed has fired
        self._count_due: ListQuery | None = None

    # ----------------------------------------------------------------- query

    @property
    def query(self) -> ListQuery:
        return self._query

    def set_query(self, query: ListQuery) -> None:
        """Show another query's rows (new search, filter or sort) from the top.

        The first page is shown at once; counting every match of a large list costs more
        than the page, so it follows as soon as the event loop is free — and is skipped
        when the user has typed on in the meantime.
        """
        self.beginResetModel()
        self._query = query
        self._rows = []
        self._exhausted = False
        with self._session_factory() as session:
            self._load_page(session)
        self.endResetModel()
        if self._exhausted:
            self._count_due = None
            self._publish_count(len(self._rows))
        else:
            self._count_due = query
            QTimer.singleShot(0, self._count)

    def _count(self) -> None:
        query, self._count_due = self._count_due, None
        if query is None or query is not self._query:
            return
        with self._session_factory() as session:
            self._publish_count(query.count(session))

    def count_now(self) -> int:
        """The number of matching rows, counted at once if still pending."""
        if self._count_due is not None:
            self._count()
        return self.total

    def _publish_count(self, total: int) -> None:
        self.total = total
        self.sig_count_changed.emit(total)

    def refresh(self) -> None:
        self.set_query(self._query)

    def _load_page(self, session: Session) -> list[tuple[Any, ...]]:
        page = self._query.page(session, len(self._rows), PAGE_SIZE)
        self._exhausted = len(page) < PAGE_SIZE
        self._rows.extend(page)
        return page

    def row_id(self, row: int) -> Any:
        return self._rows[row][0]

    # ----------------------------------------------------------------- Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._query.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        column = self._query.columns[index.column()]
        value = self._rows[index.row()][index.column() + 1]
        if self._cell_hook is not None:
            found = self._cell_hook(self._rows[index.row()], column.key, role)
            if found is not None:
                return found
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(value)
        if role == Qt.ItemDataRole.ToolTipRole and column.width >= 20 and value:
            return display_text(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return ALIGN[column.align]
        if role == ROW_ID_ROLE:
            return self._rows[index.row()][0]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(self._query.columns):
                return self._query.columns[section].title
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid() or self._exhausted:
            return
        with self._session_factory() as session:
            page = self._query.page(session, len(self._rows), PAGE_SIZE)
        if not page:
            self._exhausted = True
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._rows.extend(page)
        self._exhausted = len(page) < PAGE_SIZE
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._query.columns):
            return
        key = self._query.columns[column].key
        self.set_query(self._query.sorted_by(key, order == Qt.SortOrder.DescendingOrder))
