"""What every format shares: the statements frame, safe reading, typed cell checks.

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
  so its month stays visible as "no value this month" downstream;
- ``weight_estimated``: the source marks the weight as estimated, not reported (Comtrade+'s
  flags; a tidy file may give the column; false where a format has no flags);
- ``weight_source``: the column the tonnage came from (``netWgt`` or ``qty`` in Comtrade+
  files, null elsewhere).

Columns repeated on every row of a file (``file``, ``column``, ``measure``, ``source_url``,
``excluded_reason``) and the series names (``reporter``, ``commodity``, ``flow``,
``partner``) are categorical: four bytes a row on a large extract, and the month grid
(:mod:`reanalysis.monthgrid`) groups series by their codes.

Reading is safe: a CSV file's layout is checked first (:mod:`reanalysis.formats.layout`), a
Parquet file that cannot be read is a :class:`~reanalysis.errors.CorruptFileError`, and no
parser exception reaches the caller. Cell checks report every bad cell through
:func:`reanalysis.errors.report` (the first raises, unless problems are being collected).
"""

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from reanalysis.errors import (
    BadValueError,
    CorruptFileError,
    EmptyFileError,
    StopReading,
    report,
)
from reanalysis.formats.layout import Layout, read_header_line, read_layout
from reanalysis.names import distinct

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
        "weight_estimated": pl.Boolean,
        "weight_source": pl.Categorical(),
    }
)

# How files write a flag (Comtrade+ exports True/False, its API true/false, others 1/0);
# a blank cell is false.
FLAGS = {"True": True, "true": True, "TRUE": True, "1": True,
         "False": False, "false": False, "FALSE": False, "0": False}  # fmt: skip

BLANK_QUANTITY = "quantity blank in source"
ONLY_PERCENT = "only a percentage stated"

YEARS = (1900, 2200)  # the years a period may name, in every format
PERIOD_RE = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
PARSE_ERRORS = (pl.exceptions.PolarsError, OSError, ValueError)


