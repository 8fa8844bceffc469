"""Growth rules (reanalysis.growth): a small canonical frame in, the exact columns out."""

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from reanalysis.growth import (
    BASE_COMBINED,
    BASE_MISSING,
    COMBINED,
    CONFLICTED,
    DERIVED,
    ZERO_BASE,
    check_reported,
    growth,
    latest,
    reasons,
    rolling,
    verdict_counts,
)
from reanalysis.reconcile import CANONICAL_SCHEMA

D = dt.date


def canonical(rows: list[tuple], **series) -> pl.DataFrame:
    """(period, value_t[, months][, is_derived][, has_conflict]) -> a canonical frame."""
    records = []
    for row in rows:
        period, value, months, derived, conflict = row + (None, None, 1, False, False)[len(row) :]
        records.append({"reporter": None, "commodity": "ore", "flow": "export",
                        "partner": "World", **series, "period": period, "months": months,
                        "value_t": value, "value_half_unit_t": 0.0, "is_derived": derived,
                        "ytd_is_derived": False, "n_sources": 1, "has_conflict": conflict,
                        "source_url": "https://example.org", "value_usd": None,
                        "missing_reason": None})  # fmt: skip
    frame = pl.DataFrame(records).with_columns(
        ytd_t=pl.col("value_t").cum_sum().over(pl.col("period").dt.year()),
        ytd_half_unit_t=pl.lit(0.0),
    )
    unset = [c for c in CANONICAL_SCHEMA.names() if c not in frame.columns]
    frame = frame.with_columns(pl.lit(None).alias(c) for c in unset)
    return frame.select(CANONICAL_SCHEMA.names()).cast(dict(CANONICAL_SCHEMA))


def cols(frame: pl.DataFrame, *names: str) -> list[tuple]:
    return growth(frame).select(*names).rows()


def test_month_on_month_needs_the_previous_month():
    frame = canonical([(D(2025, 3, 1), 100.0), (D(2025, 4, 1), 80.0), (D(2025, 6, 1), 90.0)])
    assert cols(frame, "mom_pct", "mom_note") == [
        (None, BASE_MISSING), ((80 / 100 - 1) * 100, None), (None, BASE_MISSING)]  # fmt: skip


def test_combined_january_february_is_never_halved():
    frame = canonical([(D(2025, 1, 1), 200.0, 2), (D(2025, 3, 1), 110.0), (D(2025, 4, 1), 99.0)])
    assert cols(frame, "mom_pct", "mom_note") == [
        (None, COMBINED), (None, BASE_COMBINED), ((99 / 110 - 1) * 100, None)]  # fmt: skip


def test_year_on_year_of_january_february_compares_like_with_like():
    combined = canonical([(D(2024, 1, 1), 180.0, 2), (D(2025, 1, 1), 200.0, 2)])
    assert cols(combined, "yoy_pct")[1] == ((200 / 180 - 1) * 100,)
    singles = canonical([(D(2024, 1, 1), 100.0), (D(2024, 2, 1), 60.0), (D(2025, 1, 1), 200.0, 2)])
    assert cols(singles, "yoy_pct", "yoy_note")[2] == ((200 / 160 - 1) * 100, None)
    one_missing = canonical([(D(2024, 1, 1), 100.0), (D(2025, 1, 1), 200.0, 2)])
    assert cols(one_missing, "yoy_pct", "yoy_note")[1] == (None, BASE_MISSING)


def test_a_single_month_against_a_combined_year_is_null():
    frame = canonical([(D(2024, 1, 1), 180.0, 2), (D(2025, 2, 1), 95.0)])
    assert cols(frame, "yoy_pct", "yoy_note")[1] == (None, BASE_COMBINED)


def test_year_to_date_compares_cumulatives_of_equal_length():
    frame = canonical([(D(2024, 1, 1), 180.0, 2), (D(2024, 3, 1), 100.0),
                       (D(2025, 1, 1), 200.0, 2), (D(2025, 3, 1), 120.0)])  # fmt: skip
    assert [r[0] for r in cols(frame, "ytd_yoy_pct")] == [
        None, None, (200 / 180 - 1) * 100, (320 / 280 - 1) * 100]  # fmt: skip


def test_a_zero_base_gives_null_with_a_reason():
    frame = canonical([(D(2024, 5, 1), 0.0), (D(2025, 4, 1), 0.0), (D(2025, 5, 1), 10.0)])
    assert cols(frame, "mom_pct", "mom_note")[2] == (None, ZERO_BASE)
    assert cols(frame, "yoy_pct", "yoy_note")[2] == (None, ZERO_BASE)


