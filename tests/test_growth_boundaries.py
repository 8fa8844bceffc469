"""Growth rules at their edges: each case has a figure that moves when the rule moves (the
January-February position, the month lags, the rounding band of a reported percentage, the
agreement boundary, the "own figure" reason, the flags and zero base of ``rolling``).

Expected values are worked out by hand in the comments, never read off the output.
"""

import datetime as dt

import polars as pl
import pytest

from reanalysis.growth import (
    BASE_COMBINED,
    BASE_MISSING,
    CONFLICTED,
    DERIVED,
    ESTIMATED,
    NOT_STATED,
    ZERO_BASE,
    Note,
    check_reported,
    comparisons,
    growth,
    latest,
    reasons,
    rolling,
    weight_caveats,
)
from reanalysis.loaders import load_statements
from test_growth import canonical

D = dt.date


def yoy(frame: pl.DataFrame) -> list[tuple]:
    return growth(frame).select("period", "yoy_pct", "yoy_note").rows()


def test_january_inside_a_combined_release_is_the_base_of_january_only():
    # Jan-Feb 2024 combined covers January 2024: January 2025 has no single-month base; March
    # 2025 compares with March 2024 (60 / 50 = +20%), which a combined release does not touch.
    frame = canonical([(D(2024, 1, 1), 180.0, 2), (D(2024, 3, 1), 50.0),
                       (D(2025, 1, 1), 70.0), (D(2025, 3, 1), 60.0)])  # fmt: skip
    assert yoy(frame)[2:] == [
        (D(2025, 1, 1), None, BASE_COMBINED),
        (D(2025, 3, 1), pytest.approx(20.0, rel=1e-12), None),
    ]


def test_year_on_year_looks_back_exactly_twelve_months():
    # 2024: 101..112; 2025: 2 x the same month of 2024, so every month is +100% exactly; a base
    # one month off would give 2 x (100 + m) / (100 + m +- 1) - 1, never 100%.
    rows = [(D(y, m, 1), float((100 + m) * (1 if y == 2024 else 2))) for y in (2024, 2025)
            for m in range(1, 13)]  # fmt: skip
    got = growth(canonical(rows)).filter(pl.col("period").dt.year() == 2025)
    assert got["yoy_pct"].to_list() == [pytest.approx(100.0, rel=1e-12)] * 12
    assert got["yoy_note"].to_list() == [None] * 12
    # year to date: 2 x the 2024 cumulative, +100% in every month as well
    assert got["ytd_yoy_pct"].to_list() == [pytest.approx(100.0, rel=1e-12)] * 12


def test_a_combined_year_against_single_months_carries_their_flags():
    # Jan-Feb 2025 = 200 against January (derived) + February (conflicted) 2024 = 160: +25%
    frame = canonical([(D(2024, 1, 1), 100.0, 1, True), (D(2024, 2, 1), 60.0, 1, False, True),
                       (D(2025, 1, 1), 200.0, 2)])  # fmt: skip
    assert yoy(frame)[2] == (
        D(2025, 1, 1),
        pytest.approx(25.0, rel=1e-12),
        f"{DERIVED}; {CONFLICTED}",
    )
    january_only = canonical([(D(2024, 1, 1), 100.0, 1, True), (D(2024, 2, 1), 60.0),
                              (D(2025, 1, 1), 200.0, 2)])  # fmt: skip
    assert yoy(january_only)[2][2] == DERIVED
    february_only = canonical([(D(2024, 1, 1), 100.0), (D(2024, 2, 1), 60.0, 1, True),
                               (D(2025, 1, 1), 200.0, 2)])  # fmt: skip
    assert yoy(february_only)[2][2] == DERIVED


# --- rolling --------------------------------------------------------------------------


