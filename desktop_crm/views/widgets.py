"""Small input widgets shared by the dialogs: lookup choices, staff pickers, optional dates.

They hold plain values only (strings, ids, dates); filling them from the store is the caller's
job, inside its own session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QSpinBox,
    QToolButton,
    QWidget,
)

DATE_FORMAT = "yyyy-MM-dd"
_EMPTY_DATE = QDate(1900, 1, 1)


class ChoiceCombo(QComboBox):
    """A non-editable pick from a configurable list, with an empty first entry.

    Each value's help text is its tooltip; ``sig_help_changed`` carries the help of the current
    value so a dialog can show it in a label beside the combo.
    """

    sig_help_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(False)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8)
        self.currentIndexChanged.connect(self._emit_help)
        self.set_choices([])

    def set_choices(self, choices: Iterable[tuple[str, str | None]]) -> None:
        """Fill with ``(value, help_text)`` pairs; keeps the current value when possible."""
        current = self.value()
        self.blockSignals(True)
        self.clear()
        self.addItem("", None)
        for value, help_text in choices:
            self._add(value, help_text)
        self.blockSignals(False)
        self.set_value(current)

    def _add(self, value: str, help_text: str | None) -> None:
        self.addItem(value, value)
        if help_text:
            self.setItemData(self.count() - 1, help_text, Qt.ItemDataRole.ToolTipRole)

    def value(self) -> str | None:
        data = self.currentData()
        return data if isinstance(data, str) and data else None

    def set_value(self, value: str | None) -> None:
        """Select ``value``; one no longer offered (a retired value) is added so it is not lost."""
        if not value:
            self.setCurrentIndex(0)
        else:
            index = self.findData(value)
            if index < 0:
                self._add(value, None)
                index = self.count() - 1
            self.setCurrentIndex(index)
        self._emit_help()

    def help_text(self) -> str:
        text = self.itemData(self.currentIndex(), Qt.ItemDataRole.ToolTipRole)
        return text if isinstance(text, str) else ""

    def _emit_help(self) -> None:
        help_text = self.help_text()
        self.setToolTip(help_text)
        self.sig_help_changed.emit(help_text)


class StaffCombo(QComboBox):
    """Picks a member of staff by id; the empty first entry means nobody."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(False)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8)
        self.set_staff([])

    def set_staff(self, staff: Iterable[tuple[int, str]]) -> None:
        """Fill with ``(user_id, name)`` pairs of the active staff."""
        current = self.value()
        self.clear()
        self.addItem("", None)
        for user_id, name in staff:
            self.addItem(name, user_id)
        self.set_value(current)

    def value(self) -> int | None:
        data = self.currentData()
        return data if isinstance(data, int) else None

    def set_value(self, user_id: int | None, name: str | None = None) -> None:
        """Select ``user_id``; someone not in the list (e.g. left the company) is added by name."""
        if user_id is None:
            self.setCurrentIndex(0)
            return
        index = self.findData(user_id)
        if index < 0:
            self.addItem(name or str(user_id), user_id)
            index = self.count() - 1
        self.setCurrentIndex(index)


class _DateEdit(QDateEdit):
    """A QDateEdit whose lowest date stands for "empty"; touching an empty one starts at today."""

    def _start_from_today(self) -> None:
        if self.date() == self.minimumDate():
            self.setDate(QDate.currentDate())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._start_from_today()
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (
            event.text()
            and event.text().isprintable()
            or event.key()
            in (
                Qt.Key.Key_Up,
                Qt.Key.Key_Down,
            )
        ):
            self._start_from_today()
        super().keyPressEvent(event)


class OptionalDateEdit(QWidget):
    """A date that may be left empty: a calendar date edit plus a 清除 button."""

    sig_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = _DateEdit(self)
        self.edit.setDisplayFormat(DATE_FORMAT)
        self.edit.setCalendarPopup(True)
        self.edit.setMinimumDate(_EMPTY_DATE)
        self.edit.setSpecialValueText(self.tr("（未填）"))
        self.edit.setDate(_EMPTY_DATE)
        self.clear_button = QToolButton(self)
        self.clear_button.setText("×")
        self.clear_button.setToolTip(self.tr("清除日期"))
        self.clear_button.setAutoRaise(True)
        self.clear_button.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.clear_button)
        self.setFocusProxy(self.edit)
        self.edit.dateChanged.connect(self._on_changed)
        self._on_changed()

    def value(self) -> date | None:
        qdate = self.edit.date()
        if qdate == _EMPTY_DATE:
            return None
        return date(qdate.year(), qdate.month(), qdate.day())

    def set_value(self, value: date | None) -> None:
        if value is None:
            self.edit.setDate(_EMPTY_DATE)
        else:
            self.edit.setDate(QDate(value.year, value.month, value.day))

    def clear(self) -> None:
        self.set_value(None)

    def _on_changed(self) -> None:
        self.clear_button.setEnabled(self.value() is not None)
        self.sig_changed.emit()


def open_on_activate(view: QAbstractItemView, act: Callable[[QModelIndex], object]) -> None:
    """A double click or Enter on a row does `act` once. Qt emits `activated` for both (on
    a double click right after `doubleClicked`), so only that one is connected — connecting
    both opened every record twice."""
    view.activated.connect(act)


def filter_combo(
    name: str, parent: QWidget, everything: str, items: Iterable[tuple[str, Any]]
) -> QComboBox:
    """A combo box whose first entry (`everything`, value None) means no filter."""
    combo = QComboBox(parent)
    combo.setObjectName(name)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(6)
    combo.addItem(everything, None)
    for label, value in items:
        combo.addItem(label, value)
    return combo


def refill_combo(combo: QComboBox, everything: str, items: Iterable[tuple[str, Any]]) -> None:
    """Fill again with `everything` (None) first, then `(label, value)` items, keeping the
    current value when it is still offered; silently (no filter change is signalled)."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everything, None)
    for label, value in items:
        combo.addItem(label, value)
    combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
    combo.blockSignals(False)


def date_edit(parent: QWidget | None, name: str, day: date) -> QDateEdit:
    """A date box showing 2026-11-27, with a calendar to pick from."""
    edit = QDateEdit(parent)
    edit.setObjectName(name)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


FIRST_YEAR = 1949  # the earliest 年度 a box offers


def year_spin(parent: QWidget | None, name: str, suffix: str = " 年") -> QSpinBox:
    """Which year a book, a catalogue or a sheet of labels is for: this year unless changed."""
    spin = QSpinBox(parent)
    spin.setObjectName(name)
    spin.setRange(FIRST_YEAR, date.today().year + 1)
    spin.setValue(date.today().year)
    spin.setSuffix(suffix)
    return spin
