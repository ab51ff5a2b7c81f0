"""解密 (DOMAIN §5; 002 L144: "保密期限届满，除要求继续保密的事项外，自行解密"): the 秘密,
机密 and 绝密 volumes whose 保密期限 has ended, listed for declassification, and the
declassification itself.

The 保密期限 is kept on the volume: `secrecy_until` (filing sets it from the years given,
or from the law's default — 绝密 30, 机密 20, 秘密 10 years — counted from the 归档日期).
A volume without it (a store written before that rule) ends at 归档日期 + `secrecy_years`,
else + the default years. A term ends *on* its day: a volume "保密期限至 2026-03-03" is due
as of 2026-03-03.

Documents carry a 密级 of their own but no term: they follow their volume's. The list shows
a due volume's secret documents with it, and declassifying the volume lowers each document
above the new level to it (a volume is never less secret than its documents).

Who declassifies: DOMAIN and the seeds name nobody, so the archive room does it — the
archives·edit right over 全部 (the 档案管理员), as for the room's other work. The 密级 is
lowered, a line is appended to the 卷内备考表 (append-only) and the change is audited.
Early declassification (before the term ends) is refused: that is a decision for whoever
classified the file, outside the program.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from desktop_crm.models import (
    ArchiveItem,
    ArchiveNote,
    ArchiveVolume,
    Department,
    User,
    local_now,
)

from . import archive_settings, audit, rights
from .archive_receipts import clean_day, clean_text, require_keeper
from .archive_scope import get_volume, scope_condition, volume_label
from .archive_settings import (
    DEFAULT_SECRECY_YEARS,
    SECRECY_LEVELS,
    SECRET_LEVELS,
    secrecy_rank,
)
from .archives import DESTROYED, TRANSFERRED, guarded
from .errors import Conflict, FieldProblem, ValidationError

NOTE_KIND = "解密"
GONE = (DESTROYED, TRANSFERRED)  # no longer kept here: nothing to declassify
MAX_REASON = 300
ID_CHUNK = 500  # volume ids per IN (…) when reading the lines shown
STALE = "这个案卷刚被别人修改过。请刷新后再看。"


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def term_end(
    level: str, until: date | None, years: int | None, filed_on: date | None
) -> date | None:
    """The last day of a 保密期限: `until`, else 归档日期 + its years (the law's default
    years when none were given); None when `level` is not a secret."""
    if level not in SECRET_LEVELS:
        return None
    if until is not None:
        return until
    if filed_on is None:
        return None
    return _years_later(filed_on, years or DEFAULT_SECRECY_YEARS[level])


def secrecy_end(volume: ArchiveVolume) -> date | None:
    """The last day of the volume's 保密期限; None when it is not a secret."""
    return term_end(volume.secrecy, volume.secrecy_until, volume.secrecy_years, volume.filed_on)


# ------------------------------------------------------------------ the list


@dataclass(frozen=True)
class DueDocument:
    """A document of a due volume with a secret 密级 of its own."""

    item_id: int
    seq: int
    doc_number: str
    title: str
    secrecy: str


@dataclass(frozen=True)
class DueRow:
    volume_id: int
    number: str
    title: str
    year: int
    secrecy: str
    secrecy_until: date  # the term's last day
    days_over: int  # days from that day to `as_of`
    department: str
    state: str
    documents: tuple[DueDocument, ...]
    version: int

    @property
    def documents_text(self) -> str:
        """E.g. 2 件：《报价单》机密、《附件》秘密."""
        if not self.documents:
            return ""
        shown = "、".join(f"《{d.title}》{d.secrecy}" for d in self.documents[:3])
        more = "等" if len(self.documents) > 3 else ""
        return f"{len(self.documents)} 件：{shown}{more}"


def _documents(session: Session, volume_ids: list[int]) -> dict[int, list[DueDocument]]:
    """The documents with a secret 密级 of their own, by volume (ids asked in chunks)."""
    found: dict[int, list[DueDocument]] = {}
    for first in range(0, len(volume_ids), ID_CHUNK):
        query = (
            select(ArchiveItem)
            .where(
                ArchiveItem.volume_id.in_(volume_ids[first : first + ID_CHUNK]),
                ArchiveItem.secrecy.in_(SECRET_LEVELS),
            )
            .order_by(ArchiveItem.volume_id, ArchiveItem.seq)
        )
        for item in session.scalars(query):
            found.setdefault(item.volume_id, []).append(
                DueDocument(
                    item.id, item.seq, item.doc_number or "", item.title, item.secrecy or ""
                )
            )
    return found


