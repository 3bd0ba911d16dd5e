"""Every phrase the user reads about the results, in one place, so that the terminal, the PDFs,
the CSV/xlsx table and the fixed plan say the same thing in the same words.

What lives here: the vocabulary (plain flag names, status words, day-class words, the dose
unit), the disclaimer and the pain referral, and the functions that turn typed results into
phrases (plurals, ISO week labels and spans, "week in progress, through Wed", an athlete's
latest-week headline, the roster headline, the flags of a standing, each swap and its proven
effect: "hard sessions 120 h apart instead of 24 h", the advice when no swap helps, the
`change` cells of a fixed plan). Renderers only lay these phrases out (wrapping, tables,
colours). Each rule's own message and advice stay with the rule (`analyzer/rules.py`).

Pure Python over the typed results: no pandas work, no reportlab, no matplotlib, so the
cheapest renderer (the CSV table) can use it without loading the PDF machinery.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from analyzer.calendar import DAY_NAMES
from analyzer.render.roster import (
    NO_DATA,
    Standing,
    counts,
    previous_week,
    week_status,
)
from analyzer.results import SEVERITY_RANK, AthleteResult, Flag, Swap, Week
from analyzer.rules import BY_CODE, FIXABLE, RULES

# --- vocabulary -------------------------------------------------------------------------------

#: The line every output ends with (terminal, plan check, foot of every PDF page).
DISCLAIMER = "Training guidance, not medical advice."
#: What to do about pain noted in a log; follows "Pain was noted in ...: ".
PAIN_REFERRAL = (
    "see a physiotherapist or physician if it is sharp, present at rest, or lasts beyond 1-2 weeks."
)
#: Each flag code's plain name ("loaded days in a row"), from its rule.
PLAIN_FLAG: Mapping[str, str] = {r.code: r.label for r in RULES}
#: The legend words of the week calendar's day classes.
CLASS_WORDS: Mapping[str, str] = {
    "direct": "direct lower-back load (deadlift, row, good morning...)",
    "indirect": "indirect load (squat, standing press...)",
    "none": "trained, lower back spared",
    "rest": "rest / nothing logged",
}
#: What one unit of lower-back dose is, for axis labels.
DOSE_UNIT = "dose (1 = one all-out deadlift set)"
#: The roster's status word for an athlete with nothing logged in the shown week.
NO_LOG = "NO LOG"


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 day', '2 days', '0 weeks' ('many' for irregular plurals)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def status_word(status: str, *, so_far: bool = False) -> str:
    """A status as the PDFs print it: 'OVERUSE', 'NO LOG' for a standing with nothing logged,
    with ' so far' for a week still being trained."""
    word = NO_LOG if status == NO_DATA else status.upper()
    return f"{word} so far" if so_far else word


# --- weeks and days ---------------------------------------------------------------------------


def week_label(monday: dt.date) -> str:
    """The ISO week label of the week holding `monday`: '2026-W37' (ISO year, so the first
    days of January can belong to the year before)."""
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def span(monday: dt.date) -> str:
    """'07 Sep to 13 Sep 2026': the days of the week starting `monday`."""
    sunday = monday + dt.timedelta(days=6)
    return f"{monday:%d %b} to {sunday:%d %b %Y}"


def days_text(days: Sequence[dt.date], none: str = "none") -> str:
    """Weekday names of `days` in date order, 'Mon Tue Thu'; `none` when there are none."""
    return " ".join(DAY_NAMES[d.weekday()] for d in sorted(days)) or none


def progress_note(week: Week) -> str:
    """'week in progress, through Wed' for a week the log ends inside, else ''."""
    if not week.in_progress:
        return ""
    if week.through is None:
        return "week in progress"
    return f"week in progress, through {DAY_NAMES[week.through.weekday()]}"


def week_words(week: Week) -> str:
    """'2026-W40 (28 Sep to 04 Oct 2026)', or for a week the log ends inside '2026-W40 (week in
    progress, through Wed 30 Sep 2026)'."""
    if week.in_progress:
        through = f" {week.through:%d %b %Y}" if week.through else ""
        return f"{week.week} ({progress_note(week)}{through})"
    return f"{week.week} ({span(week.start)})"


def latest_words(result: AthleteResult) -> str:
    """The headline of an athlete's latest week: '2026-W27 OVERUSE' or, for a week in progress,
    '2026-W27 OVERUSE (week in progress, through Mon, ok so far; 2026-W26 overuse)' (the week
    before named when it decided the status); 'no weeks' for an empty log."""
    if not result.weeks:
        return "no weeks"
    latest = result.weeks[-1]
    status = week_status(result, latest)
    if not latest.in_progress:
        return f"{latest.week} {status.upper()}"
    text = f"{latest.week} {status.upper()} ({progress_note(latest)}, {latest.status} so far"
    before = previous_week(result, latest)
    if before is not None and status != latest.status:
        text += f"; {before.week} {before.status}"
    return text + ")"


