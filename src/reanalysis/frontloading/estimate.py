"""The entry point :func:`front_loading` and its result."""

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from reanalysis.events import (
    coverage_note,
    licence_measures,
    load_licence_events,
    prior_windows,
    relevant_to,
    unknown_commodity_note,
)
from reanalysis.frontloading.baselines import METHODS
from reanalysis.frontloading.controls import control_log
from reanalysis.frontloading.inference import (
    PLACEBO_SCHEMA,
    SUMMARY_SCHEMA,
    TABLE_SCHEMA,
    one,
    placebos,
    sensitivity,
)
from reanalysis.frontloading.windows import Dates, _date, windows
from reanalysis.growth import comparisons

COLUMNS = ("reporter", "commodity", "flow", "partner", "period", "months", "value_t",
           "value_half_unit_t", "is_derived", "has_conflict", "ytd_t", "ytd_half_unit_t",
           "ytd_is_derived")  # fmt: skip
EXCLUDED_SCHEMA = pl.Schema(
    {"measure": pl.String, "date": pl.Date, "event": pl.String, "from_date": pl.Date, "to_date": pl.Date,
     "months_excluded": pl.Int32}
)  # fmt: skip


@dataclass
class FrontLoading:
    """Result of :func:`front_loading`: ``summary`` (one row per method, for the chosen
    straddle), ``table`` (per month and method), ``sensitivity`` (per method and straddle
    choice), ``placebos`` (per method and placebo date), ``excluded`` (earlier measures whose
    months were left out of estimation), ``notes`` on the windows, the ``straddle`` choice, and
    whether ``controls`` were given and the control has a ``post_window`` (took effect)."""

    summary: pl.DataFrame
    table: pl.DataFrame
    placebos: pl.DataFrame
    sensitivity: pl.DataFrame
    excluded: pl.DataFrame
    straddle: str
    controls: bool
    post_window: bool
    notes: list[str] = field(default_factory=list)


