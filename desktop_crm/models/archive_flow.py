"""The archive's traffic (DOMAIN §5): hand-overs (档案签收簿), loans (借阅登记簿) with their
approval table and the people named for 绝密 files, appraisal batches (鉴定) and
destructions (销毁) with the 档案销毁清册, and notices for the heads (缺损 on return).

A volume is never deleted: a destruction marks it 已销毁 with the batch number, and the
清册 rows (`archive_destruction_entry`) are written when the destruction is requested and
kept for good (the store refuses UPDATE and DELETE on them: triggers made by migration 0011).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .approval import Approval
from .archive import ArchiveVolume
from .base import Base
from .common import local_now
from .user import Department


class ArchiveReceipt(Base):
    """档案签收簿: one hand-over from a department to the archive room.

    `month` is the month the documents belong to ("2026-10"): departments hand over what
    they finished in a month by the 10th of the next. `state` is 待清点 until each item is
    ticked, then 完整 or 不完整 (the missing ones are the items ticked not received)."""

    __tablename__ = "archive_receipt"
    __table_args__ = (
        Index("ix_archive_receipt_department_month", "department_id", "month"),
        Index("ix_archive_receipt_received_on", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)  # 签收编号 QS2026-0001
    received_on: Mapped[date] = mapped_column(Date)  # 日期
    month: Mapped[str] = mapped_column(String(7))  # 所属月份 YYYY-MM
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    handed_by: Mapped[str] = mapped_column(String(40))  # 移交人
    handed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    received_by: Mapped[str | None] = mapped_column(String(40))  # 接收人
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    state: Mapped[str] = mapped_column(String(4), default="待清点")
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    department: Mapped[Department] = relationship()
    items: Mapped[list[ArchiveReceiptItem]] = relationship(
        cascade="all, delete-orphan", order_by="ArchiveReceiptItem.seq", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}


class ArchiveReceiptItem(Base):
    """One thing handed over: a volume of the ledger, or a loose document (题名, 文号, 页数).
    `received` None: not ticked yet; True received; False missing."""

    __tablename__ = "archive_receipt_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(
        ForeignKey("archive_receipt.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    volume_id: Mapped[int | None] = mapped_column(ForeignKey("archive_volume.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    doc_number: Mapped[str | None] = mapped_column(String(60))
    pages: Mapped[int | None] = mapped_column(Integer)
    copies: Mapped[int | None] = mapped_column(Integer)
    received: Mapped[bool | None] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(200))

    volume: Mapped[ArchiveVolume | None] = relationship()


class ArchiveLoanRule(Base):
    """One line of the loan approval table (DOMAIN §5): when a request matches the line's
    conditions (None: any), it needs the line's step — `role`, of the department
    `department` names: a 机构代码 (YXB), "借阅人部门" (the borrowing staff member's), or
    None (anyone holding the role). Steps are taken in `position` order; a step two lines
    ask for is taken once."""

    __tablename__ = "archive_loan_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    borrower_kind: Mapped[str | None] = mapped_column(String(10))
    category_code: Mapped[str | None] = mapped_column(String(10))
    secrecy: Mapped[str | None] = mapped_column(String(4))
    use: Mapped[str | None] = mapped_column(String(4))  # 查阅 / 借出
    role: Mapped[str] = mapped_column(String(40))
    department: Mapped[str | None] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ArchiveSecretReader(Base):
    """A person the 总经理 or 副总经理 named to use 绝密 files (one volume, or all when
    `volume_id` is None): named in the program by the 总经理/副总经理 themselves, or recorded
    from their signed paper by the archive keeper (who, when, the scan)."""

    __tablename__ = "archive_secret_reader"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    id_number: Mapped[str | None] = mapped_column(String(30), index=True)
    unit: Mapped[str | None] = mapped_column(String(100))
    volume_id: Mapped[int | None] = mapped_column(ForeignKey("archive_volume.id"))
    valid_until: Mapped[date | None] = mapped_column(Date)
    named_by: Mapped[str] = mapped_column(String(40))  # the 总经理 / 副总经理 who named
    named_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    named_on: Mapped[date] = mapped_column(Date)
    paper_scan: Mapped[bytes | None] = mapped_column(LargeBinary)
    paper_scan_name: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(String(300))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)


class ArchiveLoan(Base):
    """借阅: a request to read files in the archive room (查阅) or take them out (借出),
    its approvals, the lending with both sides' page counts, extensions and the return."""

    __tablename__ = "archive_loan"
    __table_args__ = (
        Index("ix_archive_loan_state_due", "state", "due_on"),
        Index("ix_archive_loan_requested_on", "requested_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)  # 借阅单号 JY2026-0001
    borrower_kind: Mapped[str] = mapped_column(String(10))  # 本单位职工 / 集团其他单位 / 外部人员
    borrower_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    borrower_name: Mapped[str] = mapped_column(String(40))
    borrower_unit: Mapped[str | None] = mapped_column(String(100))  # 单位 / 部门
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    letter: Mapped[str | None] = mapped_column(String(100))  # 介绍信 / 证明
    id_number: Mapped[str | None] = mapped_column(String(30))  # 证件号码
    purpose: Mapped[str] = mapped_column(String(300))
    use: Mapped[str] = mapped_column(String(4))  # 查阅 / 借出
    requested_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(4), default="申请中")
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("approval.id"), index=True)
    lent_at: Mapped[datetime | None] = mapped_column(DateTime)
    lent_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    returned_at: Mapped[datetime | None] = mapped_column(DateTime)
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))  # 接收人
    condition: Mapped[str | None] = mapped_column(String(4))  # 完好 / 缺损
    return_note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    approval: Mapped[Approval | None] = relationship()
    department: Mapped[Department | None] = relationship()
    volumes: Mapped[list[ArchiveLoanVolume]] = relationship(
        cascade="all, delete-orphan", order_by="ArchiveLoanVolume.id", lazy="selectin"
    )
    extensions: Mapped[list[ArchiveLoanExtension]] = relationship(
        cascade="all, delete-orphan", order_by="ArchiveLoanExtension.id", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}


