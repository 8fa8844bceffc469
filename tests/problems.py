"""The problems a reader reports for a file while collecting them, as comparable tuples."""

import contextlib

from reanalysis.errors import StopReading, collecting
from reanalysis.readers import read_statements


def problems_of(path, format: str = "auto") -> list[tuple]:
    """(error type, file, line, column, found, expected) of each problem, in reported order."""
    with collecting() as problems, contextlib.suppress(StopReading):
        read_statements(path, format=format)
    return [(type(p).__name__, p.file, p.line, p.column, p.found, p.expected) for p in problems]