def _scan(session: Session, actor: User, as_of: date) -> list[tuple[date, str, int]]:
    """(end, 档号, id) of every due volume in reach, earliest end first.

    Every secret volume carries the end of its term (filing sets it; migration 0014 set it
    for older ones), so the index on `secrecy_until` reads only the due volumes (0.8 s →
    ms at 50,000 secrets); the lines shown are read by id after."""
    query = select(
        ArchiveVolume.id,
        ArchiveVolume.number,
        ArchiveVolume.secrecy,
        ArchiveVolume.secrecy_until,
        ArchiveVolume.secrecy_years,
        ArchiveVolume.filed_on,
    ).where(
        ArchiveVolume.secrecy.in_(SECRET_LEVELS),
        ArchiveVolume.state.not_in(GONE),
        ArchiveVolume.secrecy_until <= as_of,
    )
    reach = scope_condition(session, actor)
    if reach is not None:
        query = query.where(reach)
    due = []
    for volume_id, number, level, until, years, filed_on in session.execute(query):
        end = term_end(level, until, years, filed_on)
        if end is not None and end <= as_of:
            due.append((end, number, volume_id))
    due.sort()
    return due


def _due_rows(session: Session, due: list[tuple[date, str, int]], as_of: date) -> list[DueRow]:
    ids = [volume_id for _end, _number, volume_id in due]
    found: dict[int, Row[Any]] = {}
    for first in range(0, len(ids), ID_CHUNK):
        query = select(
            ArchiveVolume.id,
            ArchiveVolume.title,
            ArchiveVolume.year,
            ArchiveVolume.secrecy,
            ArchiveVolume.department_id,
            ArchiveVolume.state,
            ArchiveVolume.version,
        ).where(ArchiveVolume.id.in_(ids[first : first + ID_CHUNK]))
        found.update((row.id, row) for row in session.execute(query))
    departments = {
        key: name for key, name in session.execute(select(Department.id, Department.name))
    }
    documents = _documents(session, ids)
    return [
        DueRow(
            volume_id=volume_id,
            number=number,
            title=row.title,
            year=row.year,
            secrecy=row.secrecy,
            secrecy_until=end,
            days_over=(as_of - end).days,
            department=departments.get(row.department_id, ""),
            state=row.state,
            documents=tuple(documents.get(volume_id, ())),
            version=row.version,
        )
        for end, number, volume_id in due
        if (row := found.get(volume_id)) is not None
    ]


def due_for_declassification(
    session: Session, actor: User, as_of: date, limit: int | None = None
) -> list[DueRow]:
    """秘密/机密/绝密 volumes within `actor`'s reach (archives·view, clearance) whose
    保密期限 ended on or before `as_of`, earliest end first, each with its documents that
    carry a secret 密级 of their own; destroyed and transferred volumes are left out.
    `limit` cuts the list."""
    due = _scan(session, actor, as_of)
    return _due_rows(session, due if limit is None else due[:limit], as_of)


def due_first(session: Session, actor: User, as_of: date, limit: int) -> tuple[list[DueRow], int]:
    """The first `limit` lines of `due_for_declassification` and how many there are, in
    one pass (the 今日待办 line)."""
    due = _scan(session, actor, as_of)
    return _due_rows(session, due[:limit], as_of), len(due)


def may_declassify(session: Session, actor: User) -> bool:
    """The archive room's right (archives·edit over 全部)."""
    return rights.scope_for(session, actor, "archives", "edit") == rights.ALL


def lower_levels(level: str) -> tuple[str, ...]:
    """The levels a volume of `level` may be lowered to, the highest first."""
    return tuple(reversed(SECRECY_LEVELS[: secrecy_rank(level)]))


# ------------------------------------------------------------------ declassifying


