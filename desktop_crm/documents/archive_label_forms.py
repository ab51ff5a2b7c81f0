"""Shelf labels (DOMAIN §6 item 9, issue 6): spine labels and 归档章 of chosen volumes, and a
year's labels — the 档号章 of every volume of the 年度 and one spine per box (盒号).

Printing labels is printing the volumes: the volumes must be within the actor's print
reach (archive_scope: scope by 责任部门, clearance for 机密/绝密), the confidential and
customer ones are written to the access log before the file is made (record_use), and a
printed 档号 is marked as such (number_printed_at).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import audit

from .archive_forms import _ids_of, _mark_numbers_printed, _use_volumes, _volume_query

# kinds of a year's labels, as the command line and the window name them
YEAR_STAMP, YEAR_SPINE = "stamp", "spine"
YEAR_KINDS = (YEAR_STAMP, YEAR_SPINE)


def archive_label_values(session: Session, actor: User, volume_ids: list[int]) -> list[dict]:
    """One dict per volume with what its spine label and 归档章 show (reads only)."""
    from desktop_crm.models import ArchivePeriod
    from desktop_crm.services import archive_scope, archive_settings

    digits = archive_settings.current(session).case_digits
    values = []
    for volume_id in volume_ids:
        volume = archive_scope.get_volume(session, actor, volume_id, "print")
        period = session.get(ArchivePeriod, volume.period_code)
        values.append(
            {
                "number": volume.number,
                "title": volume.title,
                "year": volume.year,
                "period": period.name if period else volume.period_code,
                "secrecy": volume.secrecy,
                "fonds": volume.fonds_code,
                "case_no": f"{volume.case_no:0{digits}d}",
                "org": volume.department.name if volume.department else volume.org_code,
                "pages": volume.pages,
            }
        )
    return values


def archive_labels_pdf(
    session: Session,
    actor: User,
    volume_ids: list[int],
    kinds: tuple[str, ...] = ("spine", "stamp"),
    font_path: str | None = None,
) -> bytes:
    """Spine labels and/or 归档章 of the volumes, several to an A4 sheet (打印)."""
    from desktop_crm.reports.forms.archive_labels import SHEETS, render_labels_pdf
    from desktop_crm.services import archive_scope

    ids = list(dict.fromkeys(volume_ids))
    labels = archive_label_values(session, actor, ids)
    detail = "、".join(SHEETS[kind].title for kind in kinds)
    archive_scope.record_use(session, actor, ids, archive_scope.PRINT, detail)
    buffer = io.BytesIO()
    render_labels_pdf([(kind, labels) for kind in kinds], buffer, font_path)
    _mark_numbers_printed(session, ids)
    audit.record(
        session, actor, audit.PRINT, "archive_volume", object_label=detail,
        detail=f"{len(ids)} 卷：" + "、".join(v["number"] for v in labels)[:250],
    )  # fmt: skip
    session.commit()
    return buffer.getvalue()


# --------------------------------------------------------------------------- a year's labels


def _year_query(session: Session, actor: User, year: int):  # noqa: ANN202 - a ListQuery
    """The volumes of `year` that `actor` may print and that stand on the shelves (a
    destroyed or transferred volume has no box any more)."""
    from desktop_crm.models import ArchiveVolume
    from desktop_crm.services.archive_list import GONE_STATES

    query = _volume_query(session, actor, "print", "", {"year": year})
    return replace(query, conditions=(*query.conditions, ArchiveVolume.state.not_in(GONE_STATES)))


def archive_volume_labels_pdf(session: Session, actor: User, volume_id: int) -> bytes:
    """The labels of one volume, from its dialog: its spine (档号, 题名, 年度, 保管期限), its
    档号章 with the QR code, and its 归档章."""
    return archive_labels_pdf(session, actor, [volume_id], ("spine", "number_stamp", "stamp"))


def archive_year_labels_data(session: Session, actor: User, year: int) -> dict:
    """What a year's labels show (reads only): ``stamps`` — one 档号章 per volume of the 年度
    in 档号 order (全宗号, 年度, 保管期限, 案卷号, 页数, 机构 and the 档号 for its QR code);
    ``boxes`` — one spine per box: the volumes grouped by 保管期限, 门类, 机构 and 盒号 (and
    全宗号), each with its first and last 档号 (起止档号), 盒号, 卷数 and highest 密级; a
    volume without a 盒号 has a spine of its own with the 盒号 blank. Boxes are in the
    order of their first 档号. Volumes out of `actor`'s print reach are left out."""
    from desktop_crm.models import ArchivePeriod, ArchiveVolume, Department
    from desktop_crm.services import archive_settings

    query = _year_query(session, actor, year)
    digits = archive_settings.current(session).case_digits
    rows = session.execute(
        select(
            ArchiveVolume.id,
            ArchiveVolume.number,
            ArchiveVolume.fonds_code,
            ArchiveVolume.year,
            ArchiveVolume.period_code,
            ArchivePeriod.name,
            ArchiveVolume.category_code,
            ArchiveVolume.org_code,
            Department.name,
            ArchiveVolume.case_no,
            ArchiveVolume.pages,
            ArchiveVolume.secrecy,
            ArchiveVolume.box_no,
        )
        .select_from(ArchiveVolume)
        .outerjoin(ArchivePeriod, ArchivePeriod.code == ArchiveVolume.period_code)
        .outerjoin(Department, Department.id == ArchiveVolume.department_id)
        .where(*query.all_conditions())
        .order_by(ArchiveVolume.number, ArchiveVolume.id)
    ).all()
    stamps: list[dict] = []
    boxes: dict[tuple, dict] = {}
    for (volume_id, number, fonds, volume_year, period_code, period_name, category, org,
         department, case_no, pages, secrecy, box_no) in rows:  # fmt: skip
        period = period_name or period_code
        stamps.append(
            {
                "fonds": fonds,
                "year": volume_year,
                "case_no": f"{case_no:0{digits}d}",
                "org": department or org,
                "period": period,
                "pages": pages,
                "number": number,
                "secrecy": secrecy,
            }
        )
        key = (
            (fonds, period_code, category, org, box_no)
            if box_no is not None
            else ("", "", "", "", -volume_id)
        )
        box = boxes.get(key)
        if box is None:
            boxes[key] = {
                "fonds": fonds,
                "year": volume_year,
                "period": period,
                "first": number,
                "last": number,
                "box_no": box_no,
                "count": 1,
                "secrecy": secrecy,
            }
        else:
            box["last"] = number
            box["count"] += 1
            if archive_settings.secrecy_rank(secrecy) > archive_settings.secrecy_rank(
                box["secrecy"]
            ):
                box["secrecy"] = secrecy
    return {
        "year": year,
        "stamps": stamps,
        "boxes": list(boxes.values()),
        "_query": query,
    }


