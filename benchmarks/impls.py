"""The same job several ways: load a Comtrade+ extract, then month-on-month and year-on-year for
every series on a complete calendar (a missing or zero base gives null), of the tonnage and of
the unit value (US dollars per tonne, where the tonnage is above zero), as reanalysis's
``growth`` computes them wherever a file has trade values.

``IMPLEMENTATIONS`` return a Polars frame: ``commodity, partner, period, value_t, mom_pct,
yoy_pct, usd_per_t, usd_per_t_mom_pct, usd_per_t_yoy_pct``. ``WRITERS`` (reanalysis's bounded-memory and Dask paths) write the whole growth frame
as a folder of Parquet parts themselves. ``scan floor`` only reads the columns the job needs.
Run one in its own process: ``python -m benchmarks.impls NAME INPUT OUTPUT``; it prints as JSON
the seconds spent loading and computing (for ``WRITERS``, also writing: that is their job), the
seconds then spent writing the output, and the peak RSS.
"""

import json
import sys
import time
from pathlib import Path

import polars as pl

OUTPUT = ("commodity", "partner", "period", "value_t", "mom_pct", "yoy_pct", "usd_per_t",
          "usd_per_t_mom_pct", "usd_per_t_yoy_pct")  # fmt: skip


def with_reanalysis(path: Path) -> pl.DataFrame:
    from reanalysis import load_customs
    from reanalysis.growth import growth

    return growth(load_customs(path)).select(OUTPUT)


PANDAS_COLUMNS = ["freqCode", "period", "flowCode", "cmdCode", "partnerDesc", "netWgt",
                  "primaryValue"]  # fmt: skip
PANDAS_DTYPES = {"freqCode": "category", "period": "int32", "flowCode": "category",
                 "cmdCode": "string", "partnerDesc": "string", "netWgt": "float64",
                 "primaryValue": "float64"}  # fmt: skip


def with_pandas(path: Path) -> pl.DataFrame:
    """What a competent pandas user writes: typed, column-pruned read; calendar joins."""
    import pandas as pd

    if path.suffix == ".parquet":
        df = pd.read_parquet(path, columns=PANDAS_COLUMNS)
    else:
        df = pd.read_csv(path, usecols=PANDAS_COLUMNS, dtype=PANDAS_DTYPES)
    return _pandas_growth(df)


def with_pandas_pyarrow(path: Path) -> pl.DataFrame:
    """The same with pandas's ``engine="pyarrow"`` readers (multi-threaded CSV parsing)."""
    import pandas as pd

    if path.suffix == ".parquet":
        df = pd.read_parquet(path, columns=PANDAS_COLUMNS, engine="pyarrow")
    else:
        df = pd.read_csv(path, usecols=PANDAS_COLUMNS, dtype=PANDAS_DTYPES, engine="pyarrow")
    return _pandas_growth(df)


