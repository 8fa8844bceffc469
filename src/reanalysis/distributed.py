"""The growth job on a Dask cluster, for inputs beyond one machine (optional: install
``reanalysis[distributed]``).

Dask reads the source in partitions (Parquet row groups, or blocks of a CSV), its shuffle puts
each series whole into one partition (by the series keys), and every partition runs the
library's own path (:func:`reanalysis.dataset.batch_growth`: the reader's checks,
:func:`~reanalysis.load_customs`, :func:`~reanalysis.growth.growth`), so the rules are the same
code as on one machine. Each partition writes its growth frame as one Parquet part of the target
folder; the source and the target must be reachable by every worker under the same path (a
shared file system).

Connect to a running cluster with ``distributed.Client("tcp://scheduler:8786")`` and pass it as
``client``; on one machine, ``distributed.LocalCluster`` starts one.
"""

import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from reanalysis.dataset import Plan, batch_growth, plan, series_hash
from reanalysis.formats.layout import read_layout


def growth_on_cluster(
    source: str | Path,
    target: str | Path,
    client,
    *,
    partitions: int | None = None,
    blocksize: str = "64MiB",
    overwrite: bool = False,
) -> Path:
    """Write ``growth(load_customs(source))`` to the folder ``target`` as Parquet parts, computed
    on the Dask cluster of ``client`` (a ``distributed.Client``); returns ``target``.

    ``source`` as for :func:`reanalysis.dataset.growth_dataset`. ``partitions`` (default: one
    per 2 million rows, at least one per worker thread) sets how many groups of whole series the
    shuffle makes; ``blocksize`` is how much of a CSV one read task takes. The result has the
    same rows, columns and values as the single-machine path; input errors name the source
    file, its row and column. ``target`` is replaced only at the end, and only with
    ``overwrite``.
    """
    import dask.dataframe as dd

    plan_ = plan(source)
    target = Path(target)
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} exists; pass overwrite=True to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = None  # each row's line, where it is not its row number + 2
    if plan_.csv:  # the reader's layout check of the whole file first (its errors, encoding)
        layout = read_layout(plan_.files[0], latin1=True)
        if layout.lines is not None:  # a quoted line break: blocks cannot be cut at any newline
            blocksize = None
        if layout.lines is not None or len(layout.empty):
            lines = np.delete(layout.line_numbers(), layout.empty)
        frame = dd.read_csv(str(plan_.files[0]), usecols=list(plan_.columns), dtype=str,
                            keep_default_na=False, na_values=[""], blocksize=blocksize,
                            encoding="utf-8" if layout.encoding == "utf8" else "iso-8859-1")  # fmt: skip
        lengths = frame.map_partitions(len).compute().tolist()
        files = [0] * len(lengths)
    else:
        frame = dd.read_parquet([str(f) for f in plan_.files], columns=list(plan_.columns),
                                split_row_groups=True)  # fmt: skip
        files, lengths = _row_groups(plan_)
        if frame.npartitions != len(lengths):  # rows would be numbered wrongly
            raise RuntimeError(f"Dask made {frame.npartitions} partitions of "
                               f"{len(lengths)} row groups")  # fmt: skip
    starts = _starts(files, lengths)
    numbered = frame.map_partitions(_numbered, plan_.keys, files, starts, lines, meta=_meta(frame))
    threads = sum(client.nthreads().values())
    wanted = partitions or max(threads, -(-plan_.rows // 2_000_000))
    by_series = numbered.shuffle(on="_series", npartitions=wanted)
    with tempfile.TemporaryDirectory(prefix=f".{target.name}-", dir=target.parent) as tmp:
        staged = Path(tmp) / "growth"
        staged.mkdir()
        written = by_series.map_partitions(
            _growth_part,
            plan_,
            str(staged),
            meta=pd.DataFrame({"rows": pd.Series([], dtype="int64")}),
        )
        rows = client.compute(written).result()["rows"]
        if int(rows.sum()) == 0:  # no monthly row anywhere: the reader says so
            from reanalysis.loaders import load_customs

            load_customs(plan_.files[0], format=plan_.format)
        if target.exists():
            target.rename(Path(tmp) / "replaced")
        staged.rename(target)
    return target


def _row_groups(plan: Plan) -> tuple[list[int], list[int]]:
    """File index and rows of every row group of ``plan``'s Parquet files, in order."""
    import pyarrow.parquet as pq

    files, lengths = [], []
    for i, f in enumerate(plan.files):
        meta = pq.ParquetFile(f).metadata
        for g in range(meta.num_row_groups):
            files.append(i)
            lengths.append(meta.row_group(g).num_rows)
    return files, lengths


def _starts(files: list[int], lengths: list[int]) -> list[int]:
    """The first row of each partition within its file."""
    starts, row, previous = [], 0, None
    for f, n in zip(files, lengths, strict=True):
        row = 0 if f != previous else row
        starts.append(row)
        row, previous = row + n, f
    return starts


def _meta(frame) -> pd.DataFrame:
    empty = {"_line": "int64", "_file": "int32", "_series": "uint64"}
    return frame._meta.assign(**{c: pd.Series([], dtype=t) for c, t in empty.items()})


def _numbered(
    part: pd.DataFrame,
    keys: tuple[str, ...],
    files: list[int],
    starts: list[int],
    lines: np.ndarray | None,
    partition_info=None,
) -> pd.DataFrame:
    """``part`` with ``_file``, ``_line`` (as the reader counts lines: the first row is 2,
    unless ``lines`` gives each row's line) and ``_series`` (the same for every row of a
    series, as the bounded path splits)."""
    n = partition_info["number"]
    row = np.arange(len(part), dtype=np.int64) + starts[n]
    line = row + 2 if lines is None else lines[row]
    series = pl.from_pandas(part[list(keys)]).select(series_hash(keys)).to_series().to_numpy()
    return part.assign(_line=line, _file=np.int32(files[n]), _series=series)


def _growth_part(part: pd.DataFrame, plan: Plan, staged: str, partition_info=None) -> pd.DataFrame:
    """Run one partition of whole series through the library and write its part file."""
    n = partition_info["number"]
    if part.empty:
        return pd.DataFrame({"rows": [0]})
    frame = pl.from_pandas(part.reset_index(drop=True))
    folder = Path(tempfile.mkdtemp(prefix="reanalysis-part-"))
    try:
        batch = folder / ("batch.csv" if plan.csv else "batch.parquet")
        frame.write_csv(batch) if plan.csv else frame.write_parquet(batch, compression="lz4")
        out = batch_growth(batch, plan)
    finally:
        shutil.rmtree(folder)
    if out is None:
        return pd.DataFrame({"rows": [0]})
    out.write_parquet(Path(staged) / f"part-{n:05d}.parquet")
    return pd.DataFrame({"rows": [out.height]})
