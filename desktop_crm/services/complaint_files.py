"""The files of a complaint (DOMAIN §2): the 会议纪要 and 改进措施 of a quality accident's
analysis meeting, and other papers. They are kept in the customer's attachment table (the
row names the complaint too, so the customer card lists them as well), read and changed
with the complaint's rights."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desktop_crm.models import Attachment, AttachmentBlob, User

from . import audit, complaints
from .errors import Conflict, FieldProblem, NotFound, ValidationError
from .field_parsing import ParseError, parse_date
from .stored_files import read_user_file

MEETING_MINUTES, MEASURES, OTHER_FILE = "会议纪要", "改进措施", "其他"
FILE_KINDS = (MEETING_MINUTES, MEASURES, OTHER_FILE)
# The meeting's date leads the stored file name: "2026-11-20 质量分析会纪要.docx".
_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2}) ")
MAX_FILE_NAME = 255


def meeting_date(item: Attachment) -> date | None:
    """The date the file's name starts with (the meeting's, for 会议纪要)."""
    found = _DATED_NAME.match(item.filename)
    if found is None:
        return None
    try:
        return date.fromisoformat(found.group(1))
    except ValueError:
        return None


def _dated_name(name: str, day: date | None) -> str:
    if day is not None and not name.startswith(f"{day:%Y-%m-%d} "):
        name = f"{day:%Y-%m-%d} {name}"
    if len(name) > MAX_FILE_NAME:
        suffix = Path(name).suffix[:20]
        name = name[: MAX_FILE_NAME - len(suffix)] + suffix
    return name


def _read_file(path: str | Path) -> tuple[str, bytes]:
    from .customers import MAX_ATTACHMENT_BYTES

    return read_user_file(path, MAX_ATTACHMENT_BYTES, "attachments")


def add_attachment(
    session: Session,
    actor: User,
    complaint_id: int,
    path: str | Path,
    kind: str,
    meeting_on: object = None,
) -> Attachment:
    """Copy a file into the store as one of the complaint's files (会议纪要 needs the date of
    the meeting, which leads the stored name); commits."""
    try:
        complaint = complaints.get_complaint(session, actor, complaint_id, "edit")
        problems: list[FieldProblem] = []
        if kind not in FILE_KINDS:
            problems.append(FieldProblem("kind", f"附件类别应为：{'、'.join(FILE_KINDS)}。"))
        day = None
        try:
            day = parse_date(meeting_on)
        except ParseError as error:
            problems.append(FieldProblem("meeting_on", f"会议日期：{error}"))
        if day is None and kind == MEETING_MINUTES and not problems:
            problems.append(FieldProblem("meeting_on", "会议纪要请填写会议日期。"))
        if day is not None and day > date.today():
            problems.append(FieldProblem("meeting_on", "会议日期不能晚于今天。"))
        if problems:
            raise ValidationError(problems)
        name, data = _read_file(path)
        item = Attachment(
            customer_id=complaint.customer_id,
            complaint_id=complaint.id,
            kind=kind,
            filename=_dated_name(name, day),
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            added_by_id=actor.id,
        )
        session.add(item)
        session.flush()
        session.add(AttachmentBlob(attachment_id=item.id, data=data))
        audit.record(
            session, actor, audit.EDIT, "complaint", complaint.id, complaints.complaint_label(complaint),
            field="附件", new=f"{item.kind}：{item.filename}",
        )  # fmt: skip
        session.commit()
        return item
    except Exception:
        session.rollback()
        raise


def attachments(session: Session, actor: User, complaint_id: int) -> list[Attachment]:
    """The complaint's files, oldest first (with who added them)."""
    complaints.get_complaint(session, actor, complaint_id)
    return list(
        session.scalars(
            select(Attachment)
            .options(selectinload(Attachment.added_by))
            .where(Attachment.complaint_id == complaint_id)
            .order_by(Attachment.added_at, Attachment.id)
        )
    )


def _file(session: Session, attachment_id: int) -> Attachment:
    item = session.get(Attachment, attachment_id)
    if item is None or item.complaint_id is None:
        raise NotFound("这个附件已不存在。")
    return item


def attachment_data(session: Session, actor: User, attachment_id: int) -> tuple[Attachment, bytes]:
    """One of a complaint's files and its bytes, checked against its checksum."""
    item = _file(session, attachment_id)
    assert item.complaint_id is not None
    complaints.get_complaint(session, actor, item.complaint_id)
    blob = session.get(AttachmentBlob, attachment_id)
    if blob is None:
        raise NotFound("这个附件已不存在。")
    if hashlib.sha256(blob.data).hexdigest() != item.sha256:
        raise Conflict(f"附件 {item.filename} 已损坏（校验不符），请从备份恢复。")
    return item, blob.data


def remove_attachment(session: Session, actor: User, attachment_id: int) -> None:
    """Delete one of a complaint's files (recorded in the complaint's audit trail)."""
    try:
        item = _file(session, attachment_id)
        assert item.complaint_id is not None
        complaint = complaints.get_complaint(session, actor, item.complaint_id, "edit")
        audit.record(
            session, actor, audit.EDIT, "complaint", complaint.id, complaints.complaint_label(complaint),
            field="附件", old=f"{item.kind}：{item.filename}",
        )  # fmt: skip
        session.delete(item)
        session.commit()
    except Exception:
        session.rollback()
        raise
