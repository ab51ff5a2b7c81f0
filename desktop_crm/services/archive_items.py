"""卷内文件目录 and 卷内备考表 of one volume (DOMAIN §5): its documents (add, edit, delete,
reorder; 页号 computed), the notes the archivist appends later, and its scans.

A change to the documents keeps the volume's 页数 and 份数 (the 卷内备考表's counts) and
the 密级 rules (no 绝密 mixed with others; the volume at least as secret as its documents).
The notes are append-only: there is no function to change or remove one, and the store
refuses it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.models import (
    ArchiveItem,
    ArchiveNote,
    ArchiveScan,
    ArchiveScanBlob,
    ArchiveVolume,
    User,
    local_now,
)

from . import audit
from .archive_scope import VIEW, get_volume, log_access, volume_label
from .archives import (
    DESTROYED,
    clean_item_values,
    guarded,
    page_label,
    page_ranges,
    refresh_totals,
    secrecy_problems,
)
from .errors import Conflict, FieldProblem, NotFound, ValidationError
from .stored_files import read_user_file
from .text_keys import normalise_text

NOTE_KINDS = ("缺损", "补充", "移出", "销毁", "其他")
MAX_NOTE = 2000
MAX_SCAN_BYTES = 50 * 1024 * 1024


def _editable(session: Session, actor: User, volume_id: int) -> ArchiveVolume:
    volume = get_volume(session, actor, volume_id, "edit")
    if volume.state == DESTROYED:
        raise ValidationError("已销毁的案卷不能修改目录；如有情况，请在备考表中追加说明。")
    return volume


def _check_secrecy(volume: ArchiveVolume, items: Sequence[tuple[str, str | None]]) -> None:
    problems = secrecy_problems(volume.secrecy, items, field="secrecy")
    if problems:
        raise ValidationError(problems)


def _renumber(volume: ArchiveVolume) -> None:
    for seq, item in enumerate(volume.items, start=1):
        item.seq = seq


def _item_summary(item: ArchiveItem) -> str:
    return f"{item.seq}. {item.doc_number or ''} {item.title}（{item.pages} 页）".replace("  ", " ")


def catalogue(volume: ArchiveVolume) -> list[dict[str, object]]:
    """The 卷内文件目录 as rows: 序号, 文号, 责任者, 题名, 日期, 页号, 备注 (and the ids)."""
    items = list(volume.items)
    ranges = page_ranges(items)
    return [
        {
            "id": item.id,
            "seq": item.seq,
            "doc_number": item.doc_number,
            "author": item.author,
            "title": item.title,
            "doc_date": item.doc_date,
            "pages": item.pages,
            "page_no": page_label(first, last, index == len(items) - 1),
            "first_page": first,
            "last_page": last,
            "kind": item.kind,
            "secrecy": item.secrecy,
            "remarks": item.remarks,
        }
        for index, (item, (first, last)) in enumerate(zip(items, ranges, strict=True))
    ]


@guarded
def add_item(
    session: Session,
    actor: User,
    volume_id: int,
    values: Mapping[str, object],
    position: int | None = None,
) -> ArchiveItem:
    """Add a document to the 卷内文件目录 (at the end, or before 序号 `position`). Commits."""
    volume = _editable(session, actor, volume_id)
    clean, problems = clean_item_values({"title": None, **values})
    if problems:
        raise ValidationError(problems)
    _check_secrecy(
        volume,
        [(i.title, i.secrecy) for i in volume.items] + [(clean["title"], clean.get("secrecy"))],
    )
    item = ArchiveItem(seq=0, **{**clean, "pages": clean.get("pages") or 1})
    index = len(volume.items) if position is None else max(0, min(position - 1, len(volume.items)))
    volume.items.insert(index, item)
    _renumber(volume)
    refresh_totals(volume)
    volume.updated_at = local_now()
    audit.record(
        session, actor, audit.EDIT, "archive_volume", volume.id, volume_label(volume),
        field="卷内文件", new=_item_summary(item),
    )  # fmt: skip
    session.commit()
    return item


def _item(session: Session, item_id: int) -> ArchiveItem:
    item = session.get(ArchiveItem, item_id)
    if item is None:
        raise NotFound("这份卷内文件已不存在。")
    return item


@guarded
def update_item(
    session: Session, actor: User, item_id: int, values: Mapping[str, object]
) -> ArchiveItem:
    """Correct a document's line in the 目录. Commits."""
    item = _item(session, item_id)
    volume = _editable(session, actor, item.volume_id)
    clean, problems = clean_item_values(values)
    if problems:
        raise ValidationError(problems)
    if "pages" in clean and clean["pages"] is None:
        raise ValidationError("页数：必须填写。", "pages")
    merged = {**{k: getattr(item, k) for k in ("title", "secrecy")}, **clean}
    _check_secrecy(
        volume,
        [(i.title, i.secrecy) for i in volume.items if i.id != item.id]
        + [(merged["title"], merged["secrecy"])],
    )
    before = _item_summary(item)
    changes = {k: v for k, v in clean.items() if getattr(item, k) != v}
    if not changes:
        return item
    for key, value in changes.items():
        setattr(item, key, value)
    refresh_totals(volume)
    volume.updated_at = local_now()
    audit.record(
        session, actor, audit.EDIT, "archive_volume", volume.id, volume_label(volume),
        field="卷内文件", old=before, new=_item_summary(item),
    )  # fmt: skip
    session.commit()
    return item


