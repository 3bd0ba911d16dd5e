"""PDF reports: per athlete, per ISO week (one page per athlete), and a roster worst first.

Laid out with reportlab (platypus) rather than matplotlib's PdfPages: the reports are mostly
text and tables (verdicts, flag messages, swaps, a roster with links), which reportlab wraps,
paginates and links properly; the charts from `charts.py` are embedded as images straight
from their Agg pixels (no PNG in between).
Output is byte-reproducible: reportlab's `invariant` mode pins dates and document ids, fonts
are the DejaVu files shipped with matplotlib, and athletes are processed in sorted order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
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
from analyzer.outputs import atomic_write_bytes
from analyzer.render import charts, palette
from analyzer.render.jobs import RenderJob
from analyzer.results import SEVERITY_RANK, Analysis, AthleteResult, Week

PAGE_W, PAGE_H = A4
MARGIN = 1.8 * cm
FRAME_W = PAGE_W - 2 * MARGIN
FOOTER_TEXT = "Training guidance, not medical advice."
PAIN_TEXT = ("Pain was noted in this log: see a physiotherapist or physician if it is sharp, "
             "present at rest, or lasts beyond 1-2 weeks.")
PAIN_FONT_SIZE = 8.0
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
ADVICE = {
    "consecutive_days": "Break the run of loaded days: put a day with no lower-back load "
    "inside it (rest, or supported variants such as chest-supported rows and seated presses), "
    "or move the heaviest hinge to the end of the week.",
    "short_recovery": "Leave 48-72 h between days with direct lower-back work (deadlifts, "
    "bent-over rows, good mornings).",
    "acwr_spike": "Build lower-back load more gradually: this week rose fast against the "
    "last four.",
    "high_monotony": "Vary the daily load: alternate hard, easy and rest days for the lower "
    "back.",
    "pain_note": "A note mentions pain: ease off the lifts that provoke it and see a "
    "physiotherapist or physician if it is sharp, present at rest, or lasts beyond 1-2 weeks.",
}
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
        pdfmetrics.registerFontFamily("DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold",
                                      italic="DejaVuSans", boldItalic="DejaVuSans-Bold")
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


def _styles() -> _Styles:
    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5, alignment=TA_LEFT,
                          spaceAfter=3)
    return _Styles(
        title=ParagraphStyle("title", parent=body, fontName=bold, fontSize=16, leading=20,
                             spaceAfter=2),
        h2=ParagraphStyle("h2", parent=body, fontName=bold, fontSize=12, leading=15,
                          spaceBefore=8, spaceAfter=4),
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor="#444444"),
        cell=ParagraphStyle("cell", parent=body, fontSize=8, leading=10, spaceAfter=0),
        verdict=ParagraphStyle("verdict", parent=body, fontName=bold, fontSize=12, leading=15,
                               textColor=colors.white, spaceAfter=0),
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


def week_label(monday: dt.date) -> str:
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def _span(monday: dt.date) -> str:
    sunday = monday + dt.timedelta(days=6)
    return f"{monday:%d %b} to {sunday:%d %b %Y}"


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
            image._filters = ("FlateDecode",)
            image.streamContent = self.data
            canv._doc.addForm(self.name, image)
        canv.saveState()
        canv.scale(self.width, self.height)
        canv.doForm(self.name)
        canv.restoreState()


def _figure_image(fig: Figure, width: float = FRAME_W, dpi: int = charts.DPI) -> Flowable:
    """The chart as an RGB image, straight from the Agg buffer (no PNG encode and decode)."""
    w_in, h_in = fig.get_size_inches()
    rgba = charts.pixels(fig, dpi=dpi)
    size = (rgba.shape[1], rgba.shape[0])
    rgb = PILImage.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1).convert("RGB").tobytes()
    return _Chart(rgb, size, width, width * h_in / w_in)


def _days_text(days: Sequence[dt.date]) -> str:
    return " ".join(palette.DAY_NAMES[d.weekday()] for d in sorted(days)) or "none"


def _status_box(text: str, status: str, styles: _Styles) -> Table:
    """A full-width band in the status colour (dark text on orange, white on the others)."""
    ink = colors.black if status in ("watch", "no data") else colors.white
    style = ParagraphStyle(f"verdict-{status}", parent=styles.verdict, textColor=ink)
    table = Table([[Paragraph(escape(text), style)]], colWidths=[FRAME_W])
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(palette.STATUS_COLOURS[status])),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return table


def swap_lines(week: Week) -> list[str]:
    """Each proposed change in plain words, then its proven effect."""
    lines = []
    for s in week.swaps:
        day = palette.DAY_NAMES[s.day.weekday()]
        if s.kind == "substitute":
            lines.append(f"{day}: {s.from_} \u2192 {s.to}")
        elif s.kind == "move" and s.move_to is not None:
            lines.append(f"Move {s.from_} from {day} to {palette.DAY_NAMES[s.move_to.weekday()]}")
        else:
            lines.append(f"{day}: {s.reason or f'fewer sets of {s.from_}'}")
    if week.after_swaps is not None and week.swaps:
        a = week.after_swaps
        lines.append(f"Effect: lower back loaded {a.loaded_days} days instead of "
                     f"{len(week.loaded_days)}; the week would be {a.status}.")
    return lines


def _advice(week: Week) -> list[str]:
    """What to change: the proven swaps when there are some, else advice per flag."""
    if week.swaps:
        return swap_lines(week)
    return [ADVICE[code] for code in dict.fromkeys(f.code for f in week.flags) if code in ADVICE]


def _flag_block(week: Week, styles: _Styles) -> list[Flowable]:
    title = f"{week.week} ({_span(week.start)}): {week.status.upper()}"
    items: list[Flowable] = [_p(title, styles.h2)]
    for f in week.flags:
        plain = palette.PLAIN_FLAG.get(f.code, f.code)
        items.append(Paragraph(f"<b>{escape(plain.capitalize())}</b> ({escape(f.severity)}): "
                               f"{escape(f.message)}", styles.body, bulletText="\u2022"))
    if week.swaps:
        items.append(_p("Proposed changes:", styles.body))
        items.extend(_p(line, styles.body) for line in swap_lines(week))
    return [KeepTogether(items)]


def _mobility(styles: _Styles) -> list[Flowable]:
    items: list[Flowable] = [
        _p("Mobility routine for flagged weeks", styles.h2),
        _p("On the days after a flagged run, or as a cool-down: hold each position for 30 s, "
           "breathing slowly, without forcing into pain.", styles.body),
    ]
    items.extend(Paragraph(f"<b>{escape(name)}</b>: {escape(how)} (30 s)", styles.body,
                           bulletText="\u2022") for name, how in MOBILITY)
    return [KeepTogether(items)]


def _week_table(weeks: Sequence[Week], styles: _Styles) -> Table:
    header = ["Week", "Status", "Loaded days", "Load", "Ratio", "Flags"]
    rows: list[list[object]] = [[_p(h, styles.cell) for h in header]]
    style = [
        ("FONTNAME", (0, 0), (-1, -1), _fonts()[0]),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#CCCCCC")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for i, w in enumerate(weeks, start=1):
        flags = ", ".join(dict.fromkeys(palette.PLAIN_FLAG.get(f.code, f.code) for f in w.flags))
        if w.after_swaps is not None and w.swaps:
            flags += f" (fix \u2192 {w.after_swaps.status})"
        rows.append([
            _p(f"{w.week}  {w.start:%d %b}", styles.cell),
            _p(w.status.upper(), styles.cell),
            _p(_days_text(w.loaded_days), styles.cell),
            _p(f"{w.lower_back_load:.1f}", styles.cell),
            _p("-" if w.acwr is None else f"{w.acwr:.2f}", styles.cell),
            _p(flags, styles.cell),
        ])
        style.append(("BACKGROUND", (1, i), (1, i),
                      colors.HexColor(palette.STATUS_COLOURS[w.status])))
    widths = [3.3 * cm, 1.9 * cm, 3.4 * cm, 1.2 * cm, 1.2 * cm]
    widths.append(FRAME_W - sum(widths))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def _footer(pain: bool) -> Callable[[Canvas, SimpleDocTemplate], None]:
    """Draws the disclaimer (and the boxed pain line) at the foot of every page."""
    regular, bold = _fonts()

    def draw(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.drawString(MARGIN, 1.0 * cm, FOOTER_TEXT)
        canvas.drawRightString(PAGE_W - MARGIN, 1.0 * cm, f"page {doc.page}")
        if pain:
            box_y = 1.45 * cm
            canvas.setStrokeColor(colors.HexColor(palette.STATUS_COLOURS["overuse"]))
            canvas.setLineWidth(1.2)
            canvas.rect(MARGIN, box_y, FRAME_W, 0.6 * cm, stroke=1, fill=0)
            room = FRAME_W - 0.4 * cm
            size = min(PAIN_FONT_SIZE,
                       PAIN_FONT_SIZE * room / pdfmetrics.stringWidth(PAIN_TEXT, bold,
                                                                      PAIN_FONT_SIZE))
            canvas.setFont(bold, size)
            canvas.setFillColor(colors.black)
            canvas.drawString(MARGIN + 0.2 * cm, box_y + 0.2 * cm, PAIN_TEXT)
        canvas.restoreState()

    return draw


def _build(story: list[Flowable], title: str, pain: bool) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=1.5 * cm,
        bottomMargin=(2.3 if pain else 1.6) * cm, title=title, author="backlog",
        creator="backlog", producer="backlog", subject="Lower-back training report",
        invariant=1,
    )
    footer = _footer(pain)
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


def athlete_story(result: AthleteResult, config: Config, styles: _Styles) -> list[Flowable]:
    """The full per-athlete report: verdict and what to change, week table, flag
    explanations with swaps, charts, and the mobility routine when a week was flagged."""
    story: list[Flowable] = []
    weeks = result.weeks
    flagged = [w for w in weeks if w.status != "ok"]
    story.append(_p(f"Lower-back report: {result.athlete}", styles.title))
    story.append(_p(f"Log from {result.first_date:%d %b %Y} to {result.last_date:%d %b %Y}: "
                    f"{len(weeks)} weeks, {len(flagged)} flagged.", styles.small))
    story.append(Spacer(1, 6))
    if not weeks:
        story.append(_p("No training weeks in this log.", styles.body))
        return story
    latest = weeks[-1]
    story.append(_status_box(
        f"Latest week {latest.week} ({_span(latest.start)}): {latest.status.upper()}",
        latest.status, styles))
    story.append(Spacer(1, 4))
    run = f"{latest.longest_run} in a row" if latest.longest_run > 1 else "none in a row"
    story.append(_p(f"Lower back loaded on {len(latest.loaded_days)} days "
                    f"({_days_text(latest.loaded_days)}; {run}); weekly lower-back dose "
                    f"{latest.lower_back_load:.1f}.", styles.body))
    for f in latest.flags:
        story.append(Paragraph(escape(f.message), styles.body, bulletText="\u2022"))
    before = weeks[-4:-1]
    if before:
        story.append(_p("The weeks before: " + ", ".join(f"{w.week} {w.status}" for w in before)
                        + ".", styles.body))
    story.append(_p("What to change", styles.h2))
    advice = _advice(latest)
    if advice:
        story.extend(Paragraph(escape(line), styles.body, bulletText="\u2022") for line in advice)
    elif flagged:
        story.append(_p(f"Nothing this week. The last flagged week was {flagged[-1].week}: keep "
                        "at least one day without lower-back load between direct days, as now.",
                        styles.body))
    else:
        story.append(_p("Nothing: the lower back gets its rest between loaded days.",
                        styles.body))
    story.append(Spacer(1, 6))
    story.append(_figure_image(charts.week_calendar(result, weeks=8), width=FRAME_W * 0.92))

    story.append(PageBreak())
    shown = weeks[-TABLE_WEEKS:]
    story.append(_p("Week by week", styles.h2))
    if len(weeks) > len(shown):
        story.append(_p(f"The last {len(shown)} of {len(weeks)} weeks (all of them are in the "
                        "JSON output).", styles.small))
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


def athlete_report(result: AthleteResult, config: Config | None = None) -> bytes:
    """One athlete's full report as PDF bytes."""
    config = config or load_config()
    story = athlete_story(result, config, _styles())
    return _build(story, f"Lower-back report: {result.athlete}", result.has_pain_note)


