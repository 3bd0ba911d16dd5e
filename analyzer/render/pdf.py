"""PDF reports: per athlete, per ISO week (one page per athlete), and a roster worst first.

Laid out with reportlab (platypus) rather than matplotlib's PdfPages: the reports are mostly
text and tables (verdicts, flag messages, swaps, a roster with links), which reportlab wraps,
paginates and links properly; the charts from `charts.py` are embedded as images straight
from their Agg pixels (no PNG in between).
Output is byte-reproducible: reportlab's `invariant` mode pins dates and document ids, fonts
are the DejaVu files shipped with matplotlib, and athletes are processed in sorted order.
Every phrase about the results (statuses, weeks, flags, swaps, pain, the disclaimer) comes
from `wording`, so the PDFs say what the terminal and the table say; this module lays it out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from PIL import Image as PILImage
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFImageXObject
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepInFrame,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from analyzer.config import Config, load_config
from analyzer.errors import ConfigError
from analyzer.importers.units import AthleteSources, by_athlete, format_weight
from analyzer.render import charts, palette, roster
from analyzer.render import wording as wd
from analyzer.render.jobs import RenderJob
from analyzer.results import Analysis, AthleteResult, Flag, Week
from analyzer.safe_write import athlete_folders, atomic_write_bytes

PAGE_W, PAGE_H = A4
MARGIN = 1.8 * cm
FRAME_W = PAGE_W - 2 * MARGIN
PAIN_FONT_SIZE = 8.0
#: Smallest size the boxed pain line is shrunk to; names are shortened to fit instead.
PAIN_MIN_SIZE = 6.5
#: Characters of an athlete's name shown in titles and table cells (a name is user data and
#: can be any length; the full name stays in the JSON and the file's metadata).
NAME_CHARS = 80
#: Weeks listed in the week table and flagged weeks explained in full.
TABLE_WEEKS = 26
EXPLAINED_WEEKS = 8
MOBILITY = (
    ("Supine back stretch", "lie on your back, hug both knees to the chest"),
    ("Cat-cow", "on hands and knees, slowly round then arch the back"),
    ("Seated twist", "sit tall, turn the upper body to one side, then the other"),
    ("Chin drops", "sit or stand tall, lower the chin towards the chest"),
    ("Fan stretch", "wide-legged stand, fold forward and let the upper body hang"),
    ("Cross-body arm stretch", "pull one arm across the chest with the other, then swap"),
)
_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


# --- fonts and styles -------------------------------------------------------------------------

_FONTS_READY = False


def _fonts() -> tuple[str, str]:
    """(regular, bold) font names: DejaVu Sans from matplotlib (covers accents, Cyrillic,
    Greek; CJK characters are not covered by any font this machine ships)."""
    global _FONTS_READY
    if not _FONTS_READY:
        ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(ttf / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(ttf / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(
            "DejaVuSans",
            normal="DejaVuSans",
            bold="DejaVuSans-Bold",
            italic="DejaVuSans",
            boldItalic="DejaVuSans-Bold",
        )
        _FONTS_READY = True
    return "DejaVuSans", "DejaVuSans-Bold"


@dataclass(frozen=True)
class _Styles:
    title: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    verdict: ParagraphStyle
    note: ParagraphStyle
    cell_note: ParagraphStyle


def _styles() -> _Styles:
    regular, bold = _fonts()
    body = ParagraphStyle(
        "body", fontName=regular, fontSize=9.5, leading=12.5, alignment=TA_LEFT, spaceAfter=3
    )
    return _Styles(
        title=ParagraphStyle(
            "title", parent=body, fontName=bold, fontSize=16, leading=20, spaceAfter=2
        ),
        h2=ParagraphStyle(
            "h2", parent=body, fontName=bold, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4
        ),
        body=body,
        small=ParagraphStyle(
            "small", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#444444")
        ),
        cell=ParagraphStyle("cell", parent=body, fontSize=8, leading=10, spaceAfter=0),
        verdict=ParagraphStyle(
            "verdict",
            parent=body,
            fontName=bold,
            fontSize=12,
            leading=15,
            textColor=colors.white,
            spaceAfter=0,
        ),
        # Notes that do not change a status (`info` flags, "week in progress"): grey.
        note=ParagraphStyle("note", parent=body, textColor=colors.HexColor(palette.INFO_GREY)),
        cell_note=ParagraphStyle(
            "cell-note",
            parent=body,
            fontSize=7,
            leading=8.5,
            spaceAfter=0,
            textColor=colors.HexColor("#555555"),
        ),
    )


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph from plain text (user data is escaped; no markup gets through)."""
    return Paragraph(escape(text), style)


# --- pieces -----------------------------------------------------------------------------------


def parse_week(label: str) -> dt.date:
    """The Monday of an ISO week label such as "2026-W37"."""
    match = _WEEK_RE.match(label.strip())
    if not match:
        raise ConfigError(f"--week must look like 2026-W37, not {label!r}")
    try:
        return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError as exc:
        raise ConfigError(f"--week {label!r} is not an ISO week ({exc})") from None


#: zlib level for chart pixels: level 3 takes half the time of the default 6 for ~8% more bytes.
IMAGE_COMPRESSION = 3