@guarded
def delete_item(session: Session, actor: User, item_id: int) -> None:
    """Take a document out of the 目录 (a wrong line); the others are numbered again."""
    item = _item(session, item_id)
    volume = _editable(session, actor, item.volume_id)
    summary = _item_summary(item)
    volume.items.remove(item)
    _renumber(volume)
    refresh_totals(volume)
    volume.updated_at = local_now()
    audit.record(
        session, actor, audit.EDIT, "archive_volume", volume.id, volume_label(volume),
        field="卷内文件", old=summary,
    )  # fmt: skip
    session.commit()


@guarded
def move_item(session: Session, actor: User, item_id: int, offset: int) -> ArchiveItem:
    """Move a document up (-1) or down (+1) in the 目录 (keyboard reordering)."""
    item = _item(session, item_id)
    volume = _editable(session, actor, item.volume_id)
    items = list(volume.items)
    index = items.index(item)
    target = max(0, min(len(items) - 1, index + offset))
    if target == index:
        return item
    return _reorder(session, actor, volume, [*_moved(items, index, target)], item)


def _moved(items: list[ArchiveItem], index: int, target: int) -> list[ArchiveItem]:
    items = list(items)
    items.insert(target, items.pop(index))
    return items


@guarded
def reorder_items(session: Session, actor: User, volume_id: int, item_ids: Sequence[int]) -> None:
    """Put the documents in this order (every one of the volume's ids once)."""
    volume = _editable(session, actor, volume_id)
    by_id = {item.id: item for item in volume.items}
    if sorted(item_ids) != sorted(by_id):
        raise Conflict("卷内文件目录刚被别人修改过，请重新打开后再排序。")
    _reorder(session, actor, volume, [by_id[i] for i in item_ids], None)


def _reorder(
    session: Session,
    actor: User,
    volume: ArchiveVolume,
    ordered: list[ArchiveItem],
    item: ArchiveItem | None,
) -> ArchiveItem:
    before = "、".join(str(i.id) for i in volume.items)
    for seq, entry in enumerate(ordered, start=1):
        entry.seq = seq
    volume.updated_at = local_now()
    session.flush()
    session.expire(volume, ["items"])
    audit.record(
        session, actor, audit.EDIT, "archive_volume", volume.id, volume_label(volume),
        field="卷内文件顺序", old=before, new="、".join(str(i.id) for i in ordered),
    )  # fmt: skip
    session.commit()
    return item or ordered[0]


