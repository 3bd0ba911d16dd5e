"""Pain notes read by body region: lower back, another body part, or no part named.

A set or workout note such as "tweaked my back" should keep a watch on the lower back, while
"shoulder twinge" should not, "felt tight" is usually nothing, and "keep back tight" is a
coaching cue. `read_pain` tells these apart with the vocabulary in `data/pain_words.toml`
(English, German, Spanish, French, Portuguese, Chinese), read once and compiled into a few
regular expressions that run over the distinct notes of a log (logs repeat a note on every set
of an exercise, so a million rows usually hold a few thousand notes at most).

Steps, each a vectorised pandas string operation over the distinct notes:
1. fold: lower case, accents removed, curly apostrophes made straight;
2. remove exercise and set names ("back squat", "back-off sets"), "back" as an adverb
   ("came back", "back to squats") and coaching cues ("keep back tight", "stay tight");
3. remove negations ("no pain", "back felt fine", "didn't hurt", "sin dolor", "不痛");
4. a lower-back complaint is a lower-back word next to a pain word in one clause (or a word
   that is itself one, like "sciatica" or "Hexenschuss"); another part's complaint likewise;
   a standalone pain word ("pain", "twinge") without a part nearby takes the first part named
   anywhere in the note, else the region is "unspecified". Words such as "tight", "stiff",
   "sore" count only next to a body part.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from analyzer.config import Config

REGIONS = ("lower_back", "other", "unspecified")

#: English name used in messages for every lower-back word.
LOWER_BACK = "lower back"

# Clause breaks a complaint does not reach across, and the longest gap between a part and its
# pain word ("tweaked something in my lower back" = 22 characters between).
_GAP = r"[^,;.!?:\n\r，。；！？、]{0,40}?"
_NEUTRAL = " ~ "
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f]")
_PLURAL = r"(?:s|es|x|n)?"


def _strip_accents(text: str) -> str:
    """`text` without accents (NFKD, combining marks dropped): "lesión" -> "lesion"."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def _fold(text: str) -> str:
    """`text` as the notes are compared: lower case, no accents, straight apostrophes."""
    return _strip_accents(text.lower().replace("\u2019", "'").replace("\u2018", "'"))


def _fold_series(notes: pd.Series) -> pd.Series:
    """`_fold` for a Series of str (vectorised)."""
    return (
        notes.str.lower()
        .str.replace("[\u2018\u2019\u00b4`]", "'", regex=True)
        .str.normalize("NFKD")
        .str.replace("[\u0300-\u036f]", "", regex=True)
    )


def _phrase(entry: str) -> str:
    """Regex body of one vocabulary entry (already folded): words joined by any run of spaces,
    "-" or "_"; a final `*` accepts any longer word."""
    star = entry.endswith("*")
    words = re.split(r"[\s_-]+", entry.rstrip("*").strip())
    body = r"[\s_-]+".join(re.escape(w) for w in words)
    return body + r"\w*" if star else body


def _alternation(entries: Iterable[str]) -> tuple[str, str]:
    """(latin, cjk) alternations of `entries`, longest first; "" when a side is empty. The
    latin side still needs word boundaries around it; the cjk side matches anywhere."""
    folded = sorted({_fold(e) for e in entries if e.strip()}, key=len, reverse=True)
    latin = "|".join(_phrase(e) for e in folded if not _CJK.search(e))
    cjk = "|".join(re.escape(e) for e in folded if _CJK.search(e))
    return latin, cjk


def _either(*parts: str) -> str:
    """Alternation of the non-empty regexes in `parts` ("(?!)" matches nothing)."""
    kept = [p for p in parts if p]
    return "(?:" + "|".join(kept) + ")" if kept else "(?!)"


def _words(entries: Iterable[str], *, end: str = r"(?!\w)", suffix: str = "") -> str:
    """Regex for any of `entries`: latin ones on word boundaries (ended by `end`, after an
    optional `suffix`), Chinese ones anywhere."""
    latin, cjk = _alternation(entries)
    return _either(f"(?<!\\w)(?:{latin}){suffix}{end}" if latin else "", cjk)


@functools.cache
def _vocabulary() -> dict[str, Any]:
    text = resources.files("analyzer.data").joinpath("pain_words.toml").read_text("utf-8")
    return tomllib.loads(text)


