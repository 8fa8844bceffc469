"""Baselines: what would have been shipped without the control, each fitted on the estimation
months of a labelled series (see :mod:`reanalysis.frontloading`).

A fitter takes the labelled frame and its estimation rows and returns a :class:`Fit`, or a
sentence saying why it cannot run. ``Fit.variance(w)`` is the prediction variance of
``sum(w * (actual - baseline))`` over the frame's rows: the months' own noise plus the
uncertainty of the fitted parameters.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

TRAILING_MONTHS = 12
OK = "ok"
EVENT_WINDOWS = ("anticipation", "post")  # of the majority labelling the fit is made on


@dataclass(frozen=True)
class Fit:
    """A fitted baseline: tonnes per row (NaN where none), the estimation observations behind
    it (``n``, first and last month) and the residual degrees of freedom."""

    baseline: np.ndarray
    used: tuple[dt.date, dt.date]
    n: int
    dof: int
    variance: Callable[[np.ndarray], float]


def _array(series: pl.Series) -> np.ndarray:
    return series.cast(pl.Float64).fill_null(np.nan).to_numpy()


def _recent(rows: pl.DataFrame, last: dt.date) -> pl.DataFrame:
    return rows.filter(pl.col("period") > pl.lit(last).dt.offset_by(f"-{TRAILING_MONTHS}mo"))


def _seasonal_naive(obs: pl.DataFrame, est: pl.DataFrame) -> Fit | str:
    """The same span a year earlier (``base_t``) times the drift of the last 12 estimation
    months against a year before. Noise: relative residuals; parameter: the drift's variance."""
    recent = _recent(est.filter(pl.col("base_t").is_not_null()), est["period"].max())
    if recent.height == 0 or recent["base_t"].sum() == 0:
        return "no month of the last 12 before the window has a value a year earlier"
    drift = recent["value_t"].sum() / recent["base_t"].sum()
    missing = obs.filter(pl.col("window").is_in(EVENT_WINDOWS), pl.col("base_t").is_null())
    if missing.height:
        return f"no value a year before {missing['period'][0]:%Y-%m}"
    fitted = est.filter(pl.col("base_t") > 0)
    rel = (fitted["value_t"] / (fitted["base_t"] * drift) - 1).to_numpy()
    s2 = float(np.var(rel, ddof=1)) if len(rel) >= 2 else np.nan
    rb = recent["base_t"].to_numpy()
    var_drift = drift**2 * s2 * float((rb**2).sum()) / float(rb.sum()) ** 2
    base = np.nan_to_num(_array(obs["base_t"]))

    def variance(w: np.ndarray) -> float:
        return (
            s2 * drift**2 * float(((w * base) ** 2).sum())
            + float((w * base).sum()) ** 2 * var_drift
        )

    used = (fitted["period"].min(), fitted["period"].max())
    return Fit(_array(obs["base_t"]) * drift, used, len(rel), len(rel) - 1, variance)


