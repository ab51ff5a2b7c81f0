"""Archive registers and labels, and the ledger's spreadsheet export."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from desktop_crm.models import User, local_now
from desktop_crm.reports.layout import FormLayout
from desktop_crm.reports.table_xlsx import ExportColumn, write_table
from desktop_crm.services import audit, rights

from .base import internal_note, render_form

# --------------------------------------------------------------------------- archive ledger
# 案卷目录, 卷内文件目录, 卷内备考表, 到期鉴定清单 and the ledger's spreadsheet (DOMAIN §5,
# §6 item 9; the shelf labels are in archive_label_forms). Every print or export of volumes
# first goes through archive_scope.record_use: it checks the print/export reach of each
# volume and writes the access log of the confidential and customer ones — before the file
# is made. A printout that shows a 档号 marks it as printed (number_printed_at): from then
# on a correction is a recorded one with a reason. PDF copies are recorded as 打印,
# workbooks as 导出.


def _archive_act(pdf: bool) -> str:
    from desktop_crm.services import archive_scope

    return archive_scope.PRINT if pdf else archive_scope.EXPORT


def _archive_action(pdf: bool) -> str:
    return "print" if pdf else "export"


def _secrecy_mark(levels: object) -> str | None:
    """The highest of 机密/绝密 among `levels`, the mark a copy carries; None below them."""
    found = set(levels)  # type: ignore[call-overload]
    return "绝密" if "绝密" in found else ("机密" if "机密" in found else None)


def _render_archive_form(layout: FormLayout, data: dict, pdf: bool, font_path: str | None) -> bytes:
    from desktop_crm.reports.forms.archive_catalogue import marked_as

    return render_form(
        marked_as(layout, data.get("secrecy_mark")),
        data,
        audit.PRINT if pdf else audit.EXPORT,
        font_path,
    )


def _mark_numbers_printed(session: Session, condition) -> None:  # noqa: ANN001
    """number_printed_at for the volumes `condition` selects that had none (the version
    counter is left alone: printing is not an edit of the volume)."""
    from sqlalchemy import update

    from desktop_crm.models import ArchiveVolume

    table = ArchiveVolume.__table__
    session.execute(
        update(table)
        .where(table.c.id.in_(condition), table.c.number_printed_at.is_(None))
        .values(number_printed_at=local_now())
    )


def _volume_query(session: Session, actor: User, action: str, search: str, filters: dict | None):
    """The ledger as `actor` sees it, narrowed to the volumes they may `action`."""
    from dataclasses import replace

    from desktop_crm.services import archive_scope
    from desktop_crm.services.archive_list import archive_query

    query = archive_query(session, actor, search, filters)
    reach = archive_scope.scope_condition(session, actor, action)
    if reach is not None:
        query = replace(query, conditions=(*query.conditions, reach))
    return query


def _ids_of(query, logged_only: bool = False):  # noqa: ANN001, ANN202 - Select of volume ids
    from sqlalchemy import select

    from desktop_crm.models import ArchiveVolume
    from desktop_crm.services import archive_scope

    ids = select(ArchiveVolume.id).where(*query.all_conditions())
    if logged_only:
        ids = ids.where(archive_scope.logged_volume_condition())
    return ids


def _use_volumes(session: Session, actor: User, query, act: str, detail: str) -> None:  # noqa: ANN001
    """record_use for the volumes of a list query that need logging (the others are
    within reach by the query's own scope condition)."""
    from desktop_crm.services import archive_scope

    logged = list(session.scalars(_ids_of(query, logged_only=True)))
    archive_scope.record_use(session, actor, logged, act, detail)


def _filter_text(session: Session, filters: dict | None, search: str = "") -> str:
    from desktop_crm.models import ArchiveCategory, ArchivePeriod, Department

    parts = []
    for key, value in (filters or {}).items():
        if value in (None, ""):
            continue
        if key == "category_code":
            category = session.get(ArchiveCategory, value)
            parts.append(f"门类 {category.name if category else value}")
        elif key == "year":
            parts.append(f"{value} 年度")
        elif key == "period_code":
            period = session.get(ArchivePeriod, value)
            parts.append(f"保管期限 {period.name if period else value}")
        elif key == "department_id":
            department = session.get(Department, value)
            parts.append(f"责任部门 {department.name if department else value}")
        elif key == "year_range":
            start, end = value
            parts.append(f"{start or ''}—{end or ''} 年度")
        elif key == "secrecy":
            parts.append(f"密级 {value}")
        elif key == "state":
            parts.append(f"状态 {value}")
    if search:
        parts.append(f"查找 {search}")
    return "，".join(parts) or "全部案卷"


def archive_catalogue_data(
    session: Session,
    actor: User,
    filters: dict | None = None,
    search: str = "",
    action: str = "print",
) -> dict:
    """案卷目录's data: the volumes of the ledger's filter and search that `actor` may
    print (or export), in 档号 order, bound as the archive binds them: ``booklets``, one
    per 保管期限 (永久 first, then the longest period to the shortest), each with its
    cover's facts (全宗号, 全宗名称, 年度, 保管期限, 起止档号, 案卷数), rows and totals.
    Reads only; nothing is logged here."""
    from desktop_crm.models import ArchivePeriod
    from desktop_crm.services import archive_settings

    query = _volume_query(session, actor, action, search, filters)
    keys = [c.key for c in query.columns]
    groups: dict[str | None, list[dict]] = {}
    for row in query.iter_rows(session):
        values = dict(zip(keys, row[1:], strict=True))
        values["remarks"] = values["state"] if values["state"] != "在库" else None
        groups.setdefault(values["period"], []).append(values)
    if not groups:  # nothing to list: one booklet of blank rows to write in
        chosen = (filters or {}).get("period_code")
        period = session.get(ArchivePeriod, chosen) if chosen else None
        groups[period.name if period else None] = []
    order = {
        p.name: (p.years is not None, -(p.years or 0), p.sort_order)
        for p in archive_settings.periods(session, active_only=False)
    }
    config = archive_settings.current(session)
    made_at = local_now()
    common = {
        "fonds_code": config.fonds_code,
        "fonds_name": config.fonds_name,
        "scope_text": _filter_text(session, filters, search),
        "made_by": actor.name,
        "made_at": made_at,
        "made_on": made_at.date(),
    }
    booklets = []
    for period in sorted(groups, key=lambda name: order.get(name, (True, 1, 0))):
        rows = groups[period]
        booklets.append(
            {
                **common,
                "period": period,
                "year_text": _catalogue_years(filters, rows),
                "number_range": f"{rows[0]['number']} 至 {rows[-1]['number']}" if rows else "",
                "volume_count": len(rows),
                "volume_text": f"{len(rows)} 卷",
                "page_total": sum(r["pages"] or 0 for r in rows),
                "copy_total": sum(r["copies"] or 0 for r in rows),
                "secrecy_mark": _secrecy_mark(r["secrecy"] for r in rows),
                "rows": rows,
            }
        )
    return {
        **common,
        "booklets": booklets,
        "volume_count": sum(b["volume_count"] for b in booklets),
        "_query": query,
    }


def _catalogue_years(filters: dict | None, rows: list[dict]) -> str:
    """The cover's 年度: the year asked for, else the years the booklet's volumes span."""
    filters = filters or {}
    if filters.get("year") not in (None, ""):
        return str(filters["year"])
    if filters.get("year_range"):
        start, end = filters["year_range"]
        if start and start == end:
            return str(start)
        return f"{start or ''}—{end or ''}"
    years = [r["year"] for r in rows if r["year"] is not None]
    if not years:
        return ""
    low, high = min(years), max(years)
    return str(low) if low == high else f"{low}—{high}"


def archive_catalogue(
    session: Session,
    actor: User,
    pdf: bool,
    filters: dict | None = None,
    search: str = "",
    font_path: str | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> bytes:
    """案卷目录 of the volumes the filter (``year``, ``category_code``, ``period_code`` and
    the ledger's other filter keys) and search select, as PDF (pdf=True, 打印: a cover and
    its pages per 保管期限) or workbook (导出: a sheet per 保管期限).

    ``progress(rows done, all rows)`` is called as the pages are drawn; when
    ``is_cancelled()`` says so, ExportCancelled is raised and nothing is made."""
    import io

    from desktop_crm.reports.forms.archive_catalogue import (
        ARCHIVE_CATALOGUE,
        render_catalogue_pdf,
        render_catalogue_xlsx,
    )

    act = _archive_act(pdf)
    data = archive_catalogue_data(session, actor, filters, search, _archive_action(pdf))
    query = data.pop("_query")
    booklets = data["booklets"]
    detail = (
        f"{ARCHIVE_CATALOGUE.title}（{data['scope_text']}，{data['volume_count']} 卷，"
        f"{len(booklets)} 册）"
    )
    _use_volumes(session, actor, query, act, detail)
    buffer = io.BytesIO()
    if pdf:
        render_catalogue_pdf(
            booklets, buffer, font_path, progress=progress, is_cancelled=is_cancelled
        )
    else:
        render_catalogue_xlsx(booklets, buffer, progress=progress, is_cancelled=is_cancelled)
    _mark_numbers_printed(session, _ids_of(query))
    audit.record(
        session, actor, audit.PRINT if pdf else audit.EXPORT, "archive_volume",
        object_label=ARCHIVE_CATALOGUE.title, detail=detail[:300],
    )  # fmt: skip
    session.commit()
    return buffer.getvalue()


def _one_volume(session: Session, actor: User, volume_id: int, pdf: bool):  # noqa: ANN202
    from desktop_crm.services import archive_scope

    return archive_scope.get_volume(session, actor, volume_id, _archive_action(pdf))


def _volume_heading(session: Session, volume) -> dict:  # noqa: ANN001
    from desktop_crm.models import ArchivePeriod

    period = session.get(ArchivePeriod, volume.period_code)
    return {
        "number": volume.number,
        "title": volume.title,
        "year": volume.year,
        "period": period.name if period else volume.period_code,
        "secrecy": volume.secrecy,
        "secrecy_mark": _secrecy_mark([volume.secrecy]),
    }


def archive_items_data(session: Session, actor: User, volume_id: int, pdf: bool = True) -> dict:
    """卷内文件目录's data for one volume (reads only)."""
    from desktop_crm.services import archive_items

    volume = _one_volume(session, actor, volume_id, pdf)
    return {**_volume_heading(session, volume), "rows": archive_items.catalogue(volume)}


def archive_remarks_data(session: Session, actor: User, volume_id: int, pdf: bool = True) -> dict:
    """卷内备考表's data for one volume (reads only)."""
    from desktop_crm.services import archive_items

    volume = _one_volume(session, actor, volume_id, pdf)
    notes = [
        {"at": note.at, "kind": note.kind, "text": note.text, "user": note.user_name}
        for note in archive_items.notes(session, actor, volume_id)
    ]
    return {
        **_volume_heading(session, volume),
        "item_count": len(volume.items),
        "pages": volume.pages,
        "copies": volume.copies,
        "description": volume.description,
        "compiler": volume.compiler,
        "checker": volume.checker,
        "compiled_on": volume.compiled_on,
        "notes": notes,
    }


def _volume_form(
    session: Session,
    actor: User,
    volume_id: int,
    pdf: bool,
    which: str,
    font_path: str | None,
) -> bytes:
    from desktop_crm.models import ArchiveVolume
    from desktop_crm.reports.forms.archive_items import ARCHIVE_ITEMS
    from desktop_crm.reports.forms.archive_remarks import ARCHIVE_REMARKS
    from desktop_crm.services import archive_scope

    layout, make = {
        "items": (ARCHIVE_ITEMS, archive_items_data),
        "remarks": (ARCHIVE_REMARKS, archive_remarks_data),
    }[which]
    data = make(session, actor, volume_id, pdf)
    act = _archive_act(pdf)
    archive_scope.record_use(session, actor, [volume_id], act, layout.title)
    content = _render_archive_form(layout, data, pdf, font_path)
    _mark_numbers_printed(session, [volume_id])
    volume = session.get(ArchiveVolume, volume_id)
    audit.record(
        session, actor, audit.PRINT if pdf else audit.EXPORT, "archive_volume", volume_id,
        archive_scope.volume_label(volume), detail=layout.title,
    )  # fmt: skip
    session.commit()
    return content


def archive_file_contents(
    session: Session, actor: User, volume_id: int, pdf: bool, font_path: str | None = None
) -> bytes:
    """卷内文件目录 and 卷内备考表 of one volume in one file: two PDF parts numbered on
    their own, or two worksheets (report file-contents)."""
    from desktop_crm.models import ArchiveVolume
    from desktop_crm.reports.forms.archive_catalogue import marked_as
    from desktop_crm.reports.forms.archive_items import ARCHIVE_ITEMS
    from desktop_crm.reports.forms.archive_remarks import ARCHIVE_REMARKS
    from desktop_crm.reports.pdf_render import render_pdf_parts
    from desktop_crm.reports.xlsx_render import render_xlsx_parts
    from desktop_crm.services import archive_scope

    parts = [
        (marked_as(layout, data.get("secrecy_mark")), data)
        for layout, data in (
            (ARCHIVE_ITEMS, archive_items_data(session, actor, volume_id, pdf)),
            (ARCHIVE_REMARKS, archive_remarks_data(session, actor, volume_id, pdf)),
        )
    ]
    detail = f"{ARCHIVE_ITEMS.title}、{ARCHIVE_REMARKS.title}"
    archive_scope.record_use(session, actor, [volume_id], _archive_act(pdf), detail)
    buffer = io.BytesIO()  # a form of several parts: render_form draws one
    if pdf:
        render_pdf_parts(parts, buffer, font_path)
    else:
        render_xlsx_parts(parts, buffer)
    _mark_numbers_printed(session, [volume_id])
    volume = session.get(ArchiveVolume, volume_id)
    audit.record(
        session, actor, audit.PRINT if pdf else audit.EXPORT, "archive_volume", volume_id,
        archive_scope.volume_label(volume), detail=detail,
    )  # fmt: skip
    session.commit()
    return buffer.getvalue()


def archive_items_pdf(
    session: Session, actor: User, volume_id: int, font_path: str | None = None
) -> bytes:
    """卷内文件目录 of one volume, as PDF (打印)."""
    return _volume_form(session, actor, volume_id, True, "items", font_path)


def archive_items_xlsx(session: Session, actor: User, volume_id: int) -> bytes:
    """卷内文件目录 of one volume, as a workbook (导出)."""
    return _volume_form(session, actor, volume_id, False, "items", None)


def archive_remarks_pdf(
    session: Session, actor: User, volume_id: int, font_path: str | None = None
) -> bytes:
    """卷内备考表 of one volume, as PDF (打印)."""
    return _volume_form(session, actor, volume_id, True, "remarks", font_path)


def archive_remarks_xlsx(session: Session, actor: User, volume_id: int) -> bytes:
    """卷内备考表 of one volume, as a workbook (导出)."""
    return _volume_form(session, actor, volume_id, False, "remarks", None)


def archive_due_data(session: Session, actor: User, as_of, action: str = "print") -> dict:  # noqa: ANN001
    """到期鉴定清单's data: what is due for appraisal on `as_of`, earliest first (reads only)."""
    from desktop_crm.services import archive_settings
    from desktop_crm.services.archive_list import DUE_AS_OF

    query = _volume_query(session, actor, action, "", {DUE_AS_OF: as_of}).sorted_by(
        "appraisal_due_on"
    )
    keys = [c.key for c in query.columns]
    rows = []
    for row in query.iter_rows(session):
        values = dict(zip(keys, row[1:], strict=True))
        values["due_on"] = values["appraisal_due_on"]
        rows.append(values)
    return {
        "fonds_code": archive_settings.current(session).fonds_code,
        "as_of": as_of,
        "scope_text": "全部案卷" if _sees_all(session, actor, action) else "您可打印的案卷",
        "rows": rows,
        "volume_count": len(rows),
        "page_total": sum(r["pages"] or 0 for r in rows),
        "secrecy_mark": _secrecy_mark(r["secrecy"] for r in rows),
        "made_by": actor.name,
        "made_at": local_now(),
        "_query": query,
    }


def _sees_all(session: Session, actor: User, action: str) -> bool:
    from desktop_crm.services import archive_scope

    scope = rights.scope_for(session, actor, "archives", action)
    return scope == rights.ALL and archive_scope.cleared(actor)


def archive_due(
    session: Session,
    actor: User,
    as_of,  # noqa: ANN001 - a date
    pdf: bool,
    font_path: str | None = None,
) -> bytes:
    """到期鉴定清单 as of a day, as PDF (打印) or workbook (导出)."""
    from desktop_crm.reports.forms.archive_due import ARCHIVE_DUE

    act = _archive_act(pdf)
    data = archive_due_data(session, actor, as_of, _archive_action(pdf))
    query = data.pop("_query")
    detail = f"{ARCHIVE_DUE.title}（截至 {as_of}，{data['volume_count']} 卷）"
    _use_volumes(session, actor, query, act, detail)
    content = _render_archive_form(ARCHIVE_DUE, data, pdf, font_path)
    _mark_numbers_printed(session, _ids_of(query))
    audit.record(
        session, actor, audit.PRINT if pdf else audit.EXPORT, "archive_volume",
        object_label=ARCHIVE_DUE.title, detail=detail,
    )  # fmt: skip
    session.commit()
    return content


def export_archives(
    session: Session,
    actor: User,
    target: str | Path | BinaryIO,
    search: str = "",
    filters: dict | None = None,
    progress: Callable[[int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> int:
    """The ledger as listed (filters, search, 档号 order; the columns of ARCHIVE_LIST) to a
    workbook: the volumes `actor` may export; the confidential and customer ones are
    logged first. Returns the number of rows."""
    query = _volume_query(session, actor, "export", search, filters)
    detail = f"档案台账（{_filter_text(session, filters, search)}）"
    from dataclasses import replace

    from desktop_crm.models import ArchiveVolume
    from desktop_crm.services import archive_scope
    from desktop_crm.services.listing import ListColumn

    # 盒号 goes into the workbook (import reads it back) though the list does not show it
    box = ListColumn("box_no", "盒号", ArchiveVolume.box_no, kind="int", width=6, align="right")
    query = replace(query, spec=replace(query.spec, columns=(*query.spec.columns, box)))

    _use_volumes(session, actor, query, archive_scope.EXPORT, detail)
    columns = [ExportColumn(c.title, c.kind, c.width) for c in query.columns]
    count = write_table(
        target,
        columns,
        (row[1:] for row in query.iter_rows(session)),
        sheet_title="档案台账",
        title_note=internal_note(actor),
        progress=progress,
        is_cancelled=is_cancelled,
    )
    name = target if isinstance(target, str | Path) else getattr(target, "name", "")
    audit.record(
        session, actor, audit.EXPORT, "archive_volume", object_label="档案台账",
        detail="；".join(p for p in (f"{count} 行", detail, Path(name).name if name else None) if p),
    )  # fmt: skip
    session.commit()
    return count


# --------------------------------------------------------------------------- hand-overs, loans, destruction
# 档案签收簿 and 借阅登记簿 of a year, and the 档案销毁清册 of one batch (issue 6). The volumes
# they name go through archive_scope.record_use first, as the other archive forms do.


def _fonds_code(session: Session) -> str:
    from desktop_crm.services import archive_settings

    return archive_settings.current(session).fonds_code


def archive_receipt_book_data(session: Session, actor: User, year: int) -> dict:
    """档案签收簿's data: the hand-overs received in `year`, oldest first (reads only)."""
    from desktop_crm.services import archive_receipts

    found = archive_receipts.receipt_book(session, actor, year)
    rows = [
        {
            "received_on": r.received_on,
            "department": r.department,
            "handed_by": r.handed_by,
            "received_by": r.received_by,
            "contents": r.contents or r.note,
            "count": len(r.items),
            "missing": r.missing_text,
            "state": r.state,
        }
        for r in found
    ]
    return {
        "fonds_code": _fonds_code(session),
        "year": year,
        "scope_text": "全部部门"
        if rights.scope_for(session, actor, "archives", "view") == rights.ALL
        else "本部门",
        "rows": rows,
        "receipt_count": len(rows),
        "item_total": sum(r["count"] for r in rows),
        "incomplete_count": sum(1 for r in found if r.state == archive_receipts.INCOMPLETE),
        "made_by": actor.name,
        "made_at": local_now(),
        "_volume_ids": [i.volume_id for r in found for i in r.items if i.volume_id],
    }


def archive_loan_book_data(session: Session, actor: User, year: int) -> dict:
    """借阅登记簿's data: the loans requested in `year`, oldest first (reads only)."""
    from desktop_crm.models import ArchiveVolume
    from desktop_crm.services import archive_loans

    found = archive_loans.loan_book(session, actor, year)
    rows = [
        {
            "number": r.number,
            "requested_on": r.requested_on,
            "borrower": r.borrower,
            "unit": r.unit,
            "numbers": r.numbers,
            "titles": r.titles,
            "purpose": r.purpose,
            "use": r.use,
            "due_on": r.due_on,
            "returned_on": r.returned_at.date() if r.returned_at else None,
            "condition": "，".join(p for p in (r.condition, _one_note(r)) if p)
            or (f"{r.state}（逾期）" if r.overdue else r.state),
            "approvals": r.approvals,
        }
        for r in found
    ]
    ids = [v.volume_id for r in found for v in r.volumes]
    levels = [session.get(ArchiveVolume, i).secrecy for i in set(ids)]
    return {
        "fonds_code": _fonds_code(session),
        "year": year,
        "scope_text": "全部借阅",
        "rows": rows,
        "loan_count": len(rows),
        "volume_total": len(ids),
        "open_count": sum(1 for r in found if r.state == archive_loans.LENT),
        "secrecy_mark": _secrecy_mark(levels),
        "made_by": actor.name,
        "made_at": local_now(),
        "_volume_ids": ids,
    }


def _one_note(loan) -> str:  # noqa: ANN001 - a LoanRow
    """The return note; a single volume's without its 档号 in front."""
    if len(loan.volumes) == 1:
        return loan.return_note.removeprefix(f"{loan.volumes[0].number}：")
    return loan.return_note


def archive_destruction_data(session: Session, actor: User, batch_no: str) -> dict:
    """档案销毁清册's data for one batch (by its 批次号, e.g. XH2026-01; reads only)."""
    from desktop_crm.services import archive_appraisal

    register = archive_appraisal.destruction_by_batch(session, actor, batch_no)
    rows = [
        {
            "seq": r.seq,
            "title": r.title,
            "year": r.year,
            "number": r.number,
            "period": r.period,
            "kept": r.kept,
            "pages": r.pages,
            "remarks": r.remarks,
        }
        for r in register.rows
    ]
    numbers = [r.number for r in register.rows]
    volumes = list(session.scalars(select_volumes_by_number(numbers))) if numbers else []
    supervisors = (*register.supervisors, "", "")
    return {
        "fonds_code": _fonds_code(session),
        "batch_no": register.batch_no,
        "state": register.state,
        "reason": register.reason,
        "rows": rows,
        "volume_count": len(rows),
        "total_pages": sum(r.pages or 0 for r in register.rows),
        "approvers": "；".join(register.approvers),
        "reviewed_by": "、".join(register.reviewed_by),
        "approved_by": register.approved_by,
        "supervisor1": supervisors[0],
        "supervisor2": supervisors[1],
        "destroyed_on": register.destroyed_on,
        "place": register.place,
        "method": register.method,
        "secrecy_mark": _secrecy_mark(v.secrecy for v in volumes),
        "made_by": actor.name,
        "made_at": local_now(),
        "_volume_ids": [v.id for v in volumes],
    }


def select_volumes_by_number(numbers: list[str]):  # noqa: ANN201 - a Select
    from sqlalchemy import select

    from desktop_crm.models import ArchiveVolume

    return select(ArchiveVolume).where(ArchiveVolume.number.in_(numbers))


def _flow_form(
    session: Session,
    actor: User,
    layout: FormLayout,
    data: dict,
    pdf: bool,
    object_type: str,
    font_path: str | None,
) -> bytes:
    from desktop_crm.services import archive_scope

    volume_ids = data.pop("_volume_ids")
    detail = f"{layout.title}（{data[layout.subject_key]}，{len(data['rows'])} 行）"
    archive_scope.record_use(session, actor, volume_ids, _archive_act(pdf), detail)
    content = _render_archive_form(layout, data, pdf, font_path)
    audit.record(
        session, actor, audit.PRINT if pdf else audit.EXPORT, object_type,
        object_label=layout.title, detail=detail[:300],
    )  # fmt: skip
    session.commit()
    return content


def archive_receipt_book(
    session: Session, actor: User, year: int, pdf: bool, font_path: str | None = None
) -> bytes:
    """档案签收簿 of a year, as PDF (打印) or workbook (导出)."""
    from desktop_crm.reports.forms.archive_receipt_book import ARCHIVE_RECEIPT_BOOK

    data = archive_receipt_book_data(session, actor, year)
    return _flow_form(session, actor, ARCHIVE_RECEIPT_BOOK, data, pdf, "archive_receipt", font_path)


def archive_loan_book(
    session: Session, actor: User, year: int, pdf: bool, font_path: str | None = None
) -> bytes:
    """借阅登记簿 of a year, as PDF (打印) or workbook (导出)."""
    from desktop_crm.reports.forms.archive_loan_book import ARCHIVE_LOAN_BOOK

    data = archive_loan_book_data(session, actor, year)
    return _flow_form(session, actor, ARCHIVE_LOAN_BOOK, data, pdf, "archive_loan", font_path)


def archive_destruction_register(
    session: Session, actor: User, batch_no: str, pdf: bool, font_path: str | None = None
) -> bytes:
    """档案销毁清册 of one batch, as PDF (打印) or workbook (导出)."""
    from desktop_crm.reports.forms.archive_destruction_register import (
        ARCHIVE_DESTRUCTION_REGISTER,
    )

    data = archive_destruction_data(session, actor, batch_no)
    return _flow_form(
        session, actor, ARCHIVE_DESTRUCTION_REGISTER, data, pdf, "archive_destruction", font_path
    )
