"""Accounts and sign-in: passwords (scrypt), locking after wrong passwords, resets.

A store where no active account has a password runs as its administrator; once one has,
everybody signs in. Passwords are never stored or logged in clear.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import logging
import secrets
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desktop_crm.models import Department, User, UserRole, local_now

from . import audit, rights, staff
from .customer_fields import ADMIN_ROLE, ROLES
from .errors import FieldProblem, NotFound, ServiceError, ValidationError

log = logging.getLogger(__name__)

PASSWORD_MIN_LENGTH = 6
MAX_FAILED_SIGN_INS = 5
LOCK_DURATION = timedelta(minutes=15)

# scrypt cost: 16 MiB of memory per hash (128 * n * r bytes), ~50 ms on an office PC.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_SALT_BYTES, _HASH_BYTES = 16, 32


class SignInRefused(ServiceError):
    """Sign-in refused. `reason` is one of REASONS; `locked_until` is set for a locked account."""

    REASONS = ("unknown", "inactive", "no_password", "wrong_password", "locked")

    def __init__(self, message: str, reason: str, locked_until: datetime | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.locked_until = locked_until

    @property
    def locked(self) -> bool:
        return self.reason == "locked"


# --------------------------------------------------------------------- passwords


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """`scrypt$N$r$p$<salt>$<hash>`: self-describing, so the cost can rise later."""
    salt = secrets.token_bytes(_SALT_BYTES)
    digest = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=_SCRYPT_N,
        r=_SCRYPT_R,
        p=_SCRYPT_P,
        dklen=_HASH_BYTES,
    )
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """True when `password` matches the stored hash; a malformed hash never matches."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        expected_bytes = base64.b64decode(expected)
        digest = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=256 * 1024 * 1024,
            dklen=len(expected_bytes),
        )
    except (ValueError, TypeError):
        log.error("malformed password hash in the store")
        return False
    return hmac.compare_digest(digest, expected_bytes)


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(8))


def check_password_rule(password: str, field: str = "password") -> None:
    """Refuse a password too short to be one (ValidationError on `field`)."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ValidationError(f"密码至少要 {PASSWORD_MIN_LENGTH} 个字符。", field=field)
    if password != password.strip():
        raise ValidationError("密码的开头和结尾不能是空格。", field=field)


# --------------------------------------------------------------------- sign-in


def this_workstation() -> str:
    """The PC's name, as the audit log records it."""
    try:
        return socket.gethostname()[:80] or "?"
    except OSError:
        return "?"


def record_sign_in(
    session: Session, user: User | None, login: str, succeeded: bool, workstation: str | None
) -> None:
    """Record a sign-in attempt in the audit log and commit it (never the password)."""
    audit.record(
        session,
        user,
        audit.SIGN_IN if succeeded else audit.SIGN_IN_FAILED,
        "account",
        user.id if user is not None else None,
        login[:300],
        user_name=None if user is not None else login,
    )
    session.commit()
    log.info(
        "sign-in %s: login=%r user_id=%s workstation=%s",
        "succeeded" if succeeded else "refused",
        login,
        user.id if user is not None else None,
        workstation,
    )


def passwords_in_use(session: Session) -> bool:
    """True once any active account has a password: then everybody signs in."""
    found = session.scalar(
        select(User.id).where(User.active.is_(True), User.password_hash.is_not(None)).limit(1)
    )
    return found is not None


def find_account(session: Session, login: str) -> User | None:
    login = login.strip()
    if not login:
        return None
    return session.scalar(select(User).where(User.login == login))


