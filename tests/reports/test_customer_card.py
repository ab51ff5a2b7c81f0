"""客户资料管理卡 as PDF and XLSX: what a user would check in the printout and the sheet."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from desktop_crm.reports.forms.customer_card import CUSTOMER_CARD
from desktop_crm.reports.pdf_render import render_pdf
from desktop_crm.reports.xlsx_render import render_xlsx

from .card_data import card_data

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

needs_poppler = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdfinfo")),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo) not installed",
)


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
        encoding="utf-8",
    ).stdout


@pytest.fixture
def card_pdf(tmp_path: Path) -> Path:
    target = tmp_path / "card.pdf"
    render_pdf(CUSTOMER_CARD, card_data(contacts=15), target)
    return target


@needs_poppler
def test_pdf_shows_name_labels_mark_and_page_numbers(card_pdf: Path) -> None:
    text = _pdf_text(card_pdf)
    compact = "".join(text.split())
    assert "客户资料管理卡" in text
    assert "陕西秦岭建设集团商品混凝土有限公司" in compact
    for label in ("客户名称", "统一社会信用代码", "经营内容", "客户类别", "信用等级", "客户经理"):
        assert label in compact
    for caption in ("一、基本信息", "四、联系人", "七、投诉与回访"):
        assert caption in compact
    assert "内部资料" in text
    assert "第2页" in compact  # pdftotext -layout may drop the spaces of 第 2 页
    assert "KH000123" in text
    assert "2021-03-15 09:30" in text  # datetime formatted once, in layout.format_value
    assert "=1+1" in text
    assert "30275175.00" in text and "32203500" in text  # Decimal without exponent


@needs_poppler
def test_pdf_embeds_the_cjk_font(card_pdf: Path) -> None:
    listing = subprocess.run(
        ["pdffonts", str(card_pdf)], check=True, capture_output=True, text=True
    ).stdout
    fonts = listing.splitlines()[2:]
    assert fonts, listing
    for line in fonts:
        # columns: name type encoding emb sub uni object ID
        assert line.split()[-5] == "yes", f"font not embedded: {line}"
    assert "STSong" not in listing
    info = subprocess.run(
        ["pdfinfo", str(card_pdf)], check=True, capture_output=True, text=True
    ).stdout
    assert "客户资料管理卡 — 陕西秦岭建设集团商品混凝土有限公司" in info  # metadata title
    assert "Page size:       595.276 x 841.89 pts (A4)" in info


@needs_poppler
def test_pdf_long_text_wraps_and_whole_600_chars_print(card_pdf: Path) -> None:
    compact = "".join(_pdf_text(card_pdf).split())
    scope = card_data()["business_scope"]
    assert scope[-30:] in compact  # the end of the 600 characters is not cut off


@needs_poppler
def test_pdf_without_mark_and_to_a_stream(tmp_path: Path) -> None:
    data = card_data(contacts=2, complaints=True) | {"internal_mark": False}
    buffer = io.BytesIO()
    render_pdf(CUSTOMER_CARD, data, buffer)
    assert buffer.getvalue().startswith(b"%PDF")
    target = tmp_path / "plain.pdf"
    target.write_bytes(buffer.getvalue())
    text = _pdf_text(target)
    assert "内部资料" not in text
    assert "TS2026-0042" in text
    assert "第1页共" in "".join(text.split())


def test_xlsx_reads_back_with_real_types(tmp_path: Path) -> None:
    target = tmp_path / "card.xlsx"
    render_xlsx(CUSTOMER_CARD, card_data(contacts=15), target)
    ws = openpyxl.load_workbook(target).active
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}

    name = cells["陕西秦岭建设集团商品混凝土有限公司"]
    assert name.data_type == "s"
    label = ws.cell(row=name.row, column=1)
    assert label.value == "客户名称"

    first_contact = next(
        c for c in ws[cells["首次接触日期"].row] if isinstance(c.value, dt.datetime)
    )
    assert first_contact.value == dt.datetime(2021, 3, 10)
    assert first_contact.number_format == "yyyy-mm-dd"

    amount = next(c for row in ws.iter_rows() for c in row if c.value == 30275175)
    assert amount.data_type == "n"

    for text in ("=1+1", "+银行承兑汇票（六个月）", "@西安恒通建材经销部"):
        assert cells[text].data_type == "s", text
    assert "内部资料" in cells
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.page_setup.fitToWidth == 1


def test_xlsx_formula_like_text_is_stored_as_a_string(tmp_path: Path) -> None:
    target = tmp_path / "card.xlsx"
    render_xlsx(CUSTOMER_CARD, card_data(contacts=1), target)
    with zipfile.ZipFile(target) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet  # no formula anywhere in the sheet
    index = sheet.index("=1+1")
    cell_start = sheet.rindex("<c ", 0, index)
    assert 't="inlineStr"' in sheet[cell_start:index] or 't="s"' in sheet[cell_start:index]


def test_xlsx_empty_complaints_print_blank_rows(tmp_path: Path) -> None:
    target = tmp_path / "card.xlsx"
    render_xlsx(CUSTOMER_CARD, card_data(contacts=1, complaints=False), target)
    ws = openpyxl.load_workbook(target).active
    header = next(c for row in ws.iter_rows() for c in row if c.value == "投诉编号")
    following = [ws.cell(row=header.row + n, column=header.column) for n in (1, 2, 3)]
    assert all(c.value is None for c in following)
    assert all(c.border.bottom.style == "thin" for c in following)
