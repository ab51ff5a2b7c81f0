"""改进计划 (DOMAIN §4): the items customers rated 不满意 or 很不满意, with their count and
the respondents' reasons; for each, an improvement action — a responsible person, a
corrective and a preventive action, a due date — and later its verification. Actions
past their due date and not yet verified show on 今日待办 (`overdue_improvements`).

Rights: reading needs surveys·view; adding, changing and verifying an action needs
surveys·edit over the survey (like changing the survey); the overdue list shows the
actions whose responsible person is within the actor's reach.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from desktop_crm.models import (
    Survey,
    SurveyAnswer,
    SurveyImprovement,
    SurveyItem,
    User,
    local_now,
)

from . import access, audit, rights, satisfaction
from .errors import Conflict, FieldProblem, NotFound, ValidationError
from .field_parsing import ParseError, parse_date
from .survey_figures import STAFF
from .surveys import get_survey, guarded, label_of

OPEN, VERIFIED = "进行中", "已验证"
STATES = (OPEN, VERIFIED)
MAX_TEXT = 4000
STALE_MESSAGE = "这条改进计划刚被别人修改过。请刷新后再改。"
DISSATISFIED_CODES = tuple(
    satisfaction.CODE_OF[level] for level in satisfaction.DISSATISFIED_LEVELS
)
FIELD_LABELS = {
    "item_id": "调查项目",
    "responsible_id": "责任人",
    "corrective_action": "纠正措施",
    "preventive_action": "预防措施",
    "due_on": "完成期限",
    "reasons": "不满意原因",
    "verification": "验证结果",
    "new_due_on": "新的完成期限",
}


@dataclass(frozen=True, slots=True)
class ReasonRow:
    """One respondent's reason for a dissatisfied rating."""

    level: str
    respondent_type: str
    reason: str


@dataclass(frozen=True)
class DissatisfiedItem:
    """An item rated 不满意 or 很不满意 (about us): how often, in which part, and why."""

    item_id: int
    name: str
    dissatisfied: int  # 不满意
    very_dissatisfied: int  # 很不满意
    survey_part: int  # of them in the 调查部分 (customers and dealers)
    self_part: int  # of them in the 自评部分
    ratings: int  # all ratings of the item (about us)
    reasons: tuple[ReasonRow, ...]
    improvement_ids: tuple[int, ...]

    @property
    def count(self) -> int:
        return self.dissatisfied + self.very_dissatisfied

    @property
    def share(self) -> Decimal | None:
        """The dissatisfied share of the item's ratings in percent."""
        return Decimal(self.count * 100) / Decimal(self.ratings) if self.ratings else None

    @property
    def reasons_text(self) -> str:
        """The distinct reasons, most frequent first, with their count when repeated."""
        counted: dict[str, int] = {}
        for row in self.reasons:
            counted[row.reason] = counted.get(row.reason, 0) + 1
        ordered = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
        return "；".join(f"{text}（{n} 次）" if n > 1 else text for text, n in ordered)


@dataclass(frozen=True)
class ImprovementRow:
    id: int
    version: int
    survey_id: int
    survey_number: str
    survey_name: str
    item_id: int
    item_name: str
    dissatisfied_count: int
    reasons: str
    responsible_id: int | None
    responsible: str
    corrective_action: str
    preventive_action: str
    due_on: date
    verification: str
    verified_at: datetime | None
    verified_by: str
    state: str
    created_by: str
    created_at: datetime

    def overdue(self, today: date | None = None) -> bool:
        return self.state == OPEN and self.due_on < (today or date.today())


# ------------------------------------------------------------------ dissatisfied items


