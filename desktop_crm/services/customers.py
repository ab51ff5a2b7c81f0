"""The customer file: validation, collisions (客户冲撞), numbering, history, reassignment.

Each public function is one unit of work: it validates, writes, records the history and
commits, or raises a ServiceError and leaves the store as it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from desktop_crm.formatting import text_of
from desktop_crm.models import (
    Attachment,
    AttachmentBlob,
    AuditEntry,
    Contact,
    Customer,
    FollowUp,
    Purchase,
    User,
    local_now,
)

from . import access, audit, lookups, rights
from .customer_fields import FIELDS, FIELDS_BY_KEY, CustomerField
from .errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationError
from .field_parsing import ParseError, clean_credit_code, parse_bool, parse_date, parse_decimal
from .key_customers import is_key_customer, refresh_key_customers
from .numbering import take_numbers
from .stored_files import read_user_file
from .text_keys import digits, hanzi_terms, name_key, normalise_text, pinyin_keys

CODE_SERIES = "customer"
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
MIN_PHONE_DIGITS = 7


def format_code(number: int) -> str:
    return f"KH{number:06d}"


@dataclass
class ContactInput:
    name: str
    title: str | None = None
    gender: str | None = None
    mobile: str | None = None
    phone: str | None = None
    email: str | None = None
    birthday: date | None = None
    is_primary: bool = False
    is_emergency: bool = False
    id: int | None = None

    def summary(self) -> str:
        parts = [self.name, self.title, self.mobile or self.phone]
        flags = ("主要" if self.is_primary else "") + ("紧急" if self.is_emergency else "")
        return " ".join(p for p in parts if p) + (f"（{flags}联系人）" if flags else "")


CONTACT_KEYS = [f.name for f in fields(ContactInput) if f.name != "id"]


@dataclass(frozen=True)
class Collision:
    """An existing customer the new data collides with, and why."""

    customer_id: int
    code: str
    name: str
    owner_name: str | None
    registered_at: datetime
    reason: str
    hard: bool  # a credit code belongs to one entity: such a collision cannot be overridden


class CollisionFound(Conflict):
    def __init__(self, collisions: Sequence[Collision]) -> None:
        self.collisions = list(collisions)
        lines = [
            f"{c.reason}：{c.code} {c.name}（客户经理 {c.owner_name or '无'}，登记于 {c.registered_at:%Y-%m-%d}）"
            for c in self.collisions
        ]
        super().__init__("与已有客户冲撞：\n" + "\n".join(lines))

    @property
    def hard(self) -> bool:
        return any(c.hard for c in self.collisions)


# ---------------------------------------------------------------- validation


def _clean_text(field_def: CustomerField, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > field_def.max_length:
        raise ParseError(f"最多 {field_def.max_length} 个字，现在有 {len(text)} 个字。")
    if field_def.kind != "longtext":
        text = normalise_text(text) if field_def.key != "name" else " ".join(text.split())
    return text or None


def clean_values(
    session: Session,
    values: Mapping[str, object],
    staff_by_name: Mapping[str, int] | None = None,
    choice_cache: dict[str, list[str]] | None = None,
) -> tuple[dict[str, object], list[FieldProblem]]:
    """Typed values for the given fields, and a problem per refused field.

    Batch callers (import) pass `staff_by_name` and a shared `choice_cache` so a row
    costs no queries.
    """
    clean: dict[str, object] = {}
    problems: list[FieldProblem] = []
    choice_cache = {} if choice_cache is None else choice_cache
    for key, raw in values.items():
        field_def = FIELDS_BY_KEY.get(key)
        if field_def is None:
            continue
        try:
            if field_def.kind == "credit_code":
                value: object = clean_credit_code(raw)
            elif field_def.kind == "date":
                value = parse_date(raw)
            elif field_def.kind == "bool":
                value = parse_bool(raw)
            elif field_def.kind == "staff":
                value = _staff_id(session, raw, staff_by_name)
            else:
                value = _clean_text(field_def, raw)
                if field_def.kind == "choice" and value is not None:
                    list_key = field_def.choices or ""
                    allowed = choice_cache.get(list_key)
                    if allowed is None:
                        allowed = choice_cache[list_key] = lookups.value_names(session, list_key)
                    if value not in allowed:
                        raise ParseError(
                            f"「{value}」不在可选列表中（可选：{'、'.join(allowed)}）。"
                        )
            if field_def.required and value in (None, ""):
                raise ParseError("必须填写。")
            clean[key] = value
        except ParseError as error:
            problems.append(FieldProblem(key, f"{field_def.label}：{error}"))
    return clean, problems


def _staff_id(session: Session, raw: object, staff_by_name: Mapping[str, int] | None) -> int | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, int):
        if session.get(User, raw) is None:
            raise ParseError("所选人员不存在。")
        return raw
    text = normalise_text(str(raw))
    if staff_by_name is not None:
        if text in staff_by_name:
            return staff_by_name[text]
    else:
        user = session.scalar(select(User).where(or_(User.name == text, User.login == text)))
        if user is not None:
            return user.id
    raise ParseError(f"人员名单里没有「{text}」。")


def _clean_contacts(
    contacts: Sequence[ContactInput],
) -> tuple[list[ContactInput], list[FieldProblem]]:
    problems: list[FieldProblem] = []
    kept = [c for c in contacts if (c.name or "").strip()]
    for number, contact in enumerate(kept, start=1):
        contact.name = normalise_text(contact.name)
        if len(contact.name) > 60:
            problems.append(FieldProblem("contacts", f"第 {number} 个联系人：姓名最多 60 个字。"))
        for key in ("title", "mobile", "phone", "email"):
            value = getattr(contact, key)
            value = normalise_text(value) if isinstance(value, str) else value
            if value and len(value) > 120:
                problems.append(FieldProblem("contacts", f"第 {number} 个联系人：内容太长。"))
            setattr(contact, key, value or None)
        if contact.mobile and not 7 <= len(digits(contact.mobile)) <= 15:
            problems.append(
                FieldProblem(
                    "contacts", f"第 {number} 个联系人：手机号「{contact.mobile}」位数不对。"
                )
            )
        if contact.email and "@" not in contact.email:
            problems.append(
                FieldProblem("contacts", f"第 {number} 个联系人：邮箱「{contact.email}」格式不对。")
            )
    primaries = [c for c in kept if c.is_primary]
    if len(primaries) > 1:
        problems.append(FieldProblem("contacts", "只能有一个主要联系人。"))
    elif kept and not primaries:
        kept[0].is_primary = True
    return kept, problems


# ---------------------------------------------------------------- collisions


def find_collisions(
    session: Session,
    name: str | None,
    credit_code: str | None,
    phone: str | None,
    exclude_id: int | None = None,
) -> list[Collision]:
    """Existing customers with the same credit code, normalised name or phone, earliest first."""
    conditions = []
    if credit_code:
        conditions.append(Customer.credit_code == credit_code)
    key = name_key(name) if name else ""
    if key:
        conditions.append(Customer.name_key == key)
    phone_digits = digits(phone)
    if len(phone_digits) >= MIN_PHONE_DIGITS:
        conditions.append(Customer.phone_digits == phone_digits)
    if not conditions:
        return []
    query = (
        select(
            Customer.id,
            Customer.code,
            Customer.name,
            User.name,
            Customer.registered_at,
            Customer.credit_code,
            Customer.name_key,
            Customer.phone_digits,
        )
        .outerjoin(User, User.id == Customer.owner_id)
        .where(or_(*conditions))
        .order_by(Customer.registered_at, Customer.id)
        .limit(20)
    )
    if exclude_id is not None:
        query = query.where(Customer.id != exclude_id)
    found = []
    for cid, code, cname, owner, registered, ccode, ckey, cphone in session.execute(query):
        reasons = []
        if credit_code and ccode == credit_code:
            reasons.append("统一社会信用代码相同")
        if key and ckey == key:
            reasons.append("名称相同")
        if len(phone_digits) >= MIN_PHONE_DIGITS and cphone == phone_digits:
            reasons.append("电话相同")
        found.append(
            Collision(
                cid,
                code,
                cname,
                owner,
                registered,
                "、".join(reasons),
                hard="统一社会信用代码相同" in reasons,
            )
        )
    return found


# ---------------------------------------------------------------- derived keys


def search_columns(
    values: Mapping[str, Any], contacts: Sequence[Contact | ContactInput]
) -> dict[str, Any]:
    """The stored keys that search, sort and collision checks use, from plain values
    (name, short_name, code, credit_code, org_code, phone) and the contacts."""
    name, short_name, phone = values["name"], values.get("short_name"), values.get("phone")
    sort_key, initials, readings = pinyin_keys(name)
    short_readings = pinyin_keys(short_name)[2][:2] if short_name else []
    numbers = [values.get("code"), values.get("credit_code"), values.get("org_code"), digits(phone)]
    for contact in contacts:
        numbers.extend((digits(contact.mobile), digits(contact.phone)))
    keys = [*readings, *short_readings, *(n.lower() for n in numbers if n)]
    return {
        "name_key": name_key(name),
        "phone_digits": digits(phone) or None,
        "pinyin_sort": sort_key,
        "pinyin_initials": initials,
        "search_hanzi": hanzi_terms([name, short_name, *(c.name for c in contacts)]),
        "search_keys": " ".join(dict.fromkeys(keys)),
    }


SEARCH_SOURCE_FIELDS = ("name", "short_name", "code", "credit_code", "org_code", "phone")


def refresh_search_keys(customer: Customer) -> None:
    """Recompute a customer's stored search keys after an edit."""
    values = {key: getattr(customer, key) for key in SEARCH_SOURCE_FIELDS}
    for key, value in search_columns(values, customer.contacts).items():
        setattr(customer, key, value)


