"""The configurable lists behind the classification fields; a value in use cannot be deleted."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from desktop_crm.models import Complaint, Customer, LookupValue, User

from . import rights
from .customer_fields import FIELDS, LOOKUP_LISTS
from .errors import Conflict, NotFound, ValidationError


def _holder_column(list_key: str):
    """The column whose rows hold this list's values (a rename moves them along)."""
    if list_key == "complaint_category":
        return Complaint.category
    for field in FIELDS:
        if field.choices == list_key:
            return getattr(Customer, field.key)
    raise KeyError(list_key)


def values(session: Session, list_key: str, active_only: bool = True) -> list[LookupValue]:
    query = select(LookupValue).where(LookupValue.list_key == list_key)
    if active_only:
        query = query.where(LookupValue.active.is_(True))
    return list(session.scalars(query.order_by(LookupValue.sort_order, LookupValue.id)))


def value_names(session: Session, list_key: str) -> list[str]:
    return [v.value for v in values(session, list_key)]


def usage_count(session: Session, list_key: str, value: str) -> int:
    column = _holder_column(list_key)
    return (
        session.scalar(select(func.count()).select_from(column.table).where(column == value)) or 0
    )


def _clean(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError("请填写值。", field="value")
    if len(value) > 60:
        raise ValidationError("值最多 60 个字。", field="value")
    return value


def add_value(
    session: Session, actor: User, list_key: str, value: str, help_text: str | None = None
) -> LookupValue:
    rights.require(session, actor, "settings", "edit")
    if list_key not in LOOKUP_LISTS:
        raise NotFound(f"没有这个列表：{list_key}")
    value = _clean(value)
    if session.scalar(
        select(LookupValue.id).where(LookupValue.list_key == list_key, LookupValue.value == value)
    ):
        raise Conflict(f"「{LOOKUP_LISTS[list_key]}」里已经有「{value}」。")
    order = (
        session.scalar(
            select(func.max(LookupValue.sort_order)).where(LookupValue.list_key == list_key)
        )
        or 0
    )
    item = LookupValue(list_key=list_key, value=value, help_text=help_text, sort_order=order + 1)
    session.add(item)
    session.commit()
    return item


def rename_value(
    session: Session, actor: User, value_id: int, new_value: str, help_text: str | None = None
) -> int:
    """Rename a value; customers holding it follow in the same transaction. Returns how many."""
    rights.require(session, actor, "settings", "edit")
    item = session.get(LookupValue, value_id)
    if item is None:
        raise NotFound("这个值已不存在。")
    new_value = _clean(new_value)
    clash = session.scalar(
        select(LookupValue.id).where(
            LookupValue.list_key == item.list_key,
            LookupValue.value == new_value,
            LookupValue.id != item.id,
        )
    )
    if clash:
        raise Conflict(f"「{LOOKUP_LISTS[item.list_key]}」里已经有「{new_value}」。")
    column = _holder_column(item.list_key)
    moved = 0
    if new_value != item.value:
        moved = session.execute(
            update(column.table).where(column == item.value).values({column: new_value})
        ).rowcount
    item.value = new_value
    item.help_text = help_text
    session.commit()
    return moved


def delete_value(session: Session, actor: User, value_id: int) -> None:
    """Delete a value no customer uses; a value in use is refused with the count."""
    rights.require(session, actor, "settings", "edit")
    item = session.get(LookupValue, value_id)
    if item is None:
        raise NotFound("这个值已不存在。")
    used = usage_count(session, item.list_key, item.value)
    if used:
        raise Conflict(
            f"「{item.value}」正被 {used} 个客户使用，不能删除。可以先把这些客户改成别的值，或把它停用。"
        )
    session.delete(item)
    session.commit()


def set_active(session: Session, actor: User, value_id: int, active: bool) -> None:
    rights.require(session, actor, "settings", "edit")
    item = session.get(LookupValue, value_id)
    if item is None:
        raise NotFound("这个值已不存在。")
    item.active = active
    session.commit()


def move_value(session: Session, actor: User, value_id: int, offset: int) -> None:
    """Move a value up (-1) or down (+1) in its list."""
    rights.require(session, actor, "settings", "edit")
    item = session.get(LookupValue, value_id)
    if item is None:
        raise NotFound("这个值已不存在。")
    items = values(session, item.list_key, active_only=False)
    index = next(i for i, v in enumerate(items) if v.id == item.id)
    target = max(0, min(len(items) - 1, index + offset))
    items.insert(target, items.pop(index))
    for order, value in enumerate(items):
        value.sort_order = order
    session.commit()