def is_parquet(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"PAR1"


def read_header(path: Path) -> list[str]:
    """The column names of a CSV or Parquet file."""
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if is_parquet(path):
        try:
            return pl.read_parquet_schema(path).names()
        except PARSE_ERRORS as exc:
            report(_corrupt(path, exc))
            raise StopReading from None
    return read_header_line(path)


def _corrupt(path: Path, exc: Exception) -> CorruptFileError:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return CorruptFileError(path, None, None, first[:160], "a complete Parquet file")


def read_text_csv(path: Path) -> pl.DataFrame:
    """Read a small CSV with every column as text, each row with its ``line``, after checking
    its layout (:func:`~reanalysis.formats.layout.read_layout`); empty lines are skipped."""
    layout = read_layout(path)
    frame = _parse_csv(path, layout, io.BytesIO(path.read_bytes()), None, {})
    if frame.height == 0:
        report(EmptyFileError(path, 2, None, "a header and no data rows", "at least one data row"))
        raise StopReading
    return frame


def check_rows(path: Path, rows: range | None, *, statements: bool = False) -> None:
    """Raise ``ValueError`` unless ``rows`` is ``None`` or consecutive row numbers from 0 up
    (rows past the file's last are none) and ``path`` a Parquet file that is not a
    ``statements`` file."""
    if rows is None:
        return
    if statements or not is_parquet(path):
        raise ValueError(f"{path}: rows= reads part of a tidy or Comtrade+ Parquet file only")
    if rows.step != 1 or rows.start < 0:
        raise ValueError(f"{path}: rows= takes consecutive row numbers from 0 up, not {rows}")


def read_columns(
    path: Path,
    schema: dict[str, pl.DataType],
    *,
    latin1: bool = False,
    expected: dict[str, str] | None = None,
    rows: range | None = None,
) -> pl.DataFrame:
    """Columns ``schema`` of a CSV or Parquet file, each row with its ``line`` (Int64). Numbers are parsed by Polars; where that fails the columns are read as
    text and every cell that is not a number is reported with its line (and ``expected``
    text per column, if given). ``latin1`` reads a CSV
    that is not UTF-8 as ISO-8859-1 (transcoded in memory: nothing is written to disk).
    ``rows`` (consecutive row numbers, from 0; Parquet only) reads only those rows, each with
    its line in the file."""
    check_rows(path, rows)
    if is_parquet(path):
        return _read_parquet(path, schema, expected or {}, rows)
    # Most files are UTF-8 with every row as wide as the header: parse such a file on another
    # thread while its layout is checked (the parsed frame is used only when the layout says
    # that is what the file is, and the layout's errors come first either way).
    with ThreadPoolExecutor(max_workers=1) as pool:
        guess = pool.submit(_guess, path, schema) if schema is not None else None
        layout = read_layout(path, latin1=latin1)
        parsed = guess.result() if guess else None
    source: Path | io.BytesIO = path
    if layout.encoding == "latin1":
        source = io.BytesIO(path.read_bytes().decode("iso-8859-1").encode("utf-8"))
    if layout.encoding == "latin1" or layout.ragged:  # the early parse read it as UTF-8, whole
        parsed = None
    return _parse_csv(path, layout, source, schema, expected or {}, parsed)


def _guess(path: Path, schema: dict[str, pl.DataType]) -> pl.DataFrame | None:
    """``path`` parsed as UTF-8 with rows as wide as the header; ``None`` where that fails."""
    try:
        return _scan(path, schema, ragged=False)
    except PARSE_ERRORS:
        return None


def _scan(
    source: Path | io.BytesIO, types: dict[str, pl.DataType], *, ragged: bool
) -> pl.DataFrame:
    """The ``types`` columns of a CSV, each row with its ``_record`` number, each column in one
    piece (the parser's 1,196 pieces of a 10M-row file slow every later pass more than
    joining them costs)."""
    if isinstance(source, io.BytesIO):
        source.seek(0)
    lazy = pl.scan_csv(source, schema_overrides=types, infer_schema=False,
                       truncate_ragged_lines=ragged)  # fmt: skip
    return lazy.select(list(types)).with_row_index("_record").collect().rechunk()


def _parse_csv(
    path: Path,
    layout: Layout,
    source: Path | io.BytesIO,
    schema: dict[str, pl.DataType] | None,
    expected: dict[str, str],
    parsed: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """``schema``'s columns (all, as text, without one) of the CSV whose ``layout`` was
    checked; ``parsed`` is the frame :func:`_guess` made of it, if it applies."""
    columns = list(schema) if schema is not None else layout.header

    def parse(types: dict[str, pl.DataType] | None) -> pl.DataFrame:
        return _scan(source, types or dict.fromkeys(columns, pl.String), ragged=layout.ragged)

    try:
        frame = parsed if parsed is not None else parse(schema)
    except PARSE_ERRORS:  # a cell that is not a number: read as text, each one reported
        try:
            frame = parse({c: pl.String for c in columns})
        except PARSE_ERRORS as exc:  # not expected after the layout check; never a bare error
            report(CorruptFileError(path, None, None, str(exc).splitlines()[0][:160],
                                    "a CSV file a parser can read"))  # fmt: skip
            raise StopReading from None
        return _numbers_from_text(path, _with_lines(frame, layout), schema, expected)
    return _with_lines(frame, layout)


def _with_lines(frame: pl.DataFrame, layout: Layout) -> pl.DataFrame:
    """Replace ``_record`` by the record's ``line``; drop rows a parser made of empty lines."""
    if len(layout.empty):
        frame = frame.filter(~pl.col("_record").is_in(pl.Series(layout.empty).implode()))
    if layout.lines is None:
        line = (pl.col("_record") + 2).cast(pl.Int64)
    else:
        line = pl.col("_record").map_batches(
            lambda s: pl.Series(layout.lines[s.to_numpy()]), return_dtype=pl.Int64
        )
    return frame.select(pl.exclude("_record"), line=line).select("line", pl.exclude("line"))


def _numbers_from_text(
    path: Path, frame: pl.DataFrame, schema: dict[str, pl.DataType], expected: dict[str, str]
) -> pl.DataFrame:
    """``frame`` read as text, its numeric columns parsed here (every bad cell reported)."""
    parsed = {}
    for column, dtype in schema.items():
        if dtype == pl.Float64:
            # as the parser would have read it: which rows matter, and their range, is the
            # format's to check
            parsed[column] = parse_number(frame, path, column, signed=True, finite=False)
        elif dtype.is_integer():
            text = pl.col(column).str.strip_chars()
            flag_rows(frame, ~text.str.contains(r"^[+-]?[0-9]+$").fill_null(True), path, column,
                      expected.get(column, "a whole number"))  # fmt: skip
            parsed[column] = text.cast(dtype, strict=False)
        else:
            parsed[column] = pl.col(column).cast(dtype)
    return frame.with_columns(**parsed)


def _read_parquet(
    path: Path, schema: dict[str, pl.DataType], expected: dict[str, str], rows: range | None
) -> pl.DataFrame:
    lazy = pl.scan_parquet(path).select(list(schema))
    if rows is not None:  # sliced before the row numbers, so that only those rows are read
        lazy = lazy.slice(rows.start, len(rows))
    lazy = lazy.with_row_index("_record", offset=rows.start if rows is not None else 0)
    lazy = lazy.with_columns(line=(pl.col("_record") + 2).cast(pl.Int64)).drop("_record")
    try:  # cast while reading (a text column to categorical: no frame of text in between)
        return lazy.select("line", *(pl.col(c).cast(t) for c, t in schema.items())).collect()
    except PARSE_ERRORS:
        pass  # a corrupt file, or cells the cast refuses: read as stored to tell which
    try:
        stored = lazy.collect()
    except PARSE_ERRORS as exc:
        report(_corrupt(path, exc))
        raise StopReading from None
    typed = [c for c, t in schema.items() if t != pl.Boolean]  # a flag stays as stored
    as_text = stored.with_columns(pl.col(typed).cast(pl.String))
    return _numbers_from_text(path, as_text, schema, expected).select("line", *schema)


def stated_at() -> pl.Expr:
    """``file:line`` of a statement (the file's name only), for listings."""
    return (
        pl.col("file").cast(pl.String).str.split("/").list.last()
        + ":"
        + pl.col("line").cast(pl.String)
    )


def flag_rows(
    frame: pl.DataFrame, bad: pl.Expr, path: Path, column: str, expected: str,
    *, show: bool = True,
) -> bool:  # fmt: skip
    """Report each row where ``bad`` holds (its ``column`` as found unless not ``show``);
    return whether any did."""
    hits = frame.filter(bad).select("line", pl.col(column).cast(pl.String))
    for line, found in hits.iter_rows():
        report(BadValueError(path, line, column, found if show else None, expected))
    return hits.height > 0


def parse_number(
    frame: pl.DataFrame, path: Path, column: str, *, signed: bool = False, finite: bool = True
) -> pl.Expr:
    """Parse a text column to Float64; report a non-number, (unless not ``finite``) an infinity
    or NaN, and (unless ``signed``) a negative. A blank cell is null."""
    text = pl.col(column).str.strip_chars()
    value = text.cast(pl.Float64, strict=False)
    given = text.is_not_null() & (text != "")
    bad = value.is_null() | ~value.is_finite() if finite else value.is_null()
    flag_rows(frame, given & bad, path, column, "a finite number" if finite else "a number")
    if not signed:
        flag_rows(frame, value < 0, path, column, "a non-negative quantity")
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


def parse_period(frame: pl.DataFrame, path: Path, column: str) -> pl.Expr:
    """``YYYY-MM`` text as the first day of the month; every other cell, and a year outside
    ``YEARS``, reported."""
    text = pl.col(column).cast(pl.String).str.strip_chars()
    year = text.str.slice(0, 4).cast(pl.Int32, strict=False)
    ok = text.str.contains(PERIOD_RE) & year.is_between(*YEARS)
    flag_rows(frame, ~ok.fill_null(False), path, column,
              f"a month as YYYY-MM (years {YEARS[0]}-{YEARS[1]})")  # fmt: skip
    return pl.date(year, text.str.slice(5, 2).cast(pl.Int8, strict=False), 1)


def yyyymm_problems(period: pl.Expr) -> pl.Expr:
    """Where an integer ``YYYYMM`` column is not a month of ``YEARS``."""
    return (
        period.is_null() | ~(period % 100).is_between(1, 12) | ~(period // 100).is_between(*YEARS)
    )


YYYYMM = f"a month as YYYYMM (years {YEARS[0]}-{YEARS[1]})"


def check_quantity(frame: pl.DataFrame, path: Path, column: str, what: str) -> None:
    """A typed quantity column: nothing infinite or NaN, nothing negative (blank is null)."""
    flag_rows(frame, ~pl.col(column).is_finite(), path, column, f"a finite {what}")
    flag_rows(frame, pl.col(column) < 0, path, column, f"a non-negative {what}")


def parse_flag(frame: pl.DataFrame, path: Path, column: str) -> pl.Expr:
    """A text column of flags (``FLAGS``) as Boolean, blank as false; anything else reported
    (and read as false while collecting). Checked on the distinct values first (cheap on a
    categorical column). A Boolean column (a typed Parquet file) is the flag already."""
    if frame.schema[column] == pl.Boolean:
        return pl.col(column).fill_null(False)
    if any(v not in FLAGS for v in distinct(frame[column])):
        text = pl.col(column).cast(pl.String)
        flag_rows(frame, ~text.is_in(list(FLAGS)) & text.is_not_null(), path, column,
                  "True or False")  # fmt: skip
    return pl.col(column).replace_strict(FLAGS, default=False, return_dtype=pl.Boolean)


def check_members(frame: pl.DataFrame, path: Path, column: str, allowed) -> None:
    bad = ~pl.col(column).is_in(list(allowed)) | pl.col(column).is_null()
    flag_rows(frame, bad, path, column, f"one of {', '.join(allowed)}")


def check_present(frame: pl.DataFrame, path: Path, column: str, what: str) -> None:
    """Report blank cells of a key column (after :func:`strip_keys`)."""
    flag_rows(frame, pl.col(column).is_null(), path, column, what, show=False)


def strip_keys(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Text keys without surrounding whitespace (``"Japan "`` is ``"Japan"``), blank as null.
    A categorical column is rewritten only when one of its distinct values needs it."""
    fixes = {}
    for column in columns:
        text = pl.col(column).cast(pl.String)
        stripped = text.str.strip_chars()
        clean = pl.when(stripped != "").then(stripped)
        if frame.schema[column] != pl.String:
            distinct = frame.select(pl.col(column).unique())
            if not distinct.select(text.ne_missing(clean).any()).item():
                continue
            clean = clean.cast(frame.schema[column])
        fixes[column] = clean
    return frame.with_columns(**fixes) if fixes else frame


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