def test_rolling_flags_name_what_is_inside_the_window_or_its_base():
    # 3-month windows over 2024-2025; one derived month (2024-02) and one conflicted (2025-06)
    rows = [(D(y, m, 1), 10.0, 1, (y, m) == (2024, 2), (y, m) == (2025, 6))
            for y in (2024, 2025) for m in range(1, 13)]  # fmt: skip
    got = {
        r[0]: r[1:] for r in rolling(canonical(rows), 3).select("period", "yoy_pct", "note").rows()
    }
    assert got[D(2024, 3, 1)] == (None, BASE_MISSING)  # first complete window: no base yet
    assert got[D(2025, 3, 1)] == (0.0, DERIVED)  # its base, Jan-Mar 2024, holds the derived month
    assert got[D(2025, 4, 1)] == (0.0, DERIVED)  # base Feb-Apr 2024 too
    assert got[D(2025, 5, 1)] == (0.0, None)  # Mar-May 2025 against Mar-May 2024: both clean
    assert got[D(2025, 6, 1)] == (0.0, CONFLICTED)  # Apr-Jun 2025 holds the conflicted month
    assert got[D(2025, 8, 1)] == (0.0, CONFLICTED)  # Jun-Aug 2025 still does
    assert got[D(2025, 9, 1)] == (0.0, None)  # Jul-Sep 2025: past the conflict
    assert len(got) == 22  # every month from March 2024 ends a complete window


def test_rolling_derived_and_conflicted_together():
    rows = [(D(y, m, 1), 10.0, 1, (y, m) == (2025, 3), (y, m) == (2024, 3))
            for y in (2024, 2025) for m in range(1, 13)]  # fmt: skip
    got = rolling(canonical(rows), 3).filter(pl.col("period") == D(2025, 3, 1))
    assert got.select("yoy_pct", "note").row(0) == (0.0, f"{DERIVED}; {CONFLICTED}")


def test_rolling_zero_base_is_null_with_its_reason():
    rows = [(D(y, m, 1), 0.0 if y == 2024 else 5.0) for y in (2024, 2025) for m in (1, 2, 3)]
    got = rolling(canonical(rows), 3).select("period", "sum_t", "yoy_pct", "note").rows()
    assert got == [(D(2024, 3, 1), 0.0, None, BASE_MISSING), (D(2025, 3, 1), 15.0, None, ZERO_BASE)]


# --- reported percentages against the computed ones ------------------------------------

HEADER = "period,flow,commodity,value_t,ytd_t,mom_pct_reported,yoy_pct_reported,source_url,quote\n"


def reported(write, *lines: str) -> pl.DataFrame:
    path = write("statements.csv", HEADER + "".join(f"{line}\n" for line in lines))
    return check_reported(load_statements(path))


def test_the_rounding_band_of_tonnages_and_of_the_reported_figure(write):
    # March 1234 t, April 1357 t, each to the tonne (half unit 0.5): computed 100 x 123 / 1234
    # = +9.9676 %. The tonnages can move it up to 100 x (1357.5 / 1233.5 - 1357 / 1234)
    # = 129550 / 1522139 = 0.08511 pp (down only 129550 / 1523373 = 0.08504 pp). "10.1" is
    # rounded to 0.05: tolerance 0.05 + 0.08511 = 0.13511 pp, and 10.1 is 0.13241 pp away, so it
    # agrees only through the tonnages' rounding; 9.8 (0.16759 pp away) differs.
    got = reported(
        write,
        "2025-03,export,ore,1234,,,,https://a.example/1,march",
        "2025-04,export,ore,1357,,10.1,,https://a.example/2,april inside",
        "2025-04,export,ore,1357,,9.8,,https://a.example/3,april outside",
    )
    pct, tolerance = 12300 / 1234, 0.05 + 129550 / 1522139
    rows = got.select("reported_pct", "computed_pct", "difference_pp", "tolerance_pp", "verdict")
    assert rows.sort("reported_pct").rows() == [
        (9.8, pytest.approx(pct, rel=1e-12), pytest.approx(9.8 - pct, rel=1e-9),
         pytest.approx(tolerance, rel=1e-12), "differs"),
        (10.1, pytest.approx(pct, rel=1e-12), pytest.approx(10.1 - pct, rel=1e-9),
         pytest.approx(tolerance, rel=1e-12), "agrees"),
    ]  # fmt: skip