# ---------------------------------------------------------------- history


def display_value(session: Session, key: str, value: object) -> str | None:
    """How a field's value reads in the history and on screen (None when empty)."""
    if value is None or value == "":
        return None
    field_def = FIELDS_BY_KEY.get(key)
    if field_def and field_def.kind == "staff":
        user = session.get(User, value)
        return user.name if user else str(value)
    return text_of(value)


def _record(
    session: Session,
    customer_id: int,
    actor: User | None,
    label: str,
    old: str | None,
    new: str | None,
    when: datetime,
) -> None:
    """One changed field of a customer file, into the audit log (登记 is the 新建 entry)."""
    customer = session.get(Customer, customer_id)
    audit.record(
        session,
        actor,
        audit.CREATE if label == "登记" else audit.EDIT,
        "customer",
        customer_id,
        audit.customer_label(customer.code, customer.name) if customer else None,
        field=label,
        old=old,
        new=new,
        when=when,
    )


# ---------------------------------------------------------------- saving


def save_customer(
    session: Session,
    actor: User,
    values: Mapping[str, object],
    contacts: Sequence[ContactInput] | None = None,
    customer_id: int | None = None,
    expected_version: int | None = None,
    accept_collisions: bool = False,
) -> Customer:
    """Create (customer_id None) or change a customer file in one unit of work.

    `values` holds the card's fields by key (raw text is fine: it is parsed and checked).
    Collisions raise CollisionFound unless the user saw them and chose to go on
    (`accept_collisions`); a credit code collision can never be overridden.
    """
    try:
        return _save_customer(
            session, actor, values, contacts, customer_id, expected_version, accept_collisions
        )
    except StaleDataError:
        session.rollback()
        raise Conflict("这张客户卡刚被别人修改过。请关闭后重新打开，再做修改。") from None
    except Exception:
        session.rollback()
        raise