class _Chart(Flowable):
    """A chart image `width` by `height` points, centred like platypus images.

    The pixels go into the PDF as one Flate-compressed RGB image XObject made here, because
    `canvas.drawImage` would hash the raw pixels and compress them again at the slower default
    level; the XObject is registered and drawn the way drawImage does it (addForm, doForm)."""

    def __init__(self, rgb: bytes, size: tuple[int, int], width: float, height: float) -> None:
        super().__init__()
        self.data = zlib.compress(rgb, IMAGE_COMPRESSION)
        self.pixels = size
        self.name = hashlib.md5(self.data, usedforsecurity=False).hexdigest()
        self.width, self.height = width, height
        self.hAlign = "CENTER"

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        if not canv.hasForm(self.name):
            image = PDFImageXObject(self.name)
            image.width, image.height = self.pixels
            image.bitsPerComponent = 8
            image.colorSpace = "DeviceRGB"
            # reportlab has no public way to hand over an already compressed stream.
            image._filters = ("FlateDecode",)  # type: ignore[attr-defined]
            image.streamContent = self.data  # type: ignore[assignment]  # bytes are written as is
            canv._doc.addForm(self.name, image)  # type: ignore[attr-defined]
        canv.saveState()
        canv.scale(self.width, self.height)
        canv.doForm(self.name)
        canv.restoreState()


def _figure_image(fig: Figure, width: float = FRAME_W, dpi: int = charts.DPI) -> Flowable:
    """The chart as an RGB image, straight from the Agg buffer (no PNG encode and decode)."""
    w_in, h_in = fig.get_size_inches()
    rgba = charts.pixels(fig, dpi=dpi)
    assert rgba.shape is not None  # Agg's buffer: height x width x 4
    size = (rgba.shape[1], rgba.shape[0])
    # Pillow's stubs leave memoryview out; it reads any buffer.
    rgb = (
        PILImage.frombuffer(
            "RGBA",
            size,
            rgba,  # type: ignore[arg-type]
            "raw",
            "RGBA",
            0,
            1,
        )
        .convert("RGB")
        .tobytes()
    )
    return _Chart(rgb, size, width, width * h_in / w_in)


def _status_box(text: str, status: str, styles: _Styles) -> Table:
    """A full-width band in the status colour (dark text on orange, white on the others)."""
    ink = colors.black if status in ("watch", "no data") else colors.white
    style = ParagraphStyle(f"verdict-{status}", parent=styles.verdict, textColor=ink)
    table = Table([[Paragraph(escape(text), style)]], colWidths=[FRAME_W])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(palette.STATUS_COLOURS[status])),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _in_progress_note(
    result: AthleteResult, week: Week, status: str, styles: _Styles
) -> list[Flowable]:
    """For a week in progress: its status so far, and the week before when that decided."""
    text = wd.in_progress_words(result, week, status)
    return [_p(text, styles.body)] if text else []


def _flag_items(flags: Sequence[Flag], styles: _Styles, *, labels: bool = True) -> list[Flowable]:
    """One bullet per flag: its plain label (when `labels`) and message; an `info` flag (a note
    that does not change the status) in grey."""
    items: list[Flowable] = []
    for f in flags:
        style = styles.note if f.severity == "info" else styles.body
        head = ""
        if labels:
            plain = wd.flag_name(f.code)
            head = f"<b>{escape(plain.capitalize())}</b> ({escape(f.severity)}): "
        elif f.severity == "info":
            head = "(note) "
        items.append(Paragraph(head + escape(f.message), style, bulletText="\u2022"))
    return items


def _flag_block(week: Week, styles: _Styles) -> list[Flowable]:
    title = f"{week.week} ({wd.span(week.start)}): {week.status.upper()}"
    if week.in_progress:
        title = f"{wd.week_words(week)}: {week.status.upper()} so far"
    items: list[Flowable] = [_p(title, styles.h2)]
    items.extend(_flag_items(week.flags, styles))
    if week.swaps:
        items.append(_p("Proposed changes:", styles.body))
        items.extend(_p(line, styles.body) for line in wd.swap_lines(week))
    return [KeepTogether(items)]


def _mobility(styles: _Styles) -> list[Flowable]:
    items: list[Flowable] = [
        _p("Mobility routine for flagged weeks", styles.h2),
        _p(
            "On the days after a flagged run, or as a cool-down: hold each position for 30 s, "
            "breathing slowly, without forcing into pain.",
            styles.body,
        ),
    ]
    items.extend(
        Paragraph(f"<b>{escape(name)}</b>: {escape(how)} (30 s)", styles.body, bulletText="\u2022")
        for name, how in MOBILITY
    )
    return [KeepTogether(items)]


