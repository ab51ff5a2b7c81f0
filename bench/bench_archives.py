"""The archive ledger: 200,000 volumes with 10 documents each beside the cached customer
store — the list's first page, filters, searches by 档号, 题名, 文号 and customer, and the
due-for-appraisal list, as the 档案管理员 (all, cleared) and as a 部门负责人 (own department,
no 机密/绝密). Target: 0.3 s each (count and first page together, as the screen opens).

Run: python -m bench.bench_archives [--volumes 200000] [--items 10] [--customers 100000]
                                    [--repeat 5] [--fresh]
Results: bench/results_archives.md. The store is bench/.cache/customers-N.sqlite3 (made by
bench.generate) copied with SQLite's backup API to bench/.cache/archives-V-N.sqlite3,
migrated and filled through services.demo_archives.insert_volumes (the demo's generator:
fifteen years, several 门类, some secrets, customer files linked to customers).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_complaints import _copy, open_bench_store  # noqa: E402
from bench.generate import CACHE_DIR, generate  # noqa: E402
from bench.run import Result, fmt, table, timed  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results_archives.md"
SEED = 20261127
TARGET = 0.3  # the list, filtered or not (issue 6)
SEARCH_TARGET = 0.1
DUE_TARGET = 0.5
BATCH = 20_000
COMPLAINTS = 200_000  # --beside complaints: the store of bench_complaints (1,000,000 customers)


def store_path(volumes: int, customers: int, beside: str) -> Path:
    if beside == "complaints":
        return CACHE_DIR / f"archives-{volumes}-beside-complaints.sqlite3"
    return CACHE_DIR / f"archives-{volumes}-{customers}.sqlite3"


def build(volumes: int, items: int, customers: int, fresh: bool, beside: str) -> Path:
    path = store_path(volumes, customers, beside)
    if path.exists() and not fresh:
        return path
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    if beside == "complaints":
        from bench import bench_complaints

        source = bench_complaints.store_path(COMPLAINTS)
        if not source.exists():
            raise SystemExit(f"{source} is missing: run python -m bench.bench_complaints first")
    else:
        source = generate(customers)
    print(f"copying {source.name} …", flush=True)
    _copy(source, path)
    factory = open_bench_store(path)
    from sqlalchemy import select

    from desktop_crm.models import Customer, Department
    from desktop_crm.services import archive_settings, bootstrap, demo_archives, demo_data

    with factory() as session:
        admin = bootstrap.administrator(session)
        demo_data.ensure_demo_staff(session, admin)
        locations = demo_archives.demo_locations(session, admin)
        departments = [
            (d.id, d.code) for d in session.scalars(select(Department).order_by(Department.id))
        ]
        some_customers = list(
            session.execute(select(Customer.id, Customer.name).limit(20_000)).all()
        )
        defaults = {
            c.code: c.default_period_code for c in archive_settings.categories(session, False)
        }
        rng = random.Random(SEED)
        started = time.perf_counter()
        for done in range(0, volumes, BATCH):
            specs = demo_archives.demo_specs(
                rng, min(BATCH, volumes - done), departments, some_customers, locations,
                defaults, date.today(), items_per_volume=(items, items),
            )  # fmt: skip
            demo_archives.insert_volumes(session, admin, specs, record_audit=False)
            session.commit()
            print(
                f"  {done + len(specs):,} volumes ({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
        session.execute(__import__("sqlalchemy").text("ANALYZE"))
        session.commit()
    return path


def measure(path: Path, repeat: int) -> list[Result]:
    from sqlalchemy import select

    from desktop_crm.models import ArchiveItem, ArchiveVolume, Customer, User
    from desktop_crm.services import archive_list, staff
    from desktop_crm.services.archive_list import archive_query, due_query

    factory = open_bench_store(path)
    with factory() as session:
        keeper_id = session.scalar(select(User.id).where(User.name == "孙丽"))
        head_id = session.scalar(select(User.id).where(User.name == "李明"))
        number = session.scalar(select(ArchiveVolume.number).order_by(ArchiveVolume.id).limit(1))
        doc_number = session.scalar(
            select(ArchiveItem.doc_number).where(ArchiveItem.doc_number.is_not(None)).limit(1)
        )
        customer = session.scalar(
            select(Customer.name).join(ArchiveVolume, ArchiveVolume.customer_id == Customer.id)
        )
        doc_title = session.scalar(
            select(ArchiveItem.title).where(ArchiveItem.volume_id == ArchiveVolume.id).limit(1)
        )[-8:]
        del staff
    prefix = number.rsplit("-", 1)[0] + "-00"
    doc_part = doc_number[-7:]
    cases = [
        ("keeper", "first page (档号 order)", lambda s, a: archive_query(s, a)),
        ("keeper", "filter 门类 = 文书", lambda s, a: archive_query(s, a, filters={"category_code": "WS"})),
        ("keeper", "filter 年度 = 2020", lambda s, a: archive_query(s, a, filters={"year": 2020})),
        ("keeper", "filter 密级 = 机密", lambda s, a: archive_query(s, a, filters={"secrecy": "机密"})),
        ("keeper", "filter 年度 + 门类 + 期限", lambda s, a: archive_query(
            s, a, filters={"year": 2019, "category_code": "WS", "period_code": "D30"})),
        ("keeper", "sorted by 归档日期 desc", lambda s, a: archive_query(s, a, sort_key="filed_on", descending=True)),
        ("keeper", "due for appraisal today", lambda s, a: due_query(s, a, date.today())),
        ("keeper", f"search 档号 prefix {prefix}", lambda s, a: archive_query(s, a, prefix)),
        ("keeper", "search 档号 part 'YXB-0012'", lambda s, a: archive_query(s, a, "YXB-0012")),
        ("keeper", "search 题名 营销工作 (common)", lambda s, a: archive_query(s, a, "营销工作")),
        ("keeper", "search 题名 合同 (two characters)", lambda s, a: archive_query(s, a, "合同")),
        ("keeper", f"search document 题名 {doc_title}", lambda s, a: archive_query(s, a, doc_title)),
        ("keeper", "search 题名 设备检修技术 (rare)", lambda s, a: archive_query(s, a, "设备检修技术标准")),
        ("keeper", "search 题名 无此题名 (none)", lambda s, a: archive_query(s, a, "无此题名")),
        ("keeper", f"search 文号 part {doc_part}", lambda s, a: archive_query(s, a, doc_part)),
        ("keeper", f"search 文号 {doc_number}", lambda s, a: archive_query(s, a, doc_number)),
        ("keeper", f"search customer {customer[:6]}", lambda s, a: archive_query(s, a, customer[:6])),
        ("head", "first page (本部门, no 机密)", lambda s, a: archive_query(s, a)),
        ("head", "due for appraisal today", lambda s, a: due_query(s, a, date.today())),
        ("head", "search 题名 营销工作", lambda s, a: archive_query(s, a, "营销工作")),
    ]  # fmt: skip
    results = []
    for who, name, make in cases:
        target = (
            SEARCH_TARGET if name.startswith("search") else DUE_TARGET if "due" in name else TARGET
        )
        result = Result("archives", f"{who}: {name}", target=target)
        rows = count = 0
        for _ in range(repeat):
            with factory() as session:
                actor = session.get(User, keeper_id if who == "keeper" else head_id)

                def run(session=session, actor=actor, make=make) -> tuple[int, int]:  # noqa: ANN001
                    query = make(session, actor)
                    return query.count(session), len(query.page(session, 0, 100))

                seconds, (count, rows) = timed(run)
                result.samples.append(seconds)
        result.note = f"{count:,} rows, page {rows}"
        print(f"{result.name}: {fmt(result.median)} ({result.note})", flush=True)
        results.append(result)
    del archive_list
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--volumes", type=int, default=200_000)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument(
        "--beside", choices=("customers", "complaints"), default="customers",
        help="complaints: build on the bench_complaints store (1,000,000 customers, "
        "200,000 complaints, 400,000 revisits)",
    )  # fmt: skip
    parser.add_argument(
        "--forms", type=int, metavar="N", help="only the forms step: 案卷目录 PDF and import of N"
    )
    args = parser.parse_args(argv)
    if args.forms:
        measure_forms(args.forms)
        return
    path = build(args.volumes, args.items, args.customers, args.fresh, args.beside)
    results = measure(path, args.repeat)
    lines = [
        "# Archive ledger benchmark",
        "",
        f"{args.volumes:,} volumes × {args.items} documents beside "
        + (
            "the complaints bench store (1,000,000 customers, 200,000 complaints, "
            "400,000 revisits) "
            if args.beside == "complaints"
            else f"{args.customers:,} customers "
        )
        + f"(SQLite, {path.stat().st_size / 1e9:.1f} GB); count + first page of 100, "
        f"median of {args.repeat}.",
        "",
        *table(results),
        "",
        *(f"- {r.name}: {r.note}" for r in results),
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"written {RESULTS}")


# ------------------------------------------------------------------ forms step (separate)


def measure_forms(count: int) -> None:
    """案卷目录 PDF of `count` volumes (the keeper's, every volume) and the import of the
    same ledger exported to a workbook, into an empty store: check and write timed apart.
    Fresh temporary SQLite stores; results appended to results_archives.md."""
    import random
    import tempfile

    from sqlalchemy import select

    from desktop_crm import documents
    from desktop_crm.config import sqlite_store
    from desktop_crm.models import Department, User
    from desktop_crm.models.db import make_engine, make_session_factory
    from desktop_crm.models.migrate import upgrade_database
    from desktop_crm.services import (
        archive_import,
        archive_settings,
        bootstrap,
        demo_archives,
        demo_data,
    )
    from desktop_crm.services.spreadsheet_reader import open_table

    folder = Path(tempfile.mkdtemp(prefix="bench-archive-forms-"))

    def fresh(name: str):  # noqa: ANN202
        engine = make_engine(sqlite_store(folder / name).url)
        upgrade_database(engine)
        factory = make_session_factory(engine)
        with factory() as session:
            bootstrap.ensure_defaults(session)
            demo_data.ensure_demo_staff(session, bootstrap.administrator(session))
        return factory

    def keeper(session):  # noqa: ANN001, ANN202
        return session.scalar(select(User).where(User.name == "孙丽"))

    source = fresh("source.sqlite3")
    with source() as session:
        admin = bootstrap.administrator(session)
        locations = demo_archives.demo_locations(session, admin)
        departments = [(d.id, d.code) for d in session.scalars(select(Department))]
        defaults = {
            c.code: c.default_period_code for c in archive_settings.categories(session, False)
        }
        specs = demo_archives.demo_specs(
            random.Random(SEED), count, departments, [], locations, defaults, date.today(),
            items_per_volume=(0, 0),
        )  # fmt: skip
        year = date.today().year
        for spec in specs:  # one year's ledger, as the catalogue of 20,000 rows
            spec.pages = random.Random(spec.title).randint(1, 200)
            spec.year, spec.filed_on = year, min(spec.filed_on.replace(year=year), date.today())
        demo_archives.insert_volumes(session, admin, specs, record_audit=False)
        session.commit()
    lines = [
        f"## Forms step: {count:,} volumes (python -m bench.bench_archives --forms {count})",
        "",
    ]
    with source() as session:
        started = time.perf_counter()
        pages: list[int] = []
        content = documents.archive_catalogue(
            session, keeper(session), True, {"year": year},
            progress=lambda done, _total: pages.append(done),
        )  # fmt: skip
        seconds = time.perf_counter() - started
        lines.append(
            f"- 案卷目录 PDF of {year}, {count:,} rows: {seconds:.1f} s "
            f"({len(content) / 1e6:.1f} MB, {len(pages)} progress reports)"
        )
        print(lines[-1], flush=True)
        started = time.perf_counter()
        workbook = folder / "ledger.xlsx"
        documents.export_archives(session, keeper(session), workbook)
        lines.append(f"- export archives, {count:,} rows: {time.perf_counter() - started:.1f} s")
        print(lines[-1], flush=True)
    target = fresh("target.sqlite3")
    with target() as session:
        actor = keeper(session)
        demo_archives.demo_locations(session, bootstrap.administrator(session))
        started = time.perf_counter()
        with open_table(workbook) as table_source:
            preview = archive_import.check_rows(session, actor, table_source)
        checked = time.perf_counter() - started
        written = archive_import.write_rows(session, actor, preview, False, workbook.name)
        total = time.perf_counter() - started
        lines.append(
            f"- import archives, {written:,} rows ({len(preview.problems)} refused): "
            f"{total:.1f} s (read and check {checked:.1f} s, write {total - checked:.1f} s)"
        )
        print(lines[-1], flush=True)
    with RESULTS.open("a", encoding="utf-8") as results:
        results.write("\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