def dissatisfied_items(session: Session, actor: User, survey_id: int) -> list[DissatisfiedItem]:
    """Every active item rated 不满意 or 很不满意 about us, in questionnaire order, with the
    counts per level and part and the reasons given (surveys·view)."""
    survey = get_survey(session, actor, survey_id)
    a = SurveyAnswer
    items = [(i.id, i.name) for i in survey.items if i.active]
    counts: dict[int, dict[tuple[bool, int], int]] = defaultdict(dict)
    ratings: dict[int, int] = defaultdict(int)
    query = (
        select(a.item_id, a.respondent_type, a.level, func.count())
        .where(a.survey_id == survey.id, a.competitor_id.is_(None))
        .group_by(a.item_id, a.respondent_type, a.level)
    )
    for item_id, rtype, level, count in session.execute(query):
        ratings[item_id] += count
        if level in DISSATISFIED_CODES:
            key = (rtype == STAFF, level)
            counts[item_id][key] = counts[item_id].get(key, 0) + count
    reasons: dict[int, list[ReasonRow]] = defaultdict(list)
    reason_query = (
        select(a.item_id, a.level, a.respondent_type, a.reason)
        .where(
            a.survey_id == survey.id,
            a.competitor_id.is_(None),
            a.level.in_(DISSATISFIED_CODES),
            a.reason.is_not(None),
        )
        .order_by(a.item_id, a.level.desc(), a.questionnaire_id)
    )
    for item_id, level, rtype, reason in session.execute(reason_query):
        if reason and reason.strip():
            reasons[item_id].append(
                ReasonRow(satisfaction.LEVEL_CODES[level], rtype, reason.strip())
            )
    plans: dict[int, list[int]] = defaultdict(list)
    for plan_id, item_id in session.execute(
        select(SurveyImprovement.id, SurveyImprovement.item_id)
        .where(SurveyImprovement.survey_id == survey.id)
        .order_by(SurveyImprovement.id)
    ):
        plans[item_id].append(plan_id)
    found = []
    for item_id, name in items:
        tally = counts.get(item_id)
        if not tally:
            continue
        four, two = satisfaction.CODE_OF["不满意"], satisfaction.CODE_OF["很不满意"]
        found.append(
            DissatisfiedItem(
                item_id=item_id,
                name=name,
                dissatisfied=sum(n for (_, lv), n in tally.items() if lv == four),
                very_dissatisfied=sum(n for (_, lv), n in tally.items() if lv == two),
                survey_part=sum(n for (is_self, _), n in tally.items() if not is_self),
                self_part=sum(n for (is_self, _), n in tally.items() if is_self),
                ratings=ratings[item_id],
                reasons=tuple(reasons.get(item_id, ())),
                improvement_ids=tuple(plans.get(item_id, ())),
            )
        )
    return found


# ------------------------------------------------------------------ reading actions

Responsible = aliased(User, name="improvement_responsible")
Verifier = aliased(User, name="improvement_verifier")
Creator = aliased(User, name="improvement_creator")


def _row_query():  # noqa: ANN202
    s = SurveyImprovement
    return (
        select(
            s.id,
            s.version,
            s.survey_id,
            Survey.number,
            Survey.name,
            s.item_id,
            SurveyItem.name,
            s.dissatisfied_count,
            s.reasons,
            s.responsible_id,
            Responsible.name,
            s.corrective_action,
            s.preventive_action,
            s.due_on,
            s.verification,
            s.verified_at,
            Verifier.name,
            s.state,
            Creator.name,
            s.created_at,
        )  # fmt: skip
        .join(Survey, Survey.id == s.survey_id)
        .join(SurveyItem, SurveyItem.id == s.item_id)
        .outerjoin(Responsible, Responsible.id == s.responsible_id)
        .outerjoin(Verifier, Verifier.id == s.verified_by_id)
        .outerjoin(Creator, Creator.id == s.created_by_id)
    )


def _row(values) -> ImprovementRow:  # noqa: ANN001
    (id_, version, survey_id, number, survey_name, item_id, item_name, count, reasons,
     responsible_id, responsible, corrective, preventive, due_on, verification, verified_at,
     verified_by, state, created_by, created_at) = values  # fmt: skip
    return ImprovementRow(
        id_, version, survey_id, number, survey_name, item_id, item_name, count or 0,
        reasons or "", responsible_id, responsible or "", corrective or "", preventive or "",
        due_on, verification or "", verified_at, verified_by or "", state, created_by or "",
        created_at,
    )  # fmt: skip


def improvement_rows(session: Session, actor: User, survey_id: int) -> list[ImprovementRow]:
    """The survey's improvement actions in questionnaire item order (surveys·view)."""
    survey = get_survey(session, actor, survey_id)
    query = _row_query().where(SurveyImprovement.survey_id == survey.id)
    query = query.order_by(SurveyItem.sort_order, SurveyImprovement.id)
    return [_row(values) for values in session.execute(query)]


def get_improvement(session: Session, actor: User, improvement_id: int) -> ImprovementRow:
    rights.require(session, actor, "surveys", "view")
    found = session.execute(_row_query().where(SurveyImprovement.id == improvement_id)).first()
    if found is None:
        raise NotFound("这条改进计划已不存在。")
    return _row(found)


def overdue_improvements(
    session: Session, actor: User, today: date | None = None, limit: int = 50
) -> tuple[list[ImprovementRow], int]:
    """Improvement actions past their due date and not yet verified, oldest due first, for
    今日待办: those whose responsible person is within `actor`'s reach (surveys·view;
    without the right: nothing). Returns (the first `limit` rows, how many in all)."""
    if not rights.may(session, actor, "surveys", "view"):
        return [], 0
    day = today or date.today()
    s = SurveyImprovement
    conditions = [s.state == OPEN, s.due_on < day]
    owners = access.owners_in_reach(session, actor, "surveys", "view")
    if owners is not None:
        conditions.append(s.responsible_id.in_(sorted(owners)))
    total = session.scalar(select(func.count()).select_from(s).where(*conditions)) or 0
    if total == 0:
        return [], 0
    query = _row_query().where(*conditions).order_by(s.due_on, s.id).limit(limit)
    return [_row(values) for values in session.execute(query)], total


