"""Read customs files into a validated *statements* frame: one row per figure a source stated.

Three formats, detected from the header (or given as ``format=``):

``statements``
    The curated source statements shipped in ``data/raw/rare_earths/`` (two layouts: the
    headline customs file and the magnets file). Every figure keeps its source address.
``tidy``
    CSV or Parquet with ``period,commodity,flow,partner,value,unit[,source_url]``;
    ``period`` as ``YYYY-MM``, ``unit`` ``t`` or ``kg``.
``comtrade``
    A UN Comtrade+ export (47 columns): monthly rows, ``netWgt`` in kg, ``primaryValue`` in USD,
    UTF-8 or ISO-8859-1.

The statements frame (``STATEMENT_SCHEMA``) has one row per stated figure:

- ``file``, ``line``, ``column``: where it was read (line 1 is the header);
- ``commodity``, ``flow`` (``export``/``import``/...), ``partner`` (``World`` for the total);
- ``period``: first day of the last month the figure covers;
- ``measure``: ``month`` (that month alone) or ``ytd`` (January to ``period``);
- ``value_t``: metric tonnes (null where a source gave only a percentage);
- ``half_unit_t``: half the rounding unit of the stated figure (``4785`` -> 0.5,
  ``4784.8`` -> 0.05, ``34000`` -> 500; 0 for exact records);
- ``source_url``; ``mom_pct_reported``, ``yoy_pct_reported`` with their ``*_half_unit``;
- ``excluded_reason``: why a statement is kept out of the series (a different definition);
- ``value_usd``, ``reporter``: where the input has them.

Columns repeated on every row of a file (``file``, ``column``, ``measure``, ``source_url``,
``excluded_reason``) and the series names (``reporter``, ``commodity``, ``flow``,
``partner``) are categorical: four bytes a row on a large extract, and the month grid
(:mod:`reanalysis.monthgrid`) groups series by their codes.
"""

import csv
import io
import tempfile
from collections.abc import Callable
from pathlib import Path

import polars as pl

from reanalysis.errors import (
    BadValueError,
    CumulativeError,
    EmptyFileError,
    EncodingError,
    MissingColumnError,
    UnknownFormatError,
)
from reanalysis.monthgrid import first_of_month

STATEMENT_SCHEMA = pl.Schema(
    {
        "file": pl.Categorical(),
        "line": pl.Int64,
        "column": pl.Categorical(),
        "commodity": pl.Categorical(),
        "flow": pl.Categorical(),
        "partner": pl.Categorical(),
        "period": pl.Date,
        "measure": pl.Categorical(),
        "value_t": pl.Float64,
        "half_unit_t": pl.Float64,
        "source_url": pl.Categorical(),
        "mom_pct_reported": pl.Float64,
        "mom_pct_half_unit": pl.Float64,
        "yoy_pct_reported": pl.Float64,
        "yoy_pct_half_unit": pl.Float64,
        "excluded_reason": pl.Categorical(),
        "value_usd": pl.Float64,
        "reporter": pl.Categorical(),
    }
)

