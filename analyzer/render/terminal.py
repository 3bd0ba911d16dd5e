"""Terminal renderer: a plain-text summary a lifter reads in ten seconds.

Returns strings; the CLI decides where they go. Colour is optional ANSI (off when not a TTY or
when NO_COLOR is set). Every line fits `width` columns (default 80): long flag, fix and source
lines are wrapped with a hanging indent. A run over several athletes starts with who needs
attention, worst first (the same order and words as the roster PDF). Every phrase about the
results comes from `wording`; this module lays them out.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from analyzer.calendar import DAY_NAMES
from analyzer.render import roster
from analyzer.render import wording as wd
from analyzer.results import Analysis, AthleteResult, Week

DAY = DAY_NAMES
COLOURS = {
    "ok": "\x1b[32m",
    "watch": "\x1b[33m",
    "overuse": "\x1b[31;1m",
    "no data": "\x1b[90m",
    "info": "\x1b[90m",
}
RESET = "\x1b[0m"
#: Widths the output is wrapped to: the terminal's (or COLUMNS), within these bounds.
MIN_WIDTH, MAX_WIDTH = 40, 120
#: Longest athlete name in the attention summary before it is cut with an ellipsis.
NAME_WIDTH = 24


def use_colour(stream: TextIO) -> bool:
    """ANSI colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


def terminal_width() -> int:
    """The width to wrap to: COLUMNS, else the terminal's, else 80; kept in 40..120."""
    return max(MIN_WIDTH, min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH))


def wrap(text: str, width: int, indent: int = 0, first: int | None = None) -> list[str]:
    """`text` wrapped to `width` columns: the first line indented `first` (default `indent`)
    spaces, the others `indent`. Words longer than a line are cut (a path, a long name)."""
    lead = " " * (indent if first is None else first)
    return [
        line.replace(_GLUE, " ")
        for line in textwrap.wrap(
            text,
            width=width,
            initial_indent=lead,
            subsequent_indent=" " * indent,
            break_on_hyphens=False,
            break_long_words=False,
        )
    ] or [lead]


#: Joins the words of a phrase that `wrap` must keep on one line (a swap, "Tue Row -> ...").
_GLUE = "\x00"


def keep_together(phrase: str, width: int) -> str:
    """`phrase` with its spaces glued, so `wrap` moves it whole to the next line rather than
    breaking it (only when it fits a line at all)."""
    return phrase.replace(" ", _GLUE) if len(phrase) <= width else phrase


def _paint(text: str, status: str, colour: bool) -> str:
    return f"{COLOURS[status]}{text}{RESET}" if colour and status in COLOURS else text


def _status(status: str, colour: bool, partial: bool = False) -> str:
    """The status word padded to 7; a week in progress that is ok so far is not painted green."""
    text = f"{status.upper():<7}"
    return _paint(text, "no data" if partial and status == "ok" else status, colour)


def _days(week: Week) -> str:
    loaded = {d.weekday() for d in week.loaded_days}
    return "".join(DAY[i][0] if i in loaded else "." for i in range(7))


def _cut(name: str, width: int) -> str:
    return name if len(name) <= width else name[: width - 1] + "\u2026"


def sources_summary(analysis: Analysis, width: int = 80) -> list[str]:
    lines = []
    for s in analysis.sources:
        skipped = ""
        if s.skipped:
            reasons = ", ".join(f"{n} {r}" for r, n in s.skipped_reasons.items())
            skipped = f"; skipped {wd.plural(s.skipped, 'row')} ({reasons})"
        who = ", ".join(s.athletes[:5]) + (" ..." if len(s.athletes) > 5 else "")
        lines.extend(
            wrap(
                f"Read {Path(s.path).name} [{s.format}]: {wd.plural(s.sets, 'set')} "
                f"({s.warmup_sets} warm-up) for {who}{skipped}",
                width,
                indent=2,
                first=0,
            )
        )
        for n in s.notes:
            lines.extend(wrap(f"note: {n}", width, indent=4, first=2))
        if s.problems:
            first = "; ".join(f"row {p.row}: {p.message}" for p in s.problems[:3])
            lines.extend(wrap(f"first problems: {first}", width, indent=4, first=2))
    for path, reason in analysis.skipped_files:
        lines.extend(wrap(f"Skipped {path}: {reason}", width, indent=2, first=0))
    for n in analysis.notes:
        lines.extend(wrap(f"Note: {n}", width, indent=2, first=0))
    return lines


#: Width of the week table's columns before the flags: "  2026-W35  OVERUSE MTWT...   4
#: 8.0  0.63  ".
_TABLE_LEAD = 2 + 9 + 1 + 7 + 1 + 7 + 1 + 3 + 1 + 6 + 1 + 5 + 2


