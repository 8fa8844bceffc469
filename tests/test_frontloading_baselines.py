"""Baselines pinned on tiny frames worked out by hand (reanalysis.frontloading.baselines): the
difference-in-differences level, smearing, variance and degrees of freedom for one, two and
three estimation months; its refusals; and the month-of-year rule of the regression."""

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from reanalysis.frontloading.baselines import Fit
from reanalysis.frontloading.inference import fit

D = dt.date
e = math.e


def frame(rows: list[tuple]) -> pl.DataFrame:
    """(period, months, value_t, control_log, window) rows."""
    return pl.DataFrame(
        rows,
        schema={"period": pl.Date, "months": pl.Int8, "value_t": pl.Float64,
                "control_log": pl.Float64, "window": pl.String},
        orient="row",
    )  # fmt: skip


def did(obs: pl.DataFrame) -> Fit | str:
    return fit(obs, "diff_in_diff")


def test_diff_in_diff_on_three_months_moves_the_treated_level_with_the_controls():
    # log tonnes per month: treated 1, 2, 4 (the first a combined January-February of 2e),
    # controls 0, 1, 2; a month without a control value stays out of the estimation.
    # Differences from the means: e = (-1/3, -1/3, 2/3), s2 = (2/3) / 2 = 1/3, shift = 4/3,
    # smearing exp(1/6): the event months' levels are exp(4/3 + c + 1/6) per month.
    obs = frame([
        (D(2024, 1, 1), 2, 2 * e, 0.0, "estimation"),
        (D(2024, 3, 1), 1, e**2, 1.0, "estimation"),
        (D(2024, 4, 1), 1, 7.0, None, "estimation"),
        (D(2024, 5, 1), 1, e**4, 2.0, "estimation"),
        (D(2024, 6, 1), 1, 100.0, 2.5, "anticipation"),
        (D(2024, 7, 1), 2, 100.0, 0.5, "post"),
    ])  # fmt: skip
    fitted = did(obs)
    assert (fitted.used, fitted.n, fitted.dof) == ((D(2024, 1, 1), D(2024, 5, 1)), 3, 2)
    level = lambda c, months=1: months * math.exp(4 / 3 + c + 1 / 6)  # noqa: E731
    assert fitted.baseline[4:] == pytest.approx([e**4, 2 * e**2], rel=1e-12)
    assert fitted.baseline[[0, 1, 3]] == pytest.approx(
        [level(0.0, 2), level(1.0), level(2.0)], rel=1e-12
    )
    assert math.isnan(fitted.baseline[2])
    w = np.array([0, 0, 0, 0, 1.0, 0.5])
    own = (e**4) ** 2 + (0.5 * 2 * e**2) ** 2
    mean = (e**4 + 0.5 * 2 * e**2) ** 2 / 3
    assert fitted.variance(w) == pytest.approx((own + mean) / 3, rel=1e-12)


def test_diff_in_diff_on_two_months_smears_and_on_one_does_not():
    two = frame([
        (D(2024, 1, 1), 1, e**1, 0.0, "estimation"),
        (D(2024, 2, 1), 1, e**2, 0.0, "estimation"),
        (D(2024, 3, 1), 1, 1.0, 0.25, "anticipation"),
    ])  # fmt: skip
    fitted = did(two)
    # e = (-1/2, 1/2): s2 = 1/2, smearing exp(1/4), shift 3/2: exp(3/2 + 1/4 + 1/4)
    assert fitted.baseline[2] == pytest.approx(e**2, rel=1e-12)
    assert fitted.dof == 1
    assert fitted.variance(np.array([0, 0, 1.0])) == pytest.approx(
        0.5 * (e**4 + e**4 / 2), rel=1e-12
    )
    one = frame([
        (D(2024, 1, 1), 1, 1 / e, 1.0, "estimation"),  # below a tonne: a log like any other
        (D(2024, 2, 1), 1, 1.0, 2.0, "anticipation"),
    ])  # fmt: skip
    fitted = did(one)
    # no residual to estimate a variance from: no smearing, shift -1 - 1
    assert fitted.baseline[1] == pytest.approx(1.0, rel=1e-12)
    assert (fitted.n, fitted.dof) == (1, 0)


