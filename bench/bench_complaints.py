"""Complaints and revisits beside a million customers: the complaint list, its overdue
filter and searches, the monthly statistics report and 今日待办, each measured several
times against its target (lists 0.3 s, monthly report 2 s, 今日待办 0.5 s).

Run: python -m bench.bench_complaints [--complaints 200000] [--revisits 400000]
                                      [--plans 100000] [--repeat 5] [--fresh]
     (or python bench/bench_complaints.py …). Results: bench/results_complaints.md.

The store is the cached 1,000,000-customer store (bench/.cache/customers-1000000.sqlite3,
made by bench.generate) copied once with SQLite's backup API into
bench/.cache/complaints-N.sqlite3, migrated to head (without the upgrade backup: it is a
cache) and filled:
- complaints over the two years up to today, each a coherent story (receipt, report to
  the heads, on-site check, cause of the three kinds, solution, 处理完毕, revisit, 结案, a
  second round after an unsatisfied revisit) cut at the present moment, so recent ones are
  open; about 1 % of older ones got stuck on the way (overdue); 0.1 % are accidents. Rows,
  their steps, reports to the heads and revisits are written with executemany in large
  transactions; their deadlines are then set by services.complaints itself;
- routine revisits (to make up the revisit count) and revisit plans (past ones done or
  cancelled, a few overdue, today's, coming weeks') with set-based INSERT … SELECT from a
  recursive counter; revisit numbers are given per year in date order by one UPDATE;
- the customers' 登记时间 spread over the last four years (the bench store registered them
  all today), so 服务不到位 (three months without service) has customers to find.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

if __package__ in (None, ""):  # run as a script: python bench/bench_complaints.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import CACHE_DIR, generate  # noqa: E402
from bench.run import Result, fmt, machine_info, table, timed  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results_complaints.md"
CUSTOMERS = 1_000_000
SEED = 20261127
BATCH = 50_000
DAYS_BACK = 730
QUERY_LIMIT = 60.0  # seconds one statement may run before the bench interrupts it


def store_path(complaints: int, customers: int = CUSTOMERS) -> Path:
    if customers == CUSTOMERS:
        return CACHE_DIR / f"complaints-{complaints}.sqlite3"
    return CACHE_DIR / f"complaints-{complaints}-customers-{customers}.sqlite3"


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


def _stamp(moment: datetime | None) -> str | None:
    """A moment as SQLAlchemy writes a DateTime into SQLite."""
    return None if moment is None else f"{moment:%Y-%m-%d %H:%M:%S}.000000"


# ------------------------------------------------------------------ building the store


def build(
    complaints: int, revisits: int, plans: int, fresh: bool = False, customers: int = CUSTOMERS
) -> Path:
    """The cached store with complaints, revisits and plans beside the customers."""
    done = store_path(complaints, customers)
    if fresh:
        for file in (done, *_sidecars(done)):
            file.unlink(missing_ok=True)
    if done.exists():
        return done
    source = generate(customers)
    work = done.with_name(done.stem + ".partial.sqlite3")
    for file in (work, *_sidecars(work)):
        file.unlink(missing_ok=True)
    started = time.perf_counter()
    _copy(source, work)
    print(f"copied the customer store in {time.perf_counter() - started:.0f} s", flush=True)
    _migrate(work)
    _fill(work, complaints, revisits, plans)
    connection = sqlite3.connect(work)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    for file in _sidecars(work):
        file.unlink(missing_ok=True)
    work.rename(done)
    print(
        f"built {done.name} ({done.stat().st_size / 1e9:.2f} GB) "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return done


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy, the source opened read-only (its pending
    migrations are not run and no upgrade backup is written beside it)."""
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(target)

    def progress(_status: int, remaining: int, total: int) -> None:
        done = total - remaining
        if done % (256 * 1024) < 65536:
            print(f"  copy {done * 100 // max(total, 1)} %", flush=True)

    reader.backup(writer, pages=65536, progress=progress)
    writer.close()
    reader.close()


def _migrate(path: Path) -> None:
    """Bring the copy to the head revision without the upgrade backup (it is a cache)."""
    from alembic import command

    from desktop_crm.config import sqlite_store
    from desktop_crm.models.db import make_engine
    from desktop_crm.models.migrate import alembic_config, current_revision, head_revision

    engine = make_engine(sqlite_store(path).url)
    if current_revision(engine) != head_revision(engine):
        command.upgrade(alembic_config(engine), "head")
    engine.dispose()


def open_bench_store(path: Path):  # noqa: ANN201
    from desktop_crm.config import sqlite_store
    from desktop_crm.models.db import make_engine, make_session_factory
    from desktop_crm.services import bootstrap

    _migrate(path)  # a newer schema since the store was built: no 3 GB backup for a cache
    engine = make_engine(sqlite_store(path).url)
    _stop_runaway_queries(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        bootstrap.ensure_defaults(session)
    return factory


def _stop_runaway_queries(engine: Any) -> None:
    """Interrupt any statement running longer than QUERY_LIMIT (a bad plan can take hours
    at a million rows): the measurement fails and the bench goes on."""
    from sqlalchemy import event

    started: dict[int, float] = {}

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn, *_args) -> None:  # noqa: ANN001
        started[id(conn.connection.dbapi_connection)] = time.perf_counter()

    @event.listens_for(engine, "connect")
    def _watch(dbapi_connection, _record) -> None:  # noqa: ANN001
        key = id(dbapi_connection)

        def too_long() -> int:
            return int(time.perf_counter() - started.get(key, time.perf_counter()) > QUERY_LIMIT)

        dbapi_connection.set_progress_handler(too_long, 100_000)


