"""Month-on-month, year-on-year and year-to-date growth on real customs calendars.

Every comparison is a join on calendar keys (the base is the row whose last month is exactly
one or twelve months earlier), never a shift over rows, so a missing month can only null a
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

import polars as pl

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
_KEYS = ("cur", "cur_hu", "base", "base_hu", "pct", "note")


def _ended(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``end``: the first day of the last month an observation covers."""
    return frame.with_columns(
        end=pl.when(pl.col("months") == 2)
        .then(pl.col("period").dt.offset_by("1mo"))
        .otherwise(pl.col("period"))
    )


def _pct(cur: pl.Expr, base: pl.Expr) -> pl.Expr:
    return pl.when(base != 0).then((cur / base - 1.0) * 100.0)


def _flags(derived: pl.Expr, conflicted: pl.Expr) -> pl.Expr:
    return (
        pl.when(derived & conflicted)
        .then(pl.lit(f"{DERIVED}; {CONFLICTED}"))
        .when(derived)
        .then(pl.lit(DERIVED))
        .when(conflicted)
        .then(pl.lit(CONFLICTED))
    )


def _monthly_base(rows: pl.DataFrame, lag: str) -> pl.DataFrame:
    """Base observations keyed by the end month they are a base for (``key``)."""
    return rows.select(
        *S,
        "months",
        key=pl.col("end").dt.offset_by(lag),
        base=pl.col("value_t"),
        base_hu=pl.col("value_half_unit_t"),
        base_derived=pl.col("is_derived"),
        base_conflict=pl.col("has_conflict"),
    )


