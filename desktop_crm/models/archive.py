"""Archive ledger (档案台账, DOMAIN §5): volumes (案卷) and their documents, the notes added
later, the location tree and its moves, 档号 corrections, the access log and scans.

A ledger row is never deleted: a destroyed volume stays with state 已销毁 and its batch
number. The access log and the later notes are append-only (the store refuses UPDATE and
DELETE on them: triggers made by migration 0010). Loans, receipts and appraisal batches
come later; the volume keeps room for them (its state and `destroyed_batch`).
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

from .base import Base
from .common import local_now
from .user import Department, User


class ArchiveCategory(Base):
    """门类 with its code (WS, KH, …) and default 保管期限 (the office's 保管期限表)."""

    __tablename__ = "archive_category"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    default_period_code: Mapped[str] = mapped_column(String(10))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ArchivePeriod(Base):
    """保管期限 with its code (Y, D30, D10) and years (None: 永久)."""

    __tablename__ = "archive_period"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    years: Mapped[int | None] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ArchiveLocation(Base):
    """One node of the location tree 库房 → 柜 → 架 → 格. `path` holds the ids from the
    root ("/1/5/9/") so a subtree is one prefix condition; `label` the names joined."""

    __tablename__ = "archive_location"
    __table_args__ = (Index("ix_archive_location_path", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("archive_location.id"), index=True)
    kind: Mapped[str] = mapped_column(String(4))  # 库房 / 柜 / 架 / 格
    name: Mapped[str] = mapped_column(String(60))
    code: Mapped[str | None] = mapped_column(String(30))
    path: Mapped[str] = mapped_column(String(200), default="/")
    label: Mapped[str] = mapped_column(String(300), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ArchiveVolume(Base):
    """案卷: the unit on the shelf, with every field of DOMAIN §5.

    `appraisal_due_on` is 1 January of the year after 年度 + 保管期限's years (None for
    永久), kept on save so the due-for-appraisal list is one indexed range."""

    __tablename__ = "archive_volume"
    __table_args__ = (
        Index("ix_archive_volume_category_number", "category_code", "number"),
        Index("ix_archive_volume_year_number", "year", "number"),
        Index("ix_archive_volume_due", "appraisal_due_on", "state"),
        Index("ix_archive_volume_department_number", "department_id", "number"),
        Index("ix_archive_volume_state_number", "state", "number"),
        Index("ix_archive_volume_secrecy", "secrecy"),
        Index("ix_archive_volume_title", "title"),
        Index("ix_archive_volume_filed_on", "filed_on"),
        Index("ix_archive_volume_secrecy_until", "secrecy_until"),  # 解密 due, in order
        # 门类 + 年度 + 期限, the catalogue's and the keeper's usual filter, counted in the index
        Index("ix_archive_volume_series", "category_code", "year", "period_code", "number"),
        # a 部门负责人's reach (本部门, no 机密/绝密), counted in the index
        Index("ix_archive_volume_department_secrecy", "department_id", "secrecy"),
        Index("ix_archive_volume_department_due", "department_id", "appraisal_due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)  # 档号
    fonds_code: Mapped[str] = mapped_column(String(20))  # 全宗号
    category_code: Mapped[str] = mapped_column(String(10))  # 门类代码
    year: Mapped[int] = mapped_column(Integer)  # 年度
    period_code: Mapped[str] = mapped_column(String(10))  # 保管期限代码
    retention_years: Mapped[int | None] = mapped_column(Integer)  # None: 永久
    appraisal_due_on: Mapped[date | None] = mapped_column(Date)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    org_code: Mapped[str] = mapped_column(String(20))  # 机构代码 as in the 档号
    case_no: Mapped[int] = mapped_column(Integer)  # 案卷号
    title: Mapped[str] = mapped_column(String(300))  # 题名
    secrecy: Mapped[str] = mapped_column(String(4), default="内部")  # 密级
    secrecy_years: Mapped[int | None] = mapped_column(Integer)  # 保密期限 in years …
    secrecy_until: Mapped[date | None] = mapped_column(Date)  # … or up to this day
    filed_on: Mapped[date] = mapped_column(Date)  # 归档日期
    pages: Mapped[int] = mapped_column(Integer, default=0)  # 页数
    copies: Mapped[int] = mapped_column(Integer, default=0)  # 份数
    location_id: Mapped[int | None] = mapped_column(ForeignKey("archive_location.id"), index=True)
    compiler: Mapped[str | None] = mapped_column(String(40))  # 立卷人
    checker: Mapped[str | None] = mapped_column(String(40))  # 检查人
    compiled_on: Mapped[date | None] = mapped_column(Date)  # 立卷时间
    description: Mapped[str | None] = mapped_column(Text)  # 本卷情况说明
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"), index=True)
    state: Mapped[str] = mapped_column(String(6), default="在库")
    box_no: Mapped[int | None] = mapped_column(Integer)  # 盒号 of the box it stands in
    # Search text kept by services/archive_search.py (migration 0013): one token per Hanzi
    # of the 题名 and of every document's 题名; the 档号 and the documents' 文号, lowered.
    search_hanzi: Mapped[str] = mapped_column(Text, default="")
    search_keys: Mapped[str] = mapped_column(Text, default="")
    destroyed_batch: Mapped[str | None] = mapped_column(String(30))  # 销毁批次号
    number_printed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    department: Mapped[Department | None] = relationship()
    location: Mapped[ArchiveLocation | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    items: Mapped[list[ArchiveItem]] = relationship(
        cascade="all, delete-orphan", order_by="ArchiveItem.seq", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}


class ArchiveItem(Base):
    """One document of a volume's 卷内文件目录; 页号 is computed from the page counts."""

    __tablename__ = "archive_item"
    __table_args__ = (
        Index("ix_archive_item_volume_seq", "volume_id", "seq"),
        Index("ix_archive_item_doc_number", "doc_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volume_id: Mapped[int] = mapped_column(ForeignKey("archive_volume.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)  # 序号
    doc_number: Mapped[str | None] = mapped_column(String(60))  # 文号
    author: Mapped[str | None] = mapped_column(String(100))  # 责任者
    title: Mapped[str] = mapped_column(String(300))  # 题名
    doc_date: Mapped[date | None] = mapped_column(Date)  # 日期
    pages: Mapped[int] = mapped_column(Integer, default=1)  # 页数
    kind: Mapped[str | None] = mapped_column(String(10))  # 文种: 请示, 批复, 规划, …
    secrecy: Mapped[str | None] = mapped_column(String(4))  # None: as the volume
    remarks: Mapped[str | None] = mapped_column(String(200))  # 备注


class ArchiveNote(Base):
    """卷内备考表: a note the archivist adds later (缺损, 补充, 移出, 销毁, 其他). Append-only."""

    __tablename__ = "archive_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    volume_id: Mapped[int] = mapped_column(ForeignKey("archive_volume.id"), index=True)
    kind: Mapped[str] = mapped_column(String(4))
    text: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    user_name: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime, default=local_now)


class ArchiveMove(Base):
    """A volume moved from one location to another: who, when, why."""

    __tablename__ = "archive_move"

    id: Mapped[int] = mapped_column(primary_key=True)
    volume_id: Mapped[int] = mapped_column(ForeignKey("archive_volume.id"), index=True)
    from_location_id: Mapped[int | None] = mapped_column(ForeignKey("archive_location.id"))
    to_location_id: Mapped[int | None] = mapped_column(ForeignKey("archive_location.id"))
    from_label: Mapped[str | None] = mapped_column(String(300))
    to_label: Mapped[str | None] = mapped_column(String(300))
    reason: Mapped[str | None] = mapped_column(String(300))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=local_now)


class ArchiveNumberChange(Base):
    """A 档号 correction: old, new, the reason, who, when (a printed 档号 never changes
    silently)."""

    __tablename__ = "archive_number_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    volume_id: Mapped[int] = mapped_column(ForeignKey("archive_volume.id"), index=True)
    old_number: Mapped[str] = mapped_column(String(60), index=True)
    new_number: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(String(300))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=local_now)


class ArchiveAccess(Base):
    """The access log: every opening, print and export of a 机密/绝密 volume and of a
    customer volume (who, when, which, what act). Append-only."""

    __tablename__ = "archive_access"
    __table_args__ = (
        Index("ix_archive_access_at", "at"),
        Index("ix_archive_access_volume_at", "volume_id", "at"),
        Index("ix_archive_access_user_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    user_name: Mapped[str] = mapped_column(String(40))
    volume_id: Mapped[int] = mapped_column(ForeignKey("archive_volume.id"))
    number: Mapped[str] = mapped_column(String(60))  # the 档号 at the time
    secrecy: Mapped[str] = mapped_column(String(4))
    act: Mapped[str] = mapped_column(String(10))  # 查看 / 打印 / 导出 / 借阅 / …
    detail: Mapped[str | None] = mapped_column(String(300))


class ArchiveScan(Base):
    """A scanned copy of a volume (or of one of its documents), kept inside the store.

    Not the customer attachment table: its rows belong to a customer (required, and gone
    with the customer) and follow the customer rights, while a volume's scans follow the
    archive rights and must outlive everything else (a ledger row is never deleted)."""

    __tablename__ = "archive_scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    volume_id: Mapped[int] = mapped_column(ForeignKey("archive_volume.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("archive_item.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class ArchiveScanBlob(Base):
    """The bytes of a scan, apart from its row so lists never load them."""

    __tablename__ = "archive_scan_blob"

    scan_id: Mapped[int] = mapped_column(
        ForeignKey("archive_scan.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)
