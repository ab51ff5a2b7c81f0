"""The fields of the complaint record on screen, built from ``complaints.FIELDS``: an editor
per field by its kind, a red line beside each for the service's refusal, and the customer
picked by typing its name or pinyin."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services import complaints
from desktop_crm.services.complaint_list import customers_for_complaints
from desktop_crm.services.complaints import ComplaintField

from ..context import AppContext
from ..field_errors import ERROR_COLOR, FieldEditor
from ..service_call import FAILED, run_service
from ..widgets import OptionalDateEdit
from .action_forms import DATETIME_FORMAT, ERROR_STYLE

SEARCH_DELAY_MS = 150
HELP_STYLE = "color: #5d6d7e;"


def qdatetime(value: datetime) -> QDateTime:
    return QDateTime(
        QDate(value.year, value.month, value.day), QTime(value.hour, value.minute, value.second)
    )


class CustomerPicker(QWidget):
    """A customer picked by typing (name, 简称, pinyin initials, phone): the matches show
    under the line; a click or Enter picks one. Typing again drops the choice."""

    has_read_only_mode = True  # FieldEditor.set_read_only calls setReadOnly

    sig_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._chosen: int | None = None
        self._chosen_name = ""
        self.line = QLineEdit(self)
        self.line.setObjectName("complaintCustomerSearch")
        self.line.setPlaceholderText(self.tr("输入客户名称、简称或拼音首字母查找"))
        self.matches = QListWidget(self)
        self.matches.setObjectName("complaintCustomerList")
        self.matches.setMaximumHeight(self.fontMetrics().height() * 7)
        self.matches.hide()
        self.chosen_label = QLabel(self)
        self.chosen_label.setObjectName("complaintCustomerChosen")
        self.chosen_label.setStyleSheet(HELP_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line)
        layout.addWidget(self.matches)
        layout.addWidget(self.chosen_label)
        self.setFocusProxy(self.line)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search)
        # textChanged covers typing, pasting and committed input-method text alike.
        self.line.textChanged.connect(self._typed)
        self.line.returnPressed.connect(self._pick_first)
        self.matches.itemActivated.connect(self._pick)
        self.matches.itemClicked.connect(self._pick)

    def value(self) -> int | None:
        return self._chosen

    def set_value(self, customer_id: int | None, label: str = "", name: str = "") -> None:
        self._chosen, self._chosen_name = customer_id, name
        self.line.blockSignals(True)
        self.line.setText(name)
        self.line.blockSignals(False)
        self.chosen_label.setText(label)
        self.matches.hide()

    def setReadOnly(self, read_only: bool) -> None:  # noqa: N802 - like QLineEdit's
        self.line.setReadOnly(read_only)

    def _typed(self, text: str) -> None:
        if self._chosen is not None and text.strip() != self._chosen_name:
            self._chosen = None
            self.chosen_label.setText(self.tr("（尚未选定客户）"))
            self.sig_changed.emit()
        self._timer.start()

    def hideEvent(self, event) -> None:  # noqa: ANN001, N802
        self._timer.stop()  # a closed form searches no more
        super().hideEvent(event)

    def _search(self) -> None:
        if not self.isVisible():
            return
        text = self.line.text().strip()
        if not text or (self._chosen is not None and text == self._chosen_name):
            self.matches.hide()
            return
        found = run_service(
            self,
            self._context,
            lambda session, actor: customers_for_complaints(session, actor, text),
        )
        self.matches.clear()
        for customer_id, code, name in [] if found is FAILED else found:
            item = QListWidgetItem(f"{code}  {name}")
            item.setData(Qt.ItemDataRole.UserRole, (customer_id, code, name))
            self.matches.addItem(item)
        if self.matches.count() == 0:
            self.matches.addItem(self.tr("没有找到可以登记投诉的客户"))
        self.matches.show()

    def _pick_first(self) -> None:
        self._timer.stop()
        self._search()
        first = self.matches.item(0)
        if first is not None and first.data(Qt.ItemDataRole.UserRole):
            self._pick(first)

    def _pick(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if not data:
            return
        customer_id, code, name = data
        self.set_value(customer_id, f"{code}  {name}", name)
        self.sig_changed.emit()


def _choice_combo(parent: QWidget, choices: Sequence[tuple[str, object]]) -> QComboBox:
    combo = QComboBox(parent)
    combo.addItem("", None)
    for label, value in choices:
        combo.addItem(label, value)
    return combo


def _set_choice(combo: QComboBox, value: object) -> None:
    """Select `value`; one no longer offered (a retired category) is added, not lost."""
    if value is None:
        combo.setCurrentIndex(0)
        return
    index = combo.findData(value)
    if index < 0:
        combo.addItem(str(value), value)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


def make_editor(
    field: ComplaintField,
    parent: QWidget,
    context: AppContext,
    choices: Sequence[tuple[str, object]],
    on_edited: Callable[[str], None],
) -> FieldEditor:
    """The editor of one field by its kind; `choices` for the choice and department kinds."""
    error = QLabel(parent)
    error.setObjectName(f"error_{field.key}")
    error.setWordWrap(True)
    error.setStyleSheet(ERROR_STYLE)
    error.hide()
    key = field.key
    widget: QWidget
    if field.kind == "long":
        text = QPlainTextEdit(parent)
        text.setTabChangesFocus(True)
        text.setFixedHeight(text.fontMetrics().lineSpacing() * 3 + 14)
        text.textChanged.connect(lambda: on_edited(key))
        widget = text

        def get() -> object:
            return text.toPlainText().strip() or None

        def put(value: object) -> None:
            text.setPlainText("" if value is None else str(value))

    elif field.kind == "datetime":
        moment = QDateTimeEdit(QDateTime.currentDateTime(), parent)
        moment.setDisplayFormat(DATETIME_FORMAT)
        moment.setCalendarPopup(True)
        moment.dateTimeChanged.connect(lambda _m: on_edited(key))
        widget = moment

        def get() -> object:
            return moment.dateTime().toPython().replace(second=0, microsecond=0)

        def put(value: object) -> None:
            if isinstance(value, datetime):
                moment.setDateTime(qdatetime(value))

    elif field.kind == "date":
        day = OptionalDateEdit(parent)
        day.sig_changed.connect(lambda: on_edited(key))
        widget = day
        get = day.value

        def put(value: object) -> None:
            day.set_value(value if isinstance(value, date) else None)

    elif field.kind in ("choice", "department"):
        combo = _choice_combo(parent, choices)
        combo.currentIndexChanged.connect(lambda _i: on_edited(key))
        widget = combo
        get = combo.currentData

        def put(value: object) -> None:
            _set_choice(combo, value)

    elif field.kind == "customer":
        picker = CustomerPicker(context, parent)
        picker.sig_changed.connect(lambda: on_edited(key))
        widget = picker
        get = picker.value

        def put(value: object) -> None:  # the dialog fills it with set_value and a label
            if value is None:
                picker.set_value(None)

    else:
        line = QLineEdit(parent)
        line.textChanged.connect(lambda _t: on_edited(key))
        widget = line

        def get() -> object:
            return line.text().strip() or None

        def put(value: object) -> None:
            line.setText("" if value is None else str(value))

    widget.setObjectName(f"field_{field.key}")
    return FieldEditor(field, widget, error, get, put)


def lay_out(page: QWidget, editors: Sequence[FieldEditor], line_height: int) -> QGridLayout:
    """Two fields a row; long texts (and the customer) across the whole row."""
    grid = QGridLayout(page)
    grid.setHorizontalSpacing(10)
    grid.setVerticalSpacing(6)
    grid.setColumnStretch(1, 1)
    grid.setColumnStretch(3, 1)
    row, column = 0, 0
    for editor in editors:
        text = editor.field.label
        if editor.field.required:
            text += f' <span style="color:{ERROR_COLOR}">*</span>'
        label = QLabel(text, page)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        label.setMinimumHeight(line_height)
        label.setBuddy(editor.widget)
        cell = QWidget(page)
        box = QVBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(editor.widget)
        box.addWidget(editor.error)
        wide = editor.field.kind in ("long", "customer")
        if wide:
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
    return grid


def field_choices(
    categories: Sequence[str], departments: Sequence[tuple[str, int]]
) -> dict[str, list[tuple[str, object]]]:
    """The choices of each choice field, by key."""
    return {
        "channel": [(c, c) for c in complaints.CHANNELS],
        "category": [(c, c) for c in categories],
        "accident": [(a, a) for a in complaints.ACCIDENTS],
        "responsible_department_id": list(departments),
    }
