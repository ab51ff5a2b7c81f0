"""What a fresh store needs before anyone works in it: departments, lists, the administrator."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_crm.models import Customer, Department, LookupValue, User, UserRole

from . import archive_settings, rights
from .customer_fields import DEFAULT_DEPARTMENTS, DEFAULT_LOOKUP_TAGS, DEFAULT_LOOKUPS
from .key_customers import refresh_key_customers

ADMIN_LOGIN = "admin"


def ensure_defaults(session: Session) -> None:
    """Fill in the defaults a store lacks; safe to call at every start."""
    if session.scalar(select(func.count()).select_from(Department)) == 0:
        for order, (name, code) in enumerate(DEFAULT_DEPARTMENTS):
            session.add(Department(name=name, code=code, sort_order=order))
    present = set(session.scalars(select(LookupValue.list_key).distinct()))
    for list_key, values in DEFAULT_LOOKUPS.items():
        if list_key in present:
            continue
        tags = DEFAULT_LOOKUP_TAGS.get(list_key, {})
        for order, (value, help_text) in enumerate(values):
            session.add(
                LookupValue(
                    list_key=list_key,
                    value=value,
                    help_text=help_text,
                    sort_order=order,
                    tag=tags.get(value),
                )
            )
    if session.scalar(select(func.count()).select_from(User)) == 0:
        session.flush()
        office = session.scalar(select(Department).where(Department.code == "BGS"))
        admin = User(name="系统管理员", login=ADMIN_LOGIN, department=office)
        admin.roles.append(UserRole(role="系统管理员"))
        session.add(admin)
    archive_settings.seed_defaults(session)  # 门类 and 保管期限 with their codes
    rights.seed_defaults(session)
    refresh_key_customers(session)  # a new year changes who was last year's top 20
    session.commit()


def administrator(session: Session) -> User:
    """The account a store without passwords runs as (sign-in comes with the rights issue)."""
    user = session.scalar(select(User).where(User.login == ADMIN_LOGIN))
    if user is None:
        user = session.scalar(
            select(User).join(UserRole).where(UserRole.role == "系统管理员").order_by(User.id)
        )
    if user is None:
        raise RuntimeError("store has no administrator; ensure_defaults was not run")
    return user


def store_is_empty(session: Session) -> bool:
    """True while the store holds no customer yet (then demo data may be offered)."""
    return session.scalar(select(Customer.id).limit(1)) is None