@pytest.mark.parametrize(
    ("obs", "reason"),
    [
        (frame([(D(2024, 1, 1), 1, 1.0, 0.0, "estimation")]).drop("control_log"),
         "no control series given"),
        (frame([(D(2024, 1, 1), 1, 1.0, None, "estimation"),
                (D(2024, 2, 1), 1, 1.0, 0.0, "anticipation")]),
         "no estimation month with a value for the treated series and every control"),
        (frame([(D(2024, 1, 1), 1, 0.0, 0.0, "estimation"),
                (D(2024, 2, 1), 1, 1.0, 0.0, "anticipation")]),
         "a zero month in the estimation window: the log model cannot run"),
        (frame([(D(2024, 1, 1), 1, 1.0, 0.0, "estimation"),
                (D(2024, 2, 1), 1, 1.0, None, "anticipation")]),
         "no value of every control in 2024-02"),
    ],
)  # fmt: skip
def test_diff_in_diff_says_why_it_cannot_run(obs, reason):
    assert did(obs) == reason


def seasonal(years: range, months: tuple[int, ...], event: list[tuple]) -> pl.DataFrame:
    """Estimation months (log-linear in time with a month-of-year effect), then ``event``
    rows (period, months, window)."""
    rows = [
        (D(y, m, 1), 1, math.exp(5 + 0.01 * (12 * (y - 2021) + m) + 0.1 * m), None, "estimation")
        for y in years
        for m in months
    ]
    return frame(rows + [(p, n, 100.0, None, w) for p, n, w in event])


def regression(obs: pl.DataFrame) -> Fit | str:
    return fit(obs, "regression")


def test_a_combined_january_february_needs_january_and_february_in_estimation():
    # every month but December estimated; the event's January-February needs months 1 and 2
    event = [(D(2024, 1, 1), 2, "anticipation"), (D(2024, 3, 1), 1, "post")]
    fitted = regression(seasonal(range(2021, 2024), tuple(range(1, 12)), event))
    assert isinstance(fitted, Fit)
    # the log-linear truth is recovered exactly, so no smearing: Jan + Feb 2024 and Mar 2024
    truth = lambda m: math.exp(5 + 0.01 * (36 + m) + 0.1 * m)  # noqa: E731
    assert fitted.baseline[-2:] == pytest.approx([truth(1) + truth(2), truth(3)], rel=1e-9)
    without_february = seasonal(range(2021, 2024), (1, 3, 4, 5, 6, 7, 8, 9, 10, 11), event)
    assert regression(without_february) == (
        "no estimation month of month-of-year 2: seasonality unidentified"
    )


def test_estimation_months_of_exactly_the_months_needed_identify_the_seasonality():
    event = [(D(2024, 2, 1), 1, "anticipation"), (D(2024, 3, 1), 1, "post")]
    fitted = regression(seasonal(range(2021, 2024), (2, 3), event))
    assert isinstance(fitted, Fit) and (fitted.n, fitted.dof) == (6, 3)


def naive(rows: list[tuple]) -> Fit | str:
    """Seasonal-naive fit of (period, base_t, value_t, window) rows, single months."""
    obs = pl.DataFrame(rows, schema={"period": pl.Date, "base_t": pl.Float64,
                                     "value_t": pl.Float64, "window": pl.String},
                       orient="row").with_columns(months=pl.lit(1, pl.Int8))  # fmt: skip
    return fit(obs, "seasonal_naive")


def test_seasonal_naive_drift_relative_noise_and_the_drift_s_variance():
    # drift 1200 / 400 = 3; relative residuals (0.1, -0.1, 0.1): s2 = (2/30)^2 + (4/30)^2 +
    # (2/30)^2 over 2 = 1/75; the drift's variance 3^2 * s2 * (100^2 + 200^2 + 100^2) / 400^2
    # = 9/200. A month whose base a year earlier is zero is not a residual.
    fitted = naive([
        (D(2023, 1, 1), 100.0, 330.0, "estimation"),
        (D(2023, 2, 1), 200.0, 540.0, "estimation"),
        (D(2023, 3, 1), 0.0, 0.0, "estimation"),
        (D(2023, 4, 1), 100.0, 330.0, "estimation"),
        (D(2023, 5, 1), 300.0, 900.0, "anticipation"),
    ])  # fmt: skip
    assert (fitted.used, fitted.n, fitted.dof) == ((D(2023, 1, 1), D(2023, 4, 1)), 3, 2)
    assert fitted.baseline[-1] == pytest.approx(900.0)
    w = np.array([0, 0, 0, 0, 1.0])
    assert fitted.variance(w) == pytest.approx(9 * 300**2 / 75 + 300**2 * 9 / 200, rel=1e-12)


