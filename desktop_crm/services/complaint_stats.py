"""Complaint reporting (DOMAIN §2 reporting cycle, §6 items 1, 2 and 8): the data of the
weekly 客户投诉记录表, the monthly 顾客投诉统计分析报告表, and of the printed record of one
complaint (顾客产品质量投诉调查处理记录) and of one revisit (客户投诉回访记录).

Counting is set-based SQL over the received_at indexes: one GROUP BY gives a month's
counts by category, responsible department, cause and accident. Only what needs the
working-day calendar — handling time and whether the deadlines were kept — is computed
per complaint in Python, for the month's handled complaints (a few thousand at most) with
one `WorkCalendar`. Every query carries the actor's scope (`access.scope_condition` on the
customer's 客户经理), so a report never counts a complaint its reader may not see.

"The month's complaints" are those received in it (受理时间); its handled complaints are
those of them with a 处理完毕 time (已处理, 已回访, 已结案). A handled complaint is on time
when it kept every deadline rule that applied (services.complaints.next_deadline): reported
to the heads within the report limit (default the day of receipt), for a service complaint
investigation begun and a reply given within their limits, and in every round where the
cause was found to be ours a solution proposed within the solution limit. Revisit
satisfaction counts the complaint revisits made in the month (回访日期).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, Date, Select, func, select
from sqlalchemy.orm import Session

from desktop_crm.models import (
    Complaint,
    ComplaintReport,
    ComplaintStep,
    Customer,
    Department,
    Revisit,
    User,
    local_now,
)

from . import access, complaints, rights, settings, workdays
from .errors import NotFound, ValidationError

# DOMAIN §4: the five levels and their scores. The revisit screens have also written 一般
# for the middle level; it counts as 基本满意.
SATISFACTION_LEVELS: tuple[tuple[str, int], ...] = (
    ("很满意", 10),
    ("满意", 8),
    ("基本满意", 6),
    ("不满意", 4),
    ("很不满意", 2),
)
SATISFACTION_SCORES = dict(SATISFACTION_LEVELS)
SATISFACTION_ALIASES = {"一般": "基本满意"}
SATISFIED_LEVELS = ("很满意", "满意", "基本满意")
NOT_RATED = "未评价"
NO_DEPARTMENT = "未定责任部门"
NO_CAUSE = "未认定"
CONTENT_SHOWN = 80  # characters of 投诉内容 in a register row

_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_FIRST_YEAR, _LAST_YEAR = 1900, 2999


# ------------------------------------------------------------------ periods


@dataclass(frozen=True)
class Period:
    """A week or a month: `start` inclusive, `end` exclusive; `label` as the form prints it."""

    start: date
    end: date
    label: str
    code: str  # 2026-W47 / 2026-11

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def span_text(self) -> str:
        return f"{self.start:%Y-%m-%d} 至 {self.last_day:%Y-%m-%d}"

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as timestamps, for the received_at index."""
        return datetime.combine(self.start, time()), datetime.combine(self.end, time())


def parse_iso_week(text: str) -> Period:
    """``2026-W47`` → Monday 2026-11-16 up to Monday 2026-11-23 (ISO 8601 weeks)."""
    found = _WEEK.match(text or "")
    problem = f"周次「{text}」不对：请写成 2026-W47 这样（年份-W周数，按 ISO 周计）。"
    if not found:
        raise ValidationError(problem, field="week")
    year, week = int(found.group(1)), int(found.group(2))
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise ValidationError(problem, field="week")
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValidationError(
            f"周次「{text}」不存在：{year} 年没有第 {week} 周。", field="week"
        ) from None
    return Period(monday, monday + timedelta(days=7), f"{year}年第{week}周", f"{year}-W{week:02d}")


def parse_month(text: str) -> Period:
    """``2026-11`` → 2026-11-01 up to 2026-12-01."""
    found = _MONTH.match(text or "")
    problem = f"月份「{text}」不对：请写成 2026-11 这样（年份-月份）。"
    if not found:
        raise ValidationError(problem, field="month")
    year, month = int(found.group(1)), int(found.group(2))
    if not (_FIRST_YEAR <= year <= _LAST_YEAR and 1 <= month <= 12):
        raise ValidationError(problem, field="month")
    return month_period(year, month)