CUSTOMS_HEADER = (
    "period", "flow", "commodity", "value_t", "ytd_t",
    "mom_pct_reported", "yoy_pct_reported", "source_url", "quote",
)  # fmt: skip
MAGNET_HEADER = (
    "period", "partner", "value_t", "yoy_pct_reported", "mom_pct_reported", "source_url", "quote",
)  # fmt: skip
TIDY_REQUIRED = ("period", "commodity", "flow", "partner", "value", "unit")
# The 47 columns of a UN Comtrade+ CSV, in order (shared/formats/comtrade_plus_columns.md).
COMTRADE_COLUMNS = [
    "typeCode",
    "freqCode",
    "refPeriodId",
    "refYear",
    "refMonth",
    "period",
    "reporterCode",
    "reporterISO",
    "reporterDesc",
    "flowCode",
    "flowDesc",
    "partnerCode",
    "partnerISO",
    "partnerDesc",
    "partner2Code",
    "partner2ISO",
    "partner2Desc",
    "classificationCode",
    "classificationSearchCode",
    "isOriginalClassification",
    "cmdCode",
    "cmdDesc",
    "aggrLevel",
    "isLeaf",
    "customsCode",
    "customsDesc",
    "mosCode",
    "motCode",
    "motDesc",
    "qtyUnitCode",
    "qtyUnitAbbr",
    "qty",
    "isQtyEstimated",
    "altQtyUnitCode",
    "altQtyUnitAbbr",
    "altQty",
    "isAltQtyEstimated",
    "netWgt",
    "isNetWgtEstimated",
    "grossWgt",
    "isGrossWgtEstimated",
    "cifvalue",
    "fobvalue",
    "primaryValue",
    "legacyEstimationFlag",
    "isReported",
    "isAggregate",
]
COMTRADE_REQUIRED = ("freqCode", "period", "flowCode", "cmdCode", "partnerDesc", "netWgt")
COMTRADE_OPTIONAL = ("primaryValue", "reporterDesc")

MAGNET_COMMODITY = "rare earth permanent magnets"
YTD_SUFFIX = " YTD"
CUSTOMS_FLOWS = {"export": ("export", "month"), "import": ("import", "month"),
                 "export_ytd": ("export", "ytd"), "import_ytd": ("import", "ytd")}  # fmt: skip
TIDY_FLOWS = ("export", "import", "re-export", "re-import")
COMTRADE_FLOWS = {"X": "export", "M": "import", "RX": "re-export", "RM": "re-import"}
UNITS_TO_T = {"t": 1.0, "kg": 0.001}
EXCLUDE_MARKERS = ("SUSPECT", "NOTE")
# Statements whose figure is another definition than the series they would join
# (see data/raw/rare_earths/SOURCES.md, "Known conflicts" 8 and 10).
DIFFERENT_DEFINITION = {
    ("https://www.adamasintel.com/", "2024-12", "World YTD"): "magnets and magnet alloys",
    ("https://globalspark.news/", "2025-12", "Japan YTD"): "same source as the 411.3 t row "
    "flagged NOTE (broader definition)",
}
PERIOD_RE = r"^\d{4}-(0[1-9]|1[0-2])$"


def read_statements(path: str | Path, *, format: str = "auto") -> pl.DataFrame:
    """Read one customs file into the statements frame.

    >>> from reanalysis import paths
    >>> st = read_statements(paths.CUSTOMS_FILES[0])
    >>> st.filter(pl.col("period") == pl.date(2025, 4, 1), pl.col("measure") == "ytd",
    ...           pl.col("flow") == "export")[
    ...     "value_t"].to_list()
    [18962.0, 18962.0, 18962.0]
    """
    path = Path(path)
    fmt = detect_format(path) if format == "auto" else format
    readers: dict[str, Callable[[Path], pl.DataFrame]] = {
        "statements": _read_statement_file,
        "tidy": _read_tidy,
        "comtrade": _read_comtrade,
    }
    if fmt not in readers:
        raise UnknownFormatError(path, None, None, fmt, f"one of {sorted(readers)}")
    return readers[fmt](path)[STATEMENT_SCHEMA.names()].cast(dict(STATEMENT_SCHEMA))


def detect_format(path: Path) -> str:
    """Name the format of ``path`` from its header; raise a typed error when none fits."""
    columns = _header(path)
    candidates = {
        "statements": CUSTOMS_HEADER if "flow" in columns else MAGNET_HEADER,
        "tidy": TIDY_REQUIRED,
        "comtrade": COMTRADE_REQUIRED,
    }
    for name, required in candidates.items():
        if set(required) <= set(columns):
            return name
    name, required = max(candidates.items(), key=lambda kv: _overlap(kv[1], columns))
    if _overlap(required, columns) >= 0.5:
        missing = [c for c in required if c not in columns]
        raise MissingColumnError(path, 1, missing[0], ",".join(columns), f"a {name} header "
                                 f"with columns {', '.join(required)}")  # fmt: skip
    raise UnknownFormatError(
        path, 1, None, ",".join(columns)[:200],
        "a header of the statements, tidy (period,commodity,flow,partner,value,unit) "
        "or UN Comtrade+ format",
    )  # fmt: skip


