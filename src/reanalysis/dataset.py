"""Growth on inputs larger than memory: series by series, in bounded batches.

Every comparison stays inside one series, so series can be computed apart. A batch holds whole
series. Where the source is one Parquet file whose series each lie in consecutive rows (a file
written series by series, or sorted by them), a batch is a range of its rows, read from the
file itself (:func:`ranges`). Any other source (a Comtrade+ or tidy CSV, a Parquet file in
another order, a folder of Parquet files) is first split, streaming, into batch files (a hash of
the series keys picks the batch: :func:`split`). Each batch then runs the library's own path
(:func:`~reanalysis.readers.read_statements`, :func:`~reanalysis.reconcile.reconcile` and
:func:`~reanalysis.growth.growth`), and its growth frame is written as one Parquet part of the
target folder. Memory holds one batch at a time, whatever the size of the source.

>>> import tempfile
>>> from reanalysis.dataset import growth_dataset
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "tidy.csv").write_text(
...     "period,commodity,flow,partner,value,unit\\n"
...     "2024-04,ore,export,World,100,t\\n2025-03,ore,export,World,90,t\\n"
...     "2025-04,ore,export,World,120,t\\n")
>>> out = growth_dataset(folder / "tidy.csv", folder / "growth", progress=False)
>>> g = pl.read_parquet(out).sort("period").select("value_t", pl.col("mom_pct", "yoy_pct").round(1))
>>> g.rows()
[(100.0, None, None), (90.0, None, None), (120.0, 33.3, 20.0)]
"""

import math
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
import polars as pl
from tqdm import tqdm

from reanalysis.errors import EmptyFileError, InputError
from reanalysis.formats.common import read_header
from reanalysis.formats.comtrade import LATIN1 as COMTRADE_LATIN1
from reanalysis.formats.comtrade import SCHEMA as COMTRADE_SCHEMA
from reanalysis.formats.layout import Layout, read_layout
from reanalysis.formats.tidy import NUMBERS as TIDY_NUMBERS
from reanalysis.formats.tidy import TIDY_REQUIRED
from reanalysis.growth import growth
from reanalysis.loaders import load_customs
from reanalysis.names import canonical_partners
from reanalysis.readers import detect_format, read_statements
from reanalysis.reconcile import reconcile

BATCH_ROWS = 3_000_000  # rows per batch: 2.6 GiB peak at 100M Comtrade+ rows (PROFILE.md)
# The columns of the source that the reader takes (where present), and the ones that split
# rows into batches: a Comtrade+ batch holds every partner of a reporter, flow and HS code, as
# the reader names partners by their ISO codes (two names of one country are one series); a
# tidy file's partners are split by their canonical names (_key).
READ_COLUMNS = {
    "comtrade": tuple(COMTRADE_SCHEMA),
    "tidy": (*TIDY_REQUIRED, "source_url", "weight_estimated"),
}
SERIES_COLUMNS = {
    "comtrade": ("reporterDesc", "flowCode", "cmdCode"),
    "tidy": ("commodity", "flow", "partner"),
}
# Text columns a reader takes as categories: a Parquet source's batch files hold them so
# (written and read faster than text).
CATEGORIES = {
    "comtrade": tuple(c for c, t in COMTRADE_SCHEMA.items() if t == pl.Categorical()),
    "tidy": (),
}
# How a reader types a CSV's columns (others are text): a CSV's batch files hold them so,
# parsed by the same parser with the same types.
CSV_TYPES: dict[str, dict[str, pl.DataType]] = {"comtrade": COMTRADE_SCHEMA, "tidy": TIDY_NUMBERS}
# Whether a format's reader takes a CSV that is not UTF-8 as ISO-8859-1 (the tidy reader reads
# UTF-8 only, read_columns' default: it names the first byte that is not).
LATIN1 = {"comtrade": COMTRADE_LATIN1, "tidy": False}
HASH_SEED = 20261125
# Rows whose keys ranges() reads first (then twice as many each time, up to a batch): a file
# not in series order almost always shows it in its first rows, and is then split at once.
FIRST_KEYS = 1 << 16


