"""存放位置 (DOMAIN §5): the location tree 库房 → 柜 → 架 → 格, and volumes moved between
places with the history of every move.

A node's kind comes after its parent's (a 架 may stand straight in a 库房, a 格 never holds
a 柜). `path` ("/1/5/9/") makes a subtree one prefix condition; `label` is the full name
("一号库房 › A柜 › 3架 › 2格"), kept for the list and the printed forms. A node that holds
volumes or children cannot be deleted; it can be retired (active off).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_crm.models import ArchiveLocation, ArchiveMove, ArchiveVolume, User, local_now

from . import audit, rights
from .archive_scope import get_volume, volume_label
from .archives import DESTROYED, guarded
from .errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationError
from .text_keys import normalise_text

KINDS = ("库房", "柜", "架", "格")
SEPARATOR = " › "


@dataclass(frozen=True)
class LocationNode:
    id: int
    parent_id: int | None
    kind: str
    name: str
    code: str | None
    label: str
    depth: int
    active: bool
    volumes: int  # in this node itself


def _require(session: Session, actor: User) -> None:
    """The tree is the archive room's: keeping it needs the archive edit right over all."""
    scope = rights.require(session, actor, "archives", "edit")
    if scope != rights.ALL:
        raise PermissionDenied("只有档案管理员可以维护存放位置。")


