"""The front-loading sums, bands and placebos (reanalysis.frontloading.inference) pinned: the
sums over the event window with a known fit, the band's degrees of freedom, the summary's
estimation span, the sensitivity and placebos honouring months left out for an earlier
measure, and where placebo calendars may fall."""

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from reanalysis.events import MEASURE_SCHEMA
from reanalysis.frontloading import SENSITIVITY_SCHEMA, SUMMARY_SCHEMA, TABLE_SCHEMA, front_loading
from reanalysis.frontloading.baselines import Fit
from reanalysis.frontloading.inference import fit, last_event_month, sums, t_quantile
from reanalysis.frontloading.windows import Dates
from test_growth import canonical

D = dt.date
NO_MEASURES = pl.DataFrame(schema=MEASURE_SCHEMA)
T975_1 = 12.706204736174707  # Student's t, 97.5% quantile, one degree of freedom


def test_t_quantiles_are_students():
    assert t_quantile(0.975, 1) == pytest.approx(T975_1, rel=1e-12)
    assert t_quantile(0.975, 10) == pytest.approx(2.228138852, rel=1e-9)


def test_sums_weigh_each_known_month_by_its_share_and_band_on_one_degree_of_freedom():
    labelled = pl.DataFrame(
        [
            ("estimation", 100.0, None, None),
            ("anticipation", 130.0, 1.0, 0.0),
            ("anticipation", None, 1.0, 0.0),  # no figure: in no sum and no band
            ("split", 150.0, 0.5, 0.5),
            ("post", 90.0, 0.0, 1.0),
            ("post", None, 0.0, 1.0),
        ],
        schema=["window", "value_t", "anticipation_share", "post_share"],
        orient="row",
    )  # fmt: skip
    # three estimation observations, one degree of freedom; variance: the sum of squared weights
    fitted = Fit(np.full(6, 100.0), (D(2024, 1, 1), D(2024, 3, 1)), 3, 1,
                 lambda w: float((w * w).sum()))  # fmt: skip
    got = sums(labelled, fitted, 0.95)
    assert got == pytest.approx({
        "anticipation_months": 2, "post_months": 2,
        "excess_t": 30 + 0.5 * 50, "payback_t": 0.5 * 50 - 10, "net_t": 30 + 50 - 10,
        "excess_low_t": 55 - T975_1 * math.sqrt(1.25), "excess_high_t": 55 + T975_1 * math.sqrt(1.25),
        "payback_low_t": 15 - T975_1 * math.sqrt(1.25), "payback_high_t": 15 + T975_1 * math.sqrt(1.25),
        "net_low_t": 70 - T975_1 * math.sqrt(3), "net_high_t": 70 + T975_1 * math.sqrt(3),
    }, rel=1e-12)  # fmt: skip


def test_a_baseline_without_estimation_months_says_so():
    labelled = pl.DataFrame({"window": ["anticipation"], "value_t": [1.0]})
    assert fit(labelled, "pre_mean") == "no estimation month before the anticipation window"


def test_the_last_event_month_of_a_control_suspended_before_taking_effect():
    # the window ends the day before the suspension
    assert last_event_month(Dates(D(2025, 4, 4), D(2025, 7, 2), None), 3) == D(2025, 7, 1)
    assert last_event_month(Dates(D(2025, 4, 4), D(2025, 7, 1), None), 3) == D(2025, 6, 1)


START = D(2021, 1, 1)


def series(level, start: dt.date = START, months: int = 48) -> pl.DataFrame:
    rows = []
    for i in range(months):
        y, m = divmod(start.year * 12 + start.month - 1 + i, 12)
        rows.append((D(y, m + 1, 1), level(D(y, m + 1, 1))))
    return canonical(rows)


def bump(day: dt.date) -> float:
    """1000 t a month; +120 t in February and March 2024, -45 t in April to June 2024."""
    return (
        1000.0
        + {D(2024, 2, 1): 120.0, D(2024, 3, 1): 120.0}.get(day, 0.0)
        - (45.0 if D(2024, 4, 1) <= day <= D(2024, 6, 1) else 0.0)
    )


def test_the_summary_names_its_estimation_span_and_band():
    result = front_loading(series(bump), announced="2024-02-01", effective="2024-04-01",
                           baseline="pre_mean", measures=NO_MEASURES)  # fmt: skip
    row = result.summary.row(0, named=True)
    # the last twelve estimation months
    assert (row["estimation_start"], row["estimation_end"]) == (D(2023, 2, 1), D(2024, 1, 1))
    assert (row["estimation_n"], row["dof"]) == (12, 11)
    assert (row["band_low_t"], row["band_high_t"]) == (row["excess_low_t"], row["excess_high_t"])
    # baseline and gap per month
    anticipation = result.table.filter(pl.col("window") == "anticipation")
    assert anticipation.select("baseline_t", "gap_t").rows() == [(1000.0, 120.0)] * 2


