"""客户满意度调查问卷: the blank questionnaire handed out for a paper survey (DOMAIN §4, §6
item 5), one sheet per respondent with the customer's name filled in.

Input is plain data: :class:`QuestionnaireSurvey` (the survey's items, in order) and one
:class:`QuestionnaireSheet` per respondent. The form is :data:`QUESTIONNAIRE`, a
:class:`QuestionnaireLayout` — every text and measure of the paper in one place, so the
office's own form is one edit. Everything but the respondent's name, competitor and
numbers is the same on every sheet: it is drawn once per page as a PDF form XObject and
reused, so 500 sheets take well under a second.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ..fonts import missing_glyphs, register_cjk_font

log = logging.getLogger(__name__)

CREATOR = "客户服务管理系统"


# --------------------------------------------------------------------------- input data


@dataclass(frozen=True)
class QuestionnaireSurvey:
    """The survey the questionnaires belong to: its items in the questionnaire's order.

    ``company`` names us in the instruction (empty: 我公司); ``return_by`` is the date the
    sheet should be back by (omitted from the text when unknown).
    """

    number: str
    name: str
    items: Sequence[str]
    company: str = ""
    return_by: date | None = None


@dataclass(frozen=True)
class QuestionnaireSheet:
    """One respondent's sheet. Empty ``customer`` / ``competitor`` print as lines to write on;
    ``respondent_type`` (客户 or 经销商), when known, is ticked."""

    customer: str = ""
    code: str = ""
    competitor: str = ""
    respondent_type: str = ""


# --------------------------------------------------------------------------- the layout


@dataclass(frozen=True)
class QuestionnaireLayout:
    """Texts and measures (mm) of the questionnaire. ``{company}`` and ``{return_by}`` in
    the instruction are filled from the survey."""

    title: str = "客户满意度调查问卷"
    instruction: str = (
        "尊敬的客户：感谢您一直以来对{company}的支持。为了不断改进我们的产品和服务，"
        "请您对下列各项在相应的方框内打“√”（每项只选一格）；选择“不满意”或“很不满意”时，"
        "请在右栏写明原因。第二部分请对所列竞争对手的同类产品和服务作出评价。"
        "{return_by}谢谢您的合作！"
    )
    return_by_text: str = "请于 {date} 前将问卷寄回或交给我公司业务人员。"
    company_default: str = "我公司"
    customer_label: str = "客户名称"
    respondent_label: str = "填表人身份"
    respondent_types: tuple[str, ...] = ("客户", "经销商")
    levels: tuple[str, ...] = ("很满意", "满意", "基本满意", "不满意", "很不满意")
    our_caption: str = "一、对本公司产品和服务的评价"
    competitor_caption: str = "二、对竞争对手的评价"
    competitor_label: str = "竞争对手名称"
    item_title: str = "评价项目"
    reason_title: str = "不满意的原因"
    reason_hint: str = "（选“不满意”“很不满意”时填写）"
    competitor_note_title: str = "说明"
    competitor_note_hint: str = "（可不填）"
    feedback_caption: str = "三、意见和建议（反馈）"
    signature_labels: tuple[str, ...] = ("填表人（签字）", "联系电话", "日期")
    date_hint: str = "年　　月　　日"
    continued: str = "（续）"
    footer: str = "调查编号：{number}　客户编号：{code}"
    # measures in mm
    margin: float = 15.0
    title_size: float = 18.0
    text_size: float = 9.0
    caption_size: float = 10.5
    item_width: float = 42.0
    level_width: float = 15.0
    header_height: float = 10.0
    row_height: float = 8.0
    min_row_height: float = 6.0
    box_size: float = 3.6
    feedback_height: float = 32.0
    min_feedback_height: float = 16.0
    line_width: float = 0.5


QUESTIONNAIRE = QuestionnaireLayout()


# --------------------------------------------------------------------------- drawing

_CLOSING = set("，。；：、）》」”’！？")
_OPENING = set("（《「“‘")


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break CJK text into lines no wider than ``width``: closing punctuation stays on the
    line it closes, an opening bracket or quote goes to the line it opens."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for ch in paragraph:
            if line and ch not in _CLOSING and stringWidth(line + ch, font, size) > width:
                carried = ""
                while len(line) > 1 and line[-1] in _OPENING:
                    line, carried = line[:-1], line[-1] + carried
                lines.append(line)
                line = carried
            line += ch
        lines.append(line)
    return lines


@dataclass
class _Slots:
    """Where the per-sheet texts go on one page (points; ``None`` when not on the page)."""

    customer: tuple[float, float, float] | None = None  # x, y, width of the line
    respondent_boxes: dict[str, tuple[float, float]] = field(default_factory=dict)
    competitor: tuple[float, float, float] | None = None


# The sections of a sheet, top to bottom; with many items the second list starts a page.
FIRST_PAGE = ("head", "customer", "respondent_type", "our")
SECOND_PAGE = (
    "continued",
    "competitor_caption",
    "competitor_table",
    "feedback",
    "signature",
)
# After these the sheet's own text is written, so a PDF reader (and pdftotext) finds the
# customer's name right after 客户名称 and the competitor after 竞争对手名称.
FILLED_AFTER = {"customer": "customer", "continued": "customer", "competitor_caption": "competitor"}


class _Painter:
    """Draws the questionnaire's static pages for one survey and remembers the slots."""

    def __init__(self, layout: QuestionnaireLayout, survey: QuestionnaireSurvey, font: str):
        self.layout, self.survey, self.font = layout, survey, font
        self.left = layout.margin * mm
        self.width = A4[0] - 2 * layout.margin * mm
        self.top = A4[1] - layout.margin * mm
        self.bottom = layout.margin * mm + 4 * mm  # room for the footer line
        self.items = list(survey.items) or ["　"]
        self.instruction = _wrap(
            self._instruction_text(), font, layout.text_size, self.width - 4 * mm
        )
        self.row, self.feedback, self.pages = self._fit()

    # ----------------------------------------------------------------- measures
    def _instruction_text(self) -> str:
        lay, survey = self.layout, self.survey
        return_by = (
            lay.return_by_text.format(date=f"{survey.return_by:%Y-%m-%d}")
            if survey.return_by
            else ""
        )
        return lay.instruction.format(
            company=survey.company or lay.company_default, return_by=return_by
        )

    def _heights(self, row: float) -> dict[str, float]:
        lay = self.layout
        leading = lay.text_size * 1.45
        return {
            "head": (lay.title_size * 1.2 + 14) + len(self.instruction) * leading + 10,
            "respondent": 12 * mm,
            "our": 8 * mm + lay.header_height * mm + len(self.items) * row * mm,
            "competitor": 8 * mm + lay.header_height * mm + len(self.items) * row * mm,
            "feedback_caption": 8 * mm,
            "signature": 14 * mm,
        }

    def _fit(self) -> tuple[float, float, list[list[str]]]:
        """Row and feedback heights (mm) and the sections of each page: one page when the
        items fit at the smallest row height, else the competitor part starts a page."""
        lay = self.layout
        available = self.top - self.bottom
        n = len(self.items)
        fixed = sum(self._heights(0).values())
        for feedback in (lay.feedback_height, lay.min_feedback_height):
            room = available - fixed - feedback * mm
            row = min(lay.row_height, room / (2 * n) / mm) if room > 0 else 0
            if row >= lay.min_row_height:
                sections = [*FIRST_PAGE, *SECOND_PAGE[1:]]
                extra = room / mm - 2 * n * row  # spare height goes to the feedback box
                return row, feedback + max(0.0, extra), [sections]
        first, second = list(FIRST_PAGE), list(SECOND_PAGE)
        used = self._heights(lay.row_height)
        second_used = used["competitor"] + used["feedback_caption"] + used["signature"] + 12 * mm
        feedback = max(lay.min_feedback_height, (available - second_used) / mm)
        return lay.row_height, feedback, [first, second]

    # ----------------------------------------------------------------- primitives
    def text(self, c: Canvas, x: float, y: float, text: str, size: float | None = None) -> None:
        c.setFont(self.font, size or self.layout.text_size)
        c.drawString(x, y, text)

    def bold(self, c: Canvas, x: float, y: float, text: str, size: float, centre: bool = False):
        """Fill+stroke text: TrueType CJK fonts come without a bold face."""
        if centre:
            x -= stringWidth(text, self.font, size) / 2
        c.saveState()
        c.setLineWidth(size * 0.035)
        t = c.beginText(x, y)
        t.setFont(self.font, size)
        t.setTextRenderMode(2)
        t.textOut(text)
        c.drawText(t)
        c.restoreState()

    def box(self, c: Canvas, cx: float, cy: float) -> None:
        side = self.layout.box_size * mm
        c.rect(cx - side / 2, cy - side / 2, side, side, stroke=1, fill=0)

    def centred_lines(
        self, c: Canvas, cx: float, cy: float, lines: Sequence[tuple[str, float]]
    ) -> None:
        """Lines of (text, size) centred as a block on (cx, cy)."""
        total = sum(size * 1.25 for _text, size in lines)
        y = cy + total / 2
        for text, size in lines:
            y -= size * 1.25
            c.setFont(self.font, size)
            c.drawCentredString(cx, y + size * 0.25, text)

    # ----------------------------------------------------------------- sections
    def page(
        self, c: Canvas, sections: Sequence[str], name: str
    ) -> tuple[list[tuple[str, str | None]], _Slots]:
        """Draw one page's static content as form XObjects, split where a sheet's own text
        goes; returns [(form name, what to fill in after it)] and where that text goes."""
        slots = _Slots()
        plan: list[tuple[str, str | None]] = []
        y = self.top
        form = f"{name}-0"
        self._begin(c, form)
        for section in sections:
            y = getattr(self, f"_{section}")(c, y, slots)
            filled = FILLED_AFTER.get(section)
            if filled:
                c.endForm()
                plan.append((form, filled))
                form = f"{name}-{len(plan)}"
                self._begin(c, form)
        c.endForm()
        plan.append((form, None))
        return plan, slots

    def _begin(self, c: Canvas, form: str) -> None:
        c.beginForm(form)
        c.setLineWidth(self.layout.line_width)
        c.setStrokeColor(colors.black)
        c.setFillColor(colors.black)

    def _head(self, c: Canvas, y: float, slots: _Slots) -> float:
        lay = self.layout
        y -= lay.title_size
        self.bold(c, self.left + self.width / 2, y, lay.title, lay.title_size, centre=True)
        y -= 14
        c.setFont(self.font, 10)
        c.drawCentredString(self.left + self.width / 2, y, self.survey.name)
        y -= 8
        leading = lay.text_size * 1.45
        height = len(self.instruction) * leading + 6
        c.rect(self.left, y - height, self.width, height)
        for number, line in enumerate(self.instruction):
            self.text(c, self.left + 2 * mm, y - 3 - (number + 1) * leading + 3, line)
        return y - height - 4

    def _continued(self, c: Canvas, y: float, slots: _Slots) -> float:
        lay = self.layout
        y -= lay.caption_size + 4
        self.bold(c, self.left, y, lay.title + lay.continued, lay.caption_size)
        label = f"{lay.customer_label}："
        x = self.left + self.width * 0.45
        self.text(c, x, y, label)
        x += stringWidth(label, self.font, lay.text_size)
        c.line(x, y - 2, self.left + self.width, y - 2)
        slots.customer = (x, y, self.left + self.width - x)
        return y - 6 * mm

    def _customer(self, c: Canvas, y: float, slots: _Slots) -> float:
        """客户名称 and its line; returns the line's baseline (the respondent type follows
        on the same line)."""
        y -= 7 * mm
        label = f"{self.layout.customer_label}："
        self.text(c, self.left, y, label, 10)
        x = self.left + stringWidth(label, self.font, 10)
        end = self.left + self.width * 0.62
        c.line(x, y - 2, end, y - 2)
        slots.customer = (x, y, end - x)
        return y

    def _respondent_type(self, c: Canvas, y: float, slots: _Slots) -> float:
        lay = self.layout
        x = self.left + self.width * 0.62 + 4 * mm
        label = f"{lay.respondent_label}："
        self.text(c, x, y, label, 10)
        x += stringWidth(label, self.font, 10) + 2 * mm
        for kind in lay.respondent_types:
            self.box(c, x + lay.box_size * mm / 2, y + 3.5)
            slots.respondent_boxes[kind] = (x + lay.box_size * mm / 2, y + 3.5)
            x += lay.box_size * mm + 1.5 * mm
            self.text(c, x, y, kind, 10)
            x += stringWidth(kind, self.font, 10) + 5 * mm
        return y - 5 * mm

    def _caption(self, c: Canvas, y: float, caption: str) -> float:
        """A part's caption; returns its baseline."""
        y -= 6 * mm
        self.bold(c, self.left, y, caption, self.layout.caption_size)
        return y

    def _columns(self) -> list[float]:
        lay = self.layout
        rest = self.width - lay.item_width * mm - len(lay.levels) * lay.level_width * mm
        return [lay.item_width * mm] + [lay.level_width * mm] * len(lay.levels) + [rest]

    def _rating_table(self, c: Canvas, y: float, last: tuple[str, str]) -> float:
        """A header row and one row per item with a box per level, under a caption's
        baseline ``y``; returns the table's bottom."""
        lay = self.layout
        y -= 2 * mm
        widths = self._columns()
        edges = [self.left]
        for w in widths:
            edges.append(edges[-1] + w)
        header = lay.header_height * mm
        row = self.row * mm
        height = header + row * len(self.items)
        bottom = y - height
        c.setFillColor(colors.HexColor("#EFEFEF"))
        c.rect(self.left, y - header, self.width, header, stroke=0, fill=1)
        c.setFillColor(colors.black)
        c.setLineWidth(1.0)
        c.rect(self.left, bottom, self.width, height)
        c.setLineWidth(lay.line_width)
        for x in edges[1:-1]:
            c.line(x, y, x, bottom)
        for number in range(len(self.items) + 1):
            line_y = y - header - number * row
            c.line(self.left, line_y, self.left + self.width, line_y)
        heads = [[(lay.item_title, lay.text_size)]]
        heads += [[(level, lay.text_size)] for level in lay.levels]
        heads.append([(last[0], lay.text_size), (last[1], 6.5)])
        for number, lines in enumerate(heads):
            cx = (edges[number] + edges[number + 1]) / 2
            self.centred_lines(c, cx, y - header / 2, lines)
        for number, item in enumerate(self.items):
            cy = y - header - (number + 0.5) * row
            self._item_name(c, item, edges[0] + 2, cy, widths[0] - 4, row)
            for col in range(len(lay.levels)):
                self.box(c, (edges[col + 1] + edges[col + 2]) / 2, cy)
        return bottom

    def _item_name(self, c: Canvas, item: str, x: float, cy: float, width: float, row: float):
        size = self.layout.text_size
        lines = _wrap(item, self.font, size, width)
        while len(lines) * size * 1.15 > row - 2 and size > 6:
            size -= 0.5
            lines = _wrap(item, self.font, size, width)
        y = cy + len(lines) * size * 1.15 / 2
        c.setFont(self.font, size)
        for line in lines:
            y -= size * 1.15
            c.drawString(x, y + size * 0.22, line)

    def _our(self, c: Canvas, y: float, slots: _Slots) -> float:
        lay = self.layout
        y = self._caption(c, y, lay.our_caption)
        return self._rating_table(c, y, (lay.reason_title, lay.reason_hint))

    def _competitor_caption(self, c: Canvas, y: float, slots: _Slots) -> float:
        """The competitor part's caption and the line for the competitor's name."""
        lay = self.layout
        y = self._caption(c, y, lay.competitor_caption)
        x = self.left + stringWidth(lay.competitor_caption, self.font, lay.caption_size) + 8 * mm
        label = f"{lay.competitor_label}："
        self.text(c, x, y, label)
        x += stringWidth(label, self.font, lay.text_size)
        end = self.left + self.width * 0.8
        c.line(x, y - 2, end, y - 2)
        slots.competitor = (x, y, end - x)
        return y

    def _competitor_table(self, c: Canvas, y: float, slots: _Slots) -> float:
        lay = self.layout
        return self._rating_table(c, y, (lay.competitor_note_title, lay.competitor_note_hint))

    def _feedback(self, c: Canvas, y: float, slots: _Slots) -> float:
        lay = self.layout
        y -= 6 * mm
        self.bold(c, self.left, y, lay.feedback_caption, lay.caption_size)
        y -= 2 * mm
        height = self.feedback * mm
        c.rect(self.left, y - height, self.width, height)
        return y - height

    def _signature(self, c: Canvas, y: float, slots: _Slots) -> float:
        lay = self.layout
        y -= 10 * mm
        share = self.width / len(lay.signature_labels)
        for number, label in enumerate(lay.signature_labels):
            x = self.left + number * share
            text = f"{label}："
            self.text(c, x, y, text, 10)
            start = x + stringWidth(text, self.font, 10)
            c.line(start, y - 2, x + share - 4 * mm, y - 2)
            if label == lay.signature_labels[-1] and lay.date_hint:
                c.setFont(self.font, 10)
                c.drawRightString(x + share - 5 * mm, y, lay.date_hint)
        return y - 4 * mm