def test_the_band_is_wider_on_the_side_the_rounding_can_reach(write):
    # A fall: March 1357 t, April 1234 t, computed 100 x (1234 / 1357 - 1) = -9.0641 %. Down:
    # 100 x (1234 / 1357 - 1233.5 / 1357.5) = 129550 / 1842127.5 = 0.07033 pp; up: 100 x
    # (1234.5 / 1356.5 - 1234 / 1357) = 129550 / 1840770.5 = 0.07038 pp, the wider side.
    got = reported(
        write,
        "2025-03,export,ore,1357,,,,https://a.example/1,march",
        "2025-04,export,ore,1234,,-9.0,,https://a.example/2,april",
    )
    assert got.select("computed_pct", "tolerance_pp", "verdict").row(0) == (
        pytest.approx(-12300 / 1357, rel=1e-12),
        pytest.approx(0.05 + 129550 / 1840770.5, rel=1e-12),
        "agrees",
    )


def test_the_source_s_own_figure_is_named_when_it_is_not_the_reconciled_one(write):
    # Two sources for April: 1099 t (to the tonne) and 1100.4 t (to 0.1 t) disagree beyond
    # rounding; the more precise one is kept, so the 1099 t source's own percentage was
    # computed from another figure, and the reason says so (a 1.4 t gap; 0.5 t is the limit).
    got = reported(
        write,
        "2025-03,export,ore,1000,,,,https://a.example/1,march",
        "2025-04,export,ore,1099,,9.9,,https://a.example/2,coarse",
        "2025-04,export,ore,1100.4,,10.0,,https://b.example/3,fine",
    )
    assert got.select("line", "reported_pct", "reason").rows() == [
        ("statements.csv:3", 9.9,
         f"the source's own figure (1099.0 t) differs from the reconciled one; {CONFLICTED}"),
        ("statements.csv:4", 10.0, CONFLICTED),
    ]  # fmt: skip


def test_a_figure_within_half_a_tonne_is_the_same_figure(write):
    # 1101 t (to the tonne) and 1101.5 t (to 0.1 t) agree within rounding and collapse to the
    # more precise 1101.5 t: the 1101 t source is 0.5 t away, which names no other figure.
    got = reported(
        write,
        "2025-03,export,ore,1000,,,,https://a.example/1,march",
        "2025-04,export,ore,1101,,10.1,,https://a.example/2,coarse",
        "2025-04,export,ore,1101.5,,10.15,,https://b.example/3,fine",
    )
    assert got.select("reported_pct", "reason").rows() == [(10.1, None), (10.15, None)]


def test_rolling_base_of_exactly_one_tonne_is_a_base():
    # Jan-Mar 2024 sums to 0.25 + 0.25 + 0.5 = 1 t, Jan-Mar 2025 to 3 t: +200 %
    rows = [(D(2024, m, 1), v) for m, v in ((1, 0.25), (2, 0.25), (3, 0.5))]
    rows += [(D(2025, m, 1), 1.0) for m in (1, 2, 3)]
    got = rolling(canonical(rows), 3).filter(pl.col("period") == D(2025, 3, 1))
    assert got.select("sum_t", "yoy_pct", "note").row(0) == (3.0, 200.0, None)


# --- summaries of a reported check and of a series' caveats ---------------------------------


def test_reasons_most_frequent_first():
    frame = pl.DataFrame(
        {"verdict": ["not computable"] * 3 + ["agrees"], "reason": ["a", "b", "b", "c"]}
    )
    assert reasons(frame).rows() == [("b", 2), ("a", 1)]
    assert reasons(frame, "agrees").rows() == [("c", 1)]


def test_weight_caveats_keep_the_series_order_and_count_null_flags_as_not_estimated():
    # 40 series in reverse order of name, one month each; the estimated flag is true, false or
    # null (a null flag is no estimate)
    names = [f"ore {i:02d}" for i in range(40, 0, -1)]
    frame = pl.concat(
        canonical([(D(2025, 1, 1), 1.0)], commodity=name).with_columns(
            weight_estimated=pl.lit([True, False, None][i % 3], pl.Boolean)
        )
        for i, name in enumerate(names)
    )
    got = weight_caveats(frame)
    assert got["commodity"].to_list() == names
    assert got["estimated_months"].to_list() == [[1, 0, 0][i % 3] for i in range(40)]