class ArchiveLoanVolume(Base):
    """One volume of a loan with the pages counted by the archive and by the borrower when
    it went out, and counted again when it came back, with its condition."""

    __tablename__ = "archive_loan_volume"

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(
        ForeignKey("archive_loan.id", ondelete="CASCADE"), index=True
    )
    volume_id: Mapped[int] = mapped_column(ForeignKey("archive_volume.id"), index=True)
    pages_out: Mapped[int | None] = mapped_column(Integer)  # counted by the archive
    pages_out_borrower: Mapped[int | None] = mapped_column(Integer)  # counted by the borrower
    pages_back: Mapped[int | None] = mapped_column(Integer)
    condition: Mapped[str | None] = mapped_column(String(4))  # 完好 / 缺损
    note: Mapped[str | None] = mapped_column(String(500))

    volume: Mapped[ArchiveVolume] = relationship()


class ArchiveLoanExtension(Base):
    """A loan's due date moved on: from, to, why, who, when."""

    __tablename__ = "archive_loan_extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(
        ForeignKey("archive_loan.id", ondelete="CASCADE"), index=True
    )
    old_due_on: Mapped[date] = mapped_column(Date)
    new_due_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=local_now)


class ArchiveNotice(Base):
    """A notice for a department's head (a volume came back 缺损): shown to holders of
    `role` in `department_id` until one of them marks it read."""

    __tablename__ = "archive_notice"
    __table_args__ = (Index("ix_archive_notice_open", "role", "department_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    kind: Mapped[str] = mapped_column(String(10))  # 缺损
    role: Mapped[str] = mapped_column(String(40))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    volume_id: Mapped[int | None] = mapped_column(ForeignKey("archive_volume.id"))
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("archive_loan.id"))
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    read_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class ArchiveAppraisal(Base):
    """鉴定: one appraisal batch (批次号 JD2026-01) with a decision per volume."""

    __tablename__ = "archive_appraisal"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_no: Mapped[str] = mapped_column(String(30), unique=True)
    appraised_on: Mapped[date] = mapped_column(Date)
    appraisers: Mapped[str | None] = mapped_column(String(200))  # 鉴定人
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)

    entries: Mapped[list[ArchiveAppraisalEntry]] = relationship(
        cascade="all, delete-orphan", order_by="ArchiveAppraisalEntry.id", lazy="selectin"
    )


class ArchiveAppraisalEntry(Base):
    """One volume's decision: 销毁, or 延长 to a new 保管期限 (old and new kept)."""

    __tablename__ = "archive_appraisal_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    appraisal_id: Mapped[int] = mapped_column(
        ForeignKey("archive_appraisal.id", ondelete="CASCADE"), index=True
    )
    volume_id: Mapped[int] = mapped_column(ForeignKey("archive_volume.id"), index=True)
    decision: Mapped[str] = mapped_column(String(4))  # 销毁 / 延长
    old_period_code: Mapped[str] = mapped_column(String(10))
    new_period_code: Mapped[str | None] = mapped_column(String(10))
    old_due_on: Mapped[date | None] = mapped_column(Date)
    new_due_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(300))

    volume: Mapped[ArchiveVolume] = relationship()


class ArchiveDestruction(Base):
    """销毁: a batch of volumes to destroy, reviewed by the department head(s) and approved
    by the 总经理 (one approval request), then destroyed before two different 监销人 on a
    date, at a place, by a method. State: 申请中 → 已批准 → 已销毁 (or 已拒绝 / 已撤回)."""

    __tablename__ = "archive_destruction"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_no: Mapped[str] = mapped_column(String(30), unique=True)  # 销毁批次号 XH2026-01
    appraisal_id: Mapped[int | None] = mapped_column(ForeignKey("archive_appraisal.id"))
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("approval.id"), index=True)
    state: Mapped[str] = mapped_column(String(4), default="申请中")
    reason: Mapped[str | None] = mapped_column(String(300))
    supervisor1_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    supervisor1: Mapped[str | None] = mapped_column(String(40))  # 监销人
    supervisor2_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    supervisor2: Mapped[str | None] = mapped_column(String(40))
    destroyed_on: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(100))
    method: Mapped[str | None] = mapped_column(String(10))  # 粉碎 / 焚烧 / 化浆 / …
    executed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    approval: Mapped[Approval | None] = relationship()
    entries: Mapped[list[ArchiveDestructionEntry]] = relationship(
        order_by="ArchiveDestructionEntry.seq", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}


class ArchiveDestructionEntry(Base):
    """One row of the 档案销毁清册, written when the destruction is requested and kept for
    good (append-only): the volume's particulars as they were."""

    __tablename__ = "archive_destruction_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    destruction_id: Mapped[int] = mapped_column(ForeignKey("archive_destruction.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 序号
    volume_id: Mapped[int] = mapped_column(ForeignKey("archive_volume.id"), index=True)
    number: Mapped[str] = mapped_column(String(60))  # 档号
    title: Mapped[str] = mapped_column(String(300))  # 题名
    year: Mapped[int] = mapped_column(Integer)  # 年度
    period: Mapped[str] = mapped_column(String(20))  # 应保管期限
    kept_years: Mapped[int] = mapped_column(Integer)  # 已保管期限 (years)
    pages: Mapped[int] = mapped_column(Integer)  # 页数
    remarks: Mapped[str | None] = mapped_column(String(300))  # 备注
