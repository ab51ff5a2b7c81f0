"""Small pieces the survey screens share: an ordered list of names to edit (questionnaire
items, competitors), read-only tables filled from plain rows, and labels for hints and
refusals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.formatting import text_of
from desktop_crm.views.field_errors import ERROR_COLOR

from ..customers.card_widgets import plain_button

HINT_STYLE = "color: #5d6d7e;"
WARNING_STYLE = "color: #8a5a00; background: #fff4d6; border: 1px solid #f3d18a; padding: 4px;"
REFUSAL_STYLE = (
    f"color: {ERROR_COLOR}; background: #fdedec; border: 1px solid #f5b7b1; padding: 4px;"
)
ID_ROLE = Qt.ItemDataRole.UserRole


def note_label(parent: QWidget, name: str, style: str = HINT_STYLE) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(style)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def cell(value: object, data: object = None, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem("" if value is None else text_of(value, false_text=""))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if data is not None:
        item.setData(ID_ROLE, data)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def read_only_table(parent: QWidget, name: str, headers: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.horizontalHeader().setHighlightSections(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    return table


def fill_table(
    table: QTableWidget,
    rows: Sequence[Sequence[object]],
    ids: Sequence[object] | None = None,
    right: Sequence[int] = (),
) -> None:
    """Rows of plain values; `ids` go to the first cell's data; the columns in `right`
    are right-aligned (numbers)."""
    table.setRowCount(len(rows))
    for number, values in enumerate(rows):
        for column, value in enumerate(values):
            data = ids[number] if ids is not None and column == 0 else None
            table.setItem(number, column, cell(value, data, column in right))


def fit_height(table: QTableWidget, least_rows: int = 1) -> None:
    """A table as tall as its rows (it sits in a scrolling page, not scrolling itself)."""
    rows = max(table.rowCount(), least_rows)
    height = table.horizontalHeader().height() + 2 * table.frameWidth() + 2
    height += sum(table.rowHeight(r) for r in range(table.rowCount()))
    height += (rows - table.rowCount()) * table.verticalHeader().defaultSectionSize()
    if table.horizontalScrollBar().isVisible():
        height += table.horizontalScrollBar().height()
    table.setFixedHeight(height)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)


@dataclass(frozen=True)
class NameRow:
    """One name in an ordered list being edited: its stored id (None: new), whether it is
    in use, and how many answers or questionnaires it has (such a row cannot go)."""

    id: int | None
    name: str
    active: bool = True
    used: int = 0


class NameListEditor(QWidget):
    """An ordered list of names: 添加, 删除, 上移, 下移, names edited in place, and, for
    questionnaire items, 在用 to retire an item that already has answers."""

    sig_changed = Signal()

    def __init__(
        self,
        parent: QWidget | None,
        name: str,
        title: str,
        used_title: str,
        with_active: bool,
        new_name: str,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._with_active = with_active
        self._new_name = new_name
        self._used_title = used_title
        headers = [title] + (["在用"] if with_active else []) + [used_title]
        self.table = QTableWidget(0, len(headers), self)
        self.table.setObjectName(name + "Table")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(headers)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(lambda _item: self.sig_changed.emit())
        self.add_button = plain_button(self, self.tr("添加"), name + "Add")
        self.remove_button = plain_button(self, self.tr("删除"), name + "Remove")
        self.up_button = plain_button(self, self.tr("上移"), name + "Up")
        self.down_button = plain_button(self, self.tr("下移"), name + "Down")
        self.add_button.clicked.connect(lambda: self.add())
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.message = note_label(self, name + "Message", f"color: {ERROR_COLOR};")
        buttons = QVBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.table, 1)
        row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row, 1)
        layout.addWidget(self.message)
        self.message.hide()

    # ----------------------------------------------------------------- values

    def set_rows(self, rows: Sequence[NameRow]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for row in rows:
            self._append(row)
        self.table.blockSignals(False)
        self.message.hide()

    def _append(self, row: NameRow) -> int:
        number = self.table.rowCount()
        self.table.insertRow(number)
        name = QTableWidgetItem(row.name)
        name.setData(ID_ROLE, row.id)
        self.table.setItem(number, 0, name)
        column = 1
        if self._with_active:
            active = QTableWidgetItem()
            active.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            active.setCheckState(Qt.CheckState.Checked if row.active else Qt.CheckState.Unchecked)
            self.table.setItem(number, 1, active)
            column = 2
        used = QTableWidgetItem(str(row.used) if row.used else "")
        used.setFlags(Qt.ItemFlag.ItemIsEnabled)
        used.setData(ID_ROLE, row.used)
        used.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setItem(number, column, used)
        return number

    def rows(self) -> list[NameRow]:
        found = []
        for number in range(self.table.rowCount()):
            name = self.table.item(number, 0)
            active = True
            if self._with_active:
                active = self.table.item(number, 1).checkState() == Qt.CheckState.Checked
            used = self.table.item(number, self.table.columnCount() - 1).data(ID_ROLE) or 0
            found.append(NameRow(name.data(ID_ROLE), name.text().strip(), active, used))
        return found

    def set_read_only(self, read_only: bool) -> None:
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.setVisible(not read_only)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers
            if read_only
            else QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        if self._with_active:
            for number in range(self.table.rowCount()):
                flags = Qt.ItemFlag.ItemIsEnabled
                if not read_only:
                    flags |= Qt.ItemFlag.ItemIsUserCheckable
                self.table.item(number, 1).setFlags(flags)

    # ----------------------------------------------------------------- editing

    def add(self, name: str | None = None) -> None:
        """添加: a new row at the end, its name ready to type."""
        number = self._append(NameRow(None, name or self._new_name))
        self.table.setCurrentCell(number, 0)
        if name is None:
            self.table.editItem(self.table.item(number, 0))
        self.message.hide()
        self.sig_changed.emit()

    def remove_selected(self) -> None:
        number = self.table.currentRow()
        if number < 0:
            return
        row = self.rows()[number]
        if row.used:
            text = self.tr("「{name}」已有 {n} {what}，不能删除").replace("{name}", row.name)
            text = text.replace("{n}", str(row.used)).replace("{what}", self._used_title)
            if self._with_active:
                text += self.tr("；可以取消“在用”，改为停用。")
            self.message.setText(text + "。" if not self._with_active else text)
            self.message.show()
            return
        self.table.removeRow(number)
        self.message.hide()
        self.sig_changed.emit()

    def move_selected(self, step: int) -> None:
        number = self.table.currentRow()
        target = number + step
        if number < 0 or not 0 <= target < self.table.rowCount():
            return
        rows = self.rows()
        rows[number], rows[target] = rows[target], rows[number]
        self.set_rows(rows)
        self.table.setCurrentCell(target, 0)
        self.sig_changed.emit()