def test_a_window_may_not_start_inside_a_combined_release():
    # Jan-Feb 2025 combined (30 t), March missing, April 7 t: February-April counts three
    # covered months (2 + 1) but holds January and lacks March, so it is no window; nor is any
    # other (March is missing from every window that reaches April).
    frame = canonical([(D(2025, 1, 1), 30.0, 2), (D(2025, 4, 1), 7.0)])
    assert rolling(frame, 3).height == 0
    # with March present, January-March (30 + 5) is the one complete window ending by April
    # whose first month is not February
    frame = canonical([(D(2025, 1, 1), 30.0, 2), (D(2025, 3, 1), 5.0), (D(2025, 4, 1), 7.0)])
    assert rolling(frame, 3).select("period", "sum_t").rows() == [(D(2025, 3, 1), 35.0)]


def test_rolling_sums_three_months_unless_told_otherwise():
    frame = canonical([(D(2025, m, 1), float(m)) for m in range(1, 6)])
    assert rolling(frame).select("period", "sum_t").rows() == [
        (D(2025, 3, 1), 6.0), (D(2025, 4, 1), 9.0), (D(2025, 5, 1), 12.0)]  # fmt: skip


def test_rolling_rows_come_series_by_series_with_the_documented_columns():
    japan = canonical([(D(2025, m, 1), 1.0) for m in (1, 2, 3, 4)], partner="Japan")
    korea = canonical([(D(2025, m, 1), 2.0) for m in (1, 2, 3)], partner="Korea")
    got = rolling(pl.concat([korea, japan]), 3)
    assert got.columns == ["reporter", "commodity", "flow", "partner", "period", "sum_t",
                           "yoy_pct", "note"]  # fmt: skip
    assert got.select("partner", "period", "sum_t").rows() == [
        ("Japan", D(2025, 3, 1), 3.0), ("Japan", D(2025, 4, 1), 3.0),
        ("Korea", D(2025, 3, 1), 6.0)]  # fmt: skip


def test_latest_shows_six_months_unless_told_otherwise():
    frame = canonical([(D(2025, m, 1), float(m)) for m in range(1, 10)])
    assert latest(growth(frame))["period"].to_list() == [D(2025, m, 1) for m in range(4, 10)]


def test_latest_rounds_to_one_decimal_and_keeps_the_documented_columns():
    # 90 t after 100 t: -10 %; 80.1 t after 90 t: (80.1 / 90 - 1) x 100 = -11.0 % exactly;
    # 71.2 t after 80.1 t: -11.111... %, shown -11.1
    frame = canonical([(D(2025, 1, 1), 100.0), (D(2025, 2, 1), 90.0), (D(2025, 3, 1), 80.1),
                       (D(2025, 4, 1), 71.2)])  # fmt: skip
    got = latest(growth(frame), 2)
    assert got.columns == ["period", "months", "value_t", "mom_pct", "yoy_pct", "ytd_yoy_pct",
                           "ytd_t", "note"]  # fmt: skip
    assert got.select("months", "mom_pct").rows() == [(1, -11.0), (1, -11.1)]