def _pandas_growth(df) -> pl.DataFrame:
    import numpy as np
    import pandas as pd

    df = df[df["freqCode"] == "M"]
    keys = ["cmdCode", "flowCode", "partnerDesc"]
    month = (df["period"] // 100) * 12 + df["period"] % 100 - 1
    value_t = df["netWgt"] / 1000
    unit = (df["primaryValue"] / value_t).where(value_t > 0)
    base = pd.DataFrame({**{k: df[k] for k in keys}, "m": month, "value_t": value_t,
                         "usd_per_t": unit})  # fmt: skip
    names = {"value_t": "t", "usd_per_t": "u"}
    prev = base.assign(m=base["m"] + 1).rename(columns={k: f"prev_{v}" for k, v in names.items()})
    year = base.assign(m=base["m"] + 12).rename(columns={k: f"year_{v}" for k, v in names.items()})
    out = base.merge(prev, on=[*keys, "m"], how="left").merge(year, on=[*keys, "m"], how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        for col, short in names.items():
            prefix = "" if col == "value_t" else "usd_per_t_"
            for lag, name in (("prev", "mom"), ("year", "yoy")):
                b = out[f"{lag}_{short}"]
                out[f"{prefix}{name}_pct"] = np.where(b > 0, (out[col] / b - 1) * 100, np.nan)
    out["period"] = pd.to_datetime({"year": out["m"] // 12, "month": out["m"] % 12 + 1, "day": 1})
    result = out.rename(columns={"cmdCode": "commodity", "partnerDesc": "partner"})[list(OUTPUT)]
    return pl.from_pandas(result).with_columns(pl.col("period").cast(pl.Date))


def with_duckdb(path: Path) -> pl.DataFrame:
    import duckdb

    if path.suffix == ".parquet":
        source = f"read_parquet('{path}')"
    else:
        source = (f"read_csv('{path}', header=true, types={{'cmdCode': 'VARCHAR', "
                  "'period': 'INTEGER', 'netWgt': 'DOUBLE', 'primaryValue': 'DOUBLE', "
                  "'partnerDesc': 'VARCHAR'})")  # fmt: skip
    query = f"""
    WITH src AS (
        SELECT cmdCode, flowCode, partnerDesc, netWgt / 1000 AS value_t,
               CASE WHEN netWgt > 0 THEN primaryValue / (netWgt / 1000) END AS usd_per_t,
               (period // 100) * 12 + period % 100 - 1 AS m
        FROM {source} WHERE freqCode = 'M'
    )
    SELECT a.cmdCode AS commodity, a.partnerDesc AS partner,
           make_date(CAST(a.m // 12 AS INTEGER), CAST(a.m % 12 + 1 AS INTEGER), 1) AS period,
           a.value_t,
           CASE WHEN p.value_t > 0 THEN (a.value_t / p.value_t - 1) * 100 END AS mom_pct,
           CASE WHEN y.value_t > 0 THEN (a.value_t / y.value_t - 1) * 100 END AS yoy_pct,
           a.usd_per_t,
           CASE WHEN p.usd_per_t > 0 THEN (a.usd_per_t / p.usd_per_t - 1) * 100
           END AS usd_per_t_mom_pct,
           CASE WHEN y.usd_per_t > 0 THEN (a.usd_per_t / y.usd_per_t - 1) * 100
           END AS usd_per_t_yoy_pct
    FROM src a
    LEFT JOIN src p ON p.cmdCode = a.cmdCode AND p.flowCode = a.flowCode
                   AND p.partnerDesc = a.partnerDesc AND p.m = a.m - 1
    LEFT JOIN src y ON y.cmdCode = a.cmdCode AND y.flowCode = a.flowCode
                   AND y.partnerDesc = a.partnerDesc AND y.m = a.m - 12
    """
    return duckdb.sql(query).pl()


def with_polars(path: Path) -> pl.DataFrame:
    """What a competent Polars user writes: a lazy, column-pruned scan, then two self-joins on
    the calendar month for the lags."""
    if path.suffix == ".parquet":
        source = pl.scan_parquet(path)
    else:
        source = pl.scan_csv(path, schema_overrides={"cmdCode": pl.String, "period": pl.Int64,
                                                     "netWgt": pl.Float64,
                                                     "primaryValue": pl.Float64})  # fmt: skip
    keys = ["commodity", "flow", "partner"]
    base = source.filter(pl.col("freqCode") == "M").select(
        commodity="cmdCode", flow="flowCode", partner="partnerDesc",
        m=(pl.col("period") // 100) * 12 + pl.col("period") % 100 - 1,
        value_t=pl.col("netWgt") / 1000,
        usd_per_t=pl.when(pl.col("netWgt") > 0).then(pl.col("primaryValue") / (pl.col("netWgt") / 1000)),
    )  # fmt: skip
    prev = base.select(*keys, m=pl.col("m") + 1, prev_t="value_t", prev_u="usd_per_t")
    year = base.select(*keys, m=pl.col("m") + 12, year_t="value_t", year_u="usd_per_t")

    def pct(cur: str, base: str) -> pl.Expr:
        return pl.when(pl.col(base) > 0).then((pl.col(cur) / pl.col(base) - 1) * 100)

    return (
        base.join(prev, on=[*keys, "m"], how="left")
        .join(year, on=[*keys, "m"], how="left")
        .select(
            "commodity",
            "partner",
            period=pl.date(pl.col("m") // 12, pl.col("m") % 12 + 1, 1),
            value_t="value_t",
            mom_pct=pct("value_t", "prev_t"),
            yoy_pct=pct("value_t", "year_t"),
            usd_per_t="usd_per_t",
            usd_per_t_mom_pct=pct("usd_per_t", "prev_u"),
            usd_per_t_yoy_pct=pct("usd_per_t", "year_u"),
        )  # fmt: skip
        .collect()
    )


def scan_floor(path: Path) -> pl.DataFrame:
    """Only read the columns the reader takes (numbers as numbers, the rest as stored)."""
    from reanalysis.dataset import plan

    columns = list(plan(path).columns)
    if path.suffix == ".parquet":
        return pl.scan_parquet(path).select(columns).collect()
    types = {
        "period": pl.Int64,
        "netWgt": pl.Float64,
        "primaryValue": pl.Float64,
        "qty": pl.Float64,
    }
    return pl.scan_csv(path, schema_overrides=types, infer_schema=False).select(columns).collect()


def bounded(source: Path, target: Path) -> None:
    from reanalysis.dataset import growth_dataset

    growth_dataset(source, target, progress=False)


def on_dask(source: Path, target: Path) -> None:
    """The Dask path on a local cluster of two single-threaded worker processes (their start
    is not timed); the peak RSS reported adds the workers' to this process's."""
    from distributed import Client, LocalCluster

    from reanalysis.distributed import growth_on_cluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                     dashboard_address=None, memory_limit=0) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        client.wait_for_workers(2)
        start = time.perf_counter()
        growth_on_cluster(source, target, client)
        on_dask.seconds = time.perf_counter() - start
        on_dask.workers_mib = sum(client.run(peak_rss_mib).values())


IMPLEMENTATIONS = {
    "reanalysis": with_reanalysis, "pandas": with_pandas, "pandas, pyarrow": with_pandas_pyarrow,
    "duckdb": with_duckdb, "polars": with_polars,
}  # fmt: skip
WRITERS = {"reanalysis, bounded memory": bounded, "reanalysis on Dask, 2 workers": on_dask}
FLOOR = {"scan floor": scan_floor}


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
    if name in FLOOR:  # which columns to read is the floor's given, not part of its time
        import reanalysis.dataset  # noqa: F401
    start = time.perf_counter()
    if name in WRITERS:
        WRITERS[name](source, target)
        seconds = getattr(WRITERS[name], "seconds", time.perf_counter() - start)
        rss = peak_rss_mib() + getattr(WRITERS[name], "workers_mib", 0.0)
        rows = pl.scan_parquet(target).select(pl.len()).collect().item()
        print(json.dumps({"seconds": seconds, "write_seconds": 0.0, "rows": rows, "rss_mib": rss}))
        return
    result = {**IMPLEMENTATIONS, **FLOOR}[name](source)
    seconds = time.perf_counter() - start
    rss = peak_rss_mib()
    start = time.perf_counter()
    if name in IMPLEMENTATIONS:
        result.write_parquet(target)
    write = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "write_seconds": write, "rows": result.height,
                      "rss_mib": rss}))  # fmt: skip


if __name__ == "__main__":
    main()
