"""Line breaking of table cells: Chinese breaks anywhere, punctuation never starts a line,
Latin words and numbers stay whole, nothing is lost."""

from __future__ import annotations

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop_crm.reports.cjk_text import NO_LINE_START, break_lines
from desktop_crm.reports.fonts import register_cjk_font

SIZE = 9.0


@pytest.fixture(scope="module")
def font() -> str:
    return register_cjk_font()


def _joined(lines: list[str]) -> str:
    return "".join(lines).replace(" ", "")


def test_chinese_fills_each_line_and_keeps_every_character(font: str) -> None:
    text = "客户来电询问发货进度，业务员态度生硬，未给答复。要求更换对接人员并书面道歉。" * 3
    width = 20 * SIZE
    lines = break_lines(text, width, font, SIZE)
    assert len(lines) > 3
    assert _joined(lines) == text.replace(" ", "")
    for line in lines:
        # a closing mark may hang past the edge, nothing else
        body = line[:-1] if line and line[-1] in NO_LINE_START else line
        assert stringWidth(body, font, SIZE) <= width + 0.01
    assert not any(line[0] in NO_LINE_START for line in lines if line)


def test_latin_words_and_numbers_are_not_cut(font: str) -> None:
    text = "到货 P·O 42.5 普通硅酸盐水泥 TS2026-0015 批号 20261125-A 共 804 袋"
    lines = break_lines(text, 12 * SIZE, font, SIZE)
    joined = " ".join(lines)
    for token in ("TS2026-0015", "20261125-A", "42.5", "804"):
        assert token in joined, (token, lines)
    assert all(not line.startswith(" ") for line in lines)


def test_explicit_line_breaks_are_kept(font: str) -> None:
    assert break_lines("已上报\n逾期", 100 * SIZE, font, SIZE) == ["已上报", "逾期"]


def test_a_token_longer_than_the_line_is_cut_by_character(font: str) -> None:
    token = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    lines = break_lines(token, 8 * SIZE, font, SIZE)
    assert len(lines) > 1
    assert "".join(lines) == token
