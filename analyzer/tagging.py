"""Tagging stage: give every exercise name in a log its lower-back load class and coefficient.

Names are matched against the catalog (`analyzer/catalog.py`) in this order, and the stage that
matched is reported as `matched_by`:

1. `override`: the user's `--exercise-map` CSV (exact name or its normalised form).
2. `exact`: the name is a canonical name or an alias (whitespace-trimmed).
3. `normalised`: the name's normalised key (case, accents, punctuation, plurals, bracketed
   equipment, word order, abbreviations, foreign words) equals an alias's key, either
   as is or after dropping variation words (grip, tempo, pause, ...) that never change the class.
4. `rule`: movement words pick a catalog family (deadlift, row, squat, press, ...) and the
   modifiers compose with it: equipment picks the family's variant, and support words
   ("seated", "chest supported", "lying", "incline", a machine the family has no variant for)
   switch to the family's supported counterpart, which the rule names (a seated good
   morning's counterpart is still a good morning, so it stays direct).
5. `fuzzy`: misspelt words are corrected against the known vocabulary and stages 3-4 re-run,
   else the whole key is compared with every alias key (rapidfuzz ratio, thresholds in the rules
   file); `score` is the similarity (0-100).
6. `unknown`: load class "unknown", coefficient 0 and the three nearest catalog names.

All tables of words live in `analyzer/data/tagging_rules.toml`; this module holds only the
mechanics. Tags are cached per distinct name, so a log of any length costs one pass per name.
"""

from __future__ import annotations

import difflib
import re
import stat
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from analyzer.catalog import DEFAULT_DOSE_PER, DOSE_UNITS, LOAD_CLASSES, load_catalog
from analyzer.errors import ConfigError

MATCHED_BY: Final[tuple[str, ...]] = ("override", "exact", "normalised", "rule", "fuzzy", "unknown")
TAG_COLUMNS: Final[tuple[str, ...]] = (
    "canonical",
    "load_class",
    "coefficient",
    "primary_muscle",
    "pattern",
    "dose_per",
    "matched_by",
    "score",
    "suggestions",
)
SET_TAG_COLUMNS: Final[tuple[str, ...]] = (
    "canonical",
    "load_class",
    "coefficient",
    "primary_muscle",
    "pattern",
    "dose_per",
)
_STR = pd.StringDtype(na_value=np.nan)
_APOSTROPHES = re.compile(r"['’‘`´]")
_NON_WORD = re.compile(r"[\W_]+")
_BRACKETED = re.compile(r"^(?P<family>.*?)\s*\((?P<variant>[^()]*)\)\s*$")
_DOTTED = re.compile(r"\b[a-z](?:\.[a-z])+\.?")  # "r.d.l." -> "rdl"
_ONE_TWO = re.compile(r"\b([12])[\s-]*(?=(?:arm|leg|hand)s?\b|(?:armed|legged|handed)\b)")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Tag:
    """How one exercise name was tagged, and why."""

    name: str
    canonical: str | None
    load_class: str  # direct | indirect | none | unknown
    coefficient: float
    primary_muscle: str | None
    pattern: str | None
    matched_by: str  # one of MATCHED_BY
    score: float | None  # similarity 0-100 for fuzzy (and the best one for unknown)
    suggestions: tuple[str, ...]  # nearest catalog names, for unknown names
    dose_per: str = DEFAULT_DOSE_PER  # set | rep | minute: the unit one dose is counted in


@dataclass(frozen=True)
class _Rule:
    all: frozenset[str]
    any: frozenset[str]
    not_: frozenset[str]
    family: str
    supported: str | None


def default_rules_path() -> Path:
    """Path of the tagging rules shipped with the package."""
    return Path(str(resources.files("analyzer") / "data" / "tagging_rules.toml"))


@lru_cache(maxsize=4)
def _read_rules(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"tagging rules unreadable ({exc})", path=path) from exc


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _alternation(keys: Iterable[str], bounded: bool) -> re.Pattern[str] | None:
    """One regex matching any key, longest first, shaped as a trie so that scanning a name
    costs one pass instead of one attempt per key at every position."""
    words = sorted(set(keys))
    if not words:
        return None
    body = _trie_pattern(words)
    return re.compile(rf"\b{body}\b" if bounded else body)


def _trie_pattern(words: list[str]) -> str:
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        ends_here = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends_here else body

    return "(?:" + build(trie) + ")"


