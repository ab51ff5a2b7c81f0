"""The field tabs of the 客户资料管理卡, built from ``customer_fields.FIELDS``.

A new field on the card is one line in FIELDS: its section picks the tab, its kind the
editor, and each editor gets a red line beside it for the service's refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services.customer_fields import FIELDS, CustomerField
from desktop_crm.views.customers.card_widgets import ERROR_COLOR, HELP_COLOR, error_label, tr_data
from desktop_crm.views.field_errors import FieldEditor
from desktop_crm.views.widgets import ChoiceCombo, OptionalDateEdit, StaffCombo


def add_field_tabs(tabs: QTabWidget, on_edited: Callable[[str], None]) -> dict[str, FieldEditor]:
    """One tab per section of FIELDS, two fields a row; `on_edited(key)` follows the typing."""
    line_height = QLineEdit().sizeHint().height()
    editors: dict[str, FieldEditor] = {}
    sections = list(dict.fromkeys(f.section for f in FIELDS))
    for section in sections:
        page = QWidget()
        grid = QGridLayout(page)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.setColumnMinimumWidth(2, 110)
        tab_index = tabs.count()
        row, column = 0, 0
        for field in (f for f in FIELDS if f.section == section):
            editor = _make_editor(field, page, on_edited)
            editor.tab_index = tab_index
            editors[field.key] = editor
            cell = _field_cell(editor, page)
            label = _field_label(field, page, editor.widget, line_height)
            if field.kind == "longtext":
                if column:
                    row, column = row + 1, 0
                grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
                grid.addWidget(cell, row, 1, 1, 3, Qt.AlignmentFlag.AlignTop)
                row += 1
                continue
            grid.addWidget(label, row, column * 2, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(cell, row, column * 2 + 1, Qt.AlignmentFlag.AlignTop)
            row, column = (row, 1) if column == 0 else (row + 1, 0)
        grid.setRowStretch(row + 1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        tabs.addTab(scroll, tr_data(section))
    return editors


def _field_label(field: CustomerField, parent: QWidget, buddy: QWidget, line_height: int) -> QLabel:
    text = tr_data(field.label)
    if field.required:
        text += f' <span style="color:{ERROR_COLOR}">*</span>'
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    # Line up with the editor's first line, not with its help/error lines below.
    label.setMinimumHeight(line_height)
    label.setBuddy(buddy)
    return label


def _field_cell(editor: FieldEditor, parent: QWidget) -> QWidget:
    cell = QWidget(parent)
    box = QVBoxLayout(cell)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(2)
    box.addWidget(editor.widget)
    if isinstance(editor.widget, ChoiceCombo):
        help_label = QLabel(cell)
        help_label.setObjectName(f"help_{editor.field.key}")
        help_label.setWordWrap(True)
        help_label.setStyleSheet(f"color: {HELP_COLOR};")
        help_label.hide()

        def show_help(text: str, label: QLabel = help_label) -> None:
            label.setText(text)
            label.setVisible(bool(text))

        editor.widget.sig_help_changed.connect(show_help)
        box.addWidget(help_label)
    box.addWidget(editor.error)
    return cell


def _make_editor(
    field: CustomerField, parent: QWidget, on_edited: Callable[[str], None]
) -> FieldEditor:
    error = error_label(parent, f"error_{field.key}")
    key = field.key
    widget: QWidget
    if field.kind == "longtext":
        text_edit = QPlainTextEdit(parent)
        text_edit.setTabChangesFocus(True)
        line = text_edit.fontMetrics().lineSpacing()
        text_edit.setFixedHeight(line * 3 + 14)
        text_edit.textChanged.connect(lambda: on_edited(key))
        widget = text_edit

        def get() -> object:
            return text_edit.toPlainText().strip() or None

        def put(value: object) -> None:
            text_edit.setPlainText("" if value is None else str(value))

    elif field.kind == "choice":
        combo = ChoiceCombo(parent)
        combo.currentIndexChanged.connect(lambda _i: on_edited(key))
        widget = combo
        get = combo.value

        def put(value: object) -> None:
            combo.set_value(value if isinstance(value, str) else None)

    elif field.kind == "staff":
        staff_combo = StaffCombo(parent)
        staff_combo.currentIndexChanged.connect(lambda _i: on_edited(key))
        widget = staff_combo
        get = staff_combo.value

        def put(value: object) -> None:
            staff_combo.set_value(value if isinstance(value, int) else None)

    elif field.kind == "bool":
        check = QCheckBox(tr_data("是"), parent)
        check.toggled.connect(lambda _c: on_edited(key))
        widget = check
        get = check.isChecked

        def put(value: object) -> None:
            check.setChecked(bool(value))

    elif field.kind == "date":
        date_edit = OptionalDateEdit(parent)
        date_edit.sig_changed.connect(lambda: on_edited(key))
        widget = date_edit
        get = date_edit.value

        def put(value: object) -> None:
            date_edit.set_value(value if isinstance(value, date) else None)

    else:  # text, credit_code
        line_edit = QLineEdit(parent)
        if field.kind == "credit_code":
            line_edit.setPlaceholderText(tr_data("18 位，可不填"))
        line_edit.textChanged.connect(lambda _t: on_edited(key))
        widget = line_edit

        def get() -> object:
            return line_edit.text().strip() or None

        def put(value: object) -> None:
            line_edit.setText("" if value is None else str(value))

    widget.setObjectName(f"field_{field.key}")
    return FieldEditor(field, widget, error, get, put)