def test_three_estimation_months_give_a_band_and_a_small_excess_a_payback_ratio():
    def tiny(day: dt.date) -> float:
        return 1000.0 + (0.25 if day in (D(2024, 2, 1), D(2024, 3, 1)) else 0.0) - (
            0.1 if D(2024, 4, 1) <= day <= D(2024, 6, 1) else 0.0
        )  # fmt: skip

    result = front_loading(series(tiny, start=D(2023, 11, 1), months=8), announced="2024-02-01",
                           effective="2024-04-01", baseline="pre_mean", measures=NO_MEASURES)  # fmt: skip
    row = result.summary.row(0, named=True)
    assert row["estimation_n"] == 3 and row["band_note"] is None
    assert row["excess_low_t"] is not None
    assert row["excess_t"] == pytest.approx(0.5)
    assert row["payback_ratio"] == pytest.approx(0.3 / 0.5)


EARLIER = pl.DataFrame(
    [("No. 1 [2023]", 2023, 1, D(2023, 6, 1), D(2023, 6, 1), None, None, "x", [])],
    schema=MEASURE_SCHEMA,
    orient="row",
)  # an earlier measure: June to August 2023 are left out of estimation (post_months 3)


def disturbed(day: dt.date) -> float:
    """``bump``, with 2000 t in the three months the earlier measure disturbs."""
    return 2000.0 if D(2023, 6, 1) <= day <= D(2023, 8, 1) else bump(day)


def test_sensitivity_and_placebos_leave_out_the_months_of_an_earlier_measure():
    result = front_loading(series(disturbed), announced="2024-02-01", effective="2024-04-01",
                           baseline="pre_mean", measures=EARLIER, measure=None)  # fmt: skip
    assert result.excluded["months_excluded"].to_list() == [3]
    assert result.summary["excess_t"].to_list() == [pytest.approx(240.0)]
    chosen = result.sensitivity.filter(pl.col("straddle") == "majority")
    assert chosen["excess_t"].to_list() == [pytest.approx(240.0)]
    assert result.sensitivity.schema == SENSITIVITY_SCHEMA
    placebos = result.placebos
    # event windows (five months, placebo k months back) touching June-August 2023 are not
    # placebos: k = 6..12
    assert placebos["months_back"].to_list() == [5, *range(13, 37)]
    assert placebos["years_back"].to_list() == [
        k // 12 if k % 12 == 0 else None for k in [5, *range(13, 37)]
    ]
    # k = 5: September 2023 to January 2024 against the estimation months before it, the
    # disturbed ones left out: no excess
    assert placebos.filter(pl.col("months_back") == 5)["excess_t"].to_list() == [pytest.approx(0.0)]


def test_a_one_month_event_window_has_placebos_from_one_month_back():
    result = front_loading(series(lambda day: 1000.0), announced="2024-02-01",
                           effective="2024-03-01", post_months=0, baseline="pre_mean",
                           measures=NO_MEASURES)  # fmt: skip
    assert result.placebos["months_back"].to_list()[:3] == [1, 2, 3]


def test_a_baseline_that_cannot_run_keeps_the_sensitivity_schema():
    result = front_loading(series(bump, start=D(2024, 2, 1), months=5), announced="2024-02-01",
                           effective="2024-04-01", baseline="pre_mean", measures=NO_MEASURES)  # fmt: skip
    assert result.summary["status"].to_list() == [
        "no estimation month before the anticipation window"
    ]
    assert result.sensitivity.schema == SENSITIVITY_SCHEMA
    assert result.sensitivity["excess_t"].null_count() == 5  # one row per straddle choice
    assert result.summary.schema == SUMMARY_SCHEMA
    assert result.table.schema == TABLE_SCHEMA and result.table.height == 0
    assert result.summary["placebo_n"].to_list() == [0]


# --- the entry point's checks and notes (reanalysis.frontloading.estimate) -------------------

from reanalysis.frontloading.estimate import EXCLUDED_SCHEMA  # noqa: E402


def flat(day: dt.date) -> float:
    return 1000.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: pl.concat([f, f.with_columns(flow=pl.lit("import").cast(f["flow"].dtype))]),
         "front_loading takes one series; got 2"),
        ({"level": 0.0}, "level 0.0: expected a coverage between 0 and 1, e.g. 0.95"),
        ({"level": 1.0}, "level 1.0: expected a coverage between 0 and 1, e.g. 0.95"),
        ({"level": 1.5}, "level 1.5: expected a coverage between 0 and 1, e.g. 0.95"),
        ({"effective": "2024-01-31"}, "effective 2024-01-31 is before announced 2024-02-01"),
        ({"baseline": "diff_in_diff"}, "baseline 'diff_in_diff': expected 'all' or one of "
         "seasonal_naive, regression, pre_mean (diff_in_diff needs controls)"),
        ({"baseline": "mean", "controls": "self"}, "baseline 'mean': expected 'all' or one of "
         "seasonal_naive, regression, pre_mean, diff_in_diff"),
    ],
)  # fmt: skip
def test_front_loading_refuses_what_it_cannot_answer(change, message):
    frame = series(flat)
    kw = {"announced": "2024-02-01", "effective": "2024-04-01", "measures": NO_MEASURES}
    if callable(change):
        frame = change(frame)
    else:
        kw |= change
    if kw.get("controls") == "self":
        kw["controls"] = frame
    with pytest.raises(ValueError) as raised:
        front_loading(frame, **kw)
    said = str(raised.value)
    assert said.startswith(message) if "one series" in message else said == message


