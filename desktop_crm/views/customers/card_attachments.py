"""附件 tab of the 客户资料管理卡: scans and documents kept in the store with the customer."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import Attachment, User
from desktop_crm.services import customers
from desktop_crm.views import messages
from desktop_crm.views.context import AppContext
from desktop_crm.views.customers.card_widgets import (
    datetime_text,
    help_note,
    list_table,
    plain_button,
    read_only_item,
    tr_data,
)
from desktop_crm.views.service_call import FAILED, run_service

ATTACHMENT_KINDS = (
    "营业执照",
    "身份证",
    "组织机构代码证",
    "税务登记证",
    "合同",
    "往来文件",
    "其他",
)

AttachmentRow = tuple[int, str, str, int, datetime, str]


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1048576:.1f} MB"


class AttachmentsTab(QWidget):
    """Adding or removing a file is saved at once, apart from the card; `sig_changed(status)`
    says so (the status text may be empty).

    The four `_*_file(s)` methods are the service calls; a subclass shows another record's
    files (a complaint's) by overriding them, with its own `kinds`."""

    sig_changed = Signal(str)

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        kinds: Sequence[str] = ATTACHMENT_KINDS,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._customer_id: int | None = None  # the record whose files are shown
        self.table = list_table(
            self,
            "attachmentTable",
            [self.tr("类别"), self.tr("文件名"), self.tr("大小"), self.tr("添加时间"),
             self.tr("添加人")],
        )  # fmt: skip
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._open_attachment)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("attachmentKind")
        for kind in kinds:
            self.kind_combo.addItem(tr_data(kind), kind)
        self.add_button = plain_button(self, self.tr("添加…"), "attachmentAdd")
        self.add_button.clicked.connect(self._add_attachment)
        self.open_button = plain_button(self, self.tr("打开"), "attachmentOpen")
        self.open_button.clicked.connect(self._open_attachment)
        self.remove_button = plain_button(self, self.tr("删除"), "attachmentRemove")
        self.remove_button.clicked.connect(self._remove_attachment)
        buttons = self.buttons_row = QHBoxLayout()
        buttons.addWidget(QLabel(self.tr("类别"), self))
        buttons.addWidget(self.kind_combo)
        buttons.addWidget(self.add_button)
        buttons.addSpacing(20)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        note = help_note(
            self, self.tr("附件保存在数据库中，随数据库一起备份；单个文件最大 50 MB。")
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(note)

    # ------------------------------------------------------------------ the service calls

    def _list_files(self, session: Session, actor: User, owner_id: int) -> list[Attachment]:
        return customers.attachments(session, actor, owner_id)

    def _add_file(self, session: Session, actor: User, owner_id: int, path: str, kind: str) -> None:
        customers.add_attachment(session, actor, owner_id, path, kind)

    def _read_file(
        self, session: Session, actor: User, attachment_id: int
    ) -> tuple[Attachment, bytes]:
        return customers.attachment_data(session, actor, attachment_id)

    def _remove_file(self, session: Session, actor: User, attachment_id: int) -> None:
        customers.remove_attachment(session, actor, attachment_id)

    # ------------------------------------------------------------------ the tab

    def load(self, customer_id: int | None) -> bool:
        """Show the customer's files; False (after saying why) when they cannot be read."""
        self._customer_id = customer_id
        if customer_id is None:
            self.table.setRowCount(0)
            return True

        def read(session: Session, actor: User) -> list[AttachmentRow]:
            return [
                (a.id, a.kind, a.filename, a.size, a.added_at,
                 a.added_by.name if a.added_by else "")
                for a in self._list_files(session, actor, customer_id)
            ]  # fmt: skip

        rows = run_service(self, self._context, read)
        if rows is FAILED:
            return False
        self.table.setRowCount(len(rows))
        for row, (file_id, kind, filename, size, added_at, added_by) in enumerate(rows):
            cells = (kind, filename, size_text(size), datetime_text(added_at), added_by)
            for column, text in enumerate(cells):
                self.table.setItem(
                    row, column, read_only_item(text, file_id, align_right=column == 2)
                )
        self._update_buttons()
        return True

    def _selected_attachment(self) -> tuple[int, str] | None:
        row = self.table.currentRow()
        if row < 0 or not self.table.selectedItems():
            return None
        item = self.table.item(row, 1)
        return item.data(Qt.ItemDataRole.UserRole), item.text()

    def _update_buttons(self) -> None:
        has = self._selected_attachment() is not None
        self.open_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    def _add_attachment(self) -> None:
        customer_id = self._customer_id
        if customer_id is None:
            return
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("添加附件"),
            "",
            self.tr(
                "扫描件和文档 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.doc *.docx *.xls *.xlsx);;所有文件 (*)"
            ),
        )
        if not path:
            return
        kind = self.kind_combo.currentData()

        def add(session: Session, actor: User) -> None:
            self._add_file(session, actor, customer_id, path, kind)

        if run_service(self, self._context, add, refusal_title=self.tr("无法添加附件")) is FAILED:
            return
        self.sig_changed.emit(self.tr("附件已添加：{name}").format(name=Path(path).name))

    def _open_attachment(self) -> None:
        selected = self._selected_attachment()
        if selected is None:
            return
        attachment_id = selected[0]

        def read(session: Session, actor: User) -> tuple[str, bytes]:
            item, data = self._read_file(session, actor, attachment_id)
            return item.filename, data

        loaded = run_service(self, self._context, read, refusal_title=self.tr("无法打开附件"))
        if loaded is FAILED:
            return
        filename, data = loaded
        try:
            # The viewer reads the file after we return: it stays in the temp folder.
            folder = Path(tempfile.gettempdir()) / "desktop-crm-attachments" / str(attachment_id)
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / filename
            target.write_bytes(data)
        except OSError as error:
            QMessageBox.warning(
                self,
                self.tr("无法打开附件"),
                self.tr("无法写入临时文件：{reason}").format(reason=error.strerror or error),
            )
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
            QMessageBox.information(
                self,
                self.tr("无法打开附件"),
                self.tr("没有找到能打开这个文件的程序。文件已存放在：\n{path}").format(path=target),
            )

    def _remove_attachment(self) -> None:
        selected = self._selected_attachment()
        if selected is None:
            return
        attachment_id, name = selected
        if not messages.confirm(
            self,
            self.tr("删除附件"),
            self.tr("确定删除附件“{name}”吗？删除会记入变更记录。").format(name=name),
        ):
            return

        def remove(session: Session, actor: User) -> None:
            self._remove_file(session, actor, attachment_id)

        if (
            run_service(self, self._context, remove, refusal_title=self.tr("无法删除附件"))
            is FAILED
        ):
            return
        self.sig_changed.emit("")