def _save_customer(
    session, actor, values, contacts, customer_id, expected_version, accept_collisions
):
    rights.require(session, actor, "customers", "create" if customer_id is None else "edit")
    clean, problems = clean_values(session, values)
    contact_list, contact_problems = (
        _clean_contacts(contacts) if contacts is not None else (None, [])
    )
    problems.extend(contact_problems)
    customer = None
    if customer_id is None:
        if not clean.get("name"):
            problems.insert(0, FieldProblem("name", "客户名称：必须填写。"))
    else:
        customer = session.get(Customer, customer_id, options=[selectinload(Customer.contacts)])
        if customer is None:
            raise NotFound("这个客户已不存在。")
        _check(session, actor, customer, "edit")
        if expected_version is not None and customer.version != expected_version:
            raise Conflict("这张客户卡刚被别人修改过。请关闭后重新打开，再做修改。")
    if problems:
        raise ValidationError(problems)

    def current(key: str) -> object:
        if key in clean:
            return clean[key]
        return getattr(customer, key) if customer is not None else None

    collisions = find_collisions(
        session, current("name"), current("credit_code"), current("phone"), customer_id
    )
    if customer is not None:
        # On edit only what changed can newly collide.
        changed = {
            k
            for k in ("name", "credit_code", "phone")
            if k in clean and clean[k] != getattr(customer, k)
        }
        collisions = [c for c in collisions if _reason_touches(c.reason, changed)]
    if collisions and (not accept_collisions or any(c.hard for c in collisions)):
        raise CollisionFound(collisions)

    _check_new_owner(session, actor, customer, clean)
    now = local_now()
    if customer is None:
        customer = Customer(
            code=format_code(take_numbers(session, CODE_SERIES)),
            registered_at=now,
            registered_by_id=actor.id,
            owner_id=actor.id,
            status="潜在客户",
        )
        for key, value in clean.items():
            setattr(customer, key, value)
        for contact in contact_list or []:
            customer.contacts.append(_new_contact(contact))
        refresh_search_keys(customer)
        session.add(customer)
        session.flush()
        _record(session, customer.id, actor, "登记", None, f"{customer.code} {customer.name}", now)
        for collision in collisions:
            _record(
                session,
                customer.id,
                actor,
                "客户冲撞",
                None,
                f"登记时已知与 {collision.code} {collision.name} {collision.reason}",
                now,
            )
    else:
        for key, value in clean.items():
            old = getattr(customer, key)
            if old != value:
                _record(
                    session,
                    customer.id,
                    actor,
                    FIELDS_BY_KEY[key].label,
                    display_value(session, key, old),
                    display_value(session, key, value),
                    now,
                )
                setattr(customer, key, value)
        if contact_list is not None:
            _apply_contacts(session, customer, contact_list, actor, now)
        refresh_search_keys(customer)
        customer.updated_at = now
    if "is_key" in clean:
        session.flush()
        refresh_key_customers(session)
    session.commit()
    return customer


