"""The revisit forms from the command line — 客户回访报告表, 客户拜访简报, 客户回访计划: files
written whole or not at all, the exit statuses (0 done, 1 refused with a Chinese message,
2 wrong usage)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from desktop_crm.models import User
from tests.cli.test_cli_complaints import cells, pdf_text, run
from tests.conftest import sqlite_only
from tests.reports.test_revisit_report_forms import TODAY, Office
from tests.reports.test_revisit_report_forms import office as office  # noqa: F401 - fixture


@pytest.fixture
def db(store) -> str:  # noqa: ANN001
    sqlite_only(store)
    return str(store.sqlite_path)


@pytest.fixture
def book(db: str, session: Session, admin: User, office: Office) -> Office:  # noqa: F811
    return office


def test_revisit_report_round_trip(capsys, db, book, tmp_path: Path) -> None:  # noqa: ANN001
    number = book.revisit.number
    pdf = tmp_path / "回访报告.pdf"
    status, out, _ = run(capsys, "--db", db, "report", "revisit-report", number, "-o", str(pdf))
    assert status == 0 and str(pdf) in out
    text = pdf_text(pdf)
    assert "客户回访报告表" in text and number in text
    assert "指导意见节前安排专车保供，月底再回访一次。" in text
    xlsx = tmp_path / "回访报告.xlsx"
    lower = number.lower()  # the number is found however it is typed
    assert run(capsys, "--db", db, "report", "revisit-report", lower, "-o", str(xlsx))[0] == 0
    found = cells(xlsx)
    assert "客户满意，可列为重点维护对象。" in found and "陈静" in found
    assert not list(tmp_path.glob("*.part"))


def test_visit_brief_round_trip(capsys, db, book, tmp_path: Path) -> None:  # noqa: ANN001
    pdf = tmp_path / "简报.pdf"
    status, _, _ = run(
        capsys, "--db", db, "report", "visit-brief", str(book.plan.id), "-o", str(pdf)
    )
    assert status == 0
    text = pdf_text(pdf)
    assert "客户拜访简报" in text and "陕西秦岭建设集团商品混凝土有限公司" in text
    assert "王建国（主要）" in text and "节前拜访，了解下季度用量" in text


def test_revisit_plans_round_trip(capsys, db, book, tmp_path: Path) -> None:  # noqa: ANN001
    start, end = f"{TODAY:%Y-%m-%d}", f"{TODAY.replace(year=TODAY.year + 1):%Y-%m-%d}"
    pdf = tmp_path / "计划.pdf"
    status, _, _ = run(capsys, "--db", db, "report", "revisit-plans", start, end, "-o", str(pdf))
    assert status == 0
    text = pdf_text(pdf)
    assert "客户回访计划" in text and "咸阳张兴商砼有限公司" in text and "改期1次" in text
    xlsx = tmp_path / "计划.xlsx"
    assert run(capsys, "--db", db, "report", "revisit-plans", start, end, "-o", str(xlsx))[0] == 0
    found = cells(xlsx)
    assert "西安高速公路第三标段" in found and "改期 1 次" in found


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["revisit-report", "HF2026-9999"], "HF2026-9999"),
        (["visit-brief", "99999"], "这条回访计划已不存在"),
        (["revisit-plans", "2026-12-01", "2026-11-01"], "结束日期不能早于开始日期"),
        (["revisit-plans", "2026/13/01", "2026-11-30"], "不是有效日期"),
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
    status, _, err = run(capsys, "--db", db, "report", *args, "-o", str(target))
    assert status == 1 and words in err and "Traceback" not in err
    assert not target.exists() and not list(tmp_path.glob("*.part"))


def test_wrong_file_type_is_refused(capsys, db, book, tmp_path) -> None:  # noqa: ANN001
    target = tmp_path / "r.txt"
    status, _, err = run(
        capsys, "--db", db, "report", "revisit-report", book.revisit.number, "-o", str(target)
    )
    assert status == 1 and ".pdf" in err and not target.exists()


def test_a_user_without_the_right_is_refused(capsys, db, book, session, tmp_path) -> None:  # noqa: ANN001
    session.execute(update(User).where(User.id == book.archivist.id).values(login="sunli"))
    session.commit()
    target = tmp_path / "r.pdf"
    status, _, err = run(
        capsys, "--db", db, "--user", "sunli", "report", "revisit-report",
        book.revisit.number, "-o", str(target),
    )  # fmt: skip
    assert status == 1 and "回访·查看" in err and not target.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["report", "revisit-report"],
        ["report", "revisit-report", "HF2026-0001"],  # no -o
        ["report", "visit-brief", "第一条", "-o", "x.pdf"],
        ["report", "revisit-plans", "2026-11-01", "-o", "x.pdf"],
        ["report", "revisit-plans", "2026-11-01", "2026-11-30", "--bogus", "-o", "x.pdf"],
    ],
)
def test_wrong_usage_exits_2(capsys, db, args) -> None:  # noqa: ANN001
    assert run(capsys, "--db", db, *args)[0] == 2
