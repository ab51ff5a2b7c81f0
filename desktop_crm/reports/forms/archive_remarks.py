"""卷内备考表 (DOMAIN §5, §6 item 9): at the back of one volume — 卷内文件数, 页数, 本卷情况
说明, the 立卷人 / 检查人 / 立卷时间 lines, and the notes the archivist added later (缺损,
补充, 移出, 销毁) with who and when.

The data mapping comes from documents.archive_remarks_data: ``number``, ``title``,
``item_count``, ``pages``, ``description``, ``compiler``, ``checker``, ``compiled_on``,
``notes`` (rows: ``at``, ``kind``, ``text``, ``user``) and ``secrecy_mark``.
"""

from __future__ import annotations

from ..layout import (
    Column,
    Field,
    FieldGrid,
    FormLayout,
    SignatureBlock,
    SignatureLine,
    TableBlock,
    TextBlock,
)
from .archive_catalogue import SECRECY_MARK_KEY

ARCHIVE_REMARKS = FormLayout(
    title="卷内备考表",
    sheet_name="卷内备考表",
    subject_key="number",
    number_line=(Field("number", "档号"), Field("secrecy", "密级")),
    mark_key=SECRECY_MARK_KEY,
    number_sections=False,
    blocks=(
        FieldGrid(
            None,
            (
                Field("title", "案卷题名", span=3),
                Field("item_count", "卷内文件（件）"),
                Field("pages", "页数（页）"),
                Field("copies", "份数（份）"),
            ),
            columns=3,
            label_width_mm=28.0,
        ),
        TextBlock(None, "description", "本卷情况说明", min_height_mm=60.0),
        SignatureBlock(
            (
                SignatureLine("立卷人", "compiler"),
                SignatureLine("检查人", "checker"),
                SignatureLine("立卷时间", "compiled_on"),
            )
        ),
        TableBlock(
            "补充说明",
            "notes",
            (
                Column("at", "时间", 1.6, "center"),
                Column("kind", "类别", 0.8, "center"),
                Column("text", "情况说明", 5.0),
                Column("user", "记录人", 1.0, "center"),
            ),
            blank_rows=4,
        ),
    ),
)

__all__ = ["ARCHIVE_REMARKS"]
