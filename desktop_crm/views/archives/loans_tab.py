"""借阅: loan requests and their state (overdue marked with a sign, not colour alone), with
借阅申请… for the three borrower kinds, 借出 (both sides count the pages), 续借… and 归还…
(完好 / 缺损 with a note). The approval steps are shown; they are given on the 审批 page
(issue 6, Loans)."""

from __future__ import annotations

import time
from datetime import date, timedelta

from PySide6.QtCore import Qt, QTimer
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
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services import archive_loans, archive_receipts, archives, rights, staff
from desktop_crm.services.errors import FieldProblem, NotFound, ValidationError
from desktop_crm.views.widgets import date_edit

from ..context import AppContext
from ..service_call import FAILED, run_service
from ..widgets import year_spin
from .receipts_tab import FieldProblems, VolumePicker, _item, fit_columns

HEADERS = ("编号", "日期", "借阅人", "单位", "档号", "方式", "应还日期", "状态", "审批")
OVERDUE_SIGN = "⚠ 逾期"


def _buttons(dialog: QDialog, save) -> QDialogButtonBox:  # noqa: ANN001
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.button(QDialogButtonBox.StandardButton.Ok).setText(dialog.tr("确定"))
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(dialog.tr("取消"))
    box.accepted.connect(save)
    box.rejected.connect(dialog.reject)
    return box


class LoanDialog(QDialog):
    """借阅申请: who borrows (staff, another unit of the group, an outside person), why, how,
    until when, which files (档号, one a line or separated by 、)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="loanDialog")
        self.setWindowTitle(self.tr("借阅申请"))
        self._context = context
        self.kind = QComboBox(objectName="loanBorrowerKind")
        self.kind.addItems(list(archive_loans.BORROWER_KINDS))
        self.borrower = QComboBox(objectName="loanBorrower")
        with context.session() as session:
            for user in staff.staff_list(session):
                self.borrower.addItem(user.name, user.id)
        self.name = QLineEdit(objectName="loanBorrowerName")
        self.unit = QLineEdit(objectName="loanBorrowerUnit")
        self.letter = QLineEdit(objectName="loanLetter")
        self.id_number = QLineEdit(objectName="loanIdNumber")
        self.purpose = QLineEdit(objectName="loanPurpose")
        self.use = QComboBox(objectName="loanUse")
        self.use.addItems(list(archive_loans.USES))
        self.use.setCurrentText(archive_loans.TAKE)
        self.due_on = date_edit(None, "loanDueOn", date.today() + timedelta(days=7))
        self.due_on.setCalendarPopup(True)
        self.numbers = QLineEdit(objectName="loanNumbers")
        self.numbers.setPlaceholderText(self.tr("查找选入，或填档号，多个用、分隔"))
        self.picker = VolumePicker(context, "loanVolume", self)
        self.picker.sig_picked.connect(self.add_volume)
        self.problems = FieldProblems(self, "loanDialog")
        add = self.problems.add_row
        form = QFormLayout()
        add(form, "borrower_kind", self.tr("借阅人类别"), self.kind)
        # the labels name the fields as their refusals do
        add(form, "borrower_id", self.tr("借阅人（本单位）"), self.borrower)
        add(form, "borrower_name", self.tr("借阅人（外单位）"), self.name)
        add(form, "borrower_unit", self.tr("单位"), self.unit)
        add(form, "letter", self.tr("介绍信/证明"), self.letter)
        add(form, "id_number", self.tr("证件号码"), self.id_number)
        add(form, "purpose", self.tr("借阅目的"), self.purpose)
        add(form, "use", self.tr("利用方式"), self.use)
        add(form, "due_on", self.tr("应还日期"), self.due_on, "requested_on")
        form.addRow(self.tr("查找案卷"), self.picker)
        add(form, "volume_ids", self.tr("档号"), self.numbers)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)  # spare height below the form, not inside the search row
        layout.addWidget(self.problems.general)
        layout.addWidget(_buttons(self, self.save))
        self.resize(560, 560)
        self.kind.currentTextChanged.connect(self._kind_changed)
        self._kind_changed(self.kind.currentText())
        self.saved_id: int | None = None

    def _kind_changed(self, kind: str) -> None:
        inside = kind == archive_loans.BORROWER_KINDS[0]
        self.borrower.setEnabled(inside)
        for edit in (self.name, self.unit, self.letter):
            edit.setEnabled(not inside)
        self.id_number.setEnabled(kind == archive_loans.BORROWER_KINDS[2])

    def add_volume(self, _volume_id: int, number: str, _title: str, _pages: int) -> None:
        """A picked volume's 档号 joins the list (once)."""
        if number not in self.volume_numbers():
            self.numbers.setText("、".join([*self.volume_numbers(), number]))

    def volume_numbers(self) -> list[str]:
        text = self.numbers.text().replace("，", "、").replace(",", "、")
        return [n.strip() for n in text.split("、") if n.strip()]

    def save(self) -> None:
        kind = self.kind.currentText()
        values: dict[str, object] = {
            "borrower_kind": kind,
            "purpose": self.purpose.text().strip(),
            "use": self.use.currentText(),
            "due_on": self.due_on.date().toPython(),
        }
        if kind == archive_loans.BORROWER_KINDS[0]:
            values["borrower_id"] = self.borrower.currentData()
        else:
            values.update(
                borrower_name=self.name.text().strip(), borrower_unit=self.unit.text().strip(),
                letter=self.letter.text().strip(), id_number=self.id_number.text().strip() or None,
            )  # fmt: skip
        numbers = self.volume_numbers()

        def work(session, actor):  # noqa: ANN001, ANN202
            ids, unknown = [], []
            for number in numbers:
                try:
                    ids.append(archives.get_by_number(session, actor, number).id)
                except NotFound as error:
                    unknown.append(FieldProblem("volume_ids", error.message))
            if unknown:
                raise ValidationError(unknown)
            return archive_loans.request_loan(session, actor, values, ids).id

        found = run_service(self, self._context, work, self.problems.show)
        if found is not FAILED:
            self.saved_id = found
            self.accept()