def test_derived_and_conflicted_inputs_are_flagged():
    frame = canonical([(D(2025, 3, 1), 100.0, 1, True), (D(2025, 4, 1), 90.0, 1, False, True),
                       (D(2025, 5, 1), 90.0)])  # fmt: skip
    assert [r[1] for r in cols(frame, "mom_pct", "mom_note")] == [
        BASE_MISSING, f"{DERIVED}; {CONFLICTED}", CONFLICTED]  # fmt: skip


def test_series_never_mix():
    a = canonical([(D(2025, 3, 1), 100.0)], partner="Japan")
    b = canonical([(D(2025, 4, 1), 50.0)], partner="Germany")
    assert cols(pl.concat([a, b]), "mom_note") == [(BASE_MISSING,), (BASE_MISSING,)]


def test_rolling_sums_need_complete_windows():
    frame = canonical([(D(2024, 12, 1), 10.0), (D(2025, 1, 1), 30.0, 2), (D(2025, 3, 1), 5.0),
                       (D(2025, 4, 1), 7.0), (D(2025, 6, 1), 1.0)])  # fmt: skip
    got = rolling(frame, 3).select("period", "sum_t")
    # Dec-Feb: Dec + Jan-Feb; Jan-Mar: Jan-Feb + Mar; Feb-Apr cuts Jan-Feb; Apr-Jun misses May
    assert got.rows() == [(D(2025, 2, 1), 40.0), (D(2025, 3, 1), 35.0)]


def test_rolling_year_on_year():
    frame = canonical([(D(y, m, 1), float(y - 2020)) for y in (2024, 2025) for m in range(1, 13)])
    twelve = rolling(frame, 12).filter(pl.col("period") == D(2025, 12, 1))
    assert twelve.select("sum_t", "yoy_pct", "note").row(0) == (60.0, (60 / 48 - 1) * 100, None)


# --- identities (hypothesis) -------------------------------------------------------------

values = st.lists(st.floats(1, 1e6, allow_nan=False), min_size=24, max_size=36)


