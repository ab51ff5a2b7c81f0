"""`report complaint-handling 投诉编号 -o FILE`: the latest 顾客投诉处理报告表 of a complaint,
written whole or not at all; exit 0 done, 1 refused with a Chinese message, 2 wrong usage."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from desktop_crm.app import main
from desktop_crm.config import StoreLocation
from desktop_crm.models import User
from desktop_crm.services import approvals
from tests.conftest import sqlite_only
from tests.pdf_text import pdf_text as read_pdf
from tests.services.test_complaint_handling_reports import (
    ADVICE,
    Staff,
    handled_complaint,
    make_staff,
    registered,
    write_report,
)

TODAY = date.today()


def run(capsys, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def pdf_text(path: Path) -> str:
    return "".join(read_pdf(path.read_bytes()).split())


@pytest.fixture
def db(store: StoreLocation) -> str:
    sqlite_only(store)
    return str(store.sqlite_path)


@pytest.fixture
def staff(db: str, session: Session, admin: User) -> Staff:
    return make_staff(session, admin)


def test_the_latest_report_as_pdf_and_workbook(capsys, db, session, staff, tmp_path) -> None:  # noqa: ANN001
    complaint = handled_complaint(session, staff)
    write_report(session, staff, complaint, recommendation="第一份建议")
    (first,) = approvals.pending_for(session, staff.qc_head)
    approvals.decide(session, staff.qc_head, first.open_step_id, False, "再具体些")
    write_report(session, staff, complaint)  # the second, the one printed
    (second,) = approvals.pending_for(session, staff.qc_head)
    approvals.decide(session, staff.qc_head, second.open_step_id, True)

    pdf = tmp_path / "处理报告.pdf"
    number = complaint.number.lower()  # found however it is typed
    status, out, err = run(
        capsys, "--db", db, "report", "complaint-handling", number, "-o", str(pdf)
    )
    assert (status, err) == (0, "") and str(pdf) in out
    text = pdf_text(pdf)
    assert "顾客投诉处理报告表" in text and complaint.number in text
    assert "".join(ADVICE.split()) in text and "第一份建议" not in text
    assert f"责任部门负责人：孙部长日期：{TODAY:%Y-%m-%d}" in text
    assert "总经室批准：日期：" in text

    xlsx = tmp_path / "处理报告.xlsx"
    status, _, _ = run(capsys, "--db", db, "report", "complaint-handling", number, "-o", str(xlsx))
    assert status == 0
    found = [c for row in load_workbook(xlsx).active.iter_rows(values_only=True) for c in row]
    assert ADVICE in found and "孙部长" in found and "第一份建议" not in found
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("no report", "还没有填写顾客投诉处理报告表"),
        ("no complaint", "没有投诉编号为「TS2026-9999」的投诉"),
        ("no right", "您没有「投诉·查看」的权限"),
    ],
)
def test_refused_input_exits_1_and_writes_nothing(
    capsys, db, session, staff, tmp_path, case: str, words: str
) -> None:  # noqa: ANN001
    number = registered(session, staff).number if case != "no complaint" else "TS2026-9999"
    user = ["--user", "da"] if case == "no right" else []  # the 档案管理员
    if case == "no right":
        write_report(session, staff, handled_complaint(session, staff))
    target = tmp_path / "r.pdf"
    status, out, err = run(
        capsys, "--db", db, *user, "report", "complaint-handling", number, "-o", str(target)
    )
    assert status == 1 and words in err and "Traceback" not in err and out == ""
    assert not target.exists() and not list(tmp_path.glob("*.part"))


def test_a_wrong_file_type_is_refused(capsys, db, session, staff, tmp_path) -> None:  # noqa: ANN001
    complaint = handled_complaint(session, staff)
    write_report(session, staff, complaint)
    target = tmp_path / "r.docx"
    status, _, err = run(
        capsys, "--db", db, "report", "complaint-handling", complaint.number, "-o", str(target)
    )
    assert status == 1 and "输出文件名应以 .pdf 或 .xlsx 结尾" in err and not target.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("report", "complaint-handling", "TS2026-0001"),  # no -o
        ("report", "complaint-handling", "-o", "r.pdf"),  # no number
    ],
)
def test_wrong_usage_exits_2(capsys, db, args) -> None:  # noqa: ANN001
    status, _, err = run(capsys, "--db", db, *args)
    assert status == 2 and "用法错误" in err
