"""Front-loading on constructed series whose answer is known exactly."""

import datetime as dt
import math

import polars as pl
import pytest

from reanalysis.events import MEASURE_SCHEMA
from reanalysis.frontloading import (
    METHODS,
    Dates,
    describe,
    event_study,
    front_loading,
    rounded,
    windows,
)
from test_growth import canonical

NO_MEASURES = pl.DataFrame(schema=MEASURE_SCHEMA)  # no earlier measure to exclude

D = dt.date
X, Y = 120.0, 45.0  # planted excess per anticipation month, shortfall per post month
ANTICIPATION = [(2024, 2), (2024, 3)]
POST = [(2024, 4), (2024, 5), (2024, 6)]


def planted(level) -> pl.DataFrame:
    rows = []
    for i in range(48):
        y, m = 2021 + i // 12, i % 12 + 1
        v = level(i, m) + (X if (y, m) in ANTICIPATION else 0) - (Y if (y, m) in POST else 0)
        rows.append((D(y, m, 1), v))
    return canonical(rows)


def run(frame, **kw):
    kw.setdefault("measures", NO_MEASURES)
    return front_loading(frame, announced="2024-02-01", effective="2024-04-01", **kw).summary


@pytest.mark.parametrize("method", METHODS)
def test_a_flat_series_gives_back_the_bump_with_every_method(method):
    got = run(planted(lambda i, m: 1000.0), baseline=method).row(0, named=True)
    assert got["status"] == "ok"
    assert got["excess_t"] == pytest.approx(2 * X, abs=1e-6)
    assert got["payback_t"] == pytest.approx(-3 * Y, abs=1e-6)
    assert got["net_t"] == pytest.approx(2 * X - 3 * Y, abs=1e-6)
    assert got["payback_ratio"] == pytest.approx(3 * Y / (2 * X))


@pytest.mark.parametrize("method", ["seasonal_naive", "regression"])
def test_a_seasonal_trending_series_gives_back_the_bump(method):
    def level(i, m):
        return 500 * 1.01**i * (1 + 0.4 * math.sin(m))

    got = run(planted(level), baseline=method).row(0, named=True)
    assert got["excess_t"] == pytest.approx(2 * X, abs=1e-6)
    assert got["payback_t"] == pytest.approx(-3 * Y, abs=1e-6)
    assert got["band_low_t"] == pytest.approx(2 * X, abs=1e-6)  # no noise: a zero-width band


def test_placebos_in_clean_years_find_nothing():
    got = run(planted(lambda i, m: 1000.0), baseline="seasonal_naive").row(0, named=True)
    # pretend announcements 2022-02 (the first with 12 months of drift behind it) to 2023-09
    # (the last whose event window, 5 months, ends before 2024-02): 20 draws, all zero
    assert got["placebo_n"] == 20 and got["placebo_share"] == 0.0


def test_a_sparse_series_works_with_the_pre_announcement_mean_only():
    sparse = canonical([(D(2025, 1, 1), 100.0), (D(2025, 2, 1), 150.0), (D(2025, 3, 1), 0.0)])
    got = front_loading(
        sparse, announced="2025-02-01", effective="2025-03-01", measures=NO_MEASURES
    ).summary
    rows = {r["method"]: r for r in got.iter_rows(named=True)}
    assert (rows["pre_mean"]["excess_t"], rows["pre_mean"]["payback_t"]) == (50.0, -100.0)
    assert rows["seasonal_naive"]["status"].startswith("no month of the last 12")
    assert rows["regression"]["status"].startswith("no estimation month of month-of-year 2")
    assert rows["regression"]["excess_t"] is None


def test_kilogram_scale_series_scale_linearly():
    big = run(planted(lambda i, m: 1000.0))
    small = front_loading(
        planted(lambda i, m: 1000.0).with_columns(pl.col("value_t") / 1000),
        announced="2024-02-01", effective="2024-04-01", measures=NO_MEASURES,
    ).summary  # fmt: skip
    assert small["excess_t"].to_list() == pytest.approx([x / 1000 for x in big["excess_t"]])


def test_a_zero_month_stops_the_log_model_only():
    frame = planted(lambda i, m: 0.0 if i == 5 else 1000.0)
    rows = {r["method"]: r["status"] for r in run(frame).iter_rows(named=True)}
    assert rows == {"seasonal_naive": "ok", "pre_mean": "ok",
                    "regression": "a zero month in the estimation window: the log model cannot run"}  # fmt: skip


