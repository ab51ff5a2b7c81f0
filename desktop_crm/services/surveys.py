"""客户满意度调查 (DOMAIN §4): the survey itself — its facts, questionnaire items and
competitors, the planned respondents, the list of surveys, and its states
准备 → 进行中 → 已完成 (and back to 进行中 to correct a completed one).

Beside it: `survey_list` (the list of surveys), `survey_respondents` (the planned
respondents), `survey_answers` (returned questionnaires), `survey_figures` (the counting),
`survey_improvements` (改进计划), `survey_report` (what the analysis report shows) and
`survey_answers_io` (answers to and from a spreadsheet).

Rights (area 满意度调查): anyone with surveys·view sees every survey and its figures (they
are the office's, not a customer's); changing a survey needs surveys·edit over the person
who created it (本人 / 本部门 / 全部). Questionnaires belong to the respondent's 客户经理
(or, for 自评, to the member of staff), see `survey_answers`.

Every writing call is one unit of work: rights, validation (ValidationError with the
field and a Chinese message; nothing written), the change, the audit entries, commit. Rows
several people edit carry a version; a stale save is refused (Conflict).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import ParamSpec, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_crm.models import (
    Survey,
    SurveyCompetitor,
    SurveyImprovement,
    SurveyItem,
    SurveyQuestionnaire,
    SurveyRespondent,
    User,
    local_now,
)

from . import access, audit, rights, satisfaction, settings
from . import survey_figures as figures_module
from .errors import Conflict, FieldProblem, NotFound, ValidationError
from .field_parsing import ParseError, parse_date
from .survey_figures import (
    GROUP_KEY,
    GROUP_ORDINARY,
    GROUP_TOP20,
    GROUPS,
    KIND_KEY,
    KIND_ORDINARY,
    KIND_SPECIAL,
    KINDS,
    SurveyFigures,
)
from .text_keys import normalise_text

__all__ = [
    "GROUP_KEY",
    "GROUP_ORDINARY",
    "GROUP_TOP20",
    "GROUPS",
    "KIND_KEY",
    "KIND_ORDINARY",
    "KIND_SPECIAL",
    "KINDS",
]

# ------------------------------------------------------------------ the vocabulary

PREPARING, RUNNING, COMPLETED = "准备", "进行中", "已完成"
STATES = (PREPARING, RUNNING, COMPLETED)
START, COMPLETE, REOPEN = "开始调查", "完成调查", "重新打开"
DEFAULT_ITEMS = (
    "产品功能（主要性能）",
    "可靠性",
    "外观",
    "包装质量",
    "交货期",
    "服务质量",
    "售后服务水平",
)
METHODS = ("上门发放问卷", "邮寄问卷", "电话访问", "网络问卷", "座谈会", "委托第三方调查")

SERIES = "survey"  # numbers MY2026-01, one series per year
MAX_TEXT = 4000
MAX_ITEMS = 30
STALE_MESSAGE = "这次调查刚被别人修改过。请关闭后重新打开，再继续。"
COMPLETED_MESSAGE = "调查已完成，只能修改分析会记录和备注；如需更正其他内容，请先「重新打开」。"


# ------------------------------------------------------------------ fields


@dataclass(frozen=True)
class SurveyField:
    key: str
    label: str
    kind: str = "text"  # text / long / date / choice / percent / year
    required: bool = False
    max_length: int = 200


FIELDS = (
    SurveyField("name", "调查名称", required=True),
    SurveyField("kind", "调查类型", "choice", True, 20),
    SurveyField("period_from", "调查开始日期", "date", True),
    SurveyField("period_to", "调查结束日期", "date", True),
    SurveyField("method", "调查方式", "choice", max_length=40),
    SurveyField("agency", "受托单位"),
    SurveyField("target_degree", "满意度指标", "percent", True),
    SurveyField("target_rate", "满意率指标", "percent", True),
    SurveyField("target_top20", "前20名客户满意率指标", "percent"),
    SurveyField("benchmark_degree", "企业基准满意度", "percent"),
    SurveyField("benchmark_rate", "企业基准满意率", "percent"),
    SurveyField("purchase_year", "前20名按哪一年的购货额", "year"),
    SurveyField("meeting_on", "分析会日期", "date"),
    SurveyField("meeting_attendees", "分析会参加人员", "long", max_length=MAX_TEXT),
    SurveyField("meeting_notes", "分析会结论", "long", max_length=MAX_TEXT),
    SurveyField("notes", "备注", "long", max_length=MAX_TEXT),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}
# What may still change on a completed survey.
AFTER_COMPLETION = ("meeting_on", "meeting_attendees", "meeting_notes", "notes")


@dataclass(frozen=True)
class ItemInput:
    """One questionnaire item as the survey dialog holds it, in order. `id` None: new.
    An item with answers is retired (`active` False) rather than left out."""

    name: str
    id: int | None = None
    active: bool = True


@dataclass(frozen=True)
class CompetitorInput:
    name: str
    id: int | None = None


# ------------------------------------------------------------------ what screens get


@dataclass(frozen=True, slots=True)
class ItemRow:
    id: int
    name: str
    sort_order: int
    active: bool
    answers: int  # ratings given so far


@dataclass(frozen=True, slots=True)
class CompetitorRow:
    id: int
    name: str
    sort_order: int
    questionnaires: int


@dataclass(frozen=True)
class SurveyDetail:
    """One survey as a screen shows it. `actions`: the state moves possible now;
    `permitted`: what the actor may do with it (view, edit, delete, print, export,
    import); `warnings`: the routine survey's short counts (never refusals)."""

    id: int
    number: str
    name: str
    kind: str
    period_from: date
    period_to: date
    method: str | None
    agency: str | None
    state: str
    target_degree: Decimal
    target_rate: Decimal
    target_top20: Decimal | None
    benchmark_degree: Decimal | None
    benchmark_rate: Decimal | None
    purchase_year: int | None
    meeting_on: date | None
    meeting_attendees: str | None
    meeting_notes: str | None
    notes: str | None
    created_by: str
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    version: int
    items: tuple[ItemRow, ...]
    competitors: tuple[CompetitorRow, ...]
    respondents: int
    questionnaires: int  # every returned sheet (about us and about competitors)
    actions: tuple[str, ...] = ()
    permitted: frozenset[str] = frozenset()
    warnings: tuple[str, ...] = ()

    @property
    def active_items(self) -> tuple[ItemRow, ...]:
        return tuple(item for item in self.items if item.active)

    @property
    def label(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def period_text(self) -> str:
        return f"{self.period_from:%Y-%m-%d} 至 {self.period_to:%Y-%m-%d}"


@dataclass(frozen=True)
class SurveyDefaults:
    """What a new survey of a kind starts from: name, period, targets (this year's
    settings), method, the default items, and the competitors of the last survey of the
    kind; a target proposal from past surveys beside it."""

    values: dict[str, object]
    items: tuple[str, ...]
    competitors: tuple[str, ...]
    proposal: TargetProposal


@dataclass(frozen=True)
class TargetProposal:
    """平均先进值: the mean of the better half of the last completed surveys' overall
    figures (DOMAIN §4); None when there is nothing to go on."""

    degree: Decimal | None
    rate: Decimal | None
    based_on: tuple[str, ...]  # the survey numbers used

    @property
    def text(self) -> str:
        if not self.based_on:
            return "没有已完成的同类调查，无法建议指标。"
        return (
            f"按最近 {len(self.based_on)} 次同类调查（{'、'.join(self.based_on)}）的平均先进值，"
            f"建议满意度指标 {satisfaction.percent_text(self.degree)}，"
            f"满意率指标 {satisfaction.percent_text(self.rate)}。"
        )


@dataclass(frozen=True)
class CompletionCheck:
    """Whether the survey can be marked 已完成 now: `problems` refuse it, `warnings` do
    not. `items_without_plan`: dissatisfied items that still need an improvement action
    (required when the survey is below its targets)."""

    problems: tuple[str, ...]
    warnings: tuple[str, ...]
    below_target: bool
    items_without_plan: tuple[str, ...]

    @property
    def can_complete(self) -> bool:
        return not self.problems


# ------------------------------------------------------------------ reading


def label_of(survey: Survey) -> str:
    return f"{survey.number} {survey.name}"


def get_survey(session: Session, actor: User, survey_id: int, action: str = "view") -> Survey:
    """The survey, when `actor` may `action` it: viewing, printing and exporting need the
    right only; changing it needs the right over the person who created it."""
    rights.require(session, actor, "surveys", action)
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise NotFound("这次调查已不存在。")
    if action in ("edit", "delete"):
        access.check(session, actor, "surveys", action, survey.created_by_id, label_of(survey))
    return survey


def find_by_number(session: Session, actor: User, number: str) -> Survey:
    """The survey with this 调查编号 (MY2026-01; case and width do not matter)."""
    rights.require(session, actor, "surveys", "view")
    text = normalise_text(number).upper().replace(" ", "")
    found = session.scalar(select(Survey.id).where(Survey.number == text))
    if found is None:
        raise NotFound(f"没有调查编号为「{number}」的调查。")
    return get_survey(session, actor, found)


SURVEY_RIGHTS = ("view", "edit", "delete", "print", "export", "import")


def permitted_actions(session: Session, actor: User, survey_id: int | None) -> set[str]:
    """What `actor` may do with this survey ("create" for a new one): screens offer only
    that; the services check again on every call."""
    if survey_id is None:
        return {"create"} if rights.may(session, actor, "surveys", "create") else set()
    owner_id = session.scalar(select(Survey.created_by_id).where(Survey.id == survey_id))
    allowed = set()
    for action in SURVEY_RIGHTS:
        if action in ("edit", "delete"):
            if access.owner_in_reach(session, actor, "surveys", action, owner_id):
                allowed.add(action)
        elif rights.may(session, actor, "surveys", action):
            allowed.add(action)
    if rights.may(session, actor, "surveys", "create"):
        allowed.add("enter")  # enter questionnaires (for respondents within reach)
    return allowed


def state_actions(survey: Survey) -> tuple[str, ...]:
    return {PREPARING: (START,), RUNNING: (COMPLETE,), COMPLETED: (REOPEN,)}[survey.state]


def _item_answer_counts(session: Session, survey_id: int) -> dict[int, int]:
    from desktop_crm.models import SurveyAnswer

    query = (
        select(SurveyAnswer.item_id, func.count())
        .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
        .where(SurveyItem.survey_id == survey_id)
        .group_by(SurveyAnswer.item_id)
    )
    return dict(session.execute(query).all())  # type: ignore[arg-type]


def _sheet_counts(session: Session, survey_id: int) -> dict[tuple[str, int | None], int]:
    return {
        (rtype, competitor_id): count
        for rtype, competitor_id, count in figures_module.questionnaire_counts(session, survey_id)
    }


def detail_of(session: Session, actor: User, survey: Survey) -> SurveyDetail:
    answers = _item_answer_counts(session, survey.id)
    sheets = _sheet_counts(session, survey.id)
    per_competitor: dict[int, int] = {}
    for (_, competitor_id), count in sheets.items():
        if competitor_id is not None:
            per_competitor[competitor_id] = per_competitor.get(competitor_id, 0) + count
    respondents = session.scalar(
        select(func.count()).where(SurveyRespondent.survey_id == survey.id)
    )
    customer_sheets = sum(
        n for (t, c), n in sheets.items() if c is None and t in figures_module.SURVEY_TYPES
    )
    warnings = figures_module.count_warnings(
        session, survey, customer_sheets, sum(per_competitor.values())
    )
    creator = session.get(User, survey.created_by_id) if survey.created_by_id else None
    return SurveyDetail(
        id=survey.id,
        number=survey.number,
        name=survey.name,
        kind=survey.kind,
        period_from=survey.period_from,
        period_to=survey.period_to,
        method=survey.method,
        agency=survey.agency,
        state=survey.state,
        target_degree=survey.target_degree,
        target_rate=survey.target_rate,
        target_top20=survey.target_top20,
        benchmark_degree=survey.benchmark_degree,
        benchmark_rate=survey.benchmark_rate,
        purchase_year=survey.purchase_year,
        meeting_on=survey.meeting_on,
        meeting_attendees=survey.meeting_attendees,
        meeting_notes=survey.meeting_notes,
        notes=survey.notes,
        created_by=creator.name if creator else "",
        created_at=survey.created_at,
        started_at=survey.started_at,
        completed_at=survey.completed_at,
        version=survey.version,
        items=tuple(
            ItemRow(i.id, i.name, i.sort_order, i.active, answers.get(i.id, 0))
            for i in survey.items
        ),
        competitors=tuple(
            CompetitorRow(c.id, c.name, c.sort_order, per_competitor.get(c.id, 0))
            for c in survey.competitors
        ),
        respondents=respondents or 0,
        questionnaires=sum(sheets.values()),
        actions=state_actions(survey),
        permitted=frozenset(permitted_actions(session, actor, survey.id)),
        warnings=warnings if survey.state != PREPARING else (),
    )


def survey_detail(session: Session, actor: User, survey_id: int) -> SurveyDetail:
    """The survey with its items, competitors and counts (surveys·view)."""
    return detail_of(session, actor, get_survey(session, actor, survey_id))


def survey_figures(session: Session, actor: User, survey_id: int) -> SurveyFigures:
    """满意度 and 满意率 per part, item, respondent type, group and competitor, overall,
    against the targets and the benchmark, with the count warnings (surveys·view). Two
    GROUP BY queries, a few ms at 5,000 questionnaires × 10 items."""
    return figures_module.compute(session, get_survey(session, actor, survey_id))


# ------------------------------------------------------------------ new surveys


def current_period(kind: str, today: date) -> tuple[date, date]:
    """The quarter (重点客户), the half-year (普通客户) or the month (特殊) of `today`."""
    if kind == KIND_KEY:
        first = (today.month - 1) // 3 * 3 + 1
        last = first + 2
    elif kind == KIND_ORDINARY:
        first, last = (1, 6) if today.month <= 6 else (7, 12)
    else:
        first = last = today.month
    end = date(today.year + (last == 12), 1 if last == 12 else last + 1, 1)
    return date(today.year, first, 1), date.fromordinal(end.toordinal() - 1)


def default_name(kind: str, period_from: date) -> str:
    year, month = period_from.year, period_from.month
    if kind == KIND_KEY:
        return f"{year}年第{(month - 1) // 3 + 1}季度重点客户满意度调查"
    if kind == KIND_ORDINARY:
        return f"{year}年{'上半年' if month <= 6 else '下半年'}普通客户满意度调查"
    return f"{year}年{month}月客户满意度专项调查"


def propose_targets(
    session: Session, actor: User, kind: str, before: date | None = None, last: int = 6
) -> TargetProposal:
    """平均先进值 from the last `last` completed surveys of `kind` that have an overall
    figure (DOMAIN §4)."""
    rights.require(session, actor, "surveys", "view")
    query = select(Survey.id, Survey.number).where(Survey.kind == kind, Survey.state == COMPLETED)
    if before is not None:
        query = query.where(Survey.period_from < before)
    rows = session.execute(
        query.order_by(Survey.period_from.desc(), Survey.id.desc()).limit(last * 2)
    ).all()
    figures = figures_module.part_scores(session, [row.id for row in rows])
    used = [(row.number, figures[row.id]) for row in rows if figures[row.id].available][:last]
    return TargetProposal(
        satisfaction.propose_target(o.degree for _, o in used),
        satisfaction.propose_target(o.rate for _, o in used),
        tuple(number for number, _ in reversed(used)),
    )


def new_survey_defaults(
    session: Session, actor: User, kind: str = KIND_KEY, today: date | None = None
) -> SurveyDefaults:
    """What the new-survey dialog starts from (surveys·create)."""
    rights.require(session, actor, "surveys", "create")
    if kind not in KINDS:
        raise ValidationError(f"调查类型应为：{'、'.join(KINDS)}。", field="kind")
    day = today or date.today()
    start, end = current_period(kind, day)
    values_ = settings.values(session)
    last = session.scalar(
        select(Survey).where(Survey.kind == kind).order_by(Survey.period_from.desc()).limit(1)
    )
    values: dict[str, object] = {
        "name": default_name(kind, start),
        "kind": kind,
        "period_from": start,
        "period_to": end,
        "method": (last.method if last and last.method else METHODS[0]),
        "target_degree": Decimal(values_["survey.target.degree"]),
        "target_rate": Decimal(values_["survey.target.rate"]),
        "target_top20": Decimal(values_["survey.target.top20"]),
        "purchase_year": start.year - 1,
    }
    return SurveyDefaults(
        values=values,
        items=DEFAULT_ITEMS,
        competitors=tuple(c.name for c in last.competitors) if last else (),
        proposal=propose_targets(session, actor, kind, before=start),
    )


# ------------------------------------------------------------------ validation


def clean_name(text: str) -> str:
    """A name as typed, trimmed, inner whitespace collapsed; full-width brackets and
    punctuation kept as they are (产品功能（主要性能）)."""
    return re.sub(r"\s+", " ", str(text)).strip()


_PERCENT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*[%％]?\s*$")


def _percent(raw: object) -> Decimal | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, Decimal | int | float) and not isinstance(raw, bool):
        number = Decimal(str(raw))
    else:
        match = _PERCENT.match(normalise_text(str(raw)))
        if not match:
            raise ValueError("请填 0 到 100 之间的百分数，如 90 或 92.5。")
        try:
            number = Decimal(match.group(1))
        except InvalidOperation:
            raise ValueError("请填 0 到 100 之间的百分数。") from None
    if not number.is_finite() or not 0 <= number <= 100:
        raise ValueError("应在 0 到 100 之间。")
    if number != number.quantize(Decimal("0.01")):
        raise ValueError("最多两位小数。")
    return number.quantize(Decimal("0.01"))


