"""Public loaders: customs series and their conflicts, ready for analysis."""

import functools
from pathlib import Path

import polars as pl

from reanalysis import paths
from reanalysis.readers import check_cumulatives, detect_format, read_statements
from reanalysis.reconcile import conflicts, reconcile


def load_statements(path: str | Path | None = None, *, format: str = "auto") -> pl.DataFrame:
    """Every stated figure, validated (see :data:`reanalysis.readers.STATEMENT_SCHEMA`).

    Without ``path``, the shipped rare earth and magnet statements (read once per process
    while the files stay the same, see :func:`load_customs`).
    """
    if path is None:
        return _shipped_statements(_signature(), format).clone()
    frame = read_statements(path, format=format)
    check_cumulatives(frame)
    return frame


def load_customs(path: str | Path | None = None, *, format: str = "auto") -> pl.DataFrame:
    """The canonical monthly series (:data:`reanalysis.reconcile.CANONICAL_SCHEMA`).

    One row per (reporter, commodity, flow, partner, period). ``period`` is the first day of the
    first month covered; ``months`` is 2 for a combined January-February observation.
    ``format`` is ``auto`` (from the header), ``statements``, ``tidy`` or ``comtrade``.

    Without ``path``, the shipped series. They are reconciled once per process and kept while
    the shipped files keep their size and modification time (a report or notebook cell asks
    for them again and again); a changed file is read afresh. Your own files are always read.

    >>> customs = load_customs()
    >>> april = customs.filter(pl.col("commodity") == "rare earths", pl.col("partner") == "World",
    ...                        pl.col("flow") == "export", pl.col("period") == pl.date(2025, 4, 1))
    >>> april.select("value_t", "ytd_t", "months").row(0)
    (4784.8, 18962.0, 1)
    """
    if path is None:
        return _shipped_customs(_signature(), format).clone()
    statements = load_statements(path, format=format)
    records = (format if format != "auto" else detect_format(Path(path))) in ("tidy", "comtrade")
    return reconcile(statements, records=records)


def _signature() -> tuple:
    """Name, size and modification time of each shipped customs file."""
    stats = [(f, f.stat()) for f in paths.CUSTOMS_FILES]
    return tuple((str(f), st.st_size, st.st_mtime_ns) for f, st in stats)


@functools.lru_cache(maxsize=2)
def _shipped_statements(signature: tuple, format: str) -> pl.DataFrame:
    """The shipped statements for ``signature`` (see :func:`load_customs`)."""
    frame = pl.concat([read_statements(f, format=format) for f in paths.CUSTOMS_FILES])
    check_cumulatives(frame)
    return frame


@functools.lru_cache(maxsize=2)
def _shipped_customs(signature: tuple, format: str) -> pl.DataFrame:
    """The shipped customs frame for ``signature`` (see :func:`load_customs`)."""
    return reconcile(_shipped_statements(signature, format), records=False)


def source_conflicts(path: str | Path | None = None) -> pl.DataFrame:
    """Every figure that disagreed with another or was excluded, with its sources.

    Columns: ``commodity, flow, partner, period, measure, value_t, n_sources, chosen, rule,
    sources, lines`` (``lines`` as ``file:line``).

    >>> row = source_conflicts().filter(pl.col("partner") == "Germany").row(0, named=True)
    >>> row["period"], row["value_t"], row["chosen"], row["rule"], row["lines"]
    (datetime.date(2025, 7, 1), 1115.0, True, 'first in the file', ['magnet_exports.csv:49'])
    """
    return conflicts(load_statements(path))