# ------------------------------------------------------------------ 卷内备考表 notes


def add_note(session: Session, actor: User, volume_id: int, kind: str, text: str) -> ArchiveNote:
    """Append a note to the 卷内备考表 (缺损, 补充, 移出, 销毁, 其他) with who and when; a
    destroyed volume takes notes too. Commits."""
    volume = get_volume(session, actor, volume_id, "edit")
    problems = []
    if kind not in NOTE_KINDS:
        problems.append(FieldProblem("kind", f"类别：应为：{'、'.join(NOTE_KINDS)}。"))
    body = (text or "").strip()
    if not body:
        problems.append(FieldProblem("text", "说明：必须填写。"))
    elif len(body) > MAX_NOTE:
        problems.append(FieldProblem("text", f"说明：最多 {MAX_NOTE} 个字。"))
    if problems:
        raise ValidationError(problems)
    note = ArchiveNote(
        volume_id=volume.id,
        kind=kind,
        text=body,
        user_id=actor.id,
        user_name=actor.name[:40],
        at=local_now(),
    )
    session.add(note)
    audit.record(
        session, actor, audit.EDIT, "archive_volume", volume.id, volume_label(volume),
        field="备考表", new=f"{kind}：{body}"[:300],
    )  # fmt: skip
    session.commit()
    return note


def notes(session: Session, actor: User, volume_id: int) -> list[ArchiveNote]:
    get_volume(session, actor, volume_id)
    return list(
        session.scalars(
            select(ArchiveNote)
            .where(ArchiveNote.volume_id == volume_id)
            .order_by(ArchiveNote.at, ArchiveNote.id)
        )
    )


# ------------------------------------------------------------------ scans


def add_scan(
    session: Session, actor: User, volume_id: int, path: str | Path, item_id: int | None = None
) -> ArchiveScan:
    """Copy a scanned copy into the store (of the volume, or of one of its documents)."""
    volume = get_volume(session, actor, volume_id, "edit")
    if item_id is not None and item_id not in {item.id for item in volume.items}:
        raise ValidationError("所选卷内文件不属于这个案卷。", "item_id")
    filename, data = read_user_file(path, MAX_SCAN_BYTES, "scan", "扫描件")
    scan = ArchiveScan(
        volume_id=volume.id,
        item_id=item_id,
        filename=normalise_text(filename)[:255],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        added_by_id=actor.id,
        added_at=local_now(),
    )
    session.add(scan)
    session.flush()
    session.add(ArchiveScanBlob(scan_id=scan.id, data=data))
    audit.record(
        session, actor, audit.EDIT, "archive_volume", volume.id, volume_label(volume),
        field="扫描件", new=scan.filename,
    )  # fmt: skip
    session.commit()
    return scan


def scans(session: Session, actor: User, volume_id: int) -> list[ArchiveScan]:
    get_volume(session, actor, volume_id)
    return list(
        session.scalars(
            select(ArchiveScan)
            .where(ArchiveScan.volume_id == volume_id)
            .order_by(ArchiveScan.added_at, ArchiveScan.id)
        )
    )


def scan_data(session: Session, actor: User, scan_id: int) -> tuple[ArchiveScan, bytes]:
    """A scan's bytes to show; looking at a confidential or customer volume's scan is
    logged. Commits the log row."""
    scan = session.get(ArchiveScan, scan_id)
    if scan is None:
        raise NotFound("这个扫描件已不存在。")
    volume = get_volume(session, actor, scan.volume_id)
    blob = session.get(ArchiveScanBlob, scan_id)
    if blob is None:
        raise NotFound("这个扫描件已不存在。")
    if hashlib.sha256(blob.data).hexdigest() != scan.sha256:
        raise Conflict(f"扫描件 {scan.filename} 已损坏（校验不符），请从备份恢复。")
    if log_access(session, actor, [volume], VIEW, f"扫描件 {scan.filename}"):
        session.commit()
    return scan, blob.data