def test_a_control_suspended_on_its_effective_day_never_took_effect():
    result = front_loading(series(flat), announced="2024-02-01", effective="2024-04-01",
                           suspended="2024-04-01", baseline="pre_mean", measures=NO_MEASURES)  # fmt: skip
    assert result.post_window is False
    assert "suspended on 2024-04-01 before taking effect on 2024-04-01: no post window, so the " \
           "net is the excess" in result.notes  # fmt: skip


def test_months_without_a_value_in_the_event_window_are_named():
    frame = series(flat).with_columns(
        # March and May 2024 in the event window; June 2023 (estimation) is not named
        value_t=pl.when(pl.col("period").is_in([D(2023, 6, 1), D(2024, 3, 1), D(2024, 5, 1)]))
        .then(None)
        .otherwise("value_t")
    )  # fmt: skip
    result = front_loading(frame, announced="2024-02-01", effective="2024-04-01",
                           baseline="pre_mean", measures=NO_MEASURES)  # fmt: skip
    assert "no value in 2024-03, 2024-05: the sums leave those months out" in result.notes
    # a straddling month split between the windows counts too
    split = front_loading(frame, announced="2024-02-01", effective="2024-05-15", straddle="split",
                          baseline="pre_mean", measures=NO_MEASURES)  # fmt: skip
    assert "no value in 2024-03, 2024-05: the sums leave those months out" in split.notes


def test_the_named_measure_decides_the_coverage_note():
    measures = pl.DataFrame(
        [("No. 7 [2024]", 2024, 7, D(2024, 2, 1), D(2024, 4, 1), None, None, "samarium", [])],
        schema=MEASURE_SCHEMA, orient="row",
    )  # fmt: skip
    frame = series(flat).with_columns(commodity=pl.lit("rare earths").cast(pl.Categorical))
    result = front_loading(frame, announced="2024-02-01", effective="2024-04-01",
                           baseline="pre_mean", measures=measures, measure="No. 7 [2024]")  # fmt: skip
    assert any(
        n.startswith("No. 7 [2024] names 1 of the 17 rare-earth elements") for n in result.notes
    )


def test_each_earlier_measure_counts_its_own_months_left_out():
    measures = pl.DataFrame(
        [("No. 1 [2023]", 2023, 1, D(2023, 3, 1), D(2023, 3, 1), None, None, "x", []),
         ("No. 2 [2023]", 2023, 2, D(2023, 6, 1), D(2023, 6, 1), None, None, "x", []),
         ("No. 3 [2019]", 2019, 3, D(2019, 1, 1), D(2019, 1, 1), None, None, "x", [])],
        schema=MEASURE_SCHEMA, orient="row",
    )  # fmt: skip
    result = front_loading(series(flat), announced="2024-02-01", effective="2024-04-01",
                           baseline="pre_mean", measures=measures)  # fmt: skip
    # two windows end to end, each counting its own months; No. 3 disturbed months before
    # the series: it left nothing out and is not listed
    assert result.excluded.select("measure", "from_date", "to_date", "months_excluded").rows() == [
        ("No. 1 [2023]", D(2023, 3, 1), D(2023, 6, 1), 3),
        ("No. 2 [2023]", D(2023, 6, 1), D(2023, 9, 1), 3),
    ]
    assert result.excluded.schema == EXCLUDED_SCHEMA
    assert [n for n in result.notes if n.startswith("estimation leaves out")] == [
        "estimation leaves out 2023-03 to 2023-05: No. 1 [2023] took effect on 2023-03-01 (its "
        "month and the 2 after, as this control's post window)",
        "estimation leaves out 2023-06 to 2023-08: No. 2 [2023] took effect on 2023-06-01 (its "
        "month and the 2 after, as this control's post window)",
    ]


def test_no_earlier_measure_leaves_an_empty_listing_in_schema():
    result = front_loading(series(flat), announced="2024-02-01", effective="2024-04-01",
                           baseline="pre_mean", measures=NO_MEASURES)  # fmt: skip
    assert result.excluded.schema == EXCLUDED_SCHEMA and result.excluded.height == 0


def test_a_placebo_as_large_as_the_excess_counts_and_the_straddle_is_recorded():
    # no bump at all: every placebo excess equals the real one (zero), and ties count
    result = front_loading(series(flat), announced="2024-02-01", effective="2024-04-15",
                           straddle="split", baseline="pre_mean", measures=NO_MEASURES)  # fmt: skip
    row = result.summary.row(0, named=True)
    assert (row["excess_t"], row["placebo_share"], row["straddle"]) == (0.0, 1.0, "split")
    assert row["placebo_n"] > 0