def month_period(year: int, month: int) -> Period:
    start = date(year, month, 1)
    end = date(year + month // 12, month % 12 + 1, 1)
    return Period(start, end, f"{year}年{month}月", f"{year}-{month:02d}")


def previous_month(period: Period) -> Period:
    before = period.start - timedelta(days=1)
    return month_period(before.year, before.month)


# ------------------------------------------------------------------ scope


def _scope(session: Session, actor: User, action: str) -> ColumnElement[bool] | None:
    """The condition on Customer.owner_id for the complaints in reach (None: all)."""
    return access.scope_condition(
        session, actor, "complaints", action, Customer.owner_id, for_count=True
    )


def _scoped(query: Select, scope: ColumnElement[bool] | None, customer_of: Any) -> Select:
    """`query` kept to the rows whose customer (`customer_of`) is in reach. The period's
    rows lead and each one's customer is looked up: a department's reach is hundreds of
    thousands of customers, a month a few thousand complaints (a join let SQLite start
    from the customers: 6 s for a department head's month instead of 0.5 s)."""
    if scope is None:
        return query
    in_reach = select(Customer.id).where(Customer.id == customer_of, scope)
    return query.where(in_reach.correlate_except(Customer).exists())


def scope_text(session: Session, actor: User, action: str = "view") -> str:
    """What the report covers, in the reader's words: 全部 / 本部门（…）/ 本人（…）."""
    scope = rights.require(session, actor, "complaints", action)
    if scope == rights.ALL:
        return "全部客户"
    if scope == rights.DEPARTMENT:
        name = actor.department.name if actor.department else ""
        return f"本部门客户（{name}）" if name else "本部门客户"
    return f"本人负责的客户（{actor.name}）"


def _department_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Department.id, Department.name)).all())


# ------------------------------------------------------------------ deadlines kept


@dataclass(frozen=True, slots=True)
class _Step:
    round: int
    action: str
    to_state: str
    on: date
    ours: bool  # a 认定原因 step that found 我方原因


@dataclass(slots=True)
class Timeline:
    """What the deadline rules look at for one complaint, by day: the moments the record
    holds for its current round (as the users entered them) and, for earlier rounds, the
    steps in the order they were taken."""

    complaint_id: int
    received_on: date
    handled_on: date | None
    is_service: bool
    round: int = 1
    cause: str | None = None
    cause_found_on: date | None = None
    solution_on: date | None = None
    site_arrived_on: date | None = None
    first_report_on: date | None = None
    department_id: int | None = None
    steps: list[_Step] = field(default_factory=list)  # of the earlier rounds


@dataclass(frozen=True, slots=True)
class _Round:
    start: date  # receipt, or the day it was reopened
    investigated: date | None  # investigation begun (现场核实 or 认定原因)
    ours_found: date | None  # 我方原因 confirmed
    proposed: date | None  # solution proposed after that
    handled: date | None


def _rounds(timeline: Timeline) -> list[_Round]:
    ours = timeline.cause == complaints.CAUSE_OURS
    moments = [m for m in (timeline.site_arrived_on, timeline.cause_found_on) if m]
    current_start = timeline.received_on
    earlier: list[_Round] = []
    for number in range(1, timeline.round):
        mine = [s for s in timeline.steps if s.round == number]
        reopened = next((s.on for s in mine if s.action == complaints.REOPEN), None)
        investigated = next(
            (s.on for s in mine if s.action in (complaints.SITE_CHECK, complaints.FIND_CAUSE)),
            None,
        )
        found = [index for index, s in enumerate(mine) if s.ours]
        proposed = None
        if found:
            proposed = next(
                (s.on for s in mine[found[-1] :] if s.action == complaints.PROPOSE), None
            )
        handled = next((s.on for s in mine if s.to_state == complaints.HANDLED), None)
        start = reopened if number > 1 and reopened else timeline.received_on
        earlier.append(
            _Round(start, investigated, mine[found[-1]].on if found else None, proposed, handled)
        )
    if timeline.round > 1:
        reopen = [
            s.on
            for s in timeline.steps
            if s.action == complaints.REOPEN and s.round == timeline.round
        ]
        current_start = reopen[-1] if reopen else timeline.received_on
    current = _Round(
        current_start,
        min(moments) if moments else None,
        timeline.cause_found_on if ours else None,
        timeline.solution_on if ours else None,
        timeline.handled_on,
    )
    return [*earlier, current]