# --- weekly report ----------------------------------------------------------------------------


def _sessions_table(result: AthleteResult, monday: dt.date, styles: _Styles) -> Table | None:
    sets = result.sets
    start = pd.Timestamp(monday)
    week = sets.loc[sets["date"].between(start, start + pd.Timedelta(days=6))
                    & (sets["set_type"].astype("str") != "warmup")]
    if week.empty:
        return None
    per = (
        pd.DataFrame({
            "date": week["date"], "exercise": week["exercise"].astype("str"),
            "at": week["performed_at"], "reps": week["reps"], "kg": week["weight_kg"],
            "cls": week["load_class"].astype("str"), "dose": week["dose"],
        })
        .groupby(["date", "exercise"], sort=False)
        .agg(at=("at", "min"), sets=("reps", "size"), reps_min=("reps", "min"),
             reps_max=("reps", "max"), kg=("kg", "max"), cls=("cls", "first"),
             dose=("dose", "sum"))
        .reset_index()
        .sort_values(["date", "at"], kind="stable")
    )
    rows: list[list[object]] = [[_p(h, styles.cell) for h in
                                 ("Day", "Lift", "Sets", "Lower back", "Dose")]]
    style = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#CCCCCC")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    for i, r in enumerate(per.to_dict("records"), start=1):
        reps = (f"{r['reps_min']:g}" if r["reps_min"] == r["reps_max"]
                else f"{r['reps_min']:g}-{r['reps_max']:g}")
        load = "" if pd.isna(r["kg"]) else f" @ {r['kg']:g} kg"
        rows.append([
            _p(f"{r['date']:%a %d %b}", styles.cell),
            _p(r["exercise"], styles.cell),
            _p(f"{r['sets']} \u00d7 {reps}{load}", styles.cell),
            _p(r["cls"] if r["cls"] in ("direct", "indirect") else "spared", styles.cell),
            _p(f"{r['dose']:.1f}", styles.cell),
        ])
        if r["cls"] in ("direct", "indirect"):
            style.append(("BACKGROUND", (3, i), (3, i),
                          colors.HexColor(palette.CLASS_COLOURS[r["cls"]])))
    widths = [2.4 * cm, 6.6 * cm, 3.6 * cm, 2.2 * cm]
    widths.append(FRAME_W - sum(widths))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def week_page(result: AthleteResult, monday: dt.date, styles: _Styles) -> list[Flowable]:
    """One page for one athlete and one ISO week (kept to one page by shrinking if needed)."""
    items: list[Flowable] = [
        _p(f"{result.athlete}: week {week_label(monday)}", styles.title),
        _p(_span(monday), styles.small),
        Spacer(1, 4),
    ]
    week = next((w for w in result.weeks if w.start == monday), None)
    if week is None:
        items.append(_status_box("No training logged this week", "no data", styles))
        return [KeepInFrame(FRAME_W, PAGE_H - 4.5 * cm, items, mode="shrink"), PageBreak()]
    items.append(_status_box(f"{week.status.upper()}: lower back loaded "
                             f"{len(week.loaded_days)} days ({_days_text(week.loaded_days)})",
                             week.status, styles))
    items.append(Spacer(1, 4))
    items.append(_figure_image(charts.week_calendar(result, weeks=1, end=monday),
                               width=FRAME_W * 0.9))
    table = _sessions_table(result, monday, styles)
    if table is not None:
        items.extend([_p("Sessions", styles.h2), table])
    if week.flags:
        items.append(_p("Flags", styles.h2))
        for f in week.flags:
            plain = palette.PLAIN_FLAG.get(f.code, f.code)
            items.append(Paragraph(f"<b>{escape(plain.capitalize())}</b>: {escape(f.message)}",
                                   styles.body, bulletText="\u2022"))
        items.append(_p("What to change", styles.h2))
        items.extend(Paragraph(escape(line), styles.body, bulletText="\u2022")
                     for line in _advice(week))
        items.append(_p("Mobility: supine back stretch, cat-cow, seated twist, chin drops, fan "
                        "stretch, cross-body arm stretch; 30 s each.", styles.body))
    return [KeepInFrame(FRAME_W, PAGE_H - 4.5 * cm, items, mode="shrink"), PageBreak()]