def _check_new_owner(
    session: Session, actor: User, customer: Customer | None, clean: Mapping[str, object]
) -> None:
    """Giving a file to another 客户经理 is a reassignment: it needs that right, and the
    new 客户经理 must be within the actor's reach (nobody hands files out of their sight)."""
    current = customer.owner_id if customer is not None else actor.id
    new_owner = clean.get("owner_id", current)
    if new_owner == current or new_owner is None:
        return
    rights.require(session, actor, "customers", "reassign")
    if not access.owner_in_reach(session, actor, "customers", "reassign", new_owner):
        raise PermissionDenied("只能把客户交给您有权管理的人员（本人或本部门）。")


def _check(session: Session, actor: User, customer: Customer, action: str) -> None:
    access.check(
        session,
        actor,
        "customers",
        action,
        customer.owner_id,
        audit.customer_label(customer.code, customer.name),
    )


def _reason_touches(reason: str, changed: set[str]) -> bool:
    return (
        ("credit_code" in changed and "信用代码" in reason)
        or ("name" in changed and "名称" in reason)
        or ("phone" in changed and "电话" in reason)
    )


def _new_contact(data: ContactInput) -> Contact:
    return Contact(**{key: getattr(data, key) for key in CONTACT_KEYS})


def _contact_summary(contact: Contact | ContactInput) -> str:
    return ContactInput(**{key: getattr(contact, key) for key in CONTACT_KEYS}).summary()