class DeadlineRules:
    """The deadline rules of services.complaints.next_deadline over one calendar and the
    office's limits, asked by day (answers are cached: a month's complaints start on a few
    dozen days)."""

    def __init__(self, calendar: workdays.WorkCalendar, limits: Mapping[str, int]) -> None:
        self.calendar, self.limits = calendar, limits
        self._due: dict[tuple[date, str], date] = {}
        self._between: dict[tuple[date, date], int] = {}

    def due(self, start: date, key: str) -> date:
        found = self._due.get((start, key))
        if found is None:
            found = self.calendar.add_working_days(start, self.limits[key])
            self._due[(start, key)] = found
        return found

    def handling_days(self, timeline: Timeline) -> int | None:
        """Working days from receipt to 处理完毕, as services.complaints.handling_days."""
        if timeline.handled_on is None:
            return None
        key = (timeline.received_on, timeline.handled_on)
        found = self._between.get(key)
        if found is None:
            found = self.calendar.working_days_between(*key)
            self._between[key] = found
        return found

    def _late(self, day: date | None, start: date, key: str) -> bool:
        return day is None or day > self.due(start, key)

    def kept(self, timeline: Timeline) -> bool | None:
        """True when the handled complaint kept every deadline that applied, False when it
        missed one, None while it is not handled yet.

        Day 0 is the starting day. Reported within the report limit of receipt; a service
        complaint's investigation begun within its limit of receipt and, in every round, a
        reply (处理完毕) within the reply limit of the round's start; in every round where the
        cause was ours, a solution within the solution limit of the finding."""
        if timeline.handled_on is None:
            return None
        received = timeline.received_on
        if self._late(timeline.first_report_on, received, "complaint.report_days"):
            return False
        rounds = _rounds(timeline)
        if timeline.is_service and self._late(
            rounds[0].investigated, received, "complaint.service_investigate_days"
        ):
            return False
        for current in rounds:
            if timeline.is_service and self._late(
                current.handled, current.start, "complaint.service_reply_days"
            ):
                return False
            if current.ours_found is not None and self._late(
                current.proposed, current.ours_found, "complaint.solution_days"
            ):
                return False
        return True


def deadlines_kept(
    timeline: Timeline, calendar: workdays.WorkCalendar, limits: Mapping[str, int]
) -> bool | None:
    """DeadlineRules(calendar, limits).kept(timeline), for one complaint."""
    return DeadlineRules(calendar, limits).kept(timeline)


_STEP_ACTIONS = (
    complaints.SITE_CHECK,
    complaints.FIND_CAUSE,
    complaints.PROPOSE,
    complaints.FINISH,
    complaints.REOPEN,
)


def _day(column: Any) -> Any:
    """The calendar day of a timestamp column, computed by the database (SQLite date(),
    PostgreSQL date()): the rules count days, and a day reads back faster than a moment."""
    return func.date(column, type_=Date)


def _load_timelines(
    session: Session, where: Sequence[ColumnElement[bool]], scope: ColumnElement[bool] | None
) -> dict[int, Timeline]:
    """Timelines of the complaints matching `where`: three queries, whatever their number
    (steps only of complaints handled in more than one round)."""
    base = _scoped(
        select(
            Complaint.id,
            _day(Complaint.received_at),
            _day(Complaint.handled_at),
            Complaint.is_service,
            Complaint.round,
            Complaint.cause,
            _day(Complaint.cause_found_at),
            _day(Complaint.solution_at),
            _day(Complaint.site_arrived_at),
            Complaint.responsible_department_id,
        ),
        scope,
        Complaint.customer_id,
    ).where(*where)
    timelines = {
        row[0]: Timeline(
            row[0],
            row[1],
            row[2],
            bool(row[3]),
            row[4] or 1,
            row[5],
            row[6],
            row[7],
            row[8],
            None,
            row[9],
        )  # fmt: skip
        for row in session.execute(base)
    }
    if not timelines:
        return timelines
    reports = _scoped(
        select(ComplaintReport.complaint_id, _day(func.min(ComplaintReport.reported_at)))
        .join(Complaint, Complaint.id == ComplaintReport.complaint_id)
        .group_by(ComplaintReport.complaint_id),
        scope,
        Complaint.customer_id,
    ).where(*where)
    for complaint_id, first in session.execute(reports):
        if complaint_id in timelines:
            timelines[complaint_id].first_report_on = first
    if not any(t.round > 1 for t in timelines.values()):
        return timelines
    steps = _scoped(
        select(
            ComplaintStep.complaint_id,
            ComplaintStep.round,
            ComplaintStep.action,
            ComplaintStep.to_state,
            _day(ComplaintStep.at),
            func.substr(ComplaintStep.note, 1, len(complaints.CAUSE_OURS)),
        )
        .join(Complaint, Complaint.id == ComplaintStep.complaint_id)
        .where(
            Complaint.round > 1,
            ComplaintStep.round <= Complaint.round,
            ComplaintStep.action.in_(_STEP_ACTIONS),
        )
        .order_by(ComplaintStep.id),
        scope,
        Complaint.customer_id,
    ).where(*where)
    for complaint_id, round_, action, to_state, on, head in session.execute(steps):
        timeline = timelines.get(complaint_id)
        if timeline is not None:
            ours = action == complaints.FIND_CAUSE and head == complaints.CAUSE_OURS
            timeline.steps.append(_Step(round_ or 1, action, to_state, on, ours))
    return timelines