def tree(session: Session, actor: User, active_only: bool = False) -> list[LocationNode]:
    """Every node in tree order (parents before children, siblings by order and name)."""
    rights.require(session, actor, "archives", "view")
    counts = dict(
        session.execute(
            select(ArchiveVolume.location_id, func.count())
            .where(ArchiveVolume.location_id.is_not(None))
            .group_by(ArchiveVolume.location_id)
        ).all()
    )
    rows = list(session.scalars(select(ArchiveLocation)))
    children: dict[int | None, list[ArchiveLocation]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    result: list[LocationNode] = []

    def walk(parent: int | None, depth: int) -> None:
        for row in sorted(children.get(parent, []), key=lambda r: (r.sort_order, r.name, r.id)):
            if active_only and not row.active:
                continue
            result.append(
                LocationNode(
                    row.id, row.parent_id, row.kind, row.name, row.code, row.label,
                    depth, row.active, counts.get(row.id, 0),
                )
            )  # fmt: skip
            walk(row.id, depth + 1)

    walk(None, 0)
    return result


def _clean(
    session: Session, parent: ArchiveLocation | None, kind: str, name: str, code: str | None
) -> tuple[str, str, str | None]:
    problems: list[FieldProblem] = []
    name = normalise_text(name or "")
    code = normalise_text(code or "") or None
    if kind not in KINDS:
        problems.append(FieldProblem("kind", f"类型：应为：{'、'.join(KINDS)}。"))
    elif parent is None and kind != KINDS[0]:
        problems.append(FieldProblem("kind", "类型：最上一级应是库房。"))
    elif parent is not None and KINDS.index(kind) <= KINDS.index(parent.kind):
        problems.append(
            FieldProblem(
                "kind",
                f"类型：{parent.kind}里只能放{'、'.join(KINDS[KINDS.index(parent.kind) + 1 :]) or '案卷'}。",
            )
        )
    if not name:
        problems.append(FieldProblem("name", "名称：必须填写。"))
    elif len(name) > 60:
        problems.append(FieldProblem("name", "名称：最多 60 个字。"))
    if code is not None and len(code) > 30:
        problems.append(FieldProblem("code", "编号：最多 30 个字符。"))
    if problems:
        raise ValidationError(problems)
    return kind, name, code


def _sibling_clash(session: Session, parent_id: int | None, name: str, own_id: int | None) -> None:
    query = select(ArchiveLocation.id).where(ArchiveLocation.name == name)
    query = query.where(
        ArchiveLocation.parent_id.is_(None)
        if parent_id is None
        else ArchiveLocation.parent_id == parent_id
    )
    if own_id is not None:
        query = query.where(ArchiveLocation.id != own_id)
    if session.scalar(query) is not None:
        raise Conflict(f"同一位置下已有「{name}」。")


def add_location(
    session: Session,
    actor: User,
    parent_id: int | None,
    kind: str,
    name: str,
    code: str | None = None,
) -> ArchiveLocation:
    """A new 库房 (no parent), or a 柜 / 架 / 格 inside `parent_id`. Commits."""
    _require(session, actor)
    parent = None
    if parent_id is not None:
        parent = session.get(ArchiveLocation, parent_id)
        if parent is None:
            raise NotFound("上级位置已不存在。")
    kind, name, code = _clean(session, parent, kind, name, code)
    _sibling_clash(session, parent_id, name, None)
    node = ArchiveLocation(parent_id=parent_id, kind=kind, name=name, code=code)
    session.add(node)
    session.flush()
    node.path = f"{parent.path if parent else '/'}{node.id}/"
    node.label = f"{parent.label}{SEPARATOR}{name}" if parent else name
    audit.record(session, actor, audit.CREATE, "archive_location", node.id, node.label)
    session.commit()
    return node


def rename_location(
    session: Session, actor: User, location_id: int, name: str, code: str | None = None
) -> ArchiveLocation:
    """A new name (and 编号); the full names below it follow. Commits."""
    _require(session, actor)
    node = _node(session, location_id)
    parent = session.get(ArchiveLocation, node.parent_id) if node.parent_id else None
    _, name, code = _clean(session, parent, node.kind, name, code)
    _sibling_clash(session, node.parent_id, name, node.id)
    old_label = node.label
    node.name, node.code = name, code
    node.label = f"{parent.label}{SEPARATOR}{name}" if parent else name
    for child in _subtree(session, node):
        if child.id != node.id:
            child.label = node.label + child.label[len(old_label) :]
    if old_label != node.label:
        audit.record(
            session, actor, audit.EDIT, "archive_location", node.id, node.label,
            field="名称", old=old_label, new=node.label,
        )  # fmt: skip
    session.commit()
    return node


def set_active(session: Session, actor: User, location_id: int, active: bool) -> None:
    """Retire a place (or take it back); a retired place takes no more volumes."""
    _require(session, actor)
    node = _node(session, location_id)
    node.active = active
    session.commit()


def delete_location(session: Session, actor: User, location_id: int) -> None:
    """Delete an empty place (no volumes, no places inside, never used by a move)."""
    _require(session, actor)
    node = _node(session, location_id)
    if session.scalar(select(ArchiveLocation.id).where(ArchiveLocation.parent_id == node.id)):
        raise Conflict(f"「{node.label}」下还有位置，不能删除。")
    held = session.scalar(
        select(func.count()).select_from(ArchiveVolume).where(ArchiveVolume.location_id == node.id)
    )
    if held:
        raise Conflict(f"「{node.label}」里还有 {held} 个案卷，不能删除。")
    used = session.scalar(
        select(ArchiveMove.id).where(
            (ArchiveMove.from_location_id == node.id) | (ArchiveMove.to_location_id == node.id)
        )
    )
    if used:
        raise Conflict(f"「{node.label}」出现在移动历史中，不能删除；可以停用。")
    audit.record(session, actor, audit.DELETE, "archive_location", node.id, node.label)
    session.delete(node)
    session.commit()


def _node(session: Session, location_id: int) -> ArchiveLocation:
    node = session.get(ArchiveLocation, location_id)
    if node is None:
        raise NotFound("这个存放位置已不存在。")
    return node


def _subtree(session: Session, node: ArchiveLocation) -> Sequence[ArchiveLocation]:
    return list(
        session.scalars(select(ArchiveLocation).where(ArchiveLocation.path.startswith(node.path)))
    )


def subtree_ids(session: Session, location_id: int) -> list[int]:
    node = session.get(ArchiveLocation, location_id)
    return [n.id for n in _subtree(session, node)] if node else []


# ------------------------------------------------------------------ moving volumes


@guarded
def move_volume(
    session: Session,
    actor: User,
    volume_id: int,
    location_id: int | None,
    reason: str | None = None,
) -> ArchiveMove:
    """Put a volume in another place (or none); the move is kept: from, to, who, when,
    why. Commits."""
    volume = get_volume(session, actor, volume_id, "edit")
    if volume.state == DESTROYED:
        raise ValidationError("已销毁的案卷没有存放位置。")
    target = None
    if location_id is not None:
        target = _node(session, location_id)
        if not target.active:
            raise ValidationError(f"「{target.label}」已停用，不能再放案卷。", "location_id")
    if volume.location_id == location_id:
        raise ValidationError("案卷已在这个位置。", "location_id")
    why = normalise_text(reason or "")[:300] or None
    source = volume.location
    move = ArchiveMove(
        volume_id=volume.id,
        from_location_id=volume.location_id,
        to_location_id=location_id,
        from_label=source.label if source else None,
        to_label=target.label if target else None,
        reason=why,
        user_id=actor.id,
        at=local_now(),
    )
    session.add(move)
    volume.location_id = location_id
    volume.updated_at = local_now()
    audit.record(
        session, actor, audit.EDIT, "archive_volume", volume.id, volume_label(volume),
        field="存放位置", old=move.from_label, new=move.to_label, detail=why,
    )  # fmt: skip
    session.commit()
    return move


def moves(session: Session, actor: User, volume_id: int) -> list[ArchiveMove]:
    """The volume's moves, oldest first."""
    get_volume(session, actor, volume_id)
    return list(
        session.scalars(
            select(ArchiveMove)
            .where(ArchiveMove.volume_id == volume_id)
            .order_by(ArchiveMove.at, ArchiveMove.id)
        )
    )