def _apply_contacts(
    session: Session, customer: Customer, wanted: list[ContactInput], actor: User, now: datetime
) -> None:
    """Bring the contacts to `wanted`, recording each addition, change and removal."""
    existing = {c.id: c for c in customer.contacts}
    kept_ids = {c.id for c in wanted if c.id in existing}
    for contact in list(customer.contacts):
        if contact.id not in kept_ids:
            _record(session, customer.id, actor, "联系人", _contact_summary(contact), None, now)
            customer.contacts.remove(contact)
    for order, data in enumerate(wanted):
        if data.id in existing:
            contact = existing[data.id]
            before = _contact_summary(contact)
            for key in CONTACT_KEYS:
                setattr(contact, key, getattr(data, key))
            after = _contact_summary(contact)
            if before != after:
                _record(session, customer.id, actor, "联系人", before, after, now)
        else:
            contact = _new_contact(data)
            customer.contacts.append(contact)
            _record(session, customer.id, actor, "联系人", None, data.summary(), now)
        contact.sort_order = order


# ---------------------------------------------------------------- reading


def get_customer(session: Session, actor: User, customer_id: int, action: str = "view") -> Customer:
    """The customer file, when `actor` may `action` it; PermissionDenied otherwise."""
    rights.require(session, actor, "customers", action)
    customer = session.get(Customer, customer_id, options=[selectinload(Customer.contacts)])
    if customer is None:
        raise NotFound("这个客户已不存在。")
    _check(session, actor, customer, action)
    return customer


def open_customer(session: Session, actor: User, customer_id: int) -> Customer:
    """The file as the card opens it; customer files are confidential, so every opening
    is recorded in the audit log (查看)."""
    customer = get_customer(session, actor, customer_id)
    audit.record(
        session,
        actor,
        audit.VIEW,
        "customer",
        customer.id,
        audit.customer_label(customer.code, customer.name),
    )
    session.commit()
    return customer


CARD_ACTIONS = ("create", "edit", "print", "reassign")


def permitted_actions(session: Session, actor: User, customer_id: int | None) -> set[str]:
    """What `actor` may do with this customer's card (a new card when `customer_id` is
    None), so the card can offer only that; the services check again on every call."""
    if customer_id is None:
        return {"create"} if rights.may(session, actor, "customers", "create") else set()
    owner_id = session.scalar(select(Customer.owner_id).where(Customer.id == customer_id))
    return {
        action
        for action in CARD_ACTIONS[1:]
        if access.owner_in_reach(session, actor, "customers", action, owner_id)
    }


def get_by_code(session: Session, actor: User, code: str) -> Customer:
    rights.require(session, actor, "customers", "view")
    customer = session.scalar(select(Customer).where(Customer.code == code.strip().upper()))
    if customer is None:
        raise NotFound(f"没有客户编号为「{code}」的客户。")
    _check(session, actor, customer, "view")
    return customer


HISTORY_ACTS = (audit.CREATE, audit.EDIT, audit.DELETE)


def history(session: Session, actor: User, customer_id: int) -> list[AuditEntry]:
    """The card's 变更记录: the audit log's changes to this customer, newest first."""
    get_customer(session, actor, customer_id)
    return list(
        session.scalars(
            select(AuditEntry)
            .options(selectinload(AuditEntry.user))
            .where(
                AuditEntry.object_type == "customer",
                AuditEntry.object_id == str(customer_id),
                AuditEntry.act.in_(HISTORY_ACTS),
            )
            .order_by(AuditEntry.seq.desc())
        )
    )


