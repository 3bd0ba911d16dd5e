"""Charts a coach reads at a glance: one function per chart, each returning a matplotlib Figure.

Figures are built on `matplotlib.figure.Figure` (Agg canvas, no pyplot state), sized for an A4
page at full text width, and drawn with text stamped from lines rendered once per process
(`_StampRenderer`). `write_all` writes every athlete's charts as PNG into
`out_dir/<safe athlete name>/`. Renderers only draw what `AthleteResult` holds; nothing here
recomputes the model.
"""

from __future__ import annotations

import datetime as dt
import struct
import textwrap
import warnings
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.axis import Axis  # noqa: E402
from matplotlib.backend_bases import GraphicsContextBase  # noqa: E402
from matplotlib.backends.backend_agg import (  # noqa: E402
    FigureCanvasAgg,
    RendererAgg,
    get_hinting_flag,
)
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties, findfont, get_font  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.textpath import text_to_path  # noqa: E402
from numpy.lib.stride_tricks import as_strided  # noqa: E402

from analyzer.calendar import DAY_NAMES
from analyzer.collector import collector_paused  # noqa: E402
from analyzer.config import Config, load_config  # noqa: E402
from analyzer.render import palette  # noqa: E402
from analyzer.results import Analysis, AthleteResult  # noqa: E402

#: Weeks shown by default: enough to see a pattern, few enough to read the cells.
DEFAULT_WEEKS = 12
WIDTH_IN = 7.5  # A4 text width at ~2 cm margins
DPI = 150
#: PNG text chunks, pinned so that the same input gives byte-identical files (None: no such
#: chunk; matplotlib would write its version as "Software").
PNG_METADATA: dict[str, str | None] = {"Software": None}
RUN_FLAGS = ("consecutive_days", "hard_spacing")
CHART_FILES = ("calendar", "daily", "weekly", "sources")

matplotlib.rcParams.update(
    {
        "font.size": 9,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.fontsize": 8,
        "legend.frameon": False,
        "svg.hashsalt": "backlog",
        # Glyph outlines drawn as designed rather than grid-fitted: at 150 dpi the text looks
        # the same, and drawing it takes a quarter less time (text is most of a chart's cost).
        "text.hinting": "no_hinting",
    }
)

# Fixed margins (inches) instead of a layout engine: constrained layout re-measured every text
# of a chart on each draw (a third of the drawing time) to find margins that hardly vary. These
# are the margins it found, less the tick labels, which are measured per chart.
TITLE_ROOM = 0.241  # bold 11 pt title, its offset and the 3 pt pad
NAME_TITLE_ROOM = 0.245  # the same with room for accents in an athlete's name
EDGE = 3 / 72  # matplotlib's layout pad
LEGEND_ROOM = 0.470  # two rows of a figure legend below the axes, with pads
DAILY_BOTTOM = 0.873  # date ticks, x label and the legend's two rows
WEEKLY_BOTTOM = 0.619  # two-line week ticks and the x label
SOURCES_BOTTOM = 0.444  # dose ticks and the x label
YLABEL_ROOM = 0.495  # two-line y label, tick marks and pads, beside the tick labels
RATIO_ROOM = 0.321  # one-line ratio label on the right, tick marks and pads
NAME_ROOM = 0.162  # tick marks and pads beside the exercise names


_T = TypeVar("_T")


def _axes(fig: Figure, *, left: float, right: float, top: float, bottom: float) -> Axes:
    """An axes with the given margins in inches (see `_place`)."""
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    _place(ax, left=left, right=right, top=top, bottom=bottom)
    return ax


def _place(ax: Axes, *, left: float, right: float, top: float, bottom: float) -> None:
    """Put `ax` at fixed margins, in inches from the figure's edges."""
    width, height = _figure_size(ax)
    ax.set_position(
        (left / width, bottom / height, 1 - (left + right) / width, 1 - (top + bottom) / height)
    )


def _figure_size(ax: Axes) -> np.ndarray:
    """(width, height) in inches of the figure `ax` is drawn on."""
    fig = ax.get_figure()
    assert isinstance(fig, Figure)  # charts put their axes on a Figure, never a SubFigure
    return fig.get_size_inches()


def _title(ax: Axes, text: str) -> None:
    """The chart's title, pinned to the top of the axes: nothing is drawn above the axes, so
    matplotlib's search for room above them (a third of drawing the weekly chart) is skipped."""
    ax.set_title(text, y=1.0)


def _tick_width(axis: Axis) -> float:
    """Width (inches) of the widest major tick label `axis` will show at its current limits."""
    low, high = sorted(axis.get_view_interval())
    slack = (high - low) * 1e-9
    values = [v for v in axis.get_major_locator()() if low - slack <= v <= high + slack]
    return _text_width(axis.get_major_formatter().format_ticks(values))


def _right_overhang(ax: Axes) -> float:
    """How far (inches) the last x tick label reaches past the right end of `ax` (0 if not)."""
    low, high = ax.get_xlim()
    slack = (high - low) * 1e-9
    ticks = [v for v in ax.xaxis.get_major_locator()() if low - slack <= v <= high + slack]
    if not ticks:
        return 0.0
    label = ax.xaxis.get_major_formatter().format_ticks(ticks)[-1]
    width = ax.get_position().width * _figure_size(ax)[0]
    return max(0.0, _text_width([label]) / 2 - (high - ticks[-1]) / (high - low) * width)


