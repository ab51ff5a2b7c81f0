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


# --------------------------------------------------------------------------- archive ledger
# 案卷目录, 卷内文件目录, 卷内备考表, 到期鉴定清单, the shelf labels and the ledger's
# spreadsheet (DOMAIN §5, §6 item 9). Every print or export of volumes first goes through
# archive_scope.record_use: it checks the print/export reach of each volume and writes the
# access log of the confidential and customer ones — before the file is made. A printout
# that shows a 档号 marks it as printed (number_printed_at): from then on a correction is
# a recorded one with a reason. PDF copies are recorded as 打印, workbooks as 导出.


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

    return _render(
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

    ids = select(ArchiveVolume.id).where(*query.conditions)
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
    print (or export), in 档号 order. Reads only; nothing is logged here."""
    from desktop_crm.services import archive_settings

    query = _volume_query(session, actor, action, search, filters)
    keys = [c.key for c in query.columns]
    rows = []
    for row in query.iter_rows(session):
        values = dict(zip(keys, row[1:], strict=True))
        values["remarks"] = values["state"] if values["state"] != "在库" else None
        rows.append(values)
    config = archive_settings.current(session)
    return {
        "fonds_code": config.fonds_code,
        "fonds_name": config.fonds_name,
        "scope_text": _filter_text(session, filters, search),
        "rows": rows,
        "volume_count": len(rows),
        "page_total": sum(r["pages"] or 0 for r in rows),
        "copy_total": sum(r["copies"] or 0 for r in rows),
        "secrecy_mark": _secrecy_mark(r["secrecy"] for r in rows),
        "made_by": actor.name,
        "made_at": local_now(),
        "_query": query,
    }


def archive_catalogue(
    session: Session,
    actor: User,
    pdf: bool,
    filters: dict | None = None,
    search: str = "",
    font_path: str | None = None,
) -> bytes:
    """案卷目录 of the volumes the filter and search select (as the ledger lists them), as
    PDF (pdf=True, 打印) or workbook (导出)."""
    from desktop_crm.reports.forms.archive_catalogue import ARCHIVE_CATALOGUE

    act = _archive_act(pdf)
    data = archive_catalogue_data(session, actor, filters, search, _archive_action(pdf))
    query = data.pop("_query")
    detail = f"{ARCHIVE_CATALOGUE.title}（{data['scope_text']}，{data['volume_count']} 卷）"
    _use_volumes(session, actor, query, act, detail)
    content = _render_archive_form(ARCHIVE_CATALOGUE, data, pdf, font_path)
    _mark_numbers_printed(session, _ids_of(query))
    audit.record(
        session, actor, audit.PRINT if pdf else audit.EXPORT, "archive_volume",
        object_label=ARCHIVE_CATALOGUE.title, detail=detail[:300],
    )  # fmt: skip
    session.commit()
    return content


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
    from desktop_crm.services import archive_scope

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
