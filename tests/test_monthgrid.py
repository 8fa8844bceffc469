"""The month grid: each row in its month's cell, whatever order the rows come in, and a
look back never lands in another series."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

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
    dates = first_of_month(pl.Series([202412, 202501, 199903]))
    assert dates.to_list() == [dt.date(2024, 12, 1), dt.date(2025, 1, 1), dt.date(1999, 3, 1)]
    assert month_number(dates).tolist() == [2024 * 12 + 11, 2025 * 12, 1999 * 12 + 2]


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
    # in their series' cells: a 2024-01, b 2024-01, a 2024-12 -> a is 24 cells (pad + 2024)
    frame = pl.DataFrame({"s": ["a", "b", "a"], "m": [Y24, Y24, Y24 + 11]})
    grid = MonthGrid.build(frame, ["s"], "m")
    assert (grid.pos - grid.start).tolist() == [0, 0, 11]
    assert grid.start.tolist() == [PAD, 2 * PAD + 12, PAD]


def test_no_rows_convert_to_no_dates():
    got = first_of_month(pl.Series("yyyymm", [], dtype=pl.Int64))
    assert got.dtype == pl.Date and got.len() == 0 and got.name == "yyyymm"
    assert month_number(got).tolist() == []
