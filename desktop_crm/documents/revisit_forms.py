"""Revisit forms: 客户回访报告表, 客户拜访简报, 客户回访计划 and the 回访汇总."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.reports.layout import FormLayout
from desktop_crm.services import audit

from .base import render_form

# --------------------------------------------------------------------------- revisit reports
# 客户回访报告表, 客户拜访简报, 客户回访计划 and 客户回访汇总表: services.revisit_reports gives
# the data (it checks the print right and records the copy in the audit log: 打印 for the
# PDF, 导出 for the workbook); the forms are imported when used.


def _revisit_form(name: str) -> FormLayout:
    from desktop_crm.reports.forms import (
        revisit_plan_list,
        revisit_report,
        revisit_summary,
        visit_brief,
    )

    return {
        "report": revisit_report.REVISIT_REPORT,
        "brief": visit_brief.VISIT_BRIEF,
        "plans": revisit_plan_list.REVISIT_PLAN_LIST,
        "summary": revisit_summary.REVISIT_SUMMARY,
    }[name]


def revisit_report_pdf(
    session: Session, actor: User, revisit_id: int, font_path: str | None = None
) -> bytes:
    """客户回访报告表 of one revisit, as PDF (recorded as 打印)."""
    from desktop_crm.services import revisit_reports

    data = revisit_reports.revisit_report_data(session, actor, revisit_id, audit.PRINT)
    return render_form(_revisit_form("report"), data, audit.PRINT, font_path)


def revisit_report_xlsx(session: Session, actor: User, revisit_id: int) -> bytes:
    """客户回访报告表 of one revisit, as a workbook (recorded as 导出)."""
    from desktop_crm.services import revisit_reports

    data = revisit_reports.revisit_report_data(session, actor, revisit_id, audit.EXPORT)
    return render_form(_revisit_form("report"), data, audit.EXPORT, None)


def visit_brief_pdf(
    session: Session, actor: User, plan_id: int, font_path: str | None = None
) -> bytes:
    """客户拜访简报 for one revisit plan, as PDF (recorded against the customer as 打印)."""
    from desktop_crm.services import revisit_reports

    data = revisit_reports.visit_brief_data(session, actor, plan_id, audit.PRINT)
    return render_form(_revisit_form("brief"), data, audit.PRINT, font_path)


def visit_brief_xlsx(session: Session, actor: User, plan_id: int) -> bytes:
    """客户拜访简报 for one revisit plan, as a workbook (recorded as 导出)."""
    from desktop_crm.services import revisit_reports

    data = revisit_reports.visit_brief_data(session, actor, plan_id, audit.EXPORT)
    return render_form(_revisit_form("brief"), data, audit.EXPORT, None)


def revisit_plans_pdf(
    session: Session, actor: User, start: object, end: object, font_path: str | None = None
) -> bytes:
    """客户回访计划 of the days `start`..`end`, as PDF (recorded as 打印)."""
    from desktop_crm.services import revisit_reports

    data = revisit_reports.plan_list_data(session, actor, start, end, audit.PRINT)
    return render_form(_revisit_form("plans"), data, audit.PRINT, font_path)


def revisit_plans_xlsx(session: Session, actor: User, start: object, end: object) -> bytes:
    """客户回访计划 of the days `start`..`end`, as a workbook (recorded as 导出)."""
    from desktop_crm.services import revisit_reports

    data = revisit_reports.plan_list_data(session, actor, start, end, audit.EXPORT)
    return render_form(_revisit_form("plans"), data, audit.EXPORT, None)


def revisit_summary_pdf(
    session: Session, actor: User, start: object, end: object, font_path: str | None = None
) -> bytes:
    """客户回访汇总表 of the revisits `start`..`end`, as PDF (recorded as 打印)."""
    from desktop_crm.services import revisit_reports

    data = revisit_reports.summary_data(session, actor, start, end, audit.PRINT)
    return render_form(_revisit_form("summary"), data, audit.PRINT, font_path)


def revisit_summary_xlsx(session: Session, actor: User, start: object, end: object) -> bytes:
    """客户回访汇总表 of the revisits `start`..`end`, as a workbook (recorded as 导出)."""
    from desktop_crm.services import revisit_reports

    data = revisit_reports.summary_data(session, actor, start, end, audit.EXPORT)
    return render_form(_revisit_form("summary"), data, audit.EXPORT, None)