class VolumesDialog(QDialog):
    """借出 (pages counted by the archive and by the borrower) or 归还 (pages, 完好/缺损, note)."""

    def __init__(
        self, context: AppContext, row: archive_loans.LoanRow, returning: bool, parent: QWidget
    ) -> None:
        super().__init__(parent, objectName="loanReturnDialog" if returning else "loanLendDialog")
        self.setWindowTitle((self.tr("归还 %s") if returning else self.tr("借出 %s")) % row.number)
        self._context = context
        self._row = row
        self.returning = returning
        heads = (
            ("档号", "题名", "归还页数", "状况", "说明")
            if returning
            else ("档号", "题名", "档案室清点页数", "借阅人清点页数")
        )
        self.table = QTableWidget(len(row.volumes), len(heads), objectName="loanVolumeTable")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in heads])
        for r, volume in enumerate(row.volumes):
            self.table.setItem(r, 0, _item(volume.number))
            self.table.setItem(r, 1, _item(volume.title))
            for column in (2,) if returning else (2, 3):
                spin = QSpinBox(maximum=99999)
                spin.setValue(volume.pages_out or volume.pages or 0)
                self.table.setCellWidget(r, column, spin)
            if returning:
                condition = QComboBox()
                condition.addItems(list(archive_loans.CONDITIONS))
                self.table.setCellWidget(r, 3, condition)
                self.table.setItem(r, 4, QTableWidgetItem(""))
        # 档号, 题名, then the counts (and 状况); the 说明 of a damaged file gets the room
        fit_columns(self.table, (16, 12, 7, 7, 16) if returning else (16, 12, 8, 8))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(4 if returning else 1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(self.table.fontMetrics().height() * 6)
        done = (
            self.tr("归还时请清点页数；缺损的写明情况。")
            if returning
            else self.tr("借出时档案室和借阅人各自清点页数，两数应相同。")
        )
        self.summary = QLabel(
            self.tr("借阅人：%s　方式：%s　应还日期：%s\n%s")
            % (row.borrower + (f"（{row.unit}）" if row.unit else ""), row.use, row.due_on, done),
            objectName="loanVolumesSummary",
        )
        self.summary.setWordWrap(True)
        self.problems = FieldProblems(self, "loanVolumes")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems.under("volume", self.table))
        layout.addWidget(self.problems.under("due_on", self.table))
        layout.addWidget(self.problems.general)
        layout.addWidget(_buttons(self, self.save))
        self.resize(720, 300)

    def set_return(self, row: int, pages: int, condition: str, note: str = "") -> None:
        self.table.cellWidget(row, 2).setValue(pages)
        self.table.cellWidget(row, 3).setCurrentText(condition)
        self.table.item(row, 4).setText(note)

    def save(self) -> None:
        loan_id, version = self._row.id, self._row.version
        if self.returning:
            returns = {
                v.volume_id: {
                    "pages": self.table.cellWidget(r, 2).value(),
                    "condition": self.table.cellWidget(r, 3).currentText(),
                    "note": self.table.item(r, 4).text().strip(),
                }
                for r, v in enumerate(self._row.volumes)
            }

            def work(session, actor):  # noqa: ANN001, ANN202
                return archive_loans.return_loan(session, actor, loan_id, returns, version).id

        else:
            counts = {
                v.volume_id: (
                    self.table.cellWidget(r, 2).value(),
                    self.table.cellWidget(r, 3).value(),
                )
                for r, v in enumerate(self._row.volumes)
            }

            def work(session, actor):  # noqa: ANN001, ANN202
                return archive_loans.lend(session, actor, loan_id, counts, version).id

        if run_service(self, self._context, work, self.problems.show) is not FAILED:
            self.accept()