# ---------------------------------------------------------------- follow-ups, purchases, attachments


def add_followup(
    session: Session,
    actor: User,
    customer_id: int,
    followed_on: object,
    way: str | None,
    content: str,
    result: str | None = None,
    problems: str | None = None,
    next_step: str | None = None,
) -> FollowUp:
    get_customer(session, actor, customer_id, "edit")
    errors = []
    try:
        day = parse_date(followed_on) or date.today()
    except ParseError as error:
        errors.append(FieldProblem("followed_on", f"日期：{error}"))
        day = None
    if not (content or "").strip():
        errors.append(FieldProblem("content", "跟进内容：必须填写。"))
    for label, text in (
        ("跟进内容", content),
        ("结果", result),
        ("问题", problems),
        ("下一步", next_step),
    ):
        if text and len(text) > 4000:
            errors.append(FieldProblem("content", f"{label}：最多 4000 个字。"))
    if errors:
        raise ValidationError(errors)
    item = FollowUp(
        customer_id=customer_id,
        followed_on=day,
        way=way,
        content=content.strip(),
        result=result,
        problems=problems,
        next_step=next_step,
        staff_id=actor.id,
    )
    session.add(item)
    session.commit()
    return item


def set_purchase(
    session: Session, actor: User, customer_id: int, year: int, tons: object, amount: object
) -> Purchase:
    """Record (or correct) one year's 购货量 and 购货金额."""
    customer = get_customer(session, actor, customer_id, "edit")
    try:
        tons_value, amount_value = parse_decimal(tons), parse_decimal(amount)
    except ParseError as error:
        raise ValidationError(str(error), field="purchases") from None
    if not 1990 <= int(year) <= 2100:
        raise ValidationError("年度不对。", field="purchases")
    item = session.scalar(
        select(Purchase).where(Purchase.customer_id == customer_id, Purchase.year == year)
    )
    now = local_now()
    old = f"{item.tons or ''} 吨 / {item.amount or ''} 元" if item else None
    if item is None:
        item = Purchase(customer_id=customer_id, year=year)
        session.add(item)
    item.tons, item.amount = tons_value, amount_value
    _record(
        session,
        customer.id,
        actor,
        f"{year} 年购货",
        old,
        f"{tons_value or ''} 吨 / {amount_value or ''} 元",
        now,
    )
    session.flush()
    refresh_key_customers(session)
    session.commit()
    return item


def add_attachment(
    session: Session, actor: User, customer_id: int, path: str | Path, kind: str
) -> Attachment:
    """Copy a scan or document into the store (so it is backed up with it)."""
    customer = get_customer(session, actor, customer_id, "edit")
    filename, data = read_user_file(path, MAX_ATTACHMENT_BYTES, "attachments")
    item = Attachment(
        customer_id=customer_id,
        kind=kind or "其他",
        filename=filename,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        added_by_id=actor.id,
    )
    session.add(item)
    session.flush()
    session.add(AttachmentBlob(attachment_id=item.id, data=data))
    _record(session, customer.id, actor, "附件", None, f"{item.kind}：{item.filename}", local_now())
    session.commit()
    return item


def attachments(session: Session, actor: User, customer_id: int) -> list[Attachment]:
    get_customer(session, actor, customer_id)
    return list(
        session.scalars(
            select(Attachment)
            .where(Attachment.customer_id == customer_id)
            .order_by(Attachment.added_at, Attachment.id)
        )
    )


def attachment_data(session: Session, actor: User, attachment_id: int) -> tuple[Attachment, bytes]:
    item = session.get(Attachment, attachment_id)
    if item is None:
        raise NotFound("这个附件已不存在。")
    get_customer(session, actor, item.customer_id)
    blob = session.get(AttachmentBlob, attachment_id)
    if blob is None:
        raise NotFound("这个附件已不存在。")
    if hashlib.sha256(blob.data).hexdigest() != item.sha256:
        raise Conflict(f"附件 {item.filename} 已损坏（校验不符），请从备份恢复。")
    return item, blob.data