def _day_of(moment: datetime | None) -> date | None:
    return moment.date() if moment is not None else None


def _timeline_of(complaint: Complaint) -> Timeline:
    """The timeline of one loaded complaint (for its printed record)."""
    return Timeline(
        complaint.id,
        complaint.received_at.date(),
        _day_of(complaint.handled_at),
        bool(complaint.is_service),
        complaint.round or 1,
        complaint.cause,
        _day_of(complaint.cause_found_at),
        _day_of(complaint.solution_at),
        _day_of(complaint.site_arrived_at),
        _day_of(min((r.reported_at for r in complaint.reports), default=None)),
        complaint.responsible_department_id,
        [
            _Step(
                s.round or 1,
                s.action,
                s.to_state,
                s.at.date(),
                s.action == complaints.FIND_CAUSE
                and (s.note or "").startswith(complaints.CAUSE_OURS),
            )
            for s in sorted(complaint.steps, key=lambda step: step.id)
        ],
    )


# ------------------------------------------------------------------ the month


@dataclass
class DepartmentHandling:
    handled: int = 0
    days: int = 0
    on_time: int = 0
    late: int = 0


@dataclass
class MonthStats:
    """One month's complaint statistics within a reader's scope."""

    period: Period
    total: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_department: dict[str, int] = field(default_factory=dict)
    by_cause: dict[str, int] = field(default_factory=dict)
    accidents: int = 0
    handled: int = 0
    handling_days: int = 0  # summed over the handled complaints
    on_time: int = 0
    late: int = 0
    overdue_open: int = 0  # not handled and past their deadline (as of the report)
    department_handling: dict[str, DepartmentHandling] = field(default_factory=dict)
    satisfaction: dict[str, int] = field(default_factory=dict)  # level → revisits

    @property
    def average_days(self) -> Decimal | None:
        """Average handling time in working days, one decimal."""
        return _ratio(self.handling_days, self.handled, Decimal("0.1"))

    @property
    def on_time_rate(self) -> Decimal | None:
        """Share of handled complaints that kept their deadlines, in % (one decimal)."""
        return _percent(self.on_time, self.on_time + self.late)

    @property
    def revisits(self) -> int:
        return sum(self.satisfaction.values())

    @property
    def rated(self) -> int:
        return sum(n for level, n in self.satisfaction.items() if level in SATISFACTION_SCORES)

    @property
    def satisfaction_degree(self) -> Decimal | None:
        """满意度 = sum of scores ÷ (ratings × 10) × 100% (DOMAIN §4)."""
        score = sum(SATISFACTION_SCORES.get(level, 0) * n for level, n in self.satisfaction.items())
        return _percent(score, self.rated * 10)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """满意率 = ratings at 基本满意 or better ÷ ratings × 100% (DOMAIN §4)."""
        good = sum(self.satisfaction.get(level, 0) for level in SATISFIED_LEVELS)
        return _percent(good, self.rated)