def front_loading(
    frame: pl.DataFrame,
    *,
    announced: dt.date | str,
    effective: dt.date | str,
    rumour: dt.date | str | None = None,
    suspended: dt.date | str | None = None,
    baseline: str = "all",
    post_months: int = 3,
    straddle: str = "majority",
    level: float = 0.95,
    controls: pl.DataFrame | None = None,
    measures: pl.DataFrame | None = None,
    measure: str | None = None,
    exclude_prior: bool = True,
) -> FrontLoading:
    """Excess before and payback after a control, for one series of the canonical frame.

    ``frame`` holds one series (one commodity, flow, partner) with ``period``, ``months``,
    ``value_t``. Dates are ``datetime.date`` or ISO strings. ``suspended``, when on or before
    ``effective``, ends the anticipation window there and leaves no post window. ``baseline`` is
    ``all`` or one method; ``straddle`` says where the month holding the effective date goes
    (``majority``, ``anticipation``, ``post``, ``split`` or ``drop``); ``level`` is the
    coverage of the bands. ``controls`` (one or more other series of the canonical frame) adds
    the ``diff_in_diff`` method. ``measures`` are the licence measures concerning the commodity
    (:func:`reanalysis.events.licence_measures`; by default those of the shipped licence events
    relevant to it, none for a commodity :func:`reanalysis.events.relevant_to` has no pattern for): with ``exclude_prior``, months disturbed by an earlier one are not used for
    estimation. ``measure`` names the control among them, for the note on the items it covers.

    No. 18 [2025] took effect the day it was announced, so there is no anticipation window:

    >>> from reanalysis import load_customs, select_series
    >>> series = select_series(load_customs(), commodity="rare earths")
    >>> result = front_loading(series, announced="2025-04-04", effective="2025-04-04")
    >>> result.summary.select("method", "status", "anticipation_months", "post_months").rows()[0]
    ('seasonal_naive', 'ok', 0, 3)
    """
    keys = frame.select("commodity", "flow", "partner").unique()
    if keys.height != 1:
        raise ValueError(f"front_loading takes one series; got {keys.height}: {keys.rows()}")
    if not 0 < level < 1:
        raise ValueError(f"level {level}: expected a coverage between 0 and 1, e.g. 0.95")
    announced, effective = _date(announced), _date(effective)
    rumour, suspended = _date(rumour), _date(suspended)
    if effective < announced:
        raise ValueError(f"effective {effective} is before announced {announced}")
    offered = (*METHODS, "diff_in_diff") if controls is not None else METHODS
    methods = offered if baseline == "all" else (baseline,)
    if not set(methods) <= set(offered):
        extra = "" if controls is not None else " (diff_in_diff needs controls)"
        raise ValueError(
            f"baseline {baseline!r}: expected 'all' or one of {', '.join(offered)}{extra}"
        )
    start = rumour or announced
    is_suspended = suspended is not None and suspended <= effective
    dates = Dates(
        start, suspended if is_suspended else effective, None if is_suspended else effective
    )
    commodity = str(keys["commodity"][0])
    if measures is None:
        measures = licence_measures(relevant_to(load_licence_events(), commodity))
    notes = []
    if dates.end <= dates.start:
        notes.append("announced and effective on the same day: no anticipation window unless a "
                     "rumour date is argued")  # fmt: skip
    if is_suspended:
        notes.append(f"suspended on {suspended} before taking effect on {effective}: no post "
                     "window, so the net is the excess")  # fmt: skip
    if note := coverage_note(measures, measure, commodity):
        notes.append(note)
    if note := unknown_commodity_note(measures, commodity):
        notes.append(note)
    obs = frame.sort("period").select(COLUMNS)
    obs = obs.with_columns(base_t=comparisons(obs, detail=True)["yoy"]["base"])
    if controls is not None:
        obs = control_log(obs, controls)
    prior = prior_windows(measures, start, post_months) if exclude_prior else None
    ranges = [] if prior is None else list(zip(prior["from_date"], prior["to_date"], strict=True))
    labelled = windows(obs, dates, post_months, straddle, ranges)
    excluded, said = _excluded(labelled, prior, post_months)
    notes += said
    missing = labelled.filter(pl.col("window").is_in(["anticipation", "post", "split"]),
                              pl.col("value_t").is_null())  # fmt: skip
    if missing.height:
        notes.append("no value in " + ", ".join(f"{p:%Y-%m}" for p in missing["period"])
                     + ": the sums leave those months out")  # fmt: skip
    shifts = placebos(obs, dates, post_months, straddle, ranges, methods)
    rows, tables = [], []
    for method in methods:
        row, table = one(labelled, method, level)
        row["straddle"] = straddle
        draws = shifts.filter(pl.col("method") == method)["excess_t"]
        row["placebo_n"] = 0  # placebos compared with the excess (none without one)
        if row["excess_t"] is not None and draws.len():
            row["placebo_n"] = draws.len()
            row["placebo_share"] = float((draws >= row["excess_t"]).mean())
        rows.append(row)
        if table is not None:
            tables.append(
                table.rename({"value_t": "actual_t"})
                .with_columns(method=pl.lit(method))
                .select(TABLE_SCHEMA.names())
            )
    return FrontLoading(
        summary=pl.DataFrame(rows, schema=SUMMARY_SCHEMA),
        table=pl.concat(tables).select(TABLE_SCHEMA.names()).cast(dict(TABLE_SCHEMA)) if tables
        else pl.DataFrame(schema=TABLE_SCHEMA),
        placebos=shifts.select(PLACEBO_SCHEMA.names()),
        sensitivity=sensitivity(obs, dates, post_months, ranges, methods),
        excluded=excluded,
        straddle=straddle,
        controls=controls is not None,
        post_window=dates.effective is not None,
        notes=notes,
    )  # fmt: skip


def _excluded(labelled: pl.DataFrame, prior: pl.DataFrame | None, post_months: int) -> tuple:
    """The earlier measures that took months out of estimation, and a note for each."""
    if prior is None or prior.height == 0:
        return pl.DataFrame(schema=EXCLUDED_SCHEMA), []
    out = labelled.filter(pl.col("window") == "excluded").select("period")
    counted = prior.with_columns(
        months_excluded=pl.struct("from_date", "to_date").map_elements(
            lambda r: out.filter(pl.col("period") >= r["from_date"], pl.col("period") < r["to_date"]).height,
            return_dtype=pl.Int32,
        )
    ).filter(pl.col("months_excluded") > 0)  # fmt: skip
    notes = [
        f"estimation leaves out {r['from_date']:%Y-%m} to "
        f"{r['to_date'] - dt.timedelta(days=1):%Y-%m}: {r['measure']} {r['event']} on {r['date']} "
        f"(its month and the {post_months - 1} after, as this control's post window)"
        for r in counted.iter_rows(named=True)
    ]
    return counted.cast(dict(EXCLUDED_SCHEMA)), notes
