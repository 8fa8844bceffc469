"""A UN Comtrade+ export (47 columns): monthly rows, ``netWgt`` in kg, ``primaryValue`` in USD,
UTF-8 or ISO-8859-1.
"""

import tempfile
from pathlib import Path

import polars as pl

from reanalysis.errors import BadValueError, EmptyFileError
from reanalysis.formats.common import (
    BLANK_QUANTITY,
    check_members,
    check_quantity,
    collect_checked,
    first_bad,
    missing_reason,
    no_extras,
    read_header,
    scan,
)
from reanalysis.monthgrid import first_of_month

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
COMTRADE_FLOWS = {"X": "export", "M": "import", "RX": "re-export", "RM": "re-import"}


def read_comtrade(path: Path) -> pl.DataFrame:
    columns = read_header(path)
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
            scan(source, wanted)
            .select(list(wanted))
            .with_row_index("line", offset=2)
            .filter(pl.col("freqCode") == "M")
        )
        return collect_checked(source, lazy, numeric)

    try:
        frame = monthly(path)
    except pl.exceptions.ComputeError as exc:
        if "utf-8" not in str(exc).lower() and "utf8" not in str(exc).lower():
            raise
        frame = monthly(_transcode_latin1(path))
    frame = frame.with_columns(pl.col("line").cast(pl.Int64))
    if frame.height == 0:
        raise EmptyFileError(path, 2, "freqCode", "no monthly rows", "rows with freqCode M")
    check_members(frame, path, "flowCode", COMTRADE_FLOWS)
    check_quantity(frame, path, "netWgt", "weight in kg")
    extras = no_extras()
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
        missing_reason=missing_reason("netWgt", BLANK_QUANTITY),
    )


def _yyyymm(frame: pl.DataFrame, path: Path) -> pl.Series:
    """Comtrade+ ``period`` (an integer YYYYMM) as the first day of the month."""
    p = pl.col("period")
    hit = first_bad(
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
