"""Read customs files into a validated *statements* frame: one row per figure a source stated.

Three formats, detected from the header (or given as ``format=``), each in its own module of
:mod:`reanalysis.formats`:

``statements``
    The curated source statements shipped in ``data/raw/rare_earths/`` (two layouts: the
    headline customs file and the magnets file). Every figure keeps its source address.
``tidy``
    CSV or Parquet with ``period,commodity,flow,partner,value,unit[,source_url]``;
    ``period`` as ``YYYY-MM``, ``unit`` ``t`` or ``kg``.
``comtrade``
    A UN Comtrade+ export (47 columns): monthly rows, ``netWgt`` in kg, ``primaryValue`` in USD,
    UTF-8 or ISO-8859-1.

The statements frame is described in :mod:`reanalysis.formats.common` (``STATEMENT_SCHEMA``).
This module is the dispatcher only: it also gives every partner its canonical name
(:func:`reanalysis.names.canonical_partners`), whatever the format.
"""

from collections.abc import Callable
from pathlib import Path

import polars as pl

from reanalysis.errors import (
    CorruptFileError,
    InputError,
    MissingColumnError,
    StopReading,
    UnknownFormatError,
    report,
)
from reanalysis.formats.common import (
    STATEMENT_SCHEMA,
    check_rows,
    read_header,
    read_text_csv,
    stated_at,
)
from reanalysis.formats.comtrade import (
    COMTRADE_COLUMNS,
    COMTRADE_OPTIONAL,
    COMTRADE_REQUIRED,
    read_comtrade,
)
from reanalysis.formats.statements import (
    CUSTOMS_HEADER,
    MAGNET_HEADER,
    check_cumulatives,
    read_statement_file,
)
from reanalysis.formats.tidy import TIDY_REQUIRED, read_tidy
from reanalysis.names import canonical_partners

__all__ = [
    "COMTRADE_COLUMNS",
    "COMTRADE_OPTIONAL",
    "COMTRADE_REQUIRED",
    "STATEMENT_SCHEMA",
    "check_cumulatives",
    "detect_format",
    "read_statements",
    "read_text_csv",
    "stated_at",
]


def read_statements(
    path: str | Path, *, format: str = "auto", rows: range | None = None
) -> pl.DataFrame:
    """Read one customs file into the statements frame. ``rows`` (consecutive row numbers,
    from 0) reads only those rows of a tidy or Comtrade+ Parquet file, lines numbered as in
    the file (the bounded path's batches of whole series: :mod:`reanalysis.dataset`).

    >>> from reanalysis import paths
    >>> st = read_statements(paths.CUSTOMS_FILES[0])
    >>> st.filter(pl.col("period") == pl.date(2025, 4, 1), pl.col("measure") == "ytd",
    ...           pl.col("flow") == "export")[
    ...     "value_t"].to_list()
    [18962.0, 18962.0, 18962.0]
    """
    path = Path(path)
    readers: dict[str, Callable[[Path], pl.DataFrame]] = {
        "statements": read_statement_file,
        "tidy": lambda p: read_tidy(p, rows),
        "comtrade": lambda p: read_comtrade(p, rows),
    }
    if format != "auto" and format not in readers:
        raise UnknownFormatError(path, None, None, format, f"one of {sorted(readers)}")
    columns = read_header(path)  # read once: a format named by the caller may lack its columns
    fmt = _detected(path, columns) if format == "auto" else format
    # here, before a reader's own errors are taken as a corrupt file
    check_rows(path, rows, statements=fmt == "statements")
    required = _required(columns)[fmt]
    if not set(required) <= set(columns):
        report(_missing(path, fmt, required, columns))
        raise StopReading
    try:
        frame = readers[fmt](path)
    except (InputError, StopReading, OSError):
        raise
    except Exception as exc:  # a parser's own error never reaches the user untyped
        first = (str(exc).strip().splitlines() or [""])[0][:160]
        raise CorruptFileError(
            path, None, None, f"{type(exc).__name__}: {first}", f"a {fmt} file this reader can read"
        ) from None
    unflagged = {"weight_estimated": pl.lit(False), "weight_source": pl.lit(None, pl.String)}
    frame = frame.with_columns(**{c: e for c, e in unflagged.items() if c not in frame.columns})
    return canonical_partners(frame[STATEMENT_SCHEMA.names()].cast(dict(STATEMENT_SCHEMA)))


def detect_format(path: Path) -> str:
    """Name the format of ``path`` from its header; raise a typed error when none fits."""
    return _detected(path, read_header(path))


def _detected(path: Path, columns: list[str]) -> str:
    """The format whose columns ``columns`` hold (see :func:`detect_format`)."""
    candidates = _required(columns)
    for name, required in candidates.items():
        if set(required) <= set(columns):
            return name
    name, required = max(candidates.items(), key=lambda kv: _overlap(kv[1], columns))
    if _overlap(required, columns) >= 0.5:
        raise _missing(path, name, required, columns)
    raise UnknownFormatError(
        path, 1, None, ",".join(columns)[:200],
        "a header of the statements, tidy (period,commodity,flow,partner,value,unit) "
        "or UN Comtrade+ format",
    )  # fmt: skip


def _required(columns: list[str]) -> dict[str, tuple[str, ...]]:
    """The columns each format needs, in the order detection tries them."""
    return {
        "statements": CUSTOMS_HEADER if "flow" in columns else MAGNET_HEADER,
        "tidy": TIDY_REQUIRED,
        "comtrade": COMTRADE_REQUIRED,
    }


def _missing(path: Path, fmt: str, required: tuple[str, ...], columns: list[str]) -> InputError:
    """The error for a header of format ``fmt`` that lacks some of its ``required`` columns."""
    missing = [c for c in required if c not in columns]
    return MissingColumnError(path, 1, missing[0], ",".join(columns),
                              f"a {fmt} header with columns {', '.join(required)}")  # fmt: skip


def _overlap(required: tuple[str, ...], columns: list[str]) -> float:
    return sum(c in columns for c in required) / len(required)
