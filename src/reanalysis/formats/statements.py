"""The curated source statements shipped in ``data/raw/rare_earths/`` (two layouts: the
headline customs file and the magnets file). Every figure keeps its source address.
"""

from pathlib import Path

import polars as pl

from reanalysis.errors import CumulativeError, report
from reanalysis.formats.common import (
    ONLY_PERCENT,
    check_members,
    check_present,
    flag_rows,
    half_unit,
    missing_reason,
    parse_number,
    parse_period,
    read_text_csv,
    strip_keys,
)

CUSTOMS_HEADER = (
    "period", "flow", "commodity", "value_t", "ytd_t",
    "mom_pct_reported", "yoy_pct_reported", "source_url", "quote",
)  # fmt: skip
MAGNET_HEADER = (
    "period", "partner", "value_t", "yoy_pct_reported", "mom_pct_reported", "source_url", "quote",
)  # fmt: skip

MAGNET_COMMODITY = "rare earth permanent magnets"
YTD_SUFFIX = " YTD"
CUSTOMS_FLOWS = {"export": ("export", "month"), "import": ("import", "month"),
                 "export_ytd": ("export", "ytd"), "import_ytd": ("import", "ytd")}  # fmt: skip
EXCLUDE_MARKERS = ("SUSPECT", "NOTE")
# Statements whose figure is another definition than the series they would join
# (see data/raw/rare_earths/SOURCES.md, "Known conflicts" 8 and 10).
DIFFERENT_DEFINITION = {
    ("https://www.adamasintel.com/", "2024-12", "World YTD"): "magnets and magnet alloys",
    ("https://globalspark.news/", "2025-12", "Japan YTD"): "same source as the 411.3 t row "
    "flagged NOTE (broader definition)",
}


def read_statement_file(path: Path) -> pl.DataFrame:
    frame = read_text_csv(path)
    # its columns are checked by read_statements (whichever way the format was chosen)
    layout = CUSTOMS_HEADER if "flow" in frame.columns else MAGNET_HEADER
    frame = strip_keys(frame, [c for c in ("flow", "commodity", "partner", "source_url")
                               if c in frame.columns])  # fmt: skip
    check_present(frame, path, "source_url", "the address of the source")
    if layout == MAGNET_HEADER:
        check_present(frame, path, "partner", "a partner name")
    if layout == MAGNET_HEADER:
        is_ytd = pl.col("partner").str.ends_with(YTD_SUFFIX)
        frame = frame.with_columns(
            commodity=pl.lit(MAGNET_COMMODITY),
            flow=pl.when(is_ytd).then(pl.lit("export_ytd")).otherwise(pl.lit("export")),
            partner_raw=pl.col("partner"),
            partner=pl.col("partner").str.strip_suffix(YTD_SUFFIX).str.strip_chars(),
            ytd_t=pl.lit(None, pl.String),
        ).with_columns(
            ytd_t=pl.when(pl.col("flow") == "export_ytd").then(pl.col("value_t")),
            value_t=pl.when(pl.col("flow") == "export").then(pl.col("value_t")),
        )
    else:
        frame = frame.with_columns(partner=pl.lit("World"), partner_raw=pl.lit("World"))
    check_members(frame, path, "flow", CUSTOMS_FLOWS)
    given = pl.col("value_t").str.strip_chars() != ""
    flag_rows(frame, pl.col("flow").str.ends_with("_ytd") & given,
              path, "value_t", "blank on a year-to-date row (its level goes in ytd_t)")  # fmt: skip
    numbers = {c: parse_number(frame, path, c) for c in ("value_t", "ytd_t")}
    pcts = {c: parse_number(frame, path, c, signed=True) for c in
            ("mom_pct_reported", "yoy_pct_reported")}  # fmt: skip
    frame = frame.with_columns(
        period=parse_period(frame, path, "period"),
        flow_measure=pl.col("flow").replace_strict(
            {k: v[1] for k, v in CUSTOMS_FLOWS.items()}, default=None, return_dtype=pl.String
        ),
        flow=pl.col("flow").replace_strict(
            {k: v[0] for k, v in CUSTOMS_FLOWS.items()}, default=None, return_dtype=pl.String
        ),
        excluded_reason=_excluded_reason(),
        value_hu=half_unit("value_t", trailing_zeros=True),
        ytd_hu=half_unit("ytd_t", trailing_zeros=True),
        mom_pct_half_unit=half_unit("mom_pct_reported", trailing_zeros=False),
        yoy_pct_half_unit=half_unit("yoy_pct_reported", trailing_zeros=False),
        **numbers,
        **pcts,
        value_usd=pl.lit(None, pl.Float64),
        reporter=pl.lit(None, pl.String),
        file=pl.lit(str(path)),
    )
    nothing = pl.all_horizontal(pl.col(c).is_null() for c in (*numbers, *pcts))
    flag_rows(frame, nothing, path, "value_t", "a figure: value_t, ytd_t or a reported "
              "percentage (a row that states nothing)", show=False)  # fmt: skip
    pct_cols = ["mom_pct_reported", "mom_pct_half_unit", "yoy_pct_reported", "yoy_pct_half_unit"]
    no_pct = {c: pl.lit(None, pl.Float64) for c in pct_cols}
    has_pct = pl.col("mom_pct_reported").is_not_null() | pl.col("yoy_pct_reported").is_not_null()
    month_rows = frame.filter(
        pl.col("flow_measure") == "month", pl.col("value_t").is_not_null() | has_pct
    ).with_columns(
        measure=pl.lit("month"), half_unit_t=pl.col("value_hu"), column=pl.lit("value_t")
    )
    ytd_rows = pl.concat(
        [
            frame.filter(pl.col("flow_measure") == "ytd", pl.col("ytd_t").is_not_null() | has_pct),
            frame.filter(
                pl.col("flow_measure") == "month", pl.col("ytd_t").is_not_null()
            ).with_columns(**no_pct),
        ]
    ).with_columns(
        measure=pl.lit("ytd"),
        value_t=pl.col("ytd_t"),
        half_unit_t=pl.col("ytd_hu"),
        column=pl.lit("value_t" if layout == MAGNET_HEADER else "ytd_t"),
    )
    return (
        pl.concat([month_rows, ytd_rows], how="diagonal_relaxed")
        .with_columns(missing_reason=missing_reason("value_t", ONLY_PERCENT))
        .sort("line", "measure")
    )


