"""Checking a planned week before training it (`backlog plan`).

A plan is a CSV or .xlsx with `day` (Mon..Sun or a date), `exercise`, `sets`, `reps` and
optionally `weight`/`rpe` (headers matched through the same synonym table as coach files).
The plan becomes canonical set rows for a concrete week (the Monday after the history's last
day, or the given start), is judged after the athlete's history (`--history LOG`, for the
chronic baseline) by the same pipeline as a log, and its swaps are written back as a fixed plan
next to the input, in the plan's own format (`PLAN.fixed.csv`, or `PLAN.fixed.xlsx` for a
workbook; never overwriting anything).

Weights are read in the plan's unit: a unit in the weight header (`Weight (lb)`), else the
`--units` given, else the unit every weight cell states (`225 lb`), else kg; a cell that states
another unit (`100 kg`) is converted to the plan's unit. The fixed plan writes them back in
that unit.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import numpy as np
import pandas as pd

from analyzer import safe_write
from analyzer.calendar import DAY_NAMES as WEEKDAYS
from analyzer.config import Config
from analyzer.errors import ConfigError, EmptyLogError, OutputError, UnsupportedLayoutError
from analyzer.importers import (
    MAX_REPS,
    MAX_WEIGHT_KG,
    ImportOptions,
    Units,
    check_link,
    find_header,
    read_grids,
    read_inputs,
)
from analyzer.importers.tabular import as_text, parse_dates, parse_numbers, to_kg
from analyzer.merging import merge_sources
from analyzer.pipeline import AnalyzeOptions, analyze_sets
from analyzer.results import AthleteResult, Week
from analyzer.safe_write import atomic_write
from analyzer.schema import LB_TO_KG, conform
from analyzer.tagging import Tagger, load_tagger

#: Plan values outside these ranges cannot be meant: the row is skipped and reported.
PLAN_LIMITS: Final = {
    "sets": (0.0, 100.0),
    "reps": (0.0, MAX_REPS),
    "weight": (0.0, MAX_WEIGHT_KG),
    "rpe": (0.0, 10.0),
}
#: Planned days outside these years are typing errors (and beyond what dates can hold).
EARLIEST_PLAN_DAY: Final = pd.Timestamp("1970-01-01")
LATEST_PLAN_DAY: Final = pd.Timestamp("2200-01-01")
DAY_NAMES: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_LABELS: Final = WEEKDAYS
MAX_SETS: Final = 100
FIXED_COLUMNS: Final = ("day", "exercise", "sets", "reps", "weight", "rpe", "change")
PlanFormat = Literal["csv", "xlsx"]


@dataclass(frozen=True, eq=False)
class PlanCheck:
    """A planned week judged: the plan as read, its week, and the fixed plan."""

    path: Path
    athlete: str
    plan: pd.DataFrame  # day (label as written), date, exercise, sets, reps, weight, rpe
    week: Week
    athlete_result: AthleteResult
    fixed: pd.DataFrame  # FIXED_COLUMNS
    history_weeks: int
    #: Rows of the plan that were not used, as "row N: reason" (absurd values, far dates).
    skipped: tuple[str, ...] = ()
    #: The plan's weight unit: its weights (and the fixed plan's) are in it.
    unit: Units = "kg"
    #: The plan's file format, which the fixed plan is written in: "csv" or "xlsx".
    fmt: PlanFormat = "csv"


def _day_dates(days: pd.Series, start: pd.Timestamp | None, path: Path) -> pd.Series:
    """Dates for the plan's day cells: weekday names (Mon, monday, ...) relative to `start`,
    or dates as written."""
    text = as_text(days).str.casefold().str.slice(0, 3)
    weekday = text.map({d: i for i, d in enumerate(DAY_NAMES)})
    dates = pd.Series(pd.NaT, index=days.index, dtype="datetime64[ns]")
    named = weekday.notna()
    if named.any():
        monday = start if start is not None else _next_monday(pd.Timestamp(dt.date.today()))
        dates[named] = monday + pd.to_timedelta(weekday[named].astype("int64"), unit="D")
    if (~named).any():
        dates[~named] = parse_dates(days[~named]).values.dt.normalize()
    bad = dates.isna() & as_text(days).notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise UnsupportedLayoutError(
            f"day {days.iloc[row]!r} is neither a weekday (Mon..Sun) nor a date",
            path=path,
            column="day",
            hint="write Mon..Sun or a date such as 2026-09-14",
        )
    return dates


def _next_monday(day: pd.Timestamp) -> pd.Timestamp:
    return day.normalize() + pd.Timedelta(days=7 - day.weekday())


def read_plan(
    path: Path, start: pd.Timestamp | None = None, units: Units | None = None
) -> pd.DataFrame:
    """The plan as a table: day (as written), date, exercise, sets, reps, weight, rpe, row.

    `weight` is in the plan's unit (`plan_unit(plan)`): the weight header's unit, else
    `units`, else the unit every weight cell states (`225 lb`), else kg; cells stating
    another unit are converted to it (to 0.01). Rows whose values
    cannot be meant (sets, reps, weight or RPE out of `PLAN_LIMITS`, a day outside
    1970-2200) are left out; `skipped_rows(plan)` lists them. `plan_format(plan)` is "xlsx"
    for a workbook, else "csv"."""
    check_link(path)
    read = read_grids(path)
    fmt: PlanFormat = "xlsx" if read.workbook else "csv"
    for table in read.grids:
        found = find_header(table.cells)
        if found is None or not {"date", "exercise"} <= set(found[1]):
            continue
        header_row, columns = found
        body = table.cells.iloc[header_row + 1 :]

        def col(name: str, body: pd.DataFrame = body, columns: dict = columns) -> pd.Series:
            if name not in columns:
                return pd.Series(np.nan, index=body.index, dtype="object")
            return body.iloc[:, columns[name].index]

        exercise = as_text(col("exercise"))
        keep = exercise.notna()
        parsed = {
            name: parse_numbers(col(name)[keep], decimal_comma=False, allow_units=True)
            for name in ("sets", "reps", "weight", "rpe")
        }
        numbers = {name: p.value for name, p in parsed.items()}
        header_unit = columns["weight"].unit if "weight" in columns else None
        weights = parsed["weight"]
        stated = set(weights.unit[weights.value.notna()].fillna("none"))
        unit: Units = (
            "lb"
            if (header_unit or units or (stated.pop() if len(stated) == 1 else None)) == "lb"
            else "kg"
        )
        numbers["weight"] = _in_unit(parsed["weight"].value, parsed["weight"].unit, unit)
        plan = pd.DataFrame(
            {
                "day": as_text(col("date")[keep]),
                "exercise": exercise[keep],
                "sets": numbers["sets"].fillna(1.0),
                "reps": numbers["reps"],
                "weight": numbers["weight"],
                "rpe": numbers["rpe"],
                "row": table.rows[header_row + 1 :][keep.to_numpy()],
            }
        )
        if plan.empty:
            break
        plan["date"] = _day_dates(plan["day"], start, path)
        reasons = _implausible(plan, unit)
        plan = plan[reasons.isna()].reset_index(drop=True)
        plan["sets"] = plan["sets"].round()
        plan.attrs["unit"] = unit
        plan.attrs["format"] = fmt
        plan.attrs["skipped"] = tuple(
            f"row {row}: {reason}"
            for row, reason in zip(
                table.rows[header_row + 1 :][keep.to_numpy()][reasons.notna().to_numpy()],
                reasons.dropna(),
                strict=True,
            )
        )
        return plan
    raise UnsupportedLayoutError(
        "no plan table found",
        path=path,
        hint="the plan needs a header row with day and exercise (and sets, reps, weight, rpe)",
    )


def _in_unit(value: pd.Series, cell_unit: pd.Series, unit: Units) -> pd.Series:
    """Weights in `unit`: cells without a unit of their own as written, the others converted
    (a cell in `unit` itself is left exactly as written)."""
    other = cell_unit.notna() & (cell_unit != unit)
    if not other.any():
        return value
    kg = to_kg(value[other], cell_unit[other])
    out = value.copy()
    out[other] = (kg / LB_TO_KG if unit == "lb" else kg).round(2)
    return out


def _implausible(plan: pd.DataFrame, unit: Units = "kg") -> pd.Series:
    """Per plan row, why it cannot be used (the first reason), or None. The weight limit is
    `PLAN_LIMITS`' (kg) in the plan's unit."""
    reasons = pd.Series(None, index=plan.index, dtype="object")
    for column, (low, high) in PLAN_LIMITS.items():
        if column == "weight" and unit == "lb":
            high = round(high / LB_TO_KG)
        values = plan[column]
        bad = ((values < low) | (values > high)) & reasons.isna()
        label = "RPE" if column == "rpe" else column
        reasons[bad] = [f"{label} {v:g} outside {low:g}-{high:g}" for v in values[bad]]
    far = ((plan["date"] < EARLIEST_PLAN_DAY) | (plan["date"] >= LATEST_PLAN_DAY)) & reasons.isna()
    reasons[far] = f"day outside {EARLIEST_PLAN_DAY.year}-{LATEST_PLAN_DAY.year - 1}"
    return reasons


def skipped_rows(plan: pd.DataFrame) -> tuple[str, ...]:
    """The plan rows `read_plan` left out, as "row N: reason"."""
    return tuple(plan.attrs.get("skipped", ()))


def plan_unit(plan: pd.DataFrame) -> Units:
    """The unit of the plan's `weight` column ("kg" unless `read_plan` found lb)."""
    return "lb" if plan.attrs.get("unit") == "lb" else "kg"


