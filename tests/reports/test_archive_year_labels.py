"""A year's labels as the archive keeper prints them (`report labels YEAR`): the 档号章 of
every volume of the 年度 and one spine per 档案盒 — read back with pdftotext, measured on
the page, and (where zbar is installed) their QR codes scanned."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_crm import documents
from desktop_crm.models import ArchiveAccess, ArchiveVolume, AuditEntry, User
from desktop_crm.reports.forms.archive_labels import (
    BOX_QR_MM,
    BOX_ROWS,
    BOX_SPINE_SHEET,
    NUMBER_STAMP_SHEET,
    SPINE_SECRECY_MM,
)
from desktop_crm.services import archives
from desktop_crm.services.errors import ValidationError
from tests.pdf_text import pdf_text
from tests.services.archive_office import ArchiveOffice, file, make_office

MM = 72 / 25.4
A4_WIDTH, A4_HEIGHT = 210 * MM, 297 * MM


def flat(text: str) -> str:
    return "".join(text.split())


def boxed(session: Session, actor: User, volume: ArchiveVolume, box_no: int) -> ArchiveVolume:
    return archives.update_volume(session, actor, volume.id, {"box_no": box_no})


@pytest.fixture
def office(session: Session, admin: User) -> ArchiveOffice:
    return make_office(session, admin)


@pytest.fixture
def shelf(session: Session, office: ArchiveOffice) -> dict[str, ArchiveVolume]:
    """2015, 文书 kept 10 years by 市场营销部: 0001 and 0002 in box 1, 0003 in no box; a
    质检部 volume in its own box 1; and a 2016 volume that is not printed with 2015."""
    keeper = office.keeper
    made = {
        "first": file(session, keeper, office, title="2015年客户走访记录", year=2015, pages=45),
        "second": file(session, keeper, office, title="2015年营销会议纪要", year=2015, pages=12),
        "loose": file(session, keeper, office, title="2015年客户来函", year=2015, pages=7),
        "quality": file(
            session, keeper, office, title="2015年质量检验报告", year=2015, pages=30,
            department_id=office.zjb,
        ),
        "later": file(session, keeper, office, title="2016年客户走访记录", year=2016, pages=9),
    }  # fmt: skip
    for key in ("first", "second", "quality"):
        boxed(session, keeper, made[key], 1)
    boxed(session, keeper, made["later"], 1)
    return made


def test_the_stamps_show_the_fields_of_every_volume_of_the_year(session, office, shelf) -> None:  # noqa: ANN001
    content = documents.archive_labels_for_year(session, office.keeper, 2015, ("stamp",))
    text = pdf_text(content)
    assert text.count("\f") == 1  # one sheet of 档号章
    page = flat(text)
    # each stamp: 全宗号 年度 案卷号 / 机构 保管期限 页数, in the order they are drawn
    for volume, org in (
        (shelf["first"], "市场营销部"), (shelf["second"], "市场营销部"),
        (shelf["loose"], "市场营销部"), (shelf["quality"], "质检部"),
    ):  # fmt: skip
        case_no = volume.number.rsplit("-", 1)[1]
        stamp = f"全宗号Z001年度2015案卷号{case_no}机构{org}保管期限定期10年页数{volume.pages}"
        assert stamp in page
    assert page.count("全宗号") == 4  # the 2016 volume has no stamp here
    assert "2016" not in page


def test_volumes_in_one_box_share_a_spine_with_their_first_and_last_number(
    session,
    office,
    shelf,  # noqa: ANN001
) -> None:
    first, second, loose = shelf["first"], shelf["second"], shelf["loose"]
    data = documents.archive_year_labels_data(session, office.keeper, 2015)
    boxes = [(b["first"], b["last"], b["box_no"], b["count"]) for b in data["boxes"]]
    assert boxes == [
        (first.number, second.number, 1, 2),  # 市场营销部's box 1
        (loose.number, loose.number, None, 1),  # no 盒号: a spine of its own
        (shelf["quality"].number, shelf["quality"].number, 1, 1),  # 质检部's box 1
    ]
    content = documents.archive_labels_for_year(session, office.keeper, 2015, ("spine",))
    text = pdf_text(content)
    assert text.count("\f") == 1
    page = flat(text)
    assert page.count("起止档号") == 3
    assert (
        f"全宗号Z001年度2015保管期限定期10年起止档号{first.number}至{second.number}盒号1共2卷"
        in page
    )
    # the loose volume: its 档号 alone, the 盒号 left blank
    assert f"起止档号{loose.number}盒号共1卷" in page


def test_a_box_holds_one_period_category_and_department(session, office) -> None:  # noqa: ANN001
    keeper = office.keeper
    ten = file(session, keeper, office, title="十年卷", year=2015)
    thirty = file(session, keeper, office, title="三十年卷", year=2015, period_code="D30")
    customer = file(session, keeper, office, title="客户卷", year=2015, category_code="客户档案")
    for volume in (ten, thirty, customer):
        boxed(session, keeper, volume, 5)
    data = documents.archive_year_labels_data(session, keeper, 2015)
    assert sorted((b["first"], b["box_no"]) for b in data["boxes"]) == sorted(
        (v.number, 5) for v in (ten, thirty, customer)
    )


def test_a_year_without_volumes_is_refused_and_leaves_no_trace(session, office, shelf) -> None:  # noqa: ANN001
    audit_before = session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(ValidationError, match="该年度没有案卷") as refused:
        documents.archive_labels_for_year(session, office.keeper, 2014)
    assert "2014 年度" in str(refused.value)
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before
    with pytest.raises(ValidationError, match="标签种类"):
        documents.archive_labels_for_year(session, office.keeper, 2015, ("box",))


def test_the_labels_follow_the_print_reach_and_log_a_secret(session, office, shelf) -> None:  # noqa: ANN001
    secret = file(
        session, office.keeper, office, title="2015年价格调整方案", year=2015, secrecy="机密",
        pages=6,
    )  # fmt: skip
    boxed(session, office.keeper, secret, 1)
    # the 部门档案员 of 市场营销部 (not cleared): their department's volumes, no 机密
    mine = documents.archive_year_labels_data(session, office.clerk, 2015)
    assert [s["number"] for s in mine["stamps"]] == [
        shelf["first"].number, shelf["second"].number, shelf["loose"].number,
    ]  # fmt: skip
    # the keeper: the 机密 volume shares box 1 and gives the box its 密级
    content = documents.archive_labels_for_year(session, office.keeper, 2015)
    text = pdf_text(content)
    assert text.count("\f") == 2  # a sheet of 档号章, a sheet of spines
    stamps, spines = text.split("\f")[:2]
    assert "机密" in stamps.splitlines()[:2] and "机密" in spines.splitlines()[:2]
    assert f"{shelf['first'].number}至{secret.number}" in flat(spines)
    logged = session.scalars(select(ArchiveAccess).where(ArchiveAccess.act == "打印")).all()
    assert [(a.volume_id, a.user_name) for a in logged] == [(secret.id, "孙丽")]
    session.expire_all()
    printed = session.scalars(
        select(ArchiveVolume.number).where(ArchiveVolume.number_printed_at.is_not(None))
    ).all()
    assert shelf["later"].number not in printed and secret.number in printed
    assert len(printed) == 5
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.detail == "档号章、档案盒盒脊标签（2015 年度，5 卷，3 盒）"


def _word_boxes(content: bytes, page: int) -> list[tuple[str, float, float, float, float]]:
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), "-", "-"],
        input=content, capture_output=True, check=True,
    ).stdout.decode("utf-8")  # fmt: skip
    pattern = r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<'
    return [
        (word, float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, word in re.findall(pattern, html)
    ]


def test_the_labels_fit_their_boxes_on_a4(session, office) -> None:  # noqa: ANN001
    keeper = office.keeper
    volumes = [
        file(session, keeper, office, title=f"2015年第{n}卷", year=2015, pages=n, secrecy=level)
        for n, level in zip(range(1, 40), ["机密"] + ["内部"] * 38, strict=True)
    ]
    for n, volume in enumerate(volumes):
        boxed(session, keeper, volume, n // 4 + 1)  # four to a box: ten boxes
    content = documents.archive_labels_for_year(session, keeper, 2015)
    text = pdf_text(content)
    assert text.count("\f") == 4  # 39 stamps: 36 + 3; 10 spines: 8 + 2
    for sheet in (NUMBER_STAMP_SHEET, BOX_SPINE_SHEET):
        right, bottom = sheet.origin_mm(sheet.per_page - 1)
        assert sheet.left_mm >= 10 and right + sheet.width_mm <= 200
        assert sheet.top_mm >= 10 and bottom + sheet.height_mm <= 287
    # the spine's bands leave room for the 盒号 even under a 密级 band
    fixed = sum(r.height_mm or 0 for r in BOX_ROWS)
    assert BOX_SPINE_SHEET.height_mm - SPINE_SECRECY_MM - fixed - BOX_QR_MM >= 20
    # every word of a full sheet of stamps lies inside one stamp
    stamps = [
        (x * MM, y * MM)
        for x, y in (NUMBER_STAMP_SHEET.origin_mm(i) for i in range(NUMBER_STAMP_SHEET.per_page))
    ]
    width, height = NUMBER_STAMP_SHEET.width_mm * MM, NUMBER_STAMP_SHEET.height_mm * MM
    words = [w for w in _word_boxes(content, 1) if w[0] not in ("机密", "机", "密")]  # the mark
    assert len(words) == 36 * 12
    for word, x0, y0, x1, y1 in words:
        assert any(
            left <= x0 and x1 <= left + width and top <= y0 and y1 <= top + height
            for left, top in stamps
        ), word
    # and every word of a spine inside its spine, the long 档号 too
    spines = [BOX_SPINE_SHEET.origin_mm(i) for i in range(BOX_SPINE_SHEET.per_page)]
    width, height = BOX_SPINE_SHEET.width_mm * MM, BOX_SPINE_SHEET.height_mm * MM
    for word, x0, y0, x1, y1 in _word_boxes(content, 3):
        if word in ("机", "密") or (word == "机密" and y0 < 15 * MM):
            continue  # the sheet's mark and its watermark
        assert any(
            left * MM <= x0 and x1 <= left * MM + width and top * MM <= y0
            and y1 <= top * MM + height
            for left, top in spines
        ), word  # fmt: skip


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools not installed")
def test_the_qr_codes_scan_to_the_numbers(session, office, shelf, tmp_path: Path) -> None:  # noqa: ANN001
    content = documents.archive_labels_for_year(session, office.keeper, 2015)
    pdf = tmp_path / "labels.pdf"
    pdf.write_bytes(content)
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(pdf), str(tmp_path / "p")], check=True)
    found = set()
    for image in sorted(tmp_path.glob("p-*.png")):
        scanned = subprocess.run(
            ["zbarimg", "-q", "--raw", str(image)], capture_output=True, check=False
        ).stdout.decode("utf-8")
        found |= set(scanned.split())
    first, second, loose, quality = (shelf[k].number for k in ("first", "second", "loose",
                                                                "quality"))  # fmt: skip
    assert found == {first, second, loose, quality, f"{first}—{second}"}