def test_every_reported_percentage_gets_a_verdict_and_the_reason_behind_it(write):
    # Month statements to 0.1 t (half unit 0.05). February 2025 against January 2025 and
    # against February 2024: +10 % each; January-February 2025 (210.0 t) against 2024's
    # 100.0 + 100.0 t: +5 %. The band adds the reported figure's half unit ("10.0": 0.05,
    # "10": 0.5, "5.0": 0.05) to what the tonnages' rounding can add: 100 x (110.05 / 99.95 -
    # 1.1) for a month, 100 x (210.05 / 199.9 - 1.05) for the two-month sum (half units add;
    # 2024's cumulative is that sum, not a stated figure, and the reason says so).
    # The rest cannot be computed, each for its own reason: a flagged statement, a percentage
    # for a month with no tonnage, and comparisons with no base month. Rows come sorted by
    # commodity, flow, partner, month, comparison.
    got = reported(
        write,
        "2024-01,export,ore,100.0,,,,https://a.example/1,jan 2024",
        "2024-02,export,ore,100.0,,,,https://a.example/2,feb 2024",
        "2025-01,export,ore,100.0,,,,https://a.example/3,jan",
        "2025-02,export,ore,110.0,,10.0,10,https://a.example/4,feb",
        "2025-02,export_ytd,ore,,210.0,,5.0,https://a.example/5,feb ytd",
        "2025-03,export,ore,,,5.0,,https://a.example/6,SUSPECT march",
        "2025-05,export,ore,,,7.0,,https://a.example/7,may: a percentage only",
        "2025-01,import,ore,50.0,,,12.0,https://a.example/8,import jan",
        "2025-01,export,alloy,20.0,,3.0,,https://a.example/9,alloy jan",
    )
    month = 100 * (110.05 / 99.95 - 1.1)
    excluded = (
        "statement excluded: flagged SUSPECT in the source file: another series or definition"
    )
    columns = ("commodity", "flow", "period", "measure", "comparison", "reported_pct",
               "computed_pct", "tolerance_pp", "verdict", "reason", "statement_value_t",
               "source_url", "line")  # fmt: skip
    assert got.select(columns).rows() == [
        ("alloy", "export", D(2025, 1, 1), "month", "mom", 3.0, None, None,
         "not computable", BASE_MISSING, 20.0, "https://a.example/9", "statements.csv:10"),
        ("ore", "export", D(2025, 2, 1), "month", "mom", 10.0, pytest.approx(10.0),
         pytest.approx(0.05 + month), "agrees", None, 110.0, "https://a.example/4",
         "statements.csv:5"),
        ("ore", "export", D(2025, 2, 1), "month", "yoy", 10.0, pytest.approx(10.0),
         pytest.approx(0.5 + month), "agrees", None, 110.0, "https://a.example/4",
         "statements.csv:5"),
        ("ore", "export", D(2025, 2, 1), "ytd", "ytd_yoy", 5.0, pytest.approx(5.0),
         pytest.approx(0.05 + 100 * (210.05 / 199.9 - 1.05)), "agrees", NOT_STATED, 210.0,
         "https://a.example/5", "statements.csv:6"),
        ("ore", "export", D(2025, 3, 1), "month", "mom", 5.0, None, None, "not computable",
         excluded, None, "https://a.example/6", "statements.csv:7"),
        ("ore", "export", D(2025, 5, 1), "month", "mom", 7.0, None, None, "not computable",
         "no figure for this month in the data", None, "https://a.example/7", "statements.csv:8"),
        ("ore", "import", D(2025, 1, 1), "month", "yoy", 12.0, None, None, "not computable",
         BASE_MISSING, 50.0, "https://a.example/8", "statements.csv:9"),
    ]  # fmt: skip
    assert got["difference_pp"].is_null().to_list() == got["computed_pct"].is_null().to_list()


def test_a_base_within_its_rounding_of_zero_bounds_no_percentage(write):
    # January-February 2024 is 0 t (to the tonne: half unit 0.5) + 0.3 t (half unit 0.05):
    # 0.3 t, within its 0.55 t of rounding of zero, so 2025's 2.0 t could be any rise at all.
    # Before, the band took the other side's width and called a reported +200 % "agrees" but
    # would have called +2,000 % "differs"; neither can be told apart from the data.
    got = reported(
        write,
        "2024-01,export,ore,0,,,,https://a.example/1,jan 2024",
        "2024-02,export,ore,0.3,,,,https://a.example/2,feb 2024",
        "2025-01,export,ore,1.0,,,,https://a.example/3,jan",
        "2025-02,export_ytd,ore,,2.0,,2000,https://a.example/4,feb ytd",
    )
    assert got.select("computed_pct", "tolerance_pp", "verdict", "reason").rows() == [
        (pytest.approx(100 * (2.0 / 0.3 - 1)), None, "not computable",
         "the base (0.3 t) is within its rounding (0.55 t) of zero: any percentage fits; "
         f"{NOT_STATED}"),
    ]  # fmt: skip
    assert got["difference_pp"].to_list() == [pytest.approx(2000 - 100 * (2.0 / 0.3 - 1))]


def test_a_base_exactly_its_rounding_from_zero_bounds_no_percentage(write):
    # 0 t + 1 t, each to the tonne: a 1 t base with 1 t of rounding, which could be 0 t.
    got = reported(
        write,
        "2024-01,export,ore,0,,,,https://a.example/1,jan 2024",
        "2024-02,export,ore,1,,,,https://a.example/2,feb 2024",
        "2025-01,export,ore,1.0,,,,https://a.example/3,jan",
        "2025-02,export_ytd,ore,,2.0,,100,https://a.example/4,feb ytd",
    )
    assert got.select("computed_pct", "verdict").rows() == [(100.0, "not computable")]