def test_straddling_months_follow_the_documented_rule():
    frame = canonical([(D(2025, m, 1), 1.0) for m in range(8, 13)])
    got = windows(frame, Dates(D(2025, 10, 9), D(2025, 11, 7), None), 3)
    assert got.select("period", "window", "straddles").rows() == [
        (D(2025, 8, 1), "estimation", False),
        (D(2025, 9, 1), "estimation", False),
        (D(2025, 10, 1), "anticipation", True),  # 8 days before, 23 after the announcement
        (D(2025, 11, 1), "after_suspension", True),  # 6 days before, 24 after the suspension
        (D(2025, 12, 1), "after_suspension", False),
    ]
    late = windows(frame, Dates(D(2025, 10, 25), D(2025, 12, 1), D(2025, 12, 1)), 1)
    # most of October precedes the announcement, but a month holding a day after it never
    # estimates the baseline
    assert late["window"].to_list() == ["estimation", "estimation", "anticipation",
                                        "anticipation", "post"]  # fmt: skip


# no relevance pattern names "ore" and no measure is given: the result says so
UNKNOWN_ORE = ("no shipped licence event is known to cover ore, so no earlier measure's months are "
               "left out of estimation; pass measures= (and the control's dates) explicitly for "
               "the measures that concern it")  # fmt: skip


def test_same_day_controls_and_suspensions_say_what_they_leave_out():
    frame = planted(lambda i, m: 1000.0)
    same_day = front_loading(frame, announced="2024-04-04", effective="2024-04-04",
                             measures=NO_MEASURES)  # fmt: skip
    assert same_day.summary["excess_t"].null_count() == 3
    assert same_day.notes == ["announced and effective on the same day: no anticipation window "
                              "unless a rumour date is argued", UNKNOWN_ORE]  # fmt: skip
    with_rumour = front_loading(frame, announced="2024-04-04", effective="2024-04-04",
                                rumour="2024-02-01", baseline="pre_mean", measures=NO_MEASURES)  # fmt: skip
    assert with_rumour.summary["excess_t"].to_list() == pytest.approx([2 * X])
    suspended = front_loading(frame, announced="2024-02-01", effective="2024-04-08",
                              suspended="2024-04-07", baseline="pre_mean", measures=NO_MEASURES)  # fmt: skip
    assert suspended.summary["payback_t"].to_list() == [None]
    assert "no post window" in suspended.notes[0]


def test_one_series_only_and_known_methods():
    two = pl.concat(
        [
            planted(lambda i, m: 1.0),
            planted(lambda i, m: 1.0).with_columns(partner=pl.lit("Japan", pl.Categorical)),
        ]
    )
    with pytest.raises(ValueError, match="one series"):
        front_loading(two, announced="2024-02-01", effective="2024-04-01")
    with pytest.raises(ValueError, match="baseline 'arima'"):
        run(planted(lambda i, m: 1.0), baseline="arima")


def test_event_study_measures_deviation_from_the_pre_event_mean():
    frame = canonical(
        [(D(2025, m, 1), v) for m, v in zip(range(1, 7), [100, 100, 300, 50, 200, 0], strict=True)]
    )
    events = pl.DataFrame(
        {"measure": ["No. 1 [2025]", "No. 2 [2025]"], "date": [D(2025, 4, 4)] * 2}
    )
    got = event_study(frame, events, months=2).select(
        "measure", "offset", "value_t", "deviation_pct"
    )
    pre = (100 + 300) / 2  # February and March
    assert got.rows() == [
        ("No. 1 [2025], No. 2 [2025]", -2, 100.0, (100 / pre - 1) * 100),
        ("No. 1 [2025], No. 2 [2025]", -1, 300.0, (300 / pre - 1) * 100),
        ("No. 1 [2025], No. 2 [2025]", 0, 50.0, (50 / pre - 1) * 100),
        ("No. 1 [2025], No. 2 [2025]", 1, 200.0, (200 / pre - 1) * 100),
        ("No. 1 [2025], No. 2 [2025]", 2, 0.0, -100.0),
    ]


def test_describe_reads_the_result():
    result = front_loading(planted(lambda i, m: 1000.0), announced="2024-02-01",
                           effective="2024-04-01", baseline="pre_mean", measures=NO_MEASURES)  # fmt: skip
    # placebo announcements 2021-02 (one month of history) to 2023-09 (event window ends 2024-01)
    assert describe(result) == [
        UNKNOWN_ORE[0].upper() + UNKNOWN_ORE[1:] + ".",
        "With the pre mean baseline: +240 t against baseline over 2 anticipation month(s) (95% "
        "band +240 to +240 t); -135 t over 3 post month(s) (95% band -135 to -135 t); net +105 t "
        "(95% band +105 to +105 t).",
        "  In 0 of 32 placebo dates (the same windows moved back month by month before the "
        "control) the pre mean excess was at least as large.",
        "Without control series no method separates the control from a market-wide swing: every "
        "baseline is fitted on this series alone.",
        "Verdict: inconclusive: only the pre mean baseline gives an excess.",
    ]
    assert rounded(result.summary)["excess_t"].to_list() == [240.0]