@functools.cache
def _model_defaults() -> dict[str, frozenset[str]]:
    """The packaged `[pain]` lists of model.toml (folded), which `pain_words.toml` covers: only
    entries beyond these are a user's extensions."""
    text = resources.files("analyzer.data").joinpath("model.toml").read_text("utf-8")
    pain: Mapping[str, Any] = tomllib.loads(text).get("pain", {})
    return {
        key: frozenset(_fold(str(v)) for v in pain.get(key, ()))
        for key in ("words", "cjk", "negations")
    }


@dataclass(frozen=True)
class _Patterns:
    """The compiled regexes of one vocabulary (packaged words plus a config's extensions)."""

    ignore: re.Pattern[str]
    negation: re.Pattern[str]
    lower_back: re.Pattern[str]
    other: re.Pattern[str]
    standalone: re.Pattern[str]
    lower_back_part: re.Pattern[str]
    other_part: re.Pattern[str]
    names: Mapping[str, str]


@functools.cache
def _patterns(extra_words: tuple[str, ...], extra_negations: tuple[str, ...]) -> _Patterns:
    """Compile the vocabulary once per set of user extensions."""
    vocab = _vocabulary()
    pain, back, neg, ignore = (
        vocab["pain"],
        vocab["lower_back"],
        vocab["negations"],
        vocab["ignore"],
    )
    endings_latin, _ = _alternation(pain["compound_endings"])
    # Parts may start a German compound ("Rückenschmerzen"): their end is a word end or one of
    # the compound endings.
    part_end = f"(?=\\W|$|{endings_latin})" if endings_latin else r"(?!\w)"
    compound = f"(?:{endings_latin})(?!\\w)" if endings_latin else ""

    standalone = _either(_words([*pain["words"], *extra_words]), _words(pain["cjk"]), compound)
    with_part = _either(_words(pain["with_part"]), _words(pain["cjk_with_part"]))
    any_pain = _either(standalone, with_part)

    guards = "".join(
        f"(?<!{re.escape(w)})"
        if _CJK.search(w)
        else f"(?<!\\b{re.escape(w)}\\s)(?<!\\b{re.escape(w)}-)"
        for w in map(_fold, back["not_after"])
    )
    not_before = _alternation(back["not_before"])[0]
    after = f"(?![\\s_-]+(?:{not_before})(?!\\w))" if not_before else ""
    back_latin, back_cjk = _alternation([*back["words"], *back["cjk"]])
    lower_back = _either(
        f"{guards}(?<!\\w)(?:{back_latin}){after}{part_end}",
        f"{guards}(?:{back_cjk})" if back_cjk else "",
    )
    conditions = _words(back["conditions"])

    names = {_fold(k): str(v) for k, v in vocab["other_parts"].items()}
    other_latin, other_cjk = _alternation(names)
    other = _either(f"(?<!\\w)(?:{other_latin}){_PLURAL}{part_end}", other_cjk)

    def near(part: str, name: str = "") -> str:
        """A part and a pain word in one clause, either order; the part captured as `name`."""
        first, second = (f"(?P<{name}a>{part})", f"(?P<{name}b>{part})") if name else (part, part)
        return f"{first}{_GAP}{any_pain}|{any_pain}{_GAP}{second}"

    fillers = _either(_words(neg["fillers"]), lower_back, other)
    negators = _words(neg["negators"])
    fine = (
        f"{_either(lower_back, other)}(?:'s)?(?:[\\s,_-]+{_words(neg['fine_verbs'])})?"
        r"[\s_-]+"
        r"(?:(?:totally|completely|pretty|really|all|mostly|perfectly|muy|ganz)[\s_-]+)?"
        f"{_words(neg['fine_words'])}"
    )
    negation = _either(
        _words([*neg["phrases"], *extra_negations]),
        f"{negators}(?:[\\s_-]+{fillers}){{0,3}}[\\s_-]+{any_pain}",
        fine,
    )
    # Regexes, matched on the folded notes: accents removed, case kept (lower-casing a regex
    # would turn \S into \s).
    ignore_all = [
        _strip_accents(p) for key in ("exercises", "adverbs", "cues") for p in ignore[key]
    ]
    ignore_rx = "|".join(
        f"(?:{p})" if _CJK.search(p) else f"(?<!\\w)(?:{p})(?!\\w)" for p in ignore_all
    )
    return _Patterns(
        ignore=re.compile(ignore_rx),
        negation=re.compile(negation),
        lower_back=re.compile(_either(conditions, near(lower_back))),
        other=re.compile(near(other, "p")),
        standalone=re.compile(standalone),
        lower_back_part=re.compile(lower_back),
        other_part=re.compile(f"(?P<p>{other})"),
        names=names,
    )


