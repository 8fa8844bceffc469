"""Synthetic UN Comtrade+ extracts for benchmarks (never shipped as data).

HS-6 codes x partners x 60 months of exports by one reporter, in the 47 columns of a
Comtrade+ CSV, with about 4% of months missing and 3% zero weights. Cached in
``benchmarks/.cache/`` (git-ignored) as CSV and Parquet, and as Parquet with the rows shuffled;
regenerated only when missing. The 100-million-row extract (Parquet only) is written a few
hundred codes at a time, so generating it takes little memory, in two orders: series by series
(the bounded path reads its batches as ranges of rows) and month by month within each few
hundred codes, as a download period by period comes (the bounded path splits it).
"""

import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

from reanalysis.readers import COMTRADE_COLUMNS as COLUMNS

CACHE = Path(__file__).resolve().parent / ".cache"
MONTHS = 60
PARTNERS = 167
SEED = 20261123
SIZES = {"tiny": 10_000, "1m": 1_000_000, "10m": 10_000_000}
LARGE = 100_000_000
CODES_PER_CHUNK = 200  # about 1.9 million rows


def codes_for(rows: int) -> int:
    return max(1, round(rows / (PARTNERS * MONTHS * 0.96)))


def frame(rows: int, seed: int = SEED) -> pl.DataFrame:
    """About ``rows`` synthetic monthly export rows with all 47 Comtrade+ columns."""
    return codes_frame(0, codes_for(rows), np.random.default_rng(seed))


def codes_frame(first: int, codes: int, rng: np.random.Generator) -> pl.DataFrame:
    """The rows of ``codes`` commodity codes from the ``first``-th on, series by series."""
    n = codes * PARTNERS * MONTHS
    month = np.tile(np.arange(MONTHS), codes * PARTNERS)
    series = np.repeat(np.arange(first * PARTNERS, (first + codes) * PARTNERS), MONTHS)
    level = rng.lognormal(8, 2, codes * PARTNERS)[series - first * PARTNERS]
    season = 1 + 0.2 * np.sin(2 * np.pi * (month % 12) / 12)
    kg = np.round(level * season * rng.lognormal(0, 0.3, n), 1)
    kg[rng.random(n) < 0.03] = 0.0
    keep = rng.random(n) >= 0.04
    year = 2021 + month // 12
    mon = month % 12 + 1
    period = year * 100 + mon
    partner = series % PARTNERS
    code = 280000 + (series // PARTNERS) * 7 % 700000
    base = pl.DataFrame(
        {
            "refYear": year, "refMonth": mon, "period": period, "partnerCode": partner + 4,
            "cmdCode": code, "netWgt": kg, "primaryValue": np.round(kg * rng.uniform(5, 80, n), 2),
        }
    ).filter(pl.Series(keep))  # fmt: skip
    return base.select(
        typeCode=pl.lit("C"), freqCode=pl.lit("M"),
        refPeriodId=(pl.col("period") * 100 + 1).cast(pl.Int64),
        refYear="refYear", refMonth="refMonth", period="period",
        reporterCode=pl.lit(156), reporterISO=pl.lit("CHN"), reporterDesc=pl.lit("China"),
        flowCode=pl.lit("X"), flowDesc=pl.lit("Export"),
        partnerCode="partnerCode", partnerISO=pl.format("P{}", "partnerCode"),
        partnerDesc=pl.format("Partner {}", "partnerCode"),
        partner2Code=pl.lit(0), partner2ISO=pl.lit("W00"), partner2Desc=pl.lit("World"),
        classificationCode=pl.lit("H6"), classificationSearchCode=pl.lit("HS"),
        isOriginalClassification=pl.lit(True), cmdCode=pl.col("cmdCode").cast(pl.String).str.zfill(6),
        cmdDesc=pl.format("Synthetic commodity {}", "cmdCode"), aggrLevel=pl.lit(6), isLeaf=pl.lit(True),
        customsCode=pl.lit("C00"), customsDesc=pl.lit("TOTAL CPC"), mosCode=pl.lit(0),
        motCode=pl.lit(0), motDesc=pl.lit("TOTAL MOT"), qtyUnitCode=pl.lit(8), qtyUnitAbbr=pl.lit("kg"),
        qty="netWgt", isQtyEstimated=pl.lit(False), altQtyUnitCode=pl.lit(-1),
        altQtyUnitAbbr=pl.lit("N/A"), altQty=pl.lit(0.0), isAltQtyEstimated=pl.lit(False),
        netWgt="netWgt", isNetWgtEstimated=pl.lit(False), grossWgt="netWgt",
        isGrossWgtEstimated=pl.lit(False), cifvalue=pl.lit(0.0), fobvalue="primaryValue",
        primaryValue="primaryValue", legacyEstimationFlag=pl.lit(0), isReported=pl.lit(True),
        isAggregate=pl.lit(False),
    )  # fmt: skip


def ensure(size: str) -> dict[str, Path]:
    """Paths of the cached files of ``size``, generating those missing: CSV and Parquet with
    rows series by series (as generated), and Parquet with the same rows shuffled."""
    CACHE.mkdir(exist_ok=True)
    paths = {
        "csv": CACHE / f"comtrade_{size}.csv",
        "parquet": CACHE / f"comtrade_{size}.parquet",
        "parquet, rows shuffled": CACHE / f"comtrade_{size}_shuffled.parquet",
    }
    if not (paths["csv"].exists() and paths["parquet"].exists()):
        start = time.perf_counter()
        data = frame(SIZES[size])
        assert data.columns == COLUMNS
        _write(data, paths["csv"])
        _write(data, paths["parquet"])
        print(f"generated {size}: {data.height:,} rows in {time.perf_counter() - start:.1f} s",
              file=sys.stderr)  # fmt: skip
    if not paths["parquet, rows shuffled"].exists():
        data = pl.read_parquet(paths["parquet"])
        _write(data.sample(fraction=1.0, shuffle=True, seed=SEED), paths["parquet, rows shuffled"])
    return paths


LARGE_ORDERS = {"series by series": "comtrade_100m.parquet",
                "month by month": "comtrade_100m_by_month.parquet"}  # fmt: skip


def ensure_large(order: str = "series by series") -> Path:
    """The cached 100-million-row Parquet extract in ``order`` (:data:`LARGE_ORDERS`: the
    same rows), generated (chunk by chunk) when missing."""
    import pyarrow.parquet as pq

    CACHE.mkdir(exist_ok=True)
    path = CACHE / LARGE_ORDERS[order]
    if path.exists():
        return path
    start = time.perf_counter()
    tmp, total, writer = path.with_suffix(".tmp"), codes_for(LARGE), None
    for chunk, first in enumerate(range(0, total, CODES_PER_CHUNK)):
        rng = np.random.default_rng(SEED + chunk)
        rows = codes_frame(first, min(CODES_PER_CHUNK, total - first), rng)
        if order == "month by month":
            rows = rows.sort("period", maintain_order=True)
        table = rows.to_arrow()
        writer = writer or pq.ParquetWriter(tmp, table.schema, compression="zstd")
        writer.write_table(table, row_group_size=1 << 20)
    writer.close()
    tmp.replace(path)
    print(f"generated 100m {order} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return path


def _write(data: pl.DataFrame, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    data.write_csv(tmp) if path.suffix == ".csv" else data.write_parquet(tmp)
    tmp.replace(path)


if __name__ == "__main__":
    for size in sys.argv[1:] or ["tiny"]:
        print([ensure_large(o) for o in LARGE_ORDERS] if size == "100m" else ensure(size))