@dataclass(frozen=True)
class Plan:
    """What a run reads: the ``files`` of ``source`` (one, or a folder's Parquet files), their
    ``format`` (``comtrade`` or ``tidy``), the ``columns`` taken, the series ``keys`` and the
    number of ``rows`` (estimated from the size of a CSV)."""

    source: Path
    files: tuple[Path, ...]
    format: str
    csv: bool
    columns: tuple[str, ...]
    keys: tuple[str, ...]
    rows: int

    @property
    def one_parquet(self) -> bool:
        """Whether the source is one Parquet file (its batches may be ranges of its rows)."""
        return not self.csv and len(self.files) == 1

    @property
    def latin1(self) -> bool:
        """Whether a CSV source that is not UTF-8 is read as ISO-8859-1, as its reader does."""
        return LATIN1[self.format]

    @property
    def uri(self) -> str:
        """``source_url`` of every row when the source has no such column (as the readers)."""
        return self.source.resolve().as_uri()


def plan(source: str | Path) -> Plan:
    """The :class:`Plan` for ``source``; a typed error when it is not a records format."""
    source = Path(source)
    files = tuple(sorted(source.rglob("*.parquet"))) if source.is_dir() else (source,)
    if not files:
        raise FileNotFoundError(f"{source}: no Parquet files in this folder")
    formats = {f: detect_format(f) for f in files}
    fmt = formats[files[0]]
    if fmt not in READ_COLUMNS:
        raise ValueError(
            f"{source}: {fmt} files are small curated statements; read them with load_customs()"
        )
    for f, other in formats.items():
        if other != fmt:
            raise ValueError(f"{f}: a {other} file among {fmt} files in {source}")
    header = read_header(files[0])
    csv = files[0].suffix.lower() != ".parquet" and not source.is_dir()
    columns = tuple(c for c in READ_COLUMNS[fmt] if c in header)
    keys = tuple(c for c in SERIES_COLUMNS[fmt] if c in header)
    if csv:
        rows = _estimated_rows(files[0])
    else:
        rows = sum(pl.scan_parquet(f).select(pl.len()).collect().item() for f in files)
    return Plan(source, files, fmt, csv, columns, keys, rows)


def _estimated_rows(path: Path, sample: int = 1 << 20) -> int:
    """Rows of a CSV from its size and the lines in its first ``sample`` bytes."""
    with path.open("rb") as fh:
        head = fh.read(sample)
    lines = max(1, head.count(b"\n"))
    return math.ceil(path.stat().st_size / (len(head) / lines))