def _fitted(title: str, room: float) -> str:
    """`title` cut short with an ellipsis where it would be wider than `room` inches."""
    size, weight = matplotlib.rcParams["axes.titlesize"], matplotlib.rcParams["axes.titleweight"]
    cut = len(title)
    while (
        cut > 1
        and _text_width([title if cut == len(title) else title[:cut] + "\u2026"], size, weight)
        > room
    ):
        cut -= 1
    return title if cut == len(title) else title[:cut].rstrip() + "\u2026"


@contextmanager
def _missing_glyphs_quiet() -> Iterator[None]:
    """Names in a script the chart font lacks (e.g. Chinese with DejaVu Sans) are drawn as
    boxes; matplotlib would warn once per glyph per chart, thousands of lines for a roster."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"Glyph \d+ .*missing from font", category=UserWarning
        )
        yield


def _text_width(
    texts: Sequence[str], size: str | float = "medium", weight: str = "normal"
) -> float:
    """Width (inches) of the widest of `texts` in the chart font (tick labels by default)."""
    prop = FontProperties(size=size, weight=weight)
    with _missing_glyphs_quiet():
        return (
            max(
                (
                    text_to_path.get_text_width_height_descent(t, prop, ismath=False)[0]
                    for t in texts
                ),
                default=0.0,
            )
            / 72
        )


def _short(name: str) -> str:
    """A lift name for a calendar cell: equipment in brackets dropped."""
    return name.split(" (")[0].strip() or name


def _window(
    result: AthleteResult, weeks: int, end: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """(first Monday, last Sunday) of the last `weeks` weeks up to the week holding `end`."""
    last = end or (result.weeks[-1].start if result.weeks else result.last_date)
    last_monday = last - dt.timedelta(days=last.weekday())
    first_monday = last_monday - dt.timedelta(weeks=max(weeks, 1) - 1)
    if result.weeks:
        first_monday = max(first_monday, result.weeks[0].start)
    return first_monday, last_monday + dt.timedelta(days=6)


#: The set-table columns the charts read (a working-set table keeps only these).
_WORK_COLUMNS = ["date", "performed_at", "exercise", "load_class", "dose"]


def _working(result: AthleteResult, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The athlete's working sets (warm-ups left out) dated `start`..`end`, with the columns the
    charts read: taking those few columns of the window is a fraction of taking every one."""
    sets = result.sets
    keep = sets["set_type"].ne("warmup") & sets["date"].between(
        pd.Timestamp(start), pd.Timestamp(end)
    )
    return sets.loc[keep, _WORK_COLUMNS]


