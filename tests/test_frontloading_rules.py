"""Front-loading helper rules pinned on small frames: the control series' mean log tonnage
(reanalysis.frontloading.controls) and the event study (reanalysis.frontloading.study)."""

import datetime as dt
import math

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from reanalysis.frontloading.controls import control_log, select_controls
from reanalysis.frontloading.study import event_study

D = dt.date


def test_control_log_is_the_mean_log_tonnes_per_month_where_every_control_is_positive():
    controls = pl.DataFrame(
        [("A", D(2025, 1, 1), 2, 200.0), ("A", D(2025, 3, 1), 1, 50.0), ("A", D(2025, 4, 1), 1, 0.5),
         ("A", D(2025, 5, 1), 1, 0.0),
         ("B", D(2025, 1, 1), 2, 800.0), ("B", D(2025, 3, 1), 1, 200.0), ("B", D(2025, 4, 1), 1, 2.0),
         ("B", D(2025, 5, 1), 1, 10.0)],
        schema=["commodity", "period", "months", "value_t"],
        orient="row",
    ).with_columns(flow=pl.lit("export"), partner=pl.lit("World"))  # fmt: skip
    obs = pl.DataFrame({"period": [D(2025, m, 1) for m in (1, 3, 4, 5, 6)]})
    expected = obs.with_columns(control_log=pl.Series([
        (math.log(100) + math.log(400)) / 2,  # a combined January-February: per month
        (math.log(50) + math.log(200)) / 2,
        0.0,  # below a tonne still counts: log(0.5) + log(2) = 0
        None,  # one control at zero: no mean
        None,  # no control figure at all
    ]))  # fmt: skip
    assert_frame_equal(control_log(obs, controls), expected)


def test_an_unknown_control_key_is_refused_with_the_keys_expected():
    with pytest.raises(ValueError) as raised:
        select_controls(pl.DataFrame(), [{"commodity": "magnets", "country": "Japan"}])
    assert str(raised.value) == "control keys ['country']: expected commodity, flow, partner"


def _series(values: dict[dt.date, float | None], combined: tuple[dt.date, float] | None = None):
    rows = [(p, 1, v) for p, v in values.items()]
    if combined:
        rows.append((combined[0], 2, combined[1]))
    return pl.DataFrame(rows, schema={"period": pl.Date, "months": pl.Int8, "value_t": pl.Float64},
                        orient="row").sort("period")  # fmt: skip


def test_the_event_study_spans_six_months_each_side_by_default_and_keeps_empty_months():
    series = _series({D(2025, 3, 1): 10.0, D(2025, 4, 1): 20.0}, combined=(D(2025, 1, 1), 900.0))
    events = pl.DataFrame({"measure": ["No. 2", "No. 1"], "date": [D(2025, 4, 4), D(2025, 4, 4)]})
    study = event_study(series, events)
    assert study.schema["offset"] == pl.Int32
    assert study["offset"].to_list() == list(range(-6, 7))
    assert study["measure"].unique().to_list() == ["No. 1, No. 2"]  # one date, one event
    # the combined January-February is not a single month: March alone is the pre-event mean
    assert study.filter(pl.col("offset") == 0).select("value_t", "pre_mean_t", "deviation_pct").row(
        0
    ) == (20.0, 10.0, 100.0)


def test_events_come_in_date_order_and_a_zero_pre_mean_gives_no_deviation():
    series = _series(
        {D(2024, 12, 1): 0.0, D(2025, 1, 1): 5.0, D(2025, 5, 1): 0.5, D(2025, 6, 1): 2.0}
    )
    events = pl.DataFrame(
        {"measure": ["A late", "Z early"], "date": [D(2025, 6, 9), D(2025, 1, 9)]}
    )
    study = event_study(series, events, months=1).select(
        "measure", "offset", "period", "value_t", "pre_mean_t", "deviation_pct"
    )
    assert study.rows() == [
        ("Z early", -1, D(2024, 12, 1), 0.0, 0.0, None),
        ("Z early", 0, D(2025, 1, 1), 5.0, 0.0, None),
        ("Z early", 1, D(2025, 2, 1), None, 0.0, None),
        # a pre-event mean below a tonne is a mean like any other
        ("A late", -1, D(2025, 5, 1), 0.5, 0.5, 0.0),
        ("A late", 0, D(2025, 6, 1), 2.0, 0.5, 300.0),
        ("A late", 1, D(2025, 7, 1), None, 0.5, None),
    ]


