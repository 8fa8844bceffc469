"""The growth job on a Dask cluster, for inputs beyond one machine (optional: install
``reanalysis[distributed]``).

Dask reads the source in partitions (Parquet row groups, or blocks of a CSV), its shuffle puts
each series whole into one partition (by the series keys), and every partition runs the
library's own path (:func:`reanalysis.dataset.batch_growth`: the reader and its checks,
:func:`~reanalysis.reconcile.reconcile`, :func:`~reanalysis.growth.growth`), so the rules are
the same code as on one machine. Each partition writes its growth frame as one Parquet part of
the target folder; the source and the target must be reachable by every worker under the same
path (a shared file system).

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

ROWS_PER_PARTITION = 2_000_000  # the default size of a group of whole series


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
    if plan_.csv:  # the reader's layout check of the whole file first (its errors, encoding)
        layout = read_layout(plan_.files[0], latin1=plan_.latin1)
        if layout.lines is not None:  # a quoted line break: blocks cannot be cut at any newline
            blocksize = None
        lines = None  # each row's line, where it is not its row number + 2
        if layout.lines is not None or len(layout.empty):
            lines = np.delete(layout.line_numbers(), layout.empty)
        frame = dd.read_csv(str(plan_.files[0]), usecols=list(plan_.columns), dtype=str,
                            keep_default_na=False, na_values=[""], blocksize=blocksize,
                            encoding="utf-8" if layout.encoding == "utf8" else "iso-8859-1")  # fmt: skip
        lengths = frame.map_partitions(len).compute().tolist()
        starts = np.cumsum([0, *lengths[:-1]]).tolist()  # each block's first row
        numbered = frame.map_partitions(_numbered_block, plan_.keys, starts, lines,
                                        meta=_meta(frame._meta))  # fmt: skip
    else:  # one partition per row group, read here: each knows its file and first row (Dask's
        # own read_parquet fuses row groups when it reads a few of many columns)
        groups = _row_groups(plan_)
        if not groups:  # no row at all: the reader says so
            _refuse_empty(plan_)
        numbered = dd.from_map(_read_row_group, groups, plan=plan_,
                               meta=_meta(_parquet_meta(plan_)))  # fmt: skip
    threads = sum(client.nthreads().values())
    wanted = partitions or max(threads, -(-plan_.rows // ROWS_PER_PARTITION))
    by_series = numbered.shuffle(on="_series", npartitions=wanted)
    with tempfile.TemporaryDirectory(prefix=f".{target.name}-", dir=target.parent) as tmp:
        staged = Path(tmp) / "growth"
        staged.mkdir()
        meta = pd.DataFrame({"rows": pd.Series([], dtype="int64")})
        written = by_series.map_partitions(_growth_part, plan_, str(staged), None, meta=meta)
        rows = client.compute(written).result()["rows"]
        if int(rows.sum()) == 0:  # no monthly row anywhere: the reader says so
            _refuse_empty(plan_)
        priced = {"usd_per_t" in pl.read_parquet_schema(p) for p in staged.iterdir()}
        if priced == {True, False}:  # some partitions had no trade value: all again, with unit
            # values (as the in-memory frame has them wherever any row has a trade value)
            written = by_series.map_partitions(_growth_part, plan_, str(staged), True, meta=meta)
            client.compute(written).result()
        if target.exists():
            target.rename(Path(tmp) / "replaced")
        staged.rename(target)
    return target


def _row_groups(plan: Plan) -> list[tuple[int, int, int]]:
    """(file index, row group, first row within the file) of every row group of ``plan``'s
    Parquet files, in order."""
    import pyarrow.parquet as pq

    groups = []
    for i, f in enumerate(plan.files):
        meta, row = pq.ParquetFile(f).metadata, 0
        for g in range(meta.num_row_groups):
            groups.append((i, g, row))
            row += meta.row_group(g).num_rows
    return groups


def _refuse_empty(plan: Plan) -> None:
    """The reader's error for a source without monthly rows."""
    from reanalysis.loaders import load_customs

    load_customs(plan.files[0], format=plan.format)


def _meta(empty: pd.DataFrame) -> pd.DataFrame:
    numbering = {"_line": "int64", "_file": "int32", "_series": "uint64"}
    return empty.assign(**{c: pd.Series([], dtype=t) for c, t in numbering.items()})


def _parquet_meta(plan: Plan) -> pd.DataFrame:
    """An empty frame of the columns taken, typed as :func:`_read_row_group` reads them."""
    import pyarrow.parquet as pq

    table = pq.read_schema(plan.files[0]).empty_table().select(list(plan.columns))
    return _to_pandas(table)


def _to_pandas(table) -> pd.DataFrame:
    """``table`` as pandas with Arrow types, dictionary-encoded columns decoded (the shuffle
    cannot move Arrow dictionaries)."""
    import pyarrow as pa

    plain = [f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f
             for f in table.schema]  # fmt: skip
    return table.cast(pa.schema(plain)).to_pandas(types_mapper=pd.ArrowDtype)


def _read_row_group(group: tuple[int, int, int], plan: Plan) -> pd.DataFrame:
    """One row group of ``plan``'s Parquet files, numbered (its first row is line 2 if it
    starts its file, as the reader counts)."""
    import pyarrow.parquet as pq

    file, g, first = group
    table = pq.ParquetFile(plan.files[file]).read_row_group(g, columns=list(plan.columns))
    part = _to_pandas(table)
    return _numbered(part, plan.keys, file, np.arange(len(part), dtype=np.int64) + first + 2)


def _numbered_block(part: pd.DataFrame, keys: tuple[str, ...], starts: list[int],
                    lines: np.ndarray | None, partition_info=None) -> pd.DataFrame:  # fmt: skip
    """A block of the CSV, numbered: its rows' lines as the reader counts them (the first row
    is 2, unless ``lines`` gives each row's line)."""
    row = np.arange(len(part), dtype=np.int64) + starts[partition_info["number"]]
    return _numbered(part, keys, 0, row + 2 if lines is None else lines[row])


def _numbered(part: pd.DataFrame, keys: tuple[str, ...], file: int, line: np.ndarray):
    """``part`` with ``_file``, ``_line`` and ``_series`` (the same for every row of a series,
    as the bounded path splits)."""
    series = pl.from_pandas(part[list(keys)]).select(series_hash(keys)).to_series().to_numpy()
    return part.assign(_line=line, _file=np.int32(file), _series=series)


def _growth_part(part: pd.DataFrame, plan: Plan, staged: str, unit_values: bool | None,
                 partition_info=None) -> pd.DataFrame:  # fmt: skip
    """Run one partition of whole series through the library (``unit_values`` as for
    :func:`~reanalysis.growth.growth`) and write its part file."""
    n = partition_info["number"]
    if part.empty:
        return pd.DataFrame({"rows": [0]})
    frame = pl.from_pandas(part.reset_index(drop=True))
    folder = Path(tempfile.mkdtemp(prefix="reanalysis-part-"))
    try:
        batch = folder / "batch.parquet"  # as the bounded path's batches (dataset.split)
        frame.write_parquet(batch, compression="lz4")
        out = batch_growth(batch, plan, unit_values)
    finally:
        shutil.rmtree(folder)
    if out is None:
        return pd.DataFrame({"rows": [0]})
    out.write_parquet(Path(staged) / f"part-{n:05d}.parquet")
    return pd.DataFrame({"rows": [out.height]})