def _week_table(weeks: Sequence[Week], styles: _Styles) -> Table:
    header = ["Week", "Status", "Loaded days", "Load", "Ratio", "Flags"]
    rows: list[list[object]] = [[_p(h, styles.cell) for h in header]]
    style: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), _fonts()[0]),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#CCCCCC")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for i, w in enumerate(weeks, start=1):
        flags = wd.flag_labels(w.flags)
        if w.after_swaps is not None and w.swaps:
            flags += f" (fix \u2192 {w.after_swaps.status})"
        colour: str = w.status
        status_text = wd.status_word(w.status, so_far=w.in_progress)
        if w.in_progress:
            # A week still being trained: its status so far, never a green cell.
            flags = ", ".join(x for x in (wd.progress_note(w), flags) if x)
            colour = "no data" if w.status == "ok" else w.status
        rows.append(
            [
                _p(f"{w.week}  {w.start:%d %b}", styles.cell),
                _p(status_text, styles.cell),
                _p(wd.days_text(w.loaded_days), styles.cell),
                _p(f"{w.lower_back_load:.1f}", styles.cell),
                _p("-" if w.acwr is None else f"{w.acwr:.2f}", styles.cell),
                _p(flags, styles.cell),
            ]
        )
        style.append(
            ("BACKGROUND", (1, i), (1, i), colors.HexColor(palette.STATUS_COLOURS[colour]))
        )
    widths = [3.3 * cm, 1.9 * cm, 3.4 * cm, 1.2 * cm, 1.2 * cm]
    widths.append(FRAME_W - sum(widths))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def short_name(name: str, chars: int = NAME_CHARS) -> str:
    """An athlete's name cut to `chars` characters with an ellipsis (names are user data)."""
    return name if len(name) <= chars else name[: chars - 1].rstrip() + "\u2026"


def pain_text(names: Sequence[str]) -> str:
    """The boxed pain line, naming whose log it is: 'Pain was noted in Chloé Martin's log: see
    a physiotherapist...'. Names that would not fit on the line at PAIN_MIN_SIZE are counted."""
    _, bold = _fonts()
    room = FRAME_W - 0.4 * cm
    unique = list(dict.fromkeys(names))

    def fits(text: str) -> bool:
        return len(_pain_lines(text, bold, PAIN_MIN_SIZE, room)) <= 2

    if len(unique) == 1:
        for chars in (NAME_CHARS, 40, 24):
            text = wd.pain_line([short_name(unique[0], chars)])
            if fits(text):
                return text
        return text
    text = wd.pain_line([short_name(n, 30) for n in unique])
    if fits(text):
        return text
    return wd.pain_count_line(len(unique))


def _pain_lines(text: str, font: str, size: float, room: float) -> list[str]:
    """`text` broken between words into lines at most `room` points wide."""
    lines: list[str] = []
    for word in text.split():
        if lines and pdfmetrics.stringWidth(f"{lines[-1]} {word}", font, size) <= room:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


#: The boxed pain line of each page (page number -> text, None for no box).
PainLine = Callable[[int], str | None]


def _footer(pain: PainLine) -> Callable[[Canvas, SimpleDocTemplate], None]:
    """Draws the disclaimer (and the boxed pain line, on the pages that have one) at the foot
    of every page."""
    regular, bold = _fonts()

    def draw(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.drawString(MARGIN, 1.0 * cm, wd.DISCLAIMER)
        canvas.drawRightString(PAGE_W - MARGIN, 1.0 * cm, f"page {doc.page}")
        text = pain(doc.page)
        if text:
            # One line, or two when the names make it long; smaller type only past that.
            room = FRAME_W - 0.4 * cm
            size = PAIN_FONT_SIZE
            lines = _pain_lines(text, bold, size, room)
            while len(lines) > 2 and size > PAIN_MIN_SIZE:
                size -= 0.5
                lines = _pain_lines(text, bold, size, room)
            lines = lines[:2]
            leading = size * 1.25
            box_y = 1.45 * cm
            box_h = 0.6 * cm + leading * (len(lines) - 1)
            canvas.setStrokeColor(colors.HexColor(palette.STATUS_COLOURS["overuse"]))
            canvas.setLineWidth(1.2)
            canvas.rect(MARGIN, box_y, FRAME_W, box_h, stroke=1, fill=0)
            canvas.setFont(bold, size)
            canvas.setFillColor(colors.black)
            for i, line in enumerate(lines):
                canvas.drawString(
                    MARGIN + 0.2 * cm, box_y + 0.2 * cm + leading * (len(lines) - 1 - i), line
                )
        canvas.restoreState()

    return draw


def _every_page(text: str | None) -> PainLine:
    """The same pain line (or none) on every page."""
    return lambda page: text


def _build(story: list[Flowable], title: str, pain: str | PainLine | None) -> bytes:
    """The PDF bytes of `story`; `pain` is the boxed pain line of every page, or per page."""
    line: PainLine = pain if callable(pain) else _every_page(pain)
    boxed = callable(pain) or bool(pain)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=1.5 * cm,
        bottomMargin=(2.7 if boxed else 1.6) * cm,
        title=title,
        author="backlog",
        creator="backlog",
        producer="backlog",
        subject="Lower-back training report",
        invariant=1,
    )
    footer = _footer(line)
    with _binary_streams():
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Streams written as compressed binary, not also ASCII85 text: reportlab's ASCII85 encoder
    is pure Python here and cost more than drawing the charts; the files also get smaller."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


# --- per-athlete report -----------------------------------------------------------------------


