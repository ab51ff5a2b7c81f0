"""今日待办 (the first screen): what is due, overdue or waiting, as plain data.

Each section is a few indexed queries — complaints by (state, due_on), revisit plans by
(state, planned_on) — limited to the first lines, with the count asked only when there are
more; every query carries the actor's scope, so nobody sees a line they could not open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from desktop_crm.models import Complaint, Customer, Revisit, RevisitPlan, User

from . import (
    access,
    archive_declassify,
    archive_loans,
    archive_receipts,
    revisit_reports,
    revisits,
    rights,
    settings,
    survey_improvements,
    workdays,
)
from . import complaints as complaint_rules
from .errors import PermissionDenied

# Lines shown per section; the heading carries the full count.
LIMIT = 50

COMPLAINT, REVISIT_PLAN, CUSTOMER = "complaint", "revisit_plan", "customer"
REVISIT = "revisit"  # a line that opens a revisit (its 客户回访报告表)
SURVEY_IMPROVEMENT = "survey_improvement"  # opens the survey at its 改进计划 (id: the action)
ARCHIVE_VOLUME = "archive_volume"  # an overdue loan: opens its (first) volume
ARCHIVE_DEPARTMENT = "archive_department"  # a department late with its filing: the ledger
PLANNED = revisits.PLANNED  # a plan neither done nor cancelled
# People who see open major accidents besides holders of complaints·approve (DOMAIN §2).
HEAD_ROLES = ("总经理", "副总经理", "部门负责人")
KEEPER_ROLE = "档案管理员"  # chases the departments' monthly filing

# Section keys, in the order the screen shows them.
DUE_TODAY = "due_today"
DUE_TOMORROW = "due_tomorrow"
OVERDUE = "overdue"
NOT_REPORTED = "not_reported"
ACCIDENTS = "accidents"
PLANS_TODAY = "plans_today"
PLANS_OVERDUE = "plans_overdue"
REPORTS_TO_WRITE = "revisit_reports_to_write"
REPORTS_TO_REVIEW = "revisit_reports_to_review"
NOT_SERVED = "not_served"
IMPROVEMENTS_OVERDUE = "survey_improvements_overdue"
LOANS_OVERDUE = "archive_loans_overdue"
FILING_LATE = "archive_filing_late"
DECLASSIFY_DUE = "archive_declassify_due"  # secrets whose 保密期限 has ended
SECTION_ORDER = (
    OVERDUE,
    DUE_TODAY,
    DUE_TOMORROW,
    NOT_REPORTED,
    ACCIDENTS,
    PLANS_OVERDUE,
    PLANS_TODAY,
    REPORTS_TO_WRITE,
    REPORTS_TO_REVIEW,
    IMPROVEMENTS_OVERDUE,
    LOANS_OVERDUE,
    FILING_LATE,
    DECLASSIFY_DUE,
    NOT_SERVED,
)


@dataclass(frozen=True, slots=True)
class TodayItem:
    """One line: what it is (`kind` + `id` open its record), its number or code, a title
    (the customer), the day it is due or planned, and a short explanation."""

    kind: str  # complaint / revisit_plan / revisit / customer
    id: int
    code: str  # 投诉编号, or the customer's 客户编号
    title: str
    day: date | None = None
    extra: str = ""
    overdue: bool = False  # past its day (or reported late): the screen marks it
    customer_id: int | None = None


@dataclass(frozen=True, slots=True)
class TodaySection:
    key: str
    title: str  # 今天到期, 已逾期, …
    kind: str  # what its lines open
    items: tuple[TodayItem, ...] = ()
    # All matching lines (more than len(items) when cut at the limit); None when there
    # are more than the lines shown and they have not been counted (see not_served_count).
    total: int | None = 0

    @property
    def more(self) -> int | None:
        """Lines not listed (None: some, not counted yet)."""
        return None if self.total is None else max(self.total - len(self.items), 0)

    def counted(self, total: int) -> TodaySection:
        """The same section with its count filled in."""
        return replace(self, total=total)


@dataclass(frozen=True)
class TodayLists:
    """The sections the actor may see (their rights decide which), in screen order."""

    today: date
    next_working_day: date
    sections: tuple[TodaySection, ...] = field(default_factory=tuple)

    def section(self, key: str) -> TodaySection | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def empty(self) -> bool:
        return all(s.total == 0 for s in self.sections)

    @property
    def total(self) -> int:
        """Lines of all sections (those not counted yet: as far as known)."""
        return sum(len(s.items) if s.total is None else s.total for s in self.sections)

    def with_section(self, section: TodaySection) -> TodayLists:
        """These lists with one section replaced (by key)."""
        return replace(
            self, sections=tuple(section if s.key == section.key else s for s in self.sections)
        )


# ------------------------------------------------------------------ the sections


def _with_scope(query: Select[Any], model: type, reach: ColumnElement[bool] | None) -> Select[Any]:
    """Join the customer only when the scope needs its owner (a count then stays on the
    (state, day) index alone for people who see everything)."""
    if reach is None:
        return query
    return query.join(Customer, Customer.id == model.customer_id).where(reach)  # type: ignore[attr-defined]


def _lines(
    session: Session,
    rows: Select[Any],
    count: Select[Any],
    conditions: Sequence[ColumnElement[bool]],
    order: Sequence[ColumnElement[Any]],
    limit: int,
) -> tuple[list[Any], int]:
    """The first `limit` rows and how many there are (counted only when there are more)."""
    for condition in conditions:
        rows, count = rows.where(condition), count.where(condition)
    found = list(session.execute(rows.order_by(*order).limit(limit + 1)))
    if len(found) <= limit:
        return found, len(found)
    return found[:limit], session.scalar(count) or 0


def _complaint_section(
    session: Session,
    key: str,
    title: str,
    reach: ColumnElement[bool] | None,
    conditions: Sequence[ColumnElement[bool]],
    describe: Any,
    limit: int,
    order: Sequence[ColumnElement[Any]] | None = None,
) -> TodaySection:
    rows = (
        select(
            Complaint.id,
            Complaint.number,
            Customer.name,
            Complaint.due_on,
            Complaint.due_what,
            Complaint.state,
            Complaint.category,
            Complaint.received_at,
            Complaint.accident,
            Complaint.accident_class,
            Complaint.customer_id,
        )
        .select_from(Complaint)
        .join(Customer, Customer.id == Complaint.customer_id)
    )
    if reach is not None:
        rows = rows.where(reach)
    count = _with_scope(select(func.count(Complaint.id)).select_from(Complaint), Complaint, reach)
    found, total = _lines(
        session, rows, count, conditions, order or (Complaint.due_on, Complaint.id), limit
    )
    items = tuple(describe(row) for row in found)
    return TodaySection(key, title, COMPLAINT, items, total)


def _plan_section(
    session: Session,
    key: str,
    title: str,
    reach: ColumnElement[bool] | None,
    conditions: Sequence[ColumnElement[bool]],
    today: date,
    limit: int,
) -> TodaySection:
    rows = (
        select(
            RevisitPlan.id,
            Customer.code,
            Customer.name,
            RevisitPlan.planned_on,
            RevisitPlan.kind,
            RevisitPlan.method,
            RevisitPlan.purpose,
            User.name,
            RevisitPlan.customer_id,
        )
        .select_from(RevisitPlan)
        .join(Customer, Customer.id == RevisitPlan.customer_id)
        .outerjoin(User, User.id == RevisitPlan.assigned_id)
    )
    if reach is not None:
        rows = rows.where(reach)
    count = _with_scope(
        select(func.count(RevisitPlan.id)).select_from(RevisitPlan), RevisitPlan, reach
    )
    found, total = _lines(
        session, rows, count, conditions, (RevisitPlan.planned_on, RevisitPlan.id), limit
    )
    items = []
    for plan_id, code, name, day, kind, method, purpose, staff, customer_id in found:
        late = day < today
        parts = [kind, method, purpose, staff and f"经办：{staff}"]
        if late:
            parts.insert(0, f"逾期 {(today - day).days} 天")
        items.append(
            TodayItem(
                REVISIT_PLAN,
                plan_id,
                code,
                name,
                day,
                " · ".join(p for p in parts if p),
                late,
                customer_id,
            )
        )
    return TodaySection(key, title, REVISIT_PLAN, tuple(items), total)


def _report_section(
    session: Session,
    key: str,
    title: str,
    conditions: Sequence[ColumnElement[bool]],
    reach: ColumnElement[bool] | None,
    order: Sequence[ColumnElement[Any]],
    describe: Any,
    limit: int,
) -> TodaySection:
    """Revisits whose 客户回访报告表 waits (to be written or reviewed): the conditions are a
    range of the (report_at, visited_on) index, recent days only (see revisit_reports)."""
    rows = (
        select(
            Revisit.id,
            Revisit.number,
            Customer.name,
            Revisit.visited_on,
            Revisit.kind,
            Revisit.report_at,
            User.name,
            Revisit.customer_id,
        )
        .select_from(Revisit)
        .join(Customer, Customer.id == Revisit.customer_id)
        .outerjoin(User, User.id == Revisit.report_by_id)
    )
    if reach is not None:
        rows = rows.where(reach)
    count = _with_scope(select(func.count(Revisit.id)).select_from(Revisit), Revisit, reach)
    found, total = _lines(session, rows, count, conditions, order, limit)
    return TodaySection(key, title, REVISIT, tuple(describe(row) for row in found), total)


def _not_served_section(
    session: Session, actor: User, today: date, limit: int, count: bool
) -> TodaySection | None:
    """Customers with no visit, revisit or follow-up for the set months (服务不到位); the
    list is the one of services.revisits, cut to its first lines (in name order). Counting
    them all reads every customer in reach (a second or more at a million): `count=False`
    leaves the total None when there are more than the lines shown."""
    try:
        query = revisits.customers_not_served(session, actor, today=today)
    except PermissionDenied:
        return None
    rows = query.page(session, 0, limit + 1)
    total: int | None = len(rows)
    if len(rows) > limit:
        total = query.count(session) if count else None
    keys = [c.key for c in query.columns]
    items = []
    for row in rows[:limit]:
        values = dict(zip(keys, row[1:], strict=False))
        last = values.get("last_served")
        if last is not None:
            parts = [f"最近服务 {last:%Y-%m-%d}（{(today - last).days} 天前）"]
        else:
            registered = values.get("registered_at")
            parts = ["从未服务" + (f"（{registered:%Y-%m-%d} 登记）" if registered else "")]
        if values.get("grade"):
            parts.append(f"{values['grade']} 级")
        if values.get("status"):
            parts.append(values["status"])
        if values.get("owner"):
            parts.append(f"客户经理：{values['owner']}")
        items.append(
            TodayItem(
                CUSTOMER,
                row[0],
                values.get("code") or "",
                values.get("name") or "",
                last,
                " · ".join(parts),
                False,
                row[0],
            )
        )
    title = f"服务不到位：{settings.value(session, 'service.gap_months')} 个月无服务的客户"
    return TodaySection(NOT_SERVED, title, CUSTOMER, tuple(items), total)


# ------------------------------------------------------------------ the screen's data


def _reach(session: Session, actor: User, area: str) -> tuple[bool, ColumnElement[bool] | None]:
    """Whether `actor` may view `area` at all, and the SQL condition of their reach.

    The customer's owner is written `owner_id + 0` so that SQLite drives every section from
    the (state, day) index and looks each customer up by its key, rather than walking the
    owner index through a quarter of a million customers first."""
    if not rights.may(session, actor, area, "view"):
        return False, None
    owners = access.owners_in_reach(session, actor, area, "view")
    if owners is None:
        return True, None
    return True, (Customer.owner_id + 0).in_(sorted(owners))


def sees_accidents(session: Session, actor: User) -> bool:
    """Major accidents go to the heads and to whoever approves complaints (DOMAIN §2)."""
    return rights.may(session, actor, "complaints", "approve") or any(
        role in HEAD_ROLES for role in actor.role_names
    )


def not_served_count(session: Session, actor: User, today: date | None = None) -> int:
    """How many customers in `actor`'s reach are 服务不到位 (the slow part of 今日待办, for
    a worker thread)."""
    return revisits.customers_not_served(session, actor, today=today).count(session)


def today_items(
    session: Session,
    actor: User,
    today: date | None = None,
    limit: int = LIMIT,
    count_not_served: bool = True,
) -> TodayLists:
    """What `actor` has to do today, within their reach; sections they have no right to
    see are left out. Each section holds its first `limit` lines and their total;
    `count_not_served=False` leaves the 服务不到位 total to `not_served_count` (None
    meanwhile), so a screen can show everything else at once."""
    today = today or date.today()
    calendar = workdays.load_calendar(session)
    next_day = calendar.add_working_days(today, 1)
    last_soon = max(next_day, date.fromordinal(today.toordinal() + 1))  # Fri: Sat–Mon
    open_states = tuple(complaint_rules.OPEN_STATES)
    sections: list[TodaySection] = []

    may_complaints, complaint_reach = _reach(session, actor, "complaints")
    if may_complaints:

        def due(row: Any) -> TodayItem:
            cid, number, name, due_on, due_what, state, category = row[:7]
            days_left = complaint_rules.working_days_left(calendar, due_on, today)
            when = complaint_rules.deadline_phrase(days_left)
            extra = " · ".join(p for p in (due_what, when, state, category) if p)
            return TodayItem(COMPLAINT, cid, number, name, due_on, extra, days_left < 0, row[-1])

        def unreported(row: Any) -> TodayItem:
            cid, number, name, due_on, _what, _state, category, received = row[:8]
            # Due on the day received (DOMAIN §2), or as many working days later as the
            # office set: the complaint's deadline while it is 已登记.
            due_day = due_on or received.date()
            late = due_day < today
            parts = [f"受理 {received:%m-%d %H:%M}", category]
            if late:
                parts.insert(0, "未在受理当日上报" if due_day == received.date() else "逾期未上报")
            return TodayItem(
                COMPLAINT, cid, number, name, received.date(), " · ".join(parts), late, row[-1]
            )

        def accident(row: Any) -> TodayItem:
            cid, number, name, due_on, _what, state, category, received, kind, klass = row[:10]
            parts = [kind, klass or "待生产技术部界定", state, category]
            late = due_on is not None and due_on < today
            return TodayItem(
                COMPLAINT, cid, number, name, received.date(), " · ".join(parts), late, row[-1]
            )

        is_open = Complaint.state.in_(open_states)
        tomorrow = date.fromordinal(today.toordinal() + 1)
        soon_title = "明天到期"
        if next_day > tomorrow:
            soon_title = f"明天至下一工作日（{next_day.month}月{next_day.day}日）到期"
        plan = [
            (OVERDUE, "已逾期的投诉", [is_open, Complaint.due_on < today], due, None),
            (DUE_TODAY, "今天到期", [is_open, Complaint.due_on == today], due, None),
            (
                DUE_TOMORROW,
                soon_title,
                [is_open, Complaint.due_on > today, Complaint.due_on <= last_soon],
                due,
                None,
            ),
            (
                NOT_REPORTED,
                "尚未上报领导的投诉",
                [Complaint.state == complaint_rules.REGISTERED],
                unreported,
                (Complaint.received_at, Complaint.id),
            ),
        ]
        if sees_accidents(session, actor):
            plan.append(
                (
                    ACCIDENTS,
                    "未结案的重大/未遂质量事故",
                    [is_open, Complaint.accident.is_not(None)],
                    accident,
                    (Complaint.received_at, Complaint.id),
                )
            )
        for key, title, conditions, describe, order in plan:
            sections.append(
                _complaint_section(
                    session, key, title, complaint_reach, conditions, describe, limit, order
                )
            )

    may_revisits, plan_reach = _reach(session, actor, "revisits")
    if may_revisits:
        planned = RevisitPlan.state == PLANNED
        sections.append(
            _plan_section(
                session,
                PLANS_OVERDUE,
                "逾期未回访的计划",
                plan_reach,
                [planned, RevisitPlan.planned_on < today],
                today,
                limit,
            )
        )
        sections.append(
            _plan_section(
                session,
                PLANS_TODAY,
                "今天的回访计划",
                plan_reach,
                [planned, RevisitPlan.planned_on == today],
                today,
                limit,
            )
        )
    sections += _report_sections(session, actor, today, calendar, limit)
    improvements = _improvement_section(session, actor, today, limit)
    if improvements is not None:
        sections.append(improvements)
    sections += _archive_sections(session, actor, today, limit)
    if rights.may(session, actor, "customers", "view"):
        not_served = _not_served_section(session, actor, today, limit, count_not_served)
        if not_served is not None:
            sections.append(not_served)

    order = {key: index for index, key in enumerate(SECTION_ORDER)}
    sections.sort(key=lambda s: order[s.key])
    return TodayLists(today=today, next_working_day=next_day, sections=tuple(sections))


def _report_sections(
    session: Session,
    actor: User,
    today: date,
    calendar: workdays.WorkCalendar,
    limit: int,
) -> list[TodaySection]:
    """回访报告待写/逾期 for the person who made the revisits (their own, of the last
    months), 回访报告待审阅 for those who review them (the 客户服务主管, 回访·审批)."""
    sections = []
    if rights.may(session, actor, "revisits", "create"):

        def to_write(row: Any) -> TodayItem:
            revisit_id, number, name, visited, kind, _at, _by, customer_id = row
            timing = revisit_reports.report_timing(visited, None, today, calendar)
            if timing.state == revisit_reports.OVERDUE:
                late = timing.working_days_late
                when = f"逾期 {late} 个工作日" if late > 0 else "已过期限"
            elif timing.due_on == today:
                when = "今天截止"
            else:
                when = f"{timing.due_on.month}月{timing.due_on.day}日截止"
            extra = " · ".join((when, f"回访 {visited:%m-%d}", kind))
            return TodayItem(
                REVISIT, revisit_id, number, name, timing.due_on, extra, timing.late, customer_id
            )

        sections.append(
            _report_section(
                session,
                REPORTS_TO_WRITE,
                "回访报告待写/逾期",
                revisit_reports.to_write_conditions(actor, today),
                None,  # the actor's own revisits, whoever the customer belongs to
                (Revisit.visited_on, Revisit.id),
                to_write,
                limit,
            )
        )
    if revisit_reports.may_review_any(session, actor):
        owners = revisit_reports.review_owners(session, actor)
        reach = None if owners is None else (Customer.owner_id + 0).in_(sorted(owners))

        def to_review(row: Any) -> TodayItem:
            revisit_id, number, name, visited, kind, report_at, by, customer_id = row
            waiting = calendar.working_days_between(report_at.date(), today)
            parts = [f"填表 {report_at:%m-%d}" + (f"（{by}）" if by else ""), kind]
            parts.append(f"回访 {visited:%m-%d}")
            if waiting > 0:
                parts.insert(0, f"已等 {waiting} 个工作日")
            return TodayItem(
                REVISIT, revisit_id, number, name, report_at.date(), " · ".join(parts),
                False, customer_id,
            )  # fmt: skip

        sections.append(
            _report_section(
                session,
                REPORTS_TO_REVIEW,
                "回访报告待审阅",
                revisit_reports.to_review_conditions(today),
                reach,
                (Revisit.report_at, Revisit.id),
                to_review,
                limit,
            )
        )
    return sections


def _improvement_section(
    session: Session, actor: User, today: date, limit: int
) -> TodaySection | None:
    """满意度调查的改进计划 past their due date and not verified yet (DOMAIN §4), those
    whose responsible person is within the actor's reach; None without surveys·view."""
    if not rights.may(session, actor, "surveys", "view"):
        return None
    rows, total = survey_improvements.overdue_improvements(session, actor, today, limit)
    items = []
    for row in rows:
        parts = [f"逾期 {(today - row.due_on).days} 天", f"责任人：{row.responsible or '未定'}"]
        if row.corrective_action:
            action = row.corrective_action.replace("\n", " ")
            parts.append("纠正措施：" + (action[:40] + "…" if len(action) > 40 else action))
        items.append(
            TodayItem(
                SURVEY_IMPROVEMENT,
                row.id,
                row.survey_number,
                f"{row.item_name}（{row.survey_name}）",
                row.due_on,
                " · ".join(parts),
                True,
            )
        )
    return TodaySection(
        IMPROVEMENTS_OVERDUE, "逾期未验证的改进计划（满意度调查）", SURVEY_IMPROVEMENT,
        tuple(items), total,
    )  # fmt: skip