def archive_labels_for_year(
    session: Session,
    actor: User,
    year: int,
    kinds: Sequence[str] = YEAR_KINDS,
    font_path: str | None = None,
) -> bytes:
    """A year's labels on A4 sheets (打印): ``stamp`` — the 档号章 of every volume of the 年度,
    ``spine`` — one box spine per 盒号 (see archive_year_labels_data); each label with a QR
    code of its 档号 (a box: of 起—止). Refuses a year with no volume to label."""
    from desktop_crm.reports.forms.archive_labels import (
        BOX_SPINE,
        NUMBER_STAMP,
        SHEETS,
        render_labels_pdf,
    )
    from desktop_crm.services import archive_scope
    from desktop_crm.services.errors import ValidationError

    unknown = [kind for kind in kinds if kind not in YEAR_KINDS]
    if unknown or not kinds:
        raise ValidationError("标签种类应为 stamp（档号章）或 spine（档案盒盒脊标签）。", "kinds")
    data = archive_year_labels_data(session, actor, year)
    query = data.pop("_query")
    if not data["stamps"]:
        raise ValidationError(
            f"该年度没有案卷：{year} 年度没有您可以打印标签的案卷（已销毁、移出的不计）。",
            "year",
        )
    sheets = {
        YEAR_STAMP: (NUMBER_STAMP, data["stamps"]),
        YEAR_SPINE: (BOX_SPINE, data["boxes"]),
    }
    parts = [sheets[kind] for kind in dict.fromkeys(kinds)]
    titles = "、".join(SHEETS[kind].title for kind, _labels in parts)
    detail = f"{titles}（{year} 年度，{len(data['stamps'])} 卷，{len(data['boxes'])} 盒）"
    _use_volumes(session, actor, query, archive_scope.PRINT, detail)
    buffer = io.BytesIO()
    render_labels_pdf(parts, buffer, font_path)
    _mark_numbers_printed(session, _ids_of(query))
    audit.record(
        session, actor, audit.PRINT, "archive_volume", object_label=titles, detail=detail[:300]
    )
    session.commit()
    return buffer.getvalue()


__all__ = [
    "YEAR_KINDS",
    "archive_label_values",
    "archive_labels_for_year",
    "archive_labels_pdf",
    "archive_year_labels_data",
]