def athlete_summary(
    a: AthleteResult,
    *,
    weeks: int = 8,
    colour: bool = False,
    details: int = 0,
    width: int = 80,
) -> list[str]:
    """The week table of the last `weeks` weeks, the flags of the latest `details` flagged
    weeks in full (0 = all), and the fixes of the others."""
    shown = a.weeks[-weeks:] if weeks > 0 else a.weeks
    flagged_total = sum(w.status != "ok" for w in a.weeks)
    lines = [""]
    lines.extend(
        wrap(
            f"== {a.athlete}: {a.first_date} to {a.last_date}, {wd.plural(len(a.weeks), 'week')}, "
            f"{flagged_total} flagged. Latest week: {wd.latest_words(a)}",
            width,
            indent=3,
            first=0,
        )
    )
    lines.append(
        f"  {'week':<9} {'status':<7} {'days':<7} {'run':>3} {'load':>6} {'ACWR':>5}  flags"
    )
    # Flags wrap under their own column; on a very narrow terminal under the week instead.
    hang = _TABLE_LEAD if width - _TABLE_LEAD >= 20 else 4
    for w in shown:
        codes = wd.flag_labels(w.flags)
        if w.in_progress:
            codes = ", ".join(x for x in (f"so far ({wd.progress_note(w)})", codes) if x)
        acwr = f"{w.acwr:.2f}" if w.acwr is not None else "-"
        lead = (
            f"  {w.week:<9} {w.status.upper():<7} {_days(w):<7} {w.longest_run:>3} "
            f"{w.lower_back_load:>6.1f} {acwr:>5}  "
        )
        chunks = textwrap.wrap(codes, width - hang, break_on_hyphens=False) if codes else []
        if hang == _TABLE_LEAD:
            rows = [lead + (chunks[0] if chunks else ""), *(" " * hang + c for c in chunks[1:])]
        else:
            rows = [lead.rstrip(), *(" " * hang + c for c in chunks)]
        if colour:
            plain = f"{w.status.upper():<7}"
            rows[0] = rows[0].replace(plain, _status(w.status, True, w.in_progress), 1)
        lines.extend(row.rstrip() for row in rows)
    flagged = [w for w in shown if w.flags]
    # The latest flagged weeks in full; earlier ones by their fix only (the JSON and the PDF
    # report hold every message).
    for w in flagged[:-details] if details > 0 else []:
        if w.swaps:
            lines.extend(wrap(f"{w.week} fix: {swap_line(w, width - 8)}", width, indent=6, first=2))
    for w in flagged[-details:] if details > 0 else flagged:
        lines.append(f"  {w.week} ({w.status}{', so far' if w.in_progress else ''}):")
        for f in w.flags:
            tag = (
                _paint(f"[{f.severity}]", "info", colour)
                if f.severity == "info"
                else (f"[{f.severity}]")
            )
            body = wrap(f"- [{f.severity}] {f.message}", width, indent=6, first=4)
            body[0] = body[0].replace(f"[{f.severity}]", tag, 1)
            lines.extend(body)
        if w.swaps:
            lines.extend(wrap(f"fix: {swap_line(w, width - 10)}", width, indent=9, first=4))
        elif wd.advice_without_swaps(w):
            lines.extend(wrap(f"advice: {wd.advice_without_swaps(w)}", width, indent=12, first=4))
    return lines


def attention_summary(
    results: Sequence[AthleteResult], *, colour: bool = False, width: int = 80
) -> list[str]:
    """For several athletes: who needs attention, worst first. Overuse and watch athletes one
    per line with their latest week, the ok ones by name, who noted pain, and who has no
    recent log (2+ weeks before the newest log), with their last status."""
    lines_ = roster.standings(results)
    newest = roster.as_of(results)
    when = f" (newest log {newest:%a %d %b %Y})" if newest else ""
    out = [""]
    out.extend(
        wrap(
            f"== Who needs attention, each athlete at their latest logged week{when}",
            width,
            indent=3,
            first=0,
        )
    )
    out.extend(wrap(wd.headline(lines_, chosen_week=False), width, indent=3, first=3))
    name_w = min(NAME_WIDTH, max((len(s.athlete) for s in lines_), default=4))

    def row(s: roster.Standing, indent: int) -> list[str]:
        week = s.week
        words = ""
        if week is not None:
            words = week.week
            if week.in_progress:
                words += f" ({wd.progress_note(week)})"
            flags = wd.standing_flags(s)
            if s.stale:
                words += f", last logged {s.result.last_date:%d %b %Y}"
            if flags:
                words += f": {flags}"
        lead = " " * indent + f"{s.status.upper():<7}  {_cut(s.athlete, name_w):<{name_w}}  "
        hang = len(lead) if width - len(lead) >= 24 else indent + 4
        chunks = textwrap.wrap(words, width - hang, break_on_hyphens=False)
        if hang == len(lead):
            rows = [lead + (chunks[0] if chunks else ""), *(" " * hang + c for c in chunks[1:])]
        else:
            rows = [lead.rstrip(), *(" " * hang + c for c in chunks)]
        if colour:
            rows[0] = rows[0].replace(f"{s.status.upper():<7}", _status(s.status, True), 1)
        return [r.rstrip() for r in rows]

    current = [s for s in lines_ if not s.stale]
    stale = [s for s in lines_ if s.stale]
    for s in current:
        if s.status in ("overuse", "watch"):
            out.extend(row(s, 2))
    fine = [s.athlete for s in current if s.status not in ("overuse", "watch")]
    if fine:
        out.extend(wrap(f"ok: {', '.join(fine)}", width, indent=6, first=2))
    pain = [s for s in lines_ if s.pain_noted]
    if pain:
        out.extend(
            wrap(
                "pain noted: "
                + ", ".join(f"{s.athlete} ({s.week.week if s.week else '-'})" for s in pain),
                width,
                indent=6,
                first=2,
            )
        )
    if stale:
        days = roster.NO_RECENT_DAYS // 7
        out.extend(
            wrap(
                f"no recent log (nothing in the {days} weeks before the newest log): {len(stale)}",
                width,
                indent=6,
                first=2,
            )
        )
        for s in stale:
            if s.status in ("overuse", "watch"):
                out.extend(row(s, 4))
        quiet = [
            f"{s.athlete} (last {s.result.last_date:%d %b %Y})"
            for s in stale
            if s.status not in ("overuse", "watch")
        ]
        if quiet:
            out.extend(wrap(f"ok: {', '.join(quiet)}", width, indent=8, first=4))
    return out


