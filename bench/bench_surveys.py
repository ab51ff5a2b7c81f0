"""A satisfaction survey with 5,000 questionnaires of 10 items: the figures recomputed after
one edit (target 0.1 s), the entry grid's rows, the report data, the answer spreadsheet out
and back in, and — once the report form exists — the full PDF report with charts (target
3 s), each measured several times.

Run: python -m bench.bench_surveys [--questionnaires 5000] [--items 10] [--repeat 7] [--fresh]
     (or python bench/bench_surveys.py …). Results: bench/results_surveys.md.

The store (bench/.cache/surveys-N.sqlite3, kept between runs; --fresh rebuilds it) holds
the demo office's staff, N customers (services.demo_data, without complaints or demo
surveys), 40 sales staff for the 自评 part, and one running 常规-普通客户 survey with
`--items` items and two competitors: 88 % of the questionnaires from customers and dealers
about us, 11 % about the competitors, 40 自评 — written with the services' bulk insert
(survey_answers.insert_questionnaires), levels drawn around 满意 with the usual spread.

The report PDF is timed through `desktop_crm.documents.satisfaction_report_pdf` when that
exists (REPORT_PDF below is the hook); until then the line says so.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

if __package__ in (None, ""):  # run as a script: python bench/bench_surveys.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import CACHE_DIR  # noqa: E402
from bench.run import Result, fmt, machine_info, table, timed  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results_surveys.md"
SEED = 20261127
SELF_STAFF = 40
COMPETITORS = ("冀东水泥", "海螺水泥")
# The hook for the analysis report's PDF: (module, function name) taking (session, actor,
# survey_id) and returning the PDF bytes.
REPORT_PDF = ("desktop_crm.documents", "satisfaction_report_pdf")
REPORT_XLSX = ("desktop_crm.documents", "satisfaction_report_xlsx")


def store_path(questionnaires: int, items: int) -> Path:
    return CACHE_DIR / f"surveys-{questionnaires}-{items}.sqlite3"


def _factory(path: Path):  # noqa: ANN202
    from desktop_crm.config import sqlite_store
    from desktop_crm.models.db import make_engine, make_session_factory
    from desktop_crm.models.migrate import upgrade_database

    engine = make_engine(sqlite_store(path).url)
    upgrade_database(engine)
    return make_session_factory(engine)


def build(questionnaires: int, items: int, fresh: bool = False) -> Path:
    """The cached store with one survey of `questionnaires` questionnaires."""
    path = store_path(questionnaires, items)
    if path.exists() and not fresh:
        return path
    for old in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        old.unlink(missing_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    factory = _factory(partial)
    from sqlalchemy import select

    from desktop_crm.models import Customer, Department
    from desktop_crm.services import bootstrap, demo_data, staff, survey_answers, surveys

    rng = random.Random(SEED)
    about_us = questionnaires * 88 // 100
    self_count = min(SELF_STAFF, questionnaires // 50)
    about_them = questionnaires - about_us - self_count
    with factory() as session:
        bootstrap.ensure_defaults(session)
        admin = bootstrap.administrator(session)
        demo_data.fill_demo_data(session, admin, max(about_us, 100), seed=SEED)
        sales = session.scalar(select(Department.id).where(Department.code == "YXB"))
        staff_ids = [
            staff.save_staff(
                session,
                admin,
                staff.StaffInput(
                    name=f"销售员{n:02d}", department_id=sales, roles=["客户开发专员"]
                ),
            ).id
            for n in range(1, self_count + 1)
        ]
        names = list(surveys.DEFAULT_ITEMS) + [f"补充项目{n}" for n in range(1, items + 1)]
        detail = surveys.create_survey(
            session,
            admin,
            {
                "name": "基准测试：5000 份问卷",
                "kind": surveys.KIND_ORDINARY,
                "period_from": date(date.today().year, 1, 1),
                "period_to": date(date.today().year, 6, 30),
            },
            items=names[:items],
            competitors=COMPETITORS,
        )
        detail = surveys.start_survey(session, admin, detail.id)
        item_ids = [i.id for i in detail.items]
        customers = list(session.scalars(select(Customer.id).order_by(Customer.id)))

        def levels() -> dict[int, int]:
            drawn = {}
            for item_id in item_ids:
                if rng.random() < 0.02:
                    continue  # left blank
                drawn[item_id] = min(5, max(1, round(rng.gauss(2.0, 0.9))))
            return drawn

        sheets = []
        for k in range(about_us):
            drawn = levels()
            reasons = {
                i: "到货晚" for i, level in drawn.items() if level >= 4 and rng.random() < 0.5
            }
            sheets.append(
                ({"respondent_type": "客户", "customer_id": customers[k]}, drawn, reasons)
            )
        for k in range(about_them):
            head = {
                "respondent_type": "客户",
                "customer_id": customers[k],
                "competitor_id": detail.competitors[k % 2].id,
            }
            sheets.append((head, levels(), {}))
        for staff_id in staff_ids:
            sheets.append(({"respondent_type": "自评", "staff_id": staff_id}, levels(), {}))
        survey_answers.insert_questionnaires(session, admin, detail.id, sheets)
        session.commit()
    factory.kw["bind"].dispose()
    partial.replace(path)
    print(f"built {path.name} in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def _check_file(session, actor, survey_id: int, path: Path):  # noqa: ANN001, ANN202
    from desktop_crm.services import survey_answers_io
    from desktop_crm.services.spreadsheet_reader import open_table

    with open_table(path) as source:
        return survey_answers_io.check_answers(session, actor, survey_id, source)


def _hook(spec: tuple[str, str]) -> Callable[..., bytes] | None:
    import importlib

    module_name, name = spec
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, name, None)


class Bench:
    def __init__(self, store: Path, repeat: int) -> None:
        # work on a copy, so the edits never change the cached store
        self.work = Path(tempfile.mkdtemp(prefix="bench-surveys-")) / store.name
        shutil.copy2(store, self.work)
        self.factory = _factory(self.work)
        self.repeat = repeat
        self.results: list[Result] = []
        self.details: list[str] = []
        with self.factory() as session:
            from sqlalchemy import select

            from desktop_crm.models import Survey
            from desktop_crm.services import bootstrap

            self.admin_id = bootstrap.administrator(session).id
            self.survey_id = session.scalar(select(Survey.id).order_by(Survey.id.desc()).limit(1))

    def admin(self, session):  # noqa: ANN001, ANN201
        from desktop_crm.models import User

        return session.get(User, self.admin_id)

    def add(self, result: Result) -> Result:
        self.results.append(result)
        print(f"  {result.name}: median {fmt(result.median)} {result.verdict}", flush=True)
        return result

    def figures_after_an_edit(self) -> None:
        """Change one answer of one questionnaire (a save as the grid makes it), then
        recompute the figures the screen shows — each in its own session, like a click."""
        from desktop_crm.services import satisfaction, survey_answers, surveys

        edits = Result(
            "surveys", "save one questionnaire (edit one answer)", note="one unit of work"
        )
        figures = Result("surveys", "figures recomputed after the edit", target=0.1)
        both = Result("surveys", "edit + figures", note="what the user waits for")
        with self.factory() as session:
            rows = survey_answers.questionnaire_rows(
                session, self.admin(session), self.survey_id, about="us"
            )
        for run in range(self.repeat):
            row = rows[run * 37 % len(rows)]
            item_id, level = next(iter(row.levels.items()))
            new_level = "很满意" if level != "很满意" else "满意"
            data = survey_answers.QuestionnaireInput(
                respondent_type=row.respondent_type,
                customer_id=row.customer_id,
                levels={**row.levels, item_id: new_level},
                reasons={i: r for i, r in row.reasons.items() if i != item_id},
                feedback=row.feedback or None,
            )
            with self.factory() as session:
                save = partial(
                    survey_answers.save_questionnaire,
                    session, self.admin(session), self.survey_id, data, row.id, row.version,
                )  # fmt: skip
                spent, _ = timed(save)
            edits.samples.append(spent)
            with self.factory() as session:
                count = partial(
                    surveys.survey_figures, session, self.admin(session), self.survey_id
                )
                counted, result = timed(count)
            figures.samples.append(counted)
            both.samples.append(spent + counted)
        self.add(edits)
        self.add(figures)
        self.add(both)
        self.details.append(
            f"- figures: 调查 {satisfaction.percent_text(result.survey.degree)} / "
            f"{satisfaction.percent_text(result.survey.rate)}, 自评 "
            f"{satisfaction.percent_text(result.self_assessment.degree)}, 总体 "
            f"{satisfaction.percent_text(result.overall.degree)} over "
            f"{result.total_questionnaires} questionnaires, {result.survey.n + result.self_assessment.n} "
            "ratings about us"
        )

    def reading(self) -> None:
        from desktop_crm.services import survey_answers, survey_improvements, survey_report

        cases = [
            ("entry grid: all questionnaire rows", lambda s, a: survey_answers.questionnaire_rows(s, a, self.survey_id), 1.0),
            ("dissatisfied items with reasons", lambda s, a: survey_improvements.dissatisfied_items(s, a, self.survey_id), 0.3),
            ("report data (no PDF)", lambda s, a: survey_report.report_data(s, a, self.survey_id), 0.5),
        ]  # fmt: skip
        for name, action, target in cases:
            result = Result("surveys", name, target=target)
            for _ in range(self.repeat):
                with self.factory() as session:
                    spent, _ = timed(partial(action, session, self.admin(session)))
                result.samples.append(spent)
            self.add(result)

    def spreadsheet(self) -> None:
        from desktop_crm.services import survey_answers_io

        folder = self.work.parent
        export = Result("spreadsheet", "export survey answers (.xlsx)", target=10.0)
        check = Result("spreadsheet", "check the same file for import (dry run)", target=10.0)
        for run in range(max(1, min(self.repeat, 3))):
            target = folder / f"answers-{run}.xlsx"
            with self.factory() as session:
                write = partial(
                    survey_answers_io.export_answers,
                    session,
                    self.admin(session),
                    self.survey_id,
                    target,
                )
                spent, count = timed(write)
            export.samples.append(spent)
            with self.factory() as session:
                spent, preview = timed(
                    partial(_check_file, session, self.admin(session), self.survey_id, target)
                )
            check.samples.append(spent)
        self.add(export)
        self.add(check)
        self.details.append(
            f"- spreadsheet: {count} rows exported; the check found {preview.unchanged} unchanged, "
            f"{len(preview.valid)} to write, {len(preview.bad_rows)} refused"
        )

    def report_files(self) -> None:
        for spec, label, target in (
            (REPORT_PDF, "full PDF report with charts", 3.0),
            (REPORT_XLSX, "report workbook (.xlsx)", 3.0),
        ):
            make = _hook(spec)
            if make is None:
                self.details.append(
                    f"- {label}: `{'.'.join(spec)}` does not exist yet — not measured"
                )
                continue
            result = Result("report", label, target=target)
            size = 0
            for _ in range(max(1, min(self.repeat, 3))):
                with self.factory() as session:
                    spent, data = timed(partial(make, session, self.admin(session), self.survey_id))
                result.samples.append(spent)
                size = len(data) if isinstance(data, bytes | bytearray) else 0
            self.add(result)
            self.details.append(f"- {label}: {size / 1024:.0f} KB")

    # ------------------------------------------------------------- blank questionnaires
    # (added with the report forms: reports/forms/questionnaire.py)
    def questionnaire_bundle(self, sheets: int = 500) -> None:
        """`report questionnaire`: one blank 客户满意度调查问卷 per respondent, names filled
        in — here for the first `sheets` customers of the store (the bench survey has no
        respondent list); target a few seconds for 500."""
        from sqlalchemy import select

        from desktop_crm import documents
        from desktop_crm.models import Customer

        result = Result("report", f"blank questionnaires, {sheets} sheets (PDF)", target=3.0)
        size = 0
        for _ in range(max(1, min(self.repeat, 3))):
            with self.factory() as session:
                actor = self.admin(session)
                ids = list(session.scalars(select(Customer.id).order_by(Customer.id).limit(sheets)))
                spent, (data, count) = timed(
                    lambda: documents.questionnaires_pdf(session, actor, self.survey_id, ids)  # noqa: B023
                )
            result.samples.append(spent)
            size = len(data)
        self.add(result)
        self.details.append(f"- blank questionnaires: {count} sheets, {size / 1024:.0f} KB")

    def close(self) -> None:
        shutil.rmtree(self.work.parent, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questionnaires", type=int, default=5000)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached store")
    parser.add_argument(
        "--only",
        default="figures,reading,spreadsheet,report,questionnaires",
        help="comma-separated subset",
    )
    args = parser.parse_args(argv)
    (CACHE_DIR / "data").mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DESKTOP_CRM_DATA_DIR", str(CACHE_DIR / "data"))
    store = build(args.questionnaires, args.items, args.fresh)
    bench = Bench(store, args.repeat)
    steps = {
        "figures": bench.figures_after_an_edit,
        "reading": bench.reading,
        "spreadsheet": bench.spreadsheet,
        "report": bench.report_files,
        "questionnaires": bench.questionnaire_bundle,
    }
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    started = time.perf_counter()
    try:
        for name in wanted:
            print(f"{name} …", flush=True)
            try:
                steps[name]()
            except Exception as error:  # report the rest of the bench all the same
                traceback.print_exc()
                bench.details.append(f"- **{name} failed**: {type(error).__name__}: {error}")
    finally:
        bench.close()
    info = machine_info(store, args.questionnaires)
    info[-1] = (
        f"- store: one survey, {args.questionnaires:,} questionnaires × {args.items} items "
        f"({store.stat().st_size / 1e6:.0f} MB, {store.name})"
    )
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
                "# Bench results: satisfaction surveys",
                "",
                f"`python -m bench.bench_surveys --questionnaires {args.questionnaires} "
                f"--items {args.items} --repeat {args.repeat} --only {','.join(wanted)}`",
                "",
                *info,
                "",
                "Median and max over the runs; each run opens its own session, as a click does. "
                "The figures are two GROUP BY queries read along ix_survey_answer_figures "
                "(the answers carry their questionnaire's survey, type, competitor and group).",
                "",
                *lines,
                "",
                *bench.details,
                "",
                summary,
                "",
            ]
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