class Normaliser:
    """Turns a free-text exercise name into a list of canonical tokens (see module docstring).

    The key of a name is its sorted distinct tokens, so word order and repeated words do not
    matter: "Rows (Barbell, Bent-Over)" and "bent over barbell row" share one key.
    """

    def __init__(self, rules: Mapping[str, Any]) -> None:
        self.translate: dict[str, str] = {}
        for key, value in rules.get("translate", {}).items():
            for variant in self._spellings(key.casefold()):
                self.translate[variant] = f" {value.casefold()} "
        self._translate_re = _alternation(self.translate, bounded=False)
        singular = rules.get("singular", {})
        self.singular_map = {k.casefold(): v.casefold() for k, v in singular.get("map", {}).items()}
        self.singular_keep = frozenset(w.casefold() for w in singular.get("keep", []))
        self.abbreviations = {
            k.casefold(): v.casefold().split() for k, v in rules.get("abbreviations", {}).items()
        }
        for key, value in rules.get("words", {}).items():
            for variant in {_strip_accents(key.casefold()), key.casefold()}:
                self.abbreviations.setdefault(self._singular(variant), value.casefold().split())
        self.phrases = {k.casefold(): v.casefold() for k, v in rules.get("phrases", {}).items()}
        self._phrase_re = _alternation(self.phrases, bounded=True)
        self.synonyms = {k.casefold(): v.casefold() for k, v in rules.get("synonyms", {}).items()}
        self.stopwords = _words(rules, "stopwords")
        self.variation = _words(rules, "variation")

    @staticmethod
    def _spellings(key: str) -> set[str]:
        """A German key as written, without umlauts, and with ae/oe/ue."""
        transliterated = key.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
        return {key, _strip_accents(key), transliterated}

    def _singular(self, token: str) -> str:
        if token in self.singular_map:
            return self.singular_map[token]
        if token in self.singular_keep or len(token) <= 3:
            return token
        if token.endswith("ies") and len(token) > 4:
            return token[:-3] + "y"
        if token.endswith(("sses", "ches", "shes", "xes")):
            return token[:-2]
        if token.endswith("s") and not token.endswith(("ss", "us", "is")):
            return token[:-1]
        return token

    def tokens(self, name: str) -> list[str]:
        """Canonical tokens of `name`, in order, stopwords removed."""
        text = unicodedata.normalize("NFKC", name).casefold()
        if self._translate_re is not None:
            text = self._translate_re.sub(lambda m: self.translate[m.group(0)], text)
        if not text.isascii():
            text = _strip_accents(text)
        text = _ONE_TWO.sub(lambda m: "one " if m.group(1) == "1" else "two ", text)
        text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)
        text = _NON_WORD.sub(" ", _APOSTROPHES.sub("", text))
        words: list[str] = []
        for raw in text.split():
            if not raw.isalpha():
                raw = _DIGITS.sub("", raw)  # "concept2" -> "concept"; "5x5", "3ct" -> dropped
                if len(raw) < 3 or not raw.isalpha():
                    continue
            word = self._singular(raw)
            words.extend(self.abbreviations.get(word, (word,)))
        joined = " ".join(words)
        if self._phrase_re is not None:
            joined = self._phrase_re.sub(lambda m: self.phrases[m.group(0)], joined)
        out = [self.synonyms.get(word, word) for word in joined.split()]
        return [word for word in out if word not in self.stopwords]

    @staticmethod
    def key(tokens: Iterable[str]) -> str:
        """Order-free key of a token list."""
        return " ".join(sorted(set(tokens)))

    def loose_key(self, tokens: Iterable[str]) -> str:
        """Key without the variation words that never change the load class."""
        return self.key(t for t in tokens if t not in self.variation)