# ------------------------------------------------------------------ writing


def _text(
    values: Mapping[str, object], key: str, problems: list[FieldProblem], required: bool = False
) -> str | None:
    text = str(values.get(key) or "").strip()
    if required and not text:
        problems.append(FieldProblem(key, f"{FIELD_LABELS[key]}：必须填写。"))
    elif len(text) > MAX_TEXT:
        problems.append(FieldProblem(key, f"{FIELD_LABELS[key]}：最多 {MAX_TEXT} 个字。"))
    return text or None


def _date(
    values: Mapping[str, object], key: str, problems: list[FieldProblem], required: bool = False
) -> date | None:
    try:
        day = parse_date(values.get(key))
    except ParseError as error:
        problems.append(FieldProblem(key, f"{FIELD_LABELS[key]}：{error}"))
        return None
    if day is None and required:
        problems.append(FieldProblem(key, f"{FIELD_LABELS[key]}：必须填写。"))
    return day


def _responsible(
    session: Session, values: Mapping[str, object], problems: list[FieldProblem]
) -> int | None:
    raw = values.get("responsible_id")
    if raw in (None, ""):
        problems.append(FieldProblem("responsible_id", "责任人：必须选择。"))
        return None
    try:
        user_id = int(raw)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        problems.append(FieldProblem("responsible_id", "责任人：请从列表中选择。"))
        return None
    if session.get(User, user_id) is None:
        problems.append(FieldProblem("responsible_id", "责任人：所选人员已不存在。"))
        return None
    return user_id


def _shown(session: Session, key: str, value: object) -> str | None:
    if value is None:
        return None
    if key == "responsible_id":
        user = session.get(User, value)
        return user.name if user else str(value)
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


@guarded(STALE_MESSAGE)
def save_improvement(
    session: Session,
    actor: User,
    survey_id: int,
    values: Mapping[str, object],
    improvement_id: int | None = None,
    expected_version: int | None = None,
) -> ImprovementRow:
    """Add an improvement action for a dissatisfied item, or change one: `values` holds
    item_id (new actions only), responsible_id, corrective_action, preventive_action,
    due_on, reasons (default for a new one: the respondents' reasons). The item's
    dissatisfied count is noted when the action is added (surveys·edit)."""
    survey = get_survey(session, actor, survey_id, "edit")
    problems: list[FieldProblem] = []
    improvement = None
    if improvement_id is not None:
        improvement = session.get(SurveyImprovement, improvement_id)
        if improvement is None or improvement.survey_id != survey.id:
            raise NotFound("这条改进计划已不存在。")
        if expected_version is not None and improvement.version != expected_version:
            raise Conflict(STALE_MESSAGE)
        if improvement.state == VERIFIED:
            raise ValidationError("已验证的改进计划不能再改。", field="state")
    item = None
    if improvement is None:
        try:
            item = session.get(SurveyItem, int(values.get("item_id")))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            item = None
        if item is None or item.survey_id != survey.id:
            problems.append(FieldProblem("item_id", "调查项目：请选择本次调查的项目。"))
    clean: dict[str, object] = {
        "responsible_id": _responsible(session, values, problems),
        "corrective_action": _text(values, "corrective_action", problems, required=True),
        "preventive_action": _text(values, "preventive_action", problems),
        "due_on": _date(values, "due_on", problems, required=True),
    }
    if "reasons" in values or improvement is None:
        clean["reasons"] = _text(values, "reasons", problems)
    if improvement is not None:
        clean = {k: v for k, v in clean.items() if k in values}
    if problems:
        raise ValidationError(problems)
    now = local_now()
    if improvement is None:
        assert item is not None
        found = {d.item_id: d for d in dissatisfied_items(session, actor, survey.id)}
        counted = found.get(item.id)
        improvement = SurveyImprovement(
            survey_id=survey.id,
            item_id=item.id,
            dissatisfied_count=counted.count if counted else 0,
            state=OPEN,
            created_by_id=actor.id,
            created_at=now,
            updated_at=now,
        )
        if clean.get("reasons") is None and counted is not None:
            clean["reasons"] = counted.reasons_text or None
        for key, value in clean.items():
            setattr(improvement, key, value)
        session.add(improvement)
        session.flush()
        audit.record(
            session, actor, audit.CREATE, "survey_improvement", improvement.id,
            f"{label_of(survey)}：{item.name}",
            detail=f"纠正措施：{improvement.corrective_action}；责任人 "
            f"{_shown(session, 'responsible_id', improvement.responsible_id)}；"
            f"期限 {improvement.due_on:%Y-%m-%d}",
        )  # fmt: skip
    else:
        changes = {k: v for k, v in clean.items() if getattr(improvement, k) != v}
        if not changes:
            return get_improvement(session, actor, improvement.id)
        item_name = session.get(SurveyItem, improvement.item_id).name  # type: ignore[union-attr]
        for key, value in changes.items():
            audit.record(
                session, actor, audit.EDIT, "survey_improvement", improvement.id,
                f"{label_of(survey)}：{item_name}", field=FIELD_LABELS[key],
                old=_shown(session, key, getattr(improvement, key)),
                new=_shown(session, key, value),
            )  # fmt: skip
            setattr(improvement, key, value)
        improvement.updated_at = now
    session.commit()
    return get_improvement(session, actor, improvement.id)


