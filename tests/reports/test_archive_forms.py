"""The archive ledger's printed forms as the archive keeper reads them: 案卷目录, 卷内文件目录,
卷内备考表, 到期鉴定清单 and the shelf labels — PDF text read back with pdftotext, workbook
cells with openpyxl, page counts, the 密级 mark on a confidential volume's copy, the labels'
real sizes; and what printing leaves behind (access log, 档号 marked as printed)."""

from __future__ import annotations

import io
import random
import re
import subprocess
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_crm import documents
from desktop_crm.models import ArchiveAccess, ArchiveVolume, Customer, Department, User
from desktop_crm.reports.forms.archive_labels import SPINE_SHEET, STAMP_SHEET
from desktop_crm.services import archive_items, archive_settings, demo_archives
from desktop_crm.services.errors import PermissionDenied
from tests.pdf_text import pdf_text
from tests.services.archive_office import ArchiveOffice, file, make_office

MM = 72 / 25.4


def flat(content: bytes) -> str:
    return "".join(pdf_text(content).split())


def pages(content: bytes) -> int:
    return pdf_text(content).count("\f")


def cells(content: bytes) -> list[object]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]


DOCUMENTS = [
    {"doc_number": "营销发〔2015〕3号", "author": "市场营销部", "title": "关于2015年客户走访安排的通知",
     "doc_date": date(2015, 3, 2), "pages": 3},
    {"doc_number": "营销发〔2015〕9号", "author": "市场营销部", "title": "客户走访记录汇总",
     "doc_date": date(2015, 6, 30), "pages": 12, "remarks": "复印件"},
    {"doc_number": None, "author": "总经理办公室", "title": "2015年客户走访工作总结",
     "doc_date": date(2015, 12, 28), "pages": 5},
]  # fmt: skip


@pytest.fixture
def office(session: Session, admin: User) -> ArchiveOffice:
    return make_office(session, admin)


@pytest.fixture
def visits(session: Session, office: ArchiveOffice) -> ArchiveVolume:
    """A 2015 文书 volume kept 10 years (due 2026-01-01) with three documents."""
    return file(
        session, office.keeper, office, items=DOCUMENTS, title="2015年客户走访工作文件",
        year=2015, description="本卷收录2015年客户走访工作文件3件，第2件为复印件。",
        checker="孙丽", compiler="钱程", compiled_on=date(2016, 1, 8), filed_on=date(2016, 1, 8),
    )  # fmt: skip


@pytest.fixture
def secret(session: Session, office: ArchiveOffice) -> ArchiveVolume:
    return file(
        session, office.keeper, office, title="2015年产品价格调整方案", year=2015,
        secrecy="机密", pages=6,
    )  # fmt: skip


def test_items_list_the_documents_with_their_page_numbers(session, office, visits) -> None:  # noqa: ANN001
    content = documents.archive_items_pdf(session, office.keeper, visits.id)
    text = flat(content)
    assert text.startswith("卷内文件目录") and pages(content) == 1
    assert f"档号：{visits.number}" in text and "保管期限：定期10年" in text
    assert "序号文号责任者题名日期页号备注" in text
    # 页号: the first page of each document, the range on the last one
    assert "1营销发〔2015〕3号市场营销部关于2015年客户走访安排的通知2015-03-021" in text
    assert "2营销发〔2015〕9号市场营销部客户走访记录汇总2015-06-304复印件" in text
    assert "3总经理办公室2015年客户走访工作总结2015-12-2816-20" in text
    assert "机密" not in text and "内部资料" not in text
    workbook = cells(documents.archive_items_xlsx(session, office.keeper, visits.id))
    assert "卷内文件目录" in workbook and "16-20" in workbook and "复印件" in workbook
    assert date(2015, 6, 30) in [c.date() if hasattr(c, "date") else c for c in workbook]


def test_printing_a_number_marks_it_printed(session, office, visits) -> None:  # noqa: ANN001
    assert visits.number_printed_at is None
    documents.archive_items_pdf(session, office.keeper, visits.id)
    session.expire_all()
    printed = session.get(ArchiveVolume, visits.id)
    assert printed.number_printed_at is not None and printed.version == 1