def remove_attachment(session: Session, actor: User, attachment_id: int) -> None:
    item = session.get(Attachment, attachment_id)
    if item is None:
        raise NotFound("这个附件已不存在。")
    get_customer(session, actor, item.customer_id, "edit")
    _record(
        session, item.customer_id, actor, "附件", f"{item.kind}：{item.filename}", None, local_now()
    )
    session.delete(item)
    session.commit()


# ---------------------------------------------------------------- reassignment


def reassign_customers(
    session: Session, actor: User, from_user_id: int, to_user_id: int, reason: str | None = None
) -> int:
    """Give all customers of one staff member to another, recorded in each card's history.

    Both must be within the actor's reach: a department head hands over within the
    department, the 总经理 and the administrator anywhere."""
    rights.require(session, actor, "customers", "reassign")
    source, target = session.get(User, from_user_id), session.get(User, to_user_id)
    if source is None or target is None:
        raise NotFound("所选人员不存在。")
    for person in (source, target):
        if not access.owner_in_reach(session, actor, "customers", "reassign", person.id):
            raise PermissionDenied(f"{person.name} 不在您可管理的范围内，不能移交其客户。")
    if source.id == target.id:
        raise ValidationError("移交双方是同一个人。", field="to_user_id")
    if not target.active:
        raise ValidationError(f"{target.name} 已停用，不能接收客户。", field="to_user_id")
    moved = session.execute(
        select(Customer.id, Customer.code, Customer.name).where(Customer.owner_id == source.id)
    ).all()
    if not moved:
        return 0
    now = local_now()
    note = f"（{reason}）" if reason else ""
    session.execute(
        update(Customer)
        .where(Customer.owner_id == source.id)
        .values(owner_id=target.id, updated_at=now, version=Customer.version + 1)
    )
    audit.record_many(
        session,
        actor,
        [
            audit.Entry(
                audit.EDIT,
                "customer",
                cid,
                audit.customer_label(code, name),
                "客户经理",
                source.name,
                target.name + note,
            )
            for cid, code, name in moved
        ],
        when=now,
    )
    session.commit()
    return len(moved)


# ---------------------------------------------------------------- the printed card


def card_data(
    session: Session,
    actor: User,
    customer_id: int,
    copy_act: str | None = None,
) -> dict[str, object]:
    """The plain data the 客户资料管理卡 form is drawn from.

    `copy_act` (打印 or 导出) records the copy in the audit log and commits it: every copy
    of a customer file is recorded (DOMAIN §1).
    """
    customer = get_customer(session, actor, customer_id, "print" if copy_act else "view")
    if copy_act is not None:
        audit.record(
            session,
            actor,
            copy_act,
            "customer",
            customer.id,
            audit.customer_label(customer.code, customer.name),
            detail="客户资料管理卡",
        )
        session.commit()
    data: dict[str, object] = {f.key: getattr(customer, f.key) for f in FIELDS}
    data.update(
        code=customer.code,
        relationship=customer.relationship_note,
        owner_name=customer.owner.name if customer.owner else None,
        registered_at=customer.registered_at,
        is_key=is_key_customer(session, customer_id),
        internal_mark=True,
        printed_by=actor.name,
        printed_at=local_now(),
        contacts=[{key: getattr(c, key) for key in CONTACT_KEYS} for c in customer.contacts],
        purchases=[
            {"year": p.year, "tons": p.tons, "amount": p.amount} for p in customer.purchases
        ],
        followups=[
            {
                "date": f.followed_on,
                "way": f.way,
                "content": f.content,
                "result": f.result,
                "problems": f.problems,
                "next_step": f.next_step,
            }
            for f in customer.followups
        ],
        complaints=[],
    )
    return data