def plan_format(plan: pd.DataFrame) -> PlanFormat:
    """The plan file's format as `read_plan` found it: "xlsx" for a workbook, else "csv"."""
    return "xlsx" if plan.attrs.get("format") == "xlsx" else "csv"


def plan_sets(
    plan: pd.DataFrame, athlete: str, source: Path, unit: Units | None = None
) -> pd.DataFrame:
    """Canonical set rows for the plan: a row with `sets = 4` is four sets; weights converted
    from the plan's unit (`unit`, default `plan_unit(plan)`) to kg."""
    factor = LB_TO_KG if (unit or plan_unit(plan)) == "lb" else 1.0
    n = plan["sets"].fillna(1).astype("int64").to_numpy()
    rows = plan.loc[plan.index.repeat(n)].reset_index(drop=True)
    rows["set_index"] = rows.groupby(["row"]).cumcount() + 1
    return conform(
        pd.DataFrame(
            {
                "athlete": athlete,
                "performed_at": rows["date"] + pd.Timedelta(hours=18),
                "workout": "plan",
                "exercise": rows["exercise"],
                "set_index": rows["set_index"],
                "weight_kg": rows["weight"] * factor,
                "reps": rows["reps"],
                "rpe": rows["rpe"],
                "source_file": str(source),
                "source_row": rows["row"],
            }
        )
    )


