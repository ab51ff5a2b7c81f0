"""Satisfaction survey forms: the 客户满意度调查分析报告 and the blank questionnaires."""

from __future__ import annotations

import io

from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import audit

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