class Tagger:
    """Tags exercise names against a catalog, with optional user overrides (which win)."""

    def __init__(
        self,
        catalog: pd.DataFrame,
        overrides: pd.DataFrame | None = None,
        rules: Mapping[str, Any] | None = None,
    ) -> None:
        self.catalog = catalog
        config = rules if rules is not None else _read_rules(default_rules_path())
        self.normaliser = Normaliser(config)
        fuzzy_cfg = config.get("fuzzy", {})
        self.name_threshold = float(fuzzy_cfg.get("name_threshold", 88))
        self.token_threshold = float(fuzzy_cfg.get("token_threshold", 80))
        self.token_min_length = int(fuzzy_cfg.get("token_min_length", 4))
        self.long_word = int(fuzzy_cfg.get("two_edits_from_length", 8))
        self.n_suggestions = int(fuzzy_cfg.get("suggestions", 3))
        modifiers = config.get("modifiers", {})
        self.support_words = frozenset(modifiers.get("support", []))
        self.equipment_words: dict[str, str] = dict(config.get("equipment", {}))
        self.equipment_fallback: dict[str, list[str]] = {
            k: list(v) for k, v in config.get("equipment_fallback", {}).items()
        }

        dose_per = (
            catalog["dose_per"]
            if "dose_per" in catalog
            else pd.Series(DEFAULT_DOSE_PER, index=catalog.index)
        )
        self._info: dict[str, tuple[str, float, str | None, str | None, str]] = {
            name: (
                cls,
                float(coef),
                _none_if_na(muscle),
                _none_if_na(pattern),
                _none_if_na(dose) or DEFAULT_DOSE_PER,
            )
            for name, cls, coef, muscle, pattern, dose in zip(
                catalog["name"],
                catalog["load_class"],
                catalog["coefficient"],
                catalog["primary_muscle"],
                catalog["pattern"],
                dose_per,
                strict=True,
            )
        }
        self._exact: dict[str, str] = {}
        self._by_key: dict[str, str] = {}
        self._loose: dict[str, str] = {}
        self._build_indexes()
        self._families = self._build_families()
        self._rules = self._compile_rules(config.get("rule", []))
        self._rules_by_token: dict[str, list[int]] = {}
        for index, rule in enumerate(self._rules):
            for token in rule.all | rule.any:
                self._rules_by_token.setdefault(token, []).append(index)
        self._vocabulary = sorted(self._collect_vocabulary())
        self._vocabulary_set = frozenset(self._vocabulary)
        self._keys = list(self._by_key)
        self._key_targets = [self._by_key[k] for k in self._keys]

        self._override_exact: dict[str, Tag] = {}
        self._override_key: dict[str, Tag] = {}
        if overrides is not None:
            self._add_overrides(overrides)
        self._cache: dict[str, Tag] = {}

    # ---------------------------------------------------------------- building
    def _build_indexes(self) -> None:
        """Exact and normalised lookups; canonical names first so they win key collisions."""
        names = list(self.catalog["name"])
        for name in names:
            self._exact.setdefault(_squash(name), name)
            self._by_key.setdefault(self.normaliser.key(self.normaliser.tokens(name)), name)
        for name, aliases in zip(names, self.catalog["aliases"], strict=True):
            for alias in aliases:
                self._exact.setdefault(_squash(alias), name)
                self._by_key.setdefault(self.normaliser.key(self.normaliser.tokens(alias)), name)
        classes: dict[str, set[str]] = {}
        for key, name in list(self._by_key.items()):
            loose = self.normaliser.loose_key(key.split())
            if loose:
                self._loose.setdefault(loose, name)
                classes.setdefault(loose, set()).add(self._info[name][0])
        # A loose key that entries of different classes share ("Dead Stop Row" and "Body Row"
        # both loosen to "row") cannot choose between them; the rule stage decides instead.
        for loose, found in classes.items():
            if len(found) > 1:
                del self._loose[loose]

    def _build_families(self) -> dict[str, dict[str, str]]:
        """family -> {equipment: canonical name, "": default name}.

        The family of "Squat (Barbell)" is "Squat"; a name without brackets is its own family.
        The default (no equipment named) is the variant named exactly like the family, else the
        first one listed in the catalog, so the catalog's row order is meaningful.
        """
        families: dict[str, dict[str, str]] = {}
        for name, equipment in zip(self.catalog["name"], self.catalog["equipment"], strict=True):
            match = _BRACKETED.match(name)
            family = match.group("family") if match else name
            variants = families.setdefault(family, {})
            variants.setdefault(str(equipment).casefold(), name)
            if name == family:
                variants[""] = name
            variants.setdefault("", name)
        return families

    def _compile_rules(self, raw_rules: list[dict[str, Any]]) -> list[_Rule]:
        rules: list[_Rule] = []
        for number, raw in enumerate(raw_rules, start=1):
            rule = _Rule(
                all=frozenset(raw.get("all", [])),
                any=frozenset(raw.get("any", [])),
                not_=frozenset(raw.get("not", [])),
                family=raw["family"],
                supported=raw.get("supported"),
            )
            for target in (rule.family, rule.supported):
                if target is not None and target not in self._families and target not in self._info:
                    raise ConfigError(
                        f"tagging rule {number} names {target!r}, not in the catalog",
                        path=default_rules_path(),
                    )
            if not (rule.all or rule.any):
                raise ConfigError(f"tagging rule {number} has no words", path=default_rules_path())
            rules.append(rule)
        return rules

    def _collect_vocabulary(self) -> set[str]:
        words: set[str] = set()
        for key in self._by_key:
            words.update(key.split())
        for rule in self._rules:
            words |= rule.all | rule.any | rule.not_
        words |= self.support_words | set(self.equipment_words)
        words |= self.normaliser.variation | self.normaliser.stopwords
        for phrase in self.normaliser.phrases:
            words.update(phrase.split())  # "thurst" is corrected to "thrust", then joined
        return {w for w in words if w}

    def _add_overrides(self, overrides: pd.DataFrame) -> None:
        """Index the user's map. A row without `primary_muscle` takes it from the catalog entry
        it names (its `canonical`, else its own name). A row without `dose_per` is dosed per
        set, even for a catalog lift dosed per rep: a map written before the column existed
        gave its coefficient per set."""
        missing = pd.Series(pd.NA, index=overrides.index)
        canonical = overrides.get("canonical", missing)
        muscle = overrides.get("primary_muscle", missing)
        dose_per = overrides.get("dose_per", missing)
        for name, cls, coef, canon, prim, dose in zip(
            overrides["name"],
            overrides["load_class"],
            overrides["coefficient"],
            canonical,
            muscle,
            dose_per,
            strict=True,
        ):
            target = _none_if_na(canon) or name
            info = self._info.get(target)
            tag = Tag(
                name=name,
                canonical=target,
                load_class=cls,
                coefficient=float(coef),
                primary_muscle=_none_if_na(prim) or (info[2] if info else None),
                pattern=info[3] if info else None,
                matched_by="override",
                score=None,
                suggestions=(),
                dose_per=_none_if_na(dose) or DEFAULT_DOSE_PER,
            )
            self._override_exact[_squash(name)] = tag
            self._override_key.setdefault(self.normaliser.key(self.normaliser.tokens(name)), tag)

    # ---------------------------------------------------------------- matching
    def tag(self, name: str) -> Tag:
        """Tag one name (cached)."""
        cached = self._cache.get(name)
        if cached is None:
            cached = self._tag_uncached(name)
            self._cache[name] = cached
        return cached

    def tag_names(self, names: Iterable[str]) -> pd.DataFrame:
        """One row per distinct input name (index, as given, first-seen order) with the Tag
        fields as columns; each distinct name is tagged once."""
        distinct = list(dict.fromkeys(names))
        tags = [self.tag(name) for name in distinct]
        frame = pd.DataFrame(
            {
                "canonical": pd.Series([t.canonical for t in tags], dtype=_STR),
                "load_class": pd.Series([t.load_class for t in tags], dtype=_STR),
                "coefficient": pd.Series([t.coefficient for t in tags], dtype="float64"),
                "primary_muscle": pd.Series([t.primary_muscle for t in tags], dtype=_STR),
                "pattern": pd.Series([t.pattern for t in tags], dtype=_STR),
                "dose_per": pd.Series([t.dose_per for t in tags], dtype=_STR),
                "matched_by": pd.Series([t.matched_by for t in tags], dtype=_STR),
                "score": pd.Series(
                    [np.nan if t.score is None else t.score for t in tags], dtype="float64"
                ),
                "suggestions": pd.Series([t.suggestions for t in tags], dtype=object),
            }
        )
        frame.index = pd.Index(distinct, dtype=object, name="name")
        return frame

    def _tag_uncached(self, name: str) -> Tag:
        if not isinstance(name, str):
            return self._unknown(str(name), [], None)
        squashed = _squash(name)
        if squashed in self._override_exact:
            return _renamed(self._override_exact[squashed], name)
        tokens = self.normaliser.tokens(name)
        key = self.normaliser.key(tokens)
        if key in self._override_key:
            return _renamed(self._override_key[key], name)
        if squashed in self._exact:
            return self._known(name, self._exact[squashed], "exact", None)
        found = self._normalised(tokens)
        if found is not None:
            return self._known(name, found, "normalised", None)
        found = self._by_rule(tokens)
        if found is not None:
            return self._known(name, found, "rule", None)
        return self._fuzzy(name, tokens)

    def _normalised(self, tokens: list[str]) -> str | None:
        key = self.normaliser.key(tokens)
        if not key:
            return None
        found = self._by_key.get(key)
        if found is None:
            loose = self.normaliser.loose_key(tokens)
            found = self._loose.get(loose) if loose else None
        return found

    def _by_rule(self, tokens: list[str]) -> str | None:
        present = set(tokens)
        candidates = sorted({i for t in present for i in self._rules_by_token.get(t, ())})
        for index in candidates:
            rule = self._rules[index]
            if (
                rule.all <= present
                and (not rule.any or rule.any & present)
                and not (rule.not_ & present)
            ):
                return self._compose(rule, tokens)
        return None

    def _compose(self, rule: _Rule, tokens: list[str]) -> str:
        """Apply equipment and support modifiers to the rule's family."""
        equipment = [self.equipment_words[t] for t in tokens if t in self.equipment_words]
        variants = self._families.get(rule.family)
        supported = rule.supported is not None and (
            bool(self.support_words.intersection(tokens))
            or ("machine" in equipment and variants is not None and "machine" not in variants)
        )
        family = rule.supported if supported and rule.supported else rule.family
        return self._pick(family, equipment)

    def _pick(self, family: str, equipment: list[str]) -> str:
        variants = self._families.get(family)
        if variants is None:
            return family  # an exact catalog name
        for item in equipment:
            if item in variants:
                return variants[item]
        for item in equipment:
            for fallback in self.equipment_fallback.get(item, ()):
                if fallback in variants:
                    return variants[fallback]
        return variants[""]

    def _fuzzy(self, name: str, tokens: list[str]) -> Tag:
        corrected, score = self._corrected(tokens)
        if corrected is not None:
            found = self._normalised(corrected) or self._by_rule(corrected)
            if found is not None:
                return self._known(name, found, "fuzzy", score)
        key = self.normaliser.key(tokens)
        if key:
            best = process.extractOne(
                key, self._keys, scorer=fuzz.ratio, score_cutoff=self.name_threshold
            )
            if best is not None:
                return self._known(name, self._key_targets[best[2]], "fuzzy", float(best[1]))
        return self._unknown(name, tokens, key)

    def _corrected(self, tokens: list[str]) -> tuple[list[str] | None, float]:
        """Tokens with unknown words replaced by the closest known word, and the worst score.

        A correction must also be within `max_edits` typing slips (insertions, deletions,
        substitutions or swapped neighbours), so a foreign word that merely shares letters with
        a known one ("tirage" and "tire") stays unknown instead of being read as another lift.
        The corrected words are normalised again, so split phrases re-join ("hip thurst").
        """
        out: list[str] = []
        worst = 100.0
        changed = False
        for token in tokens:
            if token in self._vocabulary_set or len(token) < self.token_min_length:
                out.append(token)
                continue
            best = process.extractOne(
                token, self._vocabulary, scorer=fuzz.ratio, score_cutoff=self.token_threshold
            )
            if best is None or OSA.distance(token, best[0]) > self._max_edits(token):
                out.append(token)
                continue
            out.append(best[0])
            worst = min(worst, float(best[1]))
            changed = True
        if not changed:
            return None, 0.0
        return self.normaliser.tokens(" ".join(out)), worst

    def _max_edits(self, token: str) -> int:
        return 1 if len(token) < self.long_word else 2

    def _known(self, name: str, canonical: str, matched_by: str, score: float | None) -> Tag:
        cls, coef, muscle, pattern, dose_per = self._info[canonical]
        return Tag(name, canonical, cls, coef, muscle, pattern, matched_by, score, (), dose_per)

    def _unknown(self, name: str, tokens: list[str], key: str | None) -> Tag:
        suggestions: list[str] = []
        best_score: float | None = None
        if key:
            for _, score, index in process.extract(
                key, self._keys, scorer=fuzz.token_set_ratio, limit=40
            ):
                target = self._key_targets[index]
                if best_score is None:
                    best_score = float(score)
                if target not in suggestions:
                    suggestions.append(target)
                if len(suggestions) == self.n_suggestions:
                    break
        return Tag(
            name, None, "unknown", 0.0, None, None, "unknown", best_score, tuple(suggestions)
        )


