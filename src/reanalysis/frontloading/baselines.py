"""Baselines: what would have been shipped without the control (seasonal naive, regression,
pre-announcement mean), each fitted on the estimation months of a labelled series."""

import datetime as dt

import numpy as np
import polars as pl

from reanalysis.growth import comparisons

METHODS = ("seasonal_naive", "regression", "pre_mean")
TRAILING_MONTHS = 12
OK = "ok"


def _seasonal_naive(obs: pl.DataFrame, est: pl.DataFrame) -> tuple:
    yoy = comparisons(obs.drop("window", "straddles"), detail=True)["yoy"]
    with_base = obs.with_columns(base=yoy["base"])
    last = est["period"].max()
    recent = with_base.filter(
        pl.col("window") == "estimation",
        pl.col("period") > pl.lit(last).dt.offset_by(f"-{TRAILING_MONTHS}mo"),
        pl.col("base").is_not_null(),
        pl.col("value_t").is_not_null(),
    )
    if recent.height == 0 or recent["base"].sum() == 0:
        return (
            None,
            None,
            "no month of the last 12 before the window has a value a year earlier",
            None,
        )
    drift = recent["value_t"].sum() / recent["base"].sum()
    need = with_base.filter(pl.col("window").is_in(["anticipation", "post"]))
    missing = need.filter(pl.col("base").is_null())
    if missing.height:
        return None, None, f"no value a year before {missing['period'][0]:%Y-%m}", None
    fitted = with_base.filter(
        pl.col("window") == "estimation", pl.col("base") > 0, pl.col("value_t").is_not_null()
    )
    rel = (fitted["value_t"] / (fitted["base"] * drift) - 1).to_numpy()
    baseline = with_base["base"] * drift
    return baseline, _sd(rel), OK, (fitted["period"].min(), fitted["period"].max())


def _regression(obs: pl.DataFrame, est: pl.DataFrame) -> tuple:
    fit = est.filter(pl.col("months") == 1, pl.col("value_t").is_not_null())
    if (fit["value_t"] <= 0).any():
        return None, None, "a zero month in the estimation window: the log model cannot run", None
    need = obs.filter(pl.col("window").is_in(["anticipation", "post"]))
    need_moy = {
        (p.month + k - 1) % 12 + 1
        for p, n in need.select("period", "months").iter_rows()
        for k in range(n)
    }
    seen = set(fit["period"].dt.month().to_list())
    if not need_moy <= seen:
        gap = min(need_moy - seen)
        return (
            None,
            None,
            f"no estimation month of month-of-year {gap}: seasonality unidentified",
            None,
        )
    moys = sorted(seen)
    n_params = 1 + 1 + len(moys) - 1
    if fit.height < n_params + 3:
        why = f"{fit.height} estimation months for {n_params} parameters (needs 3 more)"
        return None, None, why, None
    origin = fit["period"].min()

    def design(periods: list[dt.date]) -> np.ndarray:
        t = [(p.year - origin.year) * 12 + p.month - origin.month for p in periods]
        cols = [np.ones(len(periods)), np.array(t, dtype=float)]
        cols += [np.array([p.month == m for p in periods], dtype=float) for m in moys[1:]]
        return np.column_stack(cols)

    y = np.log(fit["value_t"].to_numpy())
    coef, *_ = np.linalg.lstsq(design(fit["period"].to_list()), y, rcond=None)
    resid = y - design(fit["period"].to_list()) @ coef
    dof = fit.height - n_params
    s = float(np.sqrt(resid @ resid / dof))
    smear = np.exp(s * s / 2)
    baseline = []
    for p, n in obs.select("period", "months").iter_rows():
        months = [dt.date(p.year + (p.month + k - 1) // 12, (p.month + k - 1) % 12 + 1, 1)
                  for k in range(n)]  # fmt: skip
        baseline.append(float(np.exp(design(months) @ coef).sum() * smear))
    return pl.Series(baseline), s, OK, (fit["period"].min(), fit["period"].max())


def _pre_mean(obs: pl.DataFrame, est: pl.DataFrame) -> tuple:
    last = est["period"].max()
    recent = est.filter(
        pl.col("period") > pl.lit(last).dt.offset_by(f"-{TRAILING_MONTHS}mo"),
        pl.col("value_t").is_not_null(),
    )
    if recent.height == 0:
        return None, None, "no estimation month with a value", None
    rate = recent["value_t"].sum() / recent["months"].cast(pl.Int64).sum()
    if rate == 0:
        rel = np.array([])
    else:
        rel = (recent["value_t"] / (recent["months"].cast(pl.Float64) * rate) - 1).to_numpy()
    used = (recent["period"].min(), recent["period"].max())
    return obs["months"].cast(pl.Float64) * rate, _sd(rel), OK, used


def _sd(rel: np.ndarray) -> float | None:
    return float(np.std(rel, ddof=1)) if len(rel) >= 2 else None


FITTERS = {"seasonal_naive": _seasonal_naive, "regression": _regression, "pre_mean": _pre_mean}
