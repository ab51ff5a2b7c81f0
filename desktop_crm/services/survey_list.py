"""The list of surveys (调查列表): its columns (shared by the screen and the Excel export),
filters and search, as a ListQuery (DESIGN rule 3)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from desktop_crm.models import Survey, SurveyItem, SurveyQuestionnaire, User

from . import rights, satisfaction
from . import survey_figures as figures_module
from .listing import ListColumn, ListQuery, ListSpec
from .surveys import clean_name
from .text_keys import normalise_text

Creator = aliased(User, name="survey_creator")
_QUESTIONNAIRES = (
    select(func.count(SurveyQuestionnaire.id))
    .where(SurveyQuestionnaire.survey_id == Survey.id)
    .correlate(Survey)
    .scalar_subquery()
)
COLUMNS = (
    ListColumn("number", "调查编号", Survey.number, width=11),
    ListColumn("name", "调查名称", Survey.name, width=30),
    ListColumn("kind", "调查类型", Survey.kind, width=13),
    ListColumn("period_from", "开始日期", Survey.period_from, kind="date", width=11),
    ListColumn("period_to", "结束日期", Survey.period_to, kind="date", width=11),
    ListColumn("method", "调查方式", Survey.method, width=12),
    ListColumn("state", "状态", Survey.state, width=7, align="center"),
    ListColumn("questionnaires", "回收问卷", _QUESTIONNAIRES, kind="int", width=8, align="right"),
    ListColumn("target_degree", "满意度指标", Survey.target_degree, kind="decimal", width=9),
    ListColumn("target_rate", "满意率指标", Survey.target_rate, kind="decimal", width=9),
    ListColumn("created_by", "创建人", Creator.name, width=8),
)


def _from(query: Select[Any]) -> Select[Any]:
    return query.select_from(Survey).outerjoin(Creator, Creator.id == Survey.created_by_id)


SURVEY_LIST = ListSpec(
    name="surveys",
    id_expr=Survey.id,
    columns=COLUMNS,
    from_clause=_from,
    default_sort="period_from",
    count_from=lambda query: query.select_from(Survey),
)
# Filter keys: kind, state (exact; a list means any), year (of the start date).
FILTER_KEYS = ("kind", "state", "year")


def survey_query(
    session: Session,
    actor: User,
    search: str = "",
    filters: Mapping[str, object] | None = None,
    sort_key: str | None = None,
    descending: bool = False,
) -> ListQuery:
    """The survey list (surveys·view): every survey; `search` finds the number (MY2026,
    2026-01) or words of the name. Without a sort key: newest first."""
    rights.require(session, actor, "surveys", "view")
    conditions: list[ColumnElement[bool]] = []
    for key, value in (filters or {}).items():
        if value in (None, "", [], ()):
            continue
        if key in ("kind", "state"):
            column = Survey.kind if key == "kind" else Survey.state
            if isinstance(value, list | tuple | set | frozenset):
                conditions.append(column.in_(sorted(value)))  # type: ignore[arg-type]
            else:
                conditions.append(column == value)
        elif key == "year":
            year = int(value)  # type: ignore[call-overload]
            conditions.append(Survey.period_from >= date(year, 1, 1))
            conditions.append(Survey.period_from <= date(year, 12, 31))
        else:
            raise KeyError(f"unknown survey filter {key!r}")
    text = normalise_text(search).upper().replace(" ", "")
    if text:
        number = text if text.startswith("MY") else "MY" + text
        words = [w for w in clean_name(search).split(" ") if w]
        conditions.append(
            or_(
                Survey.number.startswith(number, autoescape=True),
                *(Survey.name.contains(word, autoescape=True) for word in words[:1]),
            )
        )
        for word in words[1:]:
            conditions.append(Survey.name.contains(word, autoescape=True))
    if sort_key is None:
        sort_key, descending = SURVEY_LIST.default_sort, True
    return ListQuery(
        spec=SURVEY_LIST, conditions=tuple(conditions), sort_key=sort_key, descending=descending
    )


def surveys_of_kind(
    session: Session, actor: User, kind: str, before: date | None = None, limit: int = 8
) -> list[Survey]:
    """The last `limit` surveys of a kind (started before `before`), oldest first."""
    rights.require(session, actor, "surveys", "view")
    query = select(Survey).where(Survey.kind == kind)
    if before is not None:
        query = query.where(Survey.period_from < before)
    found = list(
        session.scalars(query.order_by(Survey.period_from.desc(), Survey.id.desc()).limit(limit))
    )
    return list(reversed(found))


# ------------------------------------------------------------------ figures for the list


@dataclass(frozen=True, slots=True)
class ListFigures:
    """A survey's overall figures as the list shows them: 满意度 and 满意率 (总体 when both
    parts have answers, else the part that has them, `partial` True), and whether it meets
    its targets (None: no answers yet) — the same checks as `SurveyFigures.below_target`;
    `missed` names each target missed, with the figure and the target."""

    degree: Decimal | None
    rate: Decimal | None
    partial: bool
    met: bool | None
    missed: tuple[str, ...] = ()


def list_figures(
    session: Session, actor: User, survey_ids: Iterable[int]
) -> dict[int, ListFigures]:
    """The figures of the surveys shown in the list, in one GROUP BY over their answers
    (surveys·view): overall 满意度/满意率 and 达标 against the targets (总体, or the part
    with answers, and the 前20名 group's 满意率)."""
    rights.require(session, actor, "surveys", "view")
    ids = sorted(set(survey_ids))
    if not ids:
        return {}
    found = {s.id: s for s in session.scalars(select(Survey).where(Survey.id.in_(ids)))}
    active = set(
        session.scalars(
            select(SurveyItem.id).where(SurveyItem.survey_id.in_(ids), SurveyItem.active.is_(True))
        )
    )
    # (survey, part) → level → count; part: "survey" / "self" / "top20"
    tallies: dict[tuple[int, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for (
        survey_id,
        rtype,
        competitor_id,
        group,
        item_id,
        level,
        count,
    ) in figures_module.level_counts(session, ids):
        if competitor_id is not None or item_id not in active:
            continue
        if rtype == figures_module.STAFF:
            tallies[(survey_id, "self")][level] += count
        else:
            tallies[(survey_id, "survey")][level] += count
            if group == figures_module.GROUP_TOP20:
                tallies[(survey_id, "top20")][level] += count
    result = {}
    for survey_id, survey in found.items():

        def score(part: str, survey_id: int = survey_id) -> satisfaction.Score:
            return satisfaction.Score.of_counts(tallies.get((survey_id, part), {}))

        overall = satisfaction.overall(score("survey"), score("self"))
        checks = figures_module.target_checks(survey, overall, score("top20"))
        decisive = [c for c in checks if c.label in figures_module.DECISIVE]
        if overall.available:
            degree, rate, partial = overall.degree, overall.rate, False
        else:
            present = overall.survey if overall.survey.n else overall.self_assessment
            degree, rate, partial = present.degree, present.rate, True
        missed = tuple(
            f"{c.label} {satisfaction.percent_text(c.value)}"
            f"（指标 {satisfaction.percent_text(c.target)}）"
            for c in decisive
            if c.met is False
        )
        met = None if degree is None else not missed
        result[survey_id] = ListFigures(degree, rate, partial, met, missed)
    return result