def athlete_story(
    result: AthleteResult, config: Config, styles: _Styles, about: AthleteSources | None = None
) -> list[Flowable]:
    """The full per-athlete report: verdict and what to change, week table, flag
    explanations with swaps, charts, and the mobility routine when a week was flagged.
    `about`: the unit and reading notes of the athlete's files (`_reading_notes`)."""
    story: list[Flowable] = []
    weeks = result.weeks
    flagged = [w for w in weeks if w.status != "ok"]
    story.append(_p(f"Lower-back report: {short_name(result.athlete)}", styles.title))
    story.append(
        _p(
            f"Log from {result.first_date:%d %b %Y} to {result.last_date:%d %b %Y}: "
            f"{wd.plural(len(weeks), 'week')}, {len(flagged)} flagged.",
            styles.small,
        )
    )
    story.extend(_reading_notes(about, styles))
    story.append(Spacer(1, 6))
    if not weeks:
        story.append(_p("No training weeks in this log.", styles.body))
        return story
    latest = weeks[-1]
    status = roster.week_status(result, latest)
    story.append(
        _status_box(
            f"Latest week {wd.week_words(latest)}: {status.upper()}"
            + (" so far" if latest.in_progress and status == "ok" else ""),
            palette.colour_key(latest, status),
            styles,
        )
    )
    story.append(Spacer(1, 4))
    story.extend(_in_progress_note(result, latest, status, styles))
    run = f"{latest.longest_run} in a row" if latest.longest_run > 1 else "none in a row"
    story.append(
        _p(
            f"Lower back loaded on {wd.plural(len(latest.loaded_days), 'day')} "
            f"({wd.days_text(latest.loaded_days)}; {run}); weekly lower-back dose "
            f"{latest.lower_back_load:.1f}.",
            styles.body,
        )
    )
    story.extend(_flag_items(latest.flags, styles, labels=False))
    before = weeks[-4:-1]
    if before:
        story.append(
            _p(
                "The weeks before: " + ", ".join(f"{w.week} {w.status}" for w in before) + ".",
                styles.body,
            )
        )
    story.append(_p("What to change", styles.h2))
    advice = wd.what_to_change(latest)
    if advice:
        story.extend(Paragraph(escape(line), styles.body, bulletText="\u2022") for line in advice)
    elif flagged:
        story.append(
            _p(
                f"Nothing this week. The last flagged week was {flagged[-1].week}: keep "
                "at least one day without lower-back load between direct days, as now.",
                styles.body,
            )
        )
    else:
        story.append(_p("Nothing: the lower back gets its rest between loaded days.", styles.body))
    story.append(Spacer(1, 6))
    story.append(_figure_image(charts.week_calendar(result, weeks=8), width=FRAME_W * 0.92))

    story.append(PageBreak())
    shown = weeks[-TABLE_WEEKS:]
    story.append(_p("Week by week", styles.h2))
    if len(weeks) > len(shown):
        story.append(
            _p(
                f"The last {len(shown)} of {len(weeks)} weeks (all of them are in the "
                "JSON output).",
                styles.small,
            )
        )
    story.append(_week_table(shown, styles))
    explained = [w for w in shown if w.flags][-EXPLAINED_WEEKS:]
    if explained:
        story.append(_p("Flagged weeks explained", styles.h2))
        for w in explained:
            story.extend(_flag_block(w, styles))
        story.extend(_mobility(styles))

    story.append(PageBreak())
    story.append(_p("Charts", styles.h2))
    story.append(_figure_image(charts.daily_load(result, config=config)))
    story.append(Spacer(1, 6))
    story.append(_figure_image(charts.weekly_load(result, config=config)))
    story.append(Spacer(1, 6))
    story.append(_figure_image(charts.load_sources(result)))
    return story


def athlete_report(
    result: AthleteResult, config: Config | None = None, *, about: AthleteSources | None = None
) -> bytes:
    """One athlete's full report as PDF bytes."""
    config = config or load_config()
    story = athlete_story(result, config, _styles(), about)
    pain = pain_text([result.athlete]) if result.has_pain_note else None
    return _build(story, f"Lower-back report: {result.athlete}", pain)


# --- how the log was read (units, dates: issue 16, point 3) ---------------------------------


def _reading_notes(about: AthleteSources | None, styles: _Styles) -> list[Flowable]:
    """One small paragraph: the unit weights are shown in and every assumption the importers
    noted about the athlete's files (units, dates, time zones), so the PDF says what the
    terminal says. Nothing when nothing is known."""
    if about is None or (about.weight_unit is None and not about.notes):
        return []
    parts = [f"Weights in {about.weight_unit}." if about.weight_unit else ""]
    parts += [
        note[:1].upper() + note[1:] + ("" if note.endswith(".") else ".") for note in about.notes
    ]
    text = "How the log was read: " + " ".join(p for p in parts if p)
    return [_p(text, styles.small)]


# --- weekly report ----------------------------------------------------------------------------