def monthly(xs: list[float]) -> pl.DataFrame:
    return canonical([(D(2020 + i // 12, i % 12 + 1, 1), x) for i, x in enumerate(xs)])


@settings(max_examples=30, deadline=None)
@given(values, st.floats(0.001, 1000))
def test_scaling_leaves_growth_unchanged(xs, k):
    base = growth(monthly(xs)).select("mom_pct", "yoy_pct", "ytd_yoy_pct")
    scaled = growth(monthly([x * k for x in xs])).select("mom_pct", "yoy_pct", "ytd_yoy_pct")
    assert_frame_equal(base, scaled, rel_tol=1e-9, abs_tol=1e-7)


@settings(max_examples=20, deadline=None)
@given(st.floats(0.5, 1e6), st.integers(13, 40))
def test_a_constant_series_has_zero_growth(x, n):
    got = growth(monthly([x] * n))
    assert got["mom_pct"].drop_nulls().abs().max() < 1e-9
    assert got["yoy_pct"].drop_nulls().abs().max() < 1e-9
    assert got["ytd_yoy_pct"].drop_nulls().abs().max() < 1e-9


@settings(max_examples=30, deadline=None)
@given(values, st.data())
def test_removing_a_month_nulls_exactly_the_comparisons_that_used_it(xs, data):
    full = monthly(xs)
    drop = data.draw(st.integers(0, full.height - 1))
    gone = full["period"][drop]
    after = growth(full.filter(pl.col("period") != gone))
    before = growth(full).filter(pl.col("period") != gone)
    next_month = (gone.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    next_year = gone.replace(year=gone.year + 1)
    for col, used_by in (
        ("mom_pct", next_month),
        ("yoy_pct", next_year),
        ("ytd_yoy_pct", next_year),
    ):
        changed = before.select("period", col).join(after.select("period", col), on="period").filter(
            pl.col(col).ne_missing(pl.col(f"{col}_right"))
        )  # fmt: skip
        assert changed["period"].to_list() in ([], [used_by])
        assert changed[f"{col}_right"].null_count() == changed.height


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=12))
def test_cumulating_then_differencing_returns_the_months(tmp_path_factory, kgs):
    from reanalysis import load_customs

    path = tmp_path_factory.mktemp("cum") / "t.csv"
    lines = [f"2025-{m:02d},ore,export,World,{kg},kg" for m, kg in enumerate(kgs, start=1)]
    path.write_text("period,commodity,flow,partner,value,unit\n" + "\n".join(lines) + "\n")
    got = load_customs(path)
    monthly_again = got.select(pl.col("ytd_t").diff().fill_null(pl.col("ytd_t")))
    assert monthly_again.to_series().to_list() == pytest.approx([kg / 1000 for kg in kgs])


# --- reported versus computed, on the shipped statements --------------------------------


@pytest.fixture(scope="module")
def reported() -> pl.DataFrame:
    return check_reported()


def verdicts(reported, period, comparison, flow="export", commodity="rare earths"):
    return reported.filter(pl.col("period") == period, pl.col("comparison") == comparison,
                           pl.col("flow") == flow, pl.col("commodity") == commodity,
                           pl.col("partner") == "World"
                           ).select("reported_pct", "verdict").sort("reported_pct").rows()  # fmt: skip


def test_april_2025_month_on_month_agrees_at_every_rounding(reported):
    assert verdicts(reported, D(2025, 4, 1), "mom") == [
        (-16.0, "agrees"), *[(-15.6, "agrees")] * 3, (-15.56, "agrees")]  # fmt: skip
    assert verdicts(reported, D(2025, 4, 1), "ytd_yoy") == [(5.1, "agrees")]


def test_the_80_percent_june_claim_differs(reported):
    assert (80.0, "differs") in verdicts(reported, D(2025, 6, 1), "mom")
    assert (32.0, "agrees") in verdicts(reported, D(2025, 6, 1), "mom")


def test_march_against_a_combined_release_is_not_computable(reported):
    row = reported.filter(pl.col("period") == D(2025, 3, 1), pl.col("comparison") == "mom")
    assert row.select("verdict", "reason").row(0) == ("not computable", BASE_COMBINED)


def test_every_reported_percentage_is_classified(reported):
    from reanalysis import load_statements

    st_ = load_statements()
    n = st_["mom_pct_reported"].is_not_null().sum() + st_["yoy_pct_reported"].is_not_null().sum()
    assert reported.height == n
    assert set(reported["verdict"]) <= {"agrees", "differs", "not computable"}


def test_latest_rounds_and_labels_notes():
    frame = canonical([(D(2025, 3, 1), 100.0), (D(2025, 4, 1), 80.0), (D(2025, 6, 1), 90.0)])
    got = latest(growth(frame), 2).select("period", "mom_pct", "note")
    assert got.rows() == [(D(2025, 4, 1), -20.0, "y/y: base month missing"),
                          (D(2025, 6, 1), None, "m/m: base month missing; y/y: base month missing")]  # fmt: skip


def test_verdict_counts_and_reasons_are_deterministic():
    frame = pl.DataFrame({"verdict": ["agrees", "not computable", "not computable", "differs"],
                          "reason": [None, "b", "a", None]})  # fmt: skip
    assert verdict_counts(frame).rows() == [("agrees", 1), ("differs", 1), ("not computable", 2)]
    assert reasons(frame).rows() == [("a", 1), ("b", 1)]


@settings(max_examples=20, deadline=None)
@given(values, st.randoms())
def test_row_order_does_not_change_growth(xs, rnd):
    frame = pl.concat(
        [monthly(xs), monthly(xs[::-1]).with_columns(partner=pl.lit("Japan", pl.Categorical))]
    )
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=rnd.randint(0, 10**6))
    key = ["partner", "period"]
    assert_frame_equal(growth(frame).sort(key), growth(shuffled).sort(key))


def test_the_string_sort_fallback_gives_the_same_growth(monkeypatch):
    from reanalysis import monthgrid

    frame = pl.concat([monthly([float(i % 7 + 1) for i in range(30)]).with_columns(partner=pl.lit(p, pl.Categorical))
                       for p in ("Japan", "Germany")]).sample(fraction=1.0, shuffle=True, seed=1)  # fmt: skip
    packed = growth(frame)
    monkeypatch.setattr(monthgrid, "PACK_LIMIT", 0.0)
    assert_frame_equal(growth(frame), packed)


def test_unit_values_of_series_without_trade_values_are_those_they_get_beside_priced_ones(write):
    """``unit_values=True`` gives a frame with no trade value the unit-value columns (and
    notes) its series get in a frame where other series have trade values: what a part of a
    larger input needs to match the whole."""
    from reanalysis import load_customs

    header = "freqCode,period,flowCode,cmdCode,partnerDesc,netWgt,primaryValue\n"
    rows = "".join(f"M,2025{m:02d},X,850511,Japan,{m}000,{m * 70}\n" for m in range(1, 7))
    rows += "".join(f"M,2025{m:02d},X,850511,Germany,{m}000,\n" for m in range(1, 7))
    whole = load_customs(write("c.csv", header + rows))
    germany = whole.filter(pl.col("partner") == "Germany")
    beside = growth(whole).filter(pl.col("partner") == "Germany")
    assert "usd_per_t_mom_note" in beside.columns and beside["usd_per_t"].null_count() == 6
    assert_frame_equal(growth(germany, unit_values=True), beside)
    assert "usd_per_t" not in growth(germany).columns  # by default: no trade value, no columns
    assert "usd_per_t" not in growth(whole, unit_values=False).columns
    with pytest.raises(ValueError) as err:
        growth(germany.drop("value_usd"), unit_values=True)
    assert str(err.value) == "unit_values=True needs trade values: this frame has no value_usd"