def _excluded_reason() -> pl.Expr:
    quote = pl.col("quote").fill_null("")
    marker = quote.str.extract(f"^({'|'.join(EXCLUDE_MARKERS)})\\b", 1)
    reason = pl.when(marker.is_not_null()).then(
        pl.lit("flagged ") + marker + pl.lit(" in the source file: another series or definition")
    )
    for (url, period, partner), why in DIFFERENT_DEFINITION.items():
        reason = reason.when(
            pl.col("source_url").str.starts_with(url),
            pl.col("period") == period,
            pl.col("partner_raw") == partner,
        ).then(pl.lit(f"different definition: {why}"))
    return reason.otherwise(None)


def check_cumulatives(statements: pl.DataFrame) -> None:
    """Raise :class:`CumulativeError` where a stated cumulative falls within a year.

    A later January-to-date figure must not be smaller than an earlier one of the same series
    beyond the rounding of both figures.
    """
    ytd = statements.filter(
        pl.col("measure") == "ytd",
        pl.col("value_t").is_not_null(),
        pl.col("excluded_reason").is_null(),
    )
    series = ["commodity", "flow", "partner"]
    year = pl.col("period").dt.year().alias("year")
    floors = (
        ytd.group_by(*series, year, "period")
        .agg(floor=(pl.col("value_t") - pl.col("half_unit_t")).min())
        .sort("period")
        .with_columns(prior=pl.col("floor").cum_max().shift(1).over(*series, "year"))
        .drop("floor", "year")
    )
    falls = (
        ytd.join(floors, on=[*series, "period"])
        .filter(pl.col("value_t") + pl.col("half_unit_t") < pl.col("prior"))
        .sort("line")
    )
    if falls.height:
        row = falls.row(0, named=True)
        earlier = (
            ytd.filter(
                *(pl.col(k) == row[k] for k in series),
                pl.col("period").dt.year() == row["period"].year,
                pl.col("period") < row["period"],
            )
            .sort("value_t", descending=True)
            .row(0, named=True)
        )
        report(CumulativeError(
            row["file"], row["line"], row["column"], row["value_t"],
            f"at least the {earlier['value_t']:g} t stated for January-{earlier['period']:%m %Y} "
            f"on line {earlier['line']} (a cumulative cannot fall within a year)",
        ))  # fmt: skip
