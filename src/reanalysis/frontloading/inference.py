"""Excess, payback and net of a fitted baseline with prediction intervals, the straddle
sensitivity, and in-time placebos (see :mod:`reanalysis.frontloading`)."""

import datetime as dt

import numpy as np
import polars as pl

from reanalysis.frontloading.baselines import FITTERS, OK, Fit
from reanalysis.frontloading.windows import EVENT, STRADDLES, Dates, months_back, shifted, windows

MIN_BAND_OBS = 3  # estimation observations needed for a band

SUMMARY_SCHEMA = pl.Schema(
    {
        "method": pl.String, "status": pl.String, "excess_t": pl.Float64,
        "payback_t": pl.Float64, "net_t": pl.Float64, "payback_ratio": pl.Float64,
        "band_low_t": pl.Float64, "band_high_t": pl.Float64, "estimation_start": pl.Date,
        "estimation_end": pl.Date, "anticipation_months": pl.Int32, "post_months": pl.Int32,
        "placebo_n": pl.Int32, "placebo_share": pl.Float64,
        # added by issue 10: the straddle choice, bands on all three sums, what they rest on
        "straddle": pl.String, "excess_low_t": pl.Float64, "excess_high_t": pl.Float64,
        "payback_low_t": pl.Float64, "payback_high_t": pl.Float64, "net_low_t": pl.Float64,
        "net_high_t": pl.Float64, "level": pl.Float64, "estimation_n": pl.Int32,
        "dof": pl.Int32, "band_note": pl.String,
    }
)  # fmt: skip
TABLE_SCHEMA = pl.Schema(
    {
        "method": pl.String, "period": pl.Date, "months": pl.Int8, "window": pl.String,
        "straddles": pl.Boolean, "actual_t": pl.Float64, "baseline_t": pl.Float64,
        "gap_t": pl.Float64, "anticipation_share": pl.Float64, "post_share": pl.Float64,
    }
)  # fmt: skip
SENSITIVITY_SCHEMA = pl.Schema(
    {"method": pl.String, "straddle": pl.String, "excess_t": pl.Float64,
     "payback_t": pl.Float64, "net_t": pl.Float64}
)  # fmt: skip
PLACEBO_SCHEMA = pl.Schema(
    {"method": pl.String, "months_back": pl.Int32, "years_back": pl.Int32, "excess_t": pl.Float64}
)


def fit(labelled: pl.DataFrame, method: str) -> Fit | str:
    """``method``'s baseline on ``labelled`` (windows as labelled), or why it cannot run."""
    est = labelled.filter(pl.col("window") == "estimation", pl.col("value_t").is_not_null())
    if est.height == 0:
        return "no estimation month before the anticipation window"
    return FITTERS[method](labelled, est)


