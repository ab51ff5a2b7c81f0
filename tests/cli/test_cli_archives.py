"""The archive ledger from the command line: each report verb, export and import on a real
store; refusals exit 1 with a Chinese message and leave no file; prints and exports of a
confidential volume are written to the access log."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_crm.app import main
from desktop_crm.config import StoreLocation
from desktop_crm.models import ArchiveAccess, ArchiveVolume, User
from desktop_crm.services import staff
from tests.conftest import sqlite_only
from tests.pdf_text import pdf_text as read_pdf
from tests.services.archive_office import ArchiveOffice, department_id, file, make_office


def run(capsys, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def pdf_text(path: Path) -> str:
    return "".join(read_pdf(path.read_bytes()).split())


def cells(path: Path) -> list[object]:
    """Every filled cell of every worksheet, sheet by sheet."""
    return [
        c
        for sheet in load_workbook(path).worksheets
        for row in sheet.iter_rows(values_only=True)
        for c in row
        if c is not None
    ]


@pytest.fixture
def db(store: StoreLocation) -> str:
    sqlite_only(store)
    return str(store.sqlite_path)


@pytest.fixture
def office(db: str, session: Session, admin: User) -> ArchiveOffice:
    office = make_office(session, admin)
    for user, login in ((office.keeper, "sunli"), (office.clerk, "qiancheng")):
        user.login = login
    session.commit()
    return office


@pytest.fixture
def ledger(session: Session, office: ArchiveOffice) -> dict[str, ArchiveVolume]:
    items = [{"doc_number": "营销发〔2015〕3号", "title": "客户走访安排", "pages": 4},
             {"title": "客户走访记录", "pages": 6}]  # fmt: skip
    return {
        "visits": file(session, office.keeper, office, items=items, year=2015,
                       title="2015年客户走访工作文件"),
        "secret": file(session, office.keeper, office, year=2015, title="2015年价格调整方案",
                       secrecy="机密"),
        "later": file(session, office.keeper, office, year=2020, title="2020年会议文件",
                      category_code="HY"),
    }  # fmt: skip


def keeper(*args: str) -> list[str]:
    return ["--user", "sunli", *args]


def test_every_report_verb(capsys, db, office, ledger, tmp_path) -> None:  # noqa: ANN001
    visits, secret = ledger["visits"].number, ledger["secret"].number
    cases = [
        (["archive-catalog", "2015", "--category", "文书"], "catalogue.pdf",
         ["案卷目录", visits, secret, "2015"]),
        (["archive-catalog", "2020", "--category", "HY"], "catalogue.xlsx", ["2020年会议文件"]),
        (["file-contents", visits], "contents.pdf", ["卷内文件目录", "营销发〔2015〕3号", "5-10",
                                                     "卷内备考表", "卷内文件（件）2页数（页）10"]),
        (["file-contents", visits], "contents.xlsx", ["客户走访记录", "5-10", "卷内备考表",
                                                      "本卷情况说明"]),
        (["retention-due", "--as-of", "2026-01-01"], "due.pdf", ["到期鉴定清单", visits, secret]),
        (["retention-due", "--as-of", "2026年1月1日"], "due.xlsx", ["到期鉴定清单", visits]),
        (["retention-due"], "due-today.xlsx", ["到期鉴定清单", visits]),
        (["labels", "2015"], "labels.pdf", [visits, secret, "全宗号"]),
    ]  # fmt: skip
    for args, name, words in cases:
        target = tmp_path / name
        status, out, err = run(capsys, "--db", db, *keeper("report", *args, "-o", str(target)))
        assert (status, err) == (0, ""), (args, err)
        assert str(target) in out
        found = pdf_text(target) if name.endswith(".pdf") else "".join(map(str, cells(target)))
        for word in words:
            assert word in found.replace(" ", ""), (args, word)
    assert "2020年会议文件" not in pdf_text(tmp_path / "due.pdf")
    sheets = load_workbook(tmp_path / "contents.xlsx").sheetnames
    assert sheets == ["卷内文件目录", "卷内备考表"]
    contents = pdf_text(tmp_path / "contents.pdf")  # each part numbered on its own
    assert contents.count("第1页共1页") == 2
    assert not list(tmp_path.glob("*.part"))


def test_prints_of_a_confidential_volume_are_logged(
    capsys, db, session, office, ledger, tmp_path
) -> None:  # noqa: ANN001, E501
    secret = ledger["secret"]
    run(capsys, "--db", db, *keeper("report", "file-contents", secret.number, "-o", str(tmp_path / "a.pdf")))  # fmt: skip
    run(capsys, "--db", db, *keeper("report", "archive-catalog", "2015", "-o", str(tmp_path / "b.xlsx")))  # fmt: skip
    run(capsys, "--db", db, *keeper("export", "archives", str(tmp_path / "c.xlsx")))
    session.expire_all()
    rows = session.execute(
        select(ArchiveAccess.act, ArchiveAccess.user_name, ArchiveAccess.detail)
        .where(ArchiveAccess.volume_id == secret.id)
        .order_by(ArchiveAccess.id)
    ).all()
    assert [(act, who) for act, who, _ in rows] == [
        ("打印", "孙丽"),
        ("导出", "孙丽"),
        ("导出", "孙丽"),
    ]
    assert rows[0][2] == "卷内文件目录、卷内备考表" and rows[1][2].startswith("案卷目录（2015 年度")
    assert (
        session.scalar(
            select(func.count())
            .select_from(ArchiveAccess)
            .where(ArchiveAccess.volume_id != secret.id)
        )
        == 0
    )


def test_export_lists_the_ledger_with_chinese_headers(capsys, db, office, ledger, tmp_path) -> None:  # noqa: ANN001
    target = tmp_path / "台账.xlsx"
    status, out, _ = run(
        capsys, "--db", db, *keeper("export", "archives", str(target), "--search", "走访")
    )
    assert status == 0 and "已导出 1 个案卷" in out
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:9] == (
        "档号",
        "题名",
        "门类",
        "年度",
        "保管期限",
        "密级",
        "责任部门",
        "页数",
        "份数",
    )
    assert rows[1][:4] == (ledger["visits"].number, "2015年客户走访工作文件", "文书", 2015)


def test_import_checks_then_writes(capsys, db, session, office, tmp_path) -> None:  # noqa: ANN001
    book = Workbook()
    book.active.append(["题名", "门类", "年度", "保管期限", "责任部门", "页数", "归档日期", "档号"])
    book.active.append(
        ["2019年合同", "合同协议", 2019, "D30", "市场营销部", 20, date(2020, 1, 5), None]
    )
    book.active.append(["有问题的行", "文书", 2019, "短期", "YXB", -1, "2020-01-05", None])
    path = tmp_path / "台账.xlsx"
    book.save(path)
    status, out, err = run(
        capsys, "--db", db, *keeper("import", "archives", str(path), "--dry-run")
    )
    assert status == 1 and "共 2 行，正确 1 行，有问题 1 行。未写入。" in out
    assert "第 3 行，F 页数 列：应在 1 到 100000 之间。" in err
    status, _, err = run(capsys, "--db", db, *keeper("import", "archives", str(path)))
    assert status == 1 and "有 1 行有问题，没有导入任何数据。" in err
    assert session.scalar(select(func.count()).select_from(ArchiveVolume)) == 0
    status, out, err = run(
        capsys, "--db", db, *keeper("import", "archives", str(path), "--skip-invalid")
    )
    assert status == 0 and "已导入 1 个案卷。" in out and "已跳过 第 3 行" in err
    assert session.scalar(select(ArchiveVolume.number)) == "Z001-HT·2019-D30-YXB-0001"


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("unknown number", "没有档号为「Z001-WS·2015-D10-YXB-9999」的案卷"),
        ("no right", "您没有「档案·查看」的权限"),
        ("not cleared", "是机密档案，只有档案管理员、总经理和副总经理可以查阅"),
        ("bad date", "不是有效日期"),
        ("unknown category", "没有这个门类「无此门类」"),
        ("unknown period", "没有这个保管期限「五年」"),
        ("year out of range", "年度「20150」不对"),
        ("empty year", "1999"),
    ],
)
def test_refusals_exit_1_and_write_nothing(
    capsys,
    db,
    session,
    office,
    ledger,
    tmp_path,
    case: str,
    words: str,  # noqa: ANN001
) -> None:
    target = tmp_path / "out.pdf"
    if case == "no right":
        staff.save_staff(session, office.admin, staff.StaffInput(
            name="赵员工", department_id=department_id(session, "YXB"), roles=("客户服务专员",),
            login="zhao",
        ))  # fmt: skip
    args = {
        "unknown number": keeper("report", "file-contents", "Z001-WS·2015-D10-YXB-9999"),
        "no right": ["--user", "zhao", "report", "labels", "2015"],
        "not cleared": ["--user", "qiancheng", "report", "file-contents", ledger["secret"].number],
        "bad date": keeper("report", "retention-due", "--as-of", "明年"),
        "unknown category": keeper("report", "archive-catalog", "2015", "--category", "无此门类"),
        "unknown period": keeper("report", "archive-catalog", "2015", "--period", "五年"),
        "year out of range": keeper("report", "archive-catalog", "20150"),
        "empty year": keeper("report", "labels", "1999"),
    }[case]  # fmt: skip
    status, out, err = run(capsys, "--db", db, *args, "-o", str(target))
    assert status == 1 and words in err and "Traceback" not in err and out == ""
    assert not target.exists() and not list(tmp_path.glob("*.part"))
    assert session.scalar(select(func.count()).select_from(ArchiveAccess)) == 0


def test_usage_errors_exit_2(capsys, db, office, tmp_path) -> None:  # noqa: ANN001
    target = str(tmp_path / "x.pdf")
    assert run(capsys, "--db", db, "report", "archive-catalog", "二〇一五", "-o", target)[0] == 2
    assert run(capsys, "--db", db, "report", "labels", "-o", target)[0] == 2
    status, _, err = run(
        capsys, "--db", db, *keeper("report", "labels", "2015", "-o", str(tmp_path / "x.xlsx"))
    )
    assert status == 1 and "标签只能输出为 PDF" in err
