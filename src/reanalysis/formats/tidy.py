"""Tidy CSV or Parquet: ``period,commodity,flow,partner,value,unit[,source_url]``;
``period`` as ``YYYY-MM``, ``unit`` ``t`` or ``kg``.
"""

from pathlib import Path

import polars as pl

from reanalysis.errors import BadValueError, EmptyFileError
from reanalysis.formats.common import (
    BLANK_QUANTITY,
    PERIOD_RE,
    check_members,
    check_quantity,
    check_utf8,
    collect_checked,
    first_bad,
    missing_reason,
    no_extras,
    parse_period,
    read_header,
    scan,
)

TIDY_REQUIRED = ("period", "commodity", "flow", "partner", "value", "unit")
TIDY_FLOWS = ("export", "import", "re-export", "re-import")
UNITS_TO_T = {"t": 1.0, "kg": 0.001}


def read_tidy(path: Path) -> pl.DataFrame:
    schema = {c: pl.String for c in ("period", "commodity", "flow", "partner", "unit")}
    columns = read_header(path)
    has_url = "source_url" in columns
    if has_url:
        schema["source_url"] = pl.String
    lazy = scan(path, {**schema, "value": pl.Float64}).select([*schema, "value"])
    try:
        frame = collect_checked(path, lazy, ("value",))
    except pl.exceptions.ComputeError as exc:
        if "utf-8" in str(exc).lower():
            check_utf8(path, path.read_bytes())
        raise
    if frame.height == 0:
        raise EmptyFileError(path, 2, None, "a header and no data rows", "at least one data row")
    frame = frame.with_row_index("line", offset=2).with_columns(pl.col("line").cast(pl.Int64))
    check_members(frame, path, "unit", UNITS_TO_T)
    check_members(frame, path, "flow", TIDY_FLOWS)
    for column in ("commodity", "partner"):
        hit = first_bad(frame, pl.col(column).is_null(), column)
        if hit:
            raise BadValueError(path, hit[0], column, None, f"a {column} name")
    check_quantity(frame, path, "value", "quantity")
    return frame.with_columns(
        period=parse_period(frame, path, "period", PERIOD_RE, "YYYY-MM"),
        value_t=pl.col("value")
        * pl.col("unit").replace_strict(UNITS_TO_T, return_dtype=pl.Float64),
        half_unit_t=pl.lit(0.0),
        measure=pl.lit("month"),
        column=pl.lit("value"),
        source_url=pl.col("source_url") if has_url else pl.lit(path.resolve().as_uri()),
        file=pl.lit(str(path)),
        **no_extras(),
        missing_reason=missing_reason("value", BLANK_QUANTITY),
    )
