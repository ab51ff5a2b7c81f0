"""签收: the departments' hand-overs to the archive room, with their state; 新建签收… registers
one (volumes by 档号 or loose documents typed in a grid), 清点… ticks each item received or
missing (issue 6, Receipts)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services import archive_list, archive_receipts, archives, rights, staff
from desktop_crm.services.errors import FieldProblem, NotFound, ValidationError
from desktop_crm.views.widgets import date_edit

from ..context import AppContext
from ..field_errors import ERROR_STYLE, INVALID_STYLE, show_field_errors
from ..service_call import FAILED, run_service
from ..widgets import year_spin

HEADERS = ("编号", "日期", "月份", "移交部门", "移交人", "接收人", "件数", "缺失", "状态")
ITEM_HEADERS = ("档号/文号", "题名", "页数")


def _item(text: object) -> QTableWidgetItem:
    cell = QTableWidgetItem("" if text is None else str(text))
    cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return cell


def fit_columns(table: QTableWidget, minimum_chars: tuple[int, ...]) -> None:
    """Columns as wide as their contents, and never narrower than `minimum_chars` (an
    empty list keeps readable headers and room for what will be typed)."""
    table.resizeColumnsToContents()
    unit = table.fontMetrics().horizontalAdvance("中")
    for column, chars in enumerate(minimum_chars):
        table.setColumnWidth(column, max(table.columnWidth(column), chars * unit + 12))


SEARCH_DELAY_MS = 200
PICKER_ROWS = 12
HELP_STYLE = "color: #5d6d7e;"


class FieldProblems:
    """Refusals beside the fields they concern (views.field_errors.show_field_errors): a
    red line under each field, a row's problem ("items.2.title") under its table with the
    row named, the rest together at the bottom. The typing stays as it is."""

    def __init__(self, owner: QWidget, name: str) -> None:
        self._owner = owner
        self._name = name
        self.labels: dict[str, QLabel] = {}
        self.focus: dict[str, QWidget] = {}
        self.row_of: dict[str, object] = {}  # key → (service row index → table row number)
        self.general = self._label("general")

    def _label(self, key: str) -> QLabel:
        label = QLabel(self._owner, objectName=f"{self._name}_{key}_error")
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        return label

    def add_row(
        self, form: QFormLayout, key: str, title: str, widget: QWidget, *also: str
    ) -> QWidget:
        form.addRow(title, widget)
        form.addRow("", self.under(key, widget, *also))
        return widget

    def under(self, key: str, widget: QWidget, *also: str) -> QLabel:
        """The label for `key` (and the keys `also`), focusing `widget` when at fault."""
        label = self._label(key)
        for name in (key, *also):
            self.labels[name] = label
            self.focus[name] = widget
        return label

    def clear(self) -> None:
        for label in {*self.labels.values(), self.general}:
            label.clear()
            label.hide()
        for widget in self.focus.values():
            if isinstance(widget, QLineEdit):
                widget.setStyleSheet("")

    def text(self) -> str:
        """Every refusal on show (for tests and screen readers)."""
        shown = [self.general, *dict.fromkeys(self.labels.values())]
        return "\n".join(label.text() for label in shown if label.text())

    def _place(self, field: str, message: str) -> tuple[str, str]:
        if field in self.labels:
            return field, message
        head, _, rest = field.partition(".")
        if head not in self.labels:
            return "", message
        index = rest.partition(".")[0]
        row_of = self.row_of.get(head)
        if row_of is not None and index.isdigit():
            return head, self.tr_row(row_of(int(index))) + message  # type: ignore[operator]
        return head, message

    @staticmethod
    def tr_row(row: int) -> str:
        return f"第 {row + 1} 行："

    def show(self, error: ValidationError) -> None:
        self.clear()
        merged: dict[str, list[str]] = {}
        for problem in error.problems:
            key, message = self._place(problem.field or "", problem.message)
            merged.setdefault(key, []).append(message)
        placed = ValidationError(
            [FieldProblem(key, "\n".join(messages)) for key, messages in merged.items()]
        )
        show_field_errors(self._owner, placed, self.labels, self.general, self.focus)
        for key in merged:
            widget = self.focus.get(key)
            if isinstance(widget, QLineEdit):
                widget.setStyleSheet(INVALID_STYLE)


class VolumePicker(QWidget):
    """A volume found by typing (档号, 题名, 文号 or the linked customer, as the ledger's
    search): the matches show under the line; a click or Enter picks one (sig_picked with
    id, 档号, 题名, 页数) and the line empties for the next."""

    sig_picked = Signal(int, str, str, int)

    def __init__(self, context: AppContext, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.line = QLineEdit(self, objectName=name + "Search")
        self.line.setPlaceholderText(
            self.tr("输入档号、题名、文号或客户名称查找案卷，回车选第一个")
        )
        self.matches = QListWidget(self, objectName=name + "Matches")
        self.matches.setMaximumHeight(self.fontMetrics().height() * 8)
        self.matches.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line)
        layout.addWidget(self.matches)
        self.setFocusProxy(self.line)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search)
        # textChanged covers typing, pasting and committed input-method text alike.
        self.line.textChanged.connect(lambda _text: self._timer.start())
        # Enter picks (and goes no further: the form's default button must not fire, the
        # request would be sent half typed); Down steps into the matches.
        self.line.installEventFilter(self)
        self.matches.installEventFilter(self)
        self.matches.itemActivated.connect(self._pick)
        self.matches.itemClicked.connect(self._pick)

    def hideEvent(self, event) -> None:  # noqa: ANN001, N802
        self._timer.stop()  # a closed form searches no more
        super().hideEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if watched is self.line and enter and self.line.text().strip():
                self._pick_first()
                return True  # an empty line lets Enter through: the form is sent
            if watched is self.line and key == Qt.Key.Key_Down and self.matches.isVisible():
                self.matches.setFocus()
                self.matches.setCurrentRow(0)
                return True
            if watched is self.matches and enter and self.matches.currentItem() is not None:
                self._pick(self.matches.currentItem())
                self.line.setFocus()
                return True
        return super().eventFilter(watched, event)

    def search(self) -> None:
        text = self.line.text().strip()
        if not text:
            self.matches.hide()
            return

        def find(session, actor):  # noqa: ANN001, ANN202
            query = archive_list.archive_query(session, actor, text)
            keys = [c.key for c in query.columns]
            return [
                dict(zip(keys, row[1:], strict=True)) | {"id": row[0]}
                for row in query.page(session, 0, PICKER_ROWS)
            ]

        found = run_service(self, self._context, find)
        self.matches.clear()
        for row in [] if found is FAILED else found:
            shown = "  ".join(
                str(part) for part in (row["number"], row["title"], row.get("customer")) if part
            )
            item = QListWidgetItem(shown)
            data = (row["id"], row["number"], row["title"] or "", row.get("pages") or 0)
            item.setData(Qt.ItemDataRole.UserRole, data)
            self.matches.addItem(item)
        if self.matches.count() == 0:
            self.matches.addItem(self.tr("没有找到案卷"))
        self.matches.show()

    def _pick_first(self) -> None:
        self._timer.stop()
        self.search()
        first = self.matches.item(0)
        if first is not None and first.data(Qt.ItemDataRole.UserRole):
            self._pick(first)

    def _pick(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if not data or self.matches.isHidden():
            return  # a click that also activates picks once
        self._timer.stop()
        self.line.blockSignals(True)
        self.line.clear()
        self.line.blockSignals(False)
        self.matches.hide()
        self.sig_picked.emit(int(data[0]), data[1], data[2], int(data[3]))


class ReceiptDialog(QDialog):
    """新建签收: department, month, who handed over, and the items (volumes picked from the
    ledger by a search, or loose documents typed in the grid)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="receiptDialog")
        self.setWindowTitle(self.tr("新建签收"))
        self._context = context
        self.saved_id: int | None = None
        self.department = QComboBox(objectName="receiptDepartment")
        with context.session() as session:
            actor = context.actor(session)
            everyone = rights.scope_for(session, actor, "archives", "create") == rights.ALL
            for department in staff.departments(session):
                if everyone or department.id == actor.department_id:
                    self.department.addItem(department.name, department.id)
        self.month = QLineEdit(
            archive_receipts.previous_month(date.today()), objectName="receiptMonth"
        )
        self.received_on = date_edit(None, "receiptDate", date.today())
        self.received_on.setCalendarPopup(True)
        self.handed_by = QLineEdit(objectName="receiptHandedBy")
        self.note = QLineEdit(objectName="receiptNote")
        self.picker = VolumePicker(context, "receiptVolume", self)
        self.picker.sig_picked.connect(self.add_volume)
        self.items = QTableWidget(8, len(ITEM_HEADERS), objectName="receiptItems")
        self.items.setHorizontalHeaderLabels([self.tr(h) for h in ITEM_HEADERS])
        self.items.horizontalHeader().setStretchLastSection(False)
        self.items.setColumnWidth(0, 220)
        self.items.setColumnWidth(2, 60)
        self.items.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.problems = FieldProblems(self, "receiptDialog")
        self._line_rows: list[int] = []
        self.problems.row_of["items"] = lambda index: self._line_rows[index]
        form = QFormLayout()
        self.problems.add_row(form, "department_id", self.tr("移交部门"), self.department)
        self.problems.add_row(form, "month", self.tr("所属月份"), self.month)
        self.problems.add_row(form, "received_on", self.tr("签收日期"), self.received_on)
        self.problems.add_row(form, "handed_by", self.tr("移交人"), self.handed_by)
        self.problems.add_row(form, "note", self.tr("备注"), self.note)
        self.problems.add_row(form, "volumes", self.tr("查找案卷"), self.picker)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(
            QLabel(self.tr("移交的案卷（查找选入，或填档号）或文件（填文号、题名、页数）："))
        )
        layout.addWidget(self.items, 1)
        layout.addWidget(self.problems.under("items", self.items))
        layout.addWidget(self.problems.general)
        layout.addWidget(buttons)
        self.resize(680, 600)

    def set_item(self, row: int, number: str, title: str = "", pages: object = "") -> None:
        for column, text in enumerate((number, title, pages)):
            self.items.setItem(row, column, QTableWidgetItem(str(text)))

    def add_volume(self, volume_id: int, number: str, title: str, pages: int) -> None:
        """A picked volume into the first empty line (a new line when all are used)."""
        rows = range(self.items.rowCount())
        row = next((r for r in rows if not any(self._text(r, c) for c in range(3))), None)
        if row is None:
            row = self.items.rowCount()
            self.items.insertRow(row)
        self.set_item(row, number, title, pages or "")
        self.items.item(row, 0).setData(Qt.ItemDataRole.UserRole, volume_id)

    def volume_numbers(self) -> list[str]:
        return [
            self._text(r, 0)
            for r in range(self.items.rowCount())
            if self.items.item(r, 0) and self.items.item(r, 0).data(Qt.ItemDataRole.UserRole)
        ]

    def _text(self, row: int, column: int) -> str:
        cell = self.items.item(row, column)
        return cell.text().strip() if cell else ""

    def _volume_id(self, row: int) -> int | None:
        cell = self.items.item(row, 0)
        return cell.data(Qt.ItemDataRole.UserRole) if cell else None

    def save(self) -> None:
        values = {
            "department_id": self.department.currentData(),
            "month": self.month.text().strip(),
            "received_on": self.received_on.date().toPython(),
            "handed_by": self.handed_by.text().strip() or None,
            "note": self.note.text().strip() or None,
        }
        rows = [r for r in range(self.items.rowCount()) if any(self._text(r, c) for c in range(3))]
        self._line_rows = rows
        lines = [
            (self._volume_id(r), self._text(r, 0), self._text(r, 1), self._text(r, 2)) for r in rows
        ]

        def work(session, actor):  # noqa: ANN001, ANN202
            items = []
            unknown = []
            for index, (volume_id, number, title, pages) in enumerate(lines):
                if volume_id is None and number and not title:
                    try:
                        volume_id = archives.get_by_number(session, actor, number).id
                    except NotFound as error:
                        unknown.append(FieldProblem(f"items.{index}.volume_id", error.message))
                        continue
                if volume_id is not None:
                    items.append({"volume_id": volume_id})
                else:
                    items.append(
                        {"doc_number": number or None, "title": title, "pages": pages or None}
                    )
            if unknown:
                raise ValidationError(unknown)
            return archive_receipts.create_receipt(session, actor, values, items).id

        found = run_service(self, self._context, work, self.problems.show)
        if found is not FAILED:
            self.saved_id = found
            self.accept()