class ExtendDialog(QDialog):
    def __init__(self, context: AppContext, row: archive_loans.LoanRow, parent: QWidget) -> None:
        super().__init__(parent, objectName="loanExtendDialog")
        self.setWindowTitle(self.tr("续借 %s") % row.number)
        self._context = context
        self._row = row
        # a week on from the due date, or from today when that has passed already
        start = max(row.due_on, date.today())
        self.due_on = date_edit(None, "loanNewDueOn", start + timedelta(days=7))
        self.due_on.setCalendarPopup(True)
        self.reason = QLineEdit(objectName="loanExtendReason")
        self.problems = FieldProblems(self, "loanExtend")
        form = QFormLayout(self)
        late = (date.today() - row.due_on).days
        form.addRow(
            self.tr("原应还日期"),
            QLabel(
                str(row.due_on) + (self.tr("（已逾期 %d 天）") % late if late > 0 else ""),
                objectName="loanOldDueOn",
            ),
        )
        self.problems.add_row(form, "due_on", self.tr("新的应还日期"), self.due_on)
        self.problems.add_row(form, "reason", self.tr("延期原因"), self.reason)
        form.addRow(self.problems.general)
        form.addRow(_buttons(self, self.save))
        self.resize(400, self.sizeHint().height())

    def save(self) -> None:
        loan_id, due, reason = self._row.id, self.due_on.date().toPython(), self.reason.text()
        work = lambda s, a: archive_loans.extend_loan(s, a, loan_id, due, reason).id  # noqa: E731
        if run_service(self, self._context, work, self.problems.show) is not FAILED:
            self.accept()


