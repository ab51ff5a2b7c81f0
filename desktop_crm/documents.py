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
from desktop_crm.reports.forms.complaint_handling_report import COMPLAINT_HANDLING_REPORT
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


def _complaint_handling_report(
    session: Session, actor: User, report_id: int, act: str, font_path: str | None = None
) -> bytes:
    # services.complaint_handling_reports is written beside this module: imported when used.
    from desktop_crm.services import complaint_handling_reports

    data = complaint_handling_reports.report_data(session, actor, report_id, "print")
    content = _render(COMPLAINT_HANDLING_REPORT, data, act, font_path)
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
    return _render(_revisit_form("report"), data, audit.PRINT, font_path)


def revisit_report_xlsx(session: Session, actor: User, revisit_id: int) -> bytes:
    """客户回访报告表 of one revisit, as a workbook (recorded as 导出)."""
    from desktop_crm.services import revisit_reports

    data = revisit_reports.revisit_report_data(session, actor, revisit_id, audit.EXPORT)
    return _render(_revisit_form("report"), data, audit.EXPORT, None)


def visit_brief_pdf(
    session: Session, actor: User, plan_id: int, font_path: str | None = None
) -> bytes:
    """客户拜访简报 for one revisit plan, as PDF (recorded against the customer as 打印)."""
    from desktop_crm.services import revisit_reports

    data = revisit_reports.visit_brief_data(session, actor, plan_id, audit.PRINT)
    return _render(_revisit_form("brief"), data, audit.PRINT, font_path)


def visit_brief_xlsx(session: Session, actor: User, plan_id: int) -> bytes:
    """客户拜访简报 for one revisit plan, as a workbook (recorded as 导出)."""
    from desktop_crm.services import revisit_reports

    data = revisit_reports.visit_brief_data(session, actor, plan_id, audit.EXPORT)
    return _render(_revisit_form("brief"), data, audit.EXPORT, None)


def revisit_plans_pdf(
    session: Session, actor: User, start: object, end: object, font_path: str | None = None
) -> bytes:
    """客户回访计划 of the days `start`..`end`, as PDF (recorded as 打印)."""
    from desktop_crm.services import revisit_reports

    data = revisit_reports.plan_list_data(session, actor, start, end, audit.PRINT)
    return _render(_revisit_form("plans"), data, audit.PRINT, font_path)


def revisit_plans_xlsx(session: Session, actor: User, start: object, end: object) -> bytes:
    """客户回访计划 of the days `start`..`end`, as a workbook (recorded as 导出)."""
    from desktop_crm.services import revisit_reports

    data = revisit_reports.plan_list_data(session, actor, start, end, audit.EXPORT)
    return _render(_revisit_form("plans"), data, audit.EXPORT, None)


def revisit_summary_pdf(
    session: Session, actor: User, start: object, end: object, font_path: str | None = None
) -> bytes:
    """客户回访汇总表 of the revisits `start`..`end`, as PDF (recorded as 打印)."""
    from desktop_crm.services import revisit_reports

    data = revisit_reports.summary_data(session, actor, start, end, audit.PRINT)
    return _render(_revisit_form("summary"), data, audit.PRINT, font_path)


def revisit_summary_xlsx(session: Session, actor: User, start: object, end: object) -> bytes:
    """客户回访汇总表 of the revisits `start`..`end`, as a workbook (recorded as 导出)."""
    from desktop_crm.services import revisit_reports

    data = revisit_reports.summary_data(session, actor, start, end, audit.EXPORT)
    return _render(_revisit_form("summary"), data, audit.EXPORT, None)


# --------------------------------------------------------------------------- satisfaction surveys
# 客户满意度调查分析报告 and the blank 客户满意度调查问卷 (DOMAIN §4, §6 forms 4 and 5): the
# survey services give the figures, the forms in reports/forms/satisfaction_report.py and
# questionnaire.py take their own plain input built here. Both need surveys·print; each file
# made is recorded in the audit log (打印 for a PDF, 导出 for the workbook).


