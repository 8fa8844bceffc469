"""Typed input errors. Each names the file, line and column, what was found and what was expected.

>>> err = BadValueError("a.csv", 3, "value", "-4", "a non-negative number")
>>> str(err)
"a.csv, line 3, column 'value': found '-4', expected a non-negative number"
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path


class InputError(ValueError):
    """Base class: an input file that cannot give a correct figure."""

    def __init__(
        self,
        file: str | Path,
        line: int | None,
        column: str | None,
        found: object,
        expected: str,
    ) -> None:
        self.file, self.line, self.column = str(file), line, column
        self.found, self.expected = found, expected
        where = [self.file]
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: found {found!r}, expected {expected}")


class MissingColumnError(InputError):
    """A required column is absent from the header."""


class BadValueError(InputError):
    """A cell that does not parse or is out of range (period, unit, quantity)."""


class DuplicateRowError(InputError):
    """Two rows give different values for the same key."""


class CumulativeError(InputError):
    """A year-to-date cumulative that falls within a year."""


class EmptyFileError(InputError):
    """A file with no header or no data rows."""


class UnknownFormatError(InputError):
    """A header that matches no supported format."""


class EncodingError(InputError):
    """Bytes that do not decode in the file's expected encoding."""


class MalformedFileError(InputError):
    """A file whose structure cannot be read as a table (the subclasses say how)."""


class NotTextError(MalformedFileError):
    """Control bytes (NUL and the like) in a file that should be text: a binary file."""


class UnbalancedQuoteError(MalformedFileError):
    """A quote that opens a field and never closes, or a quote inside an unquoted field."""


class RaggedRowError(MalformedFileError):
    """A row with more or fewer fields than the header."""


class DuplicateColumnError(MalformedFileError):
    """A column name that appears twice in the header."""


class CorruptFileError(MalformedFileError):
    """A file the format's reader cannot read at all (a truncated or corrupt Parquet file)."""


_PROBLEMS: ContextVar[list[InputError] | None] = ContextVar("problems", default=None)
_LIMIT: ContextVar[int] = ContextVar("limit", default=0)


class StopReading(Exception):
    """While collecting: the file cannot be read further, or the limit of problems is reached."""


def report(error: InputError) -> None:
    """Raise ``error``, or while :func:`collecting`, note it and carry on. A cell is named
    once: a later problem with the same file, line and column (e.g. a month that is not a
    number, then blank once parsed) is not noted again."""
    problems = _PROBLEMS.get()
    if problems is None:
        raise error
    cell = (error.file, error.line, error.column)
    if error.column is not None and any((p.file, p.line, p.column) == cell for p in problems):
        return
    problems.append(error)
    if len(problems) >= _LIMIT.get():
        raise StopReading


@contextmanager
def collecting(limit: int = 100) -> Iterator[list[InputError]]:
    """Within this block, :func:`report` notes problems (up to ``limit``) instead of raising
    the first: the list it yields fills as a file is read."""
    problems: list[InputError] = []
    tokens = _PROBLEMS.set(problems), _LIMIT.set(limit)
    try:
        yield problems
    finally:
        _PROBLEMS.reset(tokens[0])
        _LIMIT.reset(tokens[1])


class MissingTotalError(InputError):
    """A Comtrade+ key given only in parts (by mode of transport, customs procedure, ...)."""