def comparisons(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """For ``mom``, ``yoy`` and ``ytd_yoy``: per row of ``frame`` (same order), the current and
    base values with their rounding half-units, the percentage and the note."""
    rows = _ended(frame).with_row_index("_row")
    combined = rows.filter(pl.col("months") == 2).select(*S, "end", in_jf=pl.lit(True))
    jan_feb = rows.filter(pl.col("months") == 1, pl.col("end").dt.month() <= 2)
    summed_jf = (
        jan_feb.group_by(*S, year=pl.col("end").dt.year())
        .agg(
            n=pl.len(),
            value_t=pl.col("value_t").sum(),
            value_half_unit_t=pl.col("value_half_unit_t").sum(),
            is_derived=pl.col("is_derived").any(),
            has_conflict=pl.col("has_conflict").any(),
            ok=pl.col("value_t").is_not_null().all(),
        )
        .filter(pl.col("n") == 2, pl.col("ok"))
        .select(
            *S,
            pl.lit(2, pl.Int8).alias("months"),
            end=pl.date("year", 2, 1),
            value_t="value_t",
            value_half_unit_t="value_half_unit_t",
            is_derived="is_derived",
            has_conflict="has_conflict",
        )
    )
    cur = pl.col("value_t")
    out: dict[str, pl.DataFrame] = {}

    # month-on-month: single months only
    mom = rows.join(
        _monthly_base(rows.filter(pl.col("months") == 1), "1mo").drop("months"),
        left_on=[*S, "end"],
        right_on=[*S, "key"],
        how="left",
        nulls_equal=True,
    ).join(
        combined.with_columns(end=pl.col("end").dt.offset_by("1mo")),
        on=[*S, "end"],
        how="left",
        nulls_equal=True,
    )
    out["mom"] = _finish(
        mom,
        pl.when(cur.is_null())
        .then(pl.lit(NO_VALUE))
        .when(pl.col("months") == 2)
        .then(pl.lit(COMBINED))
        .when(pl.col("in_jf").fill_null(False))
        .then(pl.lit(BASE_COMBINED)),
    )

    # year-on-year: same span a year earlier (a January-February pair may be summed)
    yoy_base = pl.concat(
        [
            _monthly_base(rows, "12mo"),
            _monthly_base(
                summed_jf.join(
                    combined.select(*S, "end"), on=[*S, "end"], how="anti", nulls_equal=True
                ),
                "12mo",
            ),
        ],
        how="diagonal_relaxed",
    )
    yoy = rows.join(
        yoy_base,
        left_on=[*S, "end", "months"],
        right_on=[*S, "key", "months"],
        how="left",
        nulls_equal=True,
    ).join(
        combined.with_columns(end=pl.col("end").dt.offset_by("12mo")),
        on=[*S, "end"],
        how="left",
        nulls_equal=True,
    )
    jan_of_combined = (pl.col("months") == 1) & (
        pl.col("in_jf").fill_null(False)
        | pl.col("end").dt.offset_by("1mo").is_in(combined["end"].dt.offset_by("12mo").implode())
        & (pl.col("end").dt.month() == 1)
    )
    out["yoy"] = _finish(
        yoy,
        pl.when(cur.is_null())
        .then(pl.lit(NO_VALUE))
        .when(jan_of_combined & pl.col("base").is_null())
        .then(pl.lit(BASE_COMBINED)),
    )

    # year-to-date against the same months of the previous year
    ytd_rows = rows.filter(pl.col("ytd_t").is_not_null()).select(
        *S,
        key=pl.col("end").dt.offset_by("12mo"),
        base=pl.col("ytd_t"),
        base_hu=pl.col("ytd_half_unit_t"),
        base_derived=pl.col("ytd_is_derived"),
        base_conflict=pl.col("has_conflict"),
    )
    ytd = rows.join(
        ytd_rows, left_on=[*S, "end"], right_on=[*S, "key"], how="left", nulls_equal=True
    )
    out["ytd_yoy"] = _finish(
        ytd.with_columns(value_t=pl.col("ytd_t"), value_half_unit_t=pl.col("ytd_half_unit_t")),
        pl.when(pl.col("ytd_t").is_null()).then(pl.lit("no cumulative this month")),
        derived=pl.col("ytd_is_derived") | pl.col("base_derived"),
        derived_text=NOT_STATED,
    )
    return out


def _finish(
    joined: pl.DataFrame,
    reason: pl.Expr,
    *,
    derived: pl.Expr | None = None,
    derived_text: str = DERIVED,
) -> pl.DataFrame:
    derived = (
        pl.col("is_derived") | pl.col("base_derived").fill_null(False)
        if derived is None
        else derived.fill_null(False)
    )
    conflicted = pl.col("has_conflict") | pl.col("base_conflict").fill_null(False)
    flags = (
        pl.when(derived & conflicted)
        .then(pl.lit(f"{derived_text}; {CONFLICTED}"))
        .when(derived)
        .then(pl.lit(derived_text))
        .when(conflicted)
        .then(pl.lit(CONFLICTED))
    )
    base = pl.col("base")
    note = (
        pl.when(reason.is_not_null())
        .then(reason)
        .when(base.is_null())
        .then(pl.lit(BASE_MISSING))
        .when(base == 0)
        .then(pl.lit(ZERO_BASE))
        .otherwise(flags)
    )
    return (
        joined.with_columns(note=note)
        .sort("_row")
        .select(
            "_row",
            cur=pl.col("value_t"),
            cur_hu=pl.col("value_half_unit_t"),
            base=base,
            base_hu=pl.col("base_hu"),
            pct=pl.when(reason.is_null()).then(_pct(pl.col("value_t"), base)),
            note="note",
        )
    )


def growth(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (canonical, see :func:`reanalysis.load_customs`) with growth columns added:
    ``mom_pct``, ``mom_note``, ``yoy_pct``, ``yoy_note``, ``ytd_yoy_pct``, ``ytd_yoy_note``.

    >>> import datetime as dt
    >>> from reanalysis import load_customs
    >>> g = growth(load_customs().filter(pl.col("commodity") == "rare earths"))
    >>> april = g.filter(pl.col("flow") == "export", pl.col("period") == dt.date(2025, 4, 1))
    >>> [round(x, 1) for x in april.select("mom_pct", "yoy_pct", "ytd_yoy_pct").row(0)]
    [-15.6, 4.8, 5.1]
    """
    parts = comparisons(frame)
    return frame.with_columns(
        **{
            f"{name}_{col}": parts[name][src]
            for name in ("mom", "yoy", "ytd_yoy")
            for col, src in (("pct", "pct"), ("note", "note"))
        }
    )


def rolling(frame: pl.DataFrame, months: int = 3) -> pl.DataFrame:
    """Trailing ``months``-month sums and their year-on-year change, per series.

    One row per series and month ``period`` (the window's last month) where the window is
    complete: every month covered exactly once, no combined January-February observation cut
    by either edge. Columns: the series keys, ``period``, ``sum_t``, ``yoy_pct``, ``note``
    (``derived input`` / ``conflicted input`` inside the window, or why ``yoy_pct`` is null).
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


def check_reported(statements: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every percentage a source reported, beside the value computed from the reconciled data.

    ``verdict`` is ``agrees`` when the difference is within the source's rounding (half a unit of
    its last digit) plus what the rounding of the tonnages can move the computed value,
    ``differs`` otherwise, or ``not computable`` with the ``reason``. One row per reported
    percentage (``REPORTED_SCHEMA``); ``comparison`` is ``mom``, ``yoy`` or ``ytd_yoy``.
    """
    from reanalysis.loaders import load_statements
    from reanalysis.reconcile import reconcile

    statements = load_statements() if statements is None else statements
    canonical = _ended(reconcile(statements)).with_row_index("_row")
    parts = comparisons(canonical.drop("_row", "end"))
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
                line=pl.col("file").str.split("/").list.last()
                + ":"
                + pl.col("line").cast(pl.String),
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
    hi = ((cur + cur_hu) / (base - base_hu) - 1.0) * 100.0
    lo = ((cur - cur_hu) / (base + base_hu) - 1.0) * 100.0
    tolerance = pl.col("reported_hu") + pl.max_horizontal(hi - pl.col("pct"), pl.col("pct") - lo)
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
        pl.when(pl.col("excluded_reason").is_not_null() | pl.col("pct").is_null())
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
            tolerance_pp=pl.when(pl.col("pct").is_not_null()).then(tolerance),
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
