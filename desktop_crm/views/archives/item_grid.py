"""卷内文件目录 typed like a paper register: Enter moves on (and opens a new line after the
last), Insert adds a line, Ctrl+↑/↓ moves it, Delete removes it (after asking); 序号 and
页号 follow by themselves.

For a new volume the lines stay here until the volume is filed with them (one call, all or
nothing). For a filed volume each line is written as soon as the keeper leaves it, so no
finished line is ever lost; a refused line stays as typed, marked, with the reason below.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import ArchiveVolume, User
from desktop_crm.services import archive_items, archives
from desktop_crm.services.archive_scope import get_volume
from desktop_crm.services.errors import FieldProblem, ValidationError

from ..context import AppContext
from ..field_errors import ERROR_COLOR, ERROR_STYLE
from ..messages import confirm
from ..service_call import FAILED, run_service

# (key, header, editable)
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("seq", "序号", False),
    ("doc_number", "文号", True),
    ("author", "责任者", True),
    ("title", "题名", True),
    ("doc_date", "日期", True),
    ("pages", "页数", True),
    ("page_no", "页号", False),
    ("kind", "文种", True),
    ("secrecy", "密级", True),
    ("remarks", "备注", True),
)
KEYS = [key for key, _header, _editable in COLUMNS]
EDITABLE = [index for index, (_k, _h, editable) in enumerate(COLUMNS) if editable]
VALUE_KEYS = [key for key, _h, editable in COLUMNS if editable]
WIDTHS = {"seq": 4, "doc_number": 14, "author": 12, "title": 34, "doc_date": 10, "pages": 4,
          "page_no": 7, "kind": 6, "secrecy": 4, "remarks": 14}  # fmt: skip
ID_ROLE = Qt.ItemDataRole.UserRole
DIRTY_ROLE = Qt.ItemDataRole.UserRole + 1
READ_ONLY_BACKGROUND = QColor("#f4f6f7")
ERROR_BACKGROUND = QColor("#fdecea")


def _text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return]
    return str(value)


def _pages(text: str) -> int:
    try:
        return max(int(text.strip()), 0)
    except ValueError:
        return 0


class ItemTable(QTableWidget):
    """The grid's keys; the grid does the work."""

    def __init__(self, grid: ItemGrid) -> None:
        super().__init__(0, len(COLUMNS), grid)
        self.grid = grid

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key, mods = event.key(), event.modifiers()
        editing = self.state() == QAbstractItemView.State.EditingState
        if not self.grid.read_only and not editing:
            ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
            if key == Qt.Key.Key_Insert:
                self.grid.insert_row()
                return
            if ctrl and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.grid.move_row(-1 if key == Qt.Key.Key_Up else 1)
                return
            if key == Qt.Key.Key_Delete:
                self.grid.delete_row()
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.grid.move_on()
                return
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:  # noqa: N802
        """Enter in a cell being typed: the cell is kept and the cursor moves on."""
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self.grid.move_on()
            return
        super().closeEditor(editor, hint)


