"""Terminal renderer: a plain-text summary a lifter reads in ten seconds.

Returns strings; the CLI decides where they go. Colour is optional ANSI (off when not a TTY).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from analyzer.results import Analysis, AthleteResult, Week

DAY = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
COLOURS = {"ok": "\x1b[32m", "watch": "\x1b[33m", "overuse": "\x1b[31;1m"}
RESET = "\x1b[0m"
PLAIN_FLAG = {
    "consecutive_days": "loaded days in a row",
    "short_recovery": "too little rest between direct days",
    "acwr_spike": "load rose fast",
    "high_monotony": "same load every day",
    "pain_note": "pain noted",
}


def _status(status: str, colour: bool) -> str:
    text = f"{status.upper():<7}"
    return f"{COLOURS[status]}{text}{RESET}" if colour else text


def _days(week: Week) -> str:
    loaded = {d.weekday() for d in week.loaded_days}
    return "".join(DAY[i][0] if i in loaded else "." for i in range(7))


def sources_summary(analysis: Analysis) -> list[str]:
    lines = []
    for s in analysis.sources:
        skipped = ""
        if s.skipped:
            reasons = ", ".join(f"{n} {r}" for r, n in s.skipped_reasons.items())
            skipped = f"; skipped {s.skipped} rows ({reasons})"
        who = ", ".join(s.athletes[:5]) + (" ..." if len(s.athletes) > 5 else "")
        lines.append(
            f"Read {Path(s.path).name} [{s.format}]: {s.sets} sets "
            f"({s.warmup_sets} warm-up) for {who}{skipped}"
        )
        lines.extend(f"  note: {n}" for n in s.notes)
        if s.problems:
            first = "; ".join(f"row {p.row}: {p.message}" for p in s.problems[:3])
            lines.append(f"  first problems: {first}")
    for path, reason in analysis.skipped_files:
        lines.append(f"Skipped {path}: {reason}")
    lines.extend(f"Note: {n}" for n in analysis.notes)
    return lines


def athlete_summary(
    a: AthleteResult, *, weeks: int = 8, colour: bool = False, details: int = 0
) -> list[str]:
    """The week table of the last `weeks` weeks, the flags of the latest `details` flagged
    weeks in full (0 = all), and the fixes of the others."""
    shown = a.weeks[-weeks:] if weeks > 0 else a.weeks
    flagged_total = sum(w.status != "ok" for w in a.weeks)
    lines = [
        "",
        f"== {a.athlete}: {a.first_date} to {a.last_date}, {len(a.weeks)} weeks, "
        f"{flagged_total} flagged. Latest week: {a.status.upper()}",
        f"  {'week':<9} {'status':<7} {'days':<7} {'run':>3} {'load':>6} {'ACWR':>5}  flags",
    ]
    for w in shown:
        codes = ", ".join(dict.fromkeys(PLAIN_FLAG.get(f.code, f.code) for f in w.flags))
        acwr = f"{w.acwr:.2f}" if w.acwr is not None else "-"
        lines.append(
            f"  {w.week:<9} {_status(w.status, colour)} {_days(w):<7} {w.longest_run:>3} "
            f"{w.lower_back_load:>6.1f} {acwr:>5}  {codes}".rstrip()
        )
    flagged = [w for w in shown if w.flags]
    # The latest flagged weeks in full; earlier ones by their fix only (the JSON and the PDF
    # report hold every message).
    for w in flagged[:-details] if details > 0 else []:
        if w.swaps:
            lines.append(f"  {w.week} fix: {swap_line(w)}")
    for w in flagged[-details:] if details > 0 else flagged:
        lines.append(f"  {w.week} ({w.status}):")
        for f in w.flags:
            lines.append(f"    - [{f.severity}] {f.message}")
        if w.swaps:
            lines.append(f"    fix: {swap_line(w)}")
        elif w.status == "overuse":
            lines.append("    fix: no single swap clears this week; spread the direct lifts "
                         "at least 48 h apart")
    return lines


def swap_line(w: Week) -> str:
    """'Tue Bent Over Row (Barbell) -> Chest Supported Row (Dumbbell); ... — lower back loaded
    2 days instead of 4'."""
    parts = []
    for s in w.swaps:
        day = DAY[s.day.weekday()]
        if s.kind == "substitute":
            parts.append(f"{day} {s.from_} -> {s.to}")
        elif s.kind == "move" and s.move_to is not None:
            parts.append(f"{day} {s.from_} session -> {DAY[s.move_to.weekday()]}")
        else:
            parts.append(f"{day} {s.reason}")
    text = "; ".join(parts)
    if w.after_swaps is not None:
        text += (
            f" — lower back loaded {w.after_swaps.loaded_days} days instead of "
            f"{len(w.loaded_days)}"
        )
        if w.after_swaps.status != "ok":
            text += f" (week still {w.after_swaps.status}: {', '.join(w.after_swaps.flags)})"
    return text


def plan_summary(week: Week, *, athlete: str, plan_name: str, history_weeks: int,
                 fixed_name: str | None, colour: bool = False) -> str:
    """`backlog plan`: the planned week's verdict, its flags and the fix."""
    base = (f"with {history_weeks} weeks of history as the baseline" if history_weeks
            else "without history (no acute:chronic ratio)")
    lines = [
        f"Plan {plan_name} for {athlete}, week {week.week} ({base}): "
        f"{_status(week.status, colour).strip()}, lower back loaded {len(week.loaded_days)} "
        f"days ({_days(week)}), longest run {week.longest_run}",
    ]
    lines.extend(f"  - [{f.severity}] {f.message}" for f in week.flags)
    if week.swaps:
        lines.append(f"  fix: {swap_line(week)}")
        lines.extend(f"    {DAY[s.day.weekday()]} {s.from_}: {s.reason}" for s in week.swaps)
    elif week.status != "ok":
        lines.append("  no schedule change within the search bounds clears this week: "
                     "plan fewer lower-back days")
    if fixed_name:
        lines.append(f"Fixed plan written to {fixed_name}")
    lines.append("Training guidance, not medical advice.")
    return "\n".join(lines)


def unknown_summary(analysis: Analysis) -> list[str]:
    unknown = analysis.unknown_exercises
    if not unknown:
        return []
    names = ", ".join(f"{e.name} ({e.sets} sets)" for e in unknown[:15])
    more = f" and {len(unknown) - 15} more" if len(unknown) > 15 else ""
    return [
        "",
        f"Unknown exercises (not counted as lower-back load): {names}{more}.",
        "  Tag them with --exercise-map FILE (CSV: name,load_class,coefficient[,canonical]); "
        "see `backlog exercises NAME` for suggestions.",
    ]


def render(analysis: Analysis, *, weeks: int = 8, colour: bool = False, details: int = 0,
           athletes: Sequence[AthleteResult] | None = None) -> str:
    """The whole terminal summary."""
    lines = sources_summary(analysis)
    for a in athletes if athletes is not None else analysis.athletes:
        lines.extend(athlete_summary(a, weeks=weeks, colour=colour, details=details))
    lines.extend(unknown_summary(analysis))
    lines.append("")
    lines.append("Training guidance, not medical advice.")
    if any(a.has_pain_note for a in analysis.athletes):
        lines.append("Pain was noted in the log: see a physiotherapist or physician if it is "
                     "sharp, present at rest, or lasts beyond 1-2 weeks.")
    return "\n".join(lines)
