"""The customer file (客户资料管理卡) and what hangs off it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .common import local_now
from .user import User


class Customer(Base):
    __tablename__ = "customer"
    __table_args__ = (
        Index("ix_customer_pinyin_sort", "pinyin_sort"),
        Index("ix_customer_category_sort", "category", "pinyin_sort"),
        Index("ix_customer_grade_sort", "grade", "pinyin_sort"),
        Index("ix_customer_status_sort", "status", "pinyin_sort"),
        Index("ix_customer_owner_sort", "owner_id", "pinyin_sort"),
        Index("ix_customer_region_sort", "region", "pinyin_sort"),
        Index("ix_customer_source_sort", "source", "pinyin_sort"),
        Index("ix_customer_registered_at", "registered_at"),
        Index("ix_customer_name_key", "name_key"),
        Index("ix_customer_phone_digits", "phone_digits"),
        Index("ix_customer_credit_code", "credit_code"),
        # Sorting the list by any column of a million rows reads an index, never the table.
        Index("ix_customer_short_name", "short_name"),
        Index("ix_customer_phone", "phone"),
        Index("ix_customer_address", "address"),
        Index("ix_customer_key_sort", "key_customer", "pinyin_sort"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # 客户编号 KH000123
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(100))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    org_code: Mapped[str | None] = mapped_column(String(20))  # 组织机构代码 of old customers
    nature: Mapped[str | None] = mapped_column(String(60))
    supervisor_unit: Mapped[str | None] = mapped_column(String(200))
    business_scope: Mapped[str | None] = mapped_column(Text)
    qualifications: Mapped[str | None] = mapped_column(Text)
    relationship_note: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(60))
    website: Mapped[str | None] = mapped_column(String(200))
    customer_head: Mapped[str | None] = mapped_column(String(60))
    main_needs: Mapped[str | None] = mapped_column(Text)
    payment_method: Mapped[str | None] = mapped_column(String(100))
    product_usage: Mapped[str | None] = mapped_column(Text)

    category: Mapped[str | None] = mapped_column(String(60))
    volume_class: Mapped[str | None] = mapped_column(String(60))
    settlement: Mapped[str | None] = mapped_column(String(60))
    quality: Mapped[str | None] = mapped_column(String(60))
    grade: Mapped[str | None] = mapped_column(String(10))
    is_key: Mapped[bool] = mapped_column(Boolean, default=False)  # marked by hand
    # 重点客户 in effect: marked by hand or among last year's 20 largest purchasers
    # (kept by services/key_customers.py, so the list can sort and filter on an index).
    key_customer: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str | None] = mapped_column(String(30))
    source: Mapped[str | None] = mapped_column(String(60))
    intermediary: Mapped[str | None] = mapped_column(String(200))

    credit_rating: Mapped[str | None] = mapped_column(String(30))
    financial_strength: Mapped[str | None] = mapped_column(String(200))
    performance_ability: Mapped[str | None] = mapped_column(String(200))
    management_level: Mapped[str | None] = mapped_column(String(200))

    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    first_contact_date: Mapped[date | None] = mapped_column(Date)
    registered_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    notes: Mapped[str | None] = mapped_column(Text)

    # Derived on every save, kept for search and sort (computing pinyin per query is too slow).
    name_key: Mapped[str] = mapped_column(String(200), default="")  # normalised for collisions
    phone_digits: Mapped[str | None] = mapped_column(String(40))
    pinyin_sort: Mapped[str] = mapped_column(String(400), default="")
    pinyin_initials: Mapped[str] = mapped_column(String(200), default="")
    search_hanzi: Mapped[str] = mapped_column(Text, default="")
    search_keys: Mapped[str] = mapped_column(Text, default="")

    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)

    __mapper_args__ = {"version_id_col": version}

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    registered_by: Mapped[User | None] = relationship(foreign_keys=[registered_by_id])
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="Contact.sort_order"
    )
    purchases: Mapped[list[Purchase]] = relationship(
        cascade="all, delete-orphan", order_by="Purchase.year.desc()"
    )
    followups: Mapped[list[FollowUp]] = relationship(
        cascade="all, delete-orphan", order_by="FollowUp.followed_on.desc()"
    )


class Contact(Base):
    __tablename__ = "customer_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(60))
    title: Mapped[str | None] = mapped_column(String(60))
    gender: Mapped[str | None] = mapped_column(String(4))
    mobile: Mapped[str | None] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(120))
    birthday: Mapped[date | None] = mapped_column(Date)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    is_emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    customer: Mapped[Customer] = relationship(back_populates="contacts")


class Purchase(Base):
    """年度购货量 (吨) and 年度购货金额 (元) of one customer in one year."""

    __tablename__ = "customer_purchase"
    __table_args__ = (
        UniqueConstraint("customer_id", "year"),
        # The year's largest purchasers (重点客户) are read straight from this index.
        Index("ix_customer_purchase_year_amount", "year", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    tons: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))


class FollowUp(Base):
    """跟进记录: the only history a 潜在/意向 customer has."""

    __tablename__ = "customer_followup"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    followed_on: Mapped[date] = mapped_column(Date)
    way: Mapped[str | None] = mapped_column(String(30))
    content: Mapped[str] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)

    staff: Mapped[User | None] = relationship()


class Attachment(Base):
    """A scan or document kept inside the database, so it is backed up and shared with it."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    # set when the file belongs to one of the customer's complaints (会议纪要, 改进措施)
    complaint_id: Mapped[int | None] = mapped_column(
        ForeignKey("complaint.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=local_now)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    added_by: Mapped[User | None] = relationship()


class AttachmentBlob(Base):
    """The bytes of an attachment, apart from its row so lists never load them."""

    __tablename__ = "attachment_blob"

    attachment_id: Mapped[int] = mapped_column(
        ForeignKey("attachment.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)
