"""Plain wrapped text for table cells, broken into lines the way Chinese is set.

A reportlab ``Paragraph(wordWrap='CJK')`` parses markup and measures every character
through its fragment machinery; a 240-page weekly register spent most of its eight seconds
there. A cell holds plain text in one font, so this flowable measures characters from a
cache and draws each line with one call.
"""

from __future__ import annotations

import functools
import re

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from .layout import Align

# Closing punctuation never starts a line (禁则): it hangs at the end of the line before.
NO_LINE_START = frozenset("，。、；：？！）》」』”’】〕…%,.;:?!)]}·")
# A run of Latin letters, digits and their joiners is kept whole when it fits on a line.
_TOKENS = re.compile(r"[A-Za-z0-9_\-./@#&+=:%]+|\s+|.", re.DOTALL)


@functools.lru_cache(maxsize=65536)
def _width(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size)


def break_lines(text: str, width: float, font: str, size: float) -> list[str]:
    """`text` as lines no wider than `width` (a single over-wide token is cut by
    character); explicit line breaks are kept, spaces at a break are dropped."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += _break_paragraph(paragraph, width, font, size)
    return lines


def _break_paragraph(text: str, width: float, font: str, size: float) -> list[str]:
    lines: list[str] = []
    line, used = "", 0.0
    for token in _TOKENS.findall(text):
        token_width = _width(token, font, size)
        if used + token_width <= width or token in NO_LINE_START:
            line, used = line + token, used + token_width
            continue
        if token.isspace():
            lines.append(line)
            line, used = "", 0.0
            continue
        if line:
            lines.append(line.rstrip())
            line, used = "", 0.0
        if token_width <= width:
            line, used = token, token_width
            continue
        for char in token:  # longer than a whole line: cut it
            char_width = _width(char, font, size)
            if used + char_width > width and line:
                lines.append(line)
                line, used = "", 0.0
            line, used = line + char, used + char_width
    lines.append(line.rstrip())
    return lines


class CjkText(Flowable):
    """Text wrapped to the available width, drawn left, centred or right in one font."""

    def __init__(self, text: str, font: str, size: float, leading: float, align: Align) -> None:
        super().__init__()
        self.text, self.font, self.size, self.leading, self.align = (
            text,
            font,
            size,
            leading,
            align,
        )
        self.lines: list[str] = []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.lines = break_lines(self.text, avail_width, self.font, self.size)
        self.height = len(self.lines) * self.leading
        return avail_width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFont(self.font, self.size)
        # the first baseline sits where a Paragraph of the same leading puts it
        y = self.height - self.size
        for line in self.lines:
            if self.align == "left":
                canvas.drawString(0, y, line)
            elif self.align == "center":
                canvas.drawCentredString(self.width / 2, y, line)
            else:
                canvas.drawRightString(self.width, y, line)
            y -= self.leading
