"""归档 from a customer card (DOMAIN §5, §1): a 客户档案 volume filled from the card, and
the card's list of its archive files."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.models import ArchiveVolume, Attachment, Customer, Department, User

from . import rights
from .archive_settings import CUSTOMER_CATEGORY, INTERNAL
from .archives import DESTROYED, file_volume
from .errors import Conflict, NotFound, PermissionDenied


def file_customer(
    session: Session, actor: User, customer_id: int, year: int | None = None
) -> ArchiveVolume:
    """归档 on a customer card: a 客户档案 volume filled from the card — 题名 “客户名称
    客户档案”, 门类 客户档案 with its 保管期限表 period (10 years), the 客户经理's department,
    密级 内部 (company secret, 002 L133), the 客户资料管理卡 and each attachment as its
    documents. One per customer and year. Commits."""
    customer = _customer_to_file(session, actor, customer_id)
    year = year or date.today().year
    existing = session.scalar(
        select(ArchiveVolume.number).where(
            ArchiveVolume.customer_id == customer.id,
            ArchiveVolume.category_code == CUSTOMER_CATEGORY,
            ArchiveVolume.year == year,
            ArchiveVolume.state != DESTROYED,
        )
    )
    if existing:
        raise Conflict(f"客户「{customer.name}」{year} 年度已有客户档案案卷 {existing}。")
    owner = session.get(User, customer.owner_id) if customer.owner_id else None
    department_id = (owner.department_id if owner else None) or actor.department_id
    if department_id is None:
        department_id = session.scalar(select(Department.id).where(Department.code == "YXB"))
    items: list[dict[str, object]] = [
        {
            "title": f"{customer.name}客户资料管理卡",
            "author": "市场营销部",
            "doc_date": date.today(),
            "pages": 1,
            "doc_number": customer.code,
        }
    ]
    for attachment in session.scalars(
        select(Attachment)
        .where(Attachment.customer_id == customer.id)
        .order_by(Attachment.added_at, Attachment.id)
    ):
        items.append(
            {
                "title": f"{attachment.kind}（{attachment.filename}）"[:300],
                "author": customer.name[:100],
                "doc_date": attachment.added_at.date(),
                "pages": 1,
            }
        )
    values = {
        "title": f"{customer.name}客户档案"[:300],
        "category_code": CUSTOMER_CATEGORY,
        "year": year,
        "department_id": department_id,
        "secrecy": INTERNAL,
        "customer_id": customer.id,
        "description": f"客户编号 {customer.code}，由客户资料卡归档。",
    }
    return file_volume(session, actor, values, items)


def _customer_to_file(session: Session, actor: User, customer_id: int) -> Customer:
    """The customer, when `actor` may file it: someone who may see the card (its 客户经理,
    their head, …) and file volumes, or the archive room (archives create over 全部), which
    keeps every customer's paper file without reading the cards."""
    from .customers import get_customer

    scope = rights.require(session, actor, "archives", "create")
    if rights.may(session, actor, "customers", "view"):
        return get_customer(session, actor, customer_id)
    if scope != rights.ALL:
        raise PermissionDenied("您没有查看这个客户资料的权限，不能为其归档。")
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("这个客户已不存在。")
    return customer


def customer_volumes(session: Session, actor: User, customer_id: int) -> list[ArchiveVolume]:
    """The customer card's archive files: the volumes linked to the customer that `actor`
    may see, newest year first."""
    from .archive_scope import scope_condition

    query = select(ArchiveVolume).where(ArchiveVolume.customer_id == customer_id)
    condition = scope_condition(session, actor)
    if condition is not None:
        query = query.where(condition)
    return list(session.scalars(query.order_by(ArchiveVolume.year.desc(), ArchiveVolume.number)))
