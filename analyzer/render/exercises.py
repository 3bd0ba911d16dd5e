"""Renderers for `backlog exercises`: the catalog listing, how names are tagged, and JSON."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return str(value)


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [
        max(len(header[i]), *(len(r[i]) for r in rows)) if rows else len(header[i])
        for i in range(len(header))
    ]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def catalog_text(catalog: pd.DataFrame) -> str:
    """The catalog as a table: name, class, coefficient, pattern, primary muscle, alternatives."""
    rows = [
        [
            name,
            cls,
            f"{coef:.2f}",
            _cell(pattern),
            _cell(muscle),
            ", ".join(alts.split("|")[:2]) if isinstance(alts, str) and alts else "-",
        ]
        for name, cls, coef, pattern, muscle, alts in zip(
            catalog["name"],
            catalog["load_class"],
            catalog["coefficient"],
            catalog["pattern"],
            catalog["primary_muscle"],
            catalog["alternatives"],
            strict=True,
        )
    ]
    header = ["exercise", "class", "coef", "pattern", "primary muscle", "spares the back"]
    return _table(rows, header) + f"\n{len(rows)} exercises"


def tags_records(tags: pd.DataFrame, counts: pd.Series | None = None) -> list[dict[str, Any]]:
    """`Tagger.tag_names` output as the JSON records of `backlog exercises --json`."""
    records = []
    for name in tags.index:
        t = tags.loc[name]
        record = {
            "name": name,
            "canonical": t["canonical"] if isinstance(t["canonical"], str) else None,
            "load_class": str(t["load_class"]),
            "coefficient": float(t["coefficient"]),
            "primary_muscle": t["primary_muscle"] if isinstance(t["primary_muscle"], str) else None,
            "matched_by": str(t["matched_by"]),
            "score": None if pd.isna(t["score"]) else round(float(t["score"]), 1),
            "suggestions": list(t["suggestions"]),
        }
        if counts is not None:
            record["sets"] = int(counts.get(name, 0))
        records.append(record)
    return records


def tags_text(records: list[dict[str, Any]]) -> str:
    """How each name was tagged and why, one line each."""
    rows = []
    for r in records:
        why = r["matched_by"] + (f" {r['score']:.0f}" if r["score"] is not None else "")
        target = r["canonical"] or ("nearest: " + "; ".join(r["suggestions"]))
        row = [r["name"], r["load_class"], f"{r['coefficient']:.2f}", why, target]
        if "sets" in r:
            row.insert(1, str(r["sets"]))
        rows.append(row)
    header = ["name", "class", "coef", "matched by", "catalog entry"]
    if records and "sets" in records[0]:
        header.insert(1, "sets")
    text = _table(rows, header)
    if any(r["load_class"] == "unknown" for r in records):
        text += (
            "\nUnknown names add no lower-back load. Tag them with --exercise-map FILE "
            "(CSV: name,load_class,coefficient[,canonical])."
        )
    return text


def tags_json(records: list[dict[str, Any]]) -> str:
    return json.dumps({"exercises": records}, ensure_ascii=False, indent=1)
