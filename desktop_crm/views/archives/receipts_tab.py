"""签收: the departments' hand-overs to the archive room, with their state; 新建签收… registers
one (volumes by 档号 or loose documents typed in a grid), 清点… ticks each item received or
missing (issue 6, Receipts)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services import archive_receipts, archives, staff

from ..context import AppContext
from ..service_call import FAILED, run_service

HEADERS = ("编号", "日期", "月份", "移交部门", "移交人", "接收人", "件数", "缺失", "状态")
ITEM_HEADERS = ("档号/文号", "题名", "页数")


def _item(text: object) -> QTableWidgetItem:
    cell = QTableWidgetItem("" if text is None else str(text))
    cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return cell


def _problems(label: QLabel):  # noqa: ANN202
    def show(error) -> None:  # noqa: ANN001
        label.setText("\n".join(error.by_field.values()) if error.by_field else error.message)

    return show


class ReceiptDialog(QDialog):
    """新建签收: department, month, who handed over, and the items."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="receiptDialog")
        self.setWindowTitle(self.tr("新建签收"))
        self._context = context
        self.saved_id: int | None = None
        self.department = QComboBox(objectName="receiptDepartment")
        with context.session() as session:
            for department in staff.departments(session):
                self.department.addItem(department.name, department.id)
        self.month = QLineEdit(
            archive_receipts.previous_month(date.today()), objectName="receiptMonth"
        )
        self.received_on = QDateEdit(QDate.currentDate(), objectName="receiptDate")
        self.received_on.setCalendarPopup(True)
        self.handed_by = QLineEdit(objectName="receiptHandedBy")
        self.note = QLineEdit(objectName="receiptNote")
        self.items = QTableWidget(8, len(ITEM_HEADERS), objectName="receiptItems")
        self.items.setHorizontalHeaderLabels([self.tr(h) for h in ITEM_HEADERS])
        self.items.horizontalHeader().setStretchLastSection(False)
        self.items.setColumnWidth(0, 220)
        self.items.setColumnWidth(1, 260)
        self.problems = QLabel(objectName="receiptProblems")
        self.problems.setStyleSheet("color: #c0392b")
        self.problems.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("移交部门"), self.department)
        form.addRow(self.tr("所属月份"), self.month)
        form.addRow(self.tr("签收日期"), self.received_on)
        form.addRow(self.tr("移交人"), self.handed_by)
        form.addRow(self.tr("备注"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("移交的案卷（填档号）或文件（填文号、题名、页数）：")))
        layout.addWidget(self.items, 1)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.resize(640, 520)

    def set_item(self, row: int, number: str, title: str = "", pages: object = "") -> None:
        for column, text in enumerate((number, title, pages)):
            self.items.setItem(row, column, QTableWidgetItem(str(text)))

    def _text(self, row: int, column: int) -> str:
        cell = self.items.item(row, column)
        return cell.text().strip() if cell else ""

    def save(self) -> None:
        values = {
            "department_id": self.department.currentData(),
            "month": self.month.text().strip(),
            "received_on": self.received_on.date().toPython(),
            "handed_by": self.handed_by.text().strip() or None,
            "note": self.note.text().strip() or None,
        }
        lines = [
            (self._text(r, 0), self._text(r, 1), self._text(r, 2))
            for r in range(self.items.rowCount())
        ]
        lines = [line for line in lines if any(line)]

        def work(session, actor):  # noqa: ANN001, ANN202
            items = []
            for number, title, pages in lines:
                volume = None
                if number and not title:
                    volume = archives.get_by_number(session, actor, number)
                if volume is not None:
                    items.append({"volume_id": volume.id})
                else:
                    items.append(
                        {"doc_number": number or None, "title": title, "pages": pages or None}
                    )
            return archive_receipts.create_receipt(session, actor, values, items).id

        found = run_service(self, self._context, work, _problems(self.problems))
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
        self.table.setColumnWidth(1, 360)
        self.problems = QLabel(objectName="receiptTickProblems")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("勾选已收到的；未勾选的记为缺失。")))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems)
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

        if run_service(self, self._context, work, _problems(self.problems)) is not FAILED:
            self.accept()


class ReceiptsTab(QWidget):
    """The hand-overs, newest first."""

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
        self.new_button = self._button("新建签收…", "receiptNew", self.new_receipt)
        self.tick_button = self._button("清点…", "receiptTick", self.tick)
        self.print_button = self._button("打印签收簿…", "receiptPrint", self.print_book)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.tick_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.dialog: QDialog | None = None

    def _button(self, text: str, name: str, slot) -> QPushButton:  # noqa: ANN001
        button = QPushButton(self.tr(text), objectName=name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

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
        self.table.resizeColumnsToContents()

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
        if row is None:
            return None
        dialog = TickDialog(self._context, row, self)
        dialog.accepted.connect(self.reload)
        self.dialog = dialog
        dialog.open()
        return dialog

    def print_book(self) -> None:
        from desktop_crm import documents

        from ..pdf_preview import preview_form

        year = date.today().year
        preview_form(
            self, self._context,
            lambda s, a: documents.archive_receipt_book(s, a, year, True),
            lambda s, a: documents.archive_receipt_book(s, a, year, False),
            self.tr("档案签收簿"), f"档案签收簿{year}",
        )  # fmt: skip
