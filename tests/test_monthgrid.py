"""The month grid: each row in its month's cell, whatever order the rows come in, and a
look back never lands in another series."""

import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reanalysis.monthgrid import PAD, MonthGrid, first_of_month, month_number

Y24 = 2024 * 12  # January 2024 as a month number
A_JAN24, A_DEC24, A_DEC25 = ("a", Y24), ("a", Y24 + 11), ("a", Y24 + 23)
B_JAN24, B_DEC24 = ("b", Y24), ("b", Y24 + 11)
VALUE = {A_JAN24: 1.0, A_DEC24: 5.0, A_DEC25: 2.0, B_JAN24: 3.0, B_DEC24: 4.0}
ORDERS = {
    "sorted": [A_JAN24, A_DEC24, A_DEC25, B_JAN24, B_DEC24],
    "series by series": [B_JAN24, B_DEC24, A_JAN24, A_DEC24, A_DEC25],
    "interleaved": [A_JAN24, B_JAN24, A_DEC24, B_DEC24, A_DEC25],
    "months backwards": [A_DEC25, B_DEC24, A_DEC24, B_JAN24, A_JAN24],
}


@pytest.mark.parametrize("name", ORDERS)
def test_every_row_order_gives_the_same_cells_and_lookups(name):
    order = ORDERS[name]
    s, m = zip(*order, strict=True)
    frame = pl.DataFrame({"s": pl.Series(s, dtype=pl.Categorical), "m": m})
    grid = MonthGrid.build(frame, ["s"], "m")
    assert grid.size == PAD + 24 + PAD + 12  # a: 2024-2025, b: 2024, each after a padding year
    assert (grid.pos - grid.start).tolist() == [month - Y24 for _, month in order]
    cells = grid.scatter(np.array([VALUE[r] for r in order]))
    year_back = {A_DEC25: VALUE[A_DEC24]}  # the only row with a value twelve months earlier
    assert np.array_equal(grid.lag(cells, 12), [year_back.get(r, np.nan) for r in order],
                          equal_nan=True)  # fmt: skip
    # 13 months back from a January is the December before the series: empty, never the
    # last month of the series laid out before it
    assert np.isnan(grid.lag(cells, 13)).all()
    assert not grid.duplicate.any()


def test_a_repeated_month_is_marked_once_whatever_the_order():
    for pairs in ([A_JAN24, A_JAN24, B_JAN24], [A_JAN24, B_JAN24, A_JAN24]):
        s, m = zip(*pairs, strict=True)
        frame = pl.DataFrame({"s": pl.Series(s, dtype=pl.Categorical), "m": m})
        assert MonthGrid.build(frame, ["s"], "m").duplicate.tolist().count(True) == 1


def test_months_and_dates_convert_both_ways():
    dates = first_of_month(pl.Series("period", [202412, 202501, 199903]))
    assert dates.to_list() == [dt.date(2024, 12, 1), dt.date(2025, 1, 1), dt.date(1999, 3, 1)]
    assert (dates.name, dates.dtype) == ("period", pl.Date)
    months = month_number(dates)
    assert months.tolist() == [2024 * 12 + 11, 2025 * 12, 1999 * 12 + 2]
    assert months.dtype == np.int64  # month counts are integers, to index grids with


@pytest.mark.parametrize("name", ORDERS)
def test_build_sorted_returns_the_order_its_grid_is_for(name):
    order = ORDERS[name]
    s, m = zip(*order, strict=True)
    frame = pl.DataFrame({"s": pl.Series(s, dtype=pl.Categorical), "m": m})
    grid, rows = MonthGrid.build_sorted(frame, ["s"], "m")
    sorted_frame = frame if rows is None else frame[rows]
    assert sorted_frame["s"].rle_id().max() == 1  # each series one run
    assert (grid.pos - grid.start).tolist() == [month - Y24 for month in sorted_frame["m"]]
    assert np.array_equal(grid.pos, MonthGrid.build(sorted_frame, ["s"], "m").pos)
    assert (rows is None) == (name in ("sorted", "series by series"))


def test_text_keys_out_of_order_are_grouped_like_categories():
    # plain String keys (not Categorical) get codes of their own; interleaved rows still land
    # in their series' cells: a 2024-01, b 2024-01, a 2024-12 -> each series is 24 cells
    # (padding + 2024). Which series is laid out first follows the category codes; the test
    # does not fix it (in the order `make mutate` runs the tests, b came first).
    frame = pl.DataFrame({"s": ["a", "b", "a"], "m": [Y24, Y24, Y24 + 11]})
    grid = MonthGrid.build(frame, ["s"], "m")
    assert (grid.pos - grid.start).tolist() == [0, 0, 11]
    a, b, a_again = grid.start.tolist()
    assert a_again == a and sorted([a, b]) == [PAD, 2 * PAD + 12] and grid.size == 2 * (PAD + 12)


