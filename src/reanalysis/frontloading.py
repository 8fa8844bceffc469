"""Front-loading: did shipments rise before a control took effect, and fall back after?

For one series, each month is put in a window:

- ``estimation``: months wholly before the anticipation start (the rumour date when given,
  else the announcement). Baselines are fitted on these only.
- ``anticipation``: from the anticipation start to the effective date (or the suspension date
  when the control was suspended before taking effect).
- ``post``: the first ``post_months`` months from the effective date; ``later`` beyond them.
- ``after_suspension``: a control suspended before taking effect has no post window.

A month that straddles a date goes to the window holding most of its days (ties to the later
window), except that no month holding a day on or after the anticipation start is ever used for
estimation. ``straddles`` marks such months in the table.

Baselines (what would have been shipped without the control), side by side:

- ``seasonal_naive``: the same span a year earlier, scaled by the trailing growth of the last
  12 estimation months against the same months a year before (drift);
- ``regression``: log(tonnes) on a linear trend and month-of-year dummies, fitted on the
  estimation months (single months, positive values), with log-normal smearing;
- ``pre_mean``: the mean monthly tonnage of the last 12 estimation months (one month suffices).

A method without enough history says so in ``status`` rather than falling back. ``excess_t``
sums actual minus baseline over the anticipation months, ``payback_t`` over the post months
(negative when shipments fell below baseline), ``net_t`` is their sum and ``payback_ratio`` is
``-payback_t / excess_t`` (1 means the excess was fully paid back; null unless excess > 0).
The band is ``excess_t`` +/- 1.96 standard errors from the spread of the method's relative
residuals over the estimation months. Placebos re-run the method on the same calendar window
shifted back by whole years; ``placebo_share`` is the share of them whose excess is at least the
real one (a small share means the real excess is unusual for that time of year).
"""

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from reanalysis.growth import comparisons

METHODS = ("seasonal_naive", "regression", "pre_mean")
TRAILING_MONTHS = 12
Z = 1.96
OK = "ok"

SUMMARY_SCHEMA = pl.Schema(
    {
        "method": pl.String, "status": pl.String, "excess_t": pl.Float64,
        "payback_t": pl.Float64, "net_t": pl.Float64, "payback_ratio": pl.Float64,
        "band_low_t": pl.Float64, "band_high_t": pl.Float64, "estimation_start": pl.Date,
        "estimation_end": pl.Date, "anticipation_months": pl.Int32, "post_months": pl.Int32,
        "placebo_n": pl.Int32, "placebo_share": pl.Float64,
    }
)  # fmt: skip
TABLE_SCHEMA = pl.Schema(
    {
        "method": pl.String, "period": pl.Date, "months": pl.Int8, "window": pl.String,
        "straddles": pl.Boolean, "actual_t": pl.Float64, "baseline_t": pl.Float64,
        "gap_t": pl.Float64,
    }
)  # fmt: skip


@dataclass(frozen=True)
class Dates:
    """The calendar of one control: anticipation [start, end), effective (None if suspended)."""

    start: dt.date
    end: dt.date
    effective: dt.date | None


@dataclass
class FrontLoading:
    """Result of :func:`front_loading`: ``summary`` (one row per method), ``table`` (per month
    and method), ``placebos`` (per method and years shifted) and ``notes`` on the windows."""

    summary: pl.DataFrame
    table: pl.DataFrame
    placebos: pl.DataFrame
    notes: list[str] = field(default_factory=list)