def _parse(field_: SurveyField, raw: object) -> object:
    if field_.kind == "date":
        return parse_date(raw)
    if field_.kind == "percent":
        return _percent(raw)
    if field_.kind == "year":
        if raw in (None, ""):
            return None
        try:
            year = int(str(raw).strip())
        except ValueError:
            raise ValueError("请填年份，如 2025。") from None
        if not 2000 <= year <= 2100:
            raise ValueError("请填 2000 到 2100 之间的年份。")
        return year
    text = clean_name(str(raw)) if raw is not None else ""
    if field_.kind == "long":
        text = str(raw).strip() if raw is not None else ""
    if len(text) > field_.max_length:
        raise ValueError(f"最多 {field_.max_length} 个字（现有 {len(text)} 个）。")
    # 调查类型 is one of KINDS; 调查方式 offers METHODS but takes what the office writes.
    if field_.key == "kind" and text and text not in KINDS:
        raise ValueError(f"应为：{'、'.join(KINDS)}。")
    return text or None


def _clean(
    values: Mapping[str, object], current: Survey | None
) -> tuple[dict[str, object], list[FieldProblem]]:
    clean: dict[str, object] = {}
    problems: list[FieldProblem] = []
    for key, raw in values.items():
        field_ = FIELDS_BY_KEY.get(key)
        if field_ is None:
            continue
        try:
            clean[key] = _parse(field_, raw)
        except (ValueError, ParseError) as error:
            problems.append(FieldProblem(key, f"{field_.label}：{error}"))
    refused = {p.field for p in problems}
    for field_ in FIELDS:
        if not field_.required or field_.key in refused:
            continue
        value = clean[field_.key] if field_.key in clean else getattr(current, field_.key, None)
        if value in (None, ""):
            problems.append(FieldProblem(field_.key, f"{field_.label}：必须填写。"))
    start = clean.get("period_from", getattr(current, "period_from", None))
    end = clean.get("period_to", getattr(current, "period_to", None))
    if isinstance(start, date) and isinstance(end, date) and end < start:
        problems.append(FieldProblem("period_to", "调查结束日期：不能早于开始日期。"))
    if (
        current is not None
        and isinstance(clean.get("period_from"), date)
        and clean["period_from"].year != current.period_from.year  # type: ignore[union-attr]
    ):
        problems.append(
            FieldProblem(
                "period_from",
                f"调查开始日期：不能改到 {clean['period_from'].year} 年，调查编号 "  # type: ignore[union-attr]
                f"{current.number} 按开始年份 {current.period_from.year} 编排。",
            )
        )
    return clean, problems


