"""The command line as scheduled jobs and outside checks call it: verbs, output, exit status."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from desktop_crm.app import main


def run(capsys, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.sqlite3")


def test_demo_find_export_report_round(capsys, db, tmp_path) -> None:  # noqa: ANN001
    assert run(capsys, "--db", db, "demo-data", "--customers", "30", "--seed", "7")[0] == 0
    status, out, _ = run(capsys, "--db", db, "find", "customers", "KH00001", "--limit", "3")
    assert status == 0
    lines = out.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("KH00001") and "\t" in line for line in lines)
    code, name = lines[0].split("\t")

    target = tmp_path / "名册.xlsx"
    assert run(capsys, "--db", db, "export", "customers", str(target), "--search", code)[0] == 0
    sheet = load_workbook(target).active
    assert [c.value for c in sheet[1]][:2] == ["客户编号", "客户名称"]
    assert (sheet["A2"].value, sheet["B2"].value, sheet.max_row) == (code, name, 2)

    pdf = tmp_path / "card.pdf"
    assert run(capsys, "--db", db, "report", "customer-card", code, "-o", str(pdf))[0] == 0
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert name[:8] in text.replace("\n", "") and "客户资料管理卡" in text
    xlsx = tmp_path / "card.xlsx"
    assert run(capsys, "--db", db, "report", "customer-card", code, "-o", str(xlsx))[0] == 0
    cells = [c.value for row in load_workbook(xlsx).active.iter_rows() for c in row if c.value]
    assert name in cells


def test_demo_data_refuses_a_filled_store(capsys, db) -> None:  # noqa: ANN001
    run(capsys, "--db", db, "demo-data", "--customers", "2")
    status, _, err = run(capsys, "--db", db, "demo-data", "--customers", "2")
    assert status == 1 and "已经有客户" in err


def test_import_refuses_whole_file_then_skip_invalid(capsys, db, tmp_path) -> None:  # noqa: ANN001
    book = Workbook()
    book.active.append(["客户名称", "统一社会信用代码", "电话"])
    book.active.append(["甲公司", "91110000600037341L", "029-1234567"])
    book.active.append(["乙公司", "91110000600037341X", None])
    path = tmp_path / "in.xlsx"
    book.save(path)
    status, _, err = run(capsys, "--db", db, "import", "customers", str(path))
    assert status == 1
    assert "第 3 行，B 统一社会信用代码 列" in err
    assert run(capsys, "--db", db, "find", "customers", "甲公司")[1] == ""
    status, out, _ = run(
        capsys, "--db", db, "import", "customers", str(path), "--dry-run", "--skip-invalid"
    )
    assert status == 1 and "未写入" in out
    status, out, err = run(capsys, "--db", db, "import", "customers", str(path), "--skip-invalid")
    assert status == 0 and "已导入 1 个客户" in out and "已跳过" in err
    assert run(capsys, "--db", db, "find", "customers", "甲公司")[1] == "KH000001\t甲公司\n"


@pytest.mark.parametrize(
    ("content", "suffix", "words"),
    [
        (b"this is not a workbook", ".xlsx", ""),
        (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600, ".xls", ".xlsx"),
    ],
)
def test_broken_files_refused(capsys, db, tmp_path, content, suffix, words) -> None:  # noqa: ANN001
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(content)
    status, _, err = run(capsys, "--db", db, "import", "customers", str(path))
    assert status == 1 and err.strip() and "Traceback" not in err and words in err


def test_missing_file_and_unknown_code(capsys, db, tmp_path) -> None:  # noqa: ANN001
    status, _, err = run(capsys, "--db", db, "import", "customers", str(tmp_path / "nope.xlsx"))
    assert status == 1 and err.strip()
    status, _, err = run(
        capsys, "--db", db, "report", "customer-card", "KH999999", "-o", str(tmp_path / "x.pdf")
    )
    assert status == 1 and "KH999999" in err and not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["frob"],
        ["import"],
        ["find", "customers"],
        ["report", "customer-card", "KH1"],
        ["demo-data", "--customers", "x"],
    ],
)
def test_wrong_usage_exits_2(capsys, db, args) -> None:  # noqa: ANN001
    assert run(capsys, "--db", db, *args)[0] == 2


def test_db_folder_missing_is_refused(capsys, tmp_path) -> None:  # noqa: ANN001
    status, _, err = run(
        capsys, "--db", str(tmp_path / "no" / "such" / "x.sqlite3"), "find", "customers", "a"
    )
    assert status == 1 and "不存在" in err


def test_entry_point_as_a_process(tmp_path) -> None:  # noqa: ANN001
    db = tmp_path / "p.sqlite3"
    done = subprocess.run(
        [sys.executable, "-X", "utf8", "main.py", "--db", str(db), "find", "customers", "x"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0 and done.stdout == ""