def test_remarks_carry_the_description_signatures_and_later_notes(
    session,
    office,
    visits,  # noqa: ANN001
) -> None:
    archive_items.add_note(session, office.keeper, visits.id, "缺损", "第 5 页右下角破损，已修补。")
    content = documents.archive_remarks_pdf(session, office.keeper, visits.id)
    text = flat(content)
    assert text.startswith("卷内备考表") and pages(content) == 1
    assert "卷内文件（件）3页数（页）20份数（份）3" in text
    assert "本卷收录2015年客户走访工作文件3件，第2件为复印件。" in text
    assert "立卷人：钱程" in text and "检查人：孙丽" in text and "立卷时间：2016-01-08" in text
    assert re.search(r"\d{4}-\d\d-\d\d\d\d:\d\d缺损第5页右下角破损，已修补。孙丽", text)


def test_a_confidential_volume_carries_its_mark_and_is_logged(
    session,
    office,
    secret,
    visits,  # noqa: ANN001
) -> None:
    content = documents.archive_items_pdf(session, office.keeper, secret.id)
    first_lines = pdf_text(content).splitlines()[:3]
    assert "机密" in first_lines  # the stamp at the top of the page
    logged = session.scalars(select(ArchiveAccess).where(ArchiveAccess.volume_id == secret.id))
    assert [(row.act, row.user_name, row.detail) for row in logged] == [
        ("打印", "孙丽", "卷内文件目录")
    ]
    # an ordinary volume's print is not in the access log
    documents.archive_items_pdf(session, office.keeper, visits.id)
    assert (
        session.scalar(
            select(func.count())
            .select_from(ArchiveAccess)
            .where(ArchiveAccess.volume_id == visits.id)
        )
        == 0
    )


def test_someone_without_clearance_gets_no_copy(session, office, secret) -> None:  # noqa: ANN001
    with pytest.raises(PermissionDenied, match="机密档案"):
        documents.archive_items_pdf(session, office.clerk, secret.id)
    assert session.scalar(select(func.count()).select_from(ArchiveAccess)) == 0
    assert session.get(ArchiveVolume, secret.id).number_printed_at is None


def _many(session: Session, actor: User, count: int) -> None:
    departments = [(d.id, d.code) for d in session.scalars(select(Department))]
    defaults = {c.code: c.default_period_code for c in archive_settings.categories(session, False)}
    customers = list(session.execute(select(Customer.id, Customer.name)).all())
    specs = demo_archives.demo_specs(
        random.Random(7), count, departments, customers, [], defaults, date(2026, 11, 1)
    )
    demo_archives.insert_volumes(session, actor, specs)
    session.commit()


def test_catalogue_runs_over_many_pages(session, office, visits, secret) -> None:  # noqa: ANN001
    _many(session, office.keeper, 150)
    visible = session.scalar(
        select(func.count())
        .select_from(ArchiveVolume)
        .where(ArchiveVolume.secrecy.not_in(("机密", "绝密")))
    )
    numbers = list(session.scalars(select(ArchiveVolume.number).order_by(ArchiveVolume.number)))
    content = documents.archive_catalogue(session, office.keeper, True)
    text = flat(content)
    assert pages(content) >= 6
    covers = text.count("起止档号")  # a cover per 保管期限 (test_archive_catalogue.py)
    assert covers >= 2
    assert text.count("序号档号题名年度保管期限密级页数份数存放位置备注") == pages(content) - covers
    assert numbers[0] in text and numbers[-1] in text and secret.number in text
    assert sum(map(int, re.findall(r"案卷（卷）(\d+)", text))) == len(numbers)
    # the booklet holding the 机密 volume carries the highest mark among its volumes
    booklet = next(p for p in pdf_text(content).split("起止档号") if secret.number in p)
    assert {line.strip("\f") for line in booklet.splitlines()} & {"机密", "绝密"}
    # one department's volumes
    department = flat(
        documents.archive_catalogue(session, office.keeper, True, {"department_id": office.yxb})
    )
    assert secret.number in department and "范围：责任部门市场营销部" in department
    with pytest.raises(PermissionDenied):
        documents.archive_catalogue(session, office.head, True)  # no print right
    clerk_copy = flat(documents.archive_catalogue(session, office.clerk, True))
    assert secret.number not in clerk_copy and not clerk_copy.startswith("机密")
    assert visits.number in clerk_copy and visible > 0


