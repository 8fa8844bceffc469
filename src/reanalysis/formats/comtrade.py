"""A UN Comtrade+ export (47 columns): monthly rows, ``netWgt`` in kg, ``primaryValue`` in USD,
UTF-8 or ISO-8859-1.
"""

import logging
from pathlib import Path

import polars as pl

from reanalysis.errors import EmptyFileError, MissingTotalError, StopReading, report
from reanalysis.formats.common import (
    BLANK_QUANTITY,
    YYYYMM,
    check_members,
    check_present,
    check_quantity,
    flag_rows,
    is_parquet,
    no_extras,
    parse_flag,
    read_columns,
    read_header,
    strip_keys,
    yyyymm_problems,
)
from reanalysis.monthgrid import first_of_month
from reanalysis.names import distinct, iso3_names

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
# Columns that split a total into parts, with the code each has on the total row. A blank cell
# states no breakdown (files trimmed by other tools leave them empty).
BREAKDOWNS = {"motCode": "0", "customsCode": "C00", "partner2Code": "0", "mosCode": "0"}
KILOGRAMS = "8"  # qtyUnitCode of "kg" (UN Comtrade quantity units)
ZERO_WEIGHT = "weight not reported (0 kg beside a positive value)"
NO_WEIGHT = "no weight: netWgt empty and qty not in kg"
SCHEMA: dict[str, pl.DataType] = {
    "freqCode": pl.Categorical(), "period": pl.Int64, "flowCode": pl.Categorical(),
    "cmdCode": pl.Categorical(), "partnerDesc": pl.Categorical(), "netWgt": pl.Float64,
    "primaryValue": pl.Float64, "reporterDesc": pl.Categorical(),
    "partnerISO": pl.Categorical(), "qtyUnitCode": pl.Categorical(), "qty": pl.Float64,
    "isNetWgtEstimated": pl.Categorical(), "isQtyEstimated": pl.Categorical(),
    **dict.fromkeys(BREAKDOWNS, pl.Categorical()),
}  # fmt: skip
FLAG_COLUMNS = ("isNetWgtEstimated", "isQtyEstimated")
CODES = ("qtyUnitCode", *FLAG_COLUMNS)
KEY = ("reporterDesc", "flowCode", "cmdCode", "partnerDesc", "partnerISO", "period")
LATIN1 = True  # a CSV that is not UTF-8 is read as ISO-8859-1 (as older downloads come)


log = logging.getLogger(__name__)


