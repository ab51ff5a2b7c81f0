"""礼品登记 and 客户优惠申请表 (DOMAIN §1; 001 L67, 000 L117).

A gift to a special customer needs the consent of the 市场营销部负责人 (the 部门负责人 of the
department coded YXB); a discount needs the 客户优惠申请表 approved by the head of the
department the customer belongs to (its 客户经理's). Each record is made together with its
approval; its state is the approval's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.models import Customer, Department, DiscountRequest, GiftRecord, User

from . import access, approvals, audit, rights
from .errors import FieldProblem, NotFound, ValidationError
from .field_parsing import ParseError, parse_date, parse_decimal

GIFT_KIND, DISCOUNT_KIND = "礼品登记", "客户优惠申请"
AREA = "customers"
HEAD_ROLE = "部门负责人"
MARKETING_CODE = "YXB"  # 市场营销部
MAX_TEXT = 2000


# ---------------------------------------------------------------- shared checks


def _customer(session: Session, actor: User, customer_id: int, action: str = "view") -> Customer:
    """The customer, when `actor` may see it (and, for a request, create records)."""
    if action == "create":
        rights.require(session, actor, AREA, "create")
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("这个客户已不存在。")
    label = audit.customer_label(customer.code, customer.name)
    access.check(session, actor, AREA, "view", customer.owner_id, label)
    return customer


def customer_heading(session: Session, actor: User, customer_id: int) -> str:
    """客户编号 and name, for a dialog's heading (refused outside the actor's reach)."""
    customer = _customer(session, actor, customer_id)
    return audit.customer_label(customer.code, customer.name)


def _text(
    value: str | None, field: str, label: str, limit: int, problems: list[FieldProblem]
) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        problems.append(FieldProblem(field, f"{label}最多 {limit} 个字。"))
    return text or None


def _required(
    value: str | None, field: str, label: str, limit: int, problems: list[FieldProblem]
) -> str:
    text = _text(value, field, label, limit, problems)
    if text is None:
        problems.append(FieldProblem(field, f"请填写{label}。"))
    return text or ""


def _money(
    value: object, field: str, label: str, digits: int, problems: list[FieldProblem]
) -> Decimal | None:
    """A sum in 元: not negative, at most two decimals and `digits` digits in all."""
    try:
        number = parse_decimal(value)
    except ParseError as error:
        problems.append(FieldProblem(field, f"{label}：{error}"))
        return None
    if number is None:
        return None
    if number < 0:
        problems.append(FieldProblem(field, f"{label}不能是负数。"))
    elif number.as_tuple().exponent < -2:  # type: ignore[operator]
        problems.append(FieldProblem(field, f"{label}最多两位小数。"))
    elif number >= Decimal(10) ** (digits - 2):
        problems.append(FieldProblem(field, f"{label}太大了。"))
    else:
        return number.quantize(Decimal("0.01"))
    return None


_Record = TypeVar("_Record", GiftRecord, DiscountRequest)


def _file_request(
    session: Session,
    actor: User,
    record: GiftRecord | DiscountRequest,
    kind: str,
    title: str,
    approver_department: Department,
) -> None:
    """Ask the head of `approver_department` to approve `record` (a gift or a discount of
    `record.customer_id`), keep the record with its approval; commits."""
    approval = approvals.request_approval(
        session,
        actor,
        kind,
        title,
        [approvals.StepSpec(HEAD_ROLE, approver_department.id)],
        customer_id=record.customer_id,
        object_type="gift" if kind == GIFT_KIND else "discount",
        detail={"reason": record.reason},
    )
    record.approval_id = approval.id
    record.created_by_id = actor.id
    session.add(record)
    session.flush()
    approval.object_id = str(record.id)
    session.commit()


# ---------------------------------------------------------------- gifts


@dataclass(frozen=True)
class _Gift:
    gift: str
    value: Decimal | None
    planned_on: date | None
    reason: str


def _clean_gift(gift: str, value: object, planned_on: object, reason: str | None) -> _Gift:
    problems: list[FieldProblem] = []
    name = _required(gift, "gift", "礼品", 200, problems)
    amount = _money(value, "value", "价值", 12, problems)
    day = None
    try:
        day = parse_date(planned_on)
    except ParseError as error:
        problems.append(FieldProblem("planned_on", f"计划赠送日期：{error}"))
    if day is not None and day < date.today():
        problems.append(
            FieldProblem("planned_on", "计划赠送日期不能早于今天：礼品须先经同意再赠送。")
        )
    why = _required(reason, "reason", "赠送理由", MAX_TEXT, problems)
    if problems:
        raise ValidationError(problems)
    return _Gift(name, amount, day, why)


def _marketing_department(session: Session) -> Department:
    department = session.scalar(select(Department).where(Department.code == MARKETING_CODE))
    if department is None:
        raise ValidationError(
            f"找不到市场营销部（机构代码 {MARKETING_CODE}），无法确定由谁审批礼品。"
            "请系统管理员检查部门设置。",
            field="customer_id",
        )
    return department


def request_gift(
    session: Session,
    actor: User,
    customer_id: int,
    gift: str,
    value: object,
    planned_on: object,
    reason: str | None,
) -> GiftRecord:
    """礼品登记: a gift for a customer, to be approved by the 市场营销部负责人; commits."""
    try:
        customer = _customer(session, actor, customer_id, "create")
        clean = _clean_gift(gift, value, planned_on, reason)
        marketing = _marketing_department(session)
        title = f"{customer.name}：{clean.gift}" + (f"（{clean.value} 元）" if clean.value else "")
        record = GiftRecord(
            customer_id=customer.id,
            gift=clean.gift,
            value=clean.value,
            planned_on=clean.planned_on,
            reason=clean.reason,
        )
        _file_request(session, actor, record, GIFT_KIND, title, marketing)
        return record
    except Exception:
        session.rollback()
        raise


# ---------------------------------------------------------------- discounts


@dataclass(frozen=True)
class _Discount:
    product: str | None
    content: str
    amount: Decimal | None
    reason: str


def _clean_discount(
    product: str | None, content: str, amount: object, reason: str | None
) -> _Discount:
    problems: list[FieldProblem] = []
    name = _text(product, "product", "产品", 200, problems)
    what = _required(content, "content", "优惠内容", MAX_TEXT, problems)
    money = _money(amount, "amount", "优惠金额", 14, problems)
    why = _required(reason, "reason", "申请理由", MAX_TEXT, problems)
    if problems:
        raise ValidationError(problems)
    return _Discount(name, what, money, why)


def _owner_department(session: Session, customer: Customer) -> Department:
    owner = session.get(User, customer.owner_id) if customer.owner_id else None
    department = session.get(Department, owner.department_id) if owner else None
    if department is None:
        raise ValidationError(
            "这个客户没有客户经理，或客户经理不属于任何部门，无法确定由哪位部门负责人审批。"
            "请先在客户卡上指定客户经理。",
            field="customer_id",
        )
    return department


def request_discount(
    session: Session,
    actor: User,
    customer_id: int,
    product: str | None,
    content: str,
    amount: object,
    reason: str | None,
) -> DiscountRequest:
    """客户优惠申请表: approved by the head of the customer's department; commits."""
    try:
        customer = _customer(session, actor, customer_id, "create")
        clean = _clean_discount(product, content, amount, reason)
        department = _owner_department(session, customer)
        what = clean.product or clean.content
        title = f"{customer.name}：{what}" + (f"（{clean.amount} 元）" if clean.amount else "")
        record = DiscountRequest(
            customer_id=customer.id,
            product=clean.product,
            content=clean.content,
            amount=clean.amount,
            reason=clean.reason,
        )
        _file_request(session, actor, record, DISCOUNT_KIND, title, department)
        return record
    except Exception:
        session.rollback()
        raise


