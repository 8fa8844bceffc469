"""Turn statements (many sources, overlapping) into one canonical monthly series.

Rules, applied in this order to every (reporter, commodity, flow, partner) series:

1. **Definitions stay apart.** Statements with an ``excluded_reason`` (another definition,
   flagged ``SUSPECT``/``NOTE``) never enter a series; other commodities are other series.
2. **Agreement within rounding collapses.** Figures for the same month and measure whose
   rounding intervals overlap (``|a - b| < half_unit_a + half_unit_b``) are one figure; the
   most precise is kept and every source counts in ``n_sources``.
3. **Disagreement is resolved by the cumulative chain, then flagged.** Where figures disagree
   beyond rounding, every combination of candidates in that series-year is scored by how many
   stated cumulatives it contradicts (monthly values must add up to each cumulative within the
   summed rounding of the figures involved). Fewest contradictions wins; ties go to the
   candidate with more distinct sources, then the more precise, then the first in the file
   (summed over a combination's months); combinations equal on all of these go to the
   earlier month's most precise candidate.
   The row gets ``has_conflict``; :func:`conflicts` lists every candidate.
4. **January-February stays combined.** A stated January-February cumulative with no single
   January or February figure is one 2-month observation (``months = 2``, ``period`` January).
   It is never split.
5. **One missing month between two cumulatives is derived**, by differencing the cumulative
   at that month and the one before (each stated or obtained by adding stated months to a
   stated cumulative). It is flagged ``is_derived``; ``source_url`` is the cumulative's.
6. **Year-to-date** ``ytd_t`` is stated, or obtained the same way (``ytd_is_derived``).

Records formats (tidy, Comtrade+) carry one figure per key: two different figures for one key
(a blank and a number count as different) raise :class:`~reanalysis.errors.DuplicateRowError`
instead of rule 3; their canonical rows come series by series, months in order. A record whose
quantity is blank keeps its row with ``value_t`` null and its ``missing_reason``; that month
has no value (never zero) and the year's ``ytd_t`` stops there. Curated statements with no
tonnage (a percentage only) state no value for the month and make no canonical row, so
``missing_reason`` is null on every row they give.

The canonical frame's series columns (``reporter``, ``commodity``, ``flow``, ``partner``) are
categorical, like the statements'. Each row also carries ``weight_estimated`` and
``weight_source`` (from the source's flags and columns; false and null for the curated
statements) and the names of its codes: ``commodity_name`` and ``partner_iso3``
(:mod:`reanalysis.names`).
"""

import itertools

import numpy as np
import polars as pl

from reanalysis.errors import DuplicateRowError
from reanalysis.monthgrid import MonthGrid, month_number
from reanalysis.names import add_names
from reanalysis.readers import stated_at

SERIES = ("reporter", "commodity", "flow", "partner")
KEY = (*SERIES, "period", "measure")
MAX_COMBINATIONS = 4096
EPS = 1e-9
NO_REPORTER = ""  # join keys must not be null; restored to null in the output

CANONICAL_SCHEMA = pl.Schema(
    {
        "reporter": pl.Categorical(),
        "commodity": pl.Categorical(),
        "flow": pl.Categorical(),
        "partner": pl.Categorical(),
        "period": pl.Date,
        "months": pl.Int8,
        "value_t": pl.Float64,
        "ytd_t": pl.Float64,
        "value_half_unit_t": pl.Float64,
        "ytd_half_unit_t": pl.Float64,
        "is_derived": pl.Boolean,
        "ytd_is_derived": pl.Boolean,
        "n_sources": pl.Int32,
        "source_url": pl.Categorical(),
        "has_conflict": pl.Boolean,
        "value_usd": pl.Float64,
        "missing_reason": pl.String,
        "weight_estimated": pl.Boolean,
        "weight_source": pl.Categorical(),
        "commodity_name": pl.Categorical(),
        "partner_iso3": pl.Categorical(),
    }
)

CONFLICT_SCHEMA = pl.Schema(
    {
        "commodity": pl.String,
        "flow": pl.String,
        "partner": pl.String,
        "period": pl.Date,
        "measure": pl.String,
        "value_t": pl.Float64,
        "n_sources": pl.Int32,
        "chosen": pl.Boolean,
        "rule": pl.String,
        "sources": pl.List(pl.String),
        "lines": pl.List(pl.String),
    }
)