def _clean_names(
    names: Sequence[str], label: str, key: str, limit: int
) -> tuple[list[str], list[FieldProblem]]:
    cleaned, problems, seen = [], [], set()
    for raw in names:
        name = clean_name(str(raw or ""))
        if not name:
            problems.append(FieldProblem(key, f"{label}：名称不能为空。"))
            continue
        if len(name) > limit:
            problems.append(FieldProblem(key, f"{label}「{name[:20]}…」：最多 {limit} 个字。"))
            continue
        if name in seen:
            problems.append(FieldProblem(key, f"{label}「{name}」重复了。"))
            continue
        seen.add(name)
        cleaned.append(name)
    return cleaned, problems


def _check_items(
    session: Session, survey: Survey | None, items: Sequence[ItemInput]
) -> list[FieldProblem]:
    names, problems = _clean_names([i.name for i in items], "调查项目", "items", 60)
    if len(items) > MAX_ITEMS:
        problems.append(FieldProblem("items", f"调查项目最多 {MAX_ITEMS} 个。"))
    if not any(i.active for i in items):
        problems.append(FieldProblem("items", "调查项目：至少要有一个在用的项目。"))
    known = {i.id: i for i in survey.items} if survey is not None else {}
    for item in items:
        if item.id is not None and item.id not in known:
            problems.append(FieldProblem("items", f"调查项目「{item.name}」已不存在。"))
    if survey is not None:
        kept = {i.id for i in items if i.id is not None}
        answers = _item_answer_counts(session, survey.id)
        for item in survey.items:
            if item.id not in kept and answers.get(item.id):
                problems.append(
                    FieldProblem(
                        "items",
                        f"调查项目「{item.name}」已有 {answers[item.id]} 条回答，不能删除；"
                        "可以改为停用。",
                    )
                )
    del names
    return problems