def read_comtrade(path: Path, rows: range | None = None) -> pl.DataFrame:
    """The monthly total rows of a Comtrade+ export (or of its ``rows``: see
    :func:`~reanalysis.formats.common.read_columns`) as statements.

    - Breakdown rows (``motCode``, ``customsCode``, ``partner2Code``, ``mosCode`` other than
      the total's ``0``/``C00``, where the column exists) are set aside, with a log line
      saying how many; a key (reporter, flow, HS code, partner, month) given only in parts
      raises :class:`~reanalysis.errors.MissingTotalError` naming it and its first line.
    - Annual rows (``freqCode`` ``A``) are ignored, with a log line.
    - ``value_t`` is ``netWgt`` in tonnes; where ``netWgt`` is empty and ``qtyUnitCode`` is
      kilograms, ``qty`` (``weight_source`` says which). A weight of 0 beside a positive value
      was not reported: no tonnage, and ``missing_reason`` says why, as it does for a row with
      no weight at all. Such rows stay.
    - ``weight_estimated``: Comtrade+'s ``isNetWgtEstimated`` (or ``isQtyEstimated`` for a
      weight from ``qty``): the weight was estimated, not reported.
    - ``partner`` is the canonical name of ``partnerISO`` (:mod:`reanalysis.names`).
    - HS codes of different lengths are different commodities, and ``World`` is a partner of
      its own: nothing is summed.
    """
    columns = read_header(path)
    wanted = {c: t for c, t in SCHEMA.items() if c in COMTRADE_REQUIRED or c in columns}
    if is_parquet(path):  # codes and flags may be typed there (see _stored)
        stored = pl.read_parquet_schema(path)
        wanted |= {c: _stored(c, stored[c]) for c in (*BREAKDOWNS, *CODES) if c in wanted}
    frame = read_columns(path, wanted, latin1=LATIN1, expected={"period": YYYYMM}, rows=rows)
    keys = [c for c in ("freqCode", "flowCode", "cmdCode", "partnerDesc", "reporterDesc")
            if c in wanted]  # fmt: skip
    frame = strip_keys(frame, keys)
    annual = (frame["freqCode"] == "A").fill_null(False)
    if annual.any():
        log.warning("%s: %d annual rows (freqCode A) ignored, monthly rows kept", path.name,
                    annual.sum())  # fmt: skip
        frame = frame.filter(~annual)
    if frame.height == 0:
        report(EmptyFileError(path, 2, "freqCode", "no monthly rows", "rows with freqCode M"))
        raise StopReading
    frame = _totals(path, frame, [c for c in BREAKDOWNS if c in wanted])
    check_members(frame, path, "freqCode", ("M",))
    check_members(frame, path, "flowCode", COMTRADE_FLOWS)
    check_present(frame, path, "cmdCode", "a commodity code")
    check_present(frame, path, "partnerDesc", "a partner name")
    for column, what in (("netWgt", "weight in kg"), ("qty", "quantity")):
        if column in wanted:
            check_quantity(frame, path, column, what)
    flags = {c: parse_flag(frame, path, c) if c in wanted else pl.lit(False)
             for c in FLAG_COLUMNS}  # fmt: skip
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
        partner=_partners(frame),
        half_unit_t=pl.lit(0.0),
        measure=pl.lit("month"),
        column=pl.lit("netWgt"),
        source_url=pl.lit(path.resolve().as_uri()),
        file=pl.lit(str(path)),
        **extras,
        **_weights(wanted, flags),
    )


def _totals(path: Path, frame: pl.DataFrame, breakdowns: list[str]) -> pl.DataFrame:
    """The total rows of ``frame``; a key given only in parts is reported at its first line."""
    if not breakdowns:
        return frame
    total = pl.all_horizontal(
        pl.col(c).is_null() | _is(c, frame.schema[c], BREAKDOWNS[c]) for c in breakdowns
    )
    is_total = frame.select(total).to_series()
    if is_total.all():  # a download pinned to totals: nothing to set aside
        return frame
    key = [c for c in KEY if c in frame.columns]
    parts, frame = frame.filter(~is_total), frame.filter(is_total)
    orphans = parts.join(frame.select(key), on=key, how="anti", nulls_equal=True).sort("line")
    for first in orphans.unique(key, keep="first", maintain_order=True).iter_rows(named=True):
        column = next(c for c in breakdowns
                      if first[c] is not None and str(first[c]) != BREAKDOWNS[c])  # fmt: skip
        what = ", ".join(f"{c} {first[c]}" for c in key)
        report(MissingTotalError(
            path, first["line"], column, f"breakdown rows only, for {what}",
            "a total row for that key ("
            + ", ".join(f"{c} {BREAKDOWNS[c]}" for c in breakdowns)
            + "): download with the breakdowns set to their totals, or keep the total rows",
        ))  # fmt: skip
    log.warning("%s: %d breakdown rows (by %s) set aside, %d total rows kept", path.name,
                parts.height, ", ".join(breakdowns), frame.height)  # fmt: skip
    return frame


def _stored(column: str, dtype: pl.DataType) -> pl.DataType:
    """How a Parquet file's code or flag ``column`` of type ``dtype`` is read: integer codes,
    boolean flags and categories (a batch file of the bounded-memory path) as stored
    (compared by :func:`_is` and :func:`parse_flag`; formatting millions of them as text costs
    more than the rest of the read), anything else as text."""
    kept = dtype == pl.Boolean if column in FLAG_COLUMNS else dtype.is_integer()
    return dtype if kept or dtype == pl.Categorical() else pl.String