def in_progress_words(result: AthleteResult, week: Week, status: str) -> str:
    """For a week in progress shown at `status`: its status so far, and the week before when
    that decided (the PDFs' note under the verdict); '' for a complete week."""
    if not week.in_progress:
        return ""
    before = previous_week(result, week)
    text = f"This week so far: {week.status.upper()}."
    if before is not None and status != week.status:
        text += (
            f" The week before ({before.week}) was {before.status.upper()}: until this "
            "week is complete it is shown at the worse of the two."
        )
    return text


def baseline_words(history_weeks: int) -> str:
    """What a planned week is judged against: 'with 6 weeks of history as the baseline', or
    'without history (no acute:chronic ratio)'."""
    if history_weeks:
        return f"with {plural(history_weeks, 'week')} of history as the baseline"
    return "without history (no acute:chronic ratio)"


# --- flags ------------------------------------------------------------------------------------


def flag_name(code: str) -> str:
    """A flag code's plain name ('loaded days in a row'); an unknown code with spaces."""
    return PLAIN_FLAG.get(code, code.replace("_", " "))


def flag_label(flag: Flag, labels: Mapping[str, str] | None = None) -> str:
    """A flag's plain label (from `labels`, default `PLAIN_FLAG`); an `info` flag (a note that
    does not change the status) says so."""
    text = (PLAIN_FLAG if labels is None else labels).get(flag.code, flag.code.replace("_", " "))
    return f"{text} (note)" if flag.severity == "info" else text


def flag_labels(flags: Sequence[Flag], labels: Mapping[str, str] | None = None) -> str:
    """The distinct plain labels of some flags, comma-separated, the ones that count first."""
    ordered = sorted(flags, key=lambda f: -SEVERITY_RANK.get(f.severity, 0))
    return ", ".join(dict.fromkeys(flag_label(f, labels) for f in ordered))


def standing_flags(line: Standing) -> str:
    """The flags of a roster or summary line: the shown week's labels and, when the week before
    decided the status of a week in progress, '2026-W26 overuse: <its labels>'; '' for none."""
    text = flag_labels(line.week.flags) if line.week is not None else ""
    before = line.decided_by_week_before
    if before is not None:
        text = ", ".join(
            x for x in (text, f"{before.week} {before.status}: {flag_labels(before.flags)}") if x
        )
    return text


# --- the roster and the summary ---------------------------------------------------------------


def headline(lines: Sequence[Standing], *, chosen_week: bool) -> str:
    """'12 athletes: 1 overuse, 0 watch, 0 ok; 11 with no recent log (listed last).'"""
    c = counts(lines)
    text = (
        f"{plural(len(lines), 'athlete')}: {c['overuse']} overuse, {c['watch']} watch, {c['ok']} ok"
    )
    if c["rest"]:
        what = "with no training logged this week" if chosen_week else "with no recent log"
        text += f"; {c['rest']} {what} (listed last)"
    return text + "."


# --- pain -------------------------------------------------------------------------------------

#: The terminal's pain line (it names no athlete: the summary above does).
PAIN_IN_LOG = f"Pain was noted in the log: {PAIN_REFERRAL}"


def pain_line(names: Sequence[str]) -> str:
    """The pain line naming whose log it is, with the referral: "Pain was noted in Chloé
    Martin's log: see ..." or "Pain was noted in the logs of Ann, Bob and Cy: see ..." (the
    names as given: a renderer shortens them to fit)."""
    if len(names) == 1:
        return f"Pain was noted in {names[0]}'s log: {PAIN_REFERRAL}"
    listed = ", ".join(names[:-1]) + " and " + names[-1]
    return f"Pain was noted in the logs of {listed}: {PAIN_REFERRAL}"


def pain_count_line(n: int) -> str:
    """The pain line when the names do not fit: it counts them and points at the list."""
    return f'Pain was noted in the logs of {n} athletes ("pain noted" below): {PAIN_REFERRAL}'


def charts_note(charted: int, athletes: int, attention: int) -> str | None:
    """What `backlog analyze --charts attention` says when it charted only some athletes
    (None when it charted every one): whom it charted and how to get the others.
    `attention` is how many athletes are still logging at overuse in their latest week."""
    if charted >= athletes:
        return None
    others = "--charts all: every athlete"
    if attention > charted:
        return (
            f"Charts for {charted} of {athletes} athletes: the first {charted} of the "
            f"{attention} still logging and at overuse in their latest week, as listed above "
            f"(--athlete NAME: one athlete; {others})."
        )
    return (
        f"Charts for {charted} of {athletes} athletes: those still logging and at overuse in "
        f"their latest week ({others})."
    )


# --- swaps and advice -------------------------------------------------------------------------