def day_classes(
    result: AthleteResult, start: dt.date, end: dt.date, *, work: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per calendar day in [start, end]: `date`, `day_class` (direct if any working set
    loads the lower back directly, else indirect, else none when anything was trained, else
    rest), `lifts` (the day's exercise names, lower-back-loading and heaviest dose first).

    `work` is `_working(result, start, end)` when the caller has it already. One groupby by
    (day, exercise) gives both the classes and the lifts; the days are then read off in a loop
    over its few hundred rows, cheaper than more pandas steps on frames this small."""
    work = _working(result, start, end) if work is None else work
    cls = work["load_class"].astype("str")
    by_lift = (
        pd.DataFrame(
            {
                "date": work["date"],
                "exercise": work["exercise"].astype("str"),
                "dose": work["dose"],
                "at": work["performed_at"],
                "direct": cls.eq("direct"),
                "indirect": cls.eq("indirect"),
            }
        )
        # dropna=False: a set without an exercise name still makes its day trained.
        .groupby(["date", "exercise"], sort=False, dropna=False)
        .agg(
            dose=("dose", "sum"),
            at=("at", "min"),
            direct=("direct", "any"),
            indirect=("indirect", "any"),
        )
        .reset_index()
        .sort_values(["date", "dose", "at"], ascending=[True, False, True], kind="stable")
    )
    lifts: dict[pd.Timestamp, list[str]] = {}
    strongest: dict[pd.Timestamp, str] = {}
    for day, name, direct, indirect in zip(
        by_lift["date"], by_lift["exercise"], by_lift["direct"], by_lift["indirect"], strict=True
    ):
        names = lifts.setdefault(day, [])
        if isinstance(name, str):
            names.append(name)
        if direct:
            strongest[day] = "direct"
        elif indirect and strongest.get(day) != "direct":
            strongest[day] = "indirect"
        else:
            strongest.setdefault(day, "none")
    # In the set table's unit (date_range would give seconds for dates).
    dates = pd.date_range(start, end, freq="D").as_unit(work["date"].dt.unit)
    return pd.DataFrame(
        {
            "date": dates,
            "day_class": [strongest.get(day, "rest") for day in dates],
            "lifts": [tuple(lifts.get(day, ())) for day in dates],
        }
    )


def _flagged_days(result: AthleteResult) -> set[dt.date]:
    return {d for w in result.weeks for f in w.flags if f.code in RUN_FLAGS for d in f.days}


def _pain_days(result: AthleteResult) -> set[dt.date]:
    return {d for w in result.weeks for f in w.flags if f.code == "pain_note" for d in f.days}


def _cell_text(lifts: Sequence[str], max_lifts: int = 2, width: int = 15) -> str:
    """The first lifts of a day, each wrapped onto at most two short lines, then '+n more'."""
    lines: list[str] = []
    for name in lifts[:max_lifts]:
        lines.extend(textwrap.wrap(_short(name), width, max_lines=2, placeholder="\u2026"))
    if len(lifts) > max_lifts:
        lines.append(f"+{len(lifts) - max_lifts} more")
    return "\n".join(lines)


@collector_paused()
def week_calendar(
    result: AthleteResult,
    *,
    weeks: int = DEFAULT_WEEKS,
    end: dt.date | None = None,
    days: pd.DataFrame | None = None,
) -> Figure:
    """Weeks as rows, Mon..Sun as columns; each cell coloured by the day's lower-back load class
    and naming its lifts; runs of days behind a flag outlined; the week's status on the right.
    `days`: `day_classes` of the chart's window when the caller has them (`athlete_figures`).

    Cells carry gid `cell-YYYY-MM-DD`, outlines `run-YYYY-MM-DD` (first day), for tests."""
    start, stop = _window(result, weeks, end)
    days = day_classes(result, start, stop) if days is None else days
    n_rows = len(days) // 7
    status = {w.start: w.status for w in result.weeks}
    partial = {w.start for w in result.weeks if w.in_progress}
    flagged = _flagged_days(result)
    pain = _pain_days(result)

    row_h = 0.62
    fig = Figure(figsize=(WIDTH_IN, 1.35 + row_h * n_rows))
    ax = _axes(fig, left=EDGE, right=EDGE, top=NAME_TITLE_ROOM, bottom=LEGEND_ROOM)
    ax.set_xlim(-1.25, 8.05)
    ax.set_ylim(n_rows, -0.45)
    ax.axis("off")
    for col, name in enumerate(DAY_NAMES):
        ax.text(col + 0.5, -0.22, name, ha="center", va="center", fontsize=9, fontweight="bold")
    ax.text(7.6, -0.22, "week", ha="center", va="center", fontsize=9, fontweight="bold")

    # Cells go in with add_artist: the limits are fixed, so add_patch's data-limit update
    # (a third of building this chart) would be wasted.
    dates = days["date"].dt.date.tolist()
    for i, (day, cls, lifts) in enumerate(
        zip(dates, days["day_class"], days["lifts"], strict=True)
    ):
        row, col = divmod(i, 7)
        rect = Rectangle(
            (col + 0.04, row + 0.04),
            0.92,
            0.92,
            facecolor=palette.CLASS_COLOURS[cls],
            edgecolor="white",
            linewidth=0.5,
        )
        rect.set_gid(f"cell-{day.isoformat()}")
        ax.add_artist(rect)
        ink = palette.CLASS_TEXT[cls]
        ax.text(
            col + 0.09,
            row + 0.1,
            f"{day.day}",
            ha="left",
            va="top",
            fontsize=6.5,
            color=ink,
            alpha=0.85,
        )
        if day in pain:
            ax.text(
                col + 0.91,
                row + 0.1,
                "pain",
                ha="right",
                va="top",
                fontsize=6.5,
                color=ink,
                fontweight="bold",
            )
        if lifts:
            ax.text(
                col + 0.5,
                row + 0.58,
                _cell_text(lifts),
                ha="center",
                va="center",
                fontsize=6.2,
                color=ink,
                linespacing=1.05,
            )

    # Rows name their year when the log spans more than one (ISO) year.
    many_years = len({w.start.isocalendar().year for w in result.weeks}) > 1
    for row in range(n_rows):
        monday = dates[row * 7]
        iso = monday.isocalendar()
        label = f"{iso.year}-W{iso.week:02d}" if many_years else f"W{iso.week:02d}"
        ax.text(
            -0.1,
            row + 0.5,
            f"{label}\n{monday:%d %b}",
            ha="right",
            va="center",
            fontsize=7.5 if many_years else 8,
        )
        week_status: str = status.get(monday, "ok")
        word = week_status.upper()
        if monday in partial:
            # A week the log ends inside: its status so far, never a green box.
            word = f"{word}\nso far"
            if week_status == "ok":
                week_status = "no data"
        ax.add_artist(
            Rectangle(
                (7.15, row + 0.2),
                0.9,
                0.6,
                facecolor=palette.STATUS_COLOURS[week_status],
                edgecolor="none",
            )
        )
        ax.text(
            7.6,
            row + 0.5,
            word,
            ha="center",
            va="center",
            fontsize=6.5 if monday in partial else 7.5,
            linespacing=1.0,
            color="white" if week_status not in ("watch", "no data") else "black",
            fontweight="bold",
        )
        # Outline each contiguous stretch of flagged days inside this row.
        col = 0
        while col < 7:
            if dates[row * 7 + col] in flagged:
                first = col
                while col < 7 and dates[row * 7 + col] in flagged:
                    col += 1
                outline = Rectangle(
                    (first + 0.02, row + 0.02),
                    col - first - 0.04,
                    0.96,
                    facecolor="none",
                    edgecolor=palette.FLAG_OUTLINE,
                    linewidth=2.4,
                )
                outline.set_gid(f"run-{dates[row * 7 + first].isoformat()}")
                ax.add_artist(outline)
            else:
                col += 1

    handles = [
        Patch(
            facecolor=palette.CLASS_COLOURS[c],
            edgecolor="#666666",
            linewidth=0.4,
            label=palette.CLASS_WORDS[c],
        )
        for c in palette.DAY_CLASSES
    ]
    handles.append(
        Patch(
            facecolor="none",
            edgecolor=palette.FLAG_OUTLINE,
            linewidth=2,
            label="days behind a flag",
        )
    )
    if pain:
        handles.append(
            Patch(facecolor="none", edgecolor="none", label="pain: a note mentions pain")
        )
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=3,
        fontsize=7.5,
        handlelength=1.4,
        columnspacing=1.2,
    )
    name = textwrap.shorten(result.athlete, 60, placeholder="...")
    _title(ax, _fitted(f"Which days load the lower back: {name}", WIDTH_IN - 2 * EDGE))
    return fig


@collector_paused()
def daily_load(
    result: AthleteResult,
    *,
    weeks: int = DEFAULT_WEEKS,
    end: dt.date | None = None,
    config: Config | None = None,
    days: pd.DataFrame | None = None,
) -> Figure:
    """Daily lower-back dose (bars, coloured by the day's class) with the load still carried
    (recovery state), against the lifter's loaded-day and hard-direct-session thresholds
    (a direct session above the dashed line is a hard one). `days`: `day_classes` of the
    chart's window when the caller has them (`athlete_figures`)."""
    config = config or load_config()
    start, stop = _window(result, weeks, end)
    d = result.days
    d = d.loc[d["date"].between(pd.Timestamp(start), pd.Timestamp(stop))]
    days = day_classes(result, start, stop) if days is None else days
    classes = days.set_index("date")["day_class"]
    colours = classes.reindex(d["date"]).fillna("rest").map(palette.CLASS_COLOURS)

    fig = Figure(figsize=(WIDTH_IN, 3.6))
    ax = _axes(fig, left=YLABEL_ROOM, right=EDGE, top=TITLE_ROOM, bottom=DAILY_BOTTOM)
    x = d["date"].to_numpy()
    dose = d["dose"].to_numpy()
    # A bar for each day with a dose: a zero-height bar draws nothing but costs as much to add.
    dosed = dose > 0
    ax.bar(
        x[dosed],
        dose[dosed],
        width=0.8,
        color=colours.to_numpy()[dosed].tolist(),
        label="daily dose",
        gid="dose-bars",
    )
    ax.plot(
        x,
        d["recovery_state"].to_numpy(),
        color=palette.LINE_BLUE,
        linewidth=1.6,
        label="load still carried (recovery state)",
        gid="recovery-line",
    )
    loaded_at = float(d["loaded_at"].iloc[0]) if len(d) else config.min_loaded_dose
    hard_at = float(d["hard_at"].iloc[0]) if len(d) else config.hard_floor
    ax.axhline(
        loaded_at,
        color="#000000",
        linestyle=(0, (1, 1.5)),
        linewidth=1.0,
        label=f"loaded day ({loaded_at:.1f})",
        gid="loaded-line",
    )
    ax.axhline(
        hard_at,
        color=palette.CLASS_COLOURS["direct"],
        linestyle="--",
        linewidth=1.2,
        label=f"hard direct session ({hard_at:.1f})",
        gid="threshold",
    )
    ax.set_ylabel("Lower-back dose\n(1 = one all-out deadlift set)")
    ax.set_ylim(bottom=0)
    # matplotlib's stubs take floats only; its date units convert Timestamps at run time.
    ax.set_xlim(
        pd.Timestamp(start) - pd.Timedelta(hours=18),  # type: ignore[arg-type]
        pd.Timestamp(stop) + pd.Timedelta(hours=18),  # type: ignore[arg-type]
    )
    mondays = pd.date_range(start, stop, freq="W-MON")
    ax.set_xticks(mondays.to_numpy(), [f"{m:%d %b}" for m in mondays])
    ax.set_xlabel("Date (ticks on Mondays)")
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    lines = [line for line in ax.get_lines()]
    handles = [
        *lines,
        *(
            Patch(facecolor=palette.CLASS_COLOURS[c], label=f"daily dose, {c} day")
            for c in ("direct", "indirect")
        ),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=7.5)
    top = max(
        float(d["dose"].max()) if len(d) else 0.0,
        float(d["recovery_state"].max()) if len(d) else 0.0,
        hard_at,
    )
    ax.set_ylim(0, top * 1.08 + 0.1)
    _place(
        ax,
        left=YLABEL_ROOM + _tick_width(ax.yaxis),
        right=EDGE,
        top=TITLE_ROOM,
        bottom=DAILY_BOTTOM,
    )
    _title(ax, "Daily lower-back load and what is still carried")
    return fig


@collector_paused()
def weekly_load(
    result: AthleteResult,
    *,
    weeks: int = DEFAULT_WEEKS,
    end: dt.date | None = None,
    config: Config | None = None,
) -> Figure:
    """Weekly lower-back load (bars coloured by week status) with the acute:chronic ratio on a
    second axis and the band_low..band_high range shaded."""
    config = config or load_config()
    start, stop = _window(result, weeks, end)
    shown = [w for w in result.weeks if start <= w.start <= stop]
    fig = Figure(figsize=(WIDTH_IN, 3.4))
    ax = _axes(fig, left=YLABEL_ROOM, right=RATIO_ROOM, top=TITLE_ROOM, bottom=WEEKLY_BOTTOM)
    x = np.arange(len(shown))
    loads = [w.lower_back_load for w in shown]
    ax.bar(
        x,
        loads,
        width=0.65,
        color=[palette.STATUS_COLOURS[palette.week_colour_key(w)] for w in shown],
        gid="load-bars",
    )
    ax.set_xticks(x, [f"W{w.start.isocalendar().week:02d}\n{w.start:%d %b}" for w in shown])
    ax.set_ylabel("Weekly lower-back dose\n(1 = one all-out deadlift set)")
    ax.set_xlabel("Week (Monday date)")
    ax.set_ylim(0, (max(loads) if loads else 1.0) * 1.3 + 0.1)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)

    ratio_ax = ax.twinx()
    ratio_ax.spines["right"].set_visible(True)
    ratios = np.array([np.nan if w.acwr is None else w.acwr for w in shown], dtype="float64")
    ratio_top = max(2.0, float(np.nanmax(ratios)) * 1.15 if np.isfinite(ratios).any() else 0.0)
    ratio_ax.set_ylim(0, ratio_top)
    ratio_ax.plot(
        x, ratios, color=palette.LINE_BLUE, marker="o", markersize=4, linewidth=1.6, gid="acwr-line"
    )
    # The band belongs to the ratio axis but is drawn on the load axis (rescaled) so that it
    # sits behind the bars instead of tinting them.
    scale = ax.get_ylim()[1] / ratio_top
    ax.axhspan(
        config.band_low * scale,
        config.band_high * scale,
        color=palette.BAND_FILL,
        alpha=0.15,
        linewidth=0,
        zorder=0,
        gid="acwr-band",
    )
    ratio_ax.set_ylabel("Acute:chronic ratio (blue line)", color=palette.LINE_BLUE)
    ratio_ax.tick_params(axis="y", colors=palette.LINE_BLUE)
    handles = [
        Patch(facecolor=palette.STATUS_COLOURS[s], label=f"week {s}")
        for s in ("ok", "watch", "overuse")
    ]
    if any(palette.week_colour_key(w) == "no data" for w in shown):
        handles.append(
            Patch(facecolor=palette.STATUS_COLOURS["no data"], label="in progress, ok so far")
        )
    handles.append(
        Patch(
            facecolor=palette.BAND_FILL,
            alpha=0.25,
            label=f"ratio {config.band_low:g}-{config.band_high:g}: steady build",
        )
    )
    ax.legend(
        handles=handles,
        loc="upper left",
        ncol=len(handles),
        fontsize=7,
        handlelength=1.2,
        columnspacing=1.0,
    )
    if not np.isfinite(ratios).any():
        ratio_ax.text(
            0.99,
            0.9,
            "ratio shown after 4 weeks of history",
            ha="right",
            transform=ratio_ax.transAxes,
            fontsize=7.5,
            color=palette.LINE_BLUE,
        )
    _title(ax, "Weekly lower-back load and how fast it rose")
    _place(
        ax,
        left=YLABEL_ROOM + _tick_width(ax.yaxis),
        right=RATIO_ROOM + _tick_width(ratio_ax.yaxis),
        top=TITLE_ROOM,
        bottom=WEEKLY_BOTTOM,
    )
    return fig


@collector_paused()
def load_sources(
    result: AthleteResult,
    *,
    weeks: int = DEFAULT_WEEKS,
    end: dt.date | None = None,
    top: int = 10,
    work: pd.DataFrame | None = None,
) -> Figure:
    """Lower-back dose by exercise over the period, largest first, coloured by load class.
    `work`: `_working` sets of the chart's window when the caller has them (`athlete_figures`).
    Bars carry gid `source-<exercise>`."""
    start, stop = _window(result, weeks, end)
    work = _working(result, start, stop) if work is None else work
    per = (
        pd.DataFrame(
            {
                "exercise": work["exercise"].astype("str"),
                "load_class": work["load_class"].astype("str"),
                "dose": work["dose"],
            }
        )
        .groupby(["exercise", "load_class"], sort=False)["dose"]
        .sum()
        .reset_index()
    )
    per = per[per["dose"] > 0].sort_values(["dose", "exercise"], ascending=[False, True])
    if len(per) > top:
        rest = per.iloc[top - 1 :]
        per = pd.concat(
            [
                per.iloc[: top - 1],
                pd.DataFrame(
                    {
                        "exercise": [f"{len(rest)} other lifts"],
                        "load_class": ["unknown"],
                        "dose": [float(rest["dose"].sum())],
                    }
                ),
            ]
        )
    total = float(per["dose"].sum())
    fig = Figure(figsize=(WIDTH_IN, 1.2 + 0.32 * max(len(per), 2)))
    names = [textwrap.shorten(n, 42, placeholder="\u2026") for n in per["exercise"]]
    ax = _axes(
        fig, left=NAME_ROOM + _text_width(names), right=EDGE, top=TITLE_ROOM, bottom=SOURCES_BOTTOM
    )
    y = np.arange(len(per))
    bars = ax.barh(
        y,
        per["dose"].to_numpy(),
        color=per["load_class"].map(palette.CLASS_COLOURS).to_list(),
        height=0.65,
    )
    for bar, name in zip(bars, per["exercise"], strict=True):
        bar.set_gid(f"source-{name}")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    for yi, value in zip(y, per["dose"], strict=True):
        share = value / total if total else 0.0
        ax.text(value, float(yi), f"  {value:.1f} ({share:.0%})", va="center", fontsize=7.5)
    ax.set_xlim(0, (per["dose"].max() if len(per) else 1.0) * 1.25)
    _place(
        ax,
        left=NAME_ROOM + _text_width(names),
        right=EDGE + _right_overhang(ax),
        top=TITLE_ROOM,
        bottom=SOURCES_BOTTOM,
    )
    ax.set_xlabel(f"Lower-back {palette.DOSE_UNIT}, {start:%d %b} to {stop:%d %b %Y}")
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    handles = [Patch(facecolor=palette.CLASS_COLOURS[c], label=c) for c in ("direct", "indirect")]
    ax.legend(handles=handles, loc="lower right", fontsize=7.5)
    if per.empty:
        ax.text(
            0.5,
            0.5,
            "No lifts loaded the lower back in this period",
            ha="center",
            transform=ax.transAxes,
        )
    _title(ax, "Where the lower-back load comes from")
    return fig


@collector_paused()
def sparkline(result: AthleteResult, *, weeks: int = 8, end: dt.date | None = None) -> Figure:
    """A tiny weekly-load line for roster rows, each week's point in its status colour (a week
    in progress hollow), with its scale: the dose at the top line and 0 at the baseline."""
    start, stop = _window(result, weeks, end)
    shown = [w for w in result.weeks if start <= w.start <= stop]
    fig = Figure(figsize=(1.5, 0.4))
    ax = fig.add_axes((0.02, 0.16, 0.68, 0.68))
    ax.axis("off")
    loads = [w.lower_back_load for w in shown]
    top = max(loads) if loads and max(loads) > 0 else 1.0
    ax.set_ylim(0, top * 1.05)
    ax.set_xlim(-0.4, max(len(loads) - 1, 1) + 0.4)
    for y in (0, top):
        ax.axhline(y, color="#BBBBBB", linewidth=0.5, linestyle="-" if y == 0 else ":")
    ax.plot(range(len(loads)), loads, color="#555555", linewidth=1.0, gid="spark")
    colours = [palette.STATUS_COLOURS[palette.week_colour_key(w)] for w in shown]
    ax.scatter(
        range(len(loads)),
        loads,
        s=10,
        zorder=3,
        gid="spark-points",
        facecolors=["white" if w.in_progress else c for w, c in zip(shown, colours, strict=True)],
        edgecolors=colours,
        linewidths=0.8,
    )
    label = f"{top:.0f}" if top >= 10 else f"{top:.1f}"
    if not loads or max(loads) <= 0:
        label = ""
    fig.text(0.73, 0.84, label, fontsize=7.5, va="center", color="#333333", gid="spark-top")
    fig.text(0.73, 0.16, "0", fontsize=7.5, va="center", color="#333333")
    return fig


#: A line of text's ink as the chart font renders it: its coverage (0..255, empty for a line
#: without ink) and where its left and bottom edges sit from the pen's origin (whole pixels,
#: y down). None: a line to leave to Agg (its ink would not fit the scratch canvas).
_Stamp = tuple[np.ndarray, int, int] | None
_STAMPS: dict[tuple[object, ...], _Stamp] = {}
_METRICS: dict[tuple[object, ...], tuple[float, float, float]] = {}
_HEIGHTS: dict[tuple[object, ...], tuple[float | None, float | None, float | None]] = {}
#: Entries kept per table: a 100-athlete roster makes ~3000 (a few MB); this bounds a process
#: that renders much more than that.
_TEXT_KEPT = 10_000
#: Whether text is stamped; turned off for the process if Agg's internals refuse a stamp.
_STAMPING = True


def _font_key(prop: FontProperties) -> tuple[object, ...]:
    """What picks and sizes the glyphs of `prop` (a FontProperties is mutable: not a key)."""
    return (
        tuple(prop.get_family()),
        prop.get_style(),
        prop.get_variant(),
        prop.get_weight(),
        prop.get_stretch(),
        prop.get_size_in_points(),
        prop.get_file(),
    )


def _text_setup() -> tuple[object, ...]:
    """The rcParams besides a line's FontProperties that decide how Agg renders it: hinting,
    kerning, and the fonts that generic family names ("sans-serif") stand for."""
    rc = matplotlib.rcParams
    return (
        get_hinting_flag(),
        rc["text.hinting_factor"],
        rc["text.kerning_factor"],
        tuple(rc["font.serif"]),
        tuple(rc["font.sans-serif"]),
        tuple(rc["font.cursive"]),
        tuple(rc["font.fantasy"]),
        tuple(rc["font.monospace"]),
    )


def _font_height_metrics(
    prop: FontProperties, dpi: float
) -> tuple[float | None, float | None, float | None]:
    """(ascent, descent, line gap) in pixels from the OS/2 or else the hhea table of the font
    `prop` picks, as `matplotlib.text.Text` computes them; (None, None, None) if it has
    neither (`Text` then measures "lp")."""
    font = get_font(findfont(prop))
    head = font.get_sfnt_table("head")
    if head is None:
        return None, None, None
    scale = prop.get_size_in_points() * dpi / 72 / head["unitsPerEm"]
    os2 = font.get_sfnt_table("OS/2")
    if os2 is not None:
        return (
            os2["sTypoAscender"] * scale,
            -os2["sTypoDescender"] * scale,
            os2["sTypoLineGap"] * scale,
        )
    hhea = font.get_sfnt_table("hhea")
    if hhea is not None:
        return hhea["ascent"] * scale, -hhea["descent"] * scale, hhea["lineGap"] * scale
    return None, None, None


def _remember(table: dict[tuple[object, ...], _T], key: tuple[object, ...], value: _T) -> _T:
    """Store `value` under `key` in one of the process's text tables (emptied when full)."""
    if len(table) >= _TEXT_KEPT:
        table.clear()
    table[key] = value
    return value


class _StampRenderer(RendererAgg):
    """Agg that lays out and rasterises each distinct line of text once per process and then
    stamps its ink wherever the line is drawn again.

    matplotlib 3.11 lays every line out (raqm) and renders it glyph by glyph in a Python loop
    on every draw, and drawing text was most of drawing a chart: the calendar alone draws ~200
    lines, and every athlete's charts repeat the same day numbers, lift names, tick labels,
    legends and titles. A stamp is the line rendered by Agg at a whole-pixel pen origin, drawn
    with the text's own colour, alpha and clip, as matplotlib up to 3.10 drew text (a line's
    bitmap at whole pixels): a line moves by less than half a pixel, its glyphs are the same.
    Rotated, math and shaped (font features, language) text is drawn by Agg as usual."""

    def __init__(self, width: int, height: int, dpi: float) -> None:
        super().__init__(width, height, dpi)
        self._setup = (dpi, *_text_setup())

    def get_text_width_height_descent(
        self, s: str, prop: FontProperties, ismath: bool | str
    ) -> tuple[float, float, float]:
        """Agg's measure of a line, kept for the process (matplotlib keeps it per renderer,
        and every figure gets a new one)."""
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        key = (s, _font_key(prop), *self._setup)
        found = _METRICS.get(key)
        if found is None:
            found = _remember(_METRICS, key, super().get_text_width_height_descent(s, prop, ismath))
        return found

    def _get_font_height_metrics(
        self, prop: FontProperties
    ) -> tuple[float | None, float | None, float | None]:
        """(ascent, descent, line gap) in pixels of `prop`'s font, as `Text` reads them from
        the font's tables to lay out lines, kept for the process: `Text` otherwise looks the
        font file up again for every text on every draw (the hook matplotlib gives backends)."""
        key = (_font_key(prop), *self._setup)
        found = _HEIGHTS.get(key)
        if found is None:
            found = _remember(_HEIGHTS, key, _font_height_metrics(prop, self.dpi))
        return found

    def draw_text(
        self,
        gc: GraphicsContextBase,
        x: float,
        y: float,
        s: str,
        prop: FontProperties,
        angle: float,
        ismath: bool | str = False,
        mtext: Text | None = None,
    ) -> None:
        """Draw one line of text, pen at (x, y) (y down), as its stamp at the nearest whole
        pixel."""
        shaped = mtext is not None and (
            getattr(mtext, "get_fontfeatures", lambda: None)() is not None
            or getattr(mtext, "get_language", lambda: None)() is not None
        )
        global _STAMPING
        stamp: _Stamp = None
        if _STAMPING and not (ismath or angle or shaped):
            antialiased = bool(gc.get_antialiased())
            key = (s, _font_key(prop), antialiased, *self._setup)
            try:
                if key in _STAMPS:
                    stamp = _STAMPS[key]
                else:
                    stamp = _remember(_STAMPS, key, self._stamp(s, prop, antialiased))
                if stamp is not None and stamp[0].size:
                    ink, left, bottom = stamp
                    self._renderer.draw_text_image(ink, round(x) + left, round(y) + bottom, 0, gc)
                    return
            except (AttributeError, TypeError, ValueError):
                # Stamping draws through Agg internals (tested on matplotlib 3.10 and 3.11);
                # should a later matplotlib change them, text is drawn its own way instead.
                _STAMPING = False
                stamp = None
        if stamp is None:
            super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    def _stamp(self, s: str, prop: FontProperties, antialiased: bool) -> _Stamp:
        """Render `s` with Agg, in black, on a scratch canvas with a font size of room around
        it, and keep its ink's coverage: the alpha channel, where Agg blended the glyphs as it
        would have onto the chart."""
        width, height, descent = self.get_text_width_height_descent(s, prop, False)
        room = int(np.ceil(prop.get_size_in_points() * self.dpi / 72)) + 4
        scratch = RendererAgg(
            int(np.ceil(width)) + 2 * room, int(np.ceil(height)) + 2 * room, self.dpi
        )
        origin_x, origin_y = room, room + int(np.ceil(height - descent))
        gc = scratch.new_gc()
        gc.set_foreground((0.0, 0.0, 0.0, 1.0), isRGBA=True)
        gc.set_antialiased(antialiased)
        RendererAgg.draw_text(scratch, gc, origin_x, origin_y, s, prop, 0)
        gc.restore()
        alpha = np.asarray(scratch.buffer_rgba())[..., 3]
        rows = np.flatnonzero(alpha.any(axis=1))
        cols = np.flatnonzero(alpha.any(axis=0))
        if not rows.size:
            return np.zeros((0, 0), dtype=np.uint8), 0, 0
        top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        if top == 0 or left == 0 or bottom == alpha.shape[0] or right == alpha.shape[1]:
            return None  # ink reaching the scratch canvas's edge may have been cut off
        ink = np.ascontiguousarray(alpha[top:bottom, left:right])
        return ink, int(left) - origin_x, int(bottom) - origin_y


class _StampCanvas(FigureCanvasAgg):
    """An Agg canvas drawing with `_StampRenderer`."""

    _size: tuple[int, int, float] | None = None

    def get_renderer(self) -> RendererAgg:
        """The canvas's renderer, made anew when its size or dpi changed (as Agg's own)."""
        width, height = self.get_width_height(physical=True)
        size = (width, height, self.figure.dpi)
        if size != self._size:
            self.renderer = _StampRenderer(width, height, self.figure.dpi)
            self._size = size
        return self.renderer


@collector_paused()
def pixels(fig: Figure, dpi: int = DPI) -> memoryview:
    """The figure drawn once at `dpi` (and left at that dpi): its RGBA pixels, rows top first
    (height x width x 4).

    One Agg draw: PDFs embed these pixels directly rather than a PNG they would decode again,
    and `png_bytes` encodes them. Text is stamped (`_StampRenderer`)."""
    fig.set_dpi(dpi)
    canvas = _StampCanvas(fig)
    with _missing_glyphs_quiet():
        canvas.draw()
    return canvas.buffer_rgba()


def png_bytes(fig: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes with pinned metadata (same figure, same bytes).

    A figure on an opaque background (every chart) has every pixel opaque, so it is written as
    RGB: the same picture in three quarters of the bytes."""
    rgba = np.asarray(pixels(fig, dpi))
    face = fig.patch
    opaque = face.get_visible() and to_rgba(face.get_facecolor())[3] == 1.0
    return _png(rgba[..., :3] if opaque else rgba, dpi)


def _png(image: np.ndarray, dpi: int) -> bytes:
    """PNG of an 8-bit RGB or RGBA `image` (rows top first) at `dpi`, with `PNG_METADATA`.

    Every row is stored unfiltered and deflated at zlib level 3. PIL would try the five PNG
    filters on each row and keep the best: on charts (flat fills, thin lines, text) that
    search took half the time of encoding and gave files 2 % larger than no filter at all.
    Level 3 takes half the time of zlib's default 6 for files a tenth larger."""
    height, width, channels = image.shape
    rows = np.empty((height, 1 + width * channels), dtype=np.uint8)
    rows[:, 0] = 0  # filter type: none
    # The pixels after each row's filter byte, as (row, column, channel); filled a channel at a
    # time: copying whole 3-byte pixels out of RGBA ones is five times slower in numpy.
    body = as_strided(
        rows[:, 1:], shape=(height, width, channels), strides=(rows.strides[0], channels, 1)
    )
    for channel in range(channels):
        body[..., channel] = image[..., channel]
    per_metre = int(dpi / 0.0254 + 0.5)
    chunks = [
        (b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6 if channels == 4 else 2, 0, 0, 0)),
        (b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        *(
            (b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1"))
            for key, value in PNG_METADATA.items()
            if value is not None
        ),
        (b"IDAT", zlib.compress(rows.data, 3)),
        (b"IEND", b""),
    ]
    return b"\x89PNG\r\n\x1a\n" + b"".join(
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        for kind, data in chunks
    )


@collector_paused()
def athlete_figures(
    result: AthleteResult,
    *,
    config: Config | None = None,
    weeks: int = DEFAULT_WEEKS,
    end: dt.date | None = None,
) -> dict[str, Figure]:
    """Every chart of one athlete, keyed by the names in CHART_FILES. The charts share one
    window, so its working sets and day classes are worked out once for all of them."""
    config = config or load_config()
    start, stop = _window(result, weeks, end)
    work = _working(result, start, stop)
    days = day_classes(result, start, stop, work=work)
    return {
        "calendar": week_calendar(result, weeks=weeks, end=end, days=days),
        "daily": daily_load(result, weeks=weeks, end=end, config=config, days=days),
        "weekly": weekly_load(result, weeks=weeks, end=end, config=config),
        "sources": load_sources(result, weeks=weeks, end=end, work=work),
    }


def warm_up() -> None:
    """Draw every chart once for a made-up lifter (the seed week: squat, row, deadlift, press
    on four days in a row), so that a render worker's first real athlete does not pay for
    loading fonts, matplotlib's lazy set-up and the stamps of the labels every chart repeats.
    Render workers (`engines.pool.Renderers`) call it while the logs are still being read."""
    from analyzer.pipeline import analyze_sets
    from analyzer.schema import conform

    lifts = [
        "Squat (Barbell)",
        "Bent Over Row (Barbell)",
        "Deadlift (Barbell)",
        "Overhead Press (Barbell)",
    ]
    days = pd.date_range("2024-01-01 18:00", periods=len(lifts), freq="D")
    frame = pd.DataFrame(
        {
            "athlete": "warm-up",
            "performed_at": days.repeat(3),
            "exercise": np.repeat(lifts, 3),
            "reps": 5.0,
            "weight_kg": 100.0,
            "rpe": 8.0,
        }
    )
    for athlete in analyze_sets(conform(frame), with_swaps=False).athletes:
        for fig in athlete_figures(athlete).values():
            pixels(fig)


def write_all(analysis: Analysis, out_dir: Path, *, config: Config | None = None) -> list[Path]:
    """Write every athlete's charts as PNG into `out_dir/<safe athlete name>/`, here."""
    from analyzer.render.chart_jobs import chart_jobs

    return [path for job in chart_jobs(analysis, out_dir, config=config) for path in job.run()]