def test_each_event_s_months_run_from_first_to_last_whatever_the_order_of_the_events():
    # the sort on event and measure alone is not stable: with many rows per event it reorders
    # the offsets within an event
    series = _series({D(2025, m, 1): float(m) for m in range(1, 13)})
    dates = [D(2025, 9, 2), D(2025, 5, 2), D(2025, 7, 2), D(2025, 3, 2)]
    events = pl.DataFrame({"measure": ["D", "B", "C", "A"], "date": dates})
    study = event_study(series, events, months=12)
    assert study["measure"].to_list() == [m for m in "ABCD" for _ in range(25)]
    assert study["offset"].to_list() == list(range(-12, 13)) * 4


@pytest.mark.parametrize("months", [0, -1])
def test_an_event_study_without_a_month_before_the_event_is_refused(months):
    with pytest.raises(ValueError) as raised:
        event_study(_series({D(2025, 4, 1): 1.0}), pl.DataFrame({"measure": ["A"], "date": [D(2025, 4, 4)]}),
                    months=months)  # fmt: skip
    assert str(raised.value) == (
        f"months={months}: the event study needs at least one month before each event"
    )


# --- reading a result (reanalysis.frontloading.reading), on hand-made results ---------------

from reanalysis.frontloading import OK, SENSITIVITY_SCHEMA, SUMMARY_SCHEMA  # noqa: E402
from reanalysis.frontloading.estimate import FrontLoading  # noqa: E402
from reanalysis.frontloading.reading import (  # noqa: E402
    describe,
    rounded,
    straddle_effect,
    verdict,
)


def result(rows: list[dict], sensitivity: list[tuple] = (), *, post_window: bool = True):
    """A FrontLoading with these summary rows (unset columns null, status OK, 95%) and
    sensitivity rows (method, straddle, excess_t); the chosen straddle is ``majority``."""
    summary = pl.DataFrame(
        [{"status": OK, "level": 0.95, **row} for row in rows], schema=SUMMARY_SCHEMA
    )
    sens = pl.DataFrame(
        [{"method": m, "straddle": s, "excess_t": x} for m, s, x in sensitivity],
        schema=SENSITIVITY_SCHEMA,
    )
    empty = pl.DataFrame()
    return FrontLoading(summary=summary, table=empty, placebos=empty, sensitivity=sens,
                        excluded=empty, straddle="majority", controls=True,
                        post_window=post_window)  # fmt: skip


def test_rounded_gives_whole_tonnes_and_ratios_to_two_decimals():
    summary = pl.DataFrame({"excess_t": [240.6], "excess_low_t": [-0.4], "payback_ratio": [0.456],
                            "placebo_share": [0.333], "dof": [3]})  # fmt: skip
    assert rounded(summary).row(0) == (241.0, -0.0, 0.46, 0.33, 3)


def test_a_straddle_flips_only_strictly_across_zero_and_moves_beyond_half():
    got = straddle_effect(result([], [
        ("zero low", "majority", 10.0), ("zero low", "post", 0.0),
        ("zero high", "majority", -10.0), ("zero high", "post", 0.0),
        ("below a tonne", "majority", 10.0), ("below a tonne", "post", 0.5),
        ("just above", "majority", -10.0), ("just above", "post", 0.5),
        ("half", "majority", 100.0), ("half", "post", 150.0),
        ("a tenth", "majority", 100.0), ("a tenth", "post", 110.0),
    ])).select("method", "flips", "moves")  # fmt: skip
    assert got.rows() == [
        ("zero low", False, True), ("zero high", False, True), ("below a tonne", False, True),
        ("just above", True, True), ("half", False, False), ("a tenth", False, False),
    ]  # fmt: skip


def banded(method: str, excess: float, low: float, high: float) -> dict:
    return {"method": method, "excess_t": excess, "excess_low_t": low, "excess_high_t": high}