# ---------------------------------------------------------------- listing per customer


@dataclass(frozen=True)
class GiftRow:
    id: int
    gift: str
    value: Decimal | None
    planned_on: date | None
    reason: str
    requested_by: str
    created_at: datetime
    approval_id: int
    state: str
    steps_summary: str


@dataclass(frozen=True)
class DiscountRow:
    id: int
    product: str
    content: str
    amount: Decimal | None
    reason: str
    requested_by: str
    created_at: datetime
    approval_id: int
    state: str
    steps_summary: str


def _requests_of(
    session: Session, actor: User, customer_id: int, model: type[_Record]
) -> list[tuple[_Record, approvals.ApprovalRow]]:
    """The customer's gifts or discounts (`model`), newest first, each with its approval."""
    _customer(session, actor, customer_id)
    found = list(
        session.scalars(
            select(model)
            .where(model.customer_id == customer_id)
            .order_by(model.created_at.desc(), model.id.desc())
        )
    )
    states = approvals.approval_rows(session, {r.approval_id for r in found})
    return [(r, states[r.approval_id]) for r in found]


def customer_gifts(session: Session, actor: User, customer_id: int) -> list[GiftRow]:
    """The customer's 礼品登记, newest first, each with its approval's state."""
    return [
        GiftRow(
            id=g.id,
            gift=g.gift,
            value=g.value,
            planned_on=g.planned_on,
            reason=g.reason or "",
            requested_by=state.requester,
            created_at=g.created_at,
            approval_id=g.approval_id,
            state=state.state,
            steps_summary=state.steps_summary,
        )
        for g, state in _requests_of(session, actor, customer_id, GiftRecord)
    ]


def customer_discounts(session: Session, actor: User, customer_id: int) -> list[DiscountRow]:
    """The customer's 客户优惠申请表, newest first, each with its approval's state."""
    return [
        DiscountRow(
            id=d.id,
            product=d.product or "",
            content=d.content,
            amount=d.amount,
            reason=d.reason or "",
            requested_by=state.requester,
            created_at=d.created_at,
            approval_id=d.approval_id,
            state=state.state,
            steps_summary=state.steps_summary,
        )
        for d, state in _requests_of(session, actor, customer_id, DiscountRequest)
    ]


approvals.register_kind(GIFT_KIND, AREA, "礼品登记")
approvals.register_kind(DISCOUNT_KIND, AREA, "客户优惠申请表")
