"""The regression baseline (log tonnage on a trend and month-of-year dummies) on a series
built so that the fit is known exactly: residuals of +d, -2d, +d in the same month of three
years are orthogonal to the intercept, the trend and every month dummy, so the coefficients
are the true ones and the residual standard error is sqrt(RSS / (n - parameters))."""

import datetime as dt
import math

import polars as pl
import pytest

from reanalysis.frontloading.baselines import FITTERS, OK, Fit

D = dt.date
LEVEL, TREND, SEASON, D_RES = 5.0, 0.01, 0.02, 0.1  # log t = LEVEL + TREND t + SEASON month + e


def fitted(t: int, month: int) -> float:
    """The true log tonnage ``t`` months after January 2023."""
    return LEVEL + TREND * t + SEASON * month


def frame(post: list[tuple[dt.date, int]]) -> pl.DataFrame:
    rows = []
    for i in range(36):  # January 2023 to December 2025: the estimation window
        year, month = 2023 + i // 12, i % 12 + 1
        e = (D_RES, -2 * D_RES, D_RES)[i // 12]
        rows.append((D(year, month, 1), 1, math.exp(fitted(i, month) + e), "estimation"))
    rows += [(p, n, None, "post") for p, n in post]
    return pl.DataFrame(
        rows, schema={"period": pl.Date, "months": pl.Int8, "value_t": pl.Float64,
                      "window": pl.String}, orient="row",
    )  # fmt: skip


def test_degrees_of_freedom_and_month_arithmetic_of_the_regression():
    obs = frame([(D(2026, 1, 1), 2), (D(2026, 3, 1), 1)])  # Jan-Feb combined, then March
    fit = FITTERS["regression"](obs, obs.filter(pl.col("window") == "estimation"))
    # RSS = 12 x (d^2 + 4 d^2 + d^2) = 72 d^2 over 36 - (1 + 1 + 11) = 23 degrees of freedom
    expected_s = D_RES * math.sqrt(72 / 23)
    assert isinstance(fit, Fit) and fit.used == (D(2023, 1, 1), D(2025, 12, 1))
    assert (fit.n, fit.dof) == (36, 23)
    # each month's baseline is exp(true log) times the smearing factor exp(s^2 / 2); a combined
    # January-February 2026 (months 36 and 37 of the trend) is the sum of its two months
    smear = math.exp(expected_s**2 / 2)
    jan_feb = (math.exp(fitted(36, 1)) + math.exp(fitted(37, 2))) * smear
    march = math.exp(fitted(38, 3)) * smear
    assert fit.baseline.tolist()[-2:] == [pytest.approx(jan_feb, rel=1e-9),
                                          pytest.approx(march, rel=1e-9)]  # fmt: skip
    # a month's own noise is at least s^2 times its squared level (parameter variance on top)
    w = [0.0] * 36 + [0.0, 1.0]
    assert fit.variance(pl.Series(w).to_numpy()) > expected_s**2 * march**2


def test_the_fit_needs_three_more_months_than_parameters():
    def status(first: dt.date) -> str:
        obs = frame([(D(2026, 1, 1), 1)]).filter(pl.col("period") >= first)
        found = FITTERS["regression"](obs, obs.filter(pl.col("window") == "estimation"))
        return OK if isinstance(found, Fit) else found

    # 13 parameters (intercept, trend, 11 month dummies): 16 months fit, 15 do not
    assert status(D(2024, 9, 1)) == OK
    assert status(D(2024, 10, 1)) == "15 estimation months for 13 parameters (needs 3 more)"