def growth_dataset(
    source: str | Path,
    target: str | Path,
    *,
    batch_rows: int = BATCH_ROWS,
    progress: bool = True,
    overwrite: bool = False,
) -> Path:
    """Write ``growth(load_customs(source))`` to the folder ``target`` as Parquet parts, one
    per batch of whole series, holding one batch in memory at a time; returns ``target``.

    ``source`` is a Comtrade+ or tidy CSV, a Parquet file, or a folder of Parquet files (read
    as one input; ``source_url`` is then the folder's address). Read the result with
    ``pl.scan_parquet(target)``: the same rows, columns and values as the in-memory path,
    series in another order. ``batch_rows`` bounds the rows per batch (about 0.55 GiB of peak
    memory per million rows). A ``tqdm`` progress bar on standard error counts the batches
    (``progress=False`` hides it). ``target`` is replaced only at the end, in one rename, and
    only with ``overwrite``; input errors name the source file, its row and column. A Parquet
    file whose series each lie in consecutive rows is read in ranges of rows, not split
    (:func:`ranges`): sorting a large file by its series keys once saves the split on every run.
    Where some batches have trade values and others none, those are computed again with the
    unit-value columns, as the in-memory frame has them on every row: every part has the same
    columns.
    """
    plan_ = plan(source)
    target = Path(target)
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} exists; pass overwrite=True to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    batches_wanted = max(1, math.ceil(plan_.rows / batch_rows))
    with (
        tempfile.TemporaryDirectory(prefix=f".{target.name}-", dir=target.parent) as tmp,
        tqdm(total=batches_wanted + 1, desc="growth", unit="batch", disable=not progress) as bar,
    ):
        batches: list[range] | list[Path] | None = None
        if plan_.one_parquet:
            bar.set_postfix_str(f"finding the series in {plan_.rows:,} rows")
            batches = ranges(plan_, batches_wanted, batch_rows)
        if batches is None:
            bar.set_postfix_str(f"splitting {plan_.rows:,} rows")
            batches = split(plan_, batches_wanted, Path(tmp) / "batches")
        bar.total = len(batches) + 1
        bar.update(1)
        staged = Path(tmp) / "growth"
        staged.mkdir()
        # parts whose batch had no trade value: redone with unit values if another part has them
        unpriced: dict[int, Path | range] = {}
        priced = False
        # a batch's part is written while the next batch computes (Polars writes without the GIL)
        with ThreadPoolExecutor(max_workers=1) as writer:
            writing = writer.submit(_write_part, None, staged)  # nothing yet
            for n, batch in enumerate(batches):
                bar.set_postfix_str(f"batch {n + 1} of {len(batches)}")
                frame = batch_growth(batch, plan_)
                if frame is not None and "primaryValue" in plan_.columns:
                    priced |= "usd_per_t" in frame.columns
                    if "usd_per_t" not in frame.columns:
                        unpriced[n] = batch
                if isinstance(batch, Path) and n not in unpriced:
                    batch.unlink()  # the disk a batch took is free again
                writing.result()
                bar.update(n > 0)
                writing = writer.submit(_write_part, frame, staged / f"part-{n:05d}.parquet")
            writing.result()
            if priced:  # every part gets the unit-value columns, as the in-memory frame has them
                for n, batch in unpriced.items():
                    bar.set_postfix_str(f"unit values of batch {n + 1} of {len(batches)}")
                    frame = batch_growth(batch, plan_, unit_values=True)
                    _write_part(frame, staged / f"part-{n:05d}.parquet")
            bar.update(len(batches) > 0)
        if not any(staged.iterdir()):  # no monthly row anywhere: the reader says so
            load_customs(plan_.files[0], format=plan_.format)
        if target.exists():
            target.rename(Path(tmp) / "replaced")
        staged.rename(target)
    return target


def _write_part(frame: pl.DataFrame | None, path: Path) -> None:
    """One part of the target (Snappy: half zstd's time for a fifth more bytes)."""
    if frame is not None:
        frame.write_parquet(path, compression="snappy")


def ranges(plan: Plan, batches: int, chunk_rows: int) -> list[range] | None:
    """About ``batches`` ranges of the rows of ``plan``'s one Parquet file, about as long as
    each other, each holding whole series, when the rows of every series are consecutive in
    the file; ``None`` when they are not, or when the file holds more than ``chunk_rows``
    series. The series keys are read in chunks of up to ``chunk_rows`` rows (the first ones
    shorter: :data:`FIRST_KEYS`), and the first row of each run of rows with the same keys is
    kept: the rows of every series are consecutive when no two runs have the same keys (as the
    reader takes them: :func:`series_hash`). Keys that differ only as the reader does not see
    (`` 850511`` beside ``850511``) make two runs of one series: ``None``, and the source is
    split."""
    path, starts, seen = plan.files[0], [], pl.Series(dtype=pl.UInt64)
    offset, size = 0, min(chunk_rows, FIRST_KEYS)
    while offset < plan.rows:
        before = min(offset, 1)  # the chunk's row before: does its first row go on a run?
        chunk = pl.scan_parquet(path).slice(offset - before, size + before)
        new = pl.any_horizontal(pl.col(k).ne_missing(pl.col(k).shift(1)) for k in plan.keys)
        runs = (
            chunk.select(*plan.keys, row=pl.int_range(pl.len(), dtype=pl.Int64) + offset - before)
            .filter(new | (pl.col("row") == 0), pl.col("row") >= offset)
            .select("row", key=series_hash(plan.keys))
            .collect()
        )
        starts.append(runs["row"])
        seen = seen.append(runs["key"])
        if seen.len() > chunk_rows or seen.is_duplicated().any():
            return None
        offset, size = offset + size, min(2 * size, chunk_rows)
    if not plan.rows:
        return []
    first_rows = pl.concat(starts).to_numpy()
    wanted = np.arange(1, batches) * plan.rows // batches
    at = first_rows[np.searchsorted(first_rows, wanted).clip(max=len(first_rows) - 1)]
    cuts = np.unique(np.r_[0, at, plan.rows]).tolist()
    return [range(a, b) for a, b in pairwise(cuts)]