def test_catalogue_of_one_year_as_a_workbook(session, office, visits, secret) -> None:  # noqa: ANN001
    file(session, office.keeper, office, title="2016年客户走访工作文件", year=2016)
    workbook = cells(documents.archive_catalogue(session, office.keeper, False, {"year": 2015}))
    assert "案卷目录" in workbook and "范围：" in workbook and "2015 年度" in workbook
    assert "机密" in workbook
    assert visits.number in workbook and secret.number in workbook
    assert "2016年客户走访工作文件" not in workbook
    assert "定期10年" in workbook and 20 in workbook


def test_due_list_as_of_a_day(session, office, visits) -> None:  # noqa: ANN001
    later = file(session, office.keeper, office, title="2016年客户走访工作文件", year=2016)
    on_the_day = flat(documents.archive_due(session, office.keeper, date(2026, 1, 1), True))
    assert on_the_day.startswith("到期鉴定清单") and "截至日期：2026-01-01" in on_the_day
    assert visits.number in on_the_day and later.number not in on_the_day
    assert "鉴定意见" in on_the_day and "鉴定人：" in on_the_day
    day_before = flat(documents.archive_due(session, office.keeper, date(2025, 12, 31), True))
    assert visits.number not in day_before and "到期案卷（卷）0" in day_before
    workbook = cells(documents.archive_due(session, office.keeper, date(2027, 1, 1), False))
    assert visits.number in workbook and later.number in workbook


def _word_boxes(content: bytes) -> list[tuple[str, float, float]]:
    """(word, x, y) of every word on the first page, in points from the top left."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", "-", "-"],
        input=content, capture_output=True, check=True,
    ).stdout.decode("utf-8")  # fmt: skip
    return [
        (word, float(x), float(y))
        for x, y, word in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]+)<', html)
    ]


def test_labels_are_drawn_at_their_real_size(session, office, visits, secret) -> None:  # noqa: ANN001
    content = documents.archive_labels_pdf(session, office.keeper, [visits.id, secret.id])
    assert pages(content) == 2  # one sheet of spines, one of 归档章
    text = pdf_text(content)
    assert visits.number in text and secret.number in text
    spines = [(x, y) for word, x, y in _word_boxes(content) if word == "年度"]
    assert len(spines) == 2
    # the second spine sits one label width and one gap to the right of the first
    assert spines[1][0] - spines[0][0] == pytest.approx((SPINE_SHEET.width_mm + 5.0) * MM, abs=0.5)
    assert spines[0][0] == pytest.approx((SPINE_SHEET.left_mm + 1.2) * MM, abs=0.5)
    # the stamp sheet: 3 × 2 cells of 16 × 8 mm
    assert (STAMP_SHEET.width_mm, STAMP_SHEET.height_mm) == (48.0, 16.0)
    stamp_page = text.split("\f")[1]
    assert "全宗号" in stamp_page and "Z001" in stamp_page and "0001" in stamp_page
    assert "机密" in text.split("\f")[0].splitlines()[:2]  # the sheet holds a 机密 spine
    for sheet in (SPINE_SHEET, STAMP_SHEET):
        right, bottom = sheet.origin_mm(sheet.per_page - 1)
        assert sheet.left_mm >= 10 and right + sheet.width_mm <= 200
        assert sheet.top_mm >= 10 and bottom + sheet.height_mm <= 287
    logged = session.scalars(select(ArchiveAccess.volume_id).where(ArchiveAccess.act == "打印"))
    assert list(logged) == [secret.id]
    session.expire_all()
    assert session.get(ArchiveVolume, visits.id).number_printed_at is not None
