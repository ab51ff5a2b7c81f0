"""Complaint forms: 顾客产品质量投诉调查处理记录, 客户投诉回访记录, the weekly 客户投诉记录表,
the monthly 顾客投诉统计分析报告表 and the 顾客投诉处理报告表."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.reports.forms.complaint_handling_report import COMPLAINT_HANDLING_REPORT
from desktop_crm.reports.forms.complaint_month import COMPLAINT_MONTH
from desktop_crm.reports.forms.complaint_record import COMPLAINT_RECORD
from desktop_crm.reports.forms.complaint_week import COMPLAINT_WEEK
from desktop_crm.reports.forms.revisit_record import REVISIT_RECORD
from desktop_crm.services import audit, complaint_stats, rights

from .base import render_form

# --------------------------------------------------------------------------- complaints
# Each form below needs the print right of its area (PDF and XLSX alike, as the customer
# card); the copy is recorded in the audit log once the file is made: 打印 for the PDF,
# 导出 for the workbook.


def _complaint_record(
    session: Session, actor: User, complaint_id: int, act: str, font_path: str | None = None
) -> bytes:
    data = complaint_stats.complaint_record_data(session, actor, complaint_id, "print")
    content = render_form(COMPLAINT_RECORD, data, act, font_path)
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
    return render_form(REVISIT_RECORD, data, act, font_path)


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
    content = render_form(COMPLAINT_WEEK, data, act, font_path)
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
    content = render_form(COMPLAINT_MONTH, data, act, font_path)
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


def _complaint_handling_report(
    session: Session, actor: User, report_id: int, act: str, font_path: str | None = None
) -> bytes:
    # services.complaint_handling_reports is written beside this module: imported when used.
    from desktop_crm.services import complaint_handling_reports

    data = complaint_handling_reports.report_data(session, actor, report_id, "print")
    content = render_form(COMPLAINT_HANDLING_REPORT, data, act, font_path)
    audit.record(
        session,
        actor,
        act,
        "complaint",
        data["complaint_id"],
        f"{data['number']} {data['customer_name']}",
        detail=COMPLAINT_HANDLING_REPORT.title,
    )
    session.commit()
    return content


def complaint_handling_report_pdf(
    session: Session, actor: User, report_id: int, font_path: str | None = None
) -> bytes:
    """顾客投诉处理报告表 (one report of a complaint), as PDF (recorded as 打印)."""
    return _complaint_handling_report(session, actor, report_id, audit.PRINT, font_path)


def complaint_handling_report_xlsx(session: Session, actor: User, report_id: int) -> bytes:
    """顾客投诉处理报告表 (one report of a complaint), as a workbook (recorded as 导出)."""
    return _complaint_handling_report(session, actor, report_id, audit.EXPORT)