@pytest.mark.parametrize(
    ("rows", "found", "reason"),
    [
        # a zero excess is not above baseline: it sides with a negative one, and its band
        # holds zero
        ([banded("a", 0.0, -1.0, 1.0), banded("b", -5.0, -6.0, -4.0)], "inconclusive",
         "the 95% band of the a excess includes zero"),
        ([banded("a", 0.5, 0.2, 0.8), banded("b", -3.0, -4.0, -2.0)], "inconclusive",
         "the baselines disagree in sign"),
        ([banded("a", 5.0, 4.0, 6.0), banded("b", 0.0, -1.0, 1.0)], "inconclusive",
         "the baselines disagree in sign"),
        # half a tonne above baseline is above baseline
        ([banded("a", 5.0, 4.0, 6.0), banded("b", 0.5, 0.2, 0.8)], "consistent with front-loading",
         "2 baselines agree in sign, every 95% band excludes zero and no straddle choice changes "
         "the sign"),
        ([banded("a", 0.5, 0.2, 0.8), banded("b", 3.0, 1.0, 5.0)], "consistent with front-loading",
         "2 baselines agree in sign, every 95% band excludes zero and no straddle choice changes "
         "the sign"),
        # a band ending on zero includes it, on either side
        ([banded("a", 5.0, 0.0, 10.0), banded("b", 3.0, 1.0, 5.0)], "inconclusive",
         "the 95% band of the a excess includes zero"),
        ([banded("a", -5.0, -10.0, 0.0), banded("b", -3.0, -5.0, -1.0)], "inconclusive",
         "the 95% band of the a excess includes zero"),
        ([banded("a", -5.0, -10.0, 0.5), banded("b", -3.0, -5.0, -1.0)], "inconclusive",
         "the 95% band of the a excess includes zero"),
    ],
)  # fmt: skip
def test_the_verdict_at_its_boundaries(rows, found, reason):
    assert verdict(result(rows)) == (found, reason)


def test_describe_skips_a_baseline_that_cannot_run_and_words_each_finding():
    found = result(
        [
            {"method": "seasonal", "status": "no estimation month before the anticipation window"},
            {"method": "pre_mean", "excess_t": 120.0, "anticipation_months": 2, "payback_t": -60.0,
             "post_months": 3, "net_t": 60.0, "placebo_n": 8, "placebo_share": 0.25},
        ],
        [("pre_mean", "majority", 120.0), ("pre_mean", "post", -20.0)],
        post_window=False,
    )  # fmt: skip
    assert describe(found) == [
        "The seasonal baseline cannot run: no estimation month before the anticipation window.",
        "With the pre mean baseline: +120 t against baseline over 2 anticipation month(s); -60 t "
        "over 3 post month(s); net +60 t.",
        "  In 2 of 8 placebo dates (the same windows moved back month by month before the "
        "control) the pre mean excess was at least as large.",
        "The pre mean excess changes sign with where the straddling month goes (-20 to +120 t): "
        "one month decides it; with no post window the net moves with it.",
        "Verdict: inconclusive: only the pre mean baseline gives an excess.",
    ]


# --- windows (reanalysis.frontloading.windows) ---------------------------------------------

from reanalysis.frontloading.windows import Dates, windows  # noqa: E402


def test_a_month_with_one_day_in_each_window_straddles_and_splits_by_days():
    frame = pl.DataFrame({"period": [D(2025, 5, 1), D(2025, 6, 1), D(2025, 7, 1)],
                          "months": pl.Series([1, 1, 1], dtype=pl.Int8)})  # fmt: skip
    # announced 29 June, in force 30 June: June has 28 days before, one of anticipation, one after
    dates = Dates(start=D(2025, 6, 29), end=D(2025, 6, 30), effective=D(2025, 6, 30))
    got = windows(frame, dates, post_months=3, straddle="split")
    assert got.columns == ["period", "months", "window", "straddles", "anticipation_share",
                           "post_share"]  # fmt: skip
    assert got.select(pl.exclude("period", "months")).rows() == [
        ("estimation", False, None, None),
        ("split", True, 0.5, 0.5),
        ("post", False, 0.0, 1.0),
    ]


def test_an_unknown_straddle_choice_is_refused_with_the_choices():
    frame = pl.DataFrame({"period": [D(2025, 5, 1)], "months": [1]})
    dates = Dates(start=D(2025, 6, 29), end=D(2025, 6, 30), effective=D(2025, 6, 30))
    with pytest.raises(ValueError) as raised:
        windows(frame, dates, post_months=3, straddle="middle")
    assert str(raised.value) == (
        "straddle 'middle': expected one of majority, anticipation, post, split, drop"
    )
