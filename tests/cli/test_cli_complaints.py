"""The complaint forms and reports from the command line: files written whole or not at
all, the exit statuses (0 done, 1 refused with a Chinese message, 2 wrong usage)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from desktop_crm.app import main
from desktop_crm.config import StoreLocation
from desktop_crm.models import User
from tests.conftest import sqlite_only
from tests.pdf_text import pdf_text as read_pdf
from tests.reports.test_complaint_forms import Book, build


def run(capsys, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def pdf_text(path: Path) -> str:
    return "".join(read_pdf(path.read_bytes()).split())


def cells(path: Path) -> list[object]:
    sheet = load_workbook(path).active
    return [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]


@pytest.fixture
def db(store: StoreLocation) -> str:
    sqlite_only(store)
    return str(store.sqlite_path)


@pytest.fixture
def book(db: str, session: Session, admin: User) -> Book:
    return build(session, admin)


def test_complaint_record_round_trip(capsys, db, book, tmp_path) -> None:  # noqa: ANN001
    number = book.c["C1"].number
    pdf = tmp_path / "记录.pdf"
    status, out, _ = run(capsys, "--db", db, "report", "complaint-record", number, "-o", str(pdf))
    assert status == 0 and str(pdf) in out
    text = pdf_text(pdf)
    assert "顾客产品质量投诉调查处理记录" in text and number in text
    assert "陕西秦岭建设集团商品混凝土有限公司" in text and "市场营销部负责人：" in text
    xlsx = tmp_path / "记录.xlsx"
    lower = number.lower()  # the number is found however it is typed
    assert run(capsys, "--db", db, "report", "complaint-record", lower, "-o", str(xlsx))[0] == 0
    found = cells(xlsx)
    assert "受潮结块" in found and "我方原因" in found
    assert not list(tmp_path.glob("*.part"))


def test_revisit_record_round_trip(capsys, db, book, tmp_path) -> None:  # noqa: ANN001
    number = book.r["C8-1"].number
    pdf = tmp_path / "回访.pdf"
    assert run(capsys, "--db", db, "report", "revisit-record", number, "-o", str(pdf))[0] == 0
    text = pdf_text(pdf)
    assert "客户投诉回访记录" in text and number in text and "■不满意" in text
    xlsx = tmp_path / "回访.xlsx"
    assert run(capsys, "--db", db, "report", "revisit-record", number, "-o", str(xlsx))[0] == 0
    assert "回访人：" in cells(xlsx)


def test_week_and_month_round_trip(capsys, db, book, tmp_path) -> None:  # noqa: ANN001
    week = tmp_path / "week.xlsx"
    status, _, _ = run(
        capsys, "--db", db, "report", "complaint-week", "2026-W43", "-o", str(week),
        "--department", "ZJB",
    )  # fmt: skip
    assert status == 0
    found = cells(week)
    assert "部门：质检部" in found
    assert book.c["C1"].number in found and book.c["C3"].number in found
    assert book.c["C2"].number not in found

    month = tmp_path / "month.pdf"
    assert run(capsys, "--db", db, "report", "complaint-month", "2026-10", "-o", str(month))[0] == 0
    text = pdf_text(month)
    assert "投诉总数（件）83+5" in text and "按期处理率60.0%100.0%-40.0个百分点" in text
    month_xlsx = tmp_path / "month.xlsx"
    status = run(capsys, "--db", db, "report", "complaint-month", "2026-10", "-o", str(month_xlsx))
    assert status[0] == 0
    assert "顾客投诉统计分析报告表" in cells(month_xlsx)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["complaint-week", "2026-W60"], "没有第 60 周"),
        (["complaint-week", "47"], "2026-W47"),
        (["complaint-month", "2026-13"], "2026-11"),
        (["complaint-month", "2026/10"], "2026-11"),
        (["complaint-record", "TS2026-9999"], "TS2026-9999"),
        (["revisit-record", "HF2026-9999"], "HF2026-9999"),
        (["complaint-week", "2026-W43", "--department", "无此部门"], "没有这个部门"),
    ],
)
def test_refused_input_exits_1_with_a_chinese_message(
    capsys,
    db,
    book,
    tmp_path,
    args,
    words,  # noqa: ANN001
) -> None:
    target = tmp_path / "out.pdf"
    status, _, err = run(
        capsys, "--db", db, "report", args[0], args[1], "-o", str(target), *args[2:]
    )
    assert status == 1 and words in err and "Traceback" not in err
    assert not target.exists() and not list(tmp_path.glob("*.part"))


def test_wrong_file_type_is_refused(capsys, db, book, tmp_path) -> None:  # noqa: ANN001
    status, _, err = run(
        capsys, "--db", db, "report", "complaint-month", "2026-10", "-o", str(tmp_path / "m.txt")
    )
    assert status == 1 and ".pdf" in err and not (tmp_path / "m.txt").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["report", "complaint-week"],
        ["report", "complaint-week", "2026-W43"],  # no -o
        ["report", "complaint-month", "-o", "x.pdf"],
        ["report", "complaint-record"],
        ["report", "revisit-record", "HF2026-0001", "--bogus"],
        ["export", "complaints"],
    ],
)
def test_wrong_usage_exits_2(capsys, db, args) -> None:  # noqa: ANN001
    assert run(capsys, "--db", db, *args)[0] == 2


def test_export_complaints(capsys, db, book, tmp_path) -> None:  # noqa: ANN001
    pytest.importorskip("desktop_crm.services.complaint_list")
    target = tmp_path / "投诉.xlsx"
    status, out, _ = run(capsys, "--db", db, "export", "complaints", str(target))
    assert status == 0 and "11 条投诉" in out
    found = cells(target)
    assert book.c["C1"].number in found and book.c["S3"].number in found
    status, out, _ = run(
        capsys, "--db", db, "export", "complaints", str(target), "--search", book.c["C2"].number
    )
    assert status == 0 and "1 条投诉" in out
    assert run(capsys, "--db", db, "export", "complaints", str(tmp_path / "x.csv"))[0] == 1
