"""Who may see which volume (DOMAIN §5, §7), and the access log of confidential files.

The rule, in three parts:
1. The right: the rights area "archives" with its action (view, create, edit, print, …).
2. The scope of that right, by the volume's 责任部门 (its 机构): 全部 — every volume;
   本部门 — the volumes of the person's own department, and those they filed themselves;
   本人 — only the volumes they filed (created_by). A 部门档案员 thus files and sees their
   department's volumes; the 档案管理员 sees all.
3. Clearance for 机密 and 绝密: only people holding one of CLEARED_ROLES (档案管理员, 总经理,
   副总经理). Everybody else never sees such a volume: it is left out of the list, the
   counts and the exports, and opening it by id is refused. 秘密 and below follow 1 and 2.
   (Who may *borrow* a 绝密 file — people the 总经理 or 副总经理 named — is the loan's rule.)

Every opening, print and export of a 机密/绝密 volume and of a customer volume (门类 客户档案
or linked to a customer) is written to `archive_access`, which the store keeps
append-only. Its list is for the 档案管理员 and the 总经理 (ACCESS_LOG_ROLES).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, and_, insert, or_, select, text
from sqlalchemy.orm import Session

from desktop_crm.models import ArchiveAccess, ArchiveVolume, User, local_now

from . import rights
from .archive_settings import CLASSIFIED, CUSTOMER_CATEGORY
from .errors import NotFound, PermissionDenied

CLEARED_ROLES = ("档案管理员", "总经理", "副总经理")
ACCESS_LOG_ROLES = ("档案管理员", "总经理")

VIEW, PRINT, EXPORT, LEND, READ_IN_ROOM = "查看", "打印", "导出", "借阅", "查阅"
ACCESS_ACTS = (VIEW, PRINT, EXPORT, LEND, READ_IN_ROOM)


def cleared(actor: User) -> bool:
    """Whether `actor` may see 机密 and 绝密 volumes at all."""
    return actor.active and any(role in CLEARED_ROLES for role in actor.role_names)


def may_read_access_log(actor: User) -> bool:
    return actor.active and any(role in ACCESS_LOG_ROLES for role in actor.role_names)


def scope_condition(
    session: Session, actor: User, action: str = "view"
) -> ColumnElement[bool] | None:
    """The SQL condition for the volumes `actor` may `action`; None when all. Refuses
    without the right."""
    scope = rights.require(session, actor, "archives", action)
    conditions: list[ColumnElement[bool]] = []
    if scope == rights.OWN:
        conditions.append(ArchiveVolume.created_by_id == actor.id)
    elif scope == rights.DEPARTMENT:
        mine = ArchiveVolume.created_by_id == actor.id
        if actor.department_id is None:
            conditions.append(mine)
        elif _filed_elsewhere(session, actor):
            conditions.append(or_(ArchiveVolume.department_id == actor.department_id, mine))
        else:
            # the usual case, written so the department's index serves it alone: the OR
            # made SQLite read all 500,000 volumes to count a department's (0.32 s)
            conditions.append(ArchiveVolume.department_id == actor.department_id)
    if not cleared(actor):
        conditions.append(ArchiveVolume.secrecy.not_in(CLASSIFIED))
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else and_(*conditions)


def _filed_elsewhere(session: Session, actor: User) -> bool:
    """Whether `actor` filed any volume for another department than their own."""
    if session.get_bind().dialect.name == "sqlite":
        # The statistics see a handful of filers with 100,000s of volumes each and would
        # scan them all (0.33 s at 500,000); this person's are few or none, so the index.
        found = session.execute(
            text(
                "SELECT 1 FROM archive_volume INDEXED BY ix_archive_volume_created_by_id "
                "WHERE created_by_id = :me AND department_id IS NOT :department LIMIT 1"
            ),
            {"me": actor.id, "department": actor.department_id},
        ).first()
        return found is not None
    query = select(ArchiveVolume.id).where(
        ArchiveVolume.created_by_id == actor.id,
        ArchiveVolume.department_id.is_distinct_from(actor.department_id),
    )
    return session.scalar(query.limit(1)) is not None


def volume_label(volume: ArchiveVolume) -> str:
    return f"{volume.number} {volume.title}"


def in_reach(session: Session, actor: User, volume: ArchiveVolume, action: str) -> bool:
    """Whether `actor` may `action` this volume (right, scope and clearance)."""
    scope = rights.scope_for(session, actor, "archives", action)
    if scope is None:
        return False
    if volume.secrecy in CLASSIFIED and not cleared(actor):
        return False
    if scope == rights.ALL or volume.created_by_id == actor.id:
        return True
    return (
        scope == rights.DEPARTMENT
        and actor.department_id is not None
        and volume.department_id == actor.department_id
    )


def get_volume(
    session: Session, actor: User, volume_id: int, action: str = "view"
) -> ArchiveVolume:
    """The volume, when `actor` may `action` it; refuses otherwise (Chinese message)."""
    rights.require(session, actor, "archives", action)
    volume = session.get(ArchiveVolume, volume_id)
    if volume is None:
        raise NotFound("这个案卷已不存在。")
    if not in_reach(session, actor, volume, action):
        if volume.secrecy in CLASSIFIED and not cleared(actor):
            raise PermissionDenied(
                f"案卷「{volume.number}」是{volume.secrecy}档案，只有档案管理员、总经理和"
                "副总经理可以查阅。"
            )
        raise PermissionDenied(
            f"案卷「{volume.number}」不属于您或您的部门，您不能{rights.ACTIONS[action]}。"
        )
    return volume


def needs_logging(volume: ArchiveVolume) -> bool:
    """机密/绝密 volumes and customer volumes have every look, print and export logged."""
    return (
        volume.secrecy in CLASSIFIED
        or volume.category_code == CUSTOMER_CATEGORY
        or volume.customer_id is not None
    )


def log_access(
    session: Session,
    actor: User,
    volumes: Iterable[ArchiveVolume],
    act: str,
    detail: str | None = None,
    when: datetime | None = None,
) -> int:
    """Write one access-log row per volume that needs logging (the caller commits, or the
    row goes with its rollback); returns how many were written."""
    if act not in ACCESS_ACTS:
        raise ValueError(f"unknown access act {act!r}")
    at = when or local_now()
    rows = [
        {
            "at": at,
            "user_id": actor.id,
            "user_name": actor.name[:40],
            "volume_id": volume.id,
            "number": volume.number,
            "secrecy": volume.secrecy,
            "act": act,
            "detail": (detail or None) and detail[:300],
        }
        for volume in volumes
        if needs_logging(volume)
    ]
    if rows:
        session.execute(insert(ArchiveAccess), rows)
    return len(rows)


def record_use(
    session: Session,
    actor: User,
    volume_ids: Iterable[int],
    act: str,
    detail: str | None = None,
) -> int:
    """A print or export of these volumes (the documents and export call it before they
    write the file): each must be within `actor`'s print/export reach; the confidential
    and customer ones are logged. Commits; returns how many rows were logged."""
    action = {PRINT: "print", EXPORT: "export"}.get(act, "view")
    ids = list(dict.fromkeys(volume_ids))
    volumes = [get_volume(session, actor, volume_id, action) for volume_id in ids]
    written = log_access(session, actor, volumes, act, detail)
    session.commit()
    return written


def logged_volume_condition() -> ColumnElement[bool]:
    """SQL for the volumes whose use is logged (for a bulk export's query)."""
    return or_(
        ArchiveVolume.secrecy.in_(CLASSIFIED),
        ArchiveVolume.category_code == CUSTOMER_CATEGORY,
        ArchiveVolume.customer_id.is_not(None),
    )


def log_query_volumes(
    session: Session, actor: User, condition: ColumnElement[bool] | None
) -> list[ArchiveVolume]:
    """The logged volumes among those `condition` selects (a bulk export logs them all)."""
    query = select(ArchiveVolume).where(logged_volume_condition())
    if condition is not None:
        query = query.where(condition)
    return list(session.scalars(query))