def weekly_report(results: Sequence[AthleteResult], monday: dt.date) -> bytes:
    """One page per athlete for the ISO week starting `monday`."""
    styles = _styles()
    story: list[Flowable] = []
    for result in sorted(results, key=lambda a: a.athlete):
        story.extend(week_page(result, monday, styles))
    if story and isinstance(story[-1], PageBreak):
        story.pop()
    pain = any(f.code == "pain_note" for r in results for w in r.weeks if w.start == monday
               for f in w.flags)
    return _build(story, f"Weekly lower-back report {week_label(monday)}", pain)


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
        self.canv.linkURL(self.target, (0, 0, self.width, self.height), relative=1,
                          kind="GoToR")


@dataclass(frozen=True)
class RosterLine:
    """One athlete's standing in the roster week."""

    result: AthleteResult
    week: Week | None
    flagged_recent: int

    @property
    def status(self) -> str:
        return self.week.status if self.week is not None else "no data"


def roster_lines(results: Sequence[AthleteResult], monday: dt.date) -> list[RosterLine]:
    """Athletes worst first: status this week, then how many kinds of flag this week, then
    flagged weeks among the last four, then this week's load, then name."""
    lines = []
    for r in results:
        week = next((w for w in r.weeks if w.start == monday), None)
        recent = [w for w in r.weeks if monday - dt.timedelta(weeks=3) <= w.start <= monday]
        lines.append(RosterLine(r, week, sum(w.status != "ok" for w in recent)))
    return sorted(lines, key=lambda ln: (
        -SEVERITY_RANK.get(ln.status, -1),
        -(len({f.code for f in ln.week.flags}) if ln.week else 0), -ln.flagged_recent,
        -(ln.week.lower_back_load if ln.week else 0.0), ln.result.athlete))