def _date(value: dt.date | str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def windows(frame: pl.DataFrame, dates: Dates, post_months: int) -> pl.DataFrame:
    """``frame`` with ``window`` and ``straddles`` (see module docstring)."""
    start = pl.col("period")
    stop = pl.col("period").dt.offset_by(pl.format("{}mo", pl.col("months")))

    def days(lo: dt.date | pl.Expr, hi: dt.date | pl.Expr) -> pl.Expr:
        a = pl.max_horizontal(start, pl.lit(lo) if isinstance(lo, dt.date) else lo)
        b = pl.min_horizontal(stop, pl.lit(hi) if isinstance(hi, dt.date) else hi)
        return pl.max_horizontal((b - a).dt.total_days(), pl.lit(0))

    far = dt.date(9999, 1, 1)
    shares = {
        "estimation": days(dt.date(1, 1, 1), dates.start),
        "anticipation": days(dates.start, dates.end),
        "post": days(dates.effective, far) if dates.effective else pl.lit(0),
        "after_suspension": pl.lit(0) if dates.effective else days(dates.end, far),
    }
    order = list(shares)  # later windows win ties
    out = frame.with_columns(**{f"_d_{k}": v for k, v in shares.items()})
    label = pl.lit(None, pl.String)
    for name in order:  # keep the largest share, ties to the later window
        best = pl.max_horizontal(*(pl.col(f"_d_{k}") for k in order))
        label = pl.when(pl.col(f"_d_{name}") == best).then(pl.lit(name)).otherwise(label)
    out = out.with_columns(
        # only months wholly before the anticipation start are estimation months
        window=pl.when(pl.col("_d_estimation") == (stop - start).dt.total_days())
        .then(pl.lit("estimation"))
        .otherwise(pl.when(label == "estimation").then(pl.lit("anticipation")).otherwise(label)),
        straddles=pl.sum_horizontal(*(pl.col(f"_d_{k}") > 0 for k in order)) > 1,
    ).drop(pl.selectors.starts_with("_d_"))  # fmt: skip
    first_post = out.filter(pl.col("window") == "post")["period"].min()
    if first_post is not None:
        limit = pl.lit(first_post).dt.offset_by(f"{post_months}mo")
        out = out.with_columns(
            window=pl.when((pl.col("window") == "post") & (pl.col("period") >= limit))
            .then(pl.lit("later"))
            .otherwise("window")
        )
    return out


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


def _one(obs: pl.DataFrame, method: str) -> tuple[dict, pl.DataFrame | None]:
    est = obs.filter(pl.col("window") == "estimation", pl.col("value_t").is_not_null())
    row = dict.fromkeys(SUMMARY_SCHEMA.names())
    row.update(method=method)
    if est.height == 0:
        row["status"] = "no estimation month before the anticipation window"
        return row, None
    baseline, sd, status, used = FITTERS[method](obs, est)
    row["status"] = status
    if status != OK:
        return row, None
    row.update(estimation_start=used[0], estimation_end=used[1])
    table = obs.with_columns(baseline_t=baseline.alias("baseline_t")).with_columns(
        gap_t=pl.col("value_t") - pl.col("baseline_t")
    )
    ant = table.filter(pl.col("window") == "anticipation", pl.col("value_t").is_not_null())
    post = table.filter(pl.col("window") == "post", pl.col("value_t").is_not_null())
    row.update(anticipation_months=ant.height, post_months=post.height)
    if ant.height:
        row["excess_t"] = ant["gap_t"].sum()
        if sd is not None:
            se = float(np.sqrt(((ant["baseline_t"] * sd) ** 2).sum()))
            row.update(band_low_t=row["excess_t"] - Z * se, band_high_t=row["excess_t"] + Z * se)
    if post.height:
        row["payback_t"] = post["gap_t"].sum()
    if row["excess_t"] is not None or row["payback_t"] is not None:
        row["net_t"] = (row["excess_t"] or 0.0) + (row["payback_t"] or 0.0)
    if row["excess_t"] is not None and row["payback_t"] is not None and row["excess_t"] > 0:
        row["payback_ratio"] = -row["payback_t"] / row["excess_t"]
    return row, table


def front_loading(
    frame: pl.DataFrame,
    *,
    announced: dt.date | str,
    effective: dt.date | str,
    rumour: dt.date | str | None = None,
    suspended: dt.date | str | None = None,
    baseline: str = "all",
    post_months: int = 3,
    placebo_years: int = 5,
) -> FrontLoading:
    """Excess before and payback after a control, for one series of the canonical frame.

    ``frame`` holds one series (one commodity, flow, partner) with ``period``, ``months``,
    ``value_t``. Dates are ``datetime.date`` or ISO strings. ``suspended``, when on or before
    ``effective``, ends the anticipation window there and leaves no post window. ``baseline`` is
    ``all`` or one of ``METHODS``.
    """
    keys = frame.select("commodity", "flow", "partner").unique()
    if keys.height != 1:
        raise ValueError(f"front_loading takes one series; got {keys.height}: {keys.rows()}")
    announced, effective = _date(announced), _date(effective)
    rumour, suspended = _date(rumour), _date(suspended)
    if effective < announced:
        raise ValueError(f"effective {effective} is before announced {announced}")
    methods = METHODS if baseline == "all" else (baseline,)
    if not set(methods) <= set(METHODS):
        raise ValueError(f"baseline {baseline!r}: expected 'all' or one of {', '.join(METHODS)}")
    start = rumour or announced
    is_suspended = suspended is not None and suspended <= effective
    dates = Dates(
        start, suspended if is_suspended else effective, None if is_suspended else effective
    )
    notes = []
    if dates.end <= dates.start:
        notes.append("announced and effective on the same day: no anticipation window unless a "
                     "rumour date is argued")  # fmt: skip
    if is_suspended:
        notes.append(
            f"suspended on {suspended} before taking effect on {effective}: no post window"
        )
    obs = frame.sort("period").select("reporter", "commodity", "flow", "partner", "period",
                                      "months", "value_t", "value_half_unit_t", "is_derived",
                                      "has_conflict", "ytd_t", "ytd_half_unit_t",
                                      "ytd_is_derived")  # fmt: skip
    labelled = windows(obs, dates, post_months)
    rows, tables, placebos = [], [], []
    for method in methods:
        row, table = _one(labelled, method)
        shifted = _placebos(obs, dates, post_months, method, placebo_years)
        placebos.append(shifted.with_columns(method=pl.lit(method)))
        if row["excess_t"] is not None and shifted.height:
            row["placebo_n"] = shifted.height
            row["placebo_share"] = float((shifted["excess_t"] >= row["excess_t"]).mean())
        rows.append(row)
        if table is not None:
            tables.append(table.select(
                method=pl.lit(method), period="period", months="months", window="window",
                straddles="straddles", actual_t="value_t", baseline_t="baseline_t", gap_t="gap_t",
            ))  # fmt: skip
    return FrontLoading(
        summary=pl.DataFrame(rows, schema=SUMMARY_SCHEMA),
        table=pl.concat(tables).cast(dict(TABLE_SCHEMA)) if tables else pl.DataFrame(schema=TABLE_SCHEMA),
        placebos=pl.concat(placebos, how="diagonal_relaxed").select("method", "years_back", "excess_t"),
        notes=notes,
    )  # fmt: skip


def _placebos(obs, dates: Dates, post_months: int, method: str, years: int) -> pl.DataFrame:
    """Excess of ``method`` on the same calendar window ``k`` years earlier, k = 1..years."""
    found = []
    for k in range(1, years + 1):

        def back(d: dt.date | None, k: int = k) -> dt.date | None:
            return None if d is None else d.replace(year=d.year - k, day=min(d.day, 28))

        shifted = Dates(back(dates.start), back(dates.end), back(dates.effective))
        if shifted.start <= obs["period"].min():
            break
        history = obs.filter(
            pl.col("period") < pl.lit(back(dates.end)).dt.offset_by(f"{post_months + 1}mo")
        )
        row, _ = _one(windows(history, shifted, post_months), method)
        if row["status"] == OK and row["excess_t"] is not None:
            found.append({"years_back": k, "excess_t": row["excess_t"]})
    return pl.DataFrame(found, schema={"years_back": pl.Int32, "excess_t": pl.Float64})


def event_study(frame: pl.DataFrame, events: pl.DataFrame, *, months: int = 6) -> pl.DataFrame:
    """Response of one series around each event: months ``-months..+months`` from the event month.

    ``events`` has ``measure`` and ``date``; measures sharing a date are one event. For each,
    ``deviation_pct`` is the month's tonnage
    against the mean of the single months ``-months..-1`` (null where either is missing;
    combined January-February observations are not single months and stay out).
    """
    single = frame.filter(pl.col("months") == 1, pl.col("value_t").is_not_null()).select(
        "period", "value_t"
    )
    offsets = pl.DataFrame(
        {"offset": list(range(-months, months + 1))}, schema={"offset": pl.Int32}
    )
    dated = events.group_by("date").agg(measure=pl.col("measure").sort().str.join(", "))
    grid = (
        dated.select("measure", event_date="date")
        .join(offsets, how="cross")
        .with_columns(
            period=pl.col("event_date").dt.truncate("1mo").dt.offset_by(pl.format("{}mo", "offset"))
        )
        .join(single, on="period", how="left")
    )
    pre = (
        grid.filter(pl.col("offset") < 0)
        .group_by("measure", "event_date")
        .agg(pre_mean_t=pl.col("value_t").mean())
    )
    return (
        grid.join(pre, on=["measure", "event_date"], how="left")
        .with_columns(
            deviation_pct=pl.when(pl.col("pre_mean_t") > 0).then(
                (pl.col("value_t") / pl.col("pre_mean_t") - 1) * 100
            )
        )
        .sort("event_date", "measure", "offset")
    )


def rounded(summary: pl.DataFrame) -> pl.DataFrame:
    """``result.summary`` for display: tonnes to whole numbers, ratios to two decimals."""
    tonnes = ("excess_t", "payback_t", "net_t", "band_low_t", "band_high_t")
    return summary.with_columns(
        *(pl.col(c).round(0) for c in tonnes),
        pl.col("payback_ratio").round(2),
        pl.col("placebo_share").round(2),
    )


def describe(result: FrontLoading) -> list[str]:
    """What the result can and cannot tell, one sentence per finding (for a notebook's reading)."""
    lines = [note[0].upper() + note[1:] + "." for note in result.notes]
    ok = result.summary.filter(pl.col("status") == OK)
    for row in result.summary.iter_rows(named=True):
        name = row["method"].replace("_", " ")
        if row["status"] != OK:
            lines.append(f"The {name} baseline cannot run: {row['status']}.")
            continue
        parts = []
        if row["excess_t"] is not None:
            band = ("" if row["band_low_t"] is None else
                    f" (95% band {row['band_low_t']:+,.0f} to {row['band_high_t']:+,.0f} t)")  # fmt: skip
            parts.append(f"{row['excess_t']:+,.0f} t against baseline over "
                         f"{row['anticipation_months']} anticipation month(s){band}")  # fmt: skip
        if row["payback_t"] is not None:
            parts.append(f"{row['payback_t']:+,.0f} t over {row['post_months']} post month(s)")
        if parts:
            lines.append(f"With the {name} baseline: " + "; ".join(parts) + ".")
        if row["placebo_n"]:
            beaten = round(row["placebo_share"] * row["placebo_n"])
            lines.append(f"  In {beaten} of {row['placebo_n']} earlier years the same calendar window "
                         f"showed an excess at least as large ({name}).")  # fmt: skip
    banded = ok.filter(pl.col("band_low_t").is_not_null())
    if banded.height:
        if (banded["band_low_t"] > 0).all():
            lines.append("Every baseline with a band puts the anticipation months above what would "
                         "have been shipped otherwise: consistent with front-loading.")  # fmt: skip
        elif (banded["band_high_t"] < 0).all():
            lines.append("Every baseline with a band puts the anticipation months below baseline: "
                         "no sign of front-loading.")  # fmt: skip
        else:
            lines.append("At least one band includes zero: the data cannot tell the anticipation "
                         "months apart from ordinary month-to-month variation.")  # fmt: skip
    return lines