def sign_in(
    session: Session,
    login: str,
    password: str,
    workstation: str | None = None,
    now: datetime | None = None,
) -> User:
    """The account `login` when `password` is right; SignInRefused otherwise.

    Five wrong passwords in a row lock the account for 15 minutes. The failed attempt is
    written (committed) before the refusal is raised. An account without a password may
    sign in only while no account has one.
    """
    now = now or local_now()
    user = find_account(session, login)
    if user is None:
        verify_password(password, _dummy_hash())  # answer as slowly as for a real account
        record_sign_in(session, None, login, False, workstation)
        raise SignInRefused("登录名或密码不正确。", "unknown")
    if not user.active:
        record_sign_in(session, user, login, False, workstation)
        raise SignInRefused("此账户已停用，不能登录。请与系统管理员联系。", "inactive")
    if user.locked_until is not None and user.locked_until > now:
        record_sign_in(session, user, login, False, workstation)
        raise SignInRefused(
            f"账户已锁定，请在 {_clock(user.locked_until, now)} 后再试。",
            "locked",
            user.locked_until,
        )
    if user.password_hash is None:
        if passwords_in_use(session):
            record_sign_in(session, user, login, False, workstation)
            raise SignInRefused(
                "此账户还没有设置密码，不能登录。请与系统管理员联系。", "no_password"
            )
        _signed_in(session, user, login, workstation)
        return user
    if not verify_password(password, user.password_hash):
        failed = (user.failed_logins or 0) + 1
        if failed >= MAX_FAILED_SIGN_INS:
            user.failed_logins = 0
            user.locked_until = now + LOCK_DURATION
            session.commit()
            record_sign_in(session, user, login, False, workstation)
            raise SignInRefused(
                f"密码连续输错 {MAX_FAILED_SIGN_INS} 次，账户已锁定，"
                f"请在 {_clock(user.locked_until, now)} 后再试。",
                "locked",
                user.locked_until,
            )
        user.failed_logins = failed
        session.commit()
        record_sign_in(session, user, login, False, workstation)
        left = MAX_FAILED_SIGN_INS - failed
        message = "登录名或密码不正确。"
        if left <= 2:
            minutes = int(LOCK_DURATION.total_seconds() // 60)
            message += f"再输错 {left} 次，账户将锁定 {minutes} 分钟。"
        raise SignInRefused(message, "wrong_password")
    _signed_in(session, user, login, workstation)
    return user


def _clock(moment: datetime, now: datetime) -> str:
    """When a lock ends, as a person reads it: the time today, with the date otherwise."""
    if moment.date() == now.date():
        return moment.strftime("%H:%M")
    return f"{moment.month} 月 {moment.day} 日 {moment:%H:%M}"


def _signed_in(session: Session, user: User, login: str, workstation: str | None) -> None:
    if user.failed_logins or user.locked_until is not None:
        user.failed_logins = 0
        user.locked_until = None
        session.commit()
    record_sign_in(session, user, login, True, workstation)


# --------------------------------------------------------------------- passwords, changed


def _some_admin_has_password(session: Session, excluding_id: int | None = None) -> bool:
    found = session.scalar(
        select(User.id)
        .join(UserRole)
        .where(
            UserRole.role == ADMIN_ROLE,
            User.active.is_(True),
            User.password_hash.is_not(None),
            User.id != (excluding_id or 0),
        )
        .limit(1)
    )
    return found is not None


def _admin_password_after(session: Session, user: User) -> bool:
    """Whether some active administrator has a password once `user` gets one.

    Refusing otherwise keeps a store from locking out everyone who could manage accounts.
    """
    if user.active and ADMIN_ROLE in user.role_names:
        return True
    return _some_admin_has_password(session, excluding_id=user.id)


_NO_ADMIN_PASSWORD = (
    "请先为系统管理员设置密码（程序中 文件 → 修改密码…，或命令行 user password 登录名）："
    "启用密码后，"
    "没有密码的系统管理员将无法登录，也就没有人能再管理账户。"
)


def set_password(session: Session, actor: User, user_id: int, new_password: str) -> None:
    """The administrator sets (resets) someone's password; this also lifts a lock."""
    rights.require(session, actor, "accounts", "edit")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("这个账户已不存在。")
    check_password_rule(new_password)
    if not _admin_password_after(session, user):
        raise ValidationError(_NO_ADMIN_PASSWORD, field="password")
    _record_password(session, actor, user, "管理员设置密码")
    _store_password(session, user, new_password)
    log.info("password set for user_id=%s by user_id=%s", user.id, actor.id)


def change_own_password(session: Session, user: User, old_password: str, new_password: str) -> None:
    """Everybody changes their own password; the old one must be given if there is one."""
    if user.password_hash is not None and not verify_password(old_password, user.password_hash):
        raise ValidationError("原密码不正确。", field="old_password")
    check_password_rule(new_password, field="new_password")
    if not _admin_password_after(session, user):
        raise ValidationError(_NO_ADMIN_PASSWORD, field="new_password")
    _record_password(session, user, user, "本人修改密码")
    _store_password(session, user, new_password)
    log.info("password changed by user_id=%s", user.id)


def has_password(session: Session, user_id: int) -> bool:
    user = session.get(User, user_id)
    return user is not None and user.password_hash is not None


def _record_password(session: Session, actor: User, user: User, what: str) -> None:
    """A password set or changed is a rights change; the log says so, never the password."""
    audit.record(
        session,
        actor,
        audit.RIGHTS_CHANGED,
        "account",
        user.id,
        f"{user.login or ''} {user.name}".strip(),
        field="密码",
        detail=what,
    )


def _store_password(session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.commit()


# --------------------------------------------------------------------- accounts


def find_department(session: Session, text: str) -> Department:
    """A department by its name or its 机构代码 (YXB)."""
    text = text.strip()
    department = session.scalar(
        select(Department).where(or_(Department.name == text, Department.code == text.upper()))
    )
    if department is None:
        known = "、".join(f"{d.name}（{d.code}）" for d in staff.departments(session))
        raise ValidationError(f"没有这个部门：{text}。现有部门：{known}。", field="department_id")
    return department


def add_account(
    session: Session,
    actor: User,
    login: str,
    name: str,
    department: str,
    roles: Sequence[str],
    password: str | None = None,
) -> User:
    """A new account (administrator only); refuses with all the reasons and writes nothing then.

    `department` is a department's name or 机构代码; `password` None leaves it without one.
    """
    rights.require(session, actor, "accounts", "create")
    login = login.strip()
    problems: list[FieldProblem] = []
    if not login:
        problems.append(FieldProblem("login", "请填写登录名。"))
    elif find_account(session, login) is not None:
        problems.append(FieldProblem("login", f"登录名「{login}」已被别人使用。"))
    if not name.strip():
        problems.append(FieldProblem("name", "请填写姓名。"))
    department_id = None
    try:
        department_id = find_department(session, department).id
    except ValidationError as error:
        problems.extend(error.problems)
    unknown = [r for r in roles if r not in ROLES]
    if not roles:
        problems.append(FieldProblem("roles", "请至少给出一个角色。"))
    elif unknown:
        problems.append(
            FieldProblem(
                "roles", f"没有这个角色：{'、'.join(unknown)}。可用的角色：{'、'.join(ROLES)}。"
            )
        )
    if password is not None:
        try:
            check_password_rule(password)
        except ValidationError as error:
            problems.extend(error.problems)
        if ADMIN_ROLE not in roles and not _some_admin_has_password(session):
            problems.append(FieldProblem("password", _NO_ADMIN_PASSWORD))
    if problems:
        raise ValidationError(problems)
    user = staff.save_staff(
        session,
        actor,
        staff.StaffInput(name=name, department_id=department_id, roles=list(roles), login=login),
    )
    if password is not None:
        _store_password(session, user, password)
    log.info("account %r added by user_id=%s", login, actor.id)
    return user


@dataclass(frozen=True)
class AccountRow:
    login: str
    name: str
    department: str
    roles: tuple[str, ...]
    active: bool
    has_password: bool


def account_rows(session: Session, actor: User) -> list[AccountRow]:
    """Every account with a login name, ordered by login (administrator only)."""
    rights.require(session, actor, "accounts", "view")
    rows = staff.staff_rows(session)
    hashed = set(
        session.scalars(
            select(User.id).where(User.password_hash.is_not(None), User.login.is_not(None))
        )
    )
    return sorted(
        (
            AccountRow(
                login=row.login,
                name=row.name,
                department=row.department or "",
                roles=row.roles,
                active=row.active,
                has_password=row.id in hashed,
            )
            for row in rows
            if row.login
        ),
        key=lambda r: r.login,
    )