def _sessions_table(
    result: AthleteResult, monday: dt.date, styles: _Styles, unit: str | None = None
) -> Table | None:
    """The week's lifts per day; weights in `unit` (the lifter's; default kg)."""
    sets = result.sets
    start = pd.Timestamp(monday)
    week = sets.loc[
        sets["date"].between(start, start + pd.Timedelta(days=6))
        & (sets["set_type"].astype("str") != "warmup")
    ]
    if week.empty:
        return None
    per = (
        pd.DataFrame(
            {
                "date": week["date"],
                "exercise": week["exercise"].astype("str"),
                "at": week["performed_at"],
                "reps": week["reps"],
                "kg": week["weight_kg"],
                "cls": week["load_class"].astype("str"),
                "dose": week["dose"],
            }
        )
        .groupby(["date", "exercise"], sort=False)
        .agg(
            at=("at", "min"),
            sets=("reps", "size"),
            reps_min=("reps", "min"),
            reps_max=("reps", "max"),
            kg=("kg", "max"),
            cls=("cls", "first"),
            dose=("dose", "sum"),
        )
        .reset_index()
        .sort_values(["date", "at"], kind="stable")
    )
    rows: list[list[object]] = [
        [_p(h, styles.cell) for h in ("Day", "Lift", "Sets", "Lower back", "Dose")]
    ]
    style: list[tuple[Any, ...]] = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#CCCCCC")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    for i, r in enumerate(per.to_dict("records"), start=1):
        reps = (
            f"{r['reps_min']:g}"
            if r["reps_min"] == r["reps_max"]
            else f"{r['reps_min']:g}-{r['reps_max']:g}"
        )
        load = "" if pd.isna(r["kg"]) else f" @ {format_weight(r['kg'], unit)}"
        rows.append(
            [
                _p(f"{r['date']:%a %d %b}", styles.cell),
                _p(r["exercise"], styles.cell),
                _p(f"{r['sets']} \u00d7 {reps}{load}", styles.cell),
                _p(r["cls"] if r["cls"] in ("direct", "indirect") else "spared", styles.cell),
                _p(f"{r['dose']:.1f}", styles.cell),
            ]
        )
        if r["cls"] in ("direct", "indirect"):
            style.append(
                ("BACKGROUND", (3, i), (3, i), colors.HexColor(palette.CLASS_COLOURS[r["cls"]]))
            )
    widths = [2.4 * cm, 6.6 * cm, 3.6 * cm, 2.2 * cm]
    widths.append(FRAME_W - sum(widths))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def _rest_week_items(result: AthleteResult, monday: dt.date, styles: _Styles) -> list[Flowable]:
    """A week with no working sets: say so, and what the week before was."""
    items: list[Flowable] = [
        _status_box("No training logged this week", "no data", styles),
        Spacer(1, 6),
    ]
    sunday = monday + dt.timedelta(days=6)
    if sunday < result.first_date:
        items.append(_p(f"This log starts on {result.first_date:%a %d %b %Y}.", styles.body))
        return items
    before = roster.previous_week(result, monday)
    if before is not None and before.start == monday - dt.timedelta(weeks=1):
        if before.sets > 0:
            items.append(
                _p(
                    f"The week before, {before.week} ({wd.span(before.start)}): "
                    f"{before.status.upper()}, lower back loaded on "
                    f"{wd.plural(len(before.loaded_days), 'day')} "
                    f"({wd.days_text(before.loaded_days)}).",
                    styles.body,
                )
            )
        else:
            items.append(
                _p(f"The week before, {before.week}, had no training logged either.", styles.body)
            )
    trained = [w for w in result.weeks if w.start < monday and w.sets > 0]
    if trained and (before is None or trained[-1] is not before):
        last = trained[-1]
        items.append(
            _p(
                f"Last week with training: {last.week} ({wd.span(last.start)}), "
                f"{last.status.upper()}.",
                styles.body,
            )
        )
    if monday > result.last_date:
        items.append(_p(f"This log ends on {result.last_date:%a %d %b %Y}.", styles.body))
    return items


def week_page(
    result: AthleteResult, monday: dt.date, styles: _Styles, about: AthleteSources | None = None
) -> list[Flowable]:
    """One page for one athlete and one ISO week (kept to one page by shrinking if needed)."""
    items: list[Flowable] = [
        _p(f"{short_name(result.athlete)}: week {wd.week_label(monday)}", styles.title),
        _p(wd.span(monday), styles.small),
        *_reading_notes(about, styles),
        Spacer(1, 4),
    ]
    week = next((w for w in result.weeks if w.start == monday), None)
    if week is None or week.sets == 0:
        items.extend(_rest_week_items(result, monday, styles))
        return [KeepInFrame(FRAME_W, PAGE_H - 4.5 * cm, items, mode="shrink"), PageBreak()]
    status = roster.week_status(result, week)
    progress = f" ({wd.progress_note(week)})" if week.in_progress else ""
    items.append(
        _status_box(
            f"{status.upper()}{progress}: lower back loaded on "
            f"{wd.plural(len(week.loaded_days), 'day')} "
            f"({wd.days_text(week.loaded_days)})",
            palette.colour_key(week, status),
            styles,
        )
    )
    items.append(Spacer(1, 4))
    items.extend(_in_progress_note(result, week, status, styles))
    items.append(
        _figure_image(charts.week_calendar(result, weeks=1, end=monday), width=FRAME_W * 0.9)
    )
    table = _sessions_table(
        result, monday, styles, about.weight_unit if about is not None else None
    )
    if table is not None:
        items.extend([_p("Sessions", styles.h2), table])
    if week.flags:
        items.append(_p("Flags", styles.h2))
        for f in week.flags:
            plain = wd.flag_name(f.code)
            style = styles.note if f.severity == "info" else styles.body
            note = " (note)" if f.severity == "info" else ""
            items.append(
                Paragraph(
                    f"<b>{escape(plain.capitalize())}</b>{note}: {escape(f.message)}",
                    style,
                    bulletText="\u2022",
                )
            )
        advice = wd.what_to_change(week)
        if advice:
            items.append(_p("What to change", styles.h2))
            items.extend(
                Paragraph(escape(line), styles.body, bulletText="\u2022") for line in advice
            )
        if week.status != "ok":
            items.append(
                _p(
                    "Mobility: supine back stretch, cat-cow, seated twist, chin drops, "
                    "fan stretch, cross-body arm stretch; 30 s each.",
                    styles.body,
                )
            )
    return [KeepInFrame(FRAME_W, PAGE_H - 4.5 * cm, items, mode="shrink"), PageBreak()]


