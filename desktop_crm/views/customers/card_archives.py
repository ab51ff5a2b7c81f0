"""档案 tab of the 客户资料管理卡: the customer's archive volumes (DOMAIN §5: the card gains its
archive files), 打开 one, and 归档… — a 客户档案 案卷 filled from the card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QLineEdit, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import archive_customers, rights
from desktop_crm.views.context import AppContext
from desktop_crm.views.customers.card_widgets import (
    help_note,
    list_table,
    plain_button,
    read_only_item,
)
from desktop_crm.views.service_call import FAILED, run_service

HEADERS = ("档号", "题名", "年度", "保管期限", "密级", "状态", "存放位置")


@dataclass(frozen=True)
class VolumeLine:
    id: int
    cells: tuple[str, ...]


def read_lines(session: Session, actor: User, customer_id: int) -> list[VolumeLine]:
    from desktop_crm.services import archive_settings

    periods = {p.code: p.name for p in archive_settings.periods(session, active_only=False)}
    return [
        VolumeLine(
            v.id,
            (
                v.number,
                v.title,
                str(v.year),
                periods.get(v.period_code, v.period_code),
                v.secrecy,
                v.state,
                v.location.label if v.location else "",
            ),
        )
        for v in archive_customers.customer_volumes(session, actor, customer_id)
    ]


class ArchivesTab(QWidget):
    """The customer's volumes; `set_customer(id)` (re)reads them. sig_changed: a volume
    was filed from here."""

    sig_changed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._customer_id: int | None = None
        self.lines: list[VolumeLine] = []
        self.may_view = False
        self.may_file = False
        self.table = list_table(self, "customerArchives", [self.tr(h) for h in HEADERS])
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda index: self.open_volume(index.row()))
        self.open_button = plain_button(self, self.tr("打开"), "customerArchiveOpen")
        self.open_button.clicked.connect(lambda: self.open_volume(self.table.currentRow()))
        self.file_button = plain_button(self, self.tr("归档…"), "customerArchiveFile")
        self.file_button.setToolTip(self.tr("把这份客户资料（资料卡和附件）立为一个客户档案案卷"))
        self.file_button.clicked.connect(lambda: self.file_customer())
        self.empty_label = QLabel(self.tr("这个客户还没有归档的案卷。"), self)
        self.empty_label.setObjectName("customerArchivesEmpty")
        self.empty_label.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.file_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(
            help_note(
                self,
                self.tr("归档：以客户资料管理卡和附件为卷内文件，建立客户档案案卷（每年一卷）。"),
            )
        )
        self.dialogs: list[QWidget] = []

    def apply_rights(self) -> None:
        def read(session: Session, actor: User) -> tuple[bool, bool]:
            return (
                rights.may(session, actor, "archives", "view"),
                rights.may(session, actor, "archives", "create"),
            )

        found = run_service(self, self._context, read)
        self.may_view, self.may_file = found if found is not FAILED else (False, False)
        self.file_button.setVisible(self.may_file and self._customer_id is not None)

    def set_customer(self, customer_id: int | None) -> bool:
        self._customer_id = customer_id
        self.apply_rights()
        if customer_id is None or not self.may_view:
            self._show([])
            return True
        lines = run_service(self, self._context, lambda s, a: read_lines(s, a, customer_id))
        if lines is FAILED:
            self._show([])
            return False
        self._show(lines)
        return True

    def refresh(self) -> bool:
        return self.set_customer(self._customer_id)

    def _show(self, lines: list[VolumeLine]) -> None:
        self.lines = lines
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            for column, text in enumerate(line.cells):
                self.table.setItem(row, column, read_only_item(text, line.id))
        self.table.resizeColumnsToContents()
        self.empty_label.setVisible(not lines and self._customer_id is not None)
        self.open_button.setEnabled(bool(lines))

    def open_volume(self, row: int) -> QWidget | None:
        if not 0 <= row < len(self.lines):
            return None
        from desktop_crm.views.archives.archive_dialog import ArchiveDialog

        dialog = ArchiveDialog(self._context, self.lines[row].id, self)
        if dialog.failed:
            dialog.deleteLater()
            return None
        dialog.sig_saved.connect(self.refresh)
        dialog.finished.connect(lambda _r, d=dialog: self._forget(d))
        self.dialogs.append(dialog)
        dialog.show()
        return dialog

    def _forget(self, dialog: QWidget) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)
        dialog.deleteLater()

    def file_customer(self, year: int | None = None) -> str | None:
        """归档…: the year asked (this year by default), then the 客户档案 案卷 filed; its 档号."""
        customer_id = self._customer_id
        if customer_id is None:
            return None
        if year is None:
            from desktop_crm.views.archives.small_form import SmallForm

            form = SmallForm(self.tr("客户资料归档"), "customerArchiveForm", self)
            year_edit = form.add(
                "year",
                self.tr("归档年度"),
                QLineEdit(str(date.today().year), objectName="customerArchiveYear"),
            )
            form.finish(320)

            def checks() -> list[tuple[str, str]]:
                text = year_edit.text().strip()
                return [] if text.isdigit() else [("year", self.tr("年度：请填四位数字的年份。"))]

            number = form.run(
                self._context,
                lambda s, a: (
                    archive_customers.file_customer(
                        s, a, customer_id, int(year_edit.text().strip())
                    ).number
                ),
                checks,
            )
            form.deleteLater()
        else:
            found = run_service(
                self,
                self._context,
                lambda s, a: archive_customers.file_customer(s, a, customer_id, year).number,
            )
            number = None if found is FAILED else found
        if number is None:
            return None
        self.refresh()
        self.sig_changed.emit(self.tr("已归档，档号 ") + number)
        return number
