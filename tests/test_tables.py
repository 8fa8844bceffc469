"""Report tables: headers with units, thousands separators, one-decimal percentages, notes as
footnotes, sources as links; the text twin nbval compares is stable."""

import datetime as dt

import polars as pl

from reanalysis.tables import Table, header, table

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
        "tonnes", "excess, t", "m/m, %", "difference, pp", "sources", "placebo share",
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