def test_no_rows_convert_to_no_dates():
    got = first_of_month(pl.Series("yyyymm", [], dtype=pl.Int64))
    assert got.dtype == pl.Date and got.len() == 0 and got.name == "yyyymm"
    assert month_number(got).tolist() == [] and month_number(got).dtype == np.int64


def test_a_look_back_past_the_series_start_is_empty_however_far():
    # a: January and February 2024, February 2025. Fourteen months back from February 2025 is
    # December 2023, before the series: empty, not one of its own months
    frame = pl.DataFrame({"s": ["a"] * 3, "m": [Y24, Y24 + 1, Y24 + 13]})
    grid = MonthGrid.build(frame, ["s"], "m")
    cells = grid.scatter(np.array([1.0, 2.0, 3.0]))
    assert np.isnan(grid.lag(cells, 14)).all()
    assert grid.lag(cells, 13).tolist()[2] == 1.0  # January 2024, inside the series


def test_a_missing_key_is_a_series_of_its_own_beside_every_named_one():
    # an Enum key (codes 0, 1) with nulls, rows interleaved: null and "b" are two series
    frame = pl.DataFrame(
        {
            "s": pl.Series([None, "b", None, "b"], dtype=pl.Enum(["a", "b"])),
            "m": [Y24, Y24, Y24 + 1, Y24 + 1],
        }  # fmt: skip
    )
    grid = MonthGrid.build(frame, ["s"], "m")
    assert not grid.duplicate.any()
    assert (grid.pos - grid.start).tolist() == [0, 0, 1, 1]
    assert grid.start[0] != grid.start[1]


def test_keys_with_too_many_categories_to_pack_are_grouped_by_dense_codes():
    # 300,000 categories seen in this process: four keys' category codes multiply past what
    # one 64-bit integer holds, so the grid numbers each key's values densely instead
    many = pl.Series([f"many-{i}" for i in range(300_000)], dtype=pl.Categorical)
    first, last = many[0], many[-1]
    # two series, (first, last, first, last) and (last, first, last, first), rows interleaved
    rows = [((a, b), Y24 + m) for a, b in ((first, last), (last, first)) for m in (0, 12)]
    rows = [rows[i] for i in (3, 0, 2, 1)]
    pairs, months = zip(*rows, strict=True)
    frame = pl.DataFrame(
        {
            f"k{i}": pl.Series([pair[i % 2] for pair in pairs], dtype=pl.Categorical)
            for i in range(4)
        }
        | {"m": months}  # fmt: skip
    )
    grid = MonthGrid.build(frame, [f"k{i}" for i in range(4)], "m")
    assert not grid.duplicate.any()
    cells = grid.scatter(np.array([4.0, 1.0, 3.0, 2.0]))
    # each row's year-back is its own key's January 2024, or nothing for a January 2024
    assert np.array_equal(grid.lag(cells, 12), [3.0, np.nan, np.nan, 1.0], equal_nan=True)


def test_an_empty_frame_has_an_empty_grid_that_looks_back_to_nothing():
    grid = MonthGrid.build(pl.DataFrame({"s": [], "m": []}, schema={"s": pl.String, "m": pl.Int64}),
                           ["s"], "m")  # fmt: skip
    assert grid.size == 0
    assert grid.lag(grid.scatter(np.array([], dtype=float)), 13).tolist() == []


def test_two_rows_are_reordered_when_their_months_fall_and_kept_when_one_repeats():
    # the smallest frame that can be out of order; a repeated month is in order (it is marked
    # as a duplicate, not sorted)
    def order(months: list[int]) -> list[int] | None:
        frame = pl.DataFrame({"s": pl.Series(["a"] * len(months), dtype=pl.Categorical),
                              "m": months})  # fmt: skip
        found = MonthGrid.build_sorted(frame, ["s"], "m")[1]
        return None if found is None else found.tolist()

    assert order([Y24 + 1, Y24]) == [1, 0]
    assert order([Y24, Y24]) is None
    assert order([Y24, Y24, Y24 + 1]) is None