def _archive_sections(session: Session, actor: User, today: date, limit: int) -> list[TodaySection]:
    """档案借阅 not back by their due date (for those who see archive files), and — for the
    档案管理员, who chases them — departments with nothing handed over for last month after
    the 10th (DOMAIN §5). Shown only when there is something: most of the office never
    works with the archive."""
    if not rights.may(session, actor, "archives", "view"):
        return []
    loans = archive_loans.overdue_loans(session, actor, today)
    loan_items = tuple(
        TodayItem(
            ARCHIVE_VOLUME,
            loan.volumes[0].volume_id,
            loan.number,
            loan.borrower + (f"（{loan.unit}）" if loan.unit else ""),
            loan.due_on,
            f"逾期 {(today - loan.due_on).days} 天 · {loan.numbers}",
            True,
        )
        for loan in loans[:limit]
        if loan.volumes
    )
    sections = []
    if loans:
        sections.append(
            TodaySection(
                LOANS_OVERDUE, "逾期未还的档案借阅", ARCHIVE_VOLUME, loan_items, len(loans)
            )
        )
    if KEEPER_ROLE in actor.role_names and archive_receipts.is_keeper(session, actor):
        late = archive_receipts.late_departments(session, actor, today)
        late_items = tuple(
            TodayItem(
                ARCHIVE_DEPARTMENT,
                d.department_id,
                d.code,
                d.department,
                d.deadline,
                f"{d.month} 的文件尚未移交档案室（应于 {d.deadline:%m-%d} 前移交）",
                True,
            )
            for d in late[:limit]
        )
        if late:
            sections.append(
                TodaySection(
                    FILING_LATE,
                    "未按时移交上月档案的部门",
                    ARCHIVE_DEPARTMENT,
                    late_items,
                    len(late),
                )
            )
        due = _declassify_section(session, actor, today, limit)
        if due is not None:
            sections.append(due)
    return sections


def _declassify_section(
    session: Session, actor: User, today: date, limit: int
) -> TodaySection | None:
    """秘密/机密/绝密 files whose 保密期限 has ended, for the 档案管理员 who declassifies
    them (DOMAIN §5); None when there are none. A line opens the volume."""
    rows, total = archive_declassify.due_first(session, actor, today, limit)
    if not total:
        return None
    items = tuple(
        TodayItem(
            ARCHIVE_VOLUME,
            row.volume_id,
            row.number,
            row.title,
            row.secrecy_until,
            f"{row.secrecy} · 保密期限至 {row.secrecy_until:%Y-%m-%d} 已届满，待解密",
        )
        for row in rows
    )
    return TodaySection(DECLASSIFY_DUE, "保密期限已满、待解密的档案", ARCHIVE_VOLUME, items, total)
