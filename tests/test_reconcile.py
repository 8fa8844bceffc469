"""Reconciliation rules (reanalysis.reconcile), each on a tiny statements file."""

import datetime as dt

import polars as pl
from polars.testing import assert_frame_equal

from reanalysis import load_customs, source_conflicts

HEADER = "period,flow,commodity,value_t,ytd_t,mom_pct_reported,yoy_pct_reported,source_url,quote\n"
D = dt.date


def series(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select("period", "months", "value_t", "ytd_t", "is_derived", "n_sources",
                        "has_conflict")  # fmt: skip


def expected(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"period": pl.Date, "months": pl.Int8, "value_t": pl.Float64, "ytd_t": pl.Float64,
                "is_derived": pl.Boolean, "n_sources": pl.Int32, "has_conflict": pl.Boolean},
        orient="row",
    )  # fmt: skip


def test_agreeing_statements_collapse_to_the_most_precise(write):
    rows = ("2025-04,export,ore,4785,,,,https://a.example/1,q\n"
            "2025-04,export,ore,4784.8,,,,https://b.example/1,q\n"
            "2025-04,export,ore,4785,,,,https://a.example/1,q again\n")  # fmt: skip
    got = series(load_customs(write("s.csv", HEADER + rows)))
    assert_frame_equal(got, expected([(D(2025, 4, 1), 1, 4784.8, None, False, 2, False)]))


def test_rounded_thousands_agree_with_the_precise_figure(write):
    rows = ("2022-08,export_ytd,ore,,34000,,,https://a.example/1,rounded\n"
            "2022-08,export_ytd,ore,,33539.4,,,https://b.example/1,q\n")  # fmt: skip
    got = load_customs(write("s.csv", HEADER + rows))
    assert got.select("ytd_t", "has_conflict").row(0) == (33539.4, False)


def test_a_conflict_is_resolved_by_the_cumulative_chain_and_flagged(write):
    rows = ("2025-02,export_ytd,ore,,8511,,,https://a.example/jf,q\n"
            "2025-03,export,ore,5600,,,,https://b.example/mar,rounded wrongly\n"
            "2025-03,export,ore,5666.3,,,,https://c.example/mar,q\n"
            "2025-04,export,ore,4784.8,18962,,,https://d.example/apr,q\n")  # fmt: skip
    path = write("s.csv", HEADER + rows)
    got = series(load_customs(path))
    assert_frame_equal(got, expected([
        (D(2025, 1, 1), 2, 8511.0, 8511.0, False, 1, False),
        (D(2025, 3, 1), 1, 5666.3, 8511 + 5666.3, False, 1, True),
        (D(2025, 4, 1), 1, 4784.8, 18962.0, False, 1, False),
    ]))  # fmt: skip
    listing = source_conflicts(path).select("value_t", "chosen", "rule")
    assert listing.rows() == [
        (5666.3, True, "consistent with the cumulative chain"),
        (5600.0, False, "consistent with the cumulative chain"),
    ]


def test_a_tie_on_the_chain_goes_to_more_sources(write):
    rows = ("2023-12,export,ore,3438,,,,https://a.example/1,q\n"
            "2023-12,export,ore,3439,,,,https://b.example/1,q\n"
            "2023-12,export,ore,3439,,,,https://c.example/1,q\n")  # fmt: skip
    got = load_customs(write("s.csv", HEADER + rows))
    assert got.select("value_t", "n_sources", "has_conflict").row(0) == (3439.0, 2, True)


def test_one_missing_month_between_cumulatives_is_derived_and_flagged(write):
    rows = ("2024-02,export_ytd,ore,,8774,,,https://a.example/jf,q\n"
            "2024-04,export,ore,4566,,,,https://b.example/apr,q\n"
            "2024-05,export,ore,6217,24266.5,,,https://c.example/may,q\n")  # fmt: skip
    got = series(load_customs(write("s.csv", HEADER + rows)))
    march = 24266.5 - 6217 - 4566 - 8774
    assert_frame_equal(got, expected([
        (D(2024, 1, 1), 2, 8774.0, 8774.0, False, 1, False),
        (D(2024, 3, 1), 1, march, 8774 + march, True, 0, False),
        (D(2024, 4, 1), 1, 4566.0, 24266.5 - 6217, False, 1, False),
        (D(2024, 5, 1), 1, 6217.0, 24266.5, False, 1, False),
    ]))  # fmt: skip


def test_two_missing_months_are_not_derived(write):
    rows = ("2025-01,export,ore,100,,,,https://a.example/1,q\n"
            "2025-04,export,ore,100,400,,,https://a.example/4,q\n")  # fmt: skip
    got = series(load_customs(write("s.csv", HEADER + rows)))
    # Feb + Mar = 200 together, but neither month alone is known: only the cumulative at March.
    assert got.select("period", "value_t", "ytd_t").rows() == [
        (D(2025, 1, 1), 100.0, 100.0), (D(2025, 3, 1), None, 300.0), (D(2025, 4, 1), 100.0, 400.0)
    ]  # fmt: skip


def test_january_february_stays_one_two_month_observation(write):
    rows = ("2025-02,export_ytd,ore,,8511,,-3,https://a.example/jf,q\n"
            "2025-03,export,ore,5666.3,,,,https://a.example/mar,q\n")  # fmt: skip
    got = series(load_customs(write("s.csv", HEADER + rows)))
    assert got.select("period", "months", "value_t").rows() == [
        (D(2025, 1, 1), 2, 8511.0),
        (D(2025, 3, 1), 1, 5666.3),
    ]


def test_a_derived_january_february_cumulative_is_a_derived_two_month_observation(write):
    rows = "2023-03,export,ore,4446,11837,,,https://a.example/mar,q\n"
    got = series(load_customs(write("s.csv", HEADER + rows)))
    assert got.row(0) == (D(2023, 1, 1), 2, 11837 - 4446.0, 11837 - 4446.0, True, 0, False)


def test_other_definitions_never_merge(write):
    rows = ("2025-05,export,ore,5864.6,,,,https://a.example/1,q\n"
            "2025-05,export,ore products (other calc.),2117,,,,https://b.example/1,q\n"
            "2025-05,export,ore,2117,,,,https://c.example/1,SUSPECT: another aggregate\n")  # fmt: skip
    path = write("s.csv", HEADER + rows)
    got = load_customs(path).select("commodity", "value_t", "has_conflict")
    assert got.rows() == [("ore", 5864.6, False), ("ore products (other calc.)", 2117.0, False)]
    excluded = source_conflicts(path).select("value_t", "chosen", "rule").row(0)
    assert excluded[:2] == (2117.0, False) and excluded[2].startswith("excluded: flagged SUSPECT")


def test_exactly_one_row_per_series_and_month(shipped):
    keys = ["reporter", "commodity", "flow", "partner", "period"]
    assert shipped.select(pl.struct(keys).is_duplicated().any()).item() is False