def _words(rules: Mapping[str, Any], table: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in rules.get(table, {}).get("words", []))


def _squash(text: str) -> str:
    return " ".join(text.split())


def _none_if_na(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


def _renamed(tag: Tag, name: str) -> Tag:
    return Tag(
        name,
        tag.canonical,
        tag.load_class,
        tag.coefficient,
        tag.primary_muscle,
        tag.pattern,
        tag.matched_by,
        tag.score,
        tag.suggestions,
        tag.dose_per,
    )


# -------------------------------------------------------------------- overrides
def read_exercise_map(path: Path, catalog: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read a user's exercise map: CSV
    `name,load_class,coefficient[,canonical][,primary_muscle][,dose_per]`.

    Header names are case-insensitive. Returns columns name, load_class, coefficient (float),
    canonical, primary_muscle, dose_per (NaN when absent or empty; a row without dose_per is
    dosed per set). Raises ConfigError naming the file and the line of the first invalid row,
    so a typo never silently mis-tags a lift: names listed twice (ignoring case and spacing,
    as they are matched), and, with `catalog`, a `canonical` that names no catalog lift (a
    catalog name or alias in another case is taken as that lift's name). Only a regular file
    of at most MAX_MAP_BYTES is read.
    """
    _check_map_file(path)
    try:
        raw = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=True
        )
    except FileNotFoundError as exc:
        raise ConfigError("exercise map not found", path=path) from exc
    except OSError as exc:
        raise ConfigError(
            f"exercise map cannot be read ({exc.strerror or exc})", path=path
        ) from exc
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ConfigError(
            "exercise map is not a readable UTF-8 CSV",
            path=path,
            hint="expected columns name,load_class,coefficient[,canonical]",
        ) from exc
    raw.columns = [str(c).strip().casefold() for c in raw.columns]
    missing = [c for c in ("name", "load_class", "coefficient") if c not in raw.columns]
    if missing:
        raise ConfigError(
            f"exercise map lacks column(s) {', '.join(missing)}",
            path=path,
            hint="expected columns name,load_class,coefficient[,canonical]",
        )
    names = raw["name"].str.strip()
    classes = raw["load_class"].str.strip().str.casefold()
    coefficient = pd.to_numeric(raw["coefficient"].str.strip(), errors="coerce")
    lines = pd.Series(np.arange(len(raw)) + 2, index=raw.index)

    def fail(mask: pd.Series, message: str) -> None:
        if mask.any():
            raise ConfigError(message, path=path, row=int(lines[mask].iloc[0]))

    fail(names.eq(""), "empty exercise name")
    fail(
        names.str.casefold().map(_squash).duplicated(),
        "exercise listed twice (names match ignoring case and spacing)",
    )
    fail(~classes.isin(LOAD_CLASSES), "load_class must be direct, indirect or none")
    fail(
        coefficient.isna() | coefficient.lt(0) | coefficient.gt(1),
        "coefficient must be a number from 0 to 1",
    )
    fail(classes.eq("none") & coefficient.gt(0), "load_class none needs coefficient 0")
    dose_per = _optional(raw, "dose_per").str.casefold()
    fail(dose_per.notna() & ~dose_per.isin(DOSE_UNITS), "dose_per must be set, rep or minute")
    canonical = _optional(raw, "canonical")
    if catalog is not None:
        canonical = _catalog_names(canonical, catalog, lines, path)
    out = pd.DataFrame(
        {
            "name": names.astype(_STR),
            "load_class": classes.astype(_STR),
            "coefficient": coefficient.astype("float64"),
            "canonical": canonical,
            "primary_muscle": _optional(raw, "primary_muscle"),
            "dose_per": dose_per,
        }
    )
    return out.reset_index(drop=True)


#: Largest exercise map read (a map of every catalog lift is about 20 KB).
MAX_MAP_BYTES: Final = 10 * 1024 * 1024


def _check_map_file(path: Path) -> None:
    """Refuse a map that is a folder, a device, a FIFO (reading would wait forever) or huge."""
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise ConfigError("exercise map not found", path=path) from exc
    except OSError as exc:
        raise ConfigError(
            f"exercise map cannot be read ({exc.strerror or exc})", path=path
        ) from exc
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(
            "exercise map is not a regular file",
            path=path,
            hint="pass a CSV file name,load_class,coefficient[,canonical]",
        )
    if info.st_size > MAX_MAP_BYTES:
        raise ConfigError(
            f"exercise map is {info.st_size / 1e6:.0f} MB, over the "
            f"{MAX_MAP_BYTES / 1e6:.0f} MB limit",
            path=path,
        )


def _catalog_names(
    canonical: pd.Series, catalog: pd.DataFrame, lines: pd.Series, path: Path
) -> pd.Series:
    """Each `canonical` cell as the catalog name it means (name or alias, any case); a
    ConfigError for the first that names no catalog lift."""
    spelled: dict[str, str] = {}
    for name, aliases in zip(catalog["name"], catalog["aliases"], strict=True):
        for text in (*aliases, name):
            spelled[_squash(str(text)).casefold()] = name
    for name in catalog["name"]:
        spelled[_squash(name).casefold()] = name  # a name wins over another lift's alias
    out = canonical.copy()
    given = canonical.dropna()
    for index, value in zip(given.index, given, strict=True):  # labels as lines' index has them
        found = spelled.get(_squash(str(value)).casefold())
        if found is None:
            close = difflib.get_close_matches(str(value), list(catalog["name"]), n=3)
            hint = (
                "did you mean " + " or ".join(repr(c) for c in close)
                if close
                else "see backlog exercises --search WORD"
            )
            raise ConfigError(
                f"canonical {value!r} is not a lift in the catalog",
                path=path,
                row=int(lines[index]),
                hint=hint,
            )
        out[index] = found
    return out


def _optional(raw: pd.DataFrame, column: str) -> pd.Series:
    if column not in raw.columns:
        return pd.Series(np.nan, index=raw.index, dtype=_STR)
    values = raw[column].str.strip()
    return values.where(values.ne(""), np.nan).astype(_STR)


def load_tagger(exercise_map: Path | None = None) -> Tagger:
    """The packaged catalog and rules, plus the user's exercise map when given."""
    catalog = load_catalog()
    overrides = read_exercise_map(exercise_map, catalog) if exercise_map is not None else None
    return Tagger(catalog, overrides)


# -------------------------------------------------------------------- sets
def tag_sets(
    sets: pd.DataFrame, tagger: Tagger, names: tuple[np.ndarray, np.ndarray] | None = None
) -> pd.DataFrame:
    """The canonical set table plus canonical, load_class, coefficient, primary_muscle, pattern,
    dose_per (the text columns categorical: a few catalog values repeated over every set).
    `dose_per` says what one unit of the lift's dose is ("set", "rep" or "minute"); names
    without a catalog entry (unknown, missing) are "set".

    Each distinct exercise name is tagged once; the results are spread back to the rows by
    the factorised codes (a vectorised take), so the cost grows with distinct names, not sets.
    A missing exercise name is tagged unknown. `names`: the exercise column already
    factorised (code per row, -1 where missing; the distinct names), when the caller has it.
    """
    codes, uniques = names if names is not None else pd.factorize(sets["exercise"])
    table = tagger.tag_names(list(uniques))
    positions = np.where(codes >= 0, codes, len(uniques))
    fill: dict[str, float | str] = {
        "canonical": np.nan,
        "load_class": "unknown",
        "coefficient": 0.0,
        "primary_muscle": np.nan,
        "pattern": np.nan,
        "dose_per": DEFAULT_DOSE_PER,
    }
    out = sets.copy(deep=False)
    for column in SET_TAG_COLUMNS:
        values = np.append(table[column].to_numpy(dtype=object), fill[column])
        if column == "coefficient":
            column_values: object = pd.array(values, dtype="float64").take(positions)
        else:  # few distinct values: codes per row, not a string per row
            # pandas-stubs leaves ExtensionArrays out of pd.factorize; pandas takes them.
            codes, categories = pd.factorize(pd.array(values, dtype=_STR))  # type: ignore[call-overload]
            column_values = pd.Categorical.from_codes(
                codes[positions],
                dtype=pd.CategoricalDtype(pd.Index(categories, dtype=_STR)),
                validate=False,  # codes of a factorisation: in range by construction
            )
        out[column] = pd.Series(column_values, index=sets.index)
    return out
