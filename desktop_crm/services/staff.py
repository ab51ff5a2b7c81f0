"""Staff (人员) and departments: the list every 负责人/受理人/经办人 field picks from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_crm.models import Customer, Department, User, UserRole

from . import audit, rights
from .customer_fields import ADMIN_ROLE, ROLES
from .errors import FieldProblem, NotFound, ValidationError
from .text_keys import pinyin_keys


@dataclass(frozen=True)
class StaffInput:
    name: str
    department_id: int | None
    roles: Sequence[str]
    active: bool = True
    login: str | None = None
    phone: str | None = None


def departments(session: Session, active_only: bool = True) -> list[Department]:
    query = select(Department).order_by(Department.sort_order, Department.id)
    if active_only:
        query = query.where(Department.active.is_(True))
    return list(session.scalars(query))


def staff_list(session: Session, active_only: bool = True) -> list[User]:
    query = select(User).order_by(User.name)
    if active_only:
        query = query.where(User.active.is_(True))
    return list(session.scalars(query))


def _validate(session: Session, data: StaffInput, user_id: int | None) -> list[FieldProblem]:
    problems = []
    if not data.name.strip():
        problems.append(FieldProblem("name", "请填写姓名。"))
    elif len(data.name) > 40:
        problems.append(FieldProblem("name", "姓名最多 40 个字。"))
    unknown = [r for r in data.roles if r not in ROLES]
    if unknown:
        problems.append(FieldProblem("roles", f"没有这个角色：{'、'.join(unknown)}。"))
    if data.login:
        clash = session.scalar(
            select(User.id).where(User.login == data.login.strip(), User.id != (user_id or 0))
        )
        if clash:
            problems.append(FieldProblem("login", f"登录名「{data.login}」已被别人使用。"))
    if data.department_id is not None and session.get(Department, data.department_id) is None:
        problems.append(FieldProblem("department_id", "所选部门不存在。"))
    return problems


def _would_leave_no_administrator(session: Session, user_id: int, data: StaffInput) -> bool:
    """True when this change takes away the last active 系统管理员 (nobody could then
    manage accounts, reset a password or undo the change)."""
    stays_admin = data.active and ADMIN_ROLE in data.roles
    if stays_admin:
        return False
    others = session.scalar(
        select(func.count(User.id.distinct()))
        .join(UserRole)
        .where(UserRole.role == ADMIN_ROLE, User.active.is_(True), User.id != user_id)
    )
    user = session.get(User, user_id)
    is_admin_now = user is not None and user.active and ADMIN_ROLE in user.role_names
    return is_admin_now and not others


def save_staff(session: Session, actor: User, data: StaffInput, user_id: int | None = None) -> User:
    """Create or change a staff member; refuses with the reasons, writes nothing then."""
    rights.require(session, actor, "accounts", "create" if user_id is None else "edit")
    problems = _validate(session, data, user_id)
    if user_id is not None and _would_leave_no_administrator(session, user_id, data):
        problems.append(
            FieldProblem(
                "roles",
                "至少要保留一位在职的系统管理员：请先让另一位在职人员担任系统管理员，再停用此人或取消其角色。",
            )
        )
    if problems:
        raise ValidationError(problems)
    if user_id is None:
        user = User()
        session.add(user)
    else:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("这个人员已不存在。")
    user.name = data.name.strip()
    user.department_id = data.department_id
    user.login = (data.login or "").strip() or None
    user.phone = (data.phone or "").strip() or None
    wanted = list(dict.fromkeys(data.roles))
    before = [] if user_id is None else sorted(user.role_names)
    was_active = user_id is None or user.active
    user.roles = [r for r in user.roles if r.role in wanted] + [
        UserRole(role=r) for r in wanted if r not in user.role_names
    ]
    user.active = data.active
    if before != sorted(wanted) or was_active != data.active:
        session.flush()
        audit.record(
            session,
            actor,
            audit.RIGHTS_CHANGED,
            "account",
            user.id,
            f"{user.login or ''} {user.name}".strip(),
            field="角色",
            old=("、".join(before) or None) if user_id is not None else None,
            new="、".join(wanted) + ("" if data.active else "（停用）"),
            detail="新建账户" if user_id is None else None,
        )
    session.commit()
    return user


def customer_counts(session: Session) -> dict[int, int]:
    """How many customers each staff member owns."""
    rows = session.execute(
        select(Customer.owner_id, func.count())
        .where(Customer.owner_id.is_not(None))
        .group_by(Customer.owner_id)
    )
    return {owner: count for owner, count in rows}


@dataclass(frozen=True)
class StaffRow:
    """One staff member as plain values, for tables and pickers (no ORM object escapes)."""

    id: int
    name: str
    login: str | None
    department_id: int | None
    department: str | None
    roles: tuple[str, ...]
    phone: str | None
    active: bool
    customers: int


def _role_rank(role: str) -> int:
    return ROLES.index(role) if role in ROLES else len(ROLES)


def staff_rows(session: Session, active_only: bool = False) -> list[StaffRow]:
    """Staff with department name and customer count; active people first, then by pinyin."""
    counts = customer_counts(session)
    query = select(User, Department.name).outerjoin(Department, User.department_id == Department.id)
    if active_only:
        query = query.where(User.active.is_(True))
    rows = [
        StaffRow(
            id=user.id,
            name=user.name,
            login=user.login,
            department_id=user.department_id,
            department=department,
            roles=tuple(sorted(user.role_names, key=_role_rank)),
            phone=user.phone,
            active=user.active,
            customers=counts.get(user.id, 0),
        )
        for user, department in session.execute(query)
    ]
    # A staff list is short: sorting by pinyin here is cheap and reads as a Chinese user expects.
    return sorted(rows, key=lambda r: (not r.active, pinyin_keys(r.name)[0], r.name, r.id))