def _extensions(config: Config | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A config's pain words and negations beyond the packaged model.toml defaults (the user's
    additions), as (words incl. Chinese characters, negations)."""
    if config is None:
        return (), ()
    defaults = _model_defaults()
    words = tuple(
        sorted(
            {
                w
                for w in (*config.words, *config.cjk)
                if w.strip() and _fold(w) not in defaults["words"] | defaults["cjk"]
            }
        )
    )
    negations = tuple(
        sorted({n for n in config.negations if n.strip() and _fold(n) not in defaults["negations"]})
    )
    return words, negations


def _part_name(written: str, names: Mapping[str, str]) -> str:
    """English name of a body part as matched in a folded note ("Knees" -> "knee")."""
    key = re.sub(r"[\s_-]+", " ", written.strip())
    if key in names:
        return names[key]
    for ending in ("es", "s", "x", "n"):
        if key.endswith(ending) and key[: -len(ending)] in names:
            return names[key[: -len(ending)]]
    return key


def _read_distinct(notes: pd.Series, patterns: _Patterns) -> tuple[np.ndarray, np.ndarray]:
    """(region, part) object arrays for distinct notes (a str Series, no missing values)."""
    text = _fold_series(notes)
    text = text.str.replace(patterns.ignore, _NEUTRAL, regex=True)
    text = text.str.replace(patterns.negation, _NEUTRAL, regex=True)

    lower_back = text.str.contains(patterns.lower_back, regex=True).to_numpy(dtype=bool)
    near = text.str.extract(patterns.other)
    other_near = near["pa"].fillna(near["pb"])
    other = other_near.notna().to_numpy(dtype=bool)
    standalone = text.str.contains(patterns.standalone, regex=True).to_numpy(dtype=bool)
    # Standalone pain with no part beside it: the first part the note names anywhere.
    named_back = text.str.contains(patterns.lower_back_part, regex=True).to_numpy(dtype=bool)
    anywhere = text.str.extract(patterns.other_part)["p"]
    named_other = anywhere.notna().to_numpy(dtype=bool)

    loose = standalone & ~lower_back & ~other
    is_back = lower_back | (loose & named_back)
    is_other = ~is_back & (other | (loose & named_other))
    region = np.select([is_back, is_other, standalone], list(REGIONS), default="").astype(object)
    written = other_near.where(other, anywhere).fillna("").to_numpy(dtype=object)
    part = np.full(len(region), "", dtype=object)
    part[is_back] = LOWER_BACK
    part[is_other] = [_part_name(w, patterns.names) for w in written[is_other].tolist()]
    return region, part


def read_pain(notes: pd.Series, config: Config | None = None) -> pd.DataFrame:
    """Per note (same index as `notes`): column `region` (str: "" when the note does not
    mention pain or discomfort; "lower_back"; "other" when only another body part is named;
    "unspecified" when pain is mentioned with no body part) and column `part` (str: the body
    part as written in plain English for a message, e.g. "lower back", "shoulder", "knee",
    "" when none). Each distinct note is read once (logs repeat notes on every set).

    The vocabulary is `data/pain_words.toml`. With a `config`, its `words` and `cjk` entries
    beyond the packaged model.toml defaults count as extra standalone pain words (region from
    a part named nearby, else "unspecified") and its extra `negations` as extra negations.
    Missing notes (NaN / None) read as "".
    """
    codes, region, part = _read_notes(notes, config)
    return pd.DataFrame(
        {
            "region": pd.Series(region[codes], index=notes.index, dtype="str"),
            "part": pd.Series(part[codes], index=notes.index, dtype="str"),
        },
        index=notes.index,
    )


def pain_regions(notes: pd.Series, config: Config | None = None) -> np.ndarray:
    """Per note, `read_pain`'s `region` as an object array of str: what the load model and
    the flag messages need, without building text columns as long as the log."""
    codes, region, _ = _read_notes(notes, config)
    return region[codes]


def _read_notes(
    notes: pd.Series, config: Config | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(code of each note's distinct value, region and part of each distinct value): each
    distinct note is read once; a missing note has code -1, which takes the trailing ""."""
    patterns = _patterns(*_extensions(config))
    codes, uniques = pd.factorize(notes, use_na_sentinel=True)
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype="str")
    if len(distinct):
        region, part = _read_distinct(distinct, patterns)
    else:
        region = part = np.empty(0, dtype=object)
    return codes, np.append(region, ""), np.append(part, "")