def split(plan: Plan, batches: int, folder: Path) -> list[Path]:
    """Stream ``plan``'s rows into at most ``batches`` uncompressed Parquet files of whole
    series under ``folder``, each row with ``_file`` (index into ``plan.files``) and ``_line``
    (its line as the reader counts it). Rows keep their order within a batch. A CSV source's
    layout is checked here, once. The batches of a plain CSV (UTF-8, a record per line, no
    empty line) hold its cells parsed as the reader parses them (:data:`CSV_TYPES`, the same
    parser); where that parse fails (a cell that is not a number), and for any other CSV, they
    hold its cells as text, which the reader parses as it parses a CSV's, naming a bad cell. A
    Parquet source's text columns that the reader takes as categories are categories there
    (:data:`CATEGORIES`)."""
    folder.mkdir(parents=True)
    if not plan.csv:
        scans = [pl.scan_parquet(f).with_row_index("_record") for f in plan.files]
        return _sink(scans, plan, batches, folder / "parts")
    # Most CSVs are UTF-8 with each record on its own line and no empty line, and every cell
    # parses: split such a file, typed, on another thread while its layout is checked. That
    # split is kept only when the layout says that is what the file is, and the layout's
    # errors come first either way.
    path = plan.files[0]
    types = {c: t for c, t in CSV_TYPES[plan.format].items() if c in plan.columns}
    with ThreadPoolExecutor(max_workers=1) as pool:
        typed = _scan_csv(path, None, folder, types)
        early = pool.submit(_sink, [typed], plan, batches, folder / "early")
        layout = read_layout(path, latin1=plan.latin1)
        plain = layout.encoding == "utf8" and layout.lines is None and not len(layout.empty)
        if plain and early.exception() is None:
            return early.result()
    shutil.rmtree(folder / "early")  # the disk it took is free again
    return _sink([_scan_csv(path, layout, folder)], plan, batches, folder / "checked")


def _sink(scans: list[pl.LazyFrame], plan: Plan, batches: int, folder: Path) -> list[Path]:
    """The batch files of ``scans`` (one per file of ``plan``, each row with its ``_record``
    and perhaps its ``_line``) under ``folder``."""
    folder.mkdir()
    located = []
    for i, scan in enumerate(scans):
        from_layout = "_line" in scan.collect_schema()
        line = pl.col("_line") if from_layout else (pl.col("_record") + 2).cast(pl.Int64)
        located.append(scan.select(*plan.columns, _line=line, _file=pl.lit(i, pl.Int32)))
    batch = series_hash(plan.keys) % batches
    lazy = pl.concat(located, how="vertical_relaxed").with_columns(_batch=batch)
    if not plan.csv:
        schema = lazy.collect_schema()
        text = [c for c in CATEGORIES[plan.format] if schema.get(c) == pl.String]
        lazy = lazy.with_columns(pl.col(text).cast(pl.Categorical))
    sink = pl.PartitionBy(folder, key="_batch", include_key=False, approximate_bytes_per_file=None)
    lazy.sink_parquet(sink, compression="uncompressed")
    return sorted(folder.glob("*/*"))


def series_hash(keys: tuple[str, ...]) -> pl.Expr:
    """One number per combination of ``keys``, read as the readers read keys; rows of one
    series always get the same."""
    return pl.struct(_key(k) for k in keys).hash(HASH_SEED)


