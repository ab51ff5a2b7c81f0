"""案卷目录 (归档文件目录, DOMAIN §6 item 9): the volumes of a filter or selection, a row per
volume in 档号 order — 档号, 题名, 年度, 保管期限, 密级, 页数, 份数, 存放位置, 备注.

The data mapping comes from documents.archive_catalogue_data: ``rows`` (one dict per
volume), the cover's 全宗号 / 全宗名称, what was selected (``scope_text``), the totals and
``secrecy_mark`` (the highest 密级 of the rows when it is 机密 or 绝密: the copy then carries
that mark, see :func:`marked_as`).
"""

from __future__ import annotations

from dataclasses import replace

from ..layout import (
    Column,
    Field,
    FieldGrid,
    FormLayout,
    SignatureBlock,
    SignatureLine,
    TableBlock,
)

#: data key whose truth puts the 密级 mark on every page (the text is the level itself).
SECRECY_MARK_KEY = "secrecy_mark"

ARCHIVE_CATALOGUE = FormLayout(
    title="案卷目录",
    landscape=True,  # many columns: 题名 and 档号 read on one line
    sheet_name="案卷目录",
    subject_key="scope_text",
    number_line=(
        Field("fonds_code", "全宗号"),
        Field("fonds_name", "全宗名称"),
        Field("scope_text", "范围"),
    ),
    footer_fields=(Field("made_by", "制表人"), Field("made_at", "制表时间")),
    mark_key=SECRECY_MARK_KEY,
    number_sections=False,
    blocks=(
        TableBlock(
            None,
            "rows",
            (
                Column("number", "档号", 4.45),
                Column("title", "题名", 4.0),
                Column("year", "年度", 1.0, "center"),
                Column("period", "保管期限", 1.6, "center"),
                Column("secrecy", "密级", 1.0, "center"),
                Column("pages", "页数", 0.95, "right"),
                Column("copies", "份数", 0.95, "right"),
                Column("location", "存放位置", 3.4),
                Column("remarks", "备注", 1.15),
            ),
            blank_rows=10,
            numbered=True,
        ),
        FieldGrid(
            "合计",
            (
                Field("volume_count", "案卷（卷）"),
                Field("page_total", "页数（页）"),
                Field("copy_total", "份数（份）"),
            ),
            columns=3,
        ),
        SignatureBlock(
            (SignatureLine("制表人", "made_by"), SignatureLine("检查人"), SignatureLine("日期"))
        ),
    ),
)


def marked_as(layout: FormLayout, level: str | None) -> FormLayout:
    """The layout whose mark reads `level` (机密, 绝密) instead of 内部资料."""
    return replace(layout, mark_text=level) if level else layout


__all__ = ["ARCHIVE_CATALOGUE", "SECRECY_MARK_KEY", "marked_as"]
