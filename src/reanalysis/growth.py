"""Month-on-month, year-on-year and year-to-date growth on real customs calendars.

Every comparison is a calendar lookup (the base is the observation whose last month is exactly
one or twelve months earlier, found on a complete month grid per series, see
:mod:`reanalysis.monthgrid`), never a shift over rows, so a missing month can only null a
comparison, never substitute a neighbour. Rules:

- a comparison whose base is missing is null, with ``*_note`` saying why;
- month-on-month of a combined January-February observation, and of March against one, is null
  (never halved);
- year-on-year of a January-February observation compares with the previous January-February
  (a combined observation, or the sum of both single months);
- ``ytd_yoy_pct`` compares cumulatives to the same month, so of equal length;
- a zero base gives null with the note ``zero base``, never infinity;
- a result computed from a derived (differenced) or conflicted input has a note saying so.

Percentages are in percent (-15.6 means a 15.6% fall).
"""

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import polars as pl

from reanalysis.monthgrid import MonthGrid, month_number
from reanalysis.readers import stated_at
from reanalysis.reconcile import SERIES

S = list(SERIES)
NO_VALUE = "no value this month"
COMBINED = "January-February combined"
BASE_COMBINED = "base is January-February combined"
BASE_MISSING = "base month missing"
ZERO_BASE = "zero base"
DERIVED = "derived input"
CONFLICTED = "conflicted input"
NOT_STATED = "cumulative not stated"
NO_CUMULATIVE = "no cumulative this month"
ESTIMATED = "estimated weight"
NOT_ON_ESTIMATES = "not computed on an estimated weight"


def _caveat(derived: bool, conflicted: bool, estimated: bool, derived_text: str = DERIVED) -> str:
    """The note on a figure computed from flagged inputs, e.g. ``derived input; estimated
    weight`` (empty when nothing is flagged)."""
    flagged = ((derived, derived_text), (conflicted, CONFLICTED), (estimated, ESTIMATED))
    return "; ".join(text for on, text in flagged if on)


_FLAGGED = [(d, c, e) for e in (False, True) for c in (False, True) for d in (False, True)][1:]
NOTES = (
    NO_VALUE, COMBINED, BASE_COMBINED, NO_CUMULATIVE, BASE_MISSING, ZERO_BASE, DERIVED,
    CONFLICTED, f"{DERIVED}; {CONFLICTED}", NOT_STATED, f"{NOT_STATED}; {CONFLICTED}",
    *dict.fromkeys(_caveat(*f, derived_text=t) for t in (DERIVED, NOT_STATED) for f in _FLAGGED
                   if f[2]),
    NOT_ON_ESTIMATES,
)  # fmt: skip
Note = pl.Enum(NOTES)
_ON_ESTIMATES = [n for n in NOTES if ESTIMATED in n]  # the notes of a figure on an estimate
_NOTE_LOOKUP = pl.Series([*NOTES, None], dtype=Note)  # note codes to notes, by gathering