class _Ids:
    """Staff, departments and the customers' owners the rows refer to."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        users = dict(connection.execute("SELECT name, id FROM app_user").fetchall())
        self.clerk = users.get("杨帆", 1)
        self.departments = dict(connection.execute("SELECT code, id FROM department").fetchall())
        self.heads = {"YXB": "李明", "ZJB": "赵磊"}
        self.customers = connection.execute("SELECT max(id) FROM customer").fetchone()[0]


def _fill(path: Path, complaints: int, revisits: int, plans: int) -> None:
    from desktop_crm.services import workdays

    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA cache_size = -262144")
    ids = _Ids(connection)
    now = datetime.now().replace(microsecond=0)
    started = time.perf_counter()

    connection.execute("BEGIN")
    # The bench generator registered every customer today; spread them over four years.
    connection.execute(
        "UPDATE customer SET registered_at = strftime('%Y-%m-%d %H:%M:%S.000000', ?, "
        "'-' || (90 + (id * 7919) % 1370) || ' days', '-' || (id % 600) || ' minutes')",
        (_stamp(now)[:19],),
    )
    connection.execute("COMMIT")
    print(f"  customers' 登记时间 spread ({time.perf_counter() - started:.0f} s)", flush=True)

    stories = _StoryWriter(random.Random(SEED), ids, workdays.LIBRARY_CALENDAR, now)
    made_revisits = stories.write(connection, complaints)
    print(
        f"  {complaints:,} complaints, their steps, reports and {made_revisits:,} revisits "
        f"({time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    _routine_revisits(connection, ids, max(revisits - made_revisits, 0), now.date())
    _number_revisits(connection)
    print(f"  revisits numbered ({time.perf_counter() - started:.0f} s)", flush=True)
    _plans(connection, ids, plans, now.date())
    print(f"  {plans:,} revisit plans ({time.perf_counter() - started:.0f} s)", flush=True)
    _sequences(connection)
    connection.close()
    _deadlines(path)
    print(f"  deadlines of the open complaints ({time.perf_counter() - started:.0f} s)")


# Complaint stories -------------------------------------------------------------------

_COMPLAINT_SQL = (
    "INSERT INTO complaint (id, number, received_at, received_by_id, channel, customer_id,"
    " contact_name, contact_phone, product, spec_batch, shipped_on, quantity, occurred_on,"
    " place, narrative, parties, category, is_service, content, demand,"
    " responsible_department_id, responsible_person, site_checker, site_arrived_at, findings,"
    " customer_confirmed, qc_confirmed, cause, cause_found_at, explanation, solution,"
    " solution_at, result, handled_at, closed_at, state, round, escalation, due_on, due_what,"
    " accident, accident_class, accident_opinion, created_at, updated_at, version)"
    " VALUES (" + ",".join("?" * 46) + ")"
)
_STEP_SQL = (
    "INSERT INTO complaint_step (complaint_id, round, action, from_state, to_state, at,"
    " user_id, note) VALUES (?,?,?,?,?,?,?,?)"
)
_REPORT_SQL = (
    "INSERT INTO complaint_report (complaint_id, recipient, way, reported_at, reported_by_id)"
    " VALUES (?,?,?,?,?)"
)
_REVISIT_SQL = (
    "INSERT INTO revisit (number, customer_id, kind, complaint_id, complaint_round, visited_on,"
    " method, staff_id, contact_name, discussion, needs, satisfaction, created_by_id,"
    " created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅东海燕鹏飞"


class _StoryWriter:
    """Each complaint's life from receipt to 结案, cut at the present moment."""

    def __init__(self, rng: random.Random, ids: _Ids, calendar: Any, now: datetime) -> None:
        from desktop_crm.services import complaints as rules
        from desktop_crm.services import demo_complaints as demo

        self.rng, self.ids, self.calendar, self.now, self.rules = rng, ids, calendar, now, rules
        self.demo = demo
        self.categories = list(demo.CONTENT)
        self.category_weights = [8, 6, 8, 10, 6, 12, 5, 3, 6, 3]

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(
            self.rng.choices(GIVEN, k=self.rng.choice((1, 2)))
        )

    def after(self, moment: datetime, working_days: int) -> datetime:
        if working_days <= 0:
            return moment + timedelta(minutes=self.rng.randint(20, 180))
        day = self.calendar.add_working_days(moment.date(), working_days)
        later = datetime.combine(day, clock(8, 30)) + timedelta(minutes=self.rng.randint(0, 540))
        return max(later, moment + timedelta(minutes=5))

    def received_moments(self, count: int) -> list[datetime]:
        rng, today = self.rng, self.now.date()
        moments = []
        for _ in range(count):
            day = today - timedelta(days=rng.randint(0, DAYS_BACK))
            if not self.calendar.is_workday(day) and rng.random() < 0.9:
                day = self.calendar.add_working_days(day, -1)
            moment = datetime.combine(day, clock(8, 0)) + timedelta(minutes=rng.randint(0, 600))
            if moment > self.now:
                moment = self.now - timedelta(minutes=rng.randint(1, 120))
            moments.append(moment)
        return sorted(moments)

    def fill(self, category: str, key: str, received: datetime) -> str:
        choices = self.demo.CONTENT[category][key]
        return self.demo.fill_template(self.rng, self.rng.choice(choices), received)

    def write(self, connection: sqlite3.Connection, count: int) -> int:
        per_year: dict[int, int] = {}
        rows, steps, reports, revisits = [], [], [], []
        made = 0
        connection.execute("BEGIN")
        for complaint_id, received in enumerate(self.received_moments(count), start=1):
            per_year[received.year] = per_year.get(received.year, 0) + 1
            number = f"TS{received.year}-{per_year[received.year]:04d}"
            row, its_steps, its_reports, its_revisits = self.story(complaint_id, number, received)
            rows.append(row)
            steps += its_steps
            reports += its_reports
            revisits += its_revisits
            made += len(its_revisits)
            if len(rows) >= BATCH:
                self._flush(connection, rows, steps, reports, revisits)
                rows, steps, reports, revisits = [], [], [], []
        self._flush(connection, rows, steps, reports, revisits)
        connection.execute("COMMIT")
        return made

    @staticmethod
    def _flush(connection: sqlite3.Connection, rows: list, steps: list, reports: list,
               revisits: list) -> None:  # fmt: skip
        connection.executemany(_COMPLAINT_SQL, rows)
        connection.executemany(_STEP_SQL, steps)
        connection.executemany(_REPORT_SQL, reports)
        connection.executemany(_REVISIT_SQL, revisits)

    def story(
        self, complaint_id: int, number: str, received: datetime
    ) -> tuple[tuple, list[tuple], list[tuple], list[tuple]]:
        rng, rules = self.rng, self.rules
        category = rng.choices(self.categories, self.category_weights)[0]
        service = category in rules.SERVICE_CATEGORIES
        customer_id = rng.randint(1, self.ids.customers)
        contact = self.person()
        age = (self.now.date() - received.date()).days
        # Where an older complaint got stuck (about 1 %), or None: handled to the end.
        stuck = None
        if age > 30 and rng.random() < 0.013:
            stuck = rng.choice(("report", "site", "cause", "solution", "finish", "revisit"))
        accident = None
        if rng.random() < 0.001:
            accident = "重大质量事故" if rng.random() < 0.3 else "未遂质量事故"

        moments: list[tuple[str, datetime, dict]] = [("register", received, {})]

        def add(action: str, at: datetime, **extra: Any) -> bool:
            if at > self.now or stuck == action:
                return False
            moments.append((action, at, extra))
            return True

        reported = self.after(received, 1 if rng.random() < 0.04 else 0)
        ok = add("report", reported)
        moment = reported
        if ok and rng.random() < (0.2 if service else 0.6):
            moment = self.after(moment, rng.choice((0, 1, 1, 2)))
            ok = add("site", moment)
        first = rng.choices(
            ("很满意", "满意", "基本满意", "不满意", "很不满意"), (30, 40, 20, 8, 2)
        )[0]
        rounds = [first] if first not in rules.UNSATISFIED else [first, "满意"]
        for index, satisfaction in enumerate(rounds):
            if not ok:
                break
            weights = (65, 15, 20) if service else (50, 30, 20)
            cause = rules.CAUSE_OURS if index else rng.choices(rules.CAUSES, weights)[0]
            moment = self.after(moment, rng.choice((0, 1, 1, 2)) if not index else 1)
            ok = add("cause", moment, cause=cause, round=index + 1)
            if ok and cause == rules.CAUSE_OURS:
                days = rng.choice((1, 1, 2, 3)) if rng.random() < 0.9 else rng.randint(4, 6)
                moment = self.after(moment, days)
                ok = add("solution", moment, round=index + 1)
            if ok and cause != rules.CAUSE_UNFOUNDED:
                moment = self.after(moment, rng.randint(1, 5))
                ok = add("finish", moment, round=index + 1)
            if ok:
                moment = self.after(moment, rng.randint(1, 6))
                ok = add("revisit", moment, satisfaction=satisfaction, round=index + 1)
        if ok:
            add("close", self.after(moment, rng.choice((0, 1, 1, 2))))
        return self._rows(complaint_id, number, received, category, service, customer_id,
                          contact, accident, moments)  # fmt: skip

    def _rows(self, complaint_id, number, received, category, service, customer_id, contact,
              accident, moments):  # noqa: ANN001, ANN202  # fmt: skip
        rng, rules, clerk, ids = self.rng, self.rules, self.ids.clerk, self.ids
        fill = self.fill
        state, round_ = rules.REGISTERED, 1
        steps, reports, revisits = [], [], []
        values: dict[str, Any] = {
            "site_checker": None, "site_arrived_at": None, "findings": None, "cause": None,
            "cause_found_at": None, "explanation": None, "solution": None, "solution_at": None,
            "result": None, "handled_at": None, "closed_at": None,
            "responsible_department_id": None, "responsible_person": None,
        }  # fmt: skip
        for action, at, extra in moments:
            before = state
            note = None
            if action == "register":
                action_name = "登记"
            elif action == "report":
                action_name, state = rules.REPORT, rules.REPORTED
                for who, way in ((f"市场营销部负责人 {ids.heads['YXB']}", "电话"),
                                 (f"质检部负责人 {ids.heads['ZJB']}", "书面")):  # fmt: skip
                    reports.append((complaint_id, who, way, _stamp(at), clerk))
                note = f"市场营销部负责人 {ids.heads['YXB']}（电话）；质检部负责人 {ids.heads['ZJB']}（书面）"
            elif action == "site":
                action_name, state = rules.SITE_CHECK, rules.INVESTIGATING
                values |= {"site_checker": "质检部 赵磊", "site_arrived_at": at,
                           "findings": fill(category, "findings", received)}  # fmt: skip
                note = f"质检部 赵磊 {at:%Y-%m-%d %H:%M} 到达"
            elif action == "cause":
                action_name = rules.FIND_CAUSE
                cause = extra["cause"]
                key = {"我方原因": "ours", "非我方原因": "not_ours"}.get(cause)
                explanation = (
                    fill(category, key, received) if key else rng.choice(self.demo.UNFOUNDED)
                )
                values |= {"cause": cause, "cause_found_at": at, "explanation": explanation,
                           "solution_at": None}  # fmt: skip
                if cause == rules.CAUSE_OURS:
                    code = self.demo.RESPONSIBLE[category]
                    values |= {"responsible_department_id": ids.departments.get(code),
                               "responsible_person": self.person()}  # fmt: skip
                if cause == rules.CAUSE_UNFOUNDED:
                    values |= {"handled_at": at, "result": explanation}
                    state = rules.HANDLED
                else:
                    state = rules.HANDLING
                note = f"{cause}：{explanation}"
            elif action == "solution":
                action_name, state = rules.PROPOSE, rules.HANDLING
                values |= {"solution": fill(category, "solution", received), "solution_at": at}
                note = values["solution"]
            elif action == "finish":
                action_name, state = rules.FINISH, rules.HANDLED
                values |= {"result": fill(category, "result", received), "handled_at": at}
                note = values["result"]
            elif action == "revisit":
                satisfaction = extra["satisfaction"]
                revisits.append(
                    (f"C{complaint_id}-{round_}", customer_id, "投诉回访", complaint_id, round_,
                     at.date().isoformat(), "电话", clerk, contact,
                     f"电话回访{contact}，了解{category}投诉的处理情况。", None, satisfaction,
                     clerk, _stamp(at))
                )  # fmt: skip
                if satisfaction in rules.UNSATISFIED:
                    action_name, state = rules.REOPEN, rules.REOPENED
                    round_ += 1
                    values |= {"cause": None, "cause_found_at": None, "solution_at": None,
                               "handled_at": None}  # fmt: skip
                    note = f"回访：客户{satisfaction}；第 {round_} 轮，升级至部门负责人"
                else:
                    action_name, state = rules.REVISIT, rules.REVISITED
                    note = f"回访：客户{satisfaction}"
            else:  # close
                action_name, state = rules.CLOSE, rules.CLOSED
                values["closed_at"] = at
            steps.append(
                (complaint_id, round_, action_name, None if action == "register" else before,
                 state, _stamp(at), clerk, note)
            )  # fmt: skip
        last = moments[-1][1]
        product = rng.choice(self.demo.PRODUCTS) if not service else None
        shipped = received.date() - timedelta(days=rng.randint(1, 8)) if product else None
        row = (
            complaint_id, number, _stamp(received), clerk,
            rng.choices(rules.CHANNELS, (60, 10, 8, 18, 4))[0], customer_id, contact,
            f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}", product,
            f"批号 {shipped:%Y%m%d}-{rng.randint(1, 4):02d}" if shipped else None,
            shipped.isoformat() if shipped else None,
            f"{rng.choice((30, 35, 40, 60, 100))}吨" if product else None,
            (received.date() - timedelta(days=rng.randint(0, 3))).isoformat(),
            f"{rng.choice(self.demo.SITES)}", None, None, category, int(service),
            fill(category, "content", received), fill(category, "demand", received),
            values["responsible_department_id"], values["responsible_person"],
            values["site_checker"], _stamp(values["site_arrived_at"]), values["findings"],
            1, 1, values["cause"], _stamp(values["cause_found_at"]), values["explanation"],
            values["solution"], _stamp(values["solution_at"]), values["result"],
            _stamp(values["handled_at"]), _stamp(values["closed_at"]), state, round_,
            "部门负责人" if round_ > 1 else "受理人", None, None, accident,
            ("重大责任事故" if accident == "重大质量事故" else "未遂质量事故") if accident else None,
            "生产技术部界定并给出处理意见。" if accident else None,
            _stamp(received), _stamp(last), 1,
        )  # fmt: skip
        return row, steps, reports, revisits