def reconcile(statements: pl.DataFrame, *, records: bool = False) -> pl.DataFrame:
    """Canonical series (``CANONICAL_SCHEMA``) from a statements frame (see :mod:`readers`).

    ``records=True`` (tidy and Comtrade+ inputs) makes two different figures for one key an
    error instead of a conflict to resolve.
    """
    return _reconcile(statements, records=records)[0]


def conflicts(statements: pl.DataFrame) -> pl.DataFrame:
    """Every disagreement and exclusion, one row per candidate figure (``CONFLICT_SCHEMA``)."""
    return _reconcile(statements, records=False)[1]


def _reconcile(statements: pl.DataFrame, *, records: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    unusable = statements["excluded_reason"].is_not_null()
    if not records:  # a curated statement without tonnage states no value for the month
        unusable |= statements["value_t"].is_null()
    usable = statements.filter(~unusable) if unusable.any() else statements  # no copy if all usable
    usable = usable.with_columns(pl.col("reporter").fill_null(NO_REPORTER))
    if records:
        return _records(usable), pl.DataFrame(schema=CONFLICT_SCHEMA)
    # curated statements are small: plain strings are simpler from here on
    statements = statements.with_columns(pl.col(pl.Categorical).cast(pl.String))
    usable = usable.with_columns(pl.col(pl.Categorical).cast(pl.String))
    candidates = _candidates(usable)
    chosen, conflict_rows = _resolve(candidates)
    excluded = statements.filter(pl.col("excluded_reason").is_not_null()).select(
        "commodity", "flow", "partner", "period", "measure", "value_t",
        n_sources=pl.lit(1, pl.Int32), chosen=pl.lit(False),
        rule=pl.lit("excluded: ") + pl.col("excluded_reason"),
        sources=pl.concat_list("source_url"),
        lines=pl.concat_list(stated_at()),
    )  # fmt: skip
    table = (
        pl.concat([conflict_rows, excluded])
        .cast(dict(CONFLICT_SCHEMA))
        .sort("commodity", "flow", "partner", "period", "measure", pl.col("chosen").not_())
    )
    return _close(chosen), table


def _raise_on_different_repeats(rows: pl.DataFrame) -> None:
    """Records formats: two different figures for one key are an error naming both lines."""
    multi = rows.filter(pl.col("value_t").n_unique().over(KEY) > 1)
    if multi.height:
        first = (
            multi.sort("line")
            .group_by(KEY, maintain_order=True)
            .agg("file", "line", "column", "value_t")
            .row(0, named=True)
        )
        earlier = first["value_t"][0]
        raise DuplicateRowError(
            first["file"][1], first["line"][1], first["column"][1], first["value_t"][1],
            f"the same value as line {first['line'][0]} "
            f"({'blank' if earlier is None else f'{earlier:g} t'}) for "
            f"{first['commodity']} {first['flow']} {first['partner']} {first['period']:%Y-%m}",
        )  # fmt: skip


def _candidates(usable: pl.DataFrame) -> pl.DataFrame:
    """One row per distinct candidate figure of each key, agreeing statements collapsed."""
    usable = usable.with_columns(where=stated_at())
    n_values = pl.col("value_t").n_unique().over(KEY)
    simple = usable.filter(n_values == 1)
    multi = usable.filter(n_values > 1)
    aggs = dict(
        value_t=pl.col("value_t").sort_by("half_unit_t", "line").first(),
        half_unit_t=pl.col("half_unit_t").min(),
        n_sources=pl.col("source_url").n_unique().cast(pl.Int32),
        source_url=pl.col("source_url").sort_by("half_unit_t", "line").first(),
        sources=pl.col("source_url").unique(maintain_order=True),
        lines=pl.col("where"),
        first_line=pl.col("line").min(),
        value_usd=pl.col("value_usd").first(),
    )
    collapsed = [simple.group_by(KEY).agg(cluster=pl.lit(0, pl.Int32), **aggs)]
    if multi.height:
        cluster = _clusters(multi)
        clustered = multi.with_columns(cluster=cluster)  # first-stated order, not hash order
        collapsed.append(clustered.group_by(*KEY, "cluster", maintain_order=True).agg(**aggs))
    return pl.concat(collapsed, how="diagonal_relaxed")


def _clusters(multi: pl.DataFrame) -> pl.Series:
    """Greedy clustering of a key's figures: most precise first, join the first that agrees."""
    ids = [0] * multi.height
    frame = multi.with_row_index("i").sort("half_unit_t", "line")
    for _, group in frame.group_by(KEY, maintain_order=True):
        reps: list[tuple[float, float]] = []
        for i, value, hu in group.select("i", "value_t", "half_unit_t").iter_rows():
            for k, (rep, rep_hu) in enumerate(reps):
                bound = hu + rep_hu  # less a slack against float noise, smaller for tiny bounds
                if abs(value - rep) < bound - min(EPS, bound * 1e-6):
                    ids[i] = k
                    break
            else:
                ids[i] = len(reps)
                reps.append((value, hu))
    return pl.Series("cluster", ids, dtype=pl.Int32)


def _resolve(candidates: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Pick one candidate per key (rule 3); return the choice and the conflict listing."""
    n = pl.len().over(KEY)
    single = candidates.filter(n == 1).with_columns(has_conflict=pl.lit(False))
    contested = candidates.filter(n > 1)
    if contested.height == 0:
        return single, pl.DataFrame(schema=CONFLICT_SCHEMA)
    year = pl.col("period").dt.year()
    context = single.with_columns(year=year).partition_by(*SERIES, "year", as_dict=True)
    picks: list[pl.DataFrame] = []
    listing: list[pl.DataFrame] = []
    for key, group in (
        contested.sort(*KEY, "cluster")
        .with_columns(year=year)
        .group_by(*SERIES, "year", maintain_order=True)
    ):
        ctx = context.get(key, single.clear().with_columns(year=year))
        choice, rules = _choose(group.drop("year"), ctx.drop("year"))
        picks.append(choice)
        listing.append(rules)
    chosen = pl.concat(picks).with_columns(has_conflict=pl.lit(True))
    return pl.concat([single, chosen], how="diagonal_relaxed"), pl.concat(listing)


def _choose(group: pl.DataFrame, context: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    keys = group.select(KEY).unique(maintain_order=True).rows()
    options = [group.filter(*(pl.col(k).eq_missing(v) for k, v in zip(KEY, key, strict=True)))
               for key in keys]  # fmt: skip
    sizes = [o.height for o in options]

    combos = list(itertools.product(*(range(s) for s in sizes)))
    use_chain = len(combos) <= MAX_COMBINATIONS
    scored = {}
    if use_chain:  # every combination's chain in one query, told apart by ``_combo``
        picked = [pl.concat([o[i] for o, i in zip(options, c, strict=True)]) for c in combos]
        trials = pl.concat(
            [pl.concat([context, rows], how="diagonal_relaxed").with_columns(
                _combo=pl.lit(n, pl.Int32)) for n, rows in enumerate(picked)],
            how="diagonal_relaxed",
        )  # fmt: skip
        broken = _violations(trials, by="_combo")
        for n, (c, rows) in enumerate(zip(combos, picked, strict=True)):
            scored[c] = (broken.get(n, 0), -int(rows["n_sources"].sum()),
                         float(rows["half_unit_t"].sum()), int(rows["first_line"].sum()))  # fmt: skip
    if use_chain:
        best = min(combos, key=scored.__getitem__)
    else:  # too many to enumerate: rank each key on its own, without the chain
        best = tuple(
            min(range(o.height), key=lambda i, o=o: (-o["n_sources"][i], o["half_unit_t"][i],
                                                      o["first_line"][i]))
            for o in options
        )  # fmt: skip
    rules = []
    for k, option in enumerate(options):
        why = "first in the file"
        if use_chain:
            rivals = [scored[best[:k] + (i,) + best[k + 1 :]] for i in range(sizes[k])]
            mine = rivals[best[k]]
            others = [r for i, r in enumerate(rivals) if i != best[k]]
            for pos, text in ((0, "consistent with the cumulative chain"),
                              (1, "more distinct sources"), (2, "more precise")):  # fmt: skip
                if all(mine[pos] < r[pos] for r in others):
                    why = text
                    break
        else:
            why = "most sources, then precision (too many candidates for the chain)"
        rules.append(option.with_columns(chosen=pl.int_range(pl.len()) == best[k],
                                         rule=pl.lit(why)))  # fmt: skip
    choice = pl.concat([o[i] for o, i in zip(options, best, strict=True)])
    listing = pl.concat(rules).select(
        *CONFLICT_SCHEMA.names()[:6], "n_sources", "chosen", "rule", "sources", "lines"
    )
    return choice, listing


def _violations(cells: pl.DataFrame, by: str) -> dict[int, int]:
    """Per value of ``by``, the cumulatives the chain through those ``cells`` contradicts."""
    counts = _chain(cells, by=(by,)).group_by(by).agg(pl.col("violates").sum()).collect()
    return dict(counts.iter_rows())


def _chain(candidates: pl.DataFrame, by: tuple[str, ...] = ()) -> pl.LazyFrame:
    """Month grid per series-year with the cumulative chain closed (rules 4-6), as a query;
    ``by`` names columns that split ``candidates`` into separate trials.

    Columns added per month: ``v`` (value), ``c`` (cumulative), ``is_jf`` (the month-2 cell of
    a combined January-February year), ``is_derived``, ``ytd_is_derived``, ``violates``.
    """
    keys = [*by, *SERIES]
    year = pl.col("period").dt.year().alias("year")
    month = pl.col("period").dt.month().alias("month")
    cells = candidates.lazy().with_columns(year, month)
    pick = ["value_t", "half_unit_t", "source_url", "n_sources", "has_conflict", "value_usd"]
    by_measure = {
        m: cells.filter(pl.col("measure") == m).select(
            *keys, "year", "month", *(pl.col(c).alias(f"{m}_{c}") for c in pick)
        )
        for m in ("month", "ytd")
    }
    grid = (
        cells.select(*keys, "year").unique()
        .join(pl.LazyFrame({"month": pl.int_range(1, 13, eager=True).cast(pl.Int8)}), how="cross")
        .join(by_measure["month"], on=[*keys, "year", "month"], how="left")
        .join(by_measure["ytd"], on=[*keys, "year", "month"], how="left")
        .sort(*keys, "year", "month")
    )  # fmt: skip
    g = [*keys, "year"]
    v, c = pl.col("month_value_t"), pl.col("ytd_value_t")
    m = pl.col("month")
    # a cumulative to February without a February figure, and nothing stated for January
    jf_year = (((m == 2) & c.is_not_null() & v.is_null()).any() & ~(
        (m == 1) & (v.is_not_null() | c.is_not_null())).any()).over(g)  # fmt: skip
    grid = grid.with_columns(jf_year=jf_year).with_columns(
        is_jf=pl.col("jf_year") & (m == 2),
        jan_of_jf=pl.col("jf_year") & (m == 1),
    )
    # In a combined year the month-2 cell holds the January-February figure as its value.
    grid = grid.with_columns(
        **{
            f"month_{x}": pl.when("is_jf").then(pl.col(f"ytd_{x}")).otherwise(pl.col(f"month_{x}"))
            for x in pick
        }  # fmt: skip
    )
    known = v.is_not_null() | pl.col("jan_of_jf")
    anchor = c.is_not_null()
    grid = grid.with_columns(
        known=known,
        anchor=anchor,
        S=v.fill_null(0).cum_sum().over(g),
        K=(~known).cast(pl.Int32).cum_sum().over(g),
        H=pl.col("month_half_unit_t").fill_null(0).cum_sum().over(g),
    )

    def at_anchor(col: str, fill: float | None, *, back: bool = False, strict: bool = False):
        e = pl.when("anchor").then(pl.col(col))
        if strict:
            e = e.shift(1)
        e = e.backward_fill() if back else e.forward_fill()
        return e.over(g) if fill is None else e.over(g).fill_null(fill)

    grid = grid.with_columns(
        fC=at_anchor("ytd_value_t", 0.0), fS=at_anchor("S", 0.0), fK=at_anchor("K", 0),
        bC=at_anchor("ytd_value_t", None, back=True), bS=at_anchor("S", None, back=True),
        bK=at_anchor("K", None, back=True),
        pC=at_anchor("ytd_value_t", 0.0, strict=True), pS=at_anchor("S", 0.0, strict=True),
        pK=at_anchor("K", 0, strict=True), pH=at_anchor("H", 0.0, strict=True),
        pU=at_anchor("ytd_half_unit_t", 0.0, strict=True),
        # a derived month's address: the cumulative at or after it (rule 5)
        C_url=at_anchor("ytd_source_url", None, back=True),
        fU=at_anchor("ytd_half_unit_t", 0.0), fH=at_anchor("H", 0.0),
        bU=at_anchor("ytd_half_unit_t", None, back=True), bH=at_anchor("H", None, back=True),
    )  # fmt: skip
    S, K = pl.col("S"), pl.col("K")
    forward = pl.when(pl.col("fK") == K).then(pl.col("fC") + S - pl.col("fS"))
    backward = pl.when(pl.col("bK") == K).then(pl.col("bC") - (pl.col("bS") - S))
    grid = grid.with_columns(
        C=pl.when("jan_of_jf").then(None).otherwise(pl.coalesce(c, forward, backward)),
        C_hu=pl.when("jan_of_jf").then(None).otherwise(pl.coalesce(
            pl.when(anchor).then("ytd_half_unit_t"),
            pl.when(forward.is_not_null()).then(pl.col("fU") + pl.col("H") - pl.col("fH")),
            pl.when(backward.is_not_null()).then(pl.col("bU") + pl.col("bH") - pl.col("H")),
        )),
        violates=anchor & (pl.col("pK") == K) & (
            (c - (pl.col("pC") + S - pl.col("pS"))).abs()
            > pl.col("ytd_half_unit_t") + pl.col("pU") + pl.col("H") - pl.col("pH") + EPS
        ),
    )  # fmt: skip
    prev_c = pl.when(m == 1).then(0.0).otherwise(pl.col("C").shift(1).over(g))
    prev_hu = pl.when(m == 1).then(0.0).otherwise(pl.col("C_hu").shift(1).over(g))
    # A derived cumulative to February, with no January figure at all, is a derived
    # January-February observation (rule 4 for a cumulative obtained by rule 6).
    late_jf = (
        (m == 2)
        & ~pl.col("jf_year")
        & v.is_null()
        & pl.col("C").is_not_null()
        & ~(((m == 1) & (v.is_not_null() | pl.col("C").is_not_null())).any().over(g))
    )
    # its January has no figure and no cumulative (as `late_jf` requires): `_close` drops it
    grid = grid.with_columns(late_jf=late_jf).with_columns(
        is_jf=pl.col("is_jf") | pl.col("late_jf")
    )
    derive = pl.col("late_jf") | (~pl.col("known") & pl.col("C").is_not_null()
                                  & prev_c.is_not_null())  # fmt: skip
    return grid.with_columns(
        is_derived=derive,
        v=pl.when("late_jf").then("C").when(derive).then(pl.col("C") - prev_c).otherwise(v),
        v_hu=pl.when("late_jf")
        .then("C_hu")
        .when(derive)
        .then(pl.col("C_hu") + prev_hu)
        .otherwise("month_half_unit_t"),
        ytd_is_derived=pl.col("C").is_not_null() & ~anchor,
    )


def _close(chosen: pl.DataFrame) -> pl.DataFrame:
    grid = _chain(chosen).collect()
    decimals = 6
    rows = grid.filter(~pl.col("jan_of_jf"), pl.col("v").is_not_null() | pl.col("C").is_not_null())
    out = rows.select(
        *SERIES,
        period=pl.date("year", pl.when("is_jf").then(1).otherwise("month"), 1),
        months=pl.when("is_jf").then(2).otherwise(1).cast(pl.Int8),
        value_t=pl.col("v").round(decimals),
        ytd_t=pl.col("C").round(decimals),
        value_half_unit_t=pl.col("v_hu"),
        ytd_half_unit_t=pl.col("C_hu"),
        is_derived=pl.col("is_derived"),
        ytd_is_derived=pl.col("ytd_is_derived"),
        n_sources=pl.when("is_derived").then(0).otherwise(  # 0: no figure of the row is stated
            pl.coalesce("month_n_sources", "ytd_n_sources", 0)),
        source_url=pl.when("is_derived").then("C_url").otherwise(
            pl.coalesce("month_source_url", "ytd_source_url", "C_url")),
        has_conflict=pl.col("month_has_conflict").fill_null(False)
        | pl.col("ytd_has_conflict").fill_null(False),
        value_usd=pl.col("month_value_usd"),
        missing_reason=pl.lit(None, pl.String),
        weight_estimated=pl.lit(False),
        weight_source=pl.lit(None, pl.String),
    )  # fmt: skip
    return _named(out.sort(*SERIES, "period", nulls_last=True))


def _records(usable: pl.DataFrame) -> pl.DataFrame:
    """Records formats: one figure per key (identical repeats collapse, others are an error);
    ``ytd_t`` is the running sum while no month of the year is missing (rule 6)."""
    usable = usable.with_columns(_m=month_number(usable["period"]))
    grid, order = MonthGrid.build_sorted(usable, list(SERIES), "_m")
    if grid.duplicate.any():
        duplicate = np.zeros(usable.height, dtype=bool)
        duplicate[grid.duplicate if order is None else order[grid.duplicate]] = True
        repeated = usable.filter(
            pl.struct(KEY).is_in(
                usable.filter(pl.Series(duplicate)).select(pl.struct(KEY)).to_series().implode()
            )
        )
        _raise_on_different_repeats(repeated)
        usable = usable.filter(~pl.Series(duplicate))
        grid, order = MonthGrid.build_sorted(usable, list(SERIES), "_m")
    # only what the canonical frame takes, put series by series, months in order
    usable = usable.select(*SERIES, "period", "value_t", "half_unit_t", "source_url",
                           "value_usd", "missing_reason", "weight_estimated", "weight_source")  # fmt: skip
    if order is not None:
        usable = _in_order(usable, order)
    ytd = grid.year_to_date(grid.scatter(usable["value_t"].to_numpy()))[grid.pos]
    out = usable.select(
        *SERIES, "period",
        months=pl.lit(1, pl.Int8), value_t="value_t",
        ytd_t=pl.Series(ytd, nan_to_null=True),
        value_half_unit_t=pl.when(pl.col("value_t").is_not_null()).then("half_unit_t"),
        ytd_half_unit_t=pl.when(pl.Series(ytd, nan_to_null=True).is_not_null()).then(0.0),
        is_derived=pl.lit(False), ytd_is_derived=pl.Series(~np.isnan(ytd)),
        n_sources=pl.lit(1, pl.Int32), source_url="source_url", has_conflict=pl.lit(False),
        value_usd="value_usd", missing_reason="missing_reason",
        weight_estimated="weight_estimated", weight_source="weight_source",
    )  # fmt: skip
    return _named(out)


def _in_order(frame: pl.DataFrame, order: np.ndarray) -> pl.DataFrame:
    """``frame``'s rows in ``order``. A column that is missing throughout, or holds one
    category throughout (one file's source, one reporter), is repeated, not gathered: a
    gather of ten million rows costs about a fifth of a second a column."""
    one_value = [c for c, s in frame.to_dict().items() if _one_value(s)]
    gathered = frame.drop(one_value)[order]
    return gathered.with_columns(
        frame[c].new_from_index(0, frame.height) for c in one_value
    ).select(frame.columns)


def _one_value(column: pl.Series) -> bool:
    """Whether ``column`` is missing throughout or holds one category throughout."""
    if column.null_count() == len(column):
        return True
    if column.null_count() or not isinstance(column.dtype, pl.Categorical | pl.Enum):
        return False
    codes = column.to_physical()
    return codes.min() == codes.max()


def _named(canonical: pl.DataFrame) -> pl.DataFrame:
    """The canonical frame with its names (:func:`reanalysis.names.add_names`), in schema;
    the join key ``NO_REPORTER`` is null again."""
    canonical = canonical.with_columns(
        reporter=pl.when(pl.col("reporter") != NO_REPORTER).then("reporter")
    )
    return add_names(canonical).select(CANONICAL_SCHEMA.names()).cast(dict(CANONICAL_SCHEMA))