class LoansTab(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("archiveLoans")
        self._context = context
        self.rows: list[archive_loans.LoanRow] = []
        self.state = QComboBox(objectName="loanStateFilter")
        self.state.addItem(self.tr("全部状态"), None)
        for state in archive_loans.STATES:
            self.state.addItem(state, state)
        self.state.currentIndexChanged.connect(lambda _i: self.reload())
        self.table = QTableWidget(0, len(HEADERS), objectName="loanTable")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(self.tr("状态")))
        buttons.addWidget(self.state)
        self.buttons: dict[str, QPushButton] = {}
        for text, name, slot in (
            ("借阅申请…", "loanNew", self.new_loan), ("借出…", "loanLend", self.lend),
            ("续借…", "loanExtend", self.extend), ("归还…", "loanReturn", self.give_back),
            ("刷新", "loanRefresh", self.reload),
        ):  # fmt: skip
            button = QPushButton(self.tr(text), objectName=name)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[name] = button
        buttons.addStretch(1)
        self.print_year = year_spin(None, "loanPrintYear")
        buttons.addWidget(self.print_year)
        print_button = QPushButton(self.tr("打印借阅登记簿…"), objectName="loanPrint")
        print_button.setAutoDefault(False)
        print_button.clicked.connect(self.print_book)
        buttons.addWidget(print_button)
        slip_button = QPushButton(self.tr("打印借阅单…"), objectName="loanPrintSlip")
        slip_button.setAutoDefault(False)
        slip_button.setToolTip(self.tr("打印列表中选中的借阅的档案借阅单"))
        slip_button.clicked.connect(self.print_slip)
        buttons.addWidget(slip_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.dialog: QDialog | None = None
        self._loaded_at = -1.0
        self.apply_rights()
        self._update_buttons()

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        """Approvals are given elsewhere (the 审批 page, another PC): coming back to the
        list reads it again, unless the page has just done so."""
        super().showEvent(event)
        QTimer.singleShot(0, self, self._reload_if_stale)

    def _reload_if_stale(self) -> None:
        if self.isVisible() and time.monotonic() - self._loaded_at > 1.0:
            self.reload()

    def _update_buttons(self) -> None:
        """借出 only an approved request, 续借 an approved or lent one, 归还 a lent one;
        the tooltip says why a button is off."""
        row = self._selected()
        state = row.state if row else None
        why = {
            archive_loans.REQUESTED: self.tr("借阅申请尚未审批完：%s"),
            archive_loans.REFUSED: self.tr("借阅申请已被拒绝：%s"),
        }
        for name, allowed in (
            ("loanLend", (archive_loans.APPROVED,)),
            ("loanExtend", (archive_loans.APPROVED, archive_loans.LENT)),
            ("loanReturn", (archive_loans.LENT,)),
        ):
            button = self.buttons[name]
            button.setEnabled(state in allowed)
            if row is None:
                button.setToolTip(self.tr("请先在列表中选中一份借阅。"))
            elif state in allowed:
                button.setToolTip("")
            elif state in why:
                button.setToolTip(why[state] % row.approvals)
            else:
                button.setToolTip(self.tr("这份借阅%s。") % state)

    def apply_rights(self) -> None:
        """借阅申请 for whoever may register (archives·create); 借出, 续借, 归还 for the
        archive room only."""
        with self._context.session() as session:
            actor = self._context.actor(session)
            may_create = rights.may(session, actor, "archives", "create")
            keeper = archive_receipts.is_keeper(session, actor)
        self.buttons["loanNew"].setVisible(may_create)
        for name in ("loanLend", "loanExtend", "loanReturn"):
            self.buttons[name].setVisible(keeper)

    def _keeper(self) -> bool:
        return self.buttons["loanLend"].isVisibleTo(self)

    def reload(self) -> None:
        state = self.state.currentData()
        found = run_service(
            self, self._context, lambda s, a: archive_loans.loans(s, a, state=state)
        )
        if found is FAILED:
            return
        self._loaded_at = time.monotonic()
        chosen = self._selected()
        self.rows = list(reversed(found))
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            shown_state = f"{row.state} {OVERDUE_SIGN}" if row.overdue else row.state
            values = (
                row.number, row.requested_on, row.borrower, row.unit, row.numbers, row.use,
                row.due_on, shown_state, row.approvals,
            )  # fmt: skip
            for column, value in enumerate(values):
                cell = _item(value)
                if row.overdue and column == 7:
                    cell.setForeground(Qt.GlobalColor.red)
                self.table.setItem(r, column, cell)
        fit_columns(self.table, (8, 7, 5, 6, 16, 3, 7, 5))
        if chosen is not None:  # the same loan stays selected after a refresh
            self.select(chosen.number)
        self._update_buttons()

    def state_of(self, number: str) -> str | None:
        return next(
            (
                self.table.item(r, 7).text()
                for r, row in enumerate(self.rows)
                if row.number == number
            ),
            None,
        )

    def select(self, number: str) -> None:
        for r, row in enumerate(self.rows):
            if row.number == number:
                self.table.selectRow(r)

    def _selected(self) -> archive_loans.LoanRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.accepted.connect(self.reload)
        self.dialog = dialog
        dialog.open()
        return dialog

    def new_loan(self) -> QDialog:
        return self._open(LoanDialog(self._context, self))

    def lend(self) -> QDialog | None:
        row = self._selected() if self._keeper() else None
        return self._open(VolumesDialog(self._context, row, False, self)) if row else None

    def give_back(self) -> QDialog | None:
        row = self._selected() if self._keeper() else None
        return self._open(VolumesDialog(self._context, row, True, self)) if row else None

    def extend(self) -> QDialog | None:
        row = self._selected() if self._keeper() else None
        return self._open(ExtendDialog(self._context, row, self)) if row else None

    def print_book(self) -> None:
        from desktop_crm import documents

        from ..pdf_preview import preview_form

        year = self.print_year.value()
        preview_form(
            self, self._context,
            lambda s, a: documents.archive_loan_book(s, a, year, True),
            lambda s, a: documents.archive_loan_book(s, a, year, False),
            self.tr("借阅登记簿 %d") % year, f"借阅登记簿{year}",
        )  # fmt: skip

    def print_slip(self) -> QWidget | None:
        """档案借阅单 of the loan chosen in the list, in the preview (打印, 另存为 Excel)."""
        from desktop_crm import documents
        from desktop_crm.views import messages

        from ..pdf_preview import preview_form

        row = self._selected()
        if row is None:
            messages.show_refusal(
                self, NotFound(self.tr("请先在列表中选中一份借阅。")), self.tr("打印借阅单")
            )
            return None
        loan_id, number = row.id, row.number
        return preview_form(
            self, self._context,
            lambda s, a: documents.archive_loan_slip(s, a, loan_id, True),
            lambda s, a: documents.archive_loan_slip(s, a, loan_id, False),
            self.tr("档案借阅单 %s") % number, f"借阅单{number}",
        )  # fmt: skip