def swap_step(s: Swap) -> str:
    """One proposed change, tersely (the terminal's fix line): 'Tue Bent Over Row (Barbell) ->
    Chest Supported Row (Dumbbell)', 'Tue Deadlift (Barbell) -> move to Thu', or its reason."""
    day = DAY_NAMES[s.day.weekday()]
    if s.kind == "substitute":
        return f"{day} {s.from_} -> {s.to}"
    if s.kind == "move" and s.move_to is not None:
        return f"{day} {s.from_} -> move to {DAY_NAMES[s.move_to.weekday()]}"
    return f"{day} {s.reason}"


def fix_line(week: Week, keep: Callable[[str], str] | None = None) -> str:
    """'Tue Bent Over Row (Barbell) -> Chest Supported Row (Dumbbell); ... — Clears loaded days
    in a row; the week would be ok.' `keep` is applied to each change (the terminal glues a
    change's words so wrapping never splits it)."""
    steps = [swap_step(s) for s in week.swaps]
    text = "; ".join(keep(step) for step in steps) if keep is not None else "; ".join(steps)
    effect = swap_effect(week)
    return f"{text} — {effect}" if effect else text


def swap_lines(week: Week) -> list[str]:
    """Each proposed change in plain words (the PDFs, the table's `swaps` cell), then its
    proven effect: ['Tue: Bent Over Row (Barbell) → Chest Supported Row (Dumbbell)',
    'Effect: Clears ...; the week would be ok.']."""
    lines = []
    for s in week.swaps:
        day = DAY_NAMES[s.day.weekday()]
        if s.kind == "substitute":
            lines.append(f"{day}: {s.from_} \u2192 {s.to}")
        elif s.kind == "move" and s.move_to is not None:
            lines.append(f"Move {s.from_} from {day} to {DAY_NAMES[s.move_to.weekday()]}")
        else:
            lines.append(f"{day}: {s.reason or f'fewer sets of {s.from_}'}")
    effect = swap_effect(week)
    if effect:
        lines.append(f"Effect: {effect}")
    return lines


def swap_effect(week: Week) -> str:
    """What the week's swaps achieve, in words shared by the terminal and the PDFs: the flags
    they clear and the status the week would have, or, when they do not clear it, that this
    is the single most useful change. '' without swaps."""
    a = week.after_swaps
    if a is None or not week.swaps:
        return ""
    cleared = [
        BY_CODE[c].label if c in BY_CODE else c
        for c in dict.fromkeys(c for s in week.swaps for c in s.clears)
    ]
    parts = []
    if cleared:
        parts.append("clears " + ", ".join(cleared))
    spacing = next((f for f in week.flags if f.code == "hard_spacing"), None)
    if spacing is not None and "gap_hours" in spacing.figures:
        before = spacing.figures["gap_hours"]
        after = (
            "no two hard sessions close"
            if a.closest_gap_hours is None
            else (f"{a.closest_gap_hours:g} h")
        )
        parts.append(
            f"hard sessions {after} apart instead of {before:g} h"
            if a.closest_gap_hours is not None
            else f"{after} (were {before:g} h apart)"
        )
    if a.longest_run != week.longest_run:
        parts.append(
            f"{plural(a.longest_run, 'loaded day')} in a row instead of {week.longest_run}"
        )
    if a.loaded_days != len(week.loaded_days):
        parts.append(
            f"lower back loaded {plural(a.loaded_days, 'day')} instead of {len(week.loaded_days)}"
        )
    parts.append(f"the week would be {a.status}")
    text = "; ".join(parts)
    return f"{a.note} {text[0].upper()}{text[1:]}." if a.note else f"{text[0].upper()}{text[1:]}."


def advice_without_swaps(week: Week) -> str:
    """For a flagged week without proposed swaps (older than the weeks searched, or nothing
    helps): the advice of its worst schedule flag, from its rule; '' when it has none."""
    fixable = [f for f in week.flags if f.code in FIXABLE]
    if not fixable:
        return ""
    worst_flag = max(fixable, key=lambda f: SEVERITY_RANK[f.severity])
    return BY_CODE[worst_flag.code].advice


def what_to_change(week: Week) -> list[str]:
    """The PDFs' "What to change": the proven swaps when there are some, else each flag's
    advice from its rule (once per kind of flag)."""
    if week.swaps:
        return swap_lines(week)
    return [BY_CODE[c].advice for c in dict.fromkeys(f.code for f in week.flags) if c in BY_CODE]


# --- the fixed plan's `change` cells ---------------------------------------------------------


def change_substituted(s: Swap) -> str:
    """A substituted lift's `change` cell: 'was Bent Over Row (Barbell): <why>'."""
    return f"was {s.from_}: {s.reason}"


def change_reduced(sets_before: int) -> str:
    """A reduced lift's `change` cell: 'was 5 sets'."""
    return f"was {sets_before} sets"


def change_moved(day: str) -> str:
    """A moved lift's `change` (after any other change, separated by '; '): 'moved from Wed'."""
    return f"moved from {day}"