# --- edges that only a figure at the very edge, or an odd rounding, tells apart ----------


def test_a_reported_figure_at_the_very_edge_of_the_band_agrees_and_one_step_out_differs(write):
    # March 201 t (half unit 0.5), April 220.4497 t (half unit 0.00005). The rounding can lift
    # the percentage to 100 x ((220.4497 + 0.00005) / (201 - 0.5) - 1) = 100 x (220.44975 /
    # 200.5 - 1) = 9.95 exactly, and "10.0" can stand for as little as 9.95: the reported
    # figure sits on the band's very edge (difference = tolerance = 10 - 100 x (220.4497 / 201
    # - 1) = 0.32353 pp, up to floating-point error), which agrees; "10.1" is 0.1 pp beyond it.
    got = reported(
        write,
        "2025-03,export,ore,201,,,,https://a.example/1,march",
        "2025-04,export,ore,220.4497,,10.0,,https://a.example/2,april on the edge",
        "2025-04,export,ore,220.4497,,10.1,,https://a.example/3,april beyond",
    )
    pct = 100 * (220.4497 / 201 - 1)
    rows = got.select("reported_pct", "difference_pp", "tolerance_pp", "verdict").rows()
    assert rows == [
        (10.0, pytest.approx(10.0 - pct), pytest.approx(10.0 - pct), "agrees"),
        (10.1, pytest.approx(10.1 - pct), pytest.approx(10.0 - pct), "differs"),
    ]


def test_the_year_on_year_band_takes_the_rounding_of_the_month_twelve_back(write):
    # April 2024 is stated to 0.1 t (half unit 0.05), March 2024 to the tonne (0.5): April
    # 2025's year-on-year band uses April's, 100 x (1100.05 / 999.95 - 1.1) + 0.05 for "10.0".
    got = reported(
        write,
        "2024-03,export,ore,999,,,,https://a.example/1,march 2024",
        "2024-04,export,ore,1000.0,,,,https://a.example/2,april 2024",
        "2025-04,export,ore,1100.0,,,10.0,https://a.example/3,april 2025",
    )
    assert got.select("comparison", "tolerance_pp").rows() == [
        ("yoy", pytest.approx(0.05 + 100 * (1100.05 / 999.95 - 1.1), rel=1e-12))
    ]


def test_a_combined_year_against_single_months_adds_their_roundings(write):
    # January-February 2025 331.1 t (half unit 0.05) against January 2024 101 t (0.5) +
    # February 2024 200.0 t (0.05) = 301 t with 0.55 t of rounding: +10 %, and the band is
    # 0.05 + 100 x ((331.1 + 0.05) / (301 - 0.55) - 331.1 / 301).
    got = reported(
        write,
        "2024-01,export,ore,101,,,,https://a.example/1,jan 2024",
        "2024-02,export,ore,200.0,,,,https://a.example/2,feb 2024",
        "2025-02,export_ytd,ore,,331.1,,,https://a.example/3,jan-feb 2025",
        "2025-02,export,ore,,,,10.0,https://a.example/4,jan-feb 2025 against a year ago",
    )
    band = 0.05 + 100 * (331.15 / 300.45 - 331.1 / 301)
    assert got.select("comparison", "computed_pct", "tolerance_pp", "verdict").rows() == [
        ("yoy", pytest.approx(10.0, rel=1e-12), pytest.approx(band, rel=1e-12), "agrees")
    ]