class TickDialog(QDialog):
    """清点: each item received (checked) or missing (unchecked), with a note."""

    def __init__(
        self, context: AppContext, row: archive_receipts.ReceiptRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, objectName="receiptTickDialog")
        self.setWindowTitle(self.tr("清点 %s") % row.number)
        self._context = context
        self._row = row
        self.table = QTableWidget(len(row.items), 3, objectName="receiptTickTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("收到"), self.tr("档号/文号 题名"), self.tr("说明")]
        )
        for r, item in enumerate(row.items):
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(
                Qt.CheckState.Unchecked if item.received is False else Qt.CheckState.Checked
            )
            self.table.setItem(r, 0, check)
            self.table.setItem(r, 1, _item(" ".join(p for p in (item.doc_number, item.title) if p)))
            self.table.setItem(r, 2, QTableWidgetItem(item.note))
        self.table.setColumnWidth(0, 48)
        self.table.setColumnWidth(1, 360)
        self.table.horizontalHeader().setStretchLastSection(True)  # room for the note
        self.problems = FieldProblems(self, "receiptTick")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("勾选已收到的；未勾选的记为缺失。")))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems.under("item", self.table))
        layout.addWidget(self.problems.general)
        layout.addWidget(buttons)
        self.resize(620, 360)

    def set_received(self, row: int, received: bool, note: str = "") -> None:
        state = Qt.CheckState.Checked if received else Qt.CheckState.Unchecked
        self.table.item(row, 0).setCheckState(state)
        self.table.item(row, 2).setText(note)

    def save(self) -> None:
        ticks = {}
        notes = {}
        for r, item in enumerate(self._row.items):
            ticks[item.id] = self.table.item(r, 0).checkState() == Qt.CheckState.Checked
            notes[item.id] = self.table.item(r, 2).text().strip()
        receipt_id, version = self._row.id, self._row.version

        def work(session, actor):  # noqa: ANN001, ANN202
            archive_receipts.tick_items(session, actor, receipt_id, ticks, notes, version)
            return True

        if run_service(self, self._context, work, self.problems.show) is not FAILED:
            self.accept()