@guarded(STALE_MESSAGE)
def verify_improvement(
    session: Session,
    actor: User,
    improvement_id: int,
    result: str,
    effective: bool = True,
    new_due_on: object = None,
    expected_version: int | None = None,
) -> ImprovementRow:
    """验证: record the verification result. Effective → 已验证 (closed). Not effective →
    the action stays open with a new due date (required) and the result kept
    (surveys·edit)."""
    improvement = session.get(SurveyImprovement, improvement_id)
    if improvement is None:
        rights.require(session, actor, "surveys", "view")
        raise NotFound("这条改进计划已不存在。")
    survey = get_survey(session, actor, improvement.survey_id, "edit")
    if expected_version is not None and improvement.version != expected_version:
        raise Conflict(STALE_MESSAGE)
    if improvement.state == VERIFIED:
        raise ValidationError("这条改进计划已验证。", field="state")
    problems: list[FieldProblem] = []
    text = _text({"verification": result}, "verification", problems, required=True)
    due = None
    if not effective:
        due = _date({"new_due_on": new_due_on}, "new_due_on", problems, required=True)
        if due is not None and due <= date.today():
            problems.append(FieldProblem("new_due_on", "新的完成期限：应晚于今天。"))
    if problems:
        raise ValidationError(problems)
    now = local_now()
    item_name = session.get(SurveyItem, improvement.item_id).name  # type: ignore[union-attr]
    label = f"{label_of(survey)}：{item_name}"
    stamp = f"{now:%Y-%m-%d} {actor.name}：{text}"
    if effective:
        improvement.verification = text
        improvement.verified_at, improvement.verified_by_id = now, actor.id
        improvement.state = VERIFIED
        audit.record(
            session, actor, audit.EDIT, "survey_improvement", improvement.id, label,
            field="状态", old=OPEN, new=VERIFIED, detail=f"验证有效：{text}",
        )  # fmt: skip
    else:
        earlier = improvement.verification
        improvement.verification = (
            f"{earlier}\n{stamp}（未通过）" if earlier else f"{stamp}（未通过）"
        )
        old_due = improvement.due_on
        improvement.due_on = due  # type: ignore[assignment]
        audit.record(
            session, actor, audit.EDIT, "survey_improvement", improvement.id, label,
            field="完成期限", old=f"{old_due:%Y-%m-%d}", new=f"{due:%Y-%m-%d}",
            detail=f"验证未通过：{text}",
        )  # fmt: skip
    improvement.updated_at = now
    session.commit()
    return get_improvement(session, actor, improvement.id)


@guarded(STALE_MESSAGE)
def delete_improvement(
    session: Session, actor: User, improvement_id: int, expected_version: int | None = None
) -> None:
    """Remove an action not verified yet (surveys·edit over the survey)."""
    improvement = session.get(SurveyImprovement, improvement_id)
    if improvement is None:
        rights.require(session, actor, "surveys", "view")
        raise NotFound("这条改进计划已不存在。")
    survey = get_survey(session, actor, improvement.survey_id, "edit")
    if expected_version is not None and improvement.version != expected_version:
        raise Conflict(STALE_MESSAGE)
    if improvement.state == VERIFIED:
        raise ValidationError("已验证的改进计划不能删除。", field="state")
    if survey.state == "已完成":
        from .surveys import COMPLETED_MESSAGE

        raise ValidationError(COMPLETED_MESSAGE, field="state")
    item_name = session.get(SurveyItem, improvement.item_id).name  # type: ignore[union-attr]
    audit.record(
        session, actor, audit.DELETE, "survey_improvement", improvement.id,
        f"{label_of(survey)}：{item_name}", detail=improvement.corrective_action,
    )  # fmt: skip
    session.delete(improvement)
    session.commit()


__all__ = [
    "OPEN",
    "VERIFIED",
    "DissatisfiedItem",
    "ImprovementRow",
    "ReasonRow",
    "delete_improvement",
    "dissatisfied_items",
    "get_improvement",
    "improvement_rows",
    "overdue_improvements",
    "save_improvement",
    "verify_improvement",
]