def _failed_page(
    result: AthleteResult, monday: dt.date, exc: Exception, styles: _Styles
) -> list[Flowable]:
    """The page of an athlete whose page could not be drawn: the others are still written."""
    items: list[Flowable] = [
        _p(f"{short_name(result.athlete)}: week {wd.week_label(monday)}", styles.title),
        _p(wd.span(monday), styles.small),
        Spacer(1, 4),
        _status_box("This page could not be drawn", "no data", styles),
        Spacer(1, 6),
        _p(
            f"Internal error ({type(exc).__name__}: {exc}). Please report it with this "
            "athlete's log; the other athletes' pages are complete.",
            styles.body,
        ),
    ]
    return [KeepInFrame(FRAME_W, PAGE_H - 4.5 * cm, items, mode="shrink"), PageBreak()]


def _pain_this_week(result: AthleteResult, monday: dt.date) -> bool:
    return roster.pain_in([w for w in result.weeks if w.start == monday])


def weekly_report(
    results: Sequence[AthleteResult],
    monday: dt.date,
    *,
    keep_going: bool = True,
    about: Mapping[str, AthleteSources] | None = None,
) -> bytes:
    """One page per athlete for the ISO week starting `monday`. A page that fails to draw is
    replaced by a page saying so (with `keep_going`), so one athlete cannot break the others.
    `about`: athlete -> the unit and reading notes of their files."""
    styles = _styles()
    story: list[Flowable] = []
    pain_by_page: dict[int, str] = {}
    for page, result in enumerate(sorted(results, key=lambda a: a.athlete), start=1):
        try:
            story.extend(week_page(result, monday, styles, (about or {}).get(result.athlete)))
        except Exception as exc:
            if not keep_going:
                raise
            story.extend(_failed_page(result, monday, exc, styles))
        if _pain_this_week(result, monday):
            pain_by_page[page] = pain_text([result.athlete])
    if story and isinstance(story[-1], PageBreak):
        story.pop()
    pain: str | PainLine | None = pain_by_page.get if pain_by_page else None
    return _build(story, f"Weekly lower-back report {wd.week_label(monday)}", pain)


# --- roster -----------------------------------------------------------------------------------


class _FileLink(Flowable):
    """Text that opens another PDF (a GoToR link, relative to the roster file)."""

    def __init__(self, text: str, target: str, font: str, size: float = 8.5) -> None:
        super().__init__()
        self.text, self.target, self.font, self.size = text, target, font, size
        self.width = pdfmetrics.stringWidth(text, font, size)
        self.height = size * 1.2

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFont(self.font, self.size)
        self.canv.setFillColor(colors.HexColor(palette.LINE_BLUE))
        self.canv.drawString(0, self.size * 0.25, self.text)
        self.canv.linkURL(self.target, (0, 0, self.width, self.height), relative=1, kind="GoToR")


#: Where a name may break across lines: after a separator, between a lower-case letter and an
#: upper-case one or a digit ("mymmind_Workout|Export", not "mymmind_Workou|tExport").
_NAME_BREAK = re.compile(r"(?<=[_\-.\s/])(?=.)|(?<=[a-z])(?=[A-Z0-9])")


def _fill(pieces: Sequence[str], font: str, size: float, width: float) -> list[str] | None:
    """Pieces packed greedily into lines no wider than `width`; None if a piece alone is."""
    lines: list[str] = []
    for piece in pieces:
        if pdfmetrics.stringWidth(piece.strip(), font, size) > width:
            return None
        if lines and pdfmetrics.stringWidth((lines[-1] + piece).strip(), font, size) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    return [line.strip() for line in lines]


def wrap_name(
    name: str, font: str, width: float, sizes: Sequence[float] = (9.5, 8.5, 7.5), max_lines: int = 3
) -> tuple[list[str], float]:
    """A name's lines for a table cell `width` points wide, broken only between its words or
    word parts, at the largest of `sizes` that needs at most `max_lines` lines. A part too long
    for the cell even at the smallest size is cut by characters (the only mid-word break)."""
    pieces = [x for x in _NAME_BREAK.split(short_name(name)) if x]
    for size in sizes:
        lines = _fill(pieces, font, size, width)
        if lines is not None and len(lines) <= max_lines:
            return lines, size
    size = sizes[-1]
    chars: list[str] = []
    for piece in pieces:
        while pdfmetrics.stringWidth(piece, font, size) > width:
            cut = max(
                1,
                max(
                    i
                    for i in range(1, len(piece) + 1)
                    if pdfmetrics.stringWidth(piece[:i], font, size) <= width
                ),
            )
            chars.append(piece[:cut])
            piece = piece[cut:]
        chars.append(piece)
    return _fill(chars, font, size, width) or [short_name(name)], size


