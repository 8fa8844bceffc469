"""Tidy CSV or Parquet: ``period,commodity,flow,partner,value,unit[,source_url]
[,weight_estimated]``; ``period`` as ``YYYY-MM``, ``unit`` ``t`` or ``kg``; ``weight_estimated``
``true``/``false`` (blank: false) where the source marks estimated quantities.
"""

from pathlib import Path

import polars as pl

from reanalysis.errors import EmptyFileError, StopReading, report
from reanalysis.formats.common import (
    BLANK_QUANTITY,
    check_members,
    check_present,
    check_quantity,
    missing_reason,
    no_extras,
    parse_flag,
    parse_period,
    read_columns,
    read_header,
    strip_keys,
)

TIDY_REQUIRED = ("period", "commodity", "flow", "partner", "value", "unit")
TIDY_FLOWS = ("export", "import", "re-export", "re-import")
UNITS_TO_T = {"t": 1.0, "kg": 0.001}
KEYS = ["commodity", "flow", "partner", "unit"]
NUMBERS: dict[str, pl.DataType] = {"value": pl.Float64}  # parsed as numbers, the rest as text


def read_tidy(path: Path, rows: range | None = None) -> pl.DataFrame:
    """The rows of a tidy file (or its ``rows``: see
    :func:`~reanalysis.formats.common.read_columns`) as statements."""
    schema: dict[str, pl.DataType] = {c: pl.String for c in ("period", *KEYS)}
    columns = read_header(path)
    has_url, has_flag = "source_url" in columns, "weight_estimated" in columns
    if has_url:
        schema["source_url"] = pl.String
    if has_flag:
        schema["weight_estimated"] = pl.String
    frame = read_columns(path, {**schema, **NUMBERS}, rows=rows)
    if frame.height == 0:
        report(EmptyFileError(path, 2, None, "a header and no data rows", "at least one data row"))
        raise StopReading
    frame = strip_keys(frame, KEYS)
    check_members(frame, path, "unit", UNITS_TO_T)
    check_members(frame, path, "flow", TIDY_FLOWS)
    for column in ("commodity", "partner"):
        check_present(frame, path, column, f"a {column} name")
    check_quantity(frame, path, "value", "quantity")
    return frame.with_columns(
        period=parse_period(frame, path, "period"),
        value_t=pl.col("value")
        * pl.col("unit").replace_strict(UNITS_TO_T, default=None, return_dtype=pl.Float64),
        half_unit_t=pl.lit(0.0),
        measure=pl.lit("month"),
        column=pl.lit("value"),
        source_url=pl.col("source_url") if has_url else pl.lit(path.resolve().as_uri()),
        file=pl.lit(str(path)),
        **no_extras(),
        missing_reason=missing_reason("value", BLANK_QUANTITY),
        weight_estimated=parse_flag(frame, path, "weight_estimated") if has_flag else False,
    )
