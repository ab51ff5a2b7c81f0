"""Showing short admin lists (values, staff) in a QTableWidget: one row per record,
inactive records greyed, the previous selection kept."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

CENTER = Qt.AlignmentFlag.AlignCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def show_records(
    table: QTableWidget,
    rows: Sequence[tuple[object, bool, Sequence[QTableWidgetItem]]],
    keep_id: object = None,
) -> None:
    """Fill `table` from (record id, active, cells) and reselect the record `keep_id`."""
    muted = QBrush(table.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
    table.setRowCount(len(rows))
    for index, (_, active, cells) in enumerate(rows):
        for column, cell in enumerate(cells):
            if not active:
                cell.setForeground(muted)
            table.setItem(index, column, cell)
    table.clearSelection()
    for index, (record_id, _, _) in enumerate(rows):
        if record_id == keep_id:
            table.selectRow(index)
            break


def cell(
    text: object, align: Qt.AlignmentFlag | None = None, tooltip: str = ""
) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    if align is not None:
        item.setTextAlignment(align)
    if tooltip:
        item.setToolTip(tooltip)
    return item