def _name_paragraph(name: str, width: float, styles: _Styles) -> Paragraph:
    _, bold = _fonts()
    lines, size = wrap_name(name, bold, width)
    style = ParagraphStyle(
        f"name-{size}",
        parent=styles.body,
        fontName=bold,
        fontSize=size,
        leading=size * 1.2,
        spaceAfter=1,
    )
    return Paragraph("<br/>".join(escape(line) for line in lines), style)


def latest_week(results: Sequence[AthleteResult]) -> dt.date:
    """The Monday of the latest week any athlete logged."""
    return max((r.weeks[-1].start for r in results if r.weeks), default=dt.date.today())


def check_week(results: Sequence[AthleteResult], monday: dt.date) -> None:
    """ConfigError (exit 2) when the ISO week starting `monday` lies outside every log, with
    the span the logs cover."""
    if roster.week_in_any_log(results, monday):
        return
    span = roster.log_range(results)
    where = (
        f"the logs run from {span[0]:%d %b %Y} ({wd.week_label(span[0])}) to "
        f"{span[1]:%d %b %Y} ({wd.week_label(span[1])})"
        if span
        else "no log holds a week"
    )
    raise ConfigError(
        f"--week {wd.week_label(monday)} is outside every log: {where}",
        hint="choose a week inside that range",
    )


ROSTER_WIDTHS = (4.3 * cm, 2.0 * cm, 3.0 * cm, 3.6 * cm, 1.6 * cm)
#: Cell padding reportlab adds left and right of a cell's text.
CELL_PAD = 12


def _latest_cell(line: roster.Standing, monday: dt.date | None, styles: _Styles) -> list[Flowable]:
    """Which week a roster row shows, whether it is still in progress, and the last logged day."""
    r, week = line.result, line.week
    parts: list[Flowable] = []
    if week is not None and line.trained:
        parts.append(
            _p(
                week.week
                if monday is None
                else f"loaded {wd.plural(len(week.loaded_days), 'day')}",
                styles.cell,
            )
        )
        if monday is not None and week.loaded_days:
            parts.append(_p(wd.days_text(week.loaded_days), styles.cell_note))
        if week.in_progress:
            parts.append(_p(wd.progress_note(week), styles.cell_note))
    else:
        parts.append(_p("nothing logged", styles.cell))
    if monday is None or r.last_date < monday:
        parts.append(_p(f"last logged {r.last_date:%d %b %Y}", styles.cell_note))
    return parts


def _roster_row(
    line: roster.Standing, monday: dt.date | None, target: str | None, styles: _Styles
) -> list[object]:
    regular, bold = _fonts()
    name: list[Flowable] = [_name_paragraph(line.athlete, ROSTER_WIDTHS[0] - CELL_PAD, styles)]
    if target:
        name.append(_FileLink("open report", target, regular, size=7.5))
    colour = palette.colour_key(line.week, line.status)
    ink = colors.HexColor("#000000" if colour in ("watch", roster.NO_DATA) else "#FFFFFF")
    status_style = ParagraphStyle(
        f"status-{colour}", parent=styles.cell, fontName=bold, fontSize=7.5, textColor=ink
    )
    status = wd.status_word(line.status, so_far=colour != line.status)
    end = monday if monday is not None else (line.week.start if line.week else None)
    spark = _figure_image(
        charts.sparkline(line.result, weeks=8, end=end),
        width=FRAME_W - sum(ROSTER_WIDTHS) - 0.2 * cm,
        dpi=200,
    )
    return [
        name,
        Paragraph(escape(status), status_style),
        _latest_cell(line, monday, styles),
        _p(wd.standing_flags(line) or "-", styles.cell),
        _p(str(line.flagged_recent), styles.cell),
        spark,
    ]


