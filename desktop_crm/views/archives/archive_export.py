"""导出 of the 档案台账 as the user sees it: only the volumes within the export reach, and
every 机密/绝密 or customer volume among them written to the access log first (DOMAIN §5)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import and_
from sqlalchemy.orm import Session

from desktop_crm.documents import internal_note
from desktop_crm.models import User
from desktop_crm.reports.table_xlsx import ExportColumn, write_table
from desktop_crm.services import archive_scope, audit, rights
from desktop_crm.services.listing import ListQuery

OBJECT_TYPE = "archive_list"


def export_query(session: Session, actor: User, query: ListQuery) -> ListQuery:
    """The list as shown, cut to the volumes `actor` may export."""
    condition = archive_scope.scope_condition(session, actor, "export")
    if condition is None:
        return query
    return replace(query, conditions=(*query.conditions, condition), count_conditions=None)


def export_ledger(
    session: Session,
    actor: User,
    query: ListQuery,
    path: str | Path,
    sheet_title: str,
    progress=None,  # noqa: ANN001
    is_cancelled=None,  # noqa: ANN001
    detail: str | None = None,
) -> int:
    """Write the ledger rows to `path`; the logged volumes are recorded (and checked) with
    archive_scope.record_use before a row is written. Returns the rows written."""
    rights.require(session, actor, "archives", "export")
    query = export_query(session, actor, query)
    conditions = query.all_conditions()
    condition = and_(*conditions) if conditions else None
    logged = [v.id for v in archive_scope.log_query_volumes(session, actor, condition)]
    if logged:
        archive_scope.record_use(session, actor, logged, archive_scope.EXPORT, detail or "台账导出")
    columns = [ExportColumn(c.title, c.kind, c.width) for c in query.columns]
    rows = (row[1:] for row in query.iter_rows(session))
    count = write_table(
        path,
        columns,
        rows,
        sheet_title=sheet_title,
        title_note=internal_note(actor),
        progress=progress,
        is_cancelled=is_cancelled,
    )
    audit.record(
        session,
        actor,
        audit.EXPORT,
        OBJECT_TYPE,
        object_label=sheet_title,
        detail="；".join(part for part in (f"{count} 行", detail, Path(path).name) if part),
    )
    session.commit()
    return count
