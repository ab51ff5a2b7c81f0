"""档案 tab of the complaint dialog: the volumes linked to the complaint (DOMAIN §5: a volume
is linked to its customer and complaint), 打开 one, and 归档… — the closed complaint's papers
as one 客户档案 案卷 (services.archive_complaints). The customer card's 档案 tab, shown for
one complaint."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from desktop_crm.models import ArchiveVolume, User
from desktop_crm.services import archive_complaints, complaints

from ..context import AppContext
from ..customers.card_archives import TabWords, VolumesTab

COMPLAINT_WORDS = TabWords(
    prefix="complaint",
    file_tip="把这条投诉的处理记录、处理报告表、回访记录和附件立为一个案卷",
    empty="这条投诉还没有归档的案卷。",
    help="归档：结案后，以投诉处理记录、顾客投诉处理报告表、回访记录和会议纪要、改进措施为"
    "卷内文件，建立一个客户档案案卷（每条投诉一卷）。",
    form_title="投诉归档",
)


class ComplaintArchivesTab(VolumesTab):
    """The complaint's volumes (`load(complaint_id, state, closed_on)`); 归档… only once the
    complaint is 已结案."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, COMPLAINT_WORDS, parent)
        self.setObjectName("complaintArchivesTab")
        self._state: str | None = None
        self._closed_on: date | None = None

    def load(self, complaint_id: int | None, state: str, closed_on: date | None) -> bool:
        self._state = state
        self._closed_on = closed_on
        return self.set_owner(complaint_id)

    def _suggested_year(self) -> int:
        """The year the complaint was closed (a matter is filed in the year it ended)."""
        return (self._closed_on or date.today()).year

    def _why_not_file(self) -> str | None:
        if self._state != complaints.CLOSED:
            return self.tr("结案后才能归档（现在是「{state}」）。").replace(
                "{state}", self._state or ""
            )
        return None

    def _volumes(self, session: Session, actor: User, owner_id: int) -> list[ArchiveVolume]:
        return archive_complaints.complaint_volumes(session, actor, owner_id)

    def _file(self, session: Session, actor: User, owner_id: int, year: int) -> ArchiveVolume:
        return archive_complaints.file_complaint(session, actor, owner_id, year)