def _ended(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``end``: the first day of the last month an observation covers."""
    return frame.with_columns(
        end=pl.when(pl.col("months") == 2)
        .then(pl.col("period").dt.offset_by("1mo"))
        .otherwise(pl.col("period"))
    )


def _pct(cur: pl.Expr, base: pl.Expr) -> pl.Expr:
    return pl.when(base != 0).then((cur / base - 1.0) * 100.0)


def _flags(derived: pl.Expr, conflicted: pl.Expr, derived_text: str = DERIVED) -> pl.Expr:
    return (
        pl.when(derived & conflicted)
        .then(pl.lit(f"{derived_text}; {CONFLICTED}"))
        .when(derived)
        .then(pl.lit(derived_text))
        .when(conflicted)
        .then(pl.lit(CONFLICTED))
    )


# comparisons computed at once: no more than cores, as each holds its temporaries
THREADS = min(3, os.cpu_count() or 1)
DERIVED_BIT, CONFLICT_BIT, COMBINED_BIT, COVERED_BIT, SINGLE_BIT, ESTIMATED_BIT = 1, 2, 4, 8, 16, 32


def series_grid(frame: pl.DataFrame) -> MonthGrid:
    """The month grid of a canonical frame's series, keyed by the last month each row covers."""
    last_month = month_number(frame["period"]) + frame["months"].to_numpy() - 1
    return MonthGrid.build(frame.with_columns(_end=last_month), S, "_end")


def comparisons(
    frame: pl.DataFrame,
    *,
    detail: bool = False,
    kinds: tuple[str, ...] = ("mom", "yoy", "ytd_yoy"),
    grid: MonthGrid | None = None,
    threads: int = THREADS,
) -> dict[str, pl.DataFrame]:
    """For each of ``kinds`` (``mom``, ``yoy``, ``ytd_yoy``): per row of ``frame`` (same order), the percentage
    (``pct``) and the ``note``; with ``detail``, also the row number, the current and base
    values and their rounding half-units (``_row``, ``cur``, ``cur_hu``, ``base``, ``base_hu``).

    Bases are looked up on a complete month grid per series (:class:`MonthGrid`), keyed by the
    last month an observation covers. Flags travel as bits of one small-integer grid. The three
    comparisons are independent and run on up to ``threads`` threads (NumPy releases the GIL).
    ``grid`` is :func:`series_grid` of ``frame`` (or of a frame with the same series and
    months), if the caller has it already.
    """
    jobs = _comparison_jobs(frame, grid or series_grid(frame), detail)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        running = {name: pool.submit(jobs[name]) for name in kinds}
    return {name: job.result() for name, job in running.items()}


def _comparison_jobs(
    frame: pl.DataFrame, grid: MonthGrid, detail: bool
) -> dict[str, Callable[[], pl.DataFrame]]:
    """The three comparisons of :func:`comparisons` as functions to run (on any thread)."""

    def arr(col: str) -> np.ndarray:
        return frame[col].cast(pl.Float64).to_numpy()  # nulls read as NaN

    def bits(col: str, bit: int) -> np.ndarray:
        return frame[col].fill_null(False).to_numpy().astype(np.uint8) * np.uint8(bit)

    def has(flags: np.ndarray, bit: int) -> np.ndarray:
        return (flags & bit).astype(bool)

    value, combined = arr("value_t"), (frame["months"] == 2).to_numpy()
    any_combined = bool(combined.any())
    flags = bits("is_derived", DERIVED_BIT) | bits("has_conflict", CONFLICT_BIT)
    if "weight_estimated" in frame.columns:
        flags |= bits("weight_estimated", ESTIMATED_BIT)
    flags |= np.where(combined, np.uint8(COMBINED_BIT), np.uint8(SINGLE_BIT))
    flag_cells = grid.scatter(flags, fill=0)
    flag_cells[grid.pos[combined] - 1] |= COVERED_BIT  # January inside January-February
    value_cells = grid.scatter(value)
    half = arr("value_half_unit_t") if detail else None  # half-units only with ``detail``
    half_cells = grid.scatter(half) if detail else None
    derived, conflict = has(flags, DERIVED_BIT), has(flags, CONFLICT_BIT)
    estimated = has(flags, ESTIMATED_BIT)
    no_value = np.isnan(value)

    def lag_half(k: int) -> np.ndarray | None:
        return grid.lag(half_cells, k) if detail else None

    def mom() -> pl.DataFrame:
        f1 = grid.lag(flag_cells, 1)
        return _assemble(
            value, half, grid.lag(value_cells, 1), lag_half(1),
            derived | has(f1, DERIVED_BIT), conflict | has(f1, CONFLICT_BIT),
            estimated | has(f1, ESTIMATED_BIT),
            reasons=[(no_value, NO_VALUE), (combined, COMBINED), (has(f1, COMBINED_BIT), BASE_COMBINED)],
            detail=detail,
        )  # fmt: skip

    def yoy() -> pl.DataFrame:
        f12 = grid.lag(flag_cells, 12)
        same = np.where(combined, has(f12, COMBINED_BIT), has(f12, SINGLE_BIT))
        base = grid.lag(value_cells, 12)
        base[~same] = np.nan
        base_hu = np.where(same, lag_half(12), np.nan) if detail else None
        base_derived, base_conflict = has(f12, DERIVED_BIT), has(f12, CONFLICT_BIT)
        base_estimated = has(f12, ESTIMATED_BIT)
        if any_combined:  # a combined year against single January and February
            f13 = grid.lag(flag_cells, 13)
            pair = combined & has(f12, SINGLE_BIT) & has(f13, SINGLE_BIT)
            base = np.where(pair, grid.lag(value_cells, 12) + grid.lag(value_cells, 13), base)
            if detail:
                base_hu = np.where(pair, lag_half(12) + lag_half(13), base_hu)
            base_derived |= pair & has(f13, DERIVED_BIT)
            base_conflict |= pair & has(f13, CONFLICT_BIT)
            base_estimated |= pair & has(f13, ESTIMATED_BIT)
        in_combined = ~combined & has(f12, COMBINED_BIT | COVERED_BIT)
        return _assemble(
            value, half, base, base_hu, derived | base_derived, conflict | base_conflict,
            estimated | base_estimated,
            reasons=[(no_value, NO_VALUE), (in_combined, BASE_COMBINED)],
            detail=detail,
        )  # fmt: skip

    def ytd_yoy() -> pl.DataFrame:
        ytd = arr("ytd_t")
        ytd_flags = bits("ytd_is_derived", DERIVED_BIT) | (flags & CONFLICT_BIT)
        y12 = grid.lag(grid.scatter(ytd_flags, fill=0), 12)
        ytd_hu = arr("ytd_half_unit_t") if detail else None
        # a cumulative leans on an estimate if any month of its year to date has one
        est_ytd = np.zeros(grid.size, dtype=bool)
        if estimated.any():  # most files estimate nothing: no running sums to take
            est_ytd = grid.year_to_date(grid.scatter(estimated.astype(np.float64), fill=0.0)) > 0
        return _assemble(
            ytd, ytd_hu, grid.lag(grid.scatter(ytd), 12),
            grid.lag(grid.scatter(ytd_hu), 12) if detail else None,
            has(ytd_flags, DERIVED_BIT) | has(y12, DERIVED_BIT),
            conflict | has(y12, CONFLICT_BIT),
            est_ytd[grid.pos] | grid.lag(est_ytd, 12),
            reasons=[(np.isnan(ytd), NO_CUMULATIVE)],
            derived_text=NOT_STATED,
            detail=detail,
        )  # fmt: skip

    return {"mom": mom, "yoy": yoy, "ytd_yoy": ytd_yoy}


def _assemble(
    cur: np.ndarray,
    cur_hu: np.ndarray | None,
    base: np.ndarray,
    base_hu: np.ndarray | None,
    derived: np.ndarray,
    conflicted: np.ndarray,
    estimated: np.ndarray,
    *,
    reasons: list[tuple[np.ndarray, str]],
    derived_text: str = DERIVED,
    detail: bool = False,
) -> pl.DataFrame:
    """Percentages and notes: the first reason that applies, else missing or zero base, else
    the caveats on the inputs (computed as note codes, returned as the ``Note`` enum)."""
    # the caveats as a 3-bit number (derived, conflicted, estimated), then their note's code
    caveats = derived.astype(np.uint8) | conflicted.astype(np.uint8) << 1
    caveats |= estimated.astype(np.uint8) << 2
    codes = [len(NOTES)] + [NOTES.index(_caveat(*f, derived_text=derived_text)) for f in _FLAGGED]
    code = np.array(codes, dtype=np.uint8)[caveats]  # len(NOTES) (under 255): no note
    zero, missing = base == 0, np.isnan(base)
    code[zero] = NOTES.index(ZERO_BASE)
    code[missing] = NOTES.index(BASE_MISSING)
    blocked = zero
    for mask, text in reversed(reasons):
        code[mask] = NOTES.index(text)
        blocked |= mask
    if detail:
        base = np.where(blocked, np.nan, base)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.divide(cur, base)
    pct -= 1.0
    pct *= 100.0
    pct[blocked] = np.nan
    columns = {"pct": pct}
    if detail:  # the inputs too, for check_reported
        columns = {"_row": np.arange(len(cur), dtype=np.uint32), "cur": cur, "cur_hu": cur_hu,
                   "base": base, "base_hu": base_hu, "pct": pct}  # fmt: skip
    return pl.DataFrame(columns, nan_to_null=True).with_columns(note=_NOTE_LOOKUP.gather(code))


GROWTH_COLUMNS = ("mom_pct", "mom_note", "yoy_pct", "yoy_note", "ytd_yoy_pct", "ytd_yoy_note")


def growth(frame: pl.DataFrame, *, unit_values: bool | None = None) -> pl.DataFrame:
    """``frame`` (canonical, see :func:`reanalysis.load_customs`) with growth columns added:
    ``mom_pct``, ``mom_note``, ``yoy_pct``, ``yoy_note``, ``ytd_yoy_pct``, ``ytd_yoy_note``.

    A frame that already has them is returned as it is: its figures were computed on the
    whole series (by an earlier ``growth``, or by :func:`reanalysis.select_series` with a
    window), and recomputing them on fewer rows would lose base months.

    A figure whose month or base month has an estimated weight (``weight_estimated``) says
    ``estimated weight`` in its note (a year-to-date one, if any month of either cumulative
    has one).

    Where the frame has trade values (``value_usd``, from Comtrade+ files), also the unit
    value ``usd_per_t`` (US dollars per tonne) with ``usd_per_t_mom_pct``/``_note`` and
    ``usd_per_t_yoy_pct``/``_note``, on the same calendar rules. A unit value is not computed
    on an estimated weight (UN Comtrade estimates weights from values, so it would measure the
    estimate): there it is null, and so is a comparison with it, noted
    ``not computed on an estimated weight``. ``unit_values=True`` adds these columns even where
    no row has a trade value (a part of a larger input whose other parts have some: the
    bounded-memory path), ``False`` never; by default, where any row has one.

    >>> import datetime as dt
    >>> from reanalysis import load_customs
    >>> g = growth(load_customs().filter(pl.col("commodity") == "rare earths"))
    >>> april = g.filter(pl.col("flow") == "export", pl.col("period") == dt.date(2025, 4, 1))
    >>> [round(x, 1) for x in april.select("mom_pct", "yoy_pct", "ytd_yoy_pct").row(0)]
    [-15.6, 4.8, 5.1]
    """
    if set(GROWTH_COLUMNS) <= set(frame.columns):
        return frame
    if unit_values is None:
        unit_values = "value_usd" in frame.columns and not frame["value_usd"].is_null().all()
    elif unit_values and "value_usd" not in frame.columns:
        raise ValueError("unit_values=True needs trade values: this frame has no value_usd")
    grid = series_grid(frame)
    unit_frame = _unit_value_frame(frame) if unit_values else None
    # the comparisons of tonnage and of unit value share the threads: each set is prepared on
    # one thread, which then queues its comparisons, the longest first
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        queued = [_queue(pool, frame, grid, ("ytd_yoy", "yoy", "mom"))]
        if unit_frame is not None:
            queued.append(_queue(pool, unit_frame, grid, ("yoy", "mom")))
        tonnes, *prices = [q.result() for q in queued]
        parts = {name: job.result() for name, job in tonnes.items()}
        price_parts = {f"usd_per_t_{n}": job.result() for q in prices for n, job in q.items()}
    out = frame.with_columns(
        **{
            f"{name}_{col}": parts[name][col]
            for name in ("mom", "yoy", "ytd_yoy")
            for col in ("pct", "note")
        }
    )
    if unit_frame is None:
        return out
    return out.with_columns(**_unit_value_columns(frame, unit_frame, price_parts))


def _queue(
    pool: ThreadPoolExecutor, frame: pl.DataFrame, grid: MonthGrid, kinds: tuple[str, ...]
) -> Future:
    """A future of ``{kind: future of its comparison}``: ``frame``'s arrays are prepared on
    one of ``pool``'s threads, which then queues the comparisons (``pool`` must stay open
    until this future is done)."""

    def prepare() -> dict[str, Future]:
        jobs = _comparison_jobs(frame, grid, False)
        return {kind: pool.submit(jobs[kind]) for kind in kinds}

    return pool.submit(prepare)


def _unit_value_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with ``value_t`` replaced by the unit value (USD per tonne; null without a
    positive tonnage), so that the comparisons of tonnage compare it."""
    ratio = pl.when(pl.col("value_t") > 0).then(pl.col("value_usd") / pl.col("value_t"))
    return frame.with_columns(value_t=ratio)


def _unit_value_columns(
    frame: pl.DataFrame, unit_frame: pl.DataFrame, parts: dict[str, pl.DataFrame]
) -> dict[str, pl.Series]:
    """The unit-value columns from ``unit_frame`` (:func:`_unit_value_frame`) and its
    comparisons ``parts`` (``usd_per_t_mom``, ``usd_per_t_yoy``): nothing on an estimate."""
    flagged = "weight_estimated" in frame.columns
    estimated = pl.col("weight_estimated").fill_null(False) if flagged else pl.lit(False)
    columns = {"usd_per_t": unit_frame.select(pl.when(~estimated).then("value_t")).to_series()}
    leans = pl.col("note").is_in(pl.Series(_ON_ESTIMATES, dtype=Note).implode()).fill_null(False)
    for name in ("usd_per_t_mom", "usd_per_t_yoy"):
        part = parts[name].select(
            pct=pl.when(~leans).then("pct"),
            note=pl.when(leans).then(pl.lit(NOT_ON_ESTIMATES, Note)).otherwise("note"),
        )
        columns[f"{name}_pct"] = part["pct"]
        columns[f"{name}_note"] = part["note"]
    return columns


def weight_caveats(frame: pl.DataFrame) -> pl.DataFrame:
    """Per series of a canonical frame, what its tonnages lean on: ``months`` (observations),
    ``estimated_months`` (weight estimated by the source, ``weight_estimated``) and
    ``months_without_tonnage`` (kept with ``value_t`` null and a ``missing_reason``).

    >>> from reanalysis import load_customs
    >>> weight_caveats(load_customs()).select(pl.col("estimated_months").sum()).item()
    0
    """
    flagged = "weight_estimated" in frame.columns
    estimated = (
        pl.col("weight_estimated").fill_null(False) if flagged else pl.repeat(False, pl.len())
    )
    return frame.group_by(S, maintain_order=True).agg(
        months=pl.len().cast(pl.Int64),
        estimated_months=estimated.sum().cast(pl.Int64),
        months_without_tonnage=pl.col("value_t").is_null().sum().cast(pl.Int64),
    )


def rolling(frame: pl.DataFrame, months: int = 3) -> pl.DataFrame:
    """Trailing ``months``-month sums and their year-on-year change, per series.

    One row per series and month ``period`` (the window's last month) where the window is
    complete: every month covered exactly once, no combined January-February observation cut
    by either edge. Columns: the series keys, ``period``, ``sum_t``, ``yoy_pct``, ``note``
    (``derived input`` / ``conflicted input`` inside the window, or why ``yoy_pct`` is null).

    April to June 2025 (4,784.8 + 5,864.6 + 7,742.2 t) against April to June 2024 (4,566 +
    6,217 + 4,829 t):

    >>> from reanalysis import load_customs, select_series
    >>> quarters = rolling(select_series(load_customs(), commodity="rare earths"), months=3)
    >>> quarters.filter(pl.col("period") == pl.date(2025, 6, 1)).select(
    ...     pl.col("sum_t").round(1), pl.col("yoy_pct").round(1), "note").row(0)
    (18391.6, 17.8, None)
    """
    rows = _ended(frame).filter(pl.col("value_t").is_not_null())
    bounds = rows.group_by(S).agg(first=pl.col("period").min(), last=pl.col("end").max())
    grid = bounds.select(
        *S, end=pl.date_ranges("first", "last", interval="1mo", eager=False)
    ).explode("end")
    # Each observation sits on its last month; a combined January-February one covers 2 months
    # and makes February a continuation month (a window may not start there).
    cells = (
        grid.join(
            rows.select(
                *S,
                "end",
                "value_t",
                covered=pl.col("months").cast(pl.Int32),
                derived=pl.col("is_derived").cast(pl.Int32),
                conflict=pl.col("has_conflict").cast(pl.Int32),
                continuation=pl.col("months") == 2,
            ),
            on=[*S, "end"],
            how="left",
            nulls_equal=True,
        )
        .sort(*S, "end")
        .with_columns(is_end=pl.col("covered").is_not_null())
    )
    acc = ("value_t", "covered", "derived", "conflict")
    cum = cells.with_columns(**{f"c_{a}": pl.col(a).fill_null(0).cum_sum().over(S) for a in acc})
    before = cum.select(
        *S, key=pl.col("end").dt.offset_by(f"{months}mo"), **{f"p_{a}": f"c_{a}" for a in acc}
    )
    first_month = cum.select(
        *S,
        key=pl.col("end").dt.offset_by(f"{months - 1}mo"),
        cut_left=pl.col("continuation").fill_null(False),
    )
    windows = (
        cum.join(before, left_on=[*S, "end"], right_on=[*S, "key"], how="left", nulls_equal=True)
        .join(first_month, left_on=[*S, "end"], right_on=[*S, "key"], how="left", nulls_equal=True)
        .with_columns(**{f"p_{a}": pl.col(f"p_{a}").fill_null(0) for a in acc})
        .with_columns(
            sum_t=pl.col("c_value_t") - pl.col("p_value_t"),
            n=pl.col("c_covered") - pl.col("p_covered"),
            derived=pl.col("c_derived") > pl.col("p_derived"),
            conflict=pl.col("c_conflict") > pl.col("p_conflict"),
        )
        .filter(pl.col("is_end"), pl.col("n") == months, ~pl.col("cut_left").fill_null(False))
    )
    base = windows.select(
        *S,
        key=pl.col("end").dt.offset_by("12mo"),
        base=pl.col("sum_t"),
        bd="derived",
        bc="conflict",
    )
    out = windows.join(
        base, left_on=[*S, "end"], right_on=[*S, "key"], how="left", nulls_equal=True
    )
    derived = pl.col("derived") | pl.col("bd").fill_null(False)
    conflicted = pl.col("conflict") | pl.col("bc").fill_null(False)
    return out.sort(*S, "end").select(
        *S,
        period=pl.col("end"),
        sum_t=pl.col("sum_t"),
        yoy_pct=_pct(pl.col("sum_t"), pl.col("base")),
        note=pl.when(pl.col("base").is_null())
        .then(pl.lit(BASE_MISSING))
        .when(pl.col("base") == 0)
        .then(pl.lit(ZERO_BASE))
        .otherwise(_flags(derived, conflicted)),
    )


REPORTED_SCHEMA = pl.Schema(
    {
        "commodity": pl.String, "flow": pl.String, "partner": pl.String, "period": pl.Date,
        "measure": pl.String, "comparison": pl.String, "reported_pct": pl.Float64,
        "computed_pct": pl.Float64, "difference_pp": pl.Float64, "tolerance_pp": pl.Float64,
        "verdict": pl.String, "reason": pl.String, "statement_value_t": pl.Float64,
        "source_url": pl.String, "line": pl.String,
    }
)  # fmt: skip
AGREES, DIFFERS, NOT_COMPUTABLE = "agrees", "differs", "not computable"
NEAR_ZERO = "the base ({} t) is within its rounding ({} t) of zero: any percentage fits"


def check_reported(statements: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every percentage a source reported, beside the value computed from the reconciled data.

    ``verdict`` is ``agrees`` when the difference is within the source's rounding (half a unit of
    its last digit) plus what the rounding of the tonnages can move the computed value,
    ``differs`` otherwise, or ``not computable`` with the ``reason`` (a base within its
    rounding of zero bounds no percentage). One row per reported
    percentage (``REPORTED_SCHEMA``); ``comparison`` is ``mom``, ``yoy`` or ``ytd_yoy``.

    >>> checked = check_reported().filter(pl.col("commodity") == "rare earths",
    ...     pl.col("period") == pl.date(2025, 4, 1), pl.col("comparison") == "yoy")
    >>> checked.select("reported_pct", pl.col("computed_pct").round(2), "verdict").unique().rows()
    [(4.8, 4.79, 'agrees')]
    """
    from reanalysis.loaders import load_statements
    from reanalysis.reconcile import reconcile

    statements = load_statements() if statements is None else statements
    canonical = _ended(reconcile(statements)).with_row_index("_row")
    parts = comparisons(canonical.drop("_row", "end"), detail=True)
    computed = pl.concat(
        [
            canonical.select(*S, "end", "_row", "value_t")
            .join(parts[name], on="_row")
            .with_columns(comparison=pl.lit(name))
            for name in parts
        ]
    )
    reported = pl.concat(
        [
            statements.filter(pl.col(f"{kind}_pct_reported").is_not_null()).select(
                pl.col("reporter").fill_null(""),
                "commodity",
                "flow",
                "partner",
                "period",
                "measure",
                "source_url",
                "excluded_reason",
                statement_value_t=pl.col("value_t"),
                line=stated_at(),
                reported_pct=pl.col(f"{kind}_pct_reported"),
                reported_hu=pl.col(f"{kind}_pct_half_unit"),
                comparison=pl.lit(kind)
                if kind == "mom"
                else pl.when(pl.col("measure") == "ytd")
                .then(pl.lit("ytd_yoy"))
                .otherwise(pl.lit("yoy")),
            )  # fmt: skip
            for kind in ("mom", "yoy")
        ]
    )
    joined = reported.join(
        computed.with_columns(pl.col("reporter").fill_null("")),
        left_on=[*S, "period", "comparison"],
        right_on=[*S, "end", "comparison"],
        how="left",
    )
    cur, base, cur_hu, base_hu = (pl.col(c) for c in ("cur", "base", "cur_hu", "base_hu"))
    # The rounding moves the percentage furthest up (current up, base down): (c + hc) / (b - hb)
    # exceeds c / b by (b hc + c hb) / (b (b - hb)), more than the fall to (c - hc) / (b + hb),
    # by (b hc + c hb) / (b (b + hb)). A base within its rounding of zero bounds nothing.
    hi = ((cur + cur_hu) / (base - base_hu) - 1.0) * 100.0
    tolerance = pl.col("reported_hu") + hi - pl.col("pct")
    near_zero = (base <= base_hu).fill_null(False)
    difference = pl.col("reported_pct") - pl.col("pct")
    own_figure = (
        pl.when(
            (pl.col("measure") == "month")
            & pl.col("statement_value_t").is_not_null()
            & ((pl.col("statement_value_t") - pl.col("value_t")).abs() > 0.5)
        ).then(
            pl.format(
                "the source's own figure ({} t) differs from the reconciled one",
                pl.col("statement_value_t"),
            )
        )  # fmt: skip
    )
    verdict = (
        pl.when(pl.col("excluded_reason").is_not_null() | pl.col("pct").is_null() | near_zero)
        .then(pl.lit(NOT_COMPUTABLE))
        .when(difference.abs() <= tolerance + 1e-9)
        .then(pl.lit(AGREES))
        .otherwise(pl.lit(DIFFERS))
    )
    reason = (
        pl.when(pl.col("excluded_reason").is_not_null())
        .then(pl.lit("statement excluded: ") + pl.col("excluded_reason"))
        .when(pl.col("_row").is_null())
        .then(pl.lit("no figure for this month in the data"))
        .when(pl.col("pct").is_null())
        .then(pl.col("note"))
        .when(near_zero)
        .then(
            pl.concat_str(
                pl.format(NEAR_ZERO, base.round(3), base_hu.round(3)),
                pl.col("note"),
                separator="; ",
                ignore_nulls=True,
            )
        )
        .otherwise(pl.concat_str(own_figure, pl.col("note"), separator="; ", ignore_nulls=True))
    )
    return (
        joined.with_columns(verdict=verdict, reason=reason)
        .select(
            "commodity",
            "flow",
            "partner",
            "period",
            "measure",
            "comparison",
            "reported_pct",
            computed_pct="pct",
            difference_pp=pl.when(pl.col("pct").is_not_null()).then(difference),
            tolerance_pp=pl.when(pl.col("pct").is_not_null() & ~near_zero).then(tolerance),
            verdict="verdict",
            reason=pl.when(pl.col("reason") != "").then("reason"),
            statement_value_t="statement_value_t",
            source_url="source_url",
            line="line",
        )  # fmt: skip
        .cast(dict(REPORTED_SCHEMA))
        .sort("commodity", "flow", "partner", "period", "comparison", "line")
    )


def latest(frame: pl.DataFrame, n: int = 6) -> pl.DataFrame:
    """The last ``n`` rows of a :func:`growth` frame, percentages to one decimal, for display."""
    pcts = ("mom_pct", "yoy_pct", "ytd_yoy_pct")
    return (
        frame.sort("period")
        .tail(n)
        .select(
            "period",
            "months",
            "value_t",
            *(pl.col(c).round(1) for c in pcts),
            "ytd_t",
            note=pl.concat_str(
                pl.lit("m/m: ") + pl.col("mom_note"),
                pl.lit("y/y: ") + pl.col("yoy_note"),
                separator="; ",
                ignore_nulls=True,
            ),
        )  # fmt: skip
    )


def verdict_counts(reported: pl.DataFrame) -> pl.DataFrame:
    """Reported percentages by verdict (from :func:`check_reported`)."""
    return reported.group_by("verdict").agg(n=pl.len()).sort("verdict")


def reasons(reported: pl.DataFrame, verdict: str = NOT_COMPUTABLE) -> pl.DataFrame:
    """Why reported percentages got ``verdict``: reasons with counts, most frequent first."""
    return (
        reported.filter(pl.col("verdict") == verdict)
        .group_by("reason")
        .agg(n=pl.len())
        .sort(["n", "reason"], descending=[True, False])
    )
