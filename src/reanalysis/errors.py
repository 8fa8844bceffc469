"""Typed input errors. Each names the file, line and column, what was found and what was expected.

>>> err = BadValueError("a.csv", 3, "value", "-4", "a non-negative number")
>>> str(err)
"a.csv, line 3, column 'value': found '-4', expected a non-negative number"
"""

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
