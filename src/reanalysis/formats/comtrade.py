"""A UN Comtrade+ export (47 columns): monthly rows, ``netWgt`` in kg, ``primaryValue`` in USD,
UTF-8 or ISO-8859-1.
"""

from pathlib import Path

import polars as pl

from reanalysis.errors import EmptyFileError, StopReading, report
from reanalysis.formats.common import (
    BLANK_QUANTITY,
    YYYYMM,
    check_members,
    check_present,
    check_quantity,
    flag_rows,
    missing_reason,
    no_extras,
    read_columns,
    read_header,
    strip_keys,
    yyyymm_problems,
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
    # annual rows are skipped; any other frequency is reported below
    frame = read_columns(
        path, wanted, latin1=True, keep=pl.col("freqCode") != "A", expected={"period": YYYYMM}
    )
    keys = [c for c in ("freqCode", "flowCode", "cmdCode", "partnerDesc", "reporterDesc")
            if c in wanted]  # fmt: skip
    frame = strip_keys(frame, keys).filter(pl.col("freqCode").ne_missing("A"))
    if frame.height == 0:
        report(EmptyFileError(path, 2, "freqCode", "no monthly rows", "rows with freqCode M"))
        raise StopReading
    check_members(frame, path, "freqCode", ("M",))
    check_members(frame, path, "flowCode", COMTRADE_FLOWS)
    check_present(frame, path, "cmdCode", "a commodity code")
    check_present(frame, path, "partnerDesc", "a partner name")
    check_quantity(frame, path, "netWgt", "weight in kg")
    extras = no_extras()
    if "primaryValue" in wanted:
        check_quantity(frame, path, "primaryValue", "value in USD")
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
    if flag_rows(frame, yyyymm_problems(pl.col("period")), path, "period", YYYYMM):
        return pl.Series("period", [None] * frame.height, dtype=pl.Date)
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
