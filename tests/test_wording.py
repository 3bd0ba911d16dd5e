"""render/wording.py: the phrases every renderer shares (issue 18, point 4).

Built from hand-made results, so each test states the exact words a user reads; the
renderers' own tests (test_coach_view, test_pdf, test_table, test_plan) check the same words
in the finished outputs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest

from analyzer.render import roster, wording
from analyzer.results import AfterSwaps, AthleteResult, Flag, Swap, Week
from analyzer.rules import BY_CODE, RULES
from tests.common import ROOT

MON = dt.date(2026, 9, 14)  # 2026-W38
ROW = "Bent Over Row (Barbell)"
DEADLIFT = "Deadlift (Barbell)"


def _day(n: int) -> dt.date:
    """The day `n` days after MON (0 = Monday)."""
    return MON + dt.timedelta(days=n)


def _flag(code: str, severity: str = "watch", **figures: float) -> Flag:
    return Flag(code, severity, (MON,), (), f"{code} message", figures)  # type: ignore[arg-type]


def _week(start: dt.date = MON, status: str = "ok", **kw: object) -> Week:
    iso = start.isocalendar()
    fields: dict[str, object] = {
        "week": f"{iso.year}-W{iso.week:02d}",
        "start": start,
        "sets": 12,
        "direct_sets": 6,
        "indirect_sets": 6,
        "lower_back_load": 8.0,
        "loaded_days": (start, start + dt.timedelta(days=1)),
        "longest_run": 2,
        "acwr": None,
        "monotony": None,
        "strain": None,
        "status": status,
    }
    fields.update(kw)
    return Week(**fields)  # type: ignore[arg-type]


def _athlete(*weeks: Week, name: str = "Ann") -> AthleteResult:
    return AthleteResult(
        name,
        weeks[0].start,
        weeks[-1].start + dt.timedelta(days=6),
        weeks,
        pd.DataFrame(),
        pd.DataFrame(),
    )


# --- weeks and days ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("monday", "label"),
    [
        (dt.date(2026, 9, 14), "2026-W38"),
        (dt.date(2026, 12, 28), "2026-W53"),  # 2026 has 53 ISO weeks
        (dt.date(2024, 12, 30), "2025-W01"),  # its Thursday is in 2025: the ISO year is 2025
    ],
)
def test_week_labels_use_the_iso_year(monday: dt.date, label: str) -> None:
    assert wording.week_label(monday) == label


def test_a_span_crossing_the_year_names_the_year_once_at_its_end() -> None:
    assert wording.span(dt.date(2026, 12, 28)) == "28 Dec to 03 Jan 2027"
    assert wording.span(MON) == "14 Sep to 20 Sep 2026"


def test_days_are_named_in_date_order_and_none_is_said() -> None:
    assert wording.days_text([_day(3), _day(0), _day(6)]) == "Mon Thu Sun"
    assert wording.days_text([]) == "none"
    assert wording.days_text([], none="") == ""  # the table leaves the cell empty


def test_plurals() -> None:
    assert [wording.plural(n, "day") for n in (0, 1, 2)] == ["0 days", "1 day", "2 days"]
    assert wording.plural(3, "loaded day") == "3 loaded days"
    assert wording.plural(2, "person", "people") == "2 people"


def test_a_week_in_progress_says_through_which_day() -> None:
    done = _week()
    partial = _week(in_progress=True, through=_day(2))
    assert wording.progress_note(done) == ""
    assert wording.progress_note(partial) == "week in progress, through Wed"
    assert wording.progress_note(replace(partial, through=None)) == "week in progress"
    assert wording.week_words(done) == "2026-W38 (14 Sep to 20 Sep 2026)"
    assert wording.week_words(partial) == "2026-W38 (week in progress, through Wed 16 Sep 2026)"


def test_the_latest_week_headline_names_the_week_before_only_when_it_decided() -> None:
    before = _week(MON - dt.timedelta(weeks=1), "overuse")
    partial = _week(in_progress=True, through=_day(2))
    assert wording.latest_words(_athlete(before, partial)) == (
        "2026-W38 OVERUSE (week in progress, through Wed, ok so far; 2026-W37 overuse)"
    )
    calm = replace(before, status="ok")
    assert wording.latest_words(_athlete(calm, partial)) == (
        "2026-W38 OK (week in progress, through Wed, ok so far)"
    )
    assert wording.latest_words(_athlete(calm, _week(status="watch"))) == "2026-W38 WATCH"
    empty = replace(_athlete(calm), weeks=())
    assert wording.latest_words(empty) == "no weeks"


def test_the_in_progress_note_explains_a_status_set_by_the_week_before() -> None:
    before = _week(MON - dt.timedelta(weeks=1), "watch")
    partial = _week(in_progress=True, through=_day(1))
    athlete = _athlete(before, partial)
    assert wording.in_progress_words(athlete, partial, "watch") == (
        "This week so far: OK. The week before (2026-W37) was WATCH: until this week is "
        "complete it is shown at the worse of the two."
    )
    assert wording.in_progress_words(athlete, partial, "ok") == "This week so far: OK."
    assert wording.in_progress_words(athlete, before, "watch") == ""


def test_status_words_and_the_plan_baseline() -> None:
    assert wording.status_word("overuse") == "OVERUSE"
    assert wording.status_word("watch", so_far=True) == "WATCH so far"
    assert wording.status_word(roster.NO_DATA) == "NO LOG"
    assert wording.baseline_words(0) == "without history (no acute:chronic ratio)"
    assert wording.baseline_words(1) == "with 1 week of history as the baseline"
    assert wording.baseline_words(6) == "with 6 weeks of history as the baseline"


# --- flags ------------------------------------------------------------------------------------


def test_every_rule_has_its_plain_name_and_unknown_codes_read_as_words() -> None:
    assert {code: wording.flag_name(code) for code in wording.PLAIN_FLAG} == {
        r.code: r.label for r in RULES
    }
    assert wording.flag_name("some_new_rule") == "some new rule"


def test_flag_labels_put_what_counts_first_once_each_and_mark_notes() -> None:
    flags = [
        _flag("pain_note", "info"),
        _flag("consecutive_days", "watch"),
        _flag("hard_spacing", "overuse"),
        _flag("consecutive_days", "watch"),
    ]
    assert wording.flag_labels(flags) == (
        "hard back sessions too close, loaded days in a row, pain noted (note)"
    )
    assert wording.flag_labels([]) == ""


def test_a_standing_decided_by_the_week_before_shows_both_weeks_flags() -> None:
    before = _week(
        MON - dt.timedelta(weeks=1), "overuse", flags=(_flag("hard_spacing", "overuse"),)
    )
    partial = _week(in_progress=True, through=_day(2))
    (line,) = roster.standings([_athlete(before, partial)])
    assert line.decided_by_week_before is before
    assert wording.standing_flags(line) == "2026-W37 overuse: hard back sessions too close"
    flagged = replace(partial, flags=(_flag("consecutive_days"),), status="watch")
    (line,) = roster.standings([_athlete(before, flagged)])
    assert wording.standing_flags(line) == (
        "loaded days in a row, 2026-W37 overuse: hard back sessions too close"
    )
    (quiet,) = roster.standings([_athlete(_week())])
    assert wording.standing_flags(quiet) == ""


def test_the_headline_counts_the_athletes_listed_first_and_groups_the_rest() -> None:
    current = _week(dt.date(2026, 10, 5))
    ann = _athlete(replace(current, status="overuse"), name="Ann")
    bob = _athlete(current, name="Bob")
    old = _athlete(_week(dt.date(2026, 8, 3)), name="Old")  # over 2 weeks before the newest log
    lines = roster.standings([bob, old, ann])
    assert [s.athlete for s in lines] == ["Ann", "Bob", "Old"]
    assert wording.headline(lines, chosen_week=False) == (
        "3 athletes: 1 overuse, 0 watch, 1 ok; 1 with no recent log (listed last)."
    )
    assert wording.headline(lines[:1], chosen_week=True) == "1 athlete: 1 overuse, 0 watch, 0 ok."


# --- swaps and advice -------------------------------------------------------------------------

SUB = Swap(_day(1), ROW, "Chest Supported Row (Dumbbell)", None, "substitute", "spares it", ())
MOVE = Swap(_day(2), DEADLIFT, None, _day(5), "move", "rest between", ("hard_spacing",))
CUT = Swap(
    _day(3), "Good Morning", None, None, "reduce", "cut Good Morning from 5 to 3 sets", (), 5, 3
)


def _spaced_week(gap_after: float | None) -> Week:
    """A week flagged for hard sessions 24 h apart, fixed by moving the deadlift."""
    return _week(
        status="overuse",
        flags=(_flag("hard_spacing", "overuse", gap_hours=24.0),),
        swaps=(MOVE,),
        loaded_days=(_day(0), _day(1), _day(2), _day(3)),
        longest_run=4,
        after_swaps=AfterSwaps(
            "ok", (), 7.0, loaded_days=4, longest_run=2, closest_gap_hours=gap_after
        ),
    )


def test_the_swap_effect_states_the_change_in_numbers() -> None:
    assert wording.swap_effect(_spaced_week(120.0)) == (
        "Clears hard back sessions too close; hard sessions 120 h apart instead of 24 h; "
        "2 loaded days in a row instead of 4; the week would be ok."
    )
    assert wording.swap_effect(_spaced_week(None)) == (
        "Clears hard back sessions too close; no two hard sessions close (were 24 h apart); "
        "2 loaded days in a row instead of 4; the week would be ok."
    )
    assert wording.swap_effect(_week()) == ""


def test_a_swap_that_does_not_clear_the_week_leads_with_its_note() -> None:
    week = _week(
        status="watch",
        swaps=(SUB,),
        loaded_days=(_day(0), _day(1), _day(3)),
        longest_run=2,
        after_swaps=AfterSwaps(
            "watch",
            ("acwr_spike",),
            6.0,
            loaded_days=2,
            note="The most useful single change.",
            longest_run=2,
        ),
    )
    assert wording.swap_effect(week) == (
        "The most useful single change. Lower back loaded 2 days instead of 3; "
        "the week would be watch."
    )


def test_the_terse_fix_line_and_the_pdf_lines_say_the_same_changes() -> None:
    week = replace(_spaced_week(120.0), swaps=(SUB, MOVE, CUT))
    effect = wording.swap_effect(week)
    assert wording.fix_line(week) == (
        f"Tue {ROW} -> Chest Supported Row (Dumbbell); Wed {DEADLIFT} -> move to Sat; "
        f"Thu cut Good Morning from 5 to 3 sets — {effect}"
    )
    glued = wording.fix_line(week, keep=lambda step: step.replace(" ", "_"))
    assert glued.startswith("Tue_Bent_Over_Row_(Barbell)_->_Chest") and glued.endswith(effect)
    assert wording.swap_lines(week) == [
        f"Tue: {ROW} \u2192 Chest Supported Row (Dumbbell)",
        f"Move {DEADLIFT} from Wed to Sat",
        "Thu: cut Good Morning from 5 to 3 sets",
        f"Effect: {effect}",
    ]
    assert wording.what_to_change(week) == wording.swap_lines(week)
    # A change without a stated reason still says what it does.
    unexplained = replace(week, swaps=(replace(CUT, reason=""),))
    assert wording.swap_lines(unexplained)[0] == "Thu: fewer sets of Good Morning"


def test_without_swaps_the_advice_comes_from_the_rules() -> None:
    flagged = _week(
        status="overuse",
        flags=(
            _flag("pain_note", "watch"),
            _flag("consecutive_days", "watch"),
            _flag("hard_spacing", "overuse"),
            _flag("consecutive_days", "watch"),
        ),
    )
    # The worst flag a schedule change can fix; pain is not one.
    assert wording.advice_without_swaps(flagged) == BY_CODE["hard_spacing"].advice
    assert wording.advice_without_swaps(replace(flagged, flags=flagged.flags[:1])) == ""
    assert wording.what_to_change(flagged) == [
        BY_CODE["pain_note"].advice,
        BY_CODE["consecutive_days"].advice,
        BY_CODE["hard_spacing"].advice,
    ]


def test_the_fixed_plan_change_cells() -> None:
    assert wording.change_substituted(SUB) == f"was {ROW}: spares it"
    assert wording.change_reduced(5) == "was 5 sets"
    assert wording.change_moved("Wed") == "moved from Wed"


# --- pain and the disclaimer ------------------------------------------------------------------


def test_pain_lines_name_whose_log_and_refer() -> None:
    assert wording.pain_line(["Chloé Martin"]) == (
        "Pain was noted in Chloé Martin's log: see a physiotherapist or physician if it is "
        "sharp, present at rest, or lasts beyond 1-2 weeks."
    )
    assert wording.pain_line(["Ann", "Bob", "Cy"]).startswith(
        "Pain was noted in the logs of Ann, Bob and Cy: see a physiotherapist"
    )
    assert wording.pain_count_line(40).startswith(
        'Pain was noted in the logs of 40 athletes ("pain noted" below): see a'
    )
    assert wording.PAIN_IN_LOG.startswith("Pain was noted in the log: see a physiotherapist")


@pytest.mark.parametrize("phrase", [wording.DISCLAIMER, wording.PAIN_REFERRAL])
def test_shared_sentences_are_written_only_in_the_wording_module(phrase: str) -> None:
    """The disclaimer and the referral were copied into several renderers; now one place."""
    holders = [
        p.relative_to(ROOT).as_posix()
        for p in sorted((ROOT / "analyzer").rglob("*.py"))
        if phrase in p.read_text(encoding="utf-8")
    ]
    assert holders == ["analyzer/render/wording.py"]


def test_the_render_vocabulary_is_defined_once() -> None:
    """PLAIN_FLAG, CLASS_WORDS and DOSE_UNIT live in wording; palette re-exports the two the
    charts draw next to their colours, as the same objects."""
    from analyzer.render import palette, pdf, terminal

    assert not hasattr(terminal, "PLAIN_FLAG") and not hasattr(palette, "PLAIN_FLAG")
    assert not hasattr(pdf, "PLAIN_FLAG")
    assert palette.CLASS_WORDS is wording.CLASS_WORDS and palette.DOSE_UNIT is wording.DOSE_UNIT