def _fit_text(c: Canvas, font: str, text: str, x: float, y: float, width: float) -> None:
    """A filled-in value on its line, smaller when it would overrun."""
    size = 10.5
    while size > 6 and stringWidth(text, font, size) > width - 4:
        size -= 0.5
    c.setFont(font, size)
    c.drawString(x + 2, y, text)


def questionnaire_texts(
    survey: QuestionnaireSurvey,
    sheets: Sequence[QuestionnaireSheet],
    layout: QuestionnaireLayout = QUESTIONNAIRE,
) -> str:
    """Every character the sheets print (to check them against the font)."""
    parts = [
        layout.title,
        layout.instruction,
        layout.return_by_text,
        layout.company_default,
        layout.customer_label,
        layout.respondent_label,
        layout.our_caption,
        layout.competitor_caption,
        layout.competitor_label,
        layout.item_title,
        layout.reason_title,
        layout.reason_hint,
        layout.competitor_note_title,
        layout.competitor_note_hint,
        layout.feedback_caption,
        layout.date_hint,
        layout.continued,
        layout.footer,
        "√0123456789-第页共",
        survey.number,
        survey.name,
        survey.company,
        *layout.respondent_types,
        *layout.levels,
        *layout.signature_labels,
        *survey.items,
    ]
    seen = set()
    for sheet in sheets:
        seen.update(sheet.customer + sheet.code + sheet.competitor)
    return "".join(parts) + "".join(seen)


