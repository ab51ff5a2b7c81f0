"""附件 of a complaint: the 会议纪要 and 改进措施 of a quality accident's analysis meeting
(DOMAIN §2) and other papers. The customer card's attachments tab, shown for one complaint:
the same table and buttons, the complaint's service calls and kinds, and the meeting's date
for 会议纪要 (it leads the stored file name)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QLabel, QWidget
from sqlalchemy.orm import Session

from desktop_crm.models import Attachment, User
from desktop_crm.services import complaint_files

from ..context import AppContext
from ..customers.card_attachments import AttachmentsTab
from ..widgets import DATE_FORMAT


class ComplaintFilesTab(AttachmentsTab):
    """The files of one complaint (`load(complaint_id)`); saved at once like the card's."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent, kinds=complaint_files.FILE_KINDS)
        self.setObjectName("complaintFiles")
        self.meeting_label = QLabel(self.tr("会议日期"), self)
        self.meeting_edit = QDateEdit(self)
        self.meeting_edit.setObjectName("meetingDate")
        self.meeting_edit.setDisplayFormat(DATE_FORMAT)
        self.meeting_edit.setCalendarPopup(True)
        self.meeting_edit.setMaximumDate(QDate.currentDate())
        self.meeting_edit.setDate(QDate.currentDate())
        # 类别 [kind] 会议日期 [date] 添加… — the date sits before the button that uses it
        index = self.buttons_row.indexOf(self.add_button)
        self.buttons_row.insertWidget(index, self.meeting_label)
        self.buttons_row.insertWidget(index + 1, self.meeting_edit)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self._kind_changed()

    def _kind_changed(self) -> None:
        minutes = self.kind_combo.currentData() == complaint_files.MEETING_MINUTES
        self.meeting_label.setEnabled(minutes)
        self.meeting_edit.setEnabled(minutes)

    def meeting_day(self) -> date | None:
        """The meeting's date for 会议纪要; None for the other kinds."""
        if self.kind_combo.currentData() != complaint_files.MEETING_MINUTES:
            return None
        value = self.meeting_edit.date()
        return date(value.year(), value.month(), value.day())

    def set_editable(self, editable: bool) -> None:
        """Without the right to change the complaint only 打开 is offered."""
        for widget in (
            self.kind_combo,
            self.add_button,
            self.remove_button,
            self.meeting_label,
            self.meeting_edit,
        ):
            widget.setVisible(editable)

    # ------------------------------------------------------------------ the service calls

    def _list_files(self, session: Session, actor: User, owner_id: int) -> list[Attachment]:
        return complaint_files.attachments(session, actor, owner_id)

    def _add_file(self, session: Session, actor: User, owner_id: int, path: str, kind: str) -> None:
        complaint_files.add_attachment(session, actor, owner_id, path, kind, self.meeting_day())

    def _read_file(
        self, session: Session, actor: User, attachment_id: int
    ) -> tuple[Attachment, bytes]:
        return complaint_files.attachment_data(session, actor, attachment_id)

    def _remove_file(self, session: Session, actor: User, attachment_id: int) -> None:
        complaint_files.remove_attachment(session, actor, attachment_id)