@guarded
def declassify(
    session: Session,
    actor: User,
    volume_id: int,
    new_level: object,
    reason: object,
    new_until: object = None,
    expected_version: int | None = None,
) -> ArchiveVolume:
    """解密 (or 降密) a volume whose 保密期限 has ended: its 密级 lowered to `new_level`
    (内部 or 公开; or a lower secret level, which needs `new_until`, the new term's last
    day, after today), with a `reason`. Its documents above the new level are lowered with
    it; a line goes into the 卷内备考表 and the change into the audit log. The archive
    room only (archives·edit over 全部). Every problem at once; nothing written. Commits."""
    require_keeper(session, actor, what="解密档案")
    volume = get_volume(session, actor, volume_id, "edit")
    if expected_version is not None and volume.version != expected_version:
        raise Conflict(STALE)
    if volume.state in GONE:
        raise Conflict(f"案卷「{volume.number}」{volume.state}，不能解密。")
    old = volume.secrecy
    if old not in SECRET_LEVELS:
        raise Conflict(f"案卷「{volume.number}」是{old}档案，不是涉密档案，无需解密。")
    today = date.today()
    end = secrecy_end(volume)
    assert end is not None
    problems: list[FieldProblem] = []
    level = archive_settings.find_secrecy(new_level) if new_level not in (None, "") else None
    if level is None:
        problems.append(
            FieldProblem("secrecy", "新的密级：请选择。")
            if new_level in (None, "")
            else FieldProblem("secrecy", f"新的密级：应为{'、'.join(lower_levels(old))}。")
        )
    elif secrecy_rank(level) >= secrecy_rank(old):
        problems.append(
            FieldProblem(
                "secrecy", f"新的密级：应低于现在的{old}（可选{'、'.join(lower_levels(old))}）。"
            )
        )
    text = clean_text(reason, "reason", "解密理由", MAX_REASON, problems, True)
    until = None
    if level in SECRET_LEVELS and secrecy_rank(level) < secrecy_rank(old):
        until = clean_day(new_until, "secrecy_until", "新的保密期限至", problems)
        if until is None and "secrecy_until" not in {p.field for p in problems}:
            problems.append(
                FieldProblem("secrecy_until", f"新的保密期限至：降为{level}时必须填写。")
            )
        elif until is not None and until <= today:
            problems.append(FieldProblem("secrecy_until", "新的保密期限至：应晚于今天。"))
    if end > today:
        problems.append(
            FieldProblem(
                "secrecy",
                f"保密期限至 {end:%Y-%m-%d}，尚未届满，不能解密（如需提前解密，须由定密单位决定）。",
            )
        )
    if problems:
        raise ValidationError(problems)
    assert level is not None and text is not None
    try:
        now = local_now()
        lowered = [
            item for item in volume.items if secrecy_rank(item.secrecy) > secrecy_rank(level)
        ]
        for item in lowered:
            item.secrecy = level
        volume.secrecy = level
        volume.secrecy_years = None
        volume.secrecy_until = until
        volume.updated_at = now
        what = "解密" if level not in SECRET_LEVELS else "降密"
        note = (
            f"{today:%Y-%m-%d} {what}：密级由{old}改为{level}"
            + (f"，保密期限至 {until:%Y-%m-%d}" if until else "")
            + f"（原保密期限至 {end:%Y-%m-%d} 届满）"
        )
        if lowered:
            titles = "、".join(f"《{item.title}》" for item in lowered[:5])
            more = f"等 {len(lowered)} 件" if len(lowered) > 5 else ""
            note += f"；卷内文件{titles}{more}同时改为{level}"
        note += f"。理由：{text}"
        session.add(
            ArchiveNote(
                volume_id=volume.id,
                kind=NOTE_KIND,
                text=note,
                user_id=actor.id,
                user_name=actor.name[:40],
                at=now,
            )
        )
        label = volume_label(volume)
        audit.record(
            session, actor, audit.EDIT, "archive_volume", volume.id, label,
            field="密级", old=old, new=level, detail=f"{what}：{text}"[:300],
        )  # fmt: skip
        audit.record(
            session, actor, audit.EDIT, "archive_volume", volume.id, label,
            field="保密期限至", old=end.isoformat(), new=until.isoformat() if until else None,
        )  # fmt: skip
        if lowered:
            audit.record(
                session, actor, audit.EDIT, "archive_volume", volume.id, label,
                field="卷内文件密级", new=level,
                detail="、".join(f"{item.seq}.{item.title}" for item in lowered)[:300],
            )  # fmt: skip
        session.flush()
        session.commit()
    except Exception:
        session.rollback()
        raise
    return volume
