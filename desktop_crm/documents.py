"""Documents made from the store: list exports and printed forms.

The one place where service data meets the report renderers, shared by the window and the
command line so both produce the same files.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from desktop_crm.models import User, local_now
from desktop_crm.reports.forms.complaint_month import COMPLAINT_MONTH
from desktop_crm.reports.forms.complaint_record import COMPLAINT_RECORD
from desktop_crm.reports.forms.complaint_week import COMPLAINT_WEEK
from desktop_crm.reports.forms.customer_card import CUSTOMER_CARD
from desktop_crm.reports.forms.revisit_record import REVISIT_RECORD
from desktop_crm.reports.layout import FormLayout
from desktop_crm.reports.pdf_render import render_pdf
from desktop_crm.reports.table_xlsx import ExportColumn, write_table
from desktop_crm.reports.xlsx_render import render_xlsx
from desktop_crm.services import audit, complaint_stats, customers, rights
from desktop_crm.services.listing import ListQuery

# The rights area each exported list belongs to.
EXPORT_AREAS = {
    "customer_list": "customers",
    "audit_log": "audit",
    "complaint_list": "complaints",
}


def internal_note(actor: User) -> str:
    """The mark every copy of customer files carries (DOMAIN §1: copies are internal)."""
    return f"内部资料 · 导出人 {actor.name} · {local_now():%Y-%m-%d %H:%M}"


def export_list(
    session: Session,
    actor: User,
    query: ListQuery,
    target: str | Path | BinaryIO,
    sheet_title: str,
    progress: Callable[[int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    detail: str | None = None,
    object_type: str = "customer_list",
) -> int:
    """Write the list as the user sees it (filters, search, sort) to a workbook, and record
    the export in the audit log (`detail`: the search and filters it was made with).

    Exporting customer files is copying them (DOMAIN §1): it needs the export right of
    the list's area, checked before a row is read.
    """
    rights.require(session, actor, EXPORT_AREAS[object_type], "export")
    columns = [ExportColumn(c.title, c.kind, c.width) for c in query.columns]
    rows = (row[1:] for row in query.iter_rows(session))
    count = write_table(
        target,
        columns,
        rows,
        sheet_title=sheet_title,
        title_note=internal_note(actor),
        progress=progress,
        is_cancelled=is_cancelled,
    )
    name = target if isinstance(target, str | Path) else getattr(target, "name", "")
    audit.record(
        session,
        actor,
        audit.EXPORT,
        object_type,
        object_label=sheet_title,
        detail="；".join(
            part for part in (f"{count} 行", detail, Path(name).name if name else None) if part
        ),
    )
    session.commit()
    return count


def customer_card_pdf(
    session: Session, actor: User, customer_id: int, font_path: str | None = None
) -> bytes:
    rights.require(session, actor, "customers", "print")
    buffer = io.BytesIO()
    render_pdf(
        CUSTOMER_CARD,
        customers.card_data(session, actor, customer_id, audit.PRINT),
        buffer,
        font_path,
    )
    return buffer.getvalue()


def customer_card_xlsx(session: Session, actor: User, customer_id: int) -> bytes:
    rights.require(session, actor, "customers", "print")
    buffer = io.BytesIO()
    render_xlsx(
        CUSTOMER_CARD, customers.card_data(session, actor, customer_id, audit.EXPORT), buffer
    )
    return buffer.getvalue()


# --------------------------------------------------------------------------- complaints
# Each form below needs the print right of its area (PDF and XLSX alike, as the customer
# card); the copy is recorded in the audit log once the file is made: 打印 for the PDF,
# 导出 for the workbook.


def _render(layout: FormLayout, data: dict, act: str, font_path: str | None) -> bytes:
    buffer = io.BytesIO()
    if act == audit.PRINT:
        render_pdf(layout, data, buffer, font_path)
    else:
        render_xlsx(layout, data, buffer)
    return buffer.getvalue()


def _complaint_record(
    session: Session, actor: User, complaint_id: int, act: str, font_path: str | None = None
) -> bytes:
    data = complaint_stats.complaint_record_data(session, actor, complaint_id, "print")
    content = _render(COMPLAINT_RECORD, data, act, font_path)
    audit.record(
        session,
        actor,
        act,
        "complaint",
        complaint_id,
        f"{data['number']} {data['customer_name']}",
        detail=COMPLAINT_RECORD.title,
    )
    session.commit()
    return content


def complaint_record_pdf(
    session: Session, actor: User, complaint_id: int, font_path: str | None = None
) -> bytes:
    """顾客产品质量投诉调查处理记录 of one complaint, as PDF (recorded as 打印)."""
    return _complaint_record(session, actor, complaint_id, audit.PRINT, font_path)


def complaint_record_xlsx(session: Session, actor: User, complaint_id: int) -> bytes:
    """顾客产品质量投诉调查处理记录 of one complaint, as a workbook (recorded as 导出)."""
    return _complaint_record(session, actor, complaint_id, audit.EXPORT)


def _revisit_record(
    session: Session, actor: User, revisit_id: int, act: str, font_path: str | None = None
) -> bytes:
    # services.revisits is written beside this module: imported when used.
    from desktop_crm.services import revisits

    data = dict(revisits.revisit_record_data(session, actor, revisit_id, act))
    level = str(data.get("satisfaction") or "")
    number = str(data.get("complaint_number") or "")
    data["satisfaction_scale"] = complaint_stats.satisfaction_scale(level)
    data["conclusion"] = complaint_stats.revisit_conclusion(number, level)
    if data.get("complaint_round"):
        data["complaint_round_text"] = f"第 {data['complaint_round']} 轮"
    return _render(REVISIT_RECORD, data, act, font_path)


def revisit_record_pdf(
    session: Session, actor: User, revisit_id: int, font_path: str | None = None
) -> bytes:
    """客户投诉回访记录 of one revisit, as PDF (services.revisits records it as 打印)."""
    return _revisit_record(session, actor, revisit_id, audit.PRINT, font_path)


def revisit_record_xlsx(session: Session, actor: User, revisit_id: int) -> bytes:
    """客户投诉回访记录 of one revisit, as a workbook (recorded as 导出)."""
    return _revisit_record(session, actor, revisit_id, audit.EXPORT)


def _complaint_week(
    session: Session,
    actor: User,
    iso_week: str,
    department_id: int | None,
    act: str,
    font_path: str | None = None,
) -> bytes:
    rights.require(session, actor, "complaints", "print")
    data = complaint_stats.week_report_data(session, actor, iso_week, department_id, "print")
    content = _render(COMPLAINT_WEEK, data, act, font_path)
    audit.record(
        session,
        actor,
        act,
        "complaint",
        object_label=f"{COMPLAINT_WEEK.title} {data['week']}",
        detail=f"{data['department']}；{data['total']} 件；{data['scope_text']}",
    )
    session.commit()
    return content


def complaint_week_pdf(
    session: Session,
    actor: User,
    iso_week: str,
    department_id: int | None = None,
    font_path: str | None = None,
) -> bytes:
    """客户投诉记录表 of the week ``2026-W47`` (one department's, or all), as PDF."""
    return _complaint_week(session, actor, iso_week, department_id, audit.PRINT, font_path)


def complaint_week_xlsx(
    session: Session, actor: User, iso_week: str, department_id: int | None = None
) -> bytes:
    """客户投诉记录表 of the week ``2026-W47`` (one department's, or all), as a workbook."""
    return _complaint_week(session, actor, iso_week, department_id, audit.EXPORT)


def _complaint_month(
    session: Session, actor: User, month: str, act: str, font_path: str | None = None
) -> bytes:
    rights.require(session, actor, "complaints", "print")
    data = complaint_stats.month_report_data(session, actor, month, "print")
    content = _render(COMPLAINT_MONTH, data, act, font_path)
    audit.record(
        session,
        actor,
        act,
        "complaint",
        object_label=f"{COMPLAINT_MONTH.title} {data['month']}",
        detail=f"{data['stats'].total} 件；{data['scope_text']}",
    )
    session.commit()
    return content


def complaint_month_pdf(
    session: Session, actor: User, month: str, font_path: str | None = None
) -> bytes:
    """顾客投诉统计分析报告表 of the month ``2026-11`` against the month before, as PDF."""
    return _complaint_month(session, actor, month, audit.PRINT, font_path)


def complaint_month_xlsx(session: Session, actor: User, month: str) -> bytes:
    """顾客投诉统计分析报告表 of the month ``2026-11`` against the month before, as a workbook."""
    return _complaint_month(session, actor, month, audit.EXPORT)
