"""Shared pieces of the documents: the internal-copy mark, list exports, rendering a
form to PDF or XLSX."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from desktop_crm.models import User, local_now
from desktop_crm.reports.layout import FormLayout
from desktop_crm.reports.pdf_render import render_pdf
from desktop_crm.reports.table_xlsx import ExportColumn, write_table
from desktop_crm.reports.xlsx_render import render_xlsx
from desktop_crm.services import audit, rights
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


def render_form(layout: FormLayout, data: dict, act: str, font_path: str | None) -> bytes:
    buffer = io.BytesIO()
    if act == audit.PRINT:
        render_pdf(layout, data, buffer, font_path)
    else:
        render_xlsx(layout, data, buffer)
    return buffer.getvalue()
