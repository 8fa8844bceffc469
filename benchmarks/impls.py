"""The same job three ways: load a Comtrade+ extract, then month-on-month and year-on-year for
every series on a complete calendar (a missing or zero base gives null).

Each returns a Polars frame: ``commodity, partner, period, value_t, mom_pct, yoy_pct``.
Run one in its own process: ``python -m benchmarks.impls NAME INPUT OUTPUT.parquet``; it prints
the seconds spent loading and computing (not writing the output) as JSON.
"""

import json
import sys
import time
from pathlib import Path

import polars as pl

OUTPUT = ("commodity", "partner", "period", "value_t", "mom_pct", "yoy_pct")


def with_reanalysis(path: Path) -> pl.DataFrame:
    from reanalysis import load_customs
    from reanalysis.growth import growth

    return growth(load_customs(path)).select(OUTPUT)


def with_pandas(path: Path) -> pl.DataFrame:
    """What a competent pandas user writes: typed, column-pruned read; calendar joins."""
    import numpy as np
    import pandas as pd

    cols = ["freqCode", "period", "flowCode", "cmdCode", "partnerDesc", "netWgt"]
    if path.suffix == ".parquet":
        df = pd.read_parquet(path, columns=cols)
    else:
        dtypes = {"freqCode": "category", "period": "int32", "flowCode": "category",
                  "cmdCode": "string", "partnerDesc": "string", "netWgt": "float64"}  # fmt: skip
        df = pd.read_csv(path, usecols=cols, dtype=dtypes)
    df = df[df["freqCode"] == "M"]
    keys = ["cmdCode", "flowCode", "partnerDesc"]
    month = (df["period"] // 100) * 12 + df["period"] % 100 - 1
    base = pd.DataFrame({**{k: df[k] for k in keys}, "m": month, "value_t": df["netWgt"] / 1000})
    prev = base.assign(m=base["m"] + 1).rename(columns={"value_t": "prev_t"})
    year = base.assign(m=base["m"] + 12).rename(columns={"value_t": "year_t"})
    out = base.merge(prev, on=[*keys, "m"], how="left").merge(year, on=[*keys, "m"], how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["mom_pct"] = np.where(
            out["prev_t"] > 0, (out["value_t"] / out["prev_t"] - 1) * 100, np.nan
        )
        out["yoy_pct"] = np.where(
            out["year_t"] > 0, (out["value_t"] / out["year_t"] - 1) * 100, np.nan
        )
    out["period"] = pd.to_datetime({"year": out["m"] // 12, "month": out["m"] % 12 + 1, "day": 1})
    result = out.rename(columns={"cmdCode": "commodity", "partnerDesc": "partner"})[list(OUTPUT)]
    return pl.from_pandas(result).with_columns(pl.col("period").cast(pl.Date))


def with_duckdb(path: Path) -> pl.DataFrame:
    import duckdb

    if path.suffix == ".parquet":
        source = f"read_parquet('{path}')"
    else:
        source = (f"read_csv('{path}', header=true, types={{'cmdCode': 'VARCHAR', "
                  "'period': 'INTEGER', 'netWgt': 'DOUBLE', 'partnerDesc': 'VARCHAR'})")  # fmt: skip
    query = f"""
    WITH src AS (
        SELECT cmdCode, flowCode, partnerDesc, netWgt / 1000 AS value_t,
               (period // 100) * 12 + period % 100 - 1 AS m
        FROM {source} WHERE freqCode = 'M'
    )
    SELECT a.cmdCode AS commodity, a.partnerDesc AS partner,
           make_date(CAST(a.m // 12 AS INTEGER), CAST(a.m % 12 + 1 AS INTEGER), 1) AS period,
           a.value_t,
           CASE WHEN p.value_t > 0 THEN (a.value_t / p.value_t - 1) * 100 END AS mom_pct,
           CASE WHEN y.value_t > 0 THEN (a.value_t / y.value_t - 1) * 100 END AS yoy_pct
    FROM src a
    LEFT JOIN src p ON p.cmdCode = a.cmdCode AND p.flowCode = a.flowCode
                   AND p.partnerDesc = a.partnerDesc AND p.m = a.m - 1
    LEFT JOIN src y ON y.cmdCode = a.cmdCode AND y.flowCode = a.flowCode
                   AND y.partnerDesc = a.partnerDesc AND y.m = a.m - 12
    """
    return duckdb.sql(query).pl()


IMPLEMENTATIONS = {"reanalysis": with_reanalysis, "pandas": with_pandas, "duckdb": with_duckdb}


def canonical_order(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort("commodity", "partner", "period")


def peak_rss_mib() -> float:
    """This program's peak resident memory: ``VmHWM`` where Linux gives it. (The ``ru_maxrss``
    a parent reads with ``wait4`` also counts the parent's own memory when the child was
    started with vfork, as ``subprocess`` does.)"""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    name, source, target = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    start = time.perf_counter()
    result = IMPLEMENTATIONS[name](source)
    seconds = time.perf_counter() - start
    result.write_parquet(target)
    print(json.dumps({"seconds": seconds, "rows": result.height, "rss_mib": peak_rss_mib()}))


if __name__ == "__main__":
    main()