def sums(labelled: pl.DataFrame, fitted: Fit, level: float | None) -> dict:
    """Excess, payback and net of ``fitted`` over ``labelled``'s event window, with bands at
    ``level`` (None: point estimates only). Months without a value are left out."""
    actual = labelled["value_t"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    gap = actual - fitted.baseline
    known = ~np.isnan(gap)
    window = labelled["window"].to_numpy()
    ahead = labelled["anticipation_share"].fill_null(0.0).to_numpy()
    after = labelled["post_share"].fill_null(0.0).to_numpy()
    weights = {
        "excess": np.where(known & np.isin(window, ["anticipation", "split"]), ahead, 0.0),
        "payback": np.where(known & np.isin(window, ["post", "split"]), after, 0.0),
    }
    weights["net"] = weights["excess"] + weights["payback"]
    used = {name: known & (w > 0) for name, w in weights.items()}
    row = {
        "anticipation_months": int(used["excess"].sum()),
        "post_months": int(used["payback"].sum()),
    }
    band = level is not None and fitted.n >= MIN_BAND_OBS and fitted.dof >= 1
    q = t_quantile((1 + level) / 2, fitted.dof) if band else None
    for name, w in weights.items():
        value = float((w * np.nan_to_num(gap)).sum()) if used[name].any() else None
        row[f"{name}_t"] = value
        if band and value is not None:
            half = q * float(np.sqrt(fitted.variance(w)))
            row[f"{name}_low_t"], row[f"{name}_high_t"] = value - half, value + half
    return row


def one(labelled: pl.DataFrame, method: str, level: float) -> tuple[dict, pl.DataFrame | None]:
    """The summary row of ``method`` and its per-month table (None when it cannot run)."""
    row = dict.fromkeys(SUMMARY_SCHEMA.names())
    row.update(method=method, level=level)
    fitted = fit(labelled, method)
    if isinstance(fitted, str):
        row["status"] = fitted
        return row, None
    row.update(status=OK, estimation_start=fitted.used[0], estimation_end=fitted.used[1],
               estimation_n=fitted.n, dof=fitted.dof)  # fmt: skip
    row.update(sums(labelled, fitted, level))
    if fitted.n < MIN_BAND_OBS:
        row["band_note"] = (f"{fitted.n} estimation observation(s): too few for a band "
                            f"(needs {MIN_BAND_OBS})")  # fmt: skip
    row.update(band_low_t=row["excess_low_t"], band_high_t=row["excess_high_t"])
    if row["excess_t"] is not None and row["payback_t"] is not None and row["excess_t"] > 0:
        row["payback_ratio"] = -row["payback_t"] / row["excess_t"]
    table = labelled.with_columns(baseline_t=pl.Series(fitted.baseline).fill_nan(None))
    return row, table.with_columns(gap_t=pl.col("value_t") - pl.col("baseline_t"))


def sensitivity(obs, dates: Dates, post_months: int, excluded, methods) -> pl.DataFrame:
    """Excess, payback and net of every method under every straddle choice. The fit does not
    depend on the choice (a straddling month is never an estimation month)."""
    labelled = {s: windows(obs, dates, post_months, s, excluded) for s in STRADDLES}
    rows = []
    for method in methods:
        fitted = fit(labelled["majority"], method)
        for straddle, frame in labelled.items():
            found = {} if isinstance(fitted, str) else sums(frame, fitted, None)
            rows.append({"method": method, "straddle": straddle,
                         **{k: found.get(k) for k in ("excess_t", "payback_t", "net_t")}})  # fmt: skip
    return pl.DataFrame(rows, schema=SENSITIVITY_SCHEMA)


def placebos(obs, dates: Dates, post_months: int, straddle: str, excluded, methods) -> pl.DataFrame:
    """Excess of each method with the control's calendar moved back ``k`` months, for every
    ``k`` whose whole event window falls on estimation months of the real labelling (never on
    the real event or an excluded month); ``k`` a multiple of 12 is a whole-year shift."""
    real = windows(obs, dates, post_months, straddle, excluded)
    clean = set(real.filter(pl.col("window") == "estimation")["period"].to_list())
    history = real.filter(pl.col("window").is_in(["estimation", "excluded"])).select(obs.columns)
    found = []
    k = 1
    while history.height and (placebo := shifted(dates, k)).start > history["period"].min():
        if last_event_month(placebo, post_months) <= history["period"].max():
            labelled = windows(history, placebo, post_months, straddle, excluded)
            event = labelled.filter(pl.col("window").is_in(EVENT))
            if set(event["period"].to_list()) <= clean and (event["window"] != "post").any():
                for method in methods:
                    fitted = fit(labelled, method)
                    excess = (
                        None
                        if isinstance(fitted, str)
                        else sums(labelled, fitted, None)["excess_t"]
                    )
                    if excess is not None:
                        found.append((method, k, k // 12 if k % 12 == 0 else None, excess))
        k += 1
    return pl.DataFrame(found, schema=PLACEBO_SCHEMA, orient="row")


def last_event_month(dates: Dates, post_months: int) -> dt.date:
    """The first day of the last month of the event window of ``dates``."""
    if dates.effective is None:
        return (dates.end - dt.timedelta(days=1)).replace(day=1)
    return months_back(dates.effective.replace(day=1), 1 - post_months)


def t_quantile(p: float, dof: int) -> float:
    """Student's t quantile. SciPy is imported here, not with the package: its statistics
    module takes half a second to import, which every user of the loaders would pay."""
    from scipy import stats

    return float(stats.t.ppf(p, dof))
