"""档案 tab of the 客户资料管理卡: the customer's archive volumes (DOMAIN §5: the card gains its
archive files), 打开 one, and 归档… — a 客户档案 案卷 filled from the card.

`VolumesTab` is the tab without its record: the complaint dialog shows the same list for a
complaint (views.complaints.complaint_archives) with its own service calls and words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QLineEdit, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from desktop_crm.models import ArchiveVolume, User
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


def volume_lines(session: Session, volumes: Sequence[ArchiveVolume]) -> list[VolumeLine]:
    """The table's lines of these volumes (plain values)."""
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
        for v in volumes
    ]


@dataclass(frozen=True)
class TabWords:
    """What differs between the tabs of two records: object names start with `prefix`
    (customerArchives, customerArchiveOpen, …); the rest is what the user reads (passed
    through tr() where shown)."""

    prefix: str
    file_tip: str
    empty: str
    help: str
    form_title: str


CUSTOMER_WORDS = TabWords(
    prefix="customer",
    file_tip="把这份客户资料（资料卡和附件）立为一个客户档案案卷",
    empty="这个客户还没有归档的案卷。",
    help="归档：以客户资料管理卡和附件为卷内文件，建立客户档案案卷（每年一卷）。",
    form_title="客户资料归档",
)


class VolumesTab(QWidget):
    """The volumes linked to one record; `set_owner(id)` (re)reads them. A subclass gives
    the two service calls (`_volumes`, `_file`) and may hold 归档 back (`_why_not_file`).
    sig_changed: a volume was filed from here."""

    sig_changed = Signal(str)

    def __init__(self, context: AppContext, words: TabWords, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._words = words
        self._owner_id: int | None = None
        self.lines: list[VolumeLine] = []
        self.may_view = False
        self.may_file = False
        name = words.prefix
        self.table = list_table(self, f"{name}Archives", [self.tr(h) for h in HEADERS])
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda index: self.open_volume(index.row()))
        self.open_button = plain_button(self, self.tr("打开"), f"{name}ArchiveOpen")
        self.open_button.clicked.connect(lambda: self.open_volume(self.table.currentRow()))
        self.file_button = plain_button(self, self.tr("归档…"), f"{name}ArchiveFile")
        self.file_button.setToolTip(self.tr(words.file_tip))
        self.file_button.clicked.connect(lambda: self.file_owner())
        self.empty_label = QLabel(self.tr(words.empty), self)
        self.empty_label.setObjectName(f"{name}ArchivesEmpty")
        self.empty_label.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.file_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(help_note(self, self.tr(words.help)))
        self.dialogs: list[QWidget] = []

    # ------------------------------------------------------------------ the record's calls

    def _volumes(self, session: Session, actor: User, owner_id: int) -> list[ArchiveVolume]:
        raise NotImplementedError

    def _file(self, session: Session, actor: User, owner_id: int, year: int) -> ArchiveVolume:
        raise NotImplementedError

    def _suggested_year(self) -> int:
        """The 归档年度 the form starts with."""
        return date.today().year

    def _why_not_file(self) -> str | None:
        """Why 归档 is not possible for this record now (the button is then disabled)."""
        return None

    # ------------------------------------------------------------------ showing

    def apply_rights(self) -> None:
        def read(session: Session, actor: User) -> tuple[bool, bool]:
            return (
                rights.may(session, actor, "archives", "view"),
                rights.may(session, actor, "archives", "create"),
            )

        found = run_service(self, self._context, read)
        self.may_view, self.may_file = found if found is not FAILED else (False, False)
        self.file_button.setVisible(self.may_file and self._owner_id is not None)
        why = self._why_not_file()
        self.file_button.setEnabled(why is None)
        self.file_button.setToolTip(why or self.tr(self._words.file_tip))

    def set_owner(self, owner_id: int | None) -> bool:
        self._owner_id = owner_id
        self.apply_rights()
        if owner_id is None or not self.may_view:
            self._show([])
            return True
        lines = run_service(
            self,
            self._context,
            lambda s, a: volume_lines(s, self._volumes(s, a, owner_id)),
        )
        if lines is FAILED:
            self._show([])
            return False
        self._show(lines)
        return True

    def refresh(self) -> bool:
        return self.set_owner(self._owner_id)

    def _show(self, lines: list[VolumeLine]) -> None:
        self.lines = lines
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            for column, text in enumerate(line.cells):
                self.table.setItem(row, column, read_only_item(text, line.id))
        self.table.resizeColumnsToContents()
        self.empty_label.setVisible(not lines and self._owner_id is not None)
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

    def file_owner(self, year: int | None = None) -> str | None:
        """归档…: the year asked (the suggested one filled in), then the volume filed; its 档号."""
        owner_id = self._owner_id
        if owner_id is None:
            return None
        if year is None:
            from desktop_crm.views.archives.small_form import SmallForm

            name = self._words.prefix
            form = SmallForm(self.tr(self._words.form_title), f"{name}ArchiveForm", self)
            year_edit = form.add(
                "year",
                self.tr("归档年度"),
                QLineEdit(str(self._suggested_year()), objectName=f"{name}ArchiveYear"),
            )
            form.finish(320)

            def checks() -> list[tuple[str, str]]:
                text = year_edit.text().strip()
                return [] if text.isdigit() else [("year", self.tr("年度：请填四位数字的年份。"))]

            number = form.run(
                self._context,
                lambda s, a: self._file(s, a, owner_id, int(year_edit.text().strip())).number,
                checks,
            )
            form.deleteLater()
        else:
            found = run_service(
                self, self._context, lambda s, a: self._file(s, a, owner_id, year).number
            )
            number = None if found is FAILED else found
        if number is None:
            return None
        self.refresh()
        self.sig_changed.emit(self.tr("已归档，档号 ") + number)
        return number


class ArchivesTab(VolumesTab):
    """The customer's volumes; `set_customer(id)` (re)reads them."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, CUSTOMER_WORDS, parent)

    @property
    def _customer_id(self) -> int | None:
        return self._owner_id

    def _volumes(self, session: Session, actor: User, owner_id: int) -> list[ArchiveVolume]:
        return archive_customers.customer_volumes(session, actor, owner_id)

    def _file(self, session: Session, actor: User, owner_id: int, year: int) -> ArchiveVolume:
        return archive_customers.file_customer(session, actor, owner_id, year)

    def set_customer(self, customer_id: int | None) -> bool:
        return self.set_owner(customer_id)

    def file_customer(self, year: int | None = None) -> str | None:
        return self.file_owner(year)
