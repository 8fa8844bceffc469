"""What every format shares: the statements frame, safe text reading, typed cell checks.

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
- ``value_usd``, ``reporter``: where the input has them;
- ``missing_reason``: why ``value_t`` is null (``BLANK_QUANTITY``, ``ONLY_PERCENT``), null when
  a value is present. A blank quantity is never dropped and never read as zero: the row stays,
  so its month stays visible as "no value this month" downstream.

Columns repeated on every row of a file (``file``, ``column``, ``measure``, ``source_url``,
``excluded_reason``) and the series names (``reporter``, ``commodity``, ``flow``,
``partner``) are categorical: four bytes a row on a large extract, and the month grid
(:mod:`reanalysis.monthgrid`) groups series by their codes.
"""

import csv
import io
from pathlib import Path

import polars as pl

from reanalysis.errors import BadValueError, EmptyFileError, EncodingError

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
        "missing_reason": pl.String,
    }
)

BLANK_QUANTITY = "quantity blank in source"
ONLY_PERCENT = "only a percentage stated"

PERIOD_RE = r"^\d{4}-(0[1-9]|1[0-2])$"


def is_parquet(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"PAR1"


def read_header(path: Path) -> list[str]:
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if is_parquet(path):
        return pl.read_parquet_schema(path).names()
    with path.open("rb") as fh:
        first = fh.readline()
    text = first.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    if not text:
        raise EmptyFileError(path, 1, None, "an empty file", "a header line and data rows")
    return next(csv.reader([text]))


def check_utf8(path: Path, raw: bytes) -> None:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        prefix = raw[line_start : exc.start].decode("utf-8", errors="replace")
        field = len(next(csv.reader([prefix]), [""])) - 1
        header = read_header(path)
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
    check_utf8(path, raw)
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


def first_bad(frame: pl.DataFrame, bad: pl.Expr, column: str) -> tuple[int, str] | None:
    hit = frame.filter(bad).select("line", pl.col(column).cast(pl.String)).head(1)
    return None if hit.height == 0 else (hit.item(0, 0), hit.item(0, 1))


def parse_number(frame: pl.DataFrame, path: Path, column: str, *, signed: bool = False) -> pl.Expr:
    """Parse a text column to Float64; raise on a non-number or (unless signed) a negative."""
    text = pl.col(column).str.strip_chars()
    value = text.cast(pl.Float64, strict=False)
    hit = first_bad(
        frame, text.is_not_null() & (text != "") & (value.is_null() | value.is_nan()), column
    )
    if hit:
        raise BadValueError(path, hit[0], column, hit[1], "a number")
    if not signed:
        hit = first_bad(frame, value < 0, column)
        if hit:
            raise BadValueError(path, hit[0], column, hit[1], "a non-negative quantity")
    return value


def half_unit(column: str, *, trailing_zeros: bool) -> pl.Expr:
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


def parse_period(
    frame: pl.DataFrame, path: Path, column: str, pattern: str, example: str
) -> pl.Expr:
    text = pl.col(column).cast(pl.String).str.strip_chars()
    hit = first_bad(frame, text.is_null() | ~text.str.contains(pattern), column)
    if hit:
        raise BadValueError(path, hit[0], column, hit[1], f"a month as {example}")
    digits = text.str.replace_all("-", "")
    return pl.date(digits.str.slice(0, 4).cast(pl.Int32), digits.str.slice(4, 2).cast(pl.Int8), 1)


def check_quantity(frame: pl.DataFrame, path: Path, column: str, what: str) -> None:
    """A typed quantity column: no NaN, nothing negative."""
    for bad, expected in ((pl.col(column).is_nan(), f"a {what}"),
                          (pl.col(column) < 0, f"a non-negative {what}")):  # fmt: skip
        hit = first_bad(frame, bad, column)
        if hit:
            raise BadValueError(path, hit[0], column, hit[1], expected)


def check_members(frame: pl.DataFrame, path: Path, column: str, allowed) -> None:
    hit = first_bad(frame, ~pl.col(column).is_in(list(allowed)) | pl.col(column).is_null(), column)
    if hit:
        raise BadValueError(path, hit[0], column, hit[1], f"one of {', '.join(allowed)}")


def scan(path: Path, schema: dict[str, pl.DataType], encoding: str = "utf8") -> pl.LazyFrame:
    if is_parquet(path):
        return pl.scan_parquet(path).select(list(schema)).cast(schema)
    return pl.scan_csv(path, schema_overrides=schema, encoding=encoding, infer_schema=False)


def collect_checked(path: Path, lazy: pl.LazyFrame, numeric: tuple[str, ...]) -> pl.DataFrame:
    """Collect ``lazy``; on a parse failure, re-read the numeric columns as text to say where."""
    try:
        return lazy.collect()
    except pl.exceptions.ComputeError:
        text = scan(path, {c: pl.String for c in numeric}).select(numeric).collect()
        text = text.with_row_index("line", offset=2).with_columns(pl.col("line").cast(pl.Int64))
        for column in numeric:
            if column == "period":
                parse_period(text, path, "period", r"^\d{4}(0[1-9]|1[0-2])$", "YYYYMM")
            else:
                parse_number(text, path, column)
        raise


def no_extras() -> dict[str, pl.Expr]:
    nulls = {c: pl.lit(None, pl.Float64) for c in ("mom_pct_reported", "mom_pct_half_unit",
             "yoy_pct_reported", "yoy_pct_half_unit", "value_usd")}  # fmt: skip
    return {
        **nulls,
        "excluded_reason": pl.lit(None, pl.String),
        "reporter": pl.lit(None, pl.String),
    }


def missing_reason(value: str, reason: str) -> pl.Expr:
    """``reason`` where the column ``value`` is null, else null."""
    return pl.when(pl.col(value).is_null()).then(pl.lit(reason)).otherwise(pl.lit(None, pl.String))