class ItemGrid(QWidget):
    """The 目录 of one volume (volume_id None: a volume not filed yet)."""

    sig_rows_changed = Signal()  # lines or their pages changed (totals, year suggestion)
    sig_written = Signal(str)  # a line was written to the store: what happened

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.volume_id: int | None = None
        self.read_only = False
        self._filling = False
        self._writing = False
        self.table = ItemTable(self)
        self.table.setObjectName("archiveItemGrid")
        self.table.setHorizontalHeaderLabels([self.tr(h) for _k, h, _e in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setTabKeyNavigation(True)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setSectionResizeMode(
            KEYS.index("title"), QHeaderView.ResizeMode.Stretch
        )
        unit = self.fontMetrics().horizontalAdvance("中")
        for index, key in enumerate(KEYS):
            self.table.setColumnWidth(index, int(WIDTHS[key] * unit) + 14)
        self._set_triggers()
        self.table.itemChanged.connect(self._item_changed)
        self.table.currentCellChanged.connect(self._current_changed)
        self.error_label = QLabel(self, objectName="archiveItemErrors")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.help = QLabel(
            self.tr(
                "像登记簿一样录入：回车到下一格，行末回车到下一行；Insert 插入一行，"
                "Ctrl+↑/↓ 上下移动，Delete 删除该行。页号按页数自动计算。"
                "已归档案卷的每一行离开时即保存。"
            ),
            self,
        )
        self.help.setWordWrap(True)
        self.help.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.help)

    def _set_triggers(self) -> None:
        triggers = QAbstractItemView.EditTrigger.NoEditTriggers
        if not self.read_only:
            triggers = (
                QAbstractItemView.EditTrigger.AnyKeyPressed
                | QAbstractItemView.EditTrigger.DoubleClicked
                | QAbstractItemView.EditTrigger.EditKeyPressed
            )
        self.table.setEditTriggers(triggers)

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self._set_triggers()
        self.help.setVisible(not read_only)

    # ----------------------------------------------------------------- filling

    def set_rows(self, rows: list[Mapping[str, object]], volume_id: int | None) -> None:
        """Show these lines (catalogue rows of a filed volume, or none for a new one)."""
        self.volume_id = volume_id
        self._filling = True
        try:
            self.table.setRowCount(0)
            for row in rows:
                self._append(row)
            if not rows and not self.read_only:
                self._append({})
        finally:
            self._filling = False
        self._renumber()
        self.clear_problems()

    def _append(self, values: Mapping[str, object], at: int | None = None) -> int:
        row = self.table.rowCount() if at is None else at
        was = self._filling
        self._filling = True
        self.table.insertRow(row)
        for column, (key, _header, editable) in enumerate(COLUMNS):
            cell = QTableWidgetItem(_text(values.get(key)))
            if not editable:
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                cell.setBackground(QBrush(READ_ONLY_BACKGROUND))
            if key in ("seq", "pages", "page_no"):
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.table.setItem(row, column, cell)
        self.table.item(row, 0).setData(ID_ROLE, values.get("id"))
        self.table.item(row, 0).setData(DIRTY_ROLE, False)
        self._filling = was
        return row

    # ----------------------------------------------------------------- reading lines

    def row_id(self, row: int) -> int | None:
        return self.table.item(row, 0).data(ID_ROLE)

    def is_dirty(self, row: int) -> bool:
        return bool(self.table.item(row, 0).data(DIRTY_ROLE))

    def values(self, row: int) -> dict[str, str]:
        return {key: self.table.item(row, KEYS.index(key)).text().strip() for key in VALUE_KEYS}

    def is_blank(self, row: int) -> bool:
        return not any(self.values(row).values())

    def filing_items(self) -> list[dict[str, str]]:
        """The typed lines for filing a new volume (blank lines left out)."""
        return [self.values(r) for r in range(self.table.rowCount()) if not self.is_blank(r)]

    def _filing_rows(self) -> list[int]:
        return [r for r in range(self.table.rowCount()) if not self.is_blank(r)]

    def has_unsaved(self) -> bool:
        return any(
            self.is_dirty(r) and not (self.row_id(r) is None and self.is_blank(r))
            for r in range(self.table.rowCount())
        )

    def totals(self) -> tuple[int, int]:
        rows = self._filing_rows()
        return sum(_pages(self.values(r)["pages"] or "1") for r in rows), len(rows)

    # ----------------------------------------------------------------- keeping 序号 and 页号

    def _renumber(self) -> None:
        was = self._filling
        self._filling = True
        count = self.table.rowCount()
        lines = [
            SimpleNamespace(pages=_pages(self.table.item(r, KEYS.index("pages")).text() or "1"))
            if not self.is_blank(r) else SimpleNamespace(pages=0)
            for r in range(count)
        ]  # fmt: skip
        ranges = archives.page_ranges(lines)  # type: ignore[arg-type]
        last = max((r for r in range(count) if not self.is_blank(r)), default=-1)
        seq = 0
        for row, (first, end) in enumerate(ranges):
            blank = self.is_blank(row)
            seq += 0 if blank else 1
            self.table.item(row, KEYS.index("seq")).setText("" if blank else str(seq))
            self.table.item(row, KEYS.index("page_no")).setText(
                "" if blank else archives.page_label(first, end, row == last)
            )
        self._filling = was

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        self._filling = True
        self.table.item(item.row(), 0).setData(DIRTY_ROLE, True)
        item.setBackground(QBrush())
        item.setToolTip("")
        self._filling = False
        self._renumber()
        self.sig_rows_changed.emit()

    # ----------------------------------------------------------------- keyboard work

    def move_on(self) -> None:
        """Enter: the next cell to type in; after the last one the next line (a new line
        after the last, when this one holds something)."""
        row, column = self.table.currentRow(), self.table.currentColumn()
        if row < 0:
            return
        later = [c for c in EDITABLE if c > column]
        if later:
            self.table.setCurrentCell(row, later[0])
            return
        if row == self.table.rowCount() - 1:
            if self.is_blank(row):
                return
            self._append({})
            self._renumber()
        self.table.setCurrentCell(row + 1, EDITABLE[0])

    def insert_row(self) -> None:
        """Insert: a new line before the current one (at the end when there is none)."""
        row = self.table.currentRow()
        at = row if row >= 0 else self.table.rowCount()
        if self.volume_id is not None and row >= 0 and not self.commit_row(row):
            return
        self._append({}, at)
        self._renumber()
        self.table.setCurrentCell(at, EDITABLE[0])

    def delete_row(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        item_id = self.row_id(row)
        if item_id is None and self.is_blank(row):
            self._remove(row)
            return
        title = self.values(row)["title"] or self.tr("（无题名）")
        if not confirm(
            self,
            self.tr("删除卷内文件"),
            self.tr("从卷内文件目录中删除第 {0} 行《{1}》？")
            .replace("{0}", str(row + 1))
            .replace("{1}", title),
        ):
            return
        if item_id is not None:
            result = run_service(
                self, self._context, lambda s, a: self._write(s, a, "delete", item_id)
            )
            if result is FAILED:
                return
            self.sig_written.emit(self.tr("已删除卷内文件：") + title)
        self._remove(row)

    def _remove(self, row: int) -> None:
        self.table.removeRow(row)
        if self.table.rowCount() == 0 and not self.read_only:
            self._append({})
        self._renumber()
        self.table.setCurrentCell(min(row, self.table.rowCount() - 1), EDITABLE[0])
        self.sig_rows_changed.emit()

    def move_row(self, offset: int) -> None:
        """Ctrl+↑/↓: the line one place up or down (written at once for a filed volume)."""
        row, column = self.table.currentRow(), self.table.currentColumn()
        target = row + offset
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        if self.volume_id is not None:
            if not (self.commit_row(row) and self.commit_row(target)):
                return
            item_id = self.row_id(row)
            if item_id is not None and self.row_id(target) is not None:
                result = run_service(
                    self, self._context, lambda s, a: self._write(s, a, "move", item_id, offset)
                )
                if result is FAILED:
                    return
        self._filling = True
        taken = [self.table.takeItem(row, c) for c in range(len(COLUMNS))]
        others = [self.table.takeItem(target, c) for c in range(len(COLUMNS))]
        for c in range(len(COLUMNS)):
            self.table.setItem(target, c, taken[c])
            self.table.setItem(row, c, others[c])
        self._filling = False
        self._renumber()
        self.table.setCurrentCell(target, column)
        self.sig_rows_changed.emit()

    # ----------------------------------------------------------------- writing lines

    def _current_changed(
        self, row: int, _column: int, previous: int, _previous_column: int
    ) -> None:
        if self.volume_id is not None and previous >= 0 and previous != row:
            if previous < self.table.rowCount():
                self.commit_row(previous)

    def commit_row(self, row: int) -> bool:
        """Write a changed line of a filed volume; False (the line marked) when refused."""
        if self.volume_id is None or self._writing or row >= self.table.rowCount():
            return True
        if not self.is_dirty(row) or (self.row_id(row) is None and self.is_blank(row)):
            return True
        item_id, values = self.row_id(row), self.values(row)
        problems: list[FieldProblem] = []
        self._writing = True
        try:
            if item_id is None:
                position = 1 + sum(1 for r in range(row) if self.row_id(r) is not None)
                result = run_service(
                    self,
                    self._context,
                    lambda s, a: self._write(s, a, "add", values, position),
                    on_invalid=lambda error: problems.extend(error.problems),
                )
            else:
                result = run_service(
                    self,
                    self._context,
                    lambda s, a: self._write(s, a, "update", item_id, values),
                    on_invalid=lambda error: problems.extend(error.problems),
                )
        finally:
            self._writing = False
        if result is FAILED:
            if problems:
                self.show_problems(problems, row)
            return False
        self._filling = True
        self.table.item(row, 0).setData(ID_ROLE, result)
        self.table.item(row, 0).setData(DIRTY_ROLE, False)
        self._filling = False
        self.clear_problems()
        self.sig_written.emit(self.tr("第 {0} 行已保存。").replace("{0}", str(row + 1)))
        return True

    def commit_all(self) -> bool:
        """Every changed line written (a filed volume); False at the first refusal."""
        return all(self.commit_row(r) for r in range(self.table.rowCount()))

    def _write(self, session: Session, actor: User, act: str, *args: Any) -> Any:
        volume_id = self.volume_id
        assert volume_id is not None
        if act == "add":
            values, position = args
            return archive_items.add_item(session, actor, volume_id, values, position).id
        if act == "update":
            item_id, values = args
            return archive_items.update_item(session, actor, item_id, values).id
        if act == "delete":
            archive_items.delete_item(session, actor, args[0])
            return None
        item_id, offset = args
        return archive_items.move_item(session, actor, item_id, offset).id

    def reload(self) -> bool:
        """Read the 目录 again from the store (after someone else changed it)."""
        volume_id = self.volume_id
        assert volume_id is not None

        def read(session: Session, actor: User) -> list[dict[str, object]]:
            volume: ArchiveVolume = get_volume(session, actor, volume_id)
            return archive_items.catalogue(volume)

        rows = run_service(self, self._context, read)
        if rows is FAILED:
            return False
        self.set_rows(rows, volume_id)
        return True

    # ----------------------------------------------------------------- refusals

    def clear_problems(self) -> None:
        self.error_label.hide()
        self.error_label.clear()

    def show_problems(self, problems: list[FieldProblem], row: int | None = None) -> None:
        """Refusals of lines: `items.N.key` of a filing (N counts the typed lines), or the
        keys of one line's write (`row`)."""
        filing_rows = self._filing_rows()
        messages = []
        focus: tuple[int, int] | None = None
        for problem in problems:
            field = problem.field or ""
            at, key = row, field
            if field.startswith("items."):
                _items, number, key = field.split(".", 2)
                index = int(number) - 1
                at = filing_rows[index] if 0 <= index < len(filing_rows) else None
            if at is None:
                messages.append(problem.message)
                continue
            messages.append(self.tr("第 {0} 行 ").replace("{0}", str(at + 1)) + problem.message)
            if key in KEYS:
                cell = self.table.item(at, KEYS.index(key))
                cell.setBackground(QBrush(ERROR_BACKGROUND))
                cell.setToolTip(problem.message)
                focus = focus or (at, KEYS.index(key))
        self.error_label.setText("\n".join(messages))
        self.error_label.setVisible(bool(messages))
        if focus is not None:
            self._writing = True  # moving to the refused cell must not write again
            self.table.setCurrentCell(*focus)
            self._writing = False


def problems_of(error: ValidationError) -> list[FieldProblem]:
    return list(error.problems)


ERROR_TEXT = QColor(ERROR_COLOR)