def render_questionnaires_pdf(
    survey: QuestionnaireSurvey,
    sheets: Sequence[QuestionnaireSheet],
    target: str | Path | BinaryIO,
    font_path: str | None = None,
    layout: QuestionnaireLayout = QUESTIONNAIRE,
) -> int:
    """Write one questionnaire per sheet (an empty list: one blank sheet to copy) as an A4
    PDF; returns the number of pages (one per sheet unless the survey has so many items
    that the competitor part needs a page of its own)."""
    font = register_cjk_font(font_path)
    missing = missing_glyphs(questionnaire_texts(survey, sheets, layout), font)
    if missing:
        log.warning("字体缺少这些字符，打印时会显示为空白：%s", "".join(sorted(missing)))
    painter = _Painter(layout, survey, font)
    canvas = Canvas(
        str(target) if isinstance(target, Path) else target, pagesize=A4, initialFontName=font
    )
    canvas.setTitle(f"{layout.title} — {survey.number}")
    canvas.setSubject(layout.title)
    canvas.setCreator(CREATOR)
    canvas.setAuthor("")
    pages_of_sheet = [
        painter.page(canvas, sections, f"page{number}")
        for number, sections in enumerate(painter.pages)
    ]
    pages = 0
    for sheet in sheets or [QuestionnaireSheet()]:
        for number, (plan, slots) in enumerate(pages_of_sheet):
            for form, filled in plan:
                canvas.doForm(form)
                if filled:
                    _fill(canvas, font, sheet, slots, filled)
            _tick(canvas, font, sheet, slots)
            _footer(canvas, font, layout, survey, sheet, number, len(pages_of_sheet))
            canvas.showPage()
            pages += 1
    canvas.save()
    return pages