def fixed_plan(plan: pd.DataFrame, week: Week) -> pd.DataFrame:
    """The plan with the week's swaps applied: substituted lifts renamed (weight left blank:
    choose a load for the same RPE), moved sessions on their new day, reduced lifts with fewer
    sets; `change` says what changed (in `render.wording`'s words, as the terminal and PDFs)."""
    from analyzer.render import wording

    out = plan.copy()
    out["change"] = ""
    out["weight"] = out["weight"].astype("object")
    dates = out["date"].dt.date
    uses_dates = not as_text(out["day"]).str.casefold().str.slice(0, 3).isin(DAY_NAMES).all()
    for s in week.swaps:
        on_day = dates.eq(s.day)
        if s.kind == "substitute":
            rows = on_day & out["exercise"].eq(s.from_)
            out.loc[rows, "change"] = wording.change_substituted(s)
            out.loc[rows, "exercise"] = s.to
            out.loc[rows, "weight"] = ""
        elif s.kind == "reduce":
            rows = on_day & out["exercise"].eq(s.from_)
            keep = s.sets_after if s.sets_after is not None else int(out.loc[rows, "sets"].iloc[0])
            out.loc[rows, "change"] = wording.change_reduced(int(out.loc[rows, "sets"].iloc[0]))
            out.loc[rows, "sets"] = float(keep)
    for s in week.swaps:
        if s.kind == "move" and s.move_to is not None:
            rows = dates.eq(s.day) & out["exercise"].eq(s.from_)
            label = s.move_to.isoformat() if uses_dates else DAY_LABELS[s.move_to.weekday()]
            was = DAY_LABELS[s.day.weekday()]
            out.loc[rows, "change"] = (
                out.loc[rows, "change"] + "; " + wording.change_moved(was)
            ).str.lstrip("; ")
            out.loc[rows, "day"] = label
            out.loc[rows, "date"] = pd.Timestamp(s.move_to)
    out = out.sort_values(["date", "row"], kind="stable")
    return out[list(FIXED_COLUMNS)].reset_index(drop=True)