def _check_competitors(
    session: Session, survey: Survey | None, competitors: Sequence[CompetitorInput]
) -> list[FieldProblem]:
    _, problems = _clean_names([c.name for c in competitors], "竞争对手", "competitors", 100)
    known = {c.id: c for c in survey.competitors} if survey is not None else {}
    for competitor in competitors:
        if competitor.id is not None and competitor.id not in known:
            problems.append(FieldProblem("competitors", f"竞争对手「{competitor.name}」已不存在。"))
    if survey is not None:
        kept = {c.id for c in competitors if c.id is not None}
        counts = session.execute(
            select(SurveyQuestionnaire.competitor_id, func.count())
            .where(SurveyQuestionnaire.survey_id == survey.id)
            .where(SurveyQuestionnaire.competitor_id.is_not(None))
            .group_by(SurveyQuestionnaire.competitor_id)
        ).all()
        for competitor_id, count in counts:
            if competitor_id not in kept:
                name = known[competitor_id].name if competitor_id in known else competitor_id
                problems.append(
                    FieldProblem(
                        "competitors",
                        f"竞争对手「{name}」已有 {count} 份问卷，不能删除。",
                    )
                )
    return problems


# ------------------------------------------------------------------ writing

P = ParamSpec("P")
R = TypeVar("R")