def _fill(c: Canvas, font: str, sheet: QuestionnaireSheet, slots: _Slots, what: str) -> None:
    """Write the sheet's customer or competitor on its line (nothing when unknown)."""
    text = sheet.customer if what == "customer" else sheet.competitor
    place = slots.customer if what == "customer" else slots.competitor
    if text and place:
        x, y, width = place
        _fit_text(c, font, text, x, y, width)


def _tick(c: Canvas, font: str, sheet: QuestionnaireSheet, slots: _Slots) -> None:
    """√ in the respondent type's box when the list knows it."""
    box = slots.respondent_boxes.get(sheet.respondent_type)
    if box:
        c.setFont(font, 10)
        c.drawCentredString(box[0], box[1] - 3.5, "√")


def _footer(
    c: Canvas,
    font: str,
    layout: QuestionnaireLayout,
    survey: QuestionnaireSurvey,
    sheet: QuestionnaireSheet,
    number: int,
    per_sheet: int,
) -> None:
    c.saveState()
    c.setFont(font, 8)
    c.setFillColor(colors.HexColor("#444444"))
    y = 9 * mm
    text = layout.footer.format(number=survey.number, code=sheet.code or "　　　　")
    c.drawString(layout.margin * mm, y, text)
    if per_sheet > 1:
        c.drawRightString(A4[0] - layout.margin * mm, y, f"第 {number + 1} 页 共 {per_sheet} 页")
    c.restoreState()


__all__ = [
    "QUESTIONNAIRE",
    "QuestionnaireLayout",
    "QuestionnaireSheet",
    "QuestionnaireSurvey",
    "questionnaire_texts",
    "render_questionnaires_pdf",
]
