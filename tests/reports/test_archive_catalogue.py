"""案卷目录 of a year as the archive binds it: a booklet per 保管期限 (永久 first, then the
longest to the shortest), each a cover — 全宗号, 全宗名称, 年度, 保管期限, 起止档号, 案卷数 —
and its pages numbered 第 n 页 共 m 页 within the booklet; as a workbook, a sheet per
保管期限 with the cover's facts in its heading rows. Read back as a user reads them:
the PDF's text per page (pdftotext), the sheets' cells (openpyxl)."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm import documents
from desktop_crm.models import ArchiveVolume, AuditEntry, User
from desktop_crm.reports.table_xlsx import ExportCancelled
from desktop_crm.services import archive_settings, demo_archives
from tests.pdf_text import pdf_text
from tests.services.archive_office import ArchiveOffice, file, make_office

FONDS_NAME = "陕西某水泥股份有限公司市场营销部"


def page_texts(content: bytes) -> list[str]:
    """Each page's text with the spaces taken out (pdftotext ends every page with \\f)."""
    return ["".join(page.split()) for page in pdf_text(content).split("\f")[:-1]]


def booklets(content: bytes) -> list[list[str]]:
    """The pages grouped by booklet: a booklet starts at its cover."""
    found: list[list[str]] = []
    for text in page_texts(content):
        if "起止档号" in text:
            found.append([text])
        else:
            found[-1].append(text)
    return found


@pytest.fixture
def office(session: Session, admin: User) -> ArchiveOffice:
    archive_settings.set_text(session, admin, archive_settings.FONDS_NAME, FONDS_NAME)
    return make_office(session, admin)


@pytest.fixture
def year_2026(session: Session, office: ArchiveOffice) -> dict[str, list[ArchiveVolume]]:
    """2026's volumes in the three periods (and one of 2025 that must stay out)."""
    filed = {
        "D10": [file(session, office.keeper, office, title=f"客户走访工作文件{n}") for n in (1, 2)],
        "Y": [file(session, office.keeper, office, title="公司章程修订", period_code="Y")],
        "D30": [
            file(
                session,
                office.keeper,
                office,
                title="年度购销合同",
                category_code="HT",
                period_code="D30",
                secrecy="机密",
            ),
        ],  # fmt: skip
    }
    file(session, office.keeper, office, title="上一年度的文件", year=2025)
    return filed


def test_a_cover_and_its_pages_per_period_longest_first(session, office, year_2026) -> None:  # noqa: ANN001
    content = documents.archive_catalogue(session, office.keeper, True, {"year": 2026})
    bound = booklets(content)
    assert [re.search("保管期限：(.+?)起止档号", b[0]).group(1) for b in bound] == [
        "永久",
        "定期30年",
        "定期10年",
    ]
    d10 = sorted(v.number for v in year_2026["D10"])
    cover = bound[2][0]
    assert cover.startswith("案卷目录全宗号：Z001")
    assert f"全宗名称：{FONDS_NAME}" in cover and "年度：2026" in cover
    assert f"起止档号：{d10[0]}至{d10[1]}" in cover and "案卷数：2卷" in cover
    assert "编制人：孙丽" in cover
    pages = bound[2][1:]
    assert len(pages) == 1 and "第1页共1页" in pages[0]
    assert "保管期限：定期10年" in pages[0] and "范围：2026年度" in pages[0]
    assert all(n in pages[0] for n in d10) and "公司章程修订" not in pages[0]
    assert "上一年度的文件" not in "".join(page_texts(content))
    # each booklet is marked by its own volumes: only the one holding the 机密 contract
    assert [b[0].startswith("机密") for b in bound] == [False, True, False]
    assert all(page.startswith("机密") for page in bound[1])


def test_one_period_asked_for_is_one_booklet(session, office, year_2026) -> None:  # noqa: ANN001
    content = documents.archive_catalogue(
        session, office.keeper, True, {"year": 2026, "period_code": "Y"}
    )
    [booklet] = booklets(content)
    number = year_2026["Y"][0].number
    assert "保管期限：永久" in booklet[0] and f"起止档号：{number}至{number}" in booklet[0]
    assert "范围：2026年度，保管期限永久" in booklet[1] and "客户走访工作文件" not in booklet[1]
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.detail == "案卷目录（2026 年度，保管期限 永久，1 卷，1 册）"