def test_packed_keys_keep_two_series_apart_when_their_codes_cross():
    # Enum codes are fixed: (a, z) and (b, x) are (1, 3) and (2, 1) with null as 0; packed in
    # mixed radix (3, 4) they are 7 and 9. Rows interleaved, so the grid must order them.
    k1 = pl.Enum(["a", "b"])
    k2 = pl.Enum(["x", "y", "z"])
    frame = pl.DataFrame(
        {"k1": pl.Series(["b", "a", "b"], dtype=k1), "k2": pl.Series(["x", "z", "x"], dtype=k2),
         "m": [Y24, Y24, Y24 + 1]}
    )  # fmt: skip
    grid, order = MonthGrid.build_sorted(frame, ["k1", "k2"], "m")
    assert not grid.duplicate.any()  # the two January rows are two series' Januaries
    cells = grid.scatter(np.array([1.0, 2.0, 3.0])[order])
    assert np.array_equal(grid.lag(cells, 1), [np.nan, np.nan, 1.0], equal_nan=True)


def twin_order(frame: pl.DataFrame, keys: list[str]) -> list[int]:
    """The obvious order: by each key's category code (missing last), month, row."""
    codes = [pl.col(k).to_physical() for k in keys]
    return frame.with_row_index("i").sort(*codes, "m", "i", nulls_last=True)["i"].to_list()


ROWS = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c", None]), st.sampled_from(["x", "y"]),
              st.integers(Y24, Y24 + 30)),
    max_size=40,
)  # fmt: skip
KEYS = pl.Enum(["a", "b", "c"]), pl.Enum(["x", "y"])


@settings(max_examples=150, deadline=None)
@given(ROWS, st.sampled_from([0, 2**56, 2**60]))
def test_rows_are_put_in_the_order_of_a_plain_sort_ties_in_row_order(rows, far):
    # ``far`` puts the last row 2**56 months on: the packed key then leaves no room for the
    # row number beside it, and the grid sorts row numbers instead of numbers (same order);
    # 2**60 months on, series and month no longer fit in one integer: the keys' text is sorted
    # (Enum categories in text order here, so the same order)
    months = [m for *_, m in rows]
    if far and rows:
        months[-1] += far
    frame = pl.DataFrame(
        {"k1": pl.Series([r[0] for r in rows], dtype=KEYS[0]),
         "k2": pl.Series([r[1] for r in rows], dtype=KEYS[1]), "m": pl.Series(months, dtype=pl.Int64)}
    )  # fmt: skip
    grid, order = MonthGrid.build_sorted(frame, ["k1", "k2"], "m")
    twin = twin_order(frame, ["k1", "k2"])
    if order is None:  # rows already series by series: one run each, months rising in it
        run = pl.struct("k1", "k2").rle_id()
        grouped = frame.select(
            run.n_unique() == pl.struct("k1", "k2").n_unique(),
            (pl.col("m").diff().over(run).fill_null(0) >= 0).all(),
        )
        assert grouped.row(0) == (True, True)
    else:
        assert order.tolist() == twin
    ordered = frame if order is None else frame[order]
    assert np.array_equal(grid.pos, MonthGrid.build(ordered, ["k1", "k2"], "m").pos)
    # a row that repeats an earlier row's series and month is the duplicate
    repeated = ordered.select(~pl.struct("k1", "k2", "m").is_first_distinct()).to_series()
    assert grid.duplicate.tolist() == repeated.to_list()


def test_rows_far_apart_in_time_are_ordered_by_row_numbers_sorted_not_numbers():
    # 2**57 months between two rows: the series, the month and a row number do not fit in one
    # 64-bit integer, so the row numbers are sorted by the packed key (the order is the same)
    frame = pl.DataFrame({"s": pl.Series(["b", "a", "b", "a"] * 16, dtype=pl.Enum(["a", "b"])),
                          "m": [2**57, 0, 0, 5] * 16})  # fmt: skip
    grid, order = MonthGrid.build_sorted(frame, ["s"], "m")
    assert order.tolist() == twin_order(frame, ["s"])
    assert grid.duplicate.sum() == 64 - 4  # four distinct rows, each repeated 16 times


def test_a_packed_key_at_the_row_numbers_limit_is_ordered_by_row_numbers_sorted():
    # four rows: two bits of row number; the packed key of the last series (code 2, shifted
    # past 60 bits of months) is exactly 2**61, so shifting it two bits more would overflow a
    # signed 64-bit integer: the row numbers are sorted instead (the order is the same)
    frame = pl.DataFrame({"s": pl.Series(["c", "a", "b", "a"], dtype=pl.Enum(["a", "b", "c"])),
                          "m": [0, 2**59, 0, 0]})  # fmt: skip
    grid, order = MonthGrid.build_sorted(frame, ["s"], "m")
    assert order.tolist() == twin_order(frame, ["s"]) == [3, 1, 2, 0]
