"""Font lookup and the shared value formatting and placement rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from desktop_crm.reports import fonts
from desktop_crm.reports.layout import Field, FieldGrid, chinese_ordinal, format_value


def test_font_not_found_says_so_in_chinese(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(fonts, "system_font_candidates", lambda: [])
    bogus = tmp_path / "没有这个字体.ttf"
    with pytest.raises(fonts.FontNotFoundError) as raised:
        fonts.register_cjk_font(str(bogus))
    message = str(raised.value)
    assert "找不到可用于打印的中文字体" in message
    assert "设置" in message
    assert "宋体" in message and "文泉驿微米黑" in message
    assert str(bogus) in message


def test_a_file_that_is_no_truetype_font_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(fonts, "system_font_candidates", lambda: [])
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font at all")
    with pytest.raises(fonts.FontNotFoundError, match="不能使用"):
        fonts.register_cjk_font(str(broken))


def test_registered_font_is_cached_and_reports_missing_glyphs() -> None:
    try:
        name = fonts.register_cjk_font()
    except fonts.FontNotFoundError:
        pytest.skip("no CJK font on this machine")
    assert fonts.register_cjk_font() == name
    assert fonts.missing_glyphs("客户资料管理卡 KH000123·", name) == set()
    # U+1F9F1 (brick emoji) is in no CJK font we use
    assert fonts.missing_glyphs("水泥\U0001f9f1", name) == {"\U0001f9f1"}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "是"),
        (False, "否"),
        (dt.date(2026, 11, 26), "2026-11-26"),
        (dt.datetime(2026, 11, 26, 14, 5, 33), "2026-11-26 14:05"),
        (Decimal("3.2203500E+7"), "32203500"),
        (Decimal("1E-7"), "0.0000001"),
        (Decimal("86500.500"), "86500.500"),
        (2024, "2024"),
        ("=1+1", "=1+1"),
    ],
)
def test_format_value(value: object, text: str) -> None:
    assert format_value(value) == text


def test_field_grid_stretches_the_last_field_of_a_short_row() -> None:
    grid = FieldGrid(
        None,
        (Field("a", "甲"), Field("b", "乙", span=2), Field("c", "丙"), Field("d", "丁")),
        columns=2,
    )
    rows = grid.placed_rows()
    assert [[p.field.key for p in row] for row in rows] == [["a"], ["b"], ["c", "d"]]
    assert rows[0][0].value_last == 3  # 甲 runs to the right edge instead of leaving a hole
    assert (rows[1][0].value_first, rows[1][0].value_last) == (1, 3)


def test_chinese_ordinal() -> None:
    assert [chinese_ordinal(n) for n in (1, 7, 10, 12, 20, 21)] == [
        "一",
        "七",
        "十",
        "十二",
        "二十",
        "二十一",
    ]


def test_a_bad_configured_font_falls_back_to_a_system_font(tmp_path: Path) -> None:
    if not fonts.system_font_candidates():
        pytest.skip("no CJK font on this machine")
    name = fonts.register_cjk_font(str(tmp_path / "missing.ttf"))
    assert fonts.missing_glyphs("客户", name) == set()