def _regression(obs: pl.DataFrame, est: pl.DataFrame) -> Fit | str:
    """log(tonnes) on a trend and month-of-year dummies with log-normal smearing; the band is
    the regression's prediction variance carried to tonnes by the delta method."""
    fit = est.filter(pl.col("months") == 1)
    if (fit["value_t"] <= 0).any():
        return "a zero month in the estimation window: the log model cannot run"
    need = obs.filter(pl.col("window").is_in(EVENT_WINDOWS))
    need_moy = {
        (p.month + k - 1) % 12 + 1
        for p, n in need.select("period", "months").iter_rows()
        for k in range(n)
    }
    seen = set(fit["period"].dt.month().to_list())
    if not need_moy <= seen:
        return (
            f"no estimation month of month-of-year {min(need_moy - seen)}: seasonality unidentified"
        )
    moys = sorted(seen)
    n_params = 1 + 1 + len(moys) - 1
    if fit.height < n_params + 3:
        return f"{fit.height} estimation months for {n_params} parameters (needs 3 more)"
    origin = fit["period"].min()

    def design(periods: list[dt.date]) -> np.ndarray:
        t = [(p.year - origin.year) * 12 + p.month - origin.month for p in periods]
        cols = [np.ones(len(periods)), np.array(t, dtype=float)]
        cols += [np.array([p.month == m for p in periods], dtype=float) for m in moys[1:]]
        return np.column_stack(cols)

    x = design(fit["period"].to_list())
    y = np.log(fit["value_t"].to_numpy())
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ coef
    dof = fit.height - n_params
    s2 = float(resid @ resid / dof)
    cov = s2 * np.linalg.pinv(x.T @ x)
    smear = np.exp(s2 / 2)
    rows = obs.select("period", "months").rows()
    level, grad, noise = np.zeros(len(rows)), np.zeros((len(rows), n_params)), np.zeros(len(rows))
    for i, (p, n) in enumerate(rows):
        months = [dt.date(p.year + (p.month + k - 1) // 12, (p.month + k - 1) % 12 + 1, 1)
                  for k in range(n)]  # fmt: skip
        xm = design(months)
        each = np.exp(xm @ coef) * smear
        level[i], grad[i], noise[i] = each.sum(), each @ xm, s2 * (each**2).sum()

    def variance(w: np.ndarray) -> float:
        g = w @ grad
        return float((w**2 * noise).sum() + g @ cov @ g)

    return Fit(level, (fit["period"].min(), fit["period"].max()), fit.height, dof, variance)


def _pre_mean(obs: pl.DataFrame, est: pl.DataFrame) -> Fit | str:
    """The mean monthly tonnage of the last 12 estimation months (one month suffices); the band
    adds the variance of that mean to the months' own."""
    recent = _recent(est, est["period"].max())
    m = recent["months"].cast(pl.Float64).to_numpy()
    y = recent["value_t"].to_numpy()
    rate = y.sum() / m.sum()
    n = len(y)
    s2 = float(((y - rate * m) ** 2 / m).sum() / (n - 1)) if n >= 2 else np.nan
    months = obs["months"].cast(pl.Float64).to_numpy()

    def variance(w: np.ndarray) -> float:
        return s2 * (float((w * w * months).sum()) + float((w * months).sum()) ** 2 / m.sum())

    used = (recent["period"].min(), recent["period"].max())
    return Fit(months * rate, used, n, n - 1, variance)


def _diff_in_diff(obs: pl.DataFrame, est: pl.DataFrame) -> Fit | str:
    """The treated series' pre-period log level moved month by month with the controls'
    (``control_log``: the mean over controls of log tonnes per month) against their own
    pre-period level; the band is that of a mean of the pre-period differences."""
    if "control_log" not in obs.columns:
        return "no control series given"
    recent = _recent(est.filter(pl.col("control_log").is_not_null()), est["period"].max())
    if recent.height == 0:
        return "no estimation month with a value for the treated series and every control"
    if (recent["value_t"] <= 0).any():
        return "a zero month in the estimation window: the log model cannot run"
    missing = obs.filter(pl.col("window").is_in(EVENT_WINDOWS), pl.col("control_log").is_null())
    if missing.height:
        return f"no value of every control in {missing['period'][0]:%Y-%m}"
    treated = np.log(recent["value_t"].to_numpy() / recent["months"].cast(pl.Float64).to_numpy())
    control = recent["control_log"].to_numpy()
    e = (treated - treated.mean()) - (control - control.mean())
    n = len(e)
    s2 = float((e**2).sum() / (n - 1)) if n >= 2 else np.nan
    smear = np.exp(s2 / 2) if n >= 2 else 1.0
    shift = treated.mean() - control.mean()
    months = obs["months"].cast(pl.Float64).to_numpy()
    level = months * np.exp(shift + _array(obs["control_log"])) * smear
    safe = np.nan_to_num(level)

    def variance(w: np.ndarray) -> float:
        return s2 * (float(((w * safe) ** 2).sum()) + float((w * safe).sum()) ** 2 / n)

    return Fit(level, (recent["period"].min(), recent["period"].max()), n, n - 1, variance)


FITTERS = {
    "seasonal_naive": _seasonal_naive,
    "regression": _regression,
    "pre_mean": _pre_mean,
    "diff_in_diff": _diff_in_diff,
}
METHODS = ("seasonal_naive", "regression", "pre_mean")  # univariate: need no other series