def _routine_revisits(connection: sqlite3.Connection, ids: _Ids, count: int, today: date) -> None:
    """Routine revisits over two years, set-based: customer, day, kind, method and
    satisfaction drawn from the row number."""
    if count <= 0:
        return
    connection.execute("BEGIN")
    connection.execute(
        """
        INSERT INTO revisit (number, customer_id, kind, visited_on, method, staff_id,
                             contact_name, discussion, needs, satisfaction, created_by_id,
                             created_at)
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
        SELECT 'R' || i,
               c.id,
               CASE i % 20 WHEN 0 THEN '大客户特定回访' WHEN 1 THEN '上门拜访'
                    WHEN 2 THEN '上门拜访' ELSE CASE i % 3 WHEN 0 THEN '电话回访'
                    ELSE '定期回访' END END,
               date(:today, '-' || (1 + (i * 104729) % :days) || ' days'),
               CASE i % 3 WHEN 0 THEN '电话' ELSE '上门' END,
               c.owner_id,
               NULL,
               CASE i % 5 WHEN 0 THEN '了解近期水泥使用情况，客户反映质量稳定。'
                          WHEN 1 THEN '沟通下季度用量计划，预计增加P·O 42.5用量。'
                          WHEN 2 THEN '走访工地，查看水泥存放条件，提醒注意防潮。'
                          WHEN 3 THEN '节前礼节性拜访，听取意见。'
                          ELSE '询问到货及时性，客户对物流服务表示认可。' END,
               CASE i % 4 WHEN 0 THEN '希望旺季保证供货。' ELSE NULL END,
               CASE (i * 31) % 20 WHEN 0 THEN '不满意' WHEN 1 THEN '基本满意'
                    WHEN 2 THEN '基本满意' WHEN 3 THEN '基本满意'
                    ELSE CASE i % 2 WHEN 0 THEN '满意' ELSE '很满意' END END,
               c.owner_id,
               date(:today, '-' || (1 + (i * 104729) % :days) || ' days') || ' 10:00:00.000000'
        FROM n JOIN customer AS c ON c.id = 1 + (i * 7919 + 17) % :customers
        """,
        {"count": count, "today": today.isoformat(), "days": DAYS_BACK,
         "customers": ids.customers},
    )  # fmt: skip
    connection.execute("COMMIT")