class ReceiptsTab(QWidget):
    """The hand-overs, newest first. 新建签收 for whoever may hand over (a 部门档案员 for
    their department), 清点 for the archive room only."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("archiveReceipts")
        self._context = context
        self.rows: list[archive_receipts.ReceiptRow] = []
        self.table = QTableWidget(0, len(HEADERS), objectName="receiptTable")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.tick())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.new_button = self._button("新建签收…", "receiptNew", self.new_receipt)
        self.tick_button = self._button("清点…", "receiptTick", self.tick)
        self.print_year = year_spin(None, "receiptPrintYear")
        self.print_button = self._button("打印签收簿…", "receiptPrint", self.print_book)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.tick_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.print_year)
        buttons.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.dialog: QDialog | None = None
        self.apply_rights()

    def _button(self, text: str, name: str, slot) -> QPushButton:  # noqa: ANN001
        button = QPushButton(self.tr(text), objectName=name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def apply_rights(self) -> None:
        with self._context.session() as session:
            actor = self._context.actor(session)
            may_create = rights.may(session, actor, "archives", "create")
            keeper = archive_receipts.is_keeper(session, actor)
        self.new_button.setVisible(may_create)
        self.tick_button.setVisible(keeper)
        self.table.setToolTip("" if keeper else self.tr("清点由档案室办理。"))
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self._selected() is not None
        self.tick_button.setEnabled(chosen)
        self.tick_button.setToolTip("" if chosen else self.tr("请先在列表中选中一次签收。"))

    def reload(self) -> None:
        found = run_service(self, self._context, lambda s, a: archive_receipts.receipts(s, a))
        if found is FAILED:
            return
        self.rows = list(reversed(found))
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            values = (
                row.number, row.received_on, row.month, row.department, row.handed_by,
                row.received_by, len(row.items), row.missing_text, row.state,
            )  # fmt: skip
            for column, value in enumerate(values):
                self.table.setItem(r, column, _item(value))
        fit_columns(self.table, (8, 7, 5, 7, 5, 5, 3, 12, 4))
        self._update_buttons()

    def state_of(self, number: str) -> str | None:
        return next((row.state for row in self.rows if row.number == number), None)

    def _selected(self) -> archive_receipts.ReceiptRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def new_receipt(self) -> ReceiptDialog:
        dialog = ReceiptDialog(self._context, self)
        dialog.accepted.connect(self.reload)
        self.dialog = dialog
        dialog.open()
        return dialog

    def tick(self) -> TickDialog | None:
        row = self._selected()
        if row is None or not self.tick_button.isVisibleTo(self):
            return None
        dialog = TickDialog(self._context, row, self)
        dialog.accepted.connect(self.reload)
        self.dialog = dialog
        dialog.open()
        return dialog

    def print_book(self) -> None:
        from desktop_crm import documents

        from ..pdf_preview import preview_form

        year = self.print_year.value()
        preview_form(
            self, self._context,
            lambda s, a: documents.archive_receipt_book(s, a, year, True),
            lambda s, a: documents.archive_receipt_book(s, a, year, False),
            self.tr("档案签收簿 %d") % year, f"档案签收簿{year}",
        )  # fmt: skip