def _overlap(required: tuple[str, ...], columns: list[str]) -> float:
    return sum(c in columns for c in required) / len(required)


def _is_parquet(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"PAR1"


def _header(path: Path) -> list[str]:
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if _is_parquet(path):
        return pl.read_parquet_schema(path).names()
    with path.open("rb") as fh:
        first = fh.readline()
    text = first.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    if not text:
        raise EmptyFileError(path, 1, None, "an empty file", "a header line and data rows")
    return next(csv.reader([text]))


def _check_utf8(path: Path, raw: bytes) -> None:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        prefix = raw[line_start : exc.start].decode("utf-8", errors="replace")
        field = len(next(csv.reader([prefix]), [""])) - 1
        header = _header(path)
        column = header[field] if field < len(header) else None
        line = raw.count(b"\n", 0, exc.start) + 1
        raise EncodingError(
            path, line, column, raw[exc.start : exc.start + 4], "UTF-8 text"
        ) from None


def read_text_csv(path: Path) -> pl.DataFrame:
    """Read a small CSV with every column as text, after checking it is UTF-8 and not empty."""
    raw = path.read_bytes()
    if not raw.strip():
        raise EmptyFileError(path, 1, None, "an empty file", "a header line and data rows")
    _check_utf8(path, raw)
    frame = pl.read_csv(io.BytesIO(raw), infer_schema=False)
    if frame.height == 0:
        raise EmptyFileError(path, 2, None, "a header and no data rows", "at least one data row")
    return frame.with_row_index("line", offset=2).with_columns(pl.col("line").cast(pl.Int64))


def stated_at() -> pl.Expr:
    """``file:line`` of a statement (the file's name only), for listings."""
    return (
        pl.col("file").cast(pl.String).str.split("/").list.last()
        + ":"
        + pl.col("line").cast(pl.String)
    )


def _first_bad(frame: pl.DataFrame, bad: pl.Expr, column: str) -> tuple[int, str] | None:
    hit = frame.filter(bad).select("line", pl.col(column).cast(pl.String)).head(1)
    return None if hit.height == 0 else (hit.item(0, 0), hit.item(0, 1))


def _number(frame: pl.DataFrame, path: Path, column: str, *, signed: bool = False) -> pl.Expr:
    """Parse a text column to Float64; raise on a non-number or (unless signed) a negative."""
    text = pl.col(column).str.strip_chars()
    value = text.cast(pl.Float64, strict=False)
    hit = _first_bad(
        frame, text.is_not_null() & (text != "") & (value.is_null() | value.is_nan()), column
    )
    if hit:
        raise BadValueError(path, hit[0], column, hit[1], "a number")
    if not signed:
        hit = _first_bad(frame, value < 0, column)
        if hit:
            raise BadValueError(path, hit[0], column, hit[1], "a non-negative quantity")
    return value


def _half_unit(column: str, *, trailing_zeros: bool) -> pl.Expr:
    """Half the rounding unit of a number written as text (see module docstring)."""
    text = pl.col(column).str.strip_chars().str.strip_chars_start("-")
    decimals = text.str.split(".").list.get(1, null_on_oob=True).str.len_chars()
    zeros = text.str.len_chars() - text.str.strip_chars_end("0").str.len_chars()
    whole = (
        pl.lit(0.5) * pl.lit(10.0).pow(zeros.clip(0, text.str.len_chars() - 1))
        if trailing_zeros
        else pl.lit(0.5)
    )
    return (
        pl.when(text.is_null() | (text == ""))
        .then(None)
        .when(decimals.is_not_null())
        .then(pl.lit(0.5) * pl.lit(10.0).pow(-decimals.cast(pl.Float64)))
        .otherwise(whole)
    )


def _period(frame: pl.DataFrame, path: Path, column: str, pattern: str, example: str) -> pl.Expr:
    text = pl.col(column).cast(pl.String).str.strip_chars()
    hit = _first_bad(frame, text.is_null() | ~text.str.contains(pattern), column)
    if hit:
        raise BadValueError(path, hit[0], column, hit[1], f"a month as {example}")
    digits = text.str.replace_all("-", "")
    return pl.date(digits.str.slice(0, 4).cast(pl.Int32), digits.str.slice(4, 2).cast(pl.Int8), 1)


def _check_quantity(frame: pl.DataFrame, path: Path, column: str, what: str) -> None:
    """A typed quantity column: no NaN, nothing negative."""
    for bad, expected in ((pl.col(column).is_nan(), f"a {what}"),
                          (pl.col(column) < 0, f"a non-negative {what}")):  # fmt: skip
        hit = _first_bad(frame, bad, column)
        if hit:
            raise BadValueError(path, hit[0], column, hit[1], expected)


def _check_members(frame: pl.DataFrame, path: Path, column: str, allowed) -> None:
    hit = _first_bad(frame, ~pl.col(column).is_in(list(allowed)) | pl.col(column).is_null(), column)
    if hit:
        raise BadValueError(path, hit[0], column, hit[1], f"one of {', '.join(allowed)}")


def _read_statement_file(path: Path) -> pl.DataFrame:
    frame = read_text_csv(path)
    layout = CUSTOMS_HEADER if "flow" in frame.columns else MAGNET_HEADER
    missing = [c for c in layout if c not in frame.columns]
    if missing:
        raise MissingColumnError(path, 1, missing[0], ",".join(frame.columns), ",".join(layout))
    hit = _first_bad(frame, pl.col("source_url").is_null(), "source_url")
    if hit:
        raise BadValueError(path, hit[0], "source_url", None, "the address of the source")
    if layout == MAGNET_HEADER:
        is_ytd = pl.col("partner").str.ends_with(YTD_SUFFIX)
        frame = frame.with_columns(
            commodity=pl.lit(MAGNET_COMMODITY),
            flow=pl.when(is_ytd).then(pl.lit("export_ytd")).otherwise(pl.lit("export")),
            partner_raw=pl.col("partner"),
            partner=pl.col("partner").str.strip_suffix(YTD_SUFFIX),
            ytd_t=pl.lit(None, pl.String),
        ).with_columns(
            ytd_t=pl.when(pl.col("flow") == "export_ytd").then(pl.col("value_t")),
            value_t=pl.when(pl.col("flow") == "export").then(pl.col("value_t")),
        )
    else:
        frame = frame.with_columns(partner=pl.lit("World"), partner_raw=pl.lit("World"))
    _check_members(frame, path, "flow", CUSTOMS_FLOWS)
    hit = _first_bad(
        frame, pl.col("flow").str.ends_with("_ytd") & pl.col("value_t").is_not_null(), "value_t"
    )
    if hit:
        raise BadValueError(path, hit[0], "value_t", hit[1], "blank on a year-to-date row "
                            "(its level goes in ytd_t)")  # fmt: skip
    numbers = {c: _number(frame, path, c) for c in ("value_t", "ytd_t")}
    pcts = {c: _number(frame, path, c, signed=True) for c in
            ("mom_pct_reported", "yoy_pct_reported")}  # fmt: skip
    frame = frame.with_columns(
        period=_period(frame, path, "period", PERIOD_RE, "YYYY-MM"),
        flow_measure=pl.col("flow").replace_strict(
            {k: v[1] for k, v in CUSTOMS_FLOWS.items()}, return_dtype=pl.String
        ),
        flow=pl.col("flow").replace_strict(
            {k: v[0] for k, v in CUSTOMS_FLOWS.items()}, return_dtype=pl.String
        ),
        excluded_reason=_excluded_reason(),
        value_hu=_half_unit("value_t", trailing_zeros=True),
        ytd_hu=_half_unit("ytd_t", trailing_zeros=True),
        mom_pct_half_unit=_half_unit("mom_pct_reported", trailing_zeros=False),
        yoy_pct_half_unit=_half_unit("yoy_pct_reported", trailing_zeros=False),
        **numbers,
        **pcts,
        value_usd=pl.lit(None, pl.Float64),
        reporter=pl.lit(None, pl.String),
        file=pl.lit(str(path)),
    )
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
    return pl.concat([month_rows, ytd_rows], how="diagonal_relaxed").sort("line", "measure")


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


def _scan(path: Path, schema: dict[str, pl.DataType], encoding: str = "utf8") -> pl.LazyFrame:
    if _is_parquet(path):
        return pl.scan_parquet(path).select(list(schema)).cast(schema)
    return pl.scan_csv(path, schema_overrides=schema, encoding=encoding, infer_schema=False)


def _collect_checked(path: Path, lazy: pl.LazyFrame, numeric: tuple[str, ...]) -> pl.DataFrame:
    """Collect ``lazy``; on a parse failure, re-read the numeric columns as text to say where."""
    try:
        return lazy.collect()
    except pl.exceptions.ComputeError:
        text = _scan(path, {c: pl.String for c in numeric}).select(numeric).collect()
        text = text.with_row_index("line", offset=2).with_columns(pl.col("line").cast(pl.Int64))
        for column in numeric:
            if column == "period":
                _period(text, path, "period", r"^\d{4}(0[1-9]|1[0-2])$", "YYYYMM")
            else:
                _number(text, path, column)
        raise


def _read_tidy(path: Path) -> pl.DataFrame:
    schema = {c: pl.String for c in ("period", "commodity", "flow", "partner", "unit")}
    columns = _header(path)
    has_url = "source_url" in columns
    if has_url:
        schema["source_url"] = pl.String
    lazy = _scan(path, {**schema, "value": pl.Float64}).select([*schema, "value"])
    try:
        frame = _collect_checked(path, lazy, ("value",))
    except pl.exceptions.ComputeError as exc:
        if "utf-8" in str(exc).lower():
            _check_utf8(path, path.read_bytes())
        raise
    if frame.height == 0:
        raise EmptyFileError(path, 2, None, "a header and no data rows", "at least one data row")
    frame = frame.with_row_index("line", offset=2).with_columns(pl.col("line").cast(pl.Int64))
    _check_members(frame, path, "unit", UNITS_TO_T)
    _check_members(frame, path, "flow", TIDY_FLOWS)
    for column in ("commodity", "partner"):
        hit = _first_bad(frame, pl.col(column).is_null(), column)
        if hit:
            raise BadValueError(path, hit[0], column, None, f"a {column} name")
    _check_quantity(frame, path, "value", "quantity")
    return frame.with_columns(
        period=_period(frame, path, "period", PERIOD_RE, "YYYY-MM"),
        value_t=pl.col("value")
        * pl.col("unit").replace_strict(UNITS_TO_T, return_dtype=pl.Float64),
        half_unit_t=pl.lit(0.0),
        measure=pl.lit("month"),
        column=pl.lit("value"),
        source_url=pl.col("source_url") if has_url else pl.lit(path.resolve().as_uri()),
        file=pl.lit(str(path)),
        **_no_extras(),
    )


def _no_extras() -> dict[str, pl.Expr]:
    nulls = {c: pl.lit(None, pl.Float64) for c in ("mom_pct_reported", "mom_pct_half_unit",
             "yoy_pct_reported", "yoy_pct_half_unit", "value_usd")}  # fmt: skip
    return {
        **nulls,
        "excluded_reason": pl.lit(None, pl.String),
        "reporter": pl.lit(None, pl.String),
    }


def _read_comtrade(path: Path) -> pl.DataFrame:
    columns = _header(path)
    optional = [c for c in COMTRADE_OPTIONAL if c in columns]
    schema: dict[str, pl.DataType] = {
        "freqCode": pl.Categorical(), "period": pl.Int64, "flowCode": pl.Categorical(),
        "cmdCode": pl.Categorical(), "partnerDesc": pl.Categorical(), "netWgt": pl.Float64,
        "primaryValue": pl.Float64, "reporterDesc": pl.Categorical(),
    }  # fmt: skip
    wanted = {c: schema[c] for c in (*COMTRADE_REQUIRED, *optional)}
    numeric = tuple(c for c in ("period", "netWgt", "primaryValue") if c in wanted)

    def monthly(source: Path) -> pl.DataFrame:
        lazy = (
            _scan(source, wanted)
            .select(list(wanted))
            .with_row_index("line", offset=2)
            .filter(pl.col("freqCode") == "M")
        )
        return _collect_checked(source, lazy, numeric)

    try:
        frame = monthly(path)
    except pl.exceptions.ComputeError as exc:
        if "utf-8" not in str(exc).lower() and "utf8" not in str(exc).lower():
            raise
        frame = monthly(_transcode_latin1(path))
    frame = frame.with_columns(pl.col("line").cast(pl.Int64))
    if frame.height == 0:
        raise EmptyFileError(path, 2, "freqCode", "no monthly rows", "rows with freqCode M")
    _check_members(frame, path, "flowCode", COMTRADE_FLOWS)
    _check_quantity(frame, path, "netWgt", "weight in kg")
    extras = _no_extras()
    if "primaryValue" in wanted:
        extras["value_usd"] = pl.col("primaryValue")
    if "reporterDesc" in wanted:
        extras["reporter"] = pl.col("reporterDesc")
    return frame.with_columns(
        period=_yyyymm(frame, path),
        commodity=pl.col("cmdCode"),
        flow=_recode(pl.col("flowCode"), COMTRADE_FLOWS),
        partner=pl.col("partnerDesc"),
        value_t=pl.col("netWgt") / 1000.0,
        half_unit_t=pl.lit(0.0),
        measure=pl.lit("month"),
        column=pl.lit("netWgt"),
        source_url=pl.lit(path.resolve().as_uri()),
        file=pl.lit(str(path)),
        **extras,
    )


def _yyyymm(frame: pl.DataFrame, path: Path) -> pl.Series:
    """Comtrade+ ``period`` (an integer YYYYMM) as the first day of the month."""
    p = pl.col("period")
    hit = _first_bad(
        frame,
        p.is_null() | ~(p % 100).is_between(1, 12) | ~(p // 100).is_between(1900, 2200),
        "period",
    )
    if hit:
        raise BadValueError(path, hit[0], "period", hit[1], "a month as YYYYMM")
    return first_of_month(frame["period"])


def _recode(column: pl.Expr, names: dict[str, str]) -> pl.Expr:
    """``column``'s codes (all among ``names``, checked before) as categorical names: a
    comparison per code, cheaper than a lookup per row."""
    codes = iter(names.items())
    code, name = next(codes)
    recoded = pl.when(column == code).then(pl.lit(name, pl.Categorical))
    for code, name in codes:
        recoded = recoded.when(column == code).then(pl.lit(name, pl.Categorical))
    return recoded


def _transcode_latin1(path: Path) -> Path:
    """Write an ISO-8859-1 file as a temporary UTF-8 copy (every byte is valid ISO-8859-1)."""
    out = Path(tempfile.mkstemp(prefix="reanalysis-latin1-", suffix=".csv")[1])
    with (
        path.open(encoding="iso-8859-1", newline="") as src,
        out.open("w", encoding="utf-8") as dst,
    ):
        for block in iter(lambda: src.read(1 << 22), ""):
            dst.write(block)
    return out


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
        raise CumulativeError(
            row["file"], row["line"], row["column"], row["value_t"],
            f"at least the {earlier['value_t']:g} t stated for January-{earlier['period']:%m %Y} "
            f"on line {earlier['line']} (a cumulative cannot fall within a year)",
        )  # fmt: skip
