"""Charts inspected through what they plot: cell colours, bar heights, labels, lines."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from analyzer.config import load_config
from analyzer.pipeline import analyze_sets
from analyzer.render import charts, palette
from tests.common import ROSTER, STRONG
from tests.modelkit import DEADLIFT, ROW, SQUAT, tagged, week_of

FIRST_MONDAY = dt.date(2026, 8, 10)  # 2026-W33, the sample's first week
FIXED_MONDAY = dt.date(2026, 9, 7)  # 2026-W37, the first fixed week


@pytest.fixture(scope="module")
def lifter(analysed):
    return analysed(STRONG).athletes[0]


def _patches_by_gid(fig: Figure, prefix: str) -> dict[str, object]:
    return {
        p.get_gid(): p
        for ax in fig.axes
        for p in ax.patches
        if (p.get_gid() or "").startswith(prefix)
    }


def _cell_colour(fig: Figure, day: dt.date) -> tuple[float, ...]:
    return _patches_by_gid(fig, "cell-")[f"cell-{day.isoformat()}"].get_facecolor()


def _assert_week_classes(fig: Figure, monday: dt.date, classes: list[str]) -> None:
    """Each day of the week from `monday` is coloured as its load class, Monday first."""
    for offset, cls in enumerate(classes):
        day = monday + dt.timedelta(days=offset)
        assert _cell_colour(fig, day) == to_rgba(palette.CLASS_COLOURS[cls]), (day, cls)


def test_calendar_first_week_shows_squat_row_deadlift_press_then_rest(lifter) -> None:
    fig = charts.week_calendar(lifter, weeks=12)
    # Squat Mon (indirect), bent-over row Tue (direct), deadlift Wed (direct), standing
    # overhead press Thu (indirect), nothing Fri..Sun: the seed's schedule.
    _assert_week_classes(
        fig, FIRST_MONDAY, ["indirect", "direct", "direct", "indirect", "rest", "rest", "rest"]
    )


def test_calendar_fixed_week_spares_the_back_midweek(lifter) -> None:
    fig = charts.week_calendar(lifter, weeks=12)
    # Squat Mon, chest-supported row Tue, seated press Wed, deadlift Sat.
    _assert_week_classes(
        fig, FIXED_MONDAY, ["indirect", "none", "none", "rest", "rest", "direct", "rest"]
    )


def test_calendar_outlines_the_flagged_run_and_names_the_lifts(lifter) -> None:
    fig = charts.week_calendar(lifter, weeks=12)
    runs = _patches_by_gid(fig, "run-")
    first = runs[f"run-{FIRST_MONDAY.isoformat()}"]
    assert first.get_width() == pytest.approx(4 - 0.04)  # Mon..Thu
    assert not any(k >= f"run-{FIXED_MONDAY.isoformat()}" for k in runs)  # fixed weeks clean
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("Bent Over Row" in t for t in texts)
    assert any("Deadlift" in t for t in texts)
    # The log ends on a Saturday: its last week is still in progress, shown "OK so far" in a
    # neutral box (a partial week is never a green box).
    assert lifter.weeks[-1].in_progress
    assert texts.count("OVERUSE") == 4 and texts.count("OK") == 3
    assert texts.count("OK\nso far") == 1


def test_calendar_title_fits_a_long_name(lifter) -> None:
    long = dataclasses.replace(
        lifter, athlete="Maximilian-Alexander Weißenbach-Oberhuber von Hohenlohe-Schillingsfürst"
    )
    fig = charts.week_calendar(long, weeks=2)
    charts.pixels(fig)
    ax = fig.axes[0]
    text = ax.get_title(loc="left")
    assert text.startswith("Which days load the lower back: Maximilian") and text.endswith("\u2026")
    title = next(t for t in ax.get_children() if isinstance(t, Text) and t.get_text() == text)
    extent = title.get_window_extent()
    assert extent.x0 >= 0 and extent.x1 <= fig.bbox.width
    short = charts.week_calendar(lifter, weeks=2)
    assert short.axes[0].get_title(loc="left") == "Which days load the lower back: strong_lifter"


def test_calendar_rows_are_the_last_weeks_requested(lifter) -> None:
    fig = charts.week_calendar(lifter, weeks=2)
    cells = _patches_by_gid(fig, "cell-")
    assert len(cells) == 14
    assert min(cells) == f"cell-{dt.date(2026, 9, 21).isoformat()}"


def test_daily_bars_are_the_daily_doses_against_the_loaded_and_hard_day_lines(lifter) -> None:
    config = load_config()
    fig = charts.daily_load(lifter, weeks=12, config=config)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_gid() == "dose-bars"]
    # One bar per day that loaded the lower back (rest and spared days have none).
    dosed = lifter.days[lifter.days["dose"] > 0]
    assert 0 < len(dosed) < len(lifter.days)
    heights = np.array([b.get_height() for b in bars])
    np.testing.assert_allclose(heights, dosed["dose"].to_numpy())
    centres = [b.get_x() + b.get_width() / 2 for b in bars]
    np.testing.assert_allclose(centres, date2num(dosed["date"].to_numpy()))
    tue = list(dosed["date"].dt.date).index(FIRST_MONDAY + dt.timedelta(days=1))
    assert bars[tue].get_facecolor() == to_rgba(palette.CLASS_COLOURS["direct"])
    # The lifter's own thresholds, from the daily doses: a loaded day reaches 0.4 x the median
    # day of at least 0.75, a hard direct session 0.5 x the median direct day of at least 0.75.
    dose, direct = lifter.days["dose"].to_numpy(), lifter.days["direct_dose"].to_numpy()
    loaded_at = max(
        config.loaded_fraction * np.median(dose[dose >= config.min_loaded_dose]),
        config.min_loaded_dose,
    )
    hard_at = max(
        config.hard_fraction * np.median(direct[direct >= config.hard_floor]), config.hard_floor
    )
    assert (config.loaded_fraction, config.hard_fraction) == (0.4, 0.5)
    assert config.min_loaded_dose == config.hard_floor == 0.75
    assert config.min_loaded_dose < loaded_at < hard_at  # both relative, and told apart
    lines = {ln.get_gid(): ln for ln in ax.get_lines()}
    for gid, level, label in (
        ("loaded-line", loaded_at, "loaded day"),
        ("threshold", hard_at, "hard direct session"),
    ):
        line = lines[gid]
        assert line.get_ydata() == pytest.approx([level, level])  # horizontal, across the axes
        assert line.get_label() == f"{label} ({level:.1f})"
    assert "carried-line" not in lines
    recovery = [ln for ln in ax.get_lines() if ln.get_gid() == "recovery-line"][0]
    np.testing.assert_allclose(recovery.get_ydata(), lifter.days["recovery_state"].to_numpy())
    assert "Lower-back dose" in ax.get_ylabel()


def test_weekly_bars_match_week_loads_and_status_colours(lifter) -> None:
    config = load_config()
    fig = charts.weekly_load(lifter, weeks=12, config=config)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_gid() == "load-bars"]
    assert [b.get_height() for b in bars] == pytest.approx(
        [w.lower_back_load for w in lifter.weeks]
    )
    # Finished weeks in their status colour; the log's last week, in progress and ok so far,
    # in grey, never green.
    *finished, latest = lifter.weeks
    assert latest.in_progress and latest.status == "ok"
    assert not any(w.in_progress for w in finished)
    assert [b.get_facecolor() for b in bars] == [
        *(to_rgba(palette.STATUS_COLOURS[w.status]) for w in finished),
        to_rgba(palette.STATUS_COLOURS["no data"]),
    ]
    ratio_ax = fig.axes[1]
    line = [ln for ln in ratio_ax.get_lines() if ln.get_gid() == "acwr-line"][0]
    expected = [np.nan if w.acwr is None else w.acwr for w in lifter.weeks]
    np.testing.assert_allclose(line.get_ydata(), expected)
    # The 0.8-1.3 band, drawn on the load axis, maps back to the configured ratios.
    band = [p for p in ax.patches if p.get_gid() == "acwr-band"][0]
    scale = ax.get_ylim()[1] / ratio_ax.get_ylim()[1]
    assert band.get_y() / scale == pytest.approx(config.band_low)
    assert (band.get_y() + band.get_height()) / scale == pytest.approx(config.band_high)


def test_sources_bars_sum_each_lifts_dose(lifter) -> None:
    fig = charts.load_sources(lifter, weeks=12)
    bars = _patches_by_gid(fig, "source-")
    working = lifter.sets[lifter.sets["set_type"].astype("str") != "warmup"]
    dose = working.groupby("exercise", observed=True)["dose"].sum()
    dose = dose[dose > 0]
    assert set(bars) == {f"source-{n}" for n in dose.index}
    for name, value in dose.items():
        assert bars[f"source-{name}"].get_width() == pytest.approx(value)
    assert bars["source-Deadlift (Barbell)"].get_facecolor() == to_rgba(
        palette.CLASS_COLOURS["direct"]
    )
    assert bars["source-Squat (Barbell)"].get_facecolor() == to_rgba(
        palette.CLASS_COLOURS["indirect"]
    )


def test_png_bytes_are_reproducible(lifter) -> None:
    assert charts.png_bytes(charts.week_calendar(lifter)) == charts.png_bytes(
        charts.week_calendar(lifter)
    )


def test_write_all_writes_every_chart_per_athlete(tmp_path: Path, analysed) -> None:
    analysis = analysed(ROSTER)
    written = charts.write_all(analysis, tmp_path)
    assert len(written) == 4 * len(analysis.athletes)
    for a in analysis.athletes:
        for name in charts.CHART_FILES:
            data = (tmp_path / a.athlete / f"{name}.png").read_bytes()
            assert data.startswith(b"\x89PNG")
    assert not list(tmp_path.rglob(".*.tmp"))


def test_hostile_athlete_names_stay_inside_out(tmp_path: Path) -> None:
    sessions = week_of("2026-09-07", {0: [SQUAT], 1: [ROW], 2: [DEADLIFT]})
    table = tagged(sessions, athlete="../../x")
    other = tagged(sessions, athlete="con")
    analysis = analyze_sets(pd.concat([table, other], ignore_index=True))
    out = tmp_path / "out"
    out.mkdir()
    written = charts.write_all(analysis, out)
    assert len(written) == 8
    for path in written:
        assert out.resolve() in path.resolve().parents
    assert not (tmp_path / "x").exists()


def test_names_the_font_lacks_draw_without_warnings(tmp_path: Path) -> None:
    """A Chinese exercise name (the real Strong zh export has them) draws as boxes in the
    default font; matplotlib's per-glyph warnings must not reach the user's terminal."""
    import warnings

    sessions = week_of("2026-09-07", {0: [("硬拉", "direct", 1.0)], 2: [SQUAT]})
    analysis = analyze_sets(tagged(sessions))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        written = charts.write_all(analysis, tmp_path)
    assert len(written) == 4
    assert not [w for w in caught if "Glyph" in str(w.message)]


def test_png_is_the_figures_pixels_as_rgb_at_150_dpi(lifter) -> None:
    # The charts' background is opaque, so the PNG drops the alpha channel and keeps the rest.
    fig = charts.weekly_load(lifter)
    image = Image.open(io.BytesIO(charts.png_bytes(fig)))
    assert image.mode == "RGB"
    assert image.info["dpi"] == pytest.approx((charts.DPI, charts.DPI), abs=0.1)
    assert np.array_equal(np.asarray(image), np.asarray(charts.pixels(fig))[..., :3])
    fig.patch.set_alpha(0.5)  # a see-through background keeps its alpha channel
    image = Image.open(io.BytesIO(charts.png_bytes(fig)))
    assert image.mode == "RGBA"
    assert np.array_equal(np.asarray(image), np.asarray(charts.pixels(fig)))


def _ink(pixels: np.ndarray) -> tuple[float, float, float]:
    """(total darkness, centre x, centre y) of dark text on a white figure."""
    dark = 255.0 - np.asarray(pixels)[..., :3].mean(axis=2)
    rows, cols = np.indices(dark.shape)
    total = dark.sum()
    return total, (dark * cols).sum() / total, (dark * rows).sum() / total


def test_stamped_text_is_aggs_text_within_half_a_pixel() -> None:
    """Charts draw each line of text from a stamp rendered once per process: the same glyphs
    as Agg draws, moved to the nearest whole pixel, and the same again when drawn from the
    kept stamp."""
    fig = Figure(figsize=(3, 1))
    fig.text(0.1237, 0.4711, "Lat Pulldown\n+2 more", fontsize=6.2, color="#000000")
    fig.text(0.6, 0.3, "OVERUSE", fontsize=7.5, fontweight="bold", alpha=0.85)
    fig.set_dpi(charts.DPI)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    by_agg = np.asarray(canvas.buffer_rgba()).copy()
    charts._STAMPS.clear()
    first = np.asarray(charts.pixels(fig)).copy()
    again = np.asarray(charts.pixels(fig)).copy()
    assert np.array_equal(first, again)
    agg_total, agg_x, agg_y = _ink(by_agg)
    total, x, y = _ink(first)
    assert total == pytest.approx(agg_total, rel=0.01)
    assert abs(x - agg_x) <= 0.5 and abs(y - agg_y) <= 0.5


def test_text_is_drawn_agg_s_way_when_a_stamp_cannot_be_drawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stamping uses Agg internals; should a matplotlib release change them, charts still
    draw their text (Agg's own way) instead of failing."""

    def refused(*args: object, **kwargs: object) -> None:
        raise TypeError("draw_text_image(): incompatible arguments")

    fig = Figure(figsize=(3, 1))
    fig.text(0.1, 0.4, "Deadlift (Barbell)", fontsize=8)
    fig.set_dpi(charts.DPI)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    by_agg = np.asarray(canvas.buffer_rgba()).copy()
    charts._STAMPS.clear()
    monkeypatch.setattr(charts._StampRenderer, "_stamp", refused)
    monkeypatch.setattr(charts, "_STAMPING", True)
    drawn = np.asarray(charts.pixels(fig)).copy()
    assert charts._STAMPING is False
    assert np.array_equal(drawn, by_agg)


def test_athlete_figures_are_the_single_charts(lifter) -> None:
    # athlete_figures works the window's sets and day classes out once for all four charts;
    # each chart is still the one its own function draws.
    config = load_config()
    together = charts.athlete_figures(lifter, config=config)
    alone = {
        "calendar": charts.week_calendar(lifter),
        "daily": charts.daily_load(lifter, config=config),
        "weekly": charts.weekly_load(lifter, config=config),
        "sources": charts.load_sources(lifter),
    }
    for name in charts.CHART_FILES:
        assert charts.png_bytes(together[name]) == charts.png_bytes(alone[name]), name


def test_charts_leave_the_garbage_collector_as_they_found_it(lifter) -> None:
    assert gc.isenabled()
    charts.png_bytes(charts.week_calendar(lifter))
    assert gc.isenabled()
    gc.disable()
    try:
        charts.athlete_figures(lifter)
        assert not gc.isenabled()
    finally:
        gc.enable()