def _is(column: str, dtype: pl.DataType, code: str) -> pl.Expr:
    """Whether ``column`` (of type ``dtype``) holds the code written ``code`` (null where it is
    blank): as text, or on integers, as the integer written so (no integer is written
    ``C00`` or ``08``)."""
    if not dtype.is_integer():
        return pl.col(column) == code
    if code.isdigit() and str(int(code)) == code:
        return pl.col(column) == int(code)
    return pl.when(pl.col(column).is_not_null()).then(False)


def _yyyymm(frame: pl.DataFrame, path: Path) -> pl.Series:
    """Comtrade+ ``period`` (an integer YYYYMM) as the first day of the month."""
    if flag_rows(frame, yyyymm_problems(pl.col("period")), path, "period", YYYYMM):
        return pl.Series("period", [None] * frame.height, dtype=pl.Date)
    return first_of_month(frame["period"])


def _weights(wanted, flags: dict[str, pl.Expr]) -> dict[str, pl.Expr]:
    """``value_t``, ``weight_source``, ``weight_estimated`` and ``missing_reason`` (see
    :func:`read_comtrade`)."""
    usd = pl.col("primaryValue") if "primaryValue" in wanted else pl.lit(None, pl.Float64)
    valued = (usd > 0).fill_null(False)
    kg = pl.col("netWgt")
    if "qty" in wanted and "qtyUnitCode" in wanted:
        kilograms = _is("qtyUnitCode", wanted["qtyUnitCode"], KILOGRAMS)
        qty = pl.when(kilograms).then(pl.col("qty"))
        qty_in_other_unit = ~kilograms.fill_null(False) & pl.col("qty").is_not_null()
    else:
        qty, qty_in_other_unit = pl.lit(None, pl.Float64), pl.lit(False)
    by_kg = kg.is_not_null() & ~((kg == 0) & valued)
    by_qty = ~by_kg & kg.is_null() & qty.is_not_null() & ~((qty == 0) & valued)
    unreported = ((kg == 0) | kg.is_null() & (qty == 0)) & valued
    return {
        "value_t": pl.when(by_kg).then(kg / 1000.0).when(by_qty).then(qty / 1000.0),
        "weight_source": pl.when(by_kg).then(pl.lit("netWgt", pl.Categorical))
        .when(by_qty).then(pl.lit("qty", pl.Categorical)),
        "weight_estimated": pl.when(by_kg).then(flags["isNetWgtEstimated"])
        .when(by_qty).then(flags["isQtyEstimated"]).otherwise(False),
        "missing_reason": pl.when(by_kg | by_qty).then(pl.lit(None, pl.String))
        .when(unreported.fill_null(False)).then(pl.lit(ZERO_WEIGHT))
        .when(qty_in_other_unit).then(pl.lit(NO_WEIGHT))
        .otherwise(pl.lit(BLANK_QUANTITY)),
    }  # fmt: skip


def _partners(frame: pl.DataFrame) -> pl.Expr:
    """Each row's partner: the canonical name of its ``partnerISO`` where ISO knows the code
    (``KOR`` -> South Korea), else its ``partnerDesc`` (named by the reader as in every
    format). Row by row, so a name given with two codes is two partners, as
    :func:`reanalysis.names.canonical_partner` says: the code wins over the name."""
    if "partnerISO" not in frame.columns:
        return pl.col("partnerDesc")
    by_iso = {c: iso3_names()[c] for c in distinct(frame["partnerISO"]) if c in iso3_names()}
    named = pl.col("partnerISO").replace_strict(by_iso, default=None, return_dtype=pl.Categorical)
    return pl.coalesce(named, pl.col("partnerDesc"))


def _recode(column: pl.Expr, names: dict[str, str]) -> pl.Expr:
    """``column``'s codes (all among ``names``, checked before) as categorical names: a
    comparison per code, cheaper than a lookup per row."""
    codes = iter(names.items())
    code, name = next(codes)
    recoded = pl.when(column == code).then(pl.lit(name, pl.Categorical))
    for code, name in codes:
        recoded = recoded.when(column == code).then(pl.lit(name, pl.Categorical))
    return recoded