def roster_report(
    results: Sequence[AthleteResult], monday: dt.date | None, links: dict[str, str]
) -> bytes:
    """roster.pdf: one line per athlete, worst first, with a load sparkline and a link to the
    athlete's own PDF (`links`: athlete -> path relative to the roster file).

    Without `monday` every athlete is shown at their own latest logged week, and athletes who
    logged nothing in the 2 weeks before the newest logged day come last ("no recent log").
    With `monday`, every athlete at that ISO week; who logged nothing then comes last."""
    styles = _styles()
    lines = roster.standings(results, monday)
    newest = roster.as_of(results)
    if monday is None:
        title = "Roster: each athlete's latest logged week"
        when = f"Newest log: {newest:%a %d %b %Y}. " if newest else ""
        rest = (
            f"No recent log: nothing logged in the {roster.NO_RECENT_DAYS // 7} weeks before "
            f"{newest:%a %d %b %Y}"
            if newest
            else "No recent log"
        )
    else:
        title = f"Roster: week {wd.week_label(monday)}"
        when = f"{wd.span(monday)}. "
        rest = f"No training logged in {wd.week_label(monday)}"
    story: list[Flowable] = [
        _p(title, styles.title),
        _p(f"{when}{wd.headline(lines, chosen_week=monday is not None)} Worst first.", styles.body),
        Spacer(1, 6),
    ]
    header = [
        "Athlete",
        "Status",
        "Latest week" if monday is None else "This week",
        "Flags",
        "Flagged weeks (of last 4)",
        "Weekly lower-back dose, last 8 weeks (scale 0 to the number shown)",
    ]
    rows: list[list[object]] = [[_p(h, styles.cell) for h in header]]
    style: list[tuple[Any, ...]] = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#CCCCCC")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    grouped = False
    for line in lines:
        if (line.stale or line.status == roster.NO_DATA) and not grouped:
            grouped = True
            rows.append([_p(rest, styles.h2), "", "", "", "", ""])
            i = len(rows) - 1
            style.extend(
                [
                    ("SPAN", (0, i), (-1, i)),
                    ("TOPPADDING", (0, i), (-1, i), 8),
                    ("LINEBELOW", (0, i), (-1, i), 0.8, colors.black),
                ]
            )
        try:
            row = _roster_row(line, monday, links.get(line.athlete), styles)
            colour = palette.colour_key(line.week, line.status)
        except Exception as exc:  # one athlete's row never breaks the roster
            row = [
                _name_paragraph(line.athlete, ROSTER_WIDTHS[0] - CELL_PAD, styles),
                _p("?", styles.cell),
                "",
                _p(f"could not be drawn ({type(exc).__name__}: {exc})", styles.cell),
                "",
                "",
            ]
            colour = roster.NO_DATA
        rows.append(row)
        i = len(rows) - 1
        style.append(
            ("BACKGROUND", (1, i), (1, i), colors.HexColor(palette.STATUS_COLOURS[colour]))
        )
    widths = [*ROSTER_WIDTHS, FRAME_W - sum(ROSTER_WIDTHS)]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    story.append(table)
    pain = [ln.athlete for ln in lines if ln.pain_noted]
    label = "latest weeks" if monday is None else wd.week_label(monday)
    return _build(story, f"Roster {label}", pain_text(pain) if pain else None)


# --- jobs for the CLI -------------------------------------------------------------------------


def report_jobs(
    analysis: Analysis,
    out_dir: Path,
    *,
    week: str | None = None,
    config: Config | None = None,
) -> list[RenderJob]:
    """Everything `backlog report` writes, as jobs in a fixed order.

    Without `week`: one full PDF per athlete at `out/<athlete>/<athlete>.pdf`. With `week`:
    `out/weekly-<week>.pdf` (one page per athlete) and `out/<athlete>/<athlete>-<week>.pdf`.
    With more than one athlete, also `out/roster.pdf`: for that week, or without `week` each
    athlete at their own latest logged week. A `week` outside every log is a ConfigError
    (raised here, before anything is written)."""
    config = config or load_config()
    results = sorted(analysis.athletes, key=lambda a: a.athlete)
    folders = athlete_folders((a.athlete for a in analysis.athletes), out_dir)
    about = by_athlete(analysis.sources)
    monday = parse_week(week) if week else None
    if monday is not None:
        check_week(results, monday)
    label = wd.week_label(monday) if monday is not None else ""
    jobs: list[RenderJob] = []
    links: dict[str, str] = {}
    for result in results:
        folder = folders[result.athlete]
        if monday is not None:
            target = folder / f"{folder.name}-{label}.pdf"

            def week_page(
                result: AthleteResult = result, target: Path = target, monday: dt.date = monday
            ) -> list[Path]:
                # This athlete's own page: a failure here is reported (by name) by the runner.
                return [
                    atomic_write_bytes(
                        target, weekly_report([result], monday, keep_going=False, about=about)
                    )
                ]

            run: Callable[[], list[Path]] = week_page
        else:
            target = folder / f"{folder.name}.pdf"

            def full_report(result: AthleteResult = result, target: Path = target) -> list[Path]:
                return [
                    atomic_write_bytes(
                        target, athlete_report(result, config, about=about.get(result.athlete))
                    )
                ]

            run = full_report
        links[result.athlete] = f"{folder.name}/{target.name}"
        jobs.append(RenderJob(result.athlete, run))
    if monday is not None and results:
        weekly_target = out_dir / f"weekly-{label}.pdf"
        jobs.append(
            RenderJob(
                "weekly report",
                aggregate=True,
                run=lambda: [
                    atomic_write_bytes(weekly_target, weekly_report(results, monday, about=about))
                ],
            )
        )
    if len(results) > 1:
        roster_target = out_dir / "roster.pdf"
        jobs.append(
            RenderJob(
                "roster",
                aggregate=True,
                run=lambda: [
                    atomic_write_bytes(roster_target, roster_report(results, monday, links))
                ],
            )
        )
    return jobs


def write_reports(
    analysis: Analysis, out_dir: Path, *, week: str | None = None, config: Config | None = None
) -> list[Path]:
    """Run every report job (no progress display); returns the files written."""
    return [
        path
        for job in report_jobs(analysis, out_dir, week=week, config=config)
        for path in job.run()
    ]
