"""Each kernel of analyzer/kernels.py equals its plain reference twin on random inputs (NaNs,
empty groups, single rows, ties) within rtol 1e-12; a few hand-computed cases pin the
formulas themselves."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import kernels

RTOL = 1e-12
SETTINGS = settings(deadline=None)  # examples: the profile's (tests/conftest.py)

#: Doses: 0 or from 1e-6 to 1e3 (no subnormals: no dose is that small), with ties.
doses = st.one_of(
    st.sampled_from([0.0, 0.3, 0.6, 1.0, 1.15]),
    st.floats(min_value=1e-6, max_value=1e3),
)
doses_or_nan = st.one_of(doses, st.just(float("nan")))


def close(got: np.ndarray, want: np.ndarray) -> None:
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=0.0, equal_nan=True)


@st.composite
def grouped_keys(draw: st.DrawFn) -> list[np.ndarray]:
    """1-3 integer key arrays of one length (0-40 rows), few distinct values so runs repeat."""
    n = draw(st.integers(0, 40))
    width = draw(st.integers(1, 3))
    return [
        np.array(draw(st.lists(st.integers(-2, 2), min_size=n, max_size=n)), dtype="int64")
        for _ in range(width)
    ]


@SETTINGS
@given(grouped_keys())
def test_group_bounds_equals_its_twin(keys: list[np.ndarray]) -> None:
    got = kernels.group_bounds(keys)
    np.testing.assert_array_equal(got, kernels.group_bounds_reference(keys))


def test_group_bounds_by_hand() -> None:
    a = np.array([0, 0, 1, 1, 1, 0])
    b = np.array([5, 5, 5, 6, 6, 6])
    assert kernels.group_bounds([a, b]).tolist() == [0, 2, 3, 5, 6]
    assert kernels.group_bounds([np.array([], dtype="int64")]).tolist() == [0]
    assert kernels.group_bounds([np.array([7])]).tolist() == [0, 1]


@SETTINGS
@given(st.integers(0, 12), st.data())
def test_group_sums_equals_its_twin(size: int, data: st.DataObject) -> None:
    n = data.draw(st.integers(0, 60))
    group = np.array(
        data.draw(st.lists(st.integers(-1, size - 1), min_size=n, max_size=n)), dtype="int64"
    )
    values = np.array(data.draw(st.lists(doses_or_nan, min_size=n, max_size=n)), dtype="float64")
    got = kernels.group_sums(group, values, size)
    assert got.dtype == np.float64
    close(got, kernels.group_sums_reference(group, values, size))


def test_group_sums_by_hand() -> None:
    group = np.array([2, 0, 2, -1, 2])
    values = np.array([1.0, 0.5, np.nan, 9.0, 0.25])
    assert kernels.group_sums(group, values, 4).tolist() == [0.5, 0.0, 1.25, 0.0]


@st.composite
def timed_values(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.timedelta64]:
    """Rows of a few groups at half-day steps (ties, and rows exactly one window apart), in
    any row order, values with ties and NaNs; a window of 0-10 days."""
    n = draw(st.integers(0, 50))
    groups = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), dtype="int64")
    steps = np.array(draw(st.lists(st.integers(0, 40), min_size=n, max_size=n)), dtype="int64")
    if draw(st.booleans()):  # a log written in time order
        steps.sort()
    at = np.datetime64("2026-01-01T00:00", "ns") + (steps * 12).astype("timedelta64[h]")
    values = np.array(draw(st.lists(doses_or_nan, min_size=n, max_size=n)), dtype="float64")
    window = np.timedelta64(draw(st.integers(0, 10)), "D")
    return values, groups, at.astype("datetime64[ns]"), window


@SETTINGS
@given(timed_values())
def test_trailing_max_equals_its_twin(
    case: tuple[np.ndarray, np.ndarray, np.ndarray, np.timedelta64],
) -> None:
    values, groups, at, window = case
    got = kernels.trailing_max(values, groups, at, window)
    close(got, kernels.trailing_max_reference(values, groups, at, window))
    assert (np.isnan(values) | (got >= values)).all()


def test_trailing_max_by_hand() -> None:
    day = np.timedelta64(1, "D")
    at = np.datetime64("2026-01-01", "ns") + np.array([0, 2, 2, 3, 4, 0], dtype="int64") * day
    groups = np.array([0, 0, 0, 0, 0, 1])
    values = np.array([5.0, 1.0, 3.0, np.nan, 2.0, 9.0])
    # Window 2 days, both ends in: day 2 sees day 0; the two day-2 rows see each other; day 4
    # no longer sees day 0 or 1; group 1 is apart.
    got = kernels.trailing_max(values, groups, at, 2 * day)
    assert got.tolist() == [5.0, 5.0, 5.0, 3.0, 3.0, 9.0]


def test_trailing_max_of_rows_stamped_alike_skips_nan() -> None:
    # Rows of one group and one time share their answer: NaN beside a number takes the
    # number; a time whose values are all NaN, with nothing before it, stays NaN.
    day = np.timedelta64(1, "D")
    at = np.datetime64("2026-01-01", "ns") + np.array([0, 0, 5, 5, 5], dtype="int64") * day
    groups = np.array([0, 0, 0, 0, 1])
    values = np.array([np.nan, np.nan, np.nan, 4.0, np.nan])
    got = kernels.trailing_max(values, groups, at, 2 * day)
    assert np.isnan(got[:2]).all() and got[2:4].tolist() == [4.0, 4.0] and np.isnan(got[4])
    assert kernels.trailing_max(values[:0], groups[:0], at[:0], day).shape == (0,)


@SETTINGS
@given(st.floats(0.05, 0.99), st.data())
def test_decayed_sum_equals_its_twin(decay: float, data: st.DataObject) -> None:
    n = data.draw(st.integers(0, 80))
    segment = np.array(
        data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), dtype="int64"
    )
    if data.draw(st.booleans()):  # contiguous segments, as the calendar's athletes
        segment.sort()
    values = np.array(data.draw(st.lists(doses, min_size=n, max_size=n)), dtype="float64")
    got = kernels.decayed_sum(values, segment, decay)
    close(got, kernels.decayed_sum_reference(values, segment, decay))


def test_decayed_sum_by_hand() -> None:
    values = np.array([4.0, 0.0, 2.0, 1.0, 1.0])
    segment = np.array([0, 0, 0, 1, 1])
    got = kernels.decayed_sum(values, segment, 0.5)
    assert got.tolist() == pytest.approx([4.0, 2.0, 3.0, 1.0, 1.5], rel=RTOL)