def _number_revisits(connection: sqlite3.Connection) -> None:
    """HF2026-0001 …: per year, in the order of the visit days."""
    connection.execute("BEGIN")
    connection.execute(
        """
        UPDATE revisit SET number = numbered.number
        FROM (SELECT id, 'HF' || strftime('%Y', visited_on) || '-' ||
                     printf('%04d', row_number() OVER (
                         PARTITION BY strftime('%Y', visited_on) ORDER BY visited_on, id))
                     AS number
              FROM revisit) AS numbered
        WHERE revisit.id = numbered.id
        """
    )
    connection.execute("COMMIT")


def _plans(connection: sqlite3.Connection, ids: _Ids, count: int, today: date) -> None:
    """Revisit plans from two years back to four weeks ahead: done or cancelled in the past
    (2 % still 计划: overdue), planned (5 % cancelled) from today on."""
    connection.execute("BEGIN")
    connection.execute(
        """
        INSERT INTO revisit_plan (customer_id, kind, planned_on, purpose, method, assigned_id,
                                  state, created_by_id, created_at)
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count),
             p(i, day) AS (SELECT i, date(:today, (((i * 7907) % (:days + 28)) - :days) || ' days')
                           FROM n)
        SELECT c.id,
               CASE i % 10 WHEN 0 THEN '大客户特定回访' WHEN 1 THEN '上门拜访'
                    ELSE '定期回访' END,
               p.day,
               CASE i % 2 WHEN 0 THEN '礼节性拜访' ELSE '有事相访' END,
               CASE i % 3 WHEN 0 THEN '电话' ELSE '上门' END,
               c.owner_id,
               CASE WHEN p.day < :today THEN
                        CASE WHEN (i * 13) % 100 < 2 THEN '计划'
                             WHEN (i * 13) % 100 < 7 THEN '已取消' ELSE '已完成' END
                    ELSE CASE WHEN (i * 13) % 100 < 5 THEN '已取消' ELSE '计划' END END,
               1,
               date(p.day, '-7 days') || ' 09:00:00.000000'
        FROM p JOIN customer AS c ON c.id = 1 + (i * 15485863) % :customers
        """,
        {"count": count, "today": today.isoformat(), "days": DAYS_BACK,
         "customers": ids.customers},
    )  # fmt: skip
    connection.execute("COMMIT")