def guarded(message: str = STALE_MESSAGE) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A concurrent change found while writing (the version counter) is a Conflict."""

    def decorate(func_: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func_)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return func_(*args, **kwargs)
            except StaleDataError:
                session = args[0] if args else kwargs["session"]
                assert isinstance(session, Session)
                session.rollback()
                raise Conflict(message) from None

        return wrapper

    return decorate


def expect_version(survey: Survey, expected_version: int | None) -> None:
    if expected_version is not None and survey.version != expected_version:
        raise Conflict(STALE_MESSAGE)


def _shown(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, Decimal):
        return satisfaction.percent_text(value)
    return str(value)


@guarded()
def create_survey(
    session: Session,
    actor: User,
    values: Mapping[str, object],
    items: Sequence[ItemInput | str] | None = None,
    competitors: Sequence[CompetitorInput | str] | None = None,
) -> SurveyDetail:
    """A new survey in state 准备, numbered MY<year>-NN by the year it starts (without gaps,
    also on a shared server). Missing targets come from this year's settings; `items`
    default to DOMAIN §4's in order (surveys·create)."""
    rights.require(session, actor, "surveys", "create")
    values_ = settings.values(session)
    values = {
        "target_degree": Decimal(values_["survey.target.degree"]),
        "target_rate": Decimal(values_["survey.target.rate"]),
        "target_top20": Decimal(values_["survey.target.top20"]),
        **values,
    }
    item_inputs = [
        i if isinstance(i, ItemInput) else ItemInput(i) for i in (items or DEFAULT_ITEMS)
    ]
    competitor_inputs = [
        c if isinstance(c, CompetitorInput) else CompetitorInput(c) for c in (competitors or ())
    ]
    clean, problems = _clean(values, None)
    problems += _check_items(session, None, item_inputs)
    problems += _check_competitors(session, None, competitor_inputs)
    if problems:
        raise ValidationError(problems)
    start = clean["period_from"]
    assert isinstance(start, date)
    from .numbering import take_numbers

    number = f"MY{start.year}-{take_numbers(session, f'{SERIES}-{start.year}'):02d}"
    now = local_now()
    survey = Survey(
        number=number,
        state=PREPARING,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    for key, value in clean.items():
        setattr(survey, key, value)
    if survey.purchase_year is None:
        survey.purchase_year = start.year - 1
    for order, item in enumerate(item_inputs, start=1):
        survey.items.append(
            SurveyItem(name=clean_name(item.name), sort_order=order, active=item.active)
        )
    for order, competitor in enumerate(competitor_inputs, start=1):
        survey.competitors.append(
            SurveyCompetitor(name=clean_name(competitor.name), sort_order=order)
        )
    session.add(survey)
    session.flush()
    audit.record(
        session, actor, audit.CREATE, "survey", survey.id, label_of(survey),
        detail=f"{survey.kind}；{survey.period_from:%Y-%m-%d} 至 {survey.period_to:%Y-%m-%d}；"
        f"项目 {len(item_inputs)} 个；竞争对手 {len(competitor_inputs)} 个",
    )  # fmt: skip
    session.commit()
    return detail_of(session, actor, survey)


@guarded()
def update_survey(
    session: Session,
    actor: User,
    survey_id: int,
    values: Mapping[str, object],
    expected_version: int | None = None,
    items: Sequence[ItemInput] | None = None,
    competitors: Sequence[CompetitorInput] | None = None,
) -> SurveyDetail:
    """Change the survey's facts, items (order, names, retire/restore, add; an item with
    answers cannot be removed) and competitors (one with questionnaires cannot be
    removed); `None` leaves items or competitors as they are. A completed survey keeps
    everything but the analysis meeting and the notes. Each change goes to the audit
    log; nothing changed, nothing written (surveys·edit)."""
    survey = get_survey(session, actor, survey_id, "edit")
    expect_version(survey, expected_version)
    clean, problems = _clean(values, survey)
    if items is not None:
        problems += _check_items(session, survey, items)
    if competitors is not None:
        problems += _check_competitors(session, survey, competitors)
    if problems:
        raise ValidationError(problems)
    changes = {k: v for k, v in clean.items() if getattr(survey, k) != v}
    item_changes = _item_changes(survey, items) if items is not None else []
    competitor_changes = _competitor_changes(survey, competitors) if competitors is not None else []
    if survey.state == COMPLETED and (
        any(k not in AFTER_COMPLETION for k in changes) or item_changes or competitor_changes
    ):
        raise ValidationError(COMPLETED_MESSAGE, field="state")
    if not changes and not item_changes and not competitor_changes:
        return detail_of(session, actor, survey)
    label = label_of(survey)
    for key, value in changes.items():
        audit.record(
            session, actor, audit.EDIT, "survey", survey.id, label,
            field=FIELDS_BY_KEY[key].label, old=_shown(getattr(survey, key)), new=_shown(value),
        )  # fmt: skip
        setattr(survey, key, value)
    if items is not None and item_changes:
        _apply_items(session, survey, items)
        audit.record(
            session, actor, audit.EDIT, "survey", survey.id, label,
            field="调查项目", detail="；".join(item_changes),
        )  # fmt: skip
    if competitors is not None and competitor_changes:
        _apply_competitors(session, survey, competitors)
        audit.record(
            session, actor, audit.EDIT, "survey", survey.id, label,
            field="竞争对手", detail="；".join(competitor_changes),
        )  # fmt: skip
    survey.updated_at = local_now()
    session.commit()
    return detail_of(session, actor, survey)


def _item_changes(survey: Survey, items: Sequence[ItemInput]) -> list[str]:
    current = {i.id: i for i in survey.items}
    notes = []
    kept = set()
    for order, item in enumerate(items, start=1):
        name = clean_name(item.name)
        old = current.get(item.id) if item.id is not None else None
        if old is None:
            notes.append(f"新增「{name}」")
            continue
        kept.add(old.id)
        if old.name != name:
            notes.append(f"「{old.name}」改名为「{name}」")
        if old.active != item.active:
            notes.append(f"{'恢复' if item.active else '停用'}「{name}」")
        if old.sort_order != order:
            notes.append(f"「{name}」排第 {order}")
    notes += [f"删除「{i.name}」" for i in survey.items if i.id not in kept]
    return notes


def _apply_items(session: Session, survey: Survey, items: Sequence[ItemInput]) -> None:
    current = {i.id: i for i in survey.items}
    wanted_ids = {i.id for i in items if i.id is not None}
    for item in list(survey.items):
        if item.id not in wanted_ids:
            survey.items.remove(item)
    # Renames may swap two names: clear them first so the unique (survey, name) holds.
    for index, item in enumerate(items):
        if item.id is not None and current[item.id].name != clean_name(item.name):
            current[item.id].name = f"（改名中 {index}）"
    session.flush()
    for order, item in enumerate(items, start=1):
        if item.id is None:
            survey.items.append(
                SurveyItem(name=clean_name(item.name), sort_order=order, active=item.active)
            )
        else:
            row = current[item.id]
            row.name, row.sort_order, row.active = clean_name(item.name), order, item.active
    survey.items.sort(key=lambda i: i.sort_order)


def _competitor_changes(survey: Survey, competitors: Sequence[CompetitorInput]) -> list[str]:
    current = {c.id: c for c in survey.competitors}
    notes, kept = [], set()
    for order, competitor in enumerate(competitors, start=1):
        name = clean_name(competitor.name)
        old = current.get(competitor.id) if competitor.id is not None else None
        if old is None:
            notes.append(f"新增「{name}」")
            continue
        kept.add(old.id)
        if old.name != name:
            notes.append(f"「{old.name}」改名为「{name}」")
        if old.sort_order != order:
            notes.append(f"「{name}」排第 {order}")
    notes += [f"删除「{c.name}」" for c in survey.competitors if c.id not in kept]
    return notes


def _apply_competitors(
    session: Session, survey: Survey, competitors: Sequence[CompetitorInput]
) -> None:
    current = {c.id: c for c in survey.competitors}
    wanted_ids = {c.id for c in competitors if c.id is not None}
    for competitor in list(survey.competitors):
        if competitor.id not in wanted_ids:
            survey.competitors.remove(competitor)
    for index, competitor in enumerate(competitors):
        if competitor.id is not None and current[competitor.id].name != clean_name(competitor.name):
            current[competitor.id].name = f"（改名中 {index}）"
    session.flush()
    for order, competitor in enumerate(competitors, start=1):
        if competitor.id is None:
            survey.competitors.append(
                SurveyCompetitor(name=clean_name(competitor.name), sort_order=order)
            )
        else:
            row = current[competitor.id]
            row.name, row.sort_order = clean_name(competitor.name), order
    survey.competitors.sort(key=lambda c: c.sort_order)


@guarded()
def delete_survey(
    session: Session, actor: User, survey_id: int, expected_version: int | None = None
) -> None:
    """Remove a survey that has no questionnaires yet (surveys·delete); its number is not
    given out again."""
    survey = get_survey(session, actor, survey_id, "delete")
    expect_version(survey, expected_version)
    sheets = session.scalar(select(func.count()).where(SurveyQuestionnaire.survey_id == survey.id))
    if sheets:
        raise ValidationError(f"这次调查已有 {sheets} 份问卷，不能删除。", field="state")
    audit.record(session, actor, audit.DELETE, "survey", survey.id, label_of(survey))
    session.execute(delete(SurveyRespondent).where(SurveyRespondent.survey_id == survey.id))
    session.delete(survey)
    session.commit()


# ------------------------------------------------------------------ states


def _move(
    session: Session, actor: User, survey: Survey, action: str, to_state: str, note: str = ""
) -> None:
    old = survey.state
    survey.state = to_state
    survey.updated_at = local_now()
    audit.record(
        session, actor, audit.EDIT, "survey", survey.id, label_of(survey),
        field="状态", old=old, new=to_state, detail=f"{action}：{note}" if note else action,
    )  # fmt: skip


@guarded()
def start_survey(
    session: Session, actor: User, survey_id: int, expected_version: int | None = None
) -> SurveyDetail:
    """准备 → 进行中: the respondent list is fixed from now on, answers can be entered."""
    survey = get_survey(session, actor, survey_id, "edit")
    expect_version(survey, expected_version)
    if survey.state != PREPARING:
        raise ValidationError(
            f"现在是「{survey.state}」，只有「准备」中的调查可以开始。", field="state"
        )
    if not any(item.active for item in survey.items):
        raise ValidationError("调查没有在用的调查项目，不能开始。", field="items")
    survey.started_at = local_now()
    _move(session, actor, survey, START, RUNNING)
    session.commit()
    return detail_of(session, actor, survey)


def _completion_check(session: Session, survey: Survey, figures: SurveyFigures) -> CompletionCheck:
    problems: list[str] = []
    if survey.state != RUNNING:
        problems.append(f"现在是「{survey.state}」，只有「进行中」的调查可以完成。")
    if figures.total_questionnaires == 0:
        problems.append("还没有录入任何问卷，不能完成调查。")
    planned = set(
        session.scalars(
            select(SurveyImprovement.item_id).where(SurveyImprovement.survey_id == survey.id)
        )
    )
    without_plan = tuple(
        item.name for item in figures.dissatisfied_items if item.item_id not in planned
    )
    below = figures.below_target
    if below and without_plan:
        missed = "、".join(
            f"{c.label} {satisfaction.percent_text(c.value)}（指标 {satisfaction.percent_text(c.target)}）"
            for c in figures.targets
            if c.met is False and c.label in figures_module.DECISIVE
        )
        problems.append(
            f"调查未达到指标（{missed}），须先为每个有不满意评价的项目制定改进计划："
            f"{'、'.join(without_plan)}。"
        )
    return CompletionCheck(tuple(problems), figures.warnings, below, without_plan)


def completion_check(session: Session, actor: User, survey_id: int) -> CompletionCheck:
    """What stands between the survey and 已完成 (refusals) and what only warrants a
    warning (short counts), for the screen to show before the user clicks."""
    survey = get_survey(session, actor, survey_id)
    return _completion_check(session, survey, figures_module.compute(session, survey))


@guarded()
def complete_survey(
    session: Session, actor: User, survey_id: int, expected_version: int | None = None
) -> SurveyDetail:
    """进行中 → 已完成. Refused when nothing was returned, or when the survey is below its
    targets and a dissatisfied item has no improvement action (改进计划). Short counts
    (< 100 questionnaires, < 10 about competitors) are warnings in the detail, never
    refusals (surveys·edit)."""
    survey = get_survey(session, actor, survey_id, "edit")
    expect_version(survey, expected_version)
    figures = figures_module.compute(session, survey)
    check = _completion_check(session, survey, figures)
    if check.problems:
        raise ValidationError(check.problems[0], field="state")
    survey.completed_at = local_now()
    note = "；".join(check.warnings)
    _move(session, actor, survey, COMPLETE, COMPLETED, note)
    session.commit()
    return detail_of(session, actor, survey)


@guarded()
def reopen_survey(
    session: Session,
    actor: User,
    survey_id: int,
    reason: str,
    expected_version: int | None = None,
) -> SurveyDetail:
    """已完成 → 进行中, to correct answers or items; the reason is kept (surveys·edit)."""
    survey = get_survey(session, actor, survey_id, "edit")
    expect_version(survey, expected_version)
    if survey.state != COMPLETED:
        raise ValidationError("只有「已完成」的调查可以重新打开。", field="state")
    text = str(reason or "").strip()
    if not text:
        raise ValidationError("原因：必须填写。", field="reason")
    if len(text) > MAX_TEXT:
        raise ValidationError(f"原因：最多 {MAX_TEXT} 个字。", field="reason")
    survey.completed_at = None
    _move(session, actor, survey, REOPEN, RUNNING, text)
    session.commit()
    return detail_of(session, actor, survey)