def test_a_near_zero_base_is_named_to_the_gram_and_the_note_follows_only_if_there_is_one(write):
    # January 2024 0.2344 t (half unit 0.00005) and February 0 t (to the tonne: 0.5): the base
    # 0.2344 t is within its 0.50005 t of rounding of zero. The reason gives both to three
    # decimals (0.234, 0.5) and, the single months being exact statements, no note follows.
    got = reported(
        write,
        "2024-01,export,ore,0.2344,,,,https://a.example/1,jan 2024",
        "2024-02,export,ore,0,,,,https://a.example/2,feb 2024",
        "2025-02,export_ytd,ore,,2.0,,,https://a.example/3,jan-feb 2025",
        "2025-02,export,ore,,,,500,https://a.example/4,jan-feb 2025 against a year ago",
        # the same with January 0.001 t (half unit 0.0005): 0.5005 t of rounding reads 0.5 t
        "2024-01,export,alloy,0.001,,,,https://a.example/5,jan 2024",
        "2024-02,export,alloy,0,,,,https://a.example/6,feb 2024",
        "2025-02,export_ytd,alloy,,2.0,,,https://a.example/7,jan-feb 2025",
        "2025-02,export,alloy,,,,500,https://a.example/8,jan-feb 2025 against a year ago",
    )
    assert got.select("commodity", "verdict", "reason").rows() == [
        ("alloy", "not computable",
         "the base (0.001 t) is within its rounding (0.5 t) of zero: any percentage fits"),
        ("ore", "not computable",
         "the base (0.234 t) is within its rounding (0.5 t) of zero: any percentage fits"),
    ]  # fmt: skip


def test_reported_rows_sort_by_commodity_then_partner_then_comparison(write):
    # Written against the order of every key: the later commodity first, the later partner
    # first, and for one month the year-on-year figure on an earlier line than the monthly one.
    customs = write(
        "customs.csv",
        HEADER + "2025-02,export,ore,11,,,,https://a.example/1,q\n"
        "2025-03,export,ore,12,,,1,https://a.example/2,q\n"
        "2025-03,export,ore,12,,2,,https://a.example/3,q\n"
        "2025-04,export,alloy,13,,3,,https://a.example/4,q\n",
    )
    magnets = write(
        "magnets.csv",
        "period,partner,value_t,yoy_pct_reported,mom_pct_reported,source_url,quote\n"
        "2025-01,Japan,10,,,https://b.example/1,q\n"
        "2025-02,Japan,11,,10,https://b.example/2,q\n"
        "2025-03,Chile,12,,2,https://b.example/3,q\n",
    )
    another = write("another.csv", HEADER + "2025-03,export,ore,12,,2,,https://c.example/1,q\n")
    statements = [load_statements(f) for f in (customs, magnets, another)]
    got = check_reported(pl.concat(statements))  # another.csv last, but first by its line
    assert got.select("commodity", "partner", "period", "comparison", "line").rows() == [
        ("alloy", "World", D(2025, 4, 1), "mom", "customs.csv:5"),
        ("ore", "World", D(2025, 3, 1), "mom", "another.csv:2"),
        ("ore", "World", D(2025, 3, 1), "mom", "customs.csv:4"),
        ("ore", "World", D(2025, 3, 1), "yoy", "customs.csv:3"),
        ("rare earth permanent magnets", "Chile", D(2025, 3, 1), "mom", "magnets.csv:4"),
        ("rare earth permanent magnets", "Japan", D(2025, 2, 1), "mom", "magnets.csv:3"),
    ]


def estimated(frame: pl.DataFrame, flags: list[bool | None]) -> pl.DataFrame:
    return frame.with_columns(weight_estimated=pl.Series(flags, dtype=pl.Boolean))


def test_a_combined_year_against_single_months_carries_an_estimate_of_either_month():
    # Jan-Feb 2025 = 200 t against January 100 t + February 60 t of 2024, one of them estimated
    rows = [(D(2024, 1, 1), 100.0), (D(2024, 2, 1), 60.0), (D(2025, 1, 1), 200.0, 2)]
    for flags in ([False, True, False], [True, False, False]):
        got = yoy(estimated(canonical(rows), flags))[2]
        assert got == (D(2025, 1, 1), pytest.approx(25.0, rel=1e-12), ESTIMATED)


def test_an_estimate_in_december_stays_out_of_the_next_year_s_cumulative():
    # 10 t every month from January 2024 to January 2025, December 2024's weight estimated:
    # January's month-on-month leans on it, January 2025's year to date (January alone) does not
    rows = [(D(2024, m, 1), 10.0) for m in range(1, 13)] + [(D(2025, 1, 1), 10.0)]
    got = growth(estimated(canonical(rows), [False] * 11 + [True, False]))
    january = got.filter(pl.col("period") == D(2025, 1, 1))
    assert january.select("mom_note", "yoy_note", "ytd_yoy_pct", "ytd_yoy_note").row(0) == (
        ESTIMATED, None, 0.0, None)  # fmt: skip