def _key(column: str) -> pl.Expr:
    """``column`` as the readers take a key: text without surrounding spaces, a blank key as a
    missing one (both ``""`` here, one strip per cell). A tidy file's ``partner`` is taken by
    its canonical name, as the reader does: ``USA`` and ``United States`` are one series."""
    text = pl.col(column).cast(pl.String).str.strip_chars().fill_null("")
    if column != "partner":
        return text
    return text.map_batches(_canonical_names, return_dtype=pl.String, is_elementwise=True)


def _canonical_names(partners: pl.Series) -> pl.Series:
    """Each of ``partners`` (stripped text) by its canonical name (the reader's rule)."""
    return canonical_partners(partners.to_frame("partner"))["partner"]


def _scan_csv(
    path: Path, layout: Layout | None, folder: Path, types: dict[str, pl.DataType] | None = None
) -> pl.LazyFrame:
    """``path``'s records, each with its ``_record`` and, where ``layout`` (the reader's check
    of the whole file: its errors name the source's lines) says the lines are not the records',
    its ``_line``; without a layout, the file is read as UTF-8, a record per line. A file in
    ISO-8859-1 is read from a UTF-8 copy in ``folder``. Columns are text but ``types``."""
    if layout is not None and layout.encoding != "utf8":
        copy = folder / "source-utf8.csv"
        with (
            path.open(encoding="iso-8859-1", newline="") as src,
            copy.open("w", encoding="utf-8") as dst,
        ):
            for block in iter(lambda: src.read(1 << 22), ""):
                dst.write(block)
        path = copy
    scan = pl.scan_csv(path, infer_schema=False, schema_overrides=types).with_row_index("_record")
    if layout is None:
        return scan
    if len(layout.empty):  # empty lines are not rows
        scan = scan.filter(~pl.col("_record").is_in(pl.Series(layout.empty).implode()))
    if layout.lines is None:
        return scan
    lines = layout.lines  # a quoted field holds a line break: lines from the layout
    return scan.with_columns(
        _line=pl.col("_record").map_batches(
            lambda r: pl.Series(lines[r.to_numpy()]), return_dtype=pl.Int64, is_elementwise=True
        )
    )


def batch_growth(
    batch: Path | range, plan: Plan, unit_values: bool | None = None
) -> pl.DataFrame | None:
    """The growth frame of one batch (the library's own path): a file written by :func:`split`
    or a range of the source's rows (:func:`ranges`), ``source_url`` as the source's; input
    errors name the source's file and line. ``None`` for a batch without monthly rows (the
    caller checks the source as a whole). ``unit_values`` as for
    :func:`~reanalysis.growth.growth`."""
    source, rows = (plan.files[0], batch) if isinstance(batch, range) else (batch, None)
    try:
        statements = read_statements(source, format=plan.format, rows=rows)
        frame = growth(reconcile(statements, records=True), unit_values=unit_values)
    except EmptyFileError:
        return None
    except InputError as exc:
        if rows is not None:  # read from the source itself: its own file and line
            raise
        raise _located(exc, batch, plan) from None
    if "source_url" not in plan.columns:
        frame = frame.with_columns(source_url=pl.lit(plan.uri, pl.Categorical))
    return frame


def _located(exc: InputError, batch: Path, plan: Plan) -> InputError:
    """``exc`` (raised on ``batch``) naming the source file and line instead."""
    if not exc.line or exc.line < 2:  # not about a row
        return type(exc)(plan.source, exc.line, exc.column, exc.found, exc.expected)
    rows = pl.read_parquet(batch, columns=["_file", "_line"]).cast(pl.Int64)
    file, line = rows.row(exc.line - 2)  # the reader numbers a batch's rows from line 2
    expected = re.sub(r"line (\d+)", lambda m: f"line {rows.item(int(m[1]) - 2, '_line')}",
                      exc.expected)  # fmt: skip
    return type(exc)(plan.files[file], line, exc.column, exc.found, expected)