def swap_line(w: Week, width: int | None = None) -> str:
    """The week's fix line (`wording.fix_line`). With `width`, each change is kept together
    for `wrap`."""
    if width is None:
        return wd.fix_line(w)
    return wd.fix_line(w, keep=lambda step: keep_together(step, width))


def plan_summary(
    week: Week,
    *,
    athlete: str,
    plan_name: str,
    history_weeks: int,
    fixed_name: str | None,
    colour: bool = False,
    width: int = 80,
) -> str:
    """`backlog plan`: the planned week's verdict, its flags and the fix."""
    base = wd.baseline_words(history_weeks)
    head = wrap(
        f"Plan {plan_name} for {athlete}, week {week.week} ({base}): "
        f"{week.status.upper()}, lower back loaded "
        f"{wd.plural(len(week.loaded_days), 'day')} ({_days(week)}), longest run "
        f"{week.longest_run}",
        width,
        indent=2,
        first=0,
    )
    if colour:
        head = [
            line.replace(f": {week.status.upper()},", f": {_status(week.status, True).strip()},", 1)
            for line in head
        ]
    lines = head
    for f in week.flags:
        lines.extend(wrap(f"- [{f.severity}] {f.message}", width, indent=4, first=2))
    if week.swaps:
        lines.extend(wrap(f"fix: {swap_line(week, width - 8)}", width, indent=7, first=2))
        for s in week.swaps:
            lines.extend(
                wrap(f"{DAY[s.day.weekday()]} {s.from_}: {s.reason}", width, indent=6, first=4)
            )
    elif wd.advice_without_swaps(week):
        lines.extend(wrap(f"advice: {wd.advice_without_swaps(week)}", width, indent=10, first=2))
    if fixed_name:
        lines.extend(wrap(f"Fixed plan written to {fixed_name}", width, indent=2, first=0))
    lines.append(wd.DISCLAIMER)
    return "\n".join(lines)


def unknown_summary(analysis: Analysis, width: int = 80) -> list[str]:
    unknown = analysis.unknown_exercises
    if not unknown:
        return []
    names = ", ".join(f"{e.name} ({wd.plural(e.sets, 'set')})" for e in unknown[:15])
    more = f" and {len(unknown) - 15} more" if len(unknown) > 15 else ""
    return [
        "",
        *wrap(
            f"Unknown exercises (not counted as lower-back load): {names}{more}.",
            width,
            indent=2,
            first=0,
        ),
        *wrap(
            "Tag them with --exercise-map FILE (CSV: name,load_class,coefficient"
            "[,canonical]); see `backlog exercises NAME` for suggestions.",
            width,
            indent=4,
            first=2,
        ),
    ]


def render(
    analysis: Analysis,
    *,
    weeks: int = 8,
    colour: bool = False,
    details: int = 0,
    athletes: Sequence[AthleteResult] | None = None,
    width: int = 80,
) -> str:
    """The whole terminal summary, every line at most `width` columns: sources read; for
    several athletes who needs attention, worst first; then each athlete's weeks (in the same
    order); unknown exercises; the disclaimer."""
    results = list(athletes if athletes is not None else analysis.athletes)
    lines = sources_summary(analysis, width)
    if len(results) > 1:
        lines.extend(attention_summary(results, colour=colour, width=width))
        results = [s.result for s in roster.standings(results)]
    for a in results:
        lines.extend(athlete_summary(a, weeks=weeks, colour=colour, details=details, width=width))
    lines.extend(unknown_summary(analysis, width))
    lines.append("")
    lines.append(wd.DISCLAIMER)
    if any(a.has_pain_note for a in analysis.athletes):
        lines.extend(wrap(wd.PAIN_IN_LOG, width))
    return "\n".join(lines)