def _athlete_history(
    history: Path | None, athlete: str | None, options: ImportOptions
) -> tuple[pd.DataFrame | None, str | None]:
    if history is None:
        return None, athlete
    sets, _, _ = merge_sources(read_inputs(history, options).results)
    names = sorted(sets["athlete"].dropna().unique())
    if athlete is None:
        if len(names) != 1:
            raise ConfigError(
                f"the history names {len(names)} athletes",
                path=history,
                hint="choose one with --athlete NAME",
            )
        athlete = str(names[0])
    mine = sets[sets["athlete"] == athlete]
    if mine.empty:
        raise ConfigError(
            f"no sets for athlete {athlete!r} in the history",
            path=history,
            hint="athletes: " + ", ".join(map(str, names[:10])),
        )
    return mine, athlete


def check_plan(
    path: Path,
    *,
    history: Path | None = None,
    athlete: str | None = None,
    start: dt.date | None = None,
    options: AnalyzeOptions | None = None,
    tagger: Tagger | None = None,
    config: Config | None = None,
) -> PlanCheck:
    """Judge a planned week (after the athlete's history, when given) and build its fixed
    plan. The week is the given `start` week, else the one after the history, else next
    week. `options.import_options.units` is the unit of the weights of the plan (and of the
    history) that state none."""
    options = options or AnalyzeOptions()
    tagger = tagger or load_tagger(options.exercise_map)
    config = config or options.config()
    if start is not None and not EARLIEST_PLAN_DAY.date() <= start < LATEST_PLAN_DAY.date():
        raise ConfigError(
            f"--start {start.isoformat()} is outside "
            f"{EARLIEST_PLAN_DAY.year}-{LATEST_PLAN_DAY.year - 1}",
            hint="give a date in the week you plan, e.g. 2026-09-14",
        )
    past, athlete = _athlete_history(history, athlete, options.import_options)
    athlete = athlete or path.stem
    if start is not None:
        monday = pd.Timestamp(start) - pd.Timedelta(days=pd.Timestamp(start).weekday())
    elif past is not None:
        monday = _next_monday(past["date"].max())
    else:
        monday = None
    plan = read_plan(path, monday, options.import_options.units)
    skipped = skipped_rows(plan)
    sets = plan_sets(plan, athlete, path)
    if sets.empty:
        raise EmptyLogError(
            "the plan has no sets"
            + (
                f" ({len(skipped)} rows skipped; {skipped[0]})"
                if skipped
                else " (every row has 0 sets)"
            ),
            path=path,
            hint="give each planned lift sets of 1 or more",
        )
    if past is not None:
        if plan["date"].min() <= past["date"].max():
            raise ConfigError(
                "the planned week overlaps the history",
                path=path,
                hint="plan a later week, or pass --start",
            )
        sets = pd.concat([conform(past.assign(athlete=athlete)), sets], ignore_index=True)
    if sets.empty:
        raise EmptyLogError("the plan has no sets", path=path)
    (result,) = analyze_sets(sets, tagger=tagger, config=config).athletes
    week_start = plan["date"].min() - pd.Timedelta(days=plan["date"].min().weekday())
    week = next((w for w in result.weeks if w.start == week_start.date()), None)
    if week is None:  # pragma: no cover - the plan's sets are in its week
        raise EmptyLogError("the plan has no sets in its week", path=path)
    return PlanCheck(
        path=path,
        athlete=athlete,
        plan=plan,
        week=week,
        athlete_result=result,
        fixed=fixed_plan(plan, week),
        history_weeks=0 if past is None else len(result.weeks) - 1,
        skipped=skipped,
        unit=plan_unit(plan),
        fmt=plan_format(plan),
    )