def _sequences(connection: sqlite3.Connection) -> None:
    """The number series continue after the bench's rows."""
    connection.execute("BEGIN")
    for series, prefix in (("complaint", "TS"), ("revisit", "HF")):
        rows = connection.execute(
            f"SELECT substr(number, 3, 4), count(*) FROM {series} "  # noqa: S608
            f"WHERE number LIKE '{prefix}%' GROUP BY 1"
        ).fetchall()
        for year, count in rows:
            connection.execute(
                "INSERT INTO number_sequence (name, next_value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET next_value = excluded.next_value",
                (f"{series}-{year}", count + 1),
            )
    connection.execute("COMMIT")


def _deadlines(path: Path) -> None:
    """The open complaints' next deadlines, by the service's own rules."""
    from desktop_crm.services import complaints as rules

    factory = open_bench_store(path)
    with factory() as session:
        rules.refresh_open_deadlines(session)
        session.commit()
    factory.kw["bind"].dispose()


# ------------------------------------------------------------------ the measurements


class Bench:
    def __init__(self, store: Path, repeat: int) -> None:
        from PySide6.QtWidgets import QApplication
        from sqlalchemy import select

        from desktop_crm.config import sqlite_store
        from desktop_crm.models import User
        from desktop_crm.services import bootstrap
        from desktop_crm.views.context import AppContext, ChangeHub

        self.app = QApplication.instance() or QApplication([])
        self.store, self.repeat = store, repeat
        self.factory = open_bench_store(store)
        with self.factory() as session:
            self.admin_id = bootstrap.administrator(session).id
            self.people = {
                name: session.scalar(select(User.id).where(User.name == name))
                for name in ("周强", "李明", "王芳", "杨帆")
            }
        self.context = AppContext(
            session_factory=self.factory,
            store=sqlite_store(store),
            user_id=self.admin_id,
            hub=ChangeHub(),
            log_path=str(CACHE_DIR / "data" / "desktop-crm.log"),
        )
        self.results: list[Result] = []
        self.details: list[str] = []

    def department_id(self, session, code: str) -> int:  # noqa: ANN001
        from sqlalchemy import select

        from desktop_crm.models import Department

        return session.scalar(select(Department.id).where(Department.code == code))

    def user(self, session, name: str | None = None):  # noqa: ANN001, ANN201
        from desktop_crm.models import User

        return session.get(User, self.people[name] if name else self.admin_id)

    def add(self, result: Result) -> Result:
        self.results.append(result)
        shown = f"median {fmt(result.median)}, max {fmt(result.max)}"
        print(f"  {result.group:<10} {result.name:<46} {shown}", flush=True)
        return result

    def case(self, group: str, name: str, target: float | None, work: Callable[[], None]) -> None:
        """Measure one thing; a failure (an interrupted runaway query) is recorded as a miss
        and the bench goes on."""
        try:
            work()
        except Exception as error:  # noqa: BLE001
            message = " ".join(str(error).split())[:160]
            self.add(Result(group, f"{name} (failed)", [QUERY_LIMIT], target))
            self.details.append(f"- **{group} {name} failed**: {type(error).__name__}: {message}")

    def runs(self, action: Callable[[], object], repeat: int | None = None) -> list[float]:
        return [timed(action)[0] for _ in range(repeat or self.repeat)]

    # the complaint list ---------------------------------------------------------------
    def _model_samples(self, make_query: Callable[[Any], Any]) -> tuple[list, list, int]:
        """Build the list's model as a screen does (query, first page) and then its count."""
        from desktop_crm.views.sql_list_model import SqlListModel

        first, counted, total = [], [], 0
        for _ in range(self.repeat):
            started = time.perf_counter()
            with self.factory() as session:
                query = make_query(session)
            model = SqlListModel(self.factory, query)
            model.set_query(query)
            first.append(time.perf_counter() - started)
            total = model.count_now()
            counted.append(time.perf_counter() - started)
            assert model.rowCount() > 0 or total == 0
            model.deleteLater()
        self.app.processEvents()
        return first, counted, total

    def complaint_list(self) -> None:
        from desktop_crm.services.complaint_list import complaint_query

        cases: list[tuple[str, dict[str, Any], str | None]] = [
            ("open (newest first)", {}, None),
            ("overdue filter", {"overdue": True}, None),
            ("state 处理中", {"state": "处理中"}, None),
            ("category 受潮结块", {"category": "受潮结块"}, None),
            ("accidents", {"accident": True}, None),
            ("open states, by due date", {"state": ["已登记", "已上报", "调查核实", "处理中",
                                                    "已处理", "已回访", "重新处理"]}, "due_on"),
        ]  # fmt: skip

        def listed(label: str, filters: dict[str, Any], sort: str | None) -> None:
            first, counted, total = self._model_samples(
                lambda s: complaint_query(s, self.user(s), "", filters, sort)
            )
            self.add(Result("投诉登记簿", f"{label}: first page", first, 0.3))
            self.add(Result("投诉登记簿", f"{label}: page and count", counted, 0.3))
            self.details.append(f"- complaint list {label}: {total:,} rows")

        for label, filters, sort in cases:
            self.case("投诉登记簿", label, 0.3, lambda a=label, f=filters, k=sort: listed(a, f, k))

        def scoped(name: str, label: str, filters: dict[str, Any], counting: bool) -> None:
            with self.factory() as session:
                person = self.user(session, name)
                query = complaint_query(session, person, "", filters)
                if counting:
                    samples = self.runs(lambda: query.count(session))
                    self.add(Result("scope", f"{name} {label}: count", samples, 0.3))
                else:
                    samples = self.runs(lambda: query.page(session, 0, 500))
                    self.add(Result("scope", f"{name} {label}: first page", samples, 0.3))

        for name in ("李明", "王芳"):
            for label, filters in (("open", {}), ("overdue", {"overdue": True})):
                for counting in (False, True):
                    what = f"{name} {label}: {'count' if counting else 'first page'}"
                    self.case(
                        "scope",
                        what,
                        0.3,
                        lambda n=name, a=label, f=filters, c=counting: scoped(n, a, f, c),
                    )

    def search(self) -> None:
        from sqlalchemy import select

        from desktop_crm.models import Complaint, Customer

        with self.factory() as session:
            rng = random.Random(5)
            last = session.scalar(select(Complaint.id).order_by(Complaint.id.desc()).limit(1))
            number, name, initials = session.execute(
                select(Complaint.number, Customer.name, Customer.pinyin_initials)
                .join(Customer, Customer.id == Complaint.customer_id)
                .where(Complaint.id == rng.randint(1, last))
            ).one()

        def prefixes(text: str) -> list[str]:
            return [text[: i + 1] for i in range(len(text))]

        typing = {
            "number": prefixes(number),
            "customer (汉字)": prefixes(name[:8]),
            "customer pinyin": prefixes(initials[:5]),
            "text 受潮结块": prefixes("受潮结块"),
            "no match": prefixes("犇骉羴鱻"),
        }
        for kind, keystrokes in typing.items():
            self.case("search", kind, 0.3, lambda k=kind, t=keystrokes: self._typing(k, t))

    def _typing(self, kind: str, keystrokes: list[str]) -> None:
        from desktop_crm.services.complaint_list import complaint_query

        per_key: dict[str, list[float]] = {text: [] for text in keystrokes}
        hits: dict[str, int] = {}
        for _ in range(self.repeat):
            for text in keystrokes:
                with self.factory() as session:
                    started = time.perf_counter()
                    query = complaint_query(session, self.user(session), text)
                    query.page(session, 0, 500)
                    per_key[text].append(time.perf_counter() - started)
                    if text not in hits:
                        hits[text] = query.count(session)
        medians = {text: statistics.median(s) for text, s in per_key.items()}
        self.add(Result("search", kind, list(medians.values()), 0.3, statistic="max"))
        self.details.append(
            f"- search {kind}: "
            + ", ".join(f"`{t}` {fmt(medians[t])} ({hits[t]:,} hits)" for t in keystrokes)
        )

    # reports --------------------------------------------------------------------------
    def reports(self) -> None:
        from desktop_crm import documents
        from desktop_crm.services import complaint_stats

        today = date.today()
        last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        this_month = today.strftime("%Y-%m")
        week = today - timedelta(days=7)
        iso_week = f"{week.isocalendar()[0]}-W{week.isocalendar()[1]:02d}"
        period = complaint_stats.parse_month(last_month)
        with self.factory() as session:
            admin = self.user(session)
            documents.complaint_month_pdf(session, admin, last_month)  # font loaded once
            stats = complaint_stats.month_stats(session, admin, period)
            self.details.append(
                f"- month {last_month}: {stats.total:,} complaints, {stats.handled:,} handled"
            )
        cases: list[tuple[str, str, str | None, Callable[[Any, Any], object]]] = [
            ("月报", f"month_stats {last_month}", None,
             lambda s, a: complaint_stats.month_stats(s, a, period)),
            ("月报", f"report data {last_month} (and month before)", None,
             lambda s, a: complaint_stats.month_report_data(s, a, last_month)),
            ("月报", f"顾客投诉统计分析报告表 PDF {last_month}", None,
             lambda s, a: documents.complaint_month_pdf(s, a, last_month)),
            ("月报", f"顾客投诉统计分析报告表 PDF {this_month}", None,
             lambda s, a: documents.complaint_month_pdf(s, a, this_month)),
            ("月报", f"顾客投诉统计分析报告表 XLSX {last_month}", None,
             lambda s, a: documents.complaint_month_xlsx(s, a, last_month)),
            ("月报", f"PDF {last_month} as 李明 (本部门)", "李明",
             lambda s, a: documents.complaint_month_pdf(s, a, last_month)),
            ("月报", f"PDF {last_month} as 王芳 (本人)", "王芳",
             lambda s, a: documents.complaint_month_pdf(s, a, last_month)),
            ("周报", f"客户投诉记录表 PDF {iso_week}, 生产技术部 (as the department files it)",
             None, lambda s, a: documents.complaint_week_pdf(
                 s, a, iso_week, department_id=self.department_id(s, "SCB"))),
            ("周报", f"客户投诉记录表 PDF {iso_week}, whole office", None,
             lambda s, a: documents.complaint_week_pdf(s, a, iso_week)),
        ]  # fmt: skip
        # The issue sets no target for the weekly register; a department's week is held to
        # the monthly report's 2 s, the whole office's (~1,900 rows, 240 pages, which no
        # office of this size prints) is reported as it is.
        targets = {len(cases) - 1: None}

        def measured(group: str, name: str, who: str | None, make: Callable, target) -> None:  # noqa: ANN001
            with self.factory() as session:
                actor = self.user(session, who)
                samples = self.runs(lambda: make(session, actor))
            self.add(Result(group, name, samples, target))

        for index, (group, name, who, make) in enumerate(cases):
            target = targets.get(index, 2.0)
            self.case(
                group,
                name,
                target,
                lambda g=group, n=name, w=who, m=make, t=target: measured(g, n, w, m, t),
            )

    # 今日待办 ----------------------------------------------------------------------------
    def today(self) -> None:
        from PySide6.QtCore import QThreadPool

        from desktop_crm.services.today import NOT_SERVED, not_served_count, today_items
        from desktop_crm.views.today_page import TodayPage

        def lists_of(name: str | None) -> None:
            with self.factory() as session:
                person = self.user(session, name)
                label = person.name
                shown = self.runs(lambda: today_items(session, person, count_not_served=False))
                self.add(Result("今日待办", f"{label}: lists shown (count follows)", shown, 0.5))
                counting = self.runs(lambda: not_served_count(session, person))
                self.add(
                    Result("今日待办", f"{label}:   服务不到位 count (worker thread)", counting)
                )
                lists = today_items(session, person)
            self.details.append(
                f"- 今日待办 as {label}: "
                + ", ".join(f"{s.title} {s.total:,}" for s in lists.sections)
            )

        for name in (None, "李明", "王芳", "杨帆"):
            self.case("今日待办", name or "系统管理员", 0.5, lambda n=name: lists_of(n))
        samples, counted = [], []
        pool = QThreadPool.globalInstance()
        for _ in range(self.repeat):
            started = time.perf_counter()
            page = TodayPage(self.context)
            assert page.lists is not None
            samples.append(time.perf_counter() - started)
            pool.waitForDone()  # the 服务不到位 count, in its worker thread
            self.app.processEvents()
            section = page.lists.section(NOT_SERVED)
            assert section is None or section.total is not None
            counted.append(time.perf_counter() - started)
            page.deleteLater()
            self.app.processEvents()
        self.add(Result("今日待办", "TodayPage shown (系统管理员)", samples, 0.5))
        self.add(Result("今日待办", "  TodayPage with the count filled in", counted))

    # revisits -------------------------------------------------------------------------
    def revisit_lists(self) -> None:
        from desktop_crm.services import revisits

        cases = (
            ("回访记录 newest first", lambda s: revisits.revisit_query(s, self.user(s))),
            ("回访计划 overdue", lambda s: revisits.plan_query(s, self.user(s), overdue=True)),
            ("回访计划 all", lambda s: revisits.plan_query(s, self.user(s))),
            ("服务不到位", lambda s: revisits.customers_not_served(s, self.user(s))),
        )

        def listed(label: str, make: Callable[[Any], Any]) -> None:
            first, counted, total = self._model_samples(make)
            self.add(Result("回访", f"{label}: first page", first, 0.3))
            self.add(Result("回访", f"{label}: page and count", counted, 0.3))
            self.details.append(f"- {label}: {total:,} rows")

        for label, make in cases:
            self.case("回访", label, 0.3, lambda a=label, m=make: listed(a, m))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=CUSTOMERS, help="the customer store")
    parser.add_argument("--complaints", type=int, default=200_000)
    parser.add_argument("--revisits", type=int, default=400_000)
    parser.add_argument("--plans", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached store")
    parser.add_argument(
        "--only",
        default="list,search,reports,today,revisits",
        help="comma-separated subset of: list,search,reports,today,revisits",
    )
    args = parser.parse_args(argv)
    (CACHE_DIR / "data").mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DESKTOP_CRM_DATA_DIR", str(CACHE_DIR / "data"))

    store = build(args.complaints, args.revisits, args.plans, args.fresh, args.customers)
    bench = Bench(store, args.repeat)
    steps = {
        "list": bench.complaint_list,
        "search": bench.search,
        "reports": bench.reports,
        "today": bench.today,
        "revisits": bench.revisit_lists,
    }
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    started = time.perf_counter()
    for name in wanted:
        print(f"{name} …", flush=True)
        try:
            steps[name]()
        except Exception as error:  # report the rest of the bench all the same
            traceback.print_exc()
            bench.details.append(f"- **{name} failed**: {type(error).__name__}: {error}")
    with bench.factory() as session:
        counts = _counts(session)
    info = machine_info(store, args.customers)
    lines = table(bench.results)
    print()
    print("\n".join(lines))
    passed = sum(r.verdict == "PASS" for r in bench.results)
    missed = sum(r.verdict == "MISS" for r in bench.results)
    summary = f"{passed} PASS, {missed} MISS; bench took {time.perf_counter() - started:.0f} s"
    print(summary)
    RESULTS.write_text(
        "\n".join(
            [
                "# Bench results: complaints, revisits, 今日待办",
                "",
                f"`python -m bench.bench_complaints --customers {args.customers} "
                f"--complaints {args.complaints} "
                f"--revisits {args.revisits} --plans {args.plans} --repeat {args.repeat} "
                f"--only {','.join(wanted)}`",
                "",
                *info,
                f"- rows: {counts}",
                "",
                "Median and max are over the runs (search: over the keystrokes, each the "
                "median of its runs; its target holds for the slowest keystroke). A list's "
                "first page is what the screen shows at once; its count follows (see "
                "bench/README.md).",
                "",
                *lines,
                "",
                summary,
                "",
                "## Details",
                "",
                *bench.details,
                "",
            ]
        ),
        encoding="utf-8",
    )
    print(f"written to {RESULTS}")


def _counts(session) -> str:  # noqa: ANN001
    from sqlalchemy import func, select

    from desktop_crm.models import Complaint, ComplaintStep, Revisit, RevisitPlan

    parts = []
    for label, model in (
        ("complaints", Complaint),
        ("steps", ComplaintStep),
        ("revisits", Revisit),
        ("revisit plans", RevisitPlan),
    ):
        parts.append(f"{session.scalar(select(func.count()).select_from(model)):,} {label}")
    open_ = session.scalar(select(func.count()).where(Complaint.state != "已结案"))
    parts.append(f"{open_:,} open complaints")
    return ", ".join(parts)


if __name__ == "__main__":
    main()