def satisfaction_report(session: Session, actor: User, survey_id: int):  # noqa: ANN201
    """The analysis report's input (a ``SatisfactionReport``) from
    ``services.survey_report.report_data``."""
    from desktop_crm.reports.forms import satisfaction_report as form
    from desktop_crm.services import survey_report

    data = survey_report.report_data(session, actor, survey_id)
    facts = data.facts

    def figures(degree, rate, ratings: int, note: str = "") -> form.Figures:  # noqa: ANN001
        return form.Figures(degree, rate, ratings, note)

    # the figure lines by label: 总体…, 调查部分…, 自评部分…, 其中：客户, 名单分组：前20名 …
    lines = {line.label: line for line in data.figures}

    def line_figures(prefix: str, note: str = "") -> form.Figures:
        line = next((v for k, v in lines.items() if k.startswith(prefix)), None)
        if line is None:
            return form.Figures(note=note)
        return figures(line.degree, line.rate, line.ratings, note)

    by_type = {
        label.removeprefix("其中："): figures(line.degree, line.rate, line.ratings)
        for label, line in lines.items()
        if label.startswith("其中：")
    }
    groups = [
        form.GroupFigures(
            label.removeprefix("名单分组："),
            figures(line.degree, line.rate, line.ratings),
            None,
            line.target_degree,
            line.target_rate,
        )
        for label, line in lines.items()
        if label.startswith("名单分组：")
    ]
    items = list(facts.items)
    companies = [c for c in data.companies if not c.is_us]
    return form.SatisfactionReport(
        number=facts.number,
        name=facts.name,
        kind=facts.kind,
        period_from=facts.period_from,
        period_to=facts.period_to,
        method=facts.method,
        agency=facts.agency,
        state=facts.state,
        target_satisfaction=facts.target_degree,
        target_rate=facts.target_rate,
        benchmark_satisfaction=facts.benchmark_degree,
        benchmark_rate=facts.benchmark_rate,
        questionnaires=dict(facts.questionnaires),
        competitor_questionnaires={c.name: c.questionnaires for c in companies},
        overall=line_figures("总体", data.overall_note),
        survey_part=line_figures("调查部分"),
        self_part=line_figures("自评部分"),
        by_type=by_type,
        groups=groups,
        survey_items=[
            form.ItemFigures(i.name, i.counts, figures(i.degree, i.rate, i.ratings))
            for i in data.survey_items
        ],
        self_items=[
            form.ItemFigures(i.name, i.counts, figures(i.degree, i.rate, i.ratings))
            for i in data.self_items
        ],
        trend=[
            form.TrendPoint(
                p.label or p.number,
                figures(p.degree, p.rate, 0),
                current=p.survey_id == survey_id,
            )
            for p in data.trend
        ],
        trend_note=data.trend_note,
        competitors=[
            form.CompetitorFigures(
                c.name,
                c.questionnaires,
                figures(c.degree, c.rate, c.questionnaires),
                dict(zip(items, c.item_degrees, strict=False)),
            )
            for c in companies
        ],
        dissatisfied=[
            form.DissatisfiedItem(
                d.name,
                d.dissatisfied,
                d.very_dissatisfied,
                [r.reason for r in d.reasons],
                d.survey_part,
                d.self_part,
            )
            for d in data.dissatisfied
        ],
        improvements=[
            form.ImprovementAction(
                a.item_name,
                a.responsible,
                a.corrective_action,
                a.preventive_action,
                a.due_on,
                a.verification,
                a.verified_at.date() if a.verified_at else None,
                a.state,
            )
            for a in data.improvements
        ],
        meeting_on=facts.meeting_on,
        meeting_attendees=facts.meeting_attendees,
        meeting_notes=facts.meeting_notes,
        respondents_planned=facts.respondents_planned,
        respondents_returned=facts.respondents_returned,
        notes=facts.notes,
        warnings=list(data.warnings),
        made_by=data.printed_by,
        made_at=data.printed_at,
    )


def _satisfaction_report(
    session: Session, actor: User, survey_id: int, act: str, font_path: str | None = None
) -> bytes:
    from desktop_crm.reports.forms import satisfaction_report as form

    report = satisfaction_report(session, actor, survey_id)
    buffer = io.BytesIO()
    if act == audit.PRINT:
        form.render_report_pdf(report, buffer, font_path)
    else:
        form.render_report_xlsx(report, buffer)
    audit.record(
        session,
        actor,
        act,
        "survey",
        survey_id,
        f"{report.number} {report.name}",
        detail=form.SATISFACTION_REPORT.title,
    )
    session.commit()
    return buffer.getvalue()


def satisfaction_report_pdf(
    session: Session, actor: User, survey_id: int, font_path: str | None = None
) -> bytes:
    """客户满意度调查分析报告 of one survey, as PDF with charts (recorded as 打印)."""
    return _satisfaction_report(session, actor, survey_id, audit.PRINT, font_path)


def satisfaction_report_xlsx(session: Session, actor: User, survey_id: int) -> bytes:
    """客户满意度调查分析报告 of one survey, as a workbook; each chart's figures are a table
    (recorded as 导出)."""
    return _satisfaction_report(session, actor, survey_id, audit.EXPORT)


def questionnaires_pdf(
    session: Session,
    actor: User,
    survey_id: int,
    customer_ids: list[int] | None = None,
    spare: int = 0,
    font_path: str | None = None,
) -> tuple[bytes, int]:
    """Blank 客户满意度调查问卷: one sheet per planned respondent within the actor's reach
    (or per customer in ``customer_ids``) with the name filled in, plus ``spare`` sheets
    without a name; one blank sheet when there is none. The competitors are handed out in
    turn (sheet 1 asks about the first, sheet 2 the second …) so each gets ratings.
    Returns (the PDF, the number of sheets); recorded as 打印."""
    from desktop_crm.reports.forms import questionnaire as form
    from desktop_crm.services import survey_report, surveys

    survey = surveys.get_survey(session, actor, survey_id, "print")
    blanks = survey_report.blank_questionnaires(session, actor, survey_id, customer_ids, spare)
    form_survey = form.QuestionnaireSurvey(
        number=survey.number,
        name=survey.name,
        items=tuple(item.name for item in survey.items if item.active),
        return_by=survey.period_to,
    )
    competitors = [c.name for c in survey.competitors]
    sheets = [
        form.QuestionnaireSheet(
            customer=blank.respondent_name,
            code=blank.respondent_code,
            competitor=competitors[number % len(competitors)] if competitors else "",
        )
        for number, blank in enumerate(blanks)
    ]
    buffer = io.BytesIO()
    form.render_questionnaires_pdf(form_survey, sheets, buffer, font_path)
    count = max(1, len(sheets))
    audit.record(
        session,
        actor,
        audit.PRINT,
        "survey",
        survey_id,
        f"{survey.number} {survey.name}",
        detail=f"{form.QUESTIONNAIRE.title} {count} 份",
    )
    session.commit()
    return buffer.getvalue(), count