def _bulk(session: Session, office: ArchiveOffice, count: int, period: str, title: str) -> None:
    specs = [
        demo_archives.VolumeSpec(
            title=f"{title}{n:03d}",
            category_code="WS",
            year=2026,
            period_code=period,
            department_id=office.yxb,
            secrecy="内部",
            filed_on=date(2026, 3, 1),
            pages=n,
        )  # fmt: skip
        for n in range(1, count + 1)
    ]
    demo_archives.insert_volumes(session, office.keeper, specs, record_audit=False)
    session.commit()


def test_page_numbers_restart_in_each_booklet(session, office) -> None:  # noqa: ANN001
    _bulk(session, office, 60, "D10", "营销工作文件")
    _bulk(session, office, 5, "Y", "章程文件")
    long_title = "关于二〇二六年度全公司客户服务质量检查、投诉回访和满意度调查工作安排的请示及批复"
    file(session, office.keeper, office, title=long_title, period_code="Y")
    calls: list[tuple[int, int]] = []
    content = documents.archive_catalogue(
        session, office.keeper, True, {"year": 2026}, progress=lambda *a: calls.append(a)
    )
    permanent, ten_years = booklets(content)
    assert len(permanent) == 2 and "第1页共1页" in permanent[1]
    assert "案卷（卷）6页数（页）" in permanent[1] and long_title in permanent[1]
    pages = ten_years[1:]
    assert len(pages) >= 3
    assert [re.search(r"第(\d+)页共(\d+)页", p).groups() for p in pages] == [
        (str(n), str(len(pages))) for n in range(1, len(pages) + 1)
    ]
    # every page under the table's heading; the totals and signatures on the last one
    assert all("序号档号题名年度保管期限密级页数份数存放位置备注" in p for p in pages)
    assert "案卷（卷）60页数（页）1830份数（份）60" in pages[-1] and "检查人：" in pages[-1]
    assert "营销工作文件001" in pages[0] and "营销工作文件060" in pages[-1]
    # progress: rows drawn of all rows, page by page, to the end
    assert calls[0] == (0, 66) and calls[-1] == (66, 66)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_an_empty_year_prints_a_cover_and_blank_rows(session, office) -> None:  # noqa: ANN001
    content = documents.archive_catalogue(session, office.keeper, True, {"year": 2031})
    [booklet] = booklets(content)
    assert "年度：2031" in booklet[0] and "案卷数：0卷" in booklet[0]
    assert "序号档号题名" in booklet[1] and "第1页共1页" in booklet[1]


def test_cancelled_print_makes_nothing(session, office, year_2026) -> None:  # noqa: ANN001
    with pytest.raises(ExportCancelled):
        documents.archive_catalogue(
            session, office.keeper, True, {"year": 2026}, is_cancelled=lambda: True
        )
    session.rollback()
    printed_numbers = select(ArchiveVolume.id).where(ArchiveVolume.number_printed_at.is_not(None))
    assert session.scalars(printed_numbers).first() is None
    printed = select(AuditEntry).where(AuditEntry.object_label == "案卷目录")
    assert session.scalars(printed).first() is None


def test_workbook_has_a_sheet_per_period_with_the_cover_facts(session, office, year_2026) -> None:  # noqa: ANN001
    content = documents.archive_catalogue(session, office.keeper, False, {"year": 2026})
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["永久", "定期30年", "定期10年"]
    sheet = book["定期10年"]
    rows = [tuple(c for c in row if c is not None) for row in sheet.iter_rows(values_only=True)]
    facts = {row[0]: row[1] for row in rows if len(row) == 2 and str(row[0]).endswith("：")}
    d10 = sorted(v.number for v in year_2026["D10"])
    assert rows[0] == ("案卷目录",)
    assert facts["全宗号："] == "Z001" and facts["全宗名称："] == FONDS_NAME
    assert facts["年度："] == "2026" and facts["保管期限："] == "定期10年"
    assert facts["起止档号："] == f"{d10[0]} 至 {d10[1]}" and facts["案卷数："] == "2 卷"
    titles = (
        "序号",
        "档号",
        "题名",
        "年度",
        "保管期限",
        "密级",
        "页数",
        "份数",
        "存放位置",
        "备注",
    )
    heading = rows.index(titles)
    assert sheet.print_title_rows == f"${heading + 1}:${heading + 1}"
    assert rows[heading + 1][:3] == (1, d10[0], "客户走访工作文件1")
    assert rows[heading + 3][:4] == ("合计", "2 卷", 24, 2)
    secret = book["定期30年"]
    assert secret.cell(1, secret.max_column).value == "机密"