def _ratio(part: int, whole: int, places: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(places, ROUND_HALF_UP)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _level(satisfaction: str | None) -> str:
    if not satisfaction:
        return NOT_RATED
    level = SATISFACTION_ALIASES.get(satisfaction, satisfaction)
    return level if level in SATISFACTION_SCORES else NOT_RATED


def month_stats(
    session: Session,
    actor: User,
    period: Period,
    action: str = "view",
    as_of: date | None = None,
    rules: DeadlineRules | None = None,
) -> MonthStats:
    """The statistics of the complaints received in `period` that `actor` may `action`;
    `as_of` is the day open complaints count as overdue from (default today)."""
    scope = _scope(session, actor, action)
    start, end = period.bounds()
    in_month = (Complaint.received_at >= start, Complaint.received_at < end)
    names = _department_names(session)
    stats = MonthStats(period)

    groups = _scoped(
        select(
            Complaint.category,
            Complaint.responsible_department_id,
            Complaint.cause,
            Complaint.accident,
            func.count(),
        ),
        scope,
        Complaint.customer_id,
    ).where(*in_month)
    groups = groups.group_by(
        Complaint.category,
        Complaint.responsible_department_id,
        Complaint.cause,
        Complaint.accident,
    )
    by_category: dict[str, int] = defaultdict(int)
    by_department: dict[str, int] = defaultdict(int)
    by_cause: dict[str, int] = defaultdict(int)
    for category, department_id, cause, accident, count in session.execute(groups):
        stats.total += count
        by_category[category or "其他"] += count
        by_department[names.get(department_id, NO_DEPARTMENT)] += count
        by_cause[cause or NO_CAUSE] += count
        if accident:
            stats.accidents += count
    stats.by_category, stats.by_department = dict(by_category), dict(by_department)
    stats.by_cause = dict(by_cause)

    overdue = _scoped(select(func.count()).select_from(Complaint), scope, Complaint.customer_id)
    stats.overdue_open = (
        session.scalar(
            overdue.where(
                *in_month,
                Complaint.handled_at.is_(None),
                Complaint.state != complaints.CLOSED,
                Complaint.due_on < (as_of or date.today()),
            )
        )
        or 0
    )

    handled_where = (*in_month, Complaint.handled_at.is_not(None))
    timelines = _load_timelines(session, handled_where, scope)
    if rules is None:
        rules = DeadlineRules(workdays.load_calendar(session), settings.values(session))
    per_department: dict[str, DepartmentHandling] = defaultdict(DepartmentHandling)
    for timeline in timelines.values():
        days = rules.handling_days(timeline) or 0
        kept = rules.kept(timeline)
        share = per_department[names.get(timeline.department_id, NO_DEPARTMENT)]
        stats.handled += 1
        share.handled += 1
        stats.handling_days += days
        share.days += days
        stats.on_time += kept is True
        share.on_time += kept is True
        stats.late += kept is False
        share.late += kept is False
    stats.department_handling = dict(per_department)

    day_from, day_to = period.start, period.end
    revisits = _scoped(
        select(Revisit.satisfaction, func.count()),
        scope,
        Revisit.customer_id,
    ).where(
        Revisit.visited_on >= day_from,
        Revisit.visited_on < day_to,
        Revisit.complaint_id.is_not(None),
    )
    satisfaction: dict[str, int] = defaultdict(int)
    for level, count in session.execute(revisits.group_by(Revisit.satisfaction)):
        satisfaction[_level(level)] += count
    stats.satisfaction = dict(satisfaction)
    return stats


# ------------------------------------------------------------------ the month's form


def _signed(number: int | Decimal | None, unit: str = "") -> str:
    if number is None:
        return "—"
    if number == 0:
        return f"0{unit}"
    return f"{'+' if number > 0 else ''}{number}{unit}"


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def _change(this: Decimal | int | None, last: Decimal | int | None, unit: str = "") -> str:
    if this is None or last is None:
        return "—"
    return _signed(this - last, unit)


def _share(count: int, total: int) -> str:
    return _pct(_percent(count, total))


def _count_rows(
    this: Mapping[str, int], last: Mapping[str, int], total: int, names: Iterable[str]
) -> list[dict[str, Any]]:
    rows = []
    for name in names:
        count, before = this.get(name, 0), last.get(name, 0)
        rows.append(
            {
                "name": name,
                "count": count,
                "share": _share(count, total),
                "last": before,
                "change": _signed(count - before),
            }
        )
    return rows


def _ordered(this: Mapping[str, int], last: Mapping[str, int], first: Sequence[str]) -> list[str]:
    """`first` in its order, then any other name of either month by this month's count."""
    rest = sorted(
        (set(this) | set(last)) - set(first), key=lambda n: (-this.get(n, 0), -last.get(n, 0), n)
    )
    return [*first, *rest]


def _total_row(this: int, last: int) -> dict[str, Any]:
    return {
        "name": "合计",
        "count": this,
        "share": "100.0%" if this else "—",
        "last": last,
        "change": _signed(this - last),
    }


def month_report_data(
    session: Session,
    actor: User,
    month: str,
    action: str = "view",
    as_of: date | None = None,
) -> dict[str, Any]:
    """The data of the 顾客投诉统计分析报告表 for `month` (``2026-11``) and the month before."""
    period = parse_month(month)
    rules = DeadlineRules(workdays.load_calendar(session), settings.values(session))
    this = month_stats(session, actor, period, action, as_of, rules)
    last = month_stats(session, actor, previous_month(period), action, as_of, rules)

    categories = _ordered(this.by_category, last.by_category, complaints.categories(session))
    category_rows = _count_rows(this.by_category, last.by_category, this.total, categories)
    department_order = sorted(
        set(this.by_department) | set(last.by_department),
        key=lambda n: (n == NO_DEPARTMENT, -this.by_department.get(n, 0), n),
    )
    department_rows = _count_rows(
        this.by_department, last.by_department, this.total, department_order
    )
    for row in department_rows:
        handling = this.department_handling.get(row["name"], DepartmentHandling())
        row["average_days"] = _ratio(handling.days, handling.handled, Decimal("0.1"))
        row["on_time_rate"] = _pct(_percent(handling.on_time, handling.on_time + handling.late))
    cause_order = [*complaints.CAUSES, NO_CAUSE]
    cause_rows = _count_rows(this.by_cause, last.by_cause, this.total, cause_order)

    satisfaction_rows = []
    for level, score in (*SATISFACTION_LEVELS, (NOT_RATED, None)):
        count, before = this.satisfaction.get(level, 0), last.satisfaction.get(level, 0)
        if score is None and not (count or before):
            continue
        satisfaction_rows.append(
            {
                "name": level,
                "score": score,
                "count": count,
                "share": _share(count, this.revisits),
                "last": before,
                "change": _signed(count - before),
            }
        )
    satisfaction_rows.append({**_total_row(this.revisits, last.revisits), "score": None})

    indicators = [
        ("投诉总数（件）", this.total, last.total, _change(this.total, last.total)),
        ("已处理（件）", this.handled, last.handled, _change(this.handled, last.handled)),
        (
            "平均处理用时（工作日）",
            this.average_days,
            last.average_days,
            _change(this.average_days, last.average_days),
        ),
        (
            "按期处理率",
            _pct(this.on_time_rate),
            _pct(last.on_time_rate),
            _change(this.on_time_rate, last.on_time_rate, "个百分点"),
        ),
        ("超期处理（件）", this.late, last.late, _change(this.late, last.late)),
        (
            "逾期未处理（件）",
            this.overdue_open,
            last.overdue_open,
            _change(this.overdue_open, last.overdue_open),
        ),
        (
            "重大/未遂质量事故（件）",
            this.accidents,
            last.accidents,
            _change(this.accidents, last.accidents),
        ),
        ("投诉回访（次）", this.revisits, last.revisits, _change(this.revisits, last.revisits)),
        (
            "回访满意度",
            _pct(this.satisfaction_degree),
            _pct(last.satisfaction_degree),
            _change(this.satisfaction_degree, last.satisfaction_degree, "个百分点"),
        ),
        (
            "回访满意率",
            _pct(this.satisfaction_rate),
            _pct(last.satisfaction_rate),
            _change(this.satisfaction_rate, last.satisfaction_rate, "个百分点"),
        ),
    ]
    return {
        "month": period.code,
        "month_text": period.label,
        "previous_text": last.period.label,
        "period_text": period.span_text,
        "scope_text": scope_text(session, actor, action),
        "made_by": actor.name,
        "made_at": local_now(),
        "summary": _month_summary(this, last, category_rows),
        "indicators": [
            {"name": name, "this": a, "last": b, "change": c} for name, a, b, c in indicators
        ],
        "categories": [*category_rows, _total_row(this.total, last.total)],
        "departments": [*department_rows, _total_row(this.total, last.total)],
        "causes": [*cause_rows, _total_row(this.total, last.total)],
        "satisfaction": satisfaction_rows,
        "category_chart": [
            {"name": r["name"], "this": r["count"], "last": r["last"]} for r in category_rows
        ],
        "department_chart": [
            {"name": r["name"], "this": r["count"], "last": r["last"]} for r in department_rows
        ],
        "stats": this,
        "previous_stats": last,
    }


def _month_summary(this: MonthStats, last: MonthStats, category_rows: list[dict]) -> str:
    """One paragraph a reader takes in at a glance; the analysis is written by hand."""
    if not this.total:
        head = f"{this.period.label}未受理顾客投诉（上月 {last.total} 件）。"
    else:
        change = this.total - last.total
        trend = (
            f"比上月增加 {change} 件"
            if change > 0
            else f"比上月减少 {-change} 件"
            if change < 0
            else "与上月持平"
        )
        head = f"{this.period.label}共受理顾客投诉 {this.total} 件，{trend}。"
        top = [r for r in sorted(category_rows, key=lambda r: -r["count"]) if r["count"]][:3]
        if top:
            head += "主要类别：" + "、".join(f"{r['name']} {r['count']} 件" for r in top) + "。"
    parts = [head]
    if this.handled:
        parts.append(
            f"已处理 {this.handled} 件，平均处理用时 {this.average_days} 个工作日，"
            f"按期处理率 {_pct(this.on_time_rate)}。"
        )
    if this.overdue_open:
        parts.append(f"逾期未处理 {this.overdue_open} 件。")
    if this.accidents:
        parts.append(f"重大/未遂质量事故 {this.accidents} 件。")
    if this.revisits:
        parts.append(
            f"投诉回访 {this.revisits} 次，满意度 {_pct(this.satisfaction_degree)}，"
            f"满意率 {_pct(this.satisfaction_rate)}。"
        )
    return "".join(parts)


# ------------------------------------------------------------------ the week


def _short(text: str | None, length: int = CONTENT_SHOWN) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _handling_text(
    state: str,
    handled: bool,
    kept: bool | None,
    due_on: date | None,
    today: date,
) -> str:
    if handled:
        return f"{state}\n{'按期' if kept else '超期'}"
    if state != complaints.CLOSED and due_on is not None and due_on < today:
        return f"{state}\n逾期"
    return state


def week_report_data(
    session: Session,
    actor: User,
    iso_week: str,
    department_id: int | None = None,
    action: str = "view",
    as_of: date | None = None,
) -> dict[str, Any]:
    """The data of the 客户投诉记录表: the complaints received in the week (``2026-W47``),
    of one responsible department or of all, one row per complaint."""
    period = parse_iso_week(iso_week)
    department = None
    if department_id is not None:
        department = session.get(Department, department_id)
        if department is None:
            raise NotFound("所选部门已不存在。")
    scope = _scope(session, actor, action)
    start, end = period.bounds()
    where: list[ColumnElement[bool]] = [
        Complaint.received_at >= start,
        Complaint.received_at < end,
    ]
    if department is not None:
        where.append(Complaint.responsible_department_id == department.id)
    query = (
        select(
            Complaint.id,
            Complaint.number,
            Complaint.received_at,
            Complaint.category,
            Complaint.content,
            Complaint.cause,
            Complaint.solution,
            Complaint.result,
            Complaint.explanation,
            Complaint.state,
            Complaint.due_on,
            Complaint.handled_at,
            Complaint.responsible_department_id,
            Customer.name.label("customer"),
        )
        .join(Customer, Customer.id == Complaint.customer_id)
        .where(*where)
        .order_by(Complaint.received_at, Complaint.number)
    )
    if scope is not None:
        query = query.where(scope)
    names = _department_names(session)
    rules = DeadlineRules(workdays.load_calendar(session), settings.values(session))
    timelines = _load_timelines(session, where, scope)
    today = as_of or date.today()
    rows: list[dict[str, Any]] = []
    handled = overdue = late = days_total = 0
    for row in session.execute(query):
        timeline = timelines.get(row.id)
        kept = rules.kept(timeline) if timeline else None
        is_handled = row.handled_at is not None
        days = rules.handling_days(timeline) if timeline else None
        if is_handled:
            handled += 1
            days_total += days or 0
            late += kept is False
        elif row.state != complaints.CLOSED and row.due_on is not None and row.due_on < today:
            overdue += 1
        outcome = row.result or row.solution or row.explanation
        rows.append(
            {
                "number": row.number,
                "received_on": row.received_at.date(),
                "received_at": row.received_at,
                "customer": row.customer,
                "category": row.category,
                "content": _short(row.content),
                "department": names.get(row.responsible_department_id, ""),
                "cause_result": "；".join(p for p in (row.cause, _short(outcome, 60)) if p),
                "handling": _handling_text(row.state, is_handled, kept, row.due_on, today),
                "handling_days": days,
            }
        )
    return {
        "week": period.code,
        "week_text": period.label,
        "period_text": period.span_text,
        "department": department.name if department else "全部部门",
        "scope_text": scope_text(session, actor, action),
        "rows": rows,
        "total": len(rows),
        "handled": handled,
        "open": len(rows) - handled,
        "overdue": overdue,
        "late": late,
        "average_days": _ratio(days_total, handled, Decimal("0.1")),
        "made_by": actor.name,
        "made_at": local_now(),
        "internal_mark": True,
    }


# ------------------------------------------------------------------ one complaint's record


def _yes_no(value: bool | None) -> str:
    return "是" if value else "否"


def _user_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(wanted))).all())


