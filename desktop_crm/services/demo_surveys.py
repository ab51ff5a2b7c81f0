"""zh_CN demo satisfaction surveys over the past three years, made through the services.

The office's routine: a 重点客户 survey every quarter and an ordinary-customer survey every
half year, plus one 特殊 (outsourced) survey on packaging. Each survey is created, its
respondent list generated, started, its questionnaires entered (customers and dealers about
us, some about the two competitors, and the sales staff's 自评), its dissatisfied items given
improvement actions where it missed a target, and completed — by the service calls a
clerk's clicks make, so numbers, rules and the audit log are real. The current quarter's
survey is still 进行中 with part of its questionnaires, the current half-year's is being
prepared; older improvement actions are verified, one recent one is overdue (今日待办).

The figures drift upwards over the years, 交货期 and 包装质量 are the weak items, and the
services stamp their own times: the demo's past is then written as if it had happened then
(created, started, completed, entered, verified). The audit log keeps the real time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from desktop_crm.models import (
    Customer,
    Survey,
    SurveyImprovement,
    SurveyQuestionnaire,
    User,
    UserRole,
)

from . import rights, survey_improvements, survey_respondents, surveys
from .survey_answers import DEALER_CATEGORY, insert_questionnaires
from .survey_figures import (
    CUSTOMER,
    DEALER,
    GROUP_KEY,
    GROUP_ORDINARY,
    GROUP_TOP20,
    KIND_KEY,
    KIND_ORDINARY,
    KIND_SPECIAL,
    STAFF,
)

YEARS_BACK = 3
COMPETITORS = ("冀东水泥", "海螺水泥")
MIN_RESPONDENTS = 8
# How an item tends to be rated: a shift of the level (negative: better).
ITEM_BIAS = {
    "产品功能（主要性能）": -0.3,
    "可靠性": -0.2,
    "外观": -0.4,
    "包装质量": 0.5,
    "交货期": 0.7,
    "服务质量": 0.0,
    "售后服务水平": 0.2,
}
REASONS = {
    "产品功能（主要性能）": ("早期强度偏低，冬季施工受影响。", "凝结时间波动大。"),
    "可靠性": ("不同批次强度不稳定。", "偶有安定性复检不合格。"),
    "外观": ("颜色深浅不一。",),
    "包装质量": ("破袋多，卸货损耗大。", "袋子不防潮，存放一周就结块。", "缝口开线。"),
    "交货期": ("旺季到货常晚一两天。", "调度电话难打通，发车时间不确定。", "周末不发货。"),
    "服务质量": ("业务员回复慢。", "对账单经常出错。"),
    "售后服务水平": ("投诉后处理周期长。", "技术服务人员到场慢。"),
}
FEEDBACK = (
    "希望旺季保证供货。",
    "建议增加散装水泥车辆。",
    "产品质量稳定，继续合作。",
    "希望价格更有竞争力。",
    "希望多组织技术交流。",
    "业务员服务热情，满意。",
)
ACTIONS = {
    "包装质量": ("更换包装袋供应商，加厚内衬膜。", "每批包装袋进厂抽检缝口强度。"),
    "交货期": ("旺季增开夜班发运，调度电话专人值守。", "建立旺季运力预约制度。"),
    "可靠性": ("加密出厂强度检测频次。", "稳定熟料配比，建立批次追溯。"),
    "产品功能（主要性能）": ("调整冬季配方，提高早期强度。", "冬季施工前开展技术交底。"),
    "服务质量": ("业务员 24 小时内回复客户。", "每月与客户核对账目。"),
    "售后服务水平": ("投诉 2 个工作日内到场。", "建立售后回访台账。"),
    "外观": ("统一原料来源，控制颜色。", "出厂前增加外观检查。"),
}
ATTENDEES = "李明（市场营销部）、陈静（售后服务部）、赵磊（质检部）、周强（总经理）"


@dataclass
class _Plan:
    kind: str
    start: date
    end: date
    name: str | None = None
    method: str | None = None
    agency: str | None = None


def _quarters(today: date) -> list[tuple[date, date]]:
    periods = []
    year, quarter = today.year - YEARS_BACK, (today.month - 1) // 3 + 1
    while (year, quarter) <= (today.year, (today.month - 1) // 3 + 1):
        periods.append(surveys.current_period(KIND_KEY, date(year, quarter * 3 - 2, 1)))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return periods[1:]  # three years: twelve quarters up to and including this one


def _halves(today: date) -> list[tuple[date, date]]:
    periods = []
    for year in range(today.year - YEARS_BACK + 1, today.year + 1):
        for month in (1, 7):
            start, end = surveys.current_period(KIND_ORDINARY, date(year, month, 1))
            if start <= today:
                periods.append((start, end))
    return periods


def _plans(today: date) -> list[_Plan]:
    plans = [_Plan(KIND_KEY, s, e) for s, e in _quarters(today)]
    # next quarter's survey is being prepared
    following = plans[-1].end + timedelta(days=1)
    plans.append(_Plan(KIND_KEY, *surveys.current_period(KIND_KEY, following)))
    plans += [_Plan(KIND_ORDINARY, s, e) for s, e in _halves(today)]
    special = date(today.year - 1, 9, 1)
    plans.append(
        _Plan(
            KIND_SPECIAL,
            special,
            date(today.year - 1, 9, 30),
            f"{special.year}年包装质量专项调查",
            "委托第三方调查",
            "西安市场研究咨询有限公司",
        )
    )
    return sorted(plans, key=lambda p: (p.start, p.kind))


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0))


class _Filler:
    def __init__(self, session: Session, actor: User, rng: random.Random, today: date) -> None:
        self.session, self.actor, self.rng, self.today = session, actor, rng, today
        self.customers = {
            cid: category
            for cid, category in session.execute(
                select(Customer.id, Customer.category).order_by(Customer.id).limit(5000)
            )
        }
        sales = set(
            session.scalars(select(UserRole.user_id).where(UserRole.role == "客户开发专员"))
        )
        self.sales = sorted(sales) or [actor.id]
        self.staff = list(
            session.scalars(select(User.id).where(User.active.is_(True)).order_by(User.id))
        )
        self.dates: list[dict[str, object]] = []  # what to date back, per survey
        self.overdue_done = False

    # -------------------------------------------------------------- one survey

    def survey(self, plan: _Plan, index: int, count: int) -> None:
        actor, session = self.actor, self.session
        defaults = surveys.new_survey_defaults(session, actor, plan.kind, plan.start)
        values = dict(defaults.values)
        values.update(period_from=plan.start, period_to=plan.end)
        values["name"] = plan.name or surveys.default_name(plan.kind, plan.start)
        if plan.method:
            values["method"] = plan.method
        if plan.agency:
            values["agency"] = plan.agency
        if plan.kind == KIND_ORDINARY:
            values["method"] = "邮寄问卷"
        values["benchmark_degree"], values["benchmark_rate"] = 82, 88
        detail = surveys.create_survey(session, actor, values, competitors=COMPETITORS)
        groups = {
            KIND_KEY: (GROUP_TOP20, GROUP_KEY),
            KIND_ORDINARY: (GROUP_ORDINARY,),
            KIND_SPECIAL: (GROUP_TOP20, GROUP_KEY, GROUP_ORDINARY),
        }[plan.kind]
        summary = survey_respondents.generate_respondents(
            session, actor, detail.id, groups, purchase_year=plan.start.year - 1
        )
        if summary.total < MIN_RESPONDENTS:
            listed = {
                r.customer_id for r in survey_respondents.respondent_rows(session, actor, detail.id)
            }
            others = [c for c in self.customers if c not in listed]
            extra = self.rng.sample(others, min(len(others), MIN_RESPONDENTS - summary.total))
            if extra:
                survey_respondents.add_respondents(session, actor, detail.id, extra, GROUP_ORDINARY)
        created = _at(min(plan.start - timedelta(days=10), self.today), 9)
        stamp: dict[str, object] = {"id": detail.id, "created": created}
        current = plan.end >= self.today
        if plan.start > self.today:
            self.dates.append(stamp)  # next quarter's survey, being prepared
            return
        detail = surveys.start_survey(session, actor, detail.id)
        stamp["started"] = _at(plan.start, 9)
        # the office gets better over the years, with some noise
        quality = 0.6 - 0.6 * index / max(count - 1, 1) + self.rng.uniform(-0.15, 0.15)
        returned_share = 0.5 if current else 0.85
        self._questionnaires(detail, plan, quality, returned_share)
        if current:
            self.dates.append(stamp)
            return
        self._improvements(detail, plan)
        surveys.update_survey(
            session,
            actor,
            detail.id,
            {
                "meeting_on": plan.end + timedelta(days=12),
                "meeting_attendees": ATTENDEES,
                "meeting_notes": "通报调查结果，落实改进措施与责任人。",
            },
        )
        surveys.complete_survey(session, actor, detail.id)
        stamp["completed"] = _at(plan.end + timedelta(days=14), 16)
        self.dates.append(stamp)

    def _level(self, item: str, quality: float, competitor: bool = False) -> int | None:
        if self.rng.random() < 0.03:
            return None  # left blank on the paper
        shift = quality + ITEM_BIAS.get(item, 0.0) + (0.35 if competitor else 0.0)
        value = self.rng.gauss(1.25 + shift, 1.0)
        return min(5, max(1, round(value)))

    def _sheet(
        self, detail: surveys.SurveyDetail, quality: float, competitor: bool
    ) -> tuple[dict[int, int], dict[int, str]]:
        levels, reasons = {}, {}
        for item in detail.active_items:
            level = self._level(item.name, quality, competitor)
            if level is None:
                continue
            levels[item.id] = level
            if level >= 4 and not competitor and self.rng.random() < 0.8:
                reasons[item.id] = self.rng.choice(REASONS.get(item.name, ("不满意。",)))
        return levels, reasons

    def _questionnaires(
        self, detail: surveys.SurveyDetail, plan: _Plan, quality: float, share: float
    ) -> None:
        rng = self.rng
        rows = survey_respondents.respondent_rows(self.session, self.actor, detail.id)
        last_day = min(plan.end, self.today - timedelta(days=1))
        span = max((last_day - plan.start).days, 0)
        sheets = []
        for row in rows:
            if rng.random() > share:
                continue
            rtype = DEALER if self.customers.get(row.customer_id) == DEALER_CATEGORY else CUSTOMER
            returned = plan.start + timedelta(days=rng.randint(0, span))
            levels, reasons = self._sheet(detail, quality, False)
            head = {
                "respondent_type": rtype,
                "customer_id": row.customer_id,
                "returned_on": returned,
                "feedback": rng.choice(FEEDBACK) if rng.random() < 0.25 else None,
            }
            sheets.append((head, levels, reasons))
            for competitor in detail.competitors:
                if rng.random() < 0.45:
                    levels, _ = self._sheet(detail, quality, True)
                    sheets.append(
                        ({**head, "competitor_id": competitor.id, "feedback": None}, levels, {})
                    )
        for staff_id in self.sales:
            levels, reasons = self._sheet(detail, quality - 0.3, False)
            returned = plan.start + timedelta(days=rng.randint(0, span))
            sheets.append(
                (
                    {"respondent_type": STAFF, "staff_id": staff_id, "returned_on": returned},
                    levels,
                    reasons,
                )
            )
        insert_questionnaires(self.session, self.actor, detail.id, sheets)
        self.session.commit()

    def _improvements(self, detail: surveys.SurveyDetail, plan: _Plan) -> None:
        session, actor, rng = self.session, self.actor, self.rng
        check = surveys.completion_check(session, actor, detail.id)
        items = survey_improvements.dissatisfied_items(session, actor, detail.id)
        wanted = (
            [i for i in items if i.name in check.items_without_plan] if check.below_target else []
        )
        # the office also acts on its weakest item when the targets were met
        if not wanted and items:
            wanted = [max(items, key=lambda i: i.count)]
        recent = plan.end > self.today - timedelta(days=100)
        for item in wanted:
            corrective, preventive = ACTIONS.get(item.name, ("制定整改措施。", "纳入月度检查。"))
            due = plan.end + timedelta(days=rng.randint(30, 75))
            if recent and not self.overdue_done:
                due = self.today - timedelta(days=rng.randint(3, 10))
            row = survey_improvements.save_improvement(
                session,
                actor,
                detail.id,
                {
                    "item_id": item.item_id,
                    "responsible_id": rng.choice(self.staff),
                    "corrective_action": corrective,
                    "preventive_action": preventive,
                    "due_on": due,
                },
            )
            if recent and not self.overdue_done:
                self.overdue_done = True  # left open past its due date: 今日待办 shows it
                continue
            if due < self.today:
                survey_improvements.verify_improvement(
                    session, actor, row.id, "已落实，复查客户反映改善。"
                )
                self.dates.append({"improvement": row.id, "verified": _at(due, 15)})

    # -------------------------------------------------------------- dating back

    def date_back(self) -> None:
        session = self.session
        survey_table = Survey.__table__
        for stamp in self.dates:
            if "improvement" in stamp:
                session.execute(
                    update(SurveyImprovement.__table__)
                    .where(SurveyImprovement.__table__.c.id == stamp["improvement"])
                    .values(verified_at=stamp["verified"])
                )
                continue
            values: dict[str, object] = {
                "created_at": stamp["created"],
                "updated_at": stamp["created"],
            }
            if "started" in stamp:
                values["started_at"] = stamp["started"]
            if "completed" in stamp:
                values["completed_at"] = values["updated_at"] = stamp["completed"]
            session.execute(
                update(survey_table).where(survey_table.c.id == stamp["id"]).values(**values)
            )
        # each questionnaire entered the day after it came back
        table = SurveyQuestionnaire.__table__
        rows = session.execute(select(table.c.id, table.c.returned_on)).all()
        moments = [
            {"b_id": qid, "b_at": _at(day + timedelta(days=1), 11)}
            for qid, day in rows
            if day is not None and day + timedelta(days=1) <= self.today
        ]
        if moments:
            session.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(entered_at=bindparam("b_at"), updated_at=bindparam("b_at")),
                moments,
            )
        improvements = SurveyImprovement.__table__
        session.execute(
            update(improvements)
            .values(
                created_at=select(Survey.completed_at)
                .where(Survey.id == improvements.c.survey_id)
                .scalar_subquery()
            )
            .where(
                select(Survey.completed_at)
                .where(Survey.id == improvements.c.survey_id)
                .scalar_subquery()
                .is_not(None)
            )
        )
        session.commit()


def fill_demo_surveys(
    session: Session, actor: User, seed: int = 1, today: date | None = None
) -> int:
    """Make the demo office's surveys of the past three years up to `today` (default: the
    real date) as `actor` (who needs surveys·create and ·edit); returns how many."""
    rights.require(session, actor, "surveys", "create")
    rights.require(session, actor, "surveys", "edit")
    day = today or date.today()
    filler = _Filler(session, actor, random.Random(seed), day)
    if not filler.customers:
        return 0
    plans = _plans(day)
    for index, plan in enumerate(plans):
        filler.survey(plan, index, len(plans))
    filler.date_back()
    return len(plans)


__all__ = ["fill_demo_surveys"]
