"""The small pieces every tab of the 客户资料管理卡 is made of: read-only tables, buttons,
error labels, colours, and how dates and money read on screen."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop_crm.formatting import text_of
from desktop_crm.views.field_errors import ERROR_COLOR

HELP_COLOR = "#5d6d7e"


def tr_data(text: str) -> str:
    """Translate data-driven text (field labels, list entries) in the card's one context."""
    return QCoreApplication.translate("CustomerCardDialog", text)


def date_text(value: date | None) -> str:
    return text_of(value)


def datetime_text(value: datetime | None) -> str:
    return text_of(value)


def money_text(value: Decimal | None) -> str:
    return text_of(value, group_decimals=True)


def read_only_item(
    text: object, data: object = None, align_right: bool = False
) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def list_table(parent: QWidget, name: str, headers: list[str]) -> QTableWidget:
    """A read-only table that selects one whole row at a time."""
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.horizontalHeader().setHighlightSections(False)
    return table


def plain_button(parent: QWidget, text: str, name: str) -> QPushButton:
    button = QPushButton(text, parent)
    button.setObjectName(name)
    button.setAutoDefault(False)  # Enter in a field must not press a random button
    return button


def error_label(parent: QWidget, name: str, word_wrap: bool = True) -> QLabel:
    """A red line for a refusal shown beside its input; hidden until there is one."""
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(word_wrap)
    label.setStyleSheet(f"color: {ERROR_COLOR};")
    label.hide()
    return label


def help_note(parent: QWidget, text: str) -> QLabel:
    """A grey line under a tab that says how it works."""
    note = QLabel(text, parent)
    note.setStyleSheet(f"color: {HELP_COLOR};")
    return note