def csv_cell(value: object) -> str:
    """A plan cell as CSV text: empty when missing, whole numbers without ".0", and escaped by
    `safe_write.escape_cell` (a leading quote when it would start a spreadsheet formula)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(safe_write.escape_cell(str(value)))


#: Names tried for the fixed plan before giving up (`PLAN.fixed.csv`, `PLAN.fixed-2.csv`, ...).
MAX_FIXED_NAMES: Final = 1000


def fixed_names(path: Path, fmt: PlanFormat = "csv") -> list[Path]:
    """`PLAN.fixed.csv` (`.xlsx` for a workbook plan) beside the plan, then
    `PLAN.fixed-2.csv`, ... in order."""
    suffix = f".{fmt}"
    return [
        path.with_name(f"{path.stem}.fixed{suffix}"),
        *(path.with_name(f"{path.stem}.fixed-{n}{suffix}") for n in range(2, MAX_FIXED_NAMES)),
    ]


def fixed_path(path: Path, fmt: PlanFormat = "csv") -> Path:
    """The first of `fixed_names` that does not exist now (`write_fixed` reserves it
    atomically, so a run started at the same time takes the next one)."""
    names = fixed_names(path, fmt)
    return next((c for c in names if not c.exists()), names[-1])


def fixed_header(unit: Units) -> list[str]:
    """The fixed plan's header: `FIXED_COLUMNS`, with the weight column named `weight (lb)` in
    a pound plan (so the fixed plan, checked again, is read in pounds without --units)."""
    return [f"weight ({unit})" if c == "weight" and unit != "kg" else c for c in FIXED_COLUMNS]


def _csv_bytes(check: PlanCheck) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(fixed_header(check.unit))
    values = check.fixed[list(FIXED_COLUMNS)].astype("object").to_numpy().tolist()
    writer.writerows([csv_cell(v) for v in row] for row in values)
    return buffer.getvalue().encode("utf-8")


#: Column widths of the fixed plan as a workbook, in characters (Excel's unit).
XLSX_WIDTHS: Final = {
    "day": 11,
    "exercise": 36,
    "sets": 6,
    "reps": 6,
    "weight": 11,
    "rpe": 6,
    "change": 70,
}
_ISO_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?$")


def _xlsx_value(column: str, value: object) -> str | float | dt.date | None:
    """A fixed-plan cell for a workbook: numbers as numbers (whole ones as int), ISO days as
    dates, text escaped as in the CSV, empty as None."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return None
    if isinstance(value, float | np.floating):
        return int(value) if float(value).is_integer() else float(value)
    if isinstance(value, np.integer):
        return int(value)
    text = str(value)
    if column == "day" and (iso := _ISO_DAY.match(text)):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(iso.group(1))
    return str(safe_write.escape_cell(text))


def _xlsx_bytes(check: PlanCheck) -> bytes:
    """The fixed plan as a workbook laid out as `--table FILE.xlsx` is (render.table): column
    widths, the header bold and frozen with a filter, dates as dates; text cells are text,
    never formulas."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    from analyzer.render.workbook import sheet_with_header

    header = fixed_header(check.unit)
    book, sheet = sheet_with_header(
        "fixed plan",
        header,
        {h: XLSX_WIDTHS[name] for h, name in zip(header, FIXED_COLUMNS, strict=True)},
        len(check.fixed),
    )
    top = Alignment(vertical="top")
    for record in check.fixed[list(FIXED_COLUMNS)].astype("object").to_numpy().tolist():
        cells = []
        for name, raw in zip(FIXED_COLUMNS, record, strict=True):
            value = _xlsx_value(name, raw)
            # types-openpyxl leaves `date` out of the cell value types; openpyxl writes it.
            cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
            if isinstance(value, str):
                cell.data_type = "s"  # never "f": text is text, even after escaping
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = top
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_fixed(check: PlanCheck, target: Path | None = None) -> Path:
    """Write the fixed plan atomically in the plan's format (`check.fmt`: CSV, or a workbook
    for an .xlsx plan; formula-like cells escaped), weights in the plan's unit; never
    overwrites: each name is taken only if no file has it at the moment of the rename, so
    parallel runs on the same plan each get their own file."""
    data = _xlsx_bytes(check) if check.fmt == "xlsx" else _csv_bytes(check)
    for candidate in [target] if target is not None else fixed_names(check.path, check.fmt):
        if candidate.exists():
            continue
        try:
            return atomic_write(candidate, lambda handle: handle.write(data), exclusive=True)
        except FileExistsError:
            continue
    raise OutputError(
        "every name for the fixed plan is taken",
        path=check.path,
        hint="remove old .fixed files, or use --no-write",
    )
