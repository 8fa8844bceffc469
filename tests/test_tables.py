"""Report tables: headers with units, thousands separators, one-decimal percentages, notes as
footnotes, sources as links; the text twin nbval compares is stable."""

import datetime as dt

import polars as pl
import pytest

from reanalysis.tables import Table, header, latest_table, series_table, table

D = dt.date


def growth_rows() -> pl.DataFrame:
    return pl.DataFrame({
        "period": [D(2025, 1, 1), D(2025, 3, 1), D(2025, 4, 1)],
        "months": [2, 1, 1],
        "value_t": [8511.0, 5666.26, 4784.8],
        "yoy_pct": [-2.9975, None, 4.79194],
        "note": ["m/m: January-February combined", None, "m/m: conflicted input"],
        "source_url": ["https://www.brecorder.com/news/1", None, "https://rawmaterials.net/x"],
    })  # fmt: skip


def test_cells_carry_units_separators_one_decimal_and_footnote_marks():
    got = table(growth_rows())
    expected = pl.DataFrame({
        "month": ["January-February 2025 ¹", "March 2025", "April 2025 ²"],
        "tonnes": ["8,511.0", "5,666.3", "4,784.8"],
        "y/y, %": ["-3.0", "–", "+4.8"],
        "source": ["brecorder.com", "–", "rawmaterials.net"],
    })  # fmt: skip
    assert got.cells.equals(expected)
    assert got.notes == ("m/m: January-February combined", "m/m: conflicted input")
    assert got.numeric == ("tonnes", "y/y, %")


def test_the_text_twin_lists_rows_then_footnotes():
    assert str(table(growth_rows(), title="Latest")).splitlines() == [
        "Latest",
        "month                    tonnes   y/y, %  source",
        "January-February 2025 ¹  8,511.0  -3.0    brecorder.com",
        "March 2025               5,666.3  –       –",
        "April 2025 ²             4,784.8  +4.8    rawmaterials.net",
        "¹ m/m: January-February combined",
        "² m/m: conflicted input",
    ]


def test_html_links_each_source_and_prints_the_footnotes():
    page = table(growth_rows()).html()
    assert 'href="https://www.brecorder.com/news/1"' in page and ">brecorder.com</a>" in page
    assert 'href="https://rawmaterials.net/x"' in page
    assert "¹ m/m: January-February combined" in page and "4,784.8" in page
    assert table(growth_rows()).html() == page  # same id, same page: stable for nbval
    assert table(growth_rows())._repr_html_() == page


def test_headers_follow_the_unit_suffix():
    assert [header(c) for c in ("value_t", "excess_t", "mom_pct", "difference_pp", "n_sources",
                                "placebo_share", "ytd_yoy_pct")] == [
        "tonnes", "excess, t", "m/m, %", "difference, pp", "number of sources", "placebo share",
        "January to month y/y, %"]  # fmt: skip


def test_other_cells_integers_booleans_dates_and_categories():
    f = pl.DataFrame({"n": [12345], "chosen": [True], "day": [D(2025, 4, 4)], "share": [0.125],
                      "kind": pl.Series(["a"], dtype=pl.Categorical)})  # fmt: skip
    got = table(f)
    assert got.cells.row(0) == ("12,345", "yes", "2025-04-04", "0.12", "a")
    assert got.numeric == ("count", "share")
    assert str(table(f.with_columns(chosen=False))).splitlines()[1].split()[1] == "no"


def test_ten_notes_get_two_digit_marks():
    f = pl.DataFrame({"n": list(range(11)), "note": [f"n{i}" for i in range(11)]})
    marks = [row[0].split(" ")[1] for row in table(f).cells.rows()]
    assert marks[8:] == ["⁹", "¹⁰", "¹¹"]


def test_a_table_without_notes_or_sources():
    got = table(pl.DataFrame({"verdict": ["agrees"], "n": [3]}))
    assert isinstance(got, Table) and str(got) == "verdict  count\nagrees   3"
    assert "<a " not in got.html()


def test_latest_table_joins_each_months_source(shipped):
    from reanalysis.growth import growth
    from reanalysis.series import select_series

    g = growth(select_series(shipped, commodity="rare earths"))
    got = latest_table(g.filter(pl.col("period") <= D(2025, 4, 1)), 2)
    assert got.cells.columns == ["month", "tonnes", "m/m, %", "y/y, %",
                                 "January to month y/y, %", "January to month, t", "source"]  # fmt: skip
    assert got.cells.row(1)[:4] == ("April 2025 ²", "4,784.8", "-15.6", "+4.8")
    assert (
        got.links[1]
        == g.filter(pl.col("period") == D(2025, 4, 1))["source_url"].cast(pl.String).item()
    )


def test_series_table_says_how_each_figure_was_obtained():
    f = pl.DataFrame({"period": [D(2025, 1, 1), D(2025, 3, 1), D(2025, 4, 1)],
                      "months": [2, 1, 1], "value_t": [8511.0, 5666.3, 4784.8],
                      "ytd_t": [8511.0, 14177.3, 18962.0], "is_derived": [False, True, False],
                      "has_conflict": [False, True, False], "source_url": ["u1", "u2", "u3"]})  # fmt: skip
    assert str(series_table(f, 2)).splitlines() == [
        "month         tonnes   January to month, t  source",
        "March 2025 ¹  5,666.3  14,177.3             u2",
        "April 2025    4,784.8  18,962.0             u3",
        "¹ derived from cumulatives; sources disagreed (see below)",
    ]


def test_a_list_of_sources_shows_their_sites():
    f = pl.DataFrame({"sources": [["https://www.a.org/x", "http://b.com/y"]]})
    assert table(f).cells.row(0) == ("a.org, b.com",)


def test_two_columns_with_one_header_are_refused():
    with pytest.raises(ValueError, match="'tonnes' twice"):
        table(pl.DataFrame({"value_t": [1.0], "tonnes": ["x"]}))


def test_a_missing_month_and_a_titled_html_table():
    got = table(pl.DataFrame({"period": [None], "value_t": [1.0]}, schema_overrides={
        "period": pl.Date}), title="Title")  # fmt: skip
    assert got.cells.row(0) == ("–", "1.0")
    assert "Title" in got.html()
    assert "Title" not in table(pl.DataFrame({"verdict": ["agrees"]})).html()
