"""The performance bench: the customer list, search, sort, export, import and a printed
card over a store of a million customers, each measured several times, against targets.

Run: python -m bench.run [--customers 1000000] [--repeat 5] [--heavy-repeat 3]
     (or python bench/run.py …). Results are printed and written to bench/results.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

if __package__ in (None, ""):  # run as a script: python bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import (  # noqa: E402
    CACHE_DIR,
    Pools,
    customer_values,
    generate,
    open_store,
)

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results.md"
IMPORT_ROWS = 100_000
EXPORT_STATUS = "已淘汰"  # about 10 % of the generated customers
IMPORT_HEADERS = (
    "客户名称",
    "简称",
    "统一社会信用代码",
    "地址",
    "电话",
    "客户负责人",
    "客户经理",
    "客户类别",
    "客户等级",
    "状态",
    "区域",
    "来源渠道",
    "重点客户",
    "联系人",
    "职务",
    "手机",
)
IMPORT_KEYS = (
    "name",
    "short_name",
    "credit_code",
    "address",
    "phone",
    "customer_head",
    "owner_id",
    "category",
    "grade",
    "status",
    "region",
    "source",
    "is_key",
)


@dataclass
class Result:
    """One measured thing: its samples in seconds and the target it must stay under."""

    group: str
    name: str
    samples: list[float] = field(default_factory=list)
    target: float | None = None
    statistic: str = "median"  # which figure is held against the target: median or max
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def max(self) -> float:
        return max(self.samples)

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        value = self.max if self.statistic == "max" else self.median
        return "PASS" if value < self.target else "MISS"


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def fmt(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


# ------------------------------------------------------------------ the measurements


class Bench:
    def __init__(self, store_path: Path, repeat: int, heavy_repeat: int) -> None:
        from PySide6.QtWidgets import QApplication

        from desktop_crm.config import sqlite_store
        from desktop_crm.services import bootstrap
        from desktop_crm.views.context import AppContext, ChangeHub

        self.app = QApplication.instance() or QApplication([])
        self.store_path = store_path
        self.repeat = repeat
        self.heavy_repeat = heavy_repeat
        self.factory = open_store(store_path)
        with self.factory() as session:
            self.admin_id = bootstrap.administrator(session).id
        self.context = AppContext(
            session_factory=self.factory,
            store=sqlite_store(store_path),
            user_id=self.admin_id,
            hub=ChangeHub(),
            log_path=str(CACHE_DIR / "data" / "desktop-crm.log"),
        )
        self.results: list[Result] = []
        self.details: list[str] = []

    def admin(self, session):  # noqa: ANN001, ANN201
        from desktop_crm.models import User

        return session.get(User, self.admin_id)

    def add(self, result: Result) -> Result:
        self.results.append(result)
        shown = f"median {fmt(result.median)}, max {fmt(result.max)}"
        print(f"  {result.group:<14} {result.name:<34} {shown}", flush=True)
        return result

    # 1 -------------------------------------------------------------------------------
    def first_rows(self) -> None:
        from desktop_crm.views.customers.customer_page import CustomerPage

        samples, count_samples = [], []
        for _ in range(self.repeat):
            started = time.perf_counter()
            page = CustomerPage(self.context)
            rows = page.model.rowCount()
            samples.append(time.perf_counter() - started)
            page.model.count_now()  # the count label follows the rows (deferred in the model)
            count_samples.append(time.perf_counter() - started)
            assert rows > 0, "the customer list shows no rows"
            page.deleteLater()
            self.app.processEvents()
        self.add(Result("客户名册", "first rows shown", samples, 0.3))
        self.add(Result("客户名册", "rows and count label shown", count_samples, 0.3))
        # The parts of it, to tell a slow page query from a slow count.
        from desktop_crm.services.customer_list import customer_query

        with self.factory() as session:
            query = customer_query(session, self.admin(session))
            page_times = [timed(lambda: query.page(session, 0, 500))[0] for _ in range(3)]
            count_times = [timed(lambda: query.count(session))[0] for _ in range(3)]
        self.add(Result("客户名册", "  of which first page query", page_times))
        self.add(Result("客户名册", "  of which count query", count_times))

    # 2 -------------------------------------------------------------------------------
    def _typing_samples(self) -> dict[str, list[str]]:
        """Keystroke sequences built from a real customer, so each one finds something."""
        from sqlalchemy import select

        from desktop_crm.models import Contact, Customer

        with self.factory() as session:
            total = session.scalar(select(Customer.id).order_by(Customer.id.desc()).limit(1))
            rng = random.Random(7)
            row = session.execute(
                select(Customer.name, Customer.pinyin_initials, Customer.phone_digits).where(
                    Customer.id == rng.randint(1, total)
                )
            ).one()
            mobile = session.scalar(
                select(Contact.mobile).where(Contact.customer_id == rng.randint(1, total))
            )
        name, initials, phone = row

        def prefixes(text: str) -> list[str]:
            return [text[: i + 1] for i in range(len(text))]

        return {
            "name (汉字)": prefixes(name[:8]),
            "pinyin initials": prefixes(initials[:6]),
            "phone digits": prefixes(phone[:11]),
            "mobile digits": prefixes(mobile[:11]),
            "no match (汉字)": prefixes("犇骉羴鱻"),
            "no match (letters)": prefixes("vxqz"),
        }

    def search(self) -> None:
        from desktop_crm.services.customer_list import customer_query
        from desktop_crm.views.customers.customer_page import CustomerPage

        page = CustomerPage(self.context)
        model = page.model
        for kind, keystrokes in self._typing_samples().items():
            per_key: dict[str, list[float]] = {text: [] for text in keystrokes}
            counts: dict[str, int] = {}
            for _ in range(self.repeat):
                for text in keystrokes:
                    started = time.perf_counter()
                    with self.context.session() as session:
                        model.set_query(customer_query(session, self.admin(session), text))
                    per_key[text].append(time.perf_counter() - started)
                    model.count_now()  # the count follows the rows; not part of the keystroke
                    counts[text] = model.total
            medians = {text: statistics.median(s) for text, s in per_key.items()}
            self.add(Result("search", kind, list(medians.values()), 0.1, statistic="max"))
            self.details.append(
                f"- search {kind}: "
                + ", ".join(
                    f"`{text}` {fmt(medians[text])} ({counts[text]:,} hits)" for text in keystrokes
                )
            )
        page.deleteLater()
        self.app.processEvents()

    # 2b ------------------------------------------------------------------------------
    SCOPE_PEOPLE = (
        ("周强", "总经理, 全部"),
        ("李明", "部门负责人, 本部门"),
        ("王芳", "客户开发专员, 本人"),
    )

    def scope(self) -> None:
        """The list and search as people of different reach see them (issue 7): the scope
        is a condition in the same SQL, and must not cost more than 20 % over 全部."""
        from sqlalchemy import select

        from desktop_crm.models import User
        from desktop_crm.services.customer_list import customer_query

        keystrokes = [t for texts in self._typing_samples().values() for t in texts]
        medians: dict[str, dict[str, float]] = {}
        with self.factory() as session:
            for name, label in self.SCOPE_PEOPLE:
                person = session.scalar(select(User).where(User.name == name))
                assert person is not None, f"the bench store has no {name}"

                def first_page(text: str = "", who: User = person) -> None:
                    customer_query(session, who, text).page(session, 0, 500)

                runs = {
                    "first page": [timed(first_page)[0] for _ in range(self.repeat)],
                    "count": [
                        timed(lambda who=person: customer_query(session, who).count(session))[0]
                        for _ in range(self.repeat)
                    ],
                    "search keystroke (slowest)": [
                        statistics.median(timed(lambda t=t: first_page(t))[0] for _ in range(3))
                        for t in keystrokes
                    ],
                }
                visible = customer_query(session, person).count(session)
                medians[name] = {}
                for what, samples in runs.items():
                    stat = "max" if what.startswith("search") else "median"
                    result = self.add(
                        Result("scope", f"{what}: {name} ({label})", samples, 0.3, stat)
                    )
                    medians[name][what] = result.max if stat == "max" else result.median
                self.details.append(f"- scope {name} ({label}) sees {visible:,} customers")
        base = medians[self.SCOPE_PEOPLE[0][0]]
        for name, label in self.SCOPE_PEOPLE[1:]:
            ratios = ", ".join(f"{what} {medians[name][what] / base[what]:.2f}×" for what in base)
            self.details.append(f"- scope {name} ({label}) against 全部: {ratios}")

    # 3 -------------------------------------------------------------------------------
    def sort(self) -> None:
        from PySide6.QtCore import Qt

        from desktop_crm.views.customers.customer_page import CustomerPage

        page = CustomerPage(self.context)
        model = page.model
        for index, column in enumerate(model.query.columns):
            for order, label in (
                (Qt.SortOrder.AscendingOrder, "↑"),
                (Qt.SortOrder.DescendingOrder, "↓"),
            ):
                samples = [
                    timed(lambda i=index, o=order: model.sort(i, o))[0] for _ in range(self.repeat)
                ]
                self.add(Result("sort", f"{column.title} ({column.key}) {label}", samples, 0.3))
        page.deleteLater()
        self.app.processEvents()

    # 4 -------------------------------------------------------------------------------
    def export(self) -> None:
        from desktop_crm.documents import export_list
        from desktop_crm.models import User
        from desktop_crm.services.customer_list import customer_query

        samples = []
        with tempfile.TemporaryDirectory() as tmp, self.factory() as session:
            actor = session.get(User, self.admin_id)
            query = customer_query(session, actor, filters={"status": EXPORT_STATUS})
            for run in range(self.heavy_repeat):
                target = Path(tmp) / f"客户名册-{run}.xlsx"
                seconds, rows = timed(
                    lambda t=target: export_list(session, actor, query, t, "客户名册")
                )
                samples.append(seconds)
        self.add(
            Result("export", f"{rows:,} rows (状态={EXPORT_STATUS})", samples, 10.0, note="xlsx")
        )

    # 5 -------------------------------------------------------------------------------
    def _import_workbook(self) -> Path:
        from desktop_crm.reports.table_xlsx import ExportColumn, write_table
        from desktop_crm.services.text_keys import digits, name_key

        target = CACHE_DIR / f"import-{IMPORT_ROWS}.xlsx"
        if target.exists():
            return target
        print(f"  writing the {IMPORT_ROWS:,}-row import workbook …", flush=True)
        with self.factory() as session:
            pools = Pools(session)
            staff = {uid: name for uid, name in _staff_names(session)}
        rng = random.Random(99)
        rows = []
        seen: set[str] = set()  # the import refuses a file with a customer twice
        while len(rows) < IMPORT_ROWS:
            values, contact = customer_values(rng, pools, imported=True)
            keys = {name_key(values["name"]), digits(values["phone"]), values["credit_code"]}
            if keys & seen:
                continue
            seen |= keys - {None}
            cells: list[object] = [values.get(key) for key in IMPORT_KEYS]
            cells[IMPORT_KEYS.index("owner_id")] = staff[values["owner_id"]]
            cells[IMPORT_KEYS.index("is_key")] = "是" if values["is_key"] else "否"
            cells += [contact.name, contact.title, contact.mobile]
            rows.append(cells)
        columns = [ExportColumn(title, "text") for title in IMPORT_HEADERS]
        partial = target.with_suffix(".partial.xlsx")
        write_table(partial, columns, rows, sheet_title="客户")
        partial.rename(target)
        return target

    def import_rows(self) -> None:
        from desktop_crm.models import User
        from desktop_crm.models.db import make_engine, make_session_factory
        from desktop_crm.services.customer_import import check_rows, match_headers, write_rows
        from desktop_crm.services.spreadsheet_reader import open_table

        workbook = self._import_workbook()
        phases: dict[str, list[float]] = {
            "open_table": [],
            "match_headers": [],
            "check_rows": [],
            "write_rows": [],
            "total": [],
        }
        with self.factory() as session:  # the copy must hold everything, WAL included
            session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        with tempfile.TemporaryDirectory(dir=CACHE_DIR) as tmp:
            for _ in range(self.heavy_repeat):
                copy = Path(tmp) / "copy.sqlite3"
                for suffix in ("", "-wal", "-shm"):
                    Path(str(copy) + suffix).unlink(missing_ok=True)
                shutil.copyfile(self.store_path, copy)
                from desktop_crm.config import sqlite_store

                engine = make_engine(sqlite_store(copy).url)
                factory = make_session_factory(engine)
                with factory() as session:
                    actor = session.get(User, self.admin_id)
                    t0 = time.perf_counter()
                    source = open_table(workbook)
                    t1 = time.perf_counter()
                    mapping, unknown = match_headers(source.headers)
                    t2 = time.perf_counter()
                    assert not unknown, unknown
                    preview = check_rows(session, actor, source, mapping)
                    t3 = time.perf_counter()
                    source.close()
                    written = write_rows(session, actor, preview, False, workbook.name)
                    t4 = time.perf_counter()
                assert written == IMPORT_ROWS, (written, preview.all_problems[:5])
                engine.dispose()
                for name, seconds in zip(
                    phases, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0), strict=True
                ):
                    phases[name].append(seconds)
        self.add(Result("import", f"{IMPORT_ROWS:,} rows, total", phases.pop("total"), 30.0))
        for name, samples in phases.items():
            self.add(Result("import", f"  {name}", samples))

    # 6 -------------------------------------------------------------------------------
    def card(self) -> None:
        from sqlalchemy import select

        from desktop_crm.documents import customer_card_pdf
        from desktop_crm.models import Customer, User

        with self.factory() as session:
            actor = session.get(User, self.admin_id)
            last = session.scalar(select(Customer.id).order_by(Customer.id.desc()).limit(1))
            rng = random.Random(3)
            customer_card_pdf(session, actor, 1)  # the font is loaded once per program run
            samples = [
                timed(lambda: customer_card_pdf(session, actor, rng.randint(1, last)))[0]
                for _ in range(20)
            ]
        self.add(Result("card", "customer card PDF", samples, 0.2))


def _staff_names(session) -> list[tuple[int, str]]:  # noqa: ANN001
    from sqlalchemy import select

    from desktop_crm.models import User

    return list(session.execute(select(User.id, User.name)))


# ------------------------------------------------------------------ report


def machine_info(store_path: Path, customers: int) -> list[str]:
    import PySide6
    import sqlalchemy

    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text(encoding="utf-8").split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return [
        f"- date: {datetime.now():%Y-%m-%d %H:%M}",
        f"- machine: {platform.system()} {platform.release()}, {cpu}, "
        f"{os.cpu_count()} cores{memory}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"SQLAlchemy {sqlalchemy.__version__}, PySide6 {PySide6.__version__}",
        f"- store: {customers:,} customers, {store_path.stat().st_size / 1e9:.2f} GB "
        f"({store_path.name})",
    ]


def table(results: list[Result]) -> list[str]:
    lines = [
        "| group | measurement | median | max | target | result |",
        "|---|---|---:|---:|---:|---|",
    ]
    for r in results:
        target = ""
        if r.target is not None:
            target = f"< {fmt(r.target)}" + (" (max)" if r.statistic == "max" else "")
        lines.append(
            f"| {r.group} | {r.name.strip()} | {fmt(r.median)} | {fmt(r.max)} | {target} "
            f"| {r.verdict} |"
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of the quick measurements")
    parser.add_argument(
        "--heavy-repeat", type=int, default=3, help="runs of export and import (slow)"
    )
    parser.add_argument(
        "--only",
        default="first,search,scope,sort,export,import,card",
        help="comma-separated subset of: first,search,scope,sort,export,import,card",
    )
    args = parser.parse_args(argv)
    (CACHE_DIR / "data").mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DESKTOP_CRM_DATA_DIR", str(CACHE_DIR / "data"))

    store_path = generate(args.customers)
    bench = Bench(store_path, args.repeat, args.heavy_repeat)
    steps = {
        "first": bench.first_rows,
        "search": bench.search,
        "scope": bench.scope,
        "sort": bench.sort,
        "export": bench.export,
        "import": bench.import_rows,
        "card": bench.card,
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
    info = machine_info(store_path, args.customers)
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
                "# Bench results",
                "",
                f"`python -m bench.run --customers {args.customers} --repeat {args.repeat} "
                f"--heavy-repeat {args.heavy_repeat} --only {','.join(wanted)}`",
                "",
                *info,
                "",
                "Median and max are over the runs (search: over the keystrokes, each the "
                "median of its runs; its target holds for the slowest keystroke).",
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


if __name__ == "__main__":
    main()