def complaint_record_data(
    session: Session, actor: User, complaint_id: int, action: str = "view"
) -> dict[str, Any]:
    """The data of the 顾客产品质量投诉调查处理记录 of one complaint: every field of DOMAIN
    §2, the 上报 records, every round's steps and the complaint's revisits."""
    complaint = complaints.get_complaint(session, actor, complaint_id, action)
    calendar = workdays.load_calendar(session)
    customer = complaint.customer
    revisits = list(
        session.scalars(
            select(Revisit)
            .where(Revisit.complaint_id == complaint.id)
            .order_by(Revisit.visited_on, Revisit.id)
        )
    )
    names = _user_names(
        session,
        [r.reported_by_id for r in complaint.reports] + [r.staff_id for r in revisits],
    )
    limits = settings.values(session)
    kept = deadlines_kept(_timeline_of(complaint), calendar, limits)
    if not complaint.reports:
        report_status = "尚未上报"
    elif complaints.reported_late(complaint, calendar, limits):
        first = min(r.reported_at for r in complaint.reports)
        report_status = f"未按期上报（{first:%Y-%m-%d %H:%M} 上报）"
    elif min(r.reported_at for r in complaint.reports).date() == complaint.received_at.date():
        report_status = "已于受理当日上报"
    else:
        report_status = "已按期上报"
    next_deadline = ""
    if complaint.due_on is not None:
        next_deadline = f"{complaint.due_on:%Y-%m-%d} 前{complaint.due_what or ''}"
        if complaint.due_on < date.today() and complaint.state != complaints.CLOSED:
            next_deadline += "（已逾期）"
    return {
        "number": complaint.number,
        "state": complaint.state,
        "received_at": complaint.received_at,
        "received_by": complaint.received_by.name if complaint.received_by else None,
        "channel": complaint.channel,
        "customer_name": customer.name,
        "customer_code": customer.code,
        "contact_name": complaint.contact_name,
        "contact_phone": complaint.contact_phone,
        "product": complaint.product,
        "spec_batch": complaint.spec_batch,
        "shipped_on": complaint.shipped_on,
        "quantity": complaint.quantity,
        "occurred_on": complaint.occurred_on,
        "place": complaint.place,
        "narrative": complaint.narrative,
        "parties": complaint.parties,
        "category": complaint.category,
        "kind": "服务投诉" if complaint.is_service else "产品投诉",
        "content": complaint.content,
        "demand": complaint.demand,
        "report_status": report_status,
        "reports": [
            {
                "recipient": r.recipient,
                "way": r.way,
                "reported_at": r.reported_at,
                "reported_by": names.get(r.reported_by_id or 0),
            }
            for r in complaint.reports
        ],
        "site_checker": complaint.site_checker,
        "site_arrived_at": complaint.site_arrived_at,
        "findings": complaint.findings,
        "customer_confirmed": _yes_no(complaint.customer_confirmed),
        "qc_confirmed": _yes_no(complaint.qc_confirmed),
        "cause": complaint.cause,
        "cause_found_at": complaint.cause_found_at,
        "responsible_department": (
            complaint.responsible_department.name if complaint.responsible_department else None
        ),
        "responsible_person": complaint.responsible_person,
        "explanation": complaint.explanation,
        "solution": complaint.solution,
        "solution_at": complaint.solution_at,
        "result": complaint.result,
        "handled_at": complaint.handled_at,
        "handling_days": complaints.handling_days(complaint, calendar),
        "on_time": {True: "按期", False: "超期", None: ""}[kept],
        "round": f"第 {complaint.round} 轮",
        "escalation": complaint.escalation,
        "next_deadline": next_deadline,
        "closed_at": complaint.closed_at,
        "accident": complaint.accident or "无",
        "accident_class": complaint.accident_class,
        "accident_opinion": complaint.accident_opinion,
        "steps": [
            {
                "round": f"第{s.round}轮",
                "at": s.at,
                "action": s.action,
                "change": f"{s.from_state}→{s.to_state}" if s.from_state else s.to_state,
                "user": s.user.name if s.user else None,
                "note": s.note,
            }
            for s in complaint.steps
        ],
        "revisits": [
            {
                "number": r.number,
                "visited_on": r.visited_on,
                "round": f"第{r.complaint_round}轮" if r.complaint_round else None,
                "method": r.method,
                "staff": names.get(r.staff_id or 0),
                "satisfaction": r.satisfaction,
                "needs": r.needs,
            }
            for r in revisits
        ],
        "internal_mark": True,
        "printed_by": actor.name,
        "printed_at": local_now(),
    }


