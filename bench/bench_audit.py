"""10,000,000 audit rows: how fast the 审计日志 viewer shows its first rows (target 0.3 s).

Run: python bench/bench_audit.py [--rows 10000000] [--repeat 5] [--fresh]

The store (migrated to head) is cached as bench/.cache/audit-N.sqlite3. Rows are written
with raw sqlite3 executemany, hashes chained with the service's own `entry_hash`, the
log's indexes dropped during the load and rebuilt after it; `check audit` would pass.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_crm.config import sqlite_store  # noqa: E402
from desktop_crm.models.db import make_engine, make_session_factory  # noqa: E402
from desktop_crm.models.migrate import upgrade_database  # noqa: E402
from desktop_crm.services import audit, bootstrap  # noqa: E402

CACHE_DIR = Path(__file__).resolve().parent / ".cache"
BATCH = 100_000
INDEXES = (
    "ix_audit_log_label",
    "ix_audit_log_object",
    "ix_audit_log_user_seq",
    "ix_audit_log_act_seq",
    "ix_audit_log_at",
)
ACTS = ("修改",) * 6 + ("新建", "查看", "导出", "打印", "登录", "登录失败", "权限变更")
FIELDS = ("电话", "地址", "客户经理", "等级", "状态", "联系人")


def generate(path: Path, rows: int) -> None:
    engine = make_engine(sqlite_store(path).url)
    upgrade_database(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        bootstrap.ensure_defaults(session)
        admin = bootstrap.administrator(session)
        people = [(admin.id, admin.name)]
    engine.dispose()
    names = ["张伟", "王芳", "李娜", "刘强", "陈静", "杨洋", "赵磊", "黄敏"]
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous = OFF")
    for user_id, name in enumerate(names, start=100):
        connection.execute(
            "INSERT INTO app_user (id, name, active, failed_logins, created_at)"
            " VALUES (?, ?, 1, 0, '2020-01-01 00:00:00')",
            (user_id, name),
        )
        people.append((user_id, name))
    existing = connection.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    prev = (
        connection.execute("SELECT entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        or (audit.GENESIS_HASH,)
    )[0]
    for index in INDEXES:
        connection.execute(f"DROP INDEX IF EXISTS {index}")
    start_time = datetime(2021, 1, 1, 8, 0, 0)
    started = time.perf_counter()
    sql = (
        "INSERT INTO audit_log (seq, at, user_id, user_name, workstation, act, object_type,"
        " object_id, object_label, field, old_value, new_value, detail, prev_hash, entry_hash)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    )
    entry_hash = audit.entry_hash
    for first in range(existing + 1, rows + 1, BATCH):
        batch = []
        for seq in range(first, min(first + BATCH, rows + 1)):
            at = start_time + timedelta(seconds=seq * 9)
            user_id, name = people[seq % len(people)]
            pc = f"PC-{seq % 23:02d}"
            act = ACTS[seq % len(ACTS)]
            customer = seq % 1_000_000 + 1
            object_id, label = str(customer), f"KH{customer:06d} 西安王兴建材有限公司"
            field = FIELDS[seq % len(FIELDS)] if act == "修改" else None
            old, new = (f"旧值{seq % 97}", f"新值{seq % 89}") if field else (None, None)
            digest = entry_hash(
                prev, seq, at, user_id, name, pc, act, "customer", object_id, label, field,
                old, new, None,
            )  # fmt: skip
            batch.append(
                (
                    seq,
                    at.isoformat(sep=" ", timespec="microseconds"),
                    user_id,
                    name,
                    pc,
                    act,
                    "customer",
                    object_id,
                    label,
                    field,
                    old,
                    new,
                    None,
                    prev,
                    digest,
                )  # fmt: skip
            )
            prev = digest
        connection.executemany(sql, batch)
        connection.commit()
        done = batch[-1][0]
        rate = (done - existing) / (time.perf_counter() - started)
        print(f"  {done:>11,} rows, {rate:,.0f} rows/s", flush=True)
    print("  rebuilding indexes…", flush=True)
    connection.execute(
        "CREATE INDEX ix_audit_log_object ON audit_log (object_type, object_id, seq)"
    )
    connection.execute("CREATE INDEX ix_audit_log_user_seq ON audit_log (user_id, seq)")
    connection.execute("CREATE INDEX ix_audit_log_act_seq ON audit_log (act, seq)")
    connection.execute("CREATE INDEX ix_audit_log_at ON audit_log (at)")
    connection.execute("CREATE INDEX ix_audit_log_label ON audit_log (object_label)")
    connection.execute(
        "UPDATE number_sequence SET next_value = ? WHERE name = 'audit'", (rows + 1,)
    )
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()
    print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)


def measure(path: Path, repeat: int, check: bool) -> None:
    from PySide6.QtWidgets import QApplication

    from desktop_crm.services import audit_list
    from desktop_crm.views.audit_page import AuditPage
    from desktop_crm.views.context import AppContext, ChangeHub

    app = QApplication.instance() or QApplication([])
    engine = make_engine(sqlite_store(path).url)
    upgrade_database(engine)  # a store made by an older program gains the newer tables
    factory = make_session_factory(engine)
    with factory() as session:
        bootstrap.ensure_defaults(session)
        admin_id = bootstrap.administrator(session).id
    context = AppContext(
        session_factory=factory,
        store=sqlite_store(path),
        user_id=admin_id,
        hub=ChangeHub(),
        log_path=str(CACHE_DIR / "desktop-crm.log"),
    )

    def timed(action) -> float:  # noqa: ANN001
        begin = time.perf_counter()
        action()
        return time.perf_counter() - begin

    def report(name: str, times: list[float]) -> None:
        print(f"  {name:<44} median {statistics.median(times) * 1000:7.1f} ms, "
              f"max {max(times) * 1000:7.1f} ms", flush=True)  # fmt: skip

    pages: list[AuditPage] = []

    def open_viewer() -> None:
        page = AuditPage(context)
        page.apply()  # the window reads the log when the page is shown
        page.resize(1200, 700)
        page.show()
        app.processEvents()  # painted, with its first page of rows
        assert page.model.rowCount() > 0
        pages.append(page)

    report("viewer open, first rows shown", [timed(open_viewer) for _ in range(repeat)])
    page = pages[-1]
    with factory() as session:
        admin = bootstrap.administrator(session)

        def audit_query(**filters):  # noqa: ANN003, ANN202
            return audit_list.audit_query(session, admin, **filters)

        everything = audit_query()
        report(
            "count of all rows (after the first page)",
            [timed(lambda: everything.count(session)) for _ in range(repeat)],
        )
    filters = {
        "filter 操作 = 导出": audit_query(act="导出"),
        "filter 人员": audit_query(user_id=101),
        "filter 操作 = 权限变更 + 人员": audit_query(user_id=102, act="权限变更"),
        "filter 时间 one day": audit_query(
            date_from=datetime(2022, 6, 1).date(), date_to=datetime(2022, 6, 1).date()
        ),
        "search 对象 KH000123": audit_query(search="KH000123"),
        "search 对象 KH0001 (many)": audit_query(search="KH0001"),
        "search 对象 none found": audit_query(search="KH999999"),
        "sort by 时间 ascending": audit_query(sort_key="at", descending=False),
    }
    for name, query in filters.items():
        report(name + ", first page", [timed(lambda q=query: page.model.set_query(q))
                                       for _ in range(repeat)])  # fmt: skip
    if check:
        with factory() as session:
            begin = time.perf_counter()
            broken = audit.verify_chain(session)
            print(f"  check audit: {broken=} in {time.perf_counter() - begin:.1f} s", flush=True)
    for page in pages:
        page.deleteLater()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--check", action="store_true", help="also time the full chain check")
    args = parser.parse_args()
    CACHE_DIR.mkdir(exist_ok=True)
    os.environ.setdefault("DESKTOP_CRM_DATA_DIR", str(CACHE_DIR / "data"))
    label = f"{args.rows // 1_000_000}M" if args.rows % 1_000_000 == 0 else str(args.rows)
    path = CACHE_DIR / f"audit-{label}.sqlite3"
    if args.fresh and path.exists():
        path.unlink()
    if not path.exists():
        print(f"generating {args.rows:,} audit rows into {path}", flush=True)
        generate(path, args.rows)
    measure(path, args.repeat, args.check)


if __name__ == "__main__":
    main()