def latest_week(results: Sequence[AthleteResult]) -> dt.date:
    """The Monday of the latest week any athlete logged."""
    return max((r.weeks[-1].start for r in results if r.weeks), default=dt.date.today())


def roster_report(results: Sequence[AthleteResult], monday: dt.date,
                  links: dict[str, str]) -> bytes:
    """roster.pdf: one line per athlete, worst first, with a load sparkline and a link to the
    athlete's own PDF (`links`: athlete -> path relative to the roster file)."""
    styles = _styles()
    regular, _ = _fonts()
    lines = roster_lines(results, monday)
    counts = {s: sum(ln.status == s for ln in lines) for s in ("overuse", "watch", "ok")}
    story: list[Flowable] = [
        _p(f"Roster: week {week_label(monday)}", styles.title),
        _p(f"{_span(monday)}. {len(lines)} athletes: {counts['overuse']} overuse, "
           f"{counts['watch']} watch, {counts['ok']} ok. Worst first.", styles.body),
        Spacer(1, 6),
    ]
    header = ["Athlete", "This week", "Flags this week", "Flagged weeks (last 4)",
              "Lower-back load, last 8 weeks", "Report"]
    rows: list[list[object]] = [[_p(h, styles.cell) for h in header]]
    style = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#CCCCCC")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for i, ln in enumerate(lines, start=1):
        flags = "" if ln.week is None else ", ".join(
            dict.fromkeys(palette.PLAIN_FLAG.get(f.code, f.code) for f in ln.week.flags))
        spark = _figure_image(charts.sparkline(ln.result, weeks=8, end=monday),
                              width=3.2 * cm, dpi=200)
        target = links.get(ln.result.athlete)
        rows.append([
            Paragraph(f"<b>{escape(ln.result.athlete)}</b>", styles.body),
            _p(ln.status.upper(), styles.cell),
            _p(flags or "-", styles.cell),
            _p(str(ln.flagged_recent), styles.cell),
            spark,
            _FileLink("open report", target, regular) if target else _p("-", styles.cell),
        ])
        style.append(("BACKGROUND", (1, i), (1, i),
                      colors.HexColor(palette.STATUS_COLOURS[ln.status])))
    widths = [4.0 * cm, 1.9 * cm, 3.9 * cm, 1.9 * cm, 3.4 * cm]
    widths.append(FRAME_W - sum(widths))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    story.append(table)
    pain = any(r.has_pain_note for r in results)
    return _build(story, f"Roster {week_label(monday)}", pain)


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
    With more than one athlete, also `out/roster.pdf` for that week (default: the latest)."""
    config = config or load_config()
    results = sorted(analysis.athletes, key=lambda a: a.athlete)
    folders = charts.athlete_folders(analysis, out_dir)
    monday = parse_week(week) if week else latest_week(results)
    label = week_label(monday)
    jobs: list[RenderJob] = []
    links: dict[str, str] = {}
    for result in results:
        folder = folders[result.athlete]
        if week:
            target = folder / f"{folder.name}-{label}.pdf"

            def run(result: AthleteResult = result, target: Path = target) -> list[Path]:
                return [atomic_write_bytes(target, weekly_report([result], monday))]
        else:
            target = folder / f"{folder.name}.pdf"

            def run(result: AthleteResult = result, target: Path = target) -> list[Path]:
                return [atomic_write_bytes(target, athlete_report(result, config))]
        links[result.athlete] = f"{folder.name}/{target.name}"
        jobs.append(RenderJob(result.athlete, run))
    if week and results:
        weekly_target = out_dir / f"weekly-{label}.pdf"
        jobs.append(RenderJob("weekly report", aggregate=True, run=lambda: [
            atomic_write_bytes(weekly_target, weekly_report(results, monday))]))
    if len(results) > 1:
        roster_target = out_dir / "roster.pdf"
        jobs.append(RenderJob("roster", aggregate=True, run=lambda: [
            atomic_write_bytes(roster_target, roster_report(results, monday, links))]))
    return jobs


def write_reports(analysis: Analysis, out_dir: Path, *, week: str | None = None,
                  config: Config | None = None) -> list[Path]:
    """Run every report job (no progress display); returns the files written."""
    return [path for job in report_jobs(analysis, out_dir, week=week, config=config)
            for path in job.run()]