# ------------------------------------------------------------------ one revisit's record
# services.revisits owns the revisit and gives the form its data (revisit_record_data);
# these two add what the printed 客户投诉回访记录 shows beyond the stored fields.


def satisfaction_scale(level: str | None) -> str:
    """The five levels with the customer's answer marked: □很满意　■满意　□基本满意 …"""
    chosen = SATISFACTION_ALIASES.get(level or "", level or "")
    return "　".join(("■" if name == chosen else "□") + name for name, _ in SATISFACTION_LEVELS)


def revisit_conclusion(complaint_number: str | None, satisfaction: str | None) -> str:
    """What the revisit means for the complaint, in one line."""
    level = SATISFACTION_ALIASES.get(satisfaction or "", satisfaction or "")
    if not complaint_number or level not in SATISFACTION_SCORES:
        return ""
    if level in complaints.UNSATISFIED:
        return f"客户{level}：投诉 {complaint_number} 转入重新处理，处理升级一级。"
    return f"客户{level}：投诉 {complaint_number} 处理获客户认可，可以结案。"


__all__ = [
    "SATISFACTION_LEVELS",
    "MonthStats",
    "Period",
    "Timeline",
    "complaint_record_data",
    "deadlines_kept",
    "month_period",
    "month_report_data",
    "month_stats",
    "parse_iso_week",
    "parse_month",
    "previous_month",
    "revisit_conclusion",
    "satisfaction_scale",
    "scope_text",
    "week_report_data",
]