def test_seasonal_naive_on_two_months_and_bases_below_a_tonne():
    # relative residuals (0.05, -0.05): s2 = 1/200; drift variance 4 * s2 * 2 * 100^2 / 200^2
    fitted = naive([
        (D(2023, 1, 1), 100.0, 210.0, "estimation"),
        (D(2023, 2, 1), 100.0, 190.0, "estimation"),
        (D(2023, 3, 1), 100.0, 0.0, "anticipation"),
    ])  # fmt: skip
    assert fitted.variance(np.array([0, 0, 1.0])) == pytest.approx(
        4 * 100**2 / 200 + 100**2 * 4 / 200 * 2 * 100**2 / 200**2, rel=1e-12
    )
    small = naive([
        (D(2023, 1, 1), 0.5, 1.0, "estimation"),
        (D(2023, 2, 1), 0.5, 1.0, "estimation"),
        (D(2023, 3, 1), 0.5, 0.0, "anticipation"),
    ])  # fmt: skip
    assert (small.n, small.baseline[-1], small.variance(np.array([0, 0, 1.0]))) == (2, 1.0, 0.0)


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        ([(D(2023, 1, 1), 0.0, 5.0, "estimation"), (D(2023, 2, 1), 1.0, 1.0, "anticipation")],
         "no month of the last 12 before the window has a value a year earlier"),
        ([(D(2023, 1, 1), 1.0, 5.0, "estimation"), (D(2023, 2, 1), None, 1.0, "anticipation")],
         "no value a year before 2023-02"),
    ],
)  # fmt: skip
def test_seasonal_naive_says_why_it_cannot_run(rows, reason):
    assert naive(rows) == reason


def test_the_regression_predicts_november_and_december_in_their_own_year():
    event = [(D(2023, 11, 1), 1, "anticipation"), (D(2023, 12, 1), 1, "post")]
    fitted = regression(seasonal(range(2021, 2023), tuple(range(1, 13)), event))
    truth = lambda m: math.exp(5 + 0.01 * (24 + m) + 0.1 * m)  # noqa: E731
    assert fitted.baseline[-2:] == pytest.approx([truth(11), truth(12)], rel=1e-9)


@pytest.mark.parametrize("method", ["regression", "diff_in_diff", "seasonal_naive", "pre_mean"])
def test_every_band_variance_is_quadratic_in_the_weights(method):
    rng = np.random.default_rng(7)
    periods = [D(2021 + i // 12, i % 12 + 1, 1) for i in range(36)]
    obs = pl.DataFrame({
        "period": periods, "months": pl.Series([1] * 36, dtype=pl.Int8),
        "value_t": rng.uniform(50, 150, 36), "base_t": [None] * 12 + list(rng.uniform(50, 150, 24)),
        "control_log": rng.uniform(3, 5, 36),
        "window": ["estimation"] * 30 + ["anticipation"] * 2 + ["post"] * 4,
    })  # fmt: skip
    fitted = fit(obs, method)
    w = np.r_[np.zeros(30), 1.0, 0.5, 0.3, 1.0, 1.0, 0.2]
    assert fitted.variance(0.5 * w) == pytest.approx(0.25 * fitted.variance(w), rel=1e-12)


def mean_fit(rows: list[tuple]) -> Fit:
    """Pre-mean fit of (period, months, value_t, window) rows."""
    obs = pl.DataFrame(rows, schema={"period": pl.Date, "months": pl.Int8, "value_t": pl.Float64,
                                     "window": pl.String}, orient="row")  # fmt: skip
    return fit(obs, "pre_mean")


def test_pre_mean_per_month_with_a_combined_january_february():
    # 400 t over 4 months: 100 a month. Squared residuals per month of each observation:
    # (220 - 200)^2 / 2 + 10^2 + 30^2 = 1200, over 2 degrees of freedom: s2 = 600. A two-month
    # row weighs its months: variance = s2 * (sum w^2 months + (sum w months)^2 / 4).
    fitted = mean_fit([
        (D(2024, 1, 1), 2, 220.0, "estimation"),
        (D(2024, 3, 1), 1, 110.0, "estimation"),
        (D(2024, 4, 1), 1, 70.0, "estimation"),
        (D(2025, 1, 1), 2, 0.0, "anticipation"),
        (D(2025, 3, 1), 1, 0.0, "post"),
    ])  # fmt: skip
    assert list(fitted.baseline[-2:]) == [200.0, 100.0]
    w = np.array([0, 0, 0, 1.0, 0.5])
    assert fitted.variance(w) == pytest.approx(600 * (2 + 0.25 + 2.5**2 / 4), rel=1e-12)
    two = mean_fit([
        (D(2024, 1, 1), 1, 90.0, "estimation"),
        (D(2024, 2, 1), 1, 110.0, "estimation"),
        (D(2024, 3, 1), 1, 0.0, "anticipation"),
    ])  # fmt: skip
    assert two.variance(np.array([0, 0, 1.0])) == pytest.approx(200 * (1 + 1 / 2), rel=1e-12)