def test_unit_values_below_a_tonne_and_with_an_unknown_flag_are_computed():
    # 0.5 t for 100 USD (200 USD/t), then 1 t for 300 USD: +50 %; the estimation flag is
    # unknown (null), which is not an estimate
    frame = estimated(canonical([(D(2025, 3, 1), 0.5), (D(2025, 4, 1), 1.0)]), [None, None])
    got = growth(frame.with_columns(value_usd=pl.Series([100.0, 300.0])))
    assert got.select("usd_per_t", "usd_per_t_mom_pct", "usd_per_t_mom_note").rows() == [
        (200.0, None, BASE_MISSING), (300.0, 50.0, None)]  # fmt: skip
    assert got.schema["usd_per_t_mom_note"] == got.schema["mom_note"] == Note
    assert got.schema["usd_per_t_yoy_note"] == Note


def test_comparisons_give_the_percentage_and_the_note_unless_asked_for_detail():
    frame = canonical([(D(2025, 3, 1), 100.0), (D(2025, 4, 1), 80.0)])
    parts = comparisons(frame)
    assert {name: part.columns for name, part in parts.items()} == {
        "mom": ["pct", "note"], "yoy": ["pct", "note"], "ytd_yoy": ["pct", "note"]}  # fmt: skip
    assert parts["mom"]["pct"].to_list() == [None, pytest.approx(-20.0, rel=1e-12)]


def test_a_conflict_in_either_cumulative_marks_the_year_to_date_comparison():
    # January-February 2025 against 2024 (10 t a month): February 2025 conflicted, then
    # February 2024 conflicted instead
    months = [(y, m) for y in (2024, 2025) for m in (1, 2)]
    for conflicted in ((2025, 2), (2024, 2)):
        rows = [(D(y, m, 1), 10.0, 1, False, (y, m) == conflicted) for y, m in months]
        got = growth(canonical(rows)).filter(pl.col("period") == D(2025, 2, 1))
        assert got.select("ytd_yoy_pct", "ytd_yoy_note").row(0) == (0.0, CONFLICTED)


def test_comparisons_in_detail_give_a_base_only_where_a_percentage_is_computed():
    # March 100 t, April 0 t, May 50 t, June no value: April's base is March; May's is zero
    # and June has no value of its own, so neither has a base to show; March has none at all
    frame = canonical([(D(2025, 3, 1), 100.0), (D(2025, 4, 1), 0.0), (D(2025, 5, 1), 50.0),
                       (D(2025, 6, 1), None)])  # fmt: skip
    mom = comparisons(frame, detail=True)["mom"]
    assert mom.select("base", "pct").rows() == [
        (None, None), (100.0, -100.0), (None, None), (None, None)]  # fmt: skip


def test_an_estimate_before_a_missing_month_still_marks_the_year_to_date():
    # January to March 2024 and January and March 2025 (February 2025 not in the data), 10 t
    # each, January 2025's weight estimated: March 2025's cumulative (stated, 20 t) leans on it
    rows = [(D(2024, m, 1), 10.0) for m in (1, 2, 3)] + [(D(2025, m, 1), 10.0) for m in (1, 3)]
    got = growth(estimated(canonical(rows), [False, False, False, True, False]))
    march = got.filter(pl.col("period") == D(2025, 3, 1))
    assert march.select("ytd_t", "ytd_yoy_pct", "ytd_yoy_note").row(0) == (
        20.0, pytest.approx(100 * (20 / 30 - 1), rel=1e-12), ESTIMATED)  # fmt: skip


def test_months_before_a_series_starts_lean_on_no_estimate():
    # March and April of 2024 and 2025, 10 t each, April 2025's weight estimated: March 2025's
    # cumulative and its base (March 2024, the series' first month) lean on no estimate;
    # the empty January and February before them count as nothing
    rows = [(D(y, m, 1), 10.0) for y in (2024, 2025) for m in (3, 4)]
    got = growth(estimated(canonical(rows), [False, False, False, True]))
    assert got.select("period", "ytd_yoy_note").rows()[2:] == [
        (D(2025, 3, 1), None), (D(2025, 4, 1), ESTIMATED)]  # fmt: skip
