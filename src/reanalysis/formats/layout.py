"""The layout of a CSV file, checked before any parser sees it.

One pass over the bytes, in blocks (NumPy, no Python loop per row), finds what a CSV parser
would either choke on with an error naming no line, or read silently wrong:

- control bytes (NUL and the like): a binary file (:class:`~reanalysis.errors.NotTextError`);
- bytes that are not UTF-8 (:class:`~reanalysis.errors.EncodingError`), unless the format
  allows ISO-8859-1, in which case the file is read as that;
- a quote that never closes, or one inside an unquoted field
  (:class:`~reanalysis.errors.UnbalancedQuoteError`);
- a row with more or fewer fields than the header (:class:`~reanalysis.errors.RaggedRowError`;
  a parser would fill a short row with blanks);
- a column name given twice (:class:`~reanalysis.errors.DuplicateColumnError`).

Quotes follow RFC 4180: a quoted field starts and ends with a quote, a quote inside it is
doubled, and it may hold commas and line breaks. Lines are the lines an editor shows: a field
with a line break makes the rows after it start further down, and :class:`Layout` maps each
data record to its line. Empty lines are not rows; every problem is reported through
:func:`reanalysis.errors.report`, so ``python -m reanalysis check`` lists them all.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
>>> _ = p.write_bytes(b'a,b\\n"x\\ny",2\\n\\n3,4\\n')
>>> layout = read_layout(p)
>>> layout.header, layout.records, layout.empty.tolist(), layout.line_numbers().tolist()
(['a', 'b'], 3, [1], [2, 4, 5])
>>> p.unlink()
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reanalysis.errors import (
    DuplicateColumnError,
    EmptyFileError,
    EncodingError,
    NotTextError,
    RaggedRowError,
    StopReading,
    UnbalancedQuoteError,
    report,
)

BLOCK = 1 << 24
HEAD = 1 << 16  # bytes kept from the file's start: a header within them is read without a seek
QUOTE, COMMA, NEWLINE, CR, TAB = 34, 44, 10, 13, 9
BOM = b"\xef\xbb\xbf"
FIELD_START = np.array([COMMA, NEWLINE, QUOTE], dtype=np.uint8)  # may precede an opening quote
FIELD_END = np.array([COMMA, NEWLINE, CR, QUOTE], dtype=np.uint8)  # may follow a closing quote
NO_POSITIONS = np.zeros(0, dtype=np.int64)
QUOTING = 'a quote only around a whole field ("a, b"), doubled inside it ("say ""hi""")'


@dataclass(frozen=True)
class Layout:
    """What :func:`read_layout` found: the ``header`` names, the ``encoding`` to read with
    (``utf8`` or ``latin1``), the number of data ``records`` (empty lines included, as a
    parser counts them), the indexes of the ``empty`` ones (and, while problems are collected,
    of the ragged ones, reported already) and, where a quoted field holds a line break, each
    record's line (``None`` otherwise: record ``i`` is on line ``i + 2``)."""

    header: list[str]
    encoding: str
    records: int
    empty: np.ndarray
    lines: np.ndarray | None
    ragged: bool = False

    def line_numbers(self) -> np.ndarray:
        """The line of each data record."""
        if self.lines is not None:
            return self.lines
        return np.arange(2, self.records + 2, dtype=np.int64)


def read_layout(path: Path, *, latin1: bool = False) -> Layout:
    """Check ``path``'s bytes and rows (see the module docstring); ``latin1`` allows a file
    that is not UTF-8 to be read as ISO-8859-1."""
    scan = _Scan(path)
    with path.open("rb") as fh:
        while block := fh.read(BLOCK):
            scan.feed(block)
    return scan.finish(latin1=latin1)


class _Scan:
    """State carried from block to block: counts, and only the records that are not plain
    (empty, not as wide as the first, or after a line break inside quotes), so that memory stays
    flat whatever the size of the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0  # bytes before the current block
        self.quotes = 0  # quotes before the current block
        self.newlines = 0  # line breaks (quoted or not) before the current block
        self.prev = NEWLINE  # the byte before the current block
        self.records = 0  # records ended so far, the header's included (it is record 0)
        self.last_end = -1  # where the last record ended
        self.header_end = 0  # where the first record (the header) ended
        self.line = 1  # the line the next record starts on
        self.width = 0  # fields of the first record (the header's)
        self.odd: list[tuple[np.ndarray, np.ndarray]] = []  # records of another width, theirs
        self.empty: list[np.ndarray] = []  # empty records
        self.quoted = False  # a line break inside quotes seen: records' lines kept from then on
        self.lined_from = 0  # the first record whose line is kept
        self.lines: list[np.ndarray] = []  # those lines, per block
        self.pending = 0  # unquoted commas after the last record end
        self.open_line = 0  # the line of the last opening quote
        self.close_at_end = False  # the block ended on a closing quote
        self.carry = b""  # the start of a UTF-8 character cut by the block's end
        self.cr_at_end = False  # the block ended on a carriage return
        self.not_utf8: int | None = None  # where the first byte that is not UTF-8 starts
        self.bad_start = 0  # where that byte's record starts
        self.bad_line = 0  # and its line
        self.head = b""  # the first HEAD bytes, for the header
        self.blank = True  # nothing but white space so far
        self.mask = np.empty(BLOCK, dtype=bool)

    def line_at(self, position: int, breaks: np.ndarray) -> int:
        """The line of byte ``position`` (in this block or before it; ``breaks``: the block's
        line breaks)."""
        return self.newlines + int(np.searchsorted(breaks, position - self.offset)) + 1

    def feed(self, raw: bytes) -> None:
        block = np.frombuffer(raw, dtype=np.uint8)
        mask = self.mask[: len(block)]  # one buffer for the byte tests, used one at a time
        if len(self.head) < HEAD:
            self.head += raw[: HEAD - len(self.head)]
        self.blank = self.blank and not raw.strip()
        # every byte below 32 (line breaks, and in a plain file nothing else), by its position
        low = bit_positions(bits(np.less(block, 32, out=mask)))
        codes = block[low]
        newline = codes == NEWLINE
        breaks = low if newline.all() else low[newline]
        utf8_so_far = self.not_utf8 is None
        self._text(raw, block, low[~newline], codes[~newline], breaks)
        if self.close_at_end and block[0] not in FIELD_END:  # after a closing quote
            self._bad_quote(self.offset - 1, breaks)
        self.close_at_end = False
        n_quotes = 0
        inside_breaks = np.zeros(len(breaks), dtype=bool)
        inside = None
        if b'"' in raw or self.quotes % 2:  # a byte search: most blocks hold no quote
            n_quotes = int(np.count_nonzero(np.equal(block, QUOTE, out=mask)))
            self._quotes(block, np.flatnonzero(mask), breaks)
            inside = inside_quotes(bits(mask), self.quotes % 2)
            inside_breaks = bit_at(inside, breaks)
            self.quoted = self.quoted or bool(inside_breaks.any())
        commas = bits(np.equal(block, COMMA, out=mask))
        if inside is not None:
            commas &= ~inside  # commas inside quotes do not separate fields
        ranks = np.flatnonzero(~inside_breaks)  # of the record ends among the line breaks
        ends = breaks[ranks]
        if utf8_so_far and self.not_utf8 is not None:  # found in this block
            self._bad_at(breaks, ends)
        before_end = np.where(ends > 0, block[np.maximum(ends - 1, 0)], self.prev)
        self._records(ends, self._count_fields(commas, ends, len(block)), before_end, ranks)
        self.quotes += n_quotes
        self.newlines += len(breaks)
        self.offset += len(block)
        self.prev = int(block[-1])

    def _count_fields(self, commas: np.ndarray, ends: np.ndarray, size: int) -> np.ndarray:
        """Fields of each record ending in this block of ``size`` bytes, from the bits of its
        unquoted commas."""
        before = bits_before(commas, np.append(ends, size))  # commas before each record end
        per_record = np.diff(before[:-1], prepend=0)
        if len(ends):
            per_record[0] += self.pending
            self.pending = int(before[-1] - before[-2])
        else:
            self.pending += int(before[-1])
        return per_record + 1

    def _records(
        self, ends: np.ndarray, fields: np.ndarray, before_end: np.ndarray, ranks: np.ndarray
    ) -> None:
        """Count the records ending at ``ends`` of this block (their ``fields``, the byte
        ``before_end`` each, and each end's index among the block's line breaks, ``ranks``),
        keeping the empty ones, those not as wide as the first and, after a quoted line break,
        every record's line."""
        if not len(ends):
            return
        index = self.records + np.arange(len(ends))
        starts = np.append(self.last_end + 1 - self.offset, ends[:-1] + 1)
        length = ends - starts
        empty = (length == 0) | ((length == 1) & (before_end == CR))
        if empty.any():
            self.empty.append(index[empty])
        if not self.records:
            self.header_end, self.width = self.offset + int(ends[0]), int(fields[0])
        odd = fields != self.width
        if odd.any():
            self.odd.append((index[odd], fields[odd]))
        # a record starts on the line after the line break that ended the one before it
        after = self.newlines + ranks + 2
        if self.quoted:
            if not self.lines:
                self.lined_from = int(index[0])
            self.lines.append(np.append(self.line, after[:-1]))
        self.line = int(after[-1])
        self.records += len(ends)
        self.last_end = self.offset + int(ends[-1])

    def _bad_at(self, breaks: np.ndarray, ends: np.ndarray) -> None:
        """Where the record of the first byte that is not UTF-8 starts, and its line, from the
        line ``breaks`` and record ``ends`` of the block it was found in."""
        before = ends[ends < self.not_utf8 - self.offset]  # none if a character was cut
        self.bad_start = self.offset + int(before[-1]) + 1 if len(before) else self.last_end + 1
        self.bad_line = self.line_at(self.not_utf8, breaks)

    def _text(
        self, raw: bytes, block: np.ndarray, low: np.ndarray, codes: np.ndarray, breaks: np.ndarray
    ) -> None:
        """Control bytes refuse the file, and so does a carriage return not before a line break;
        the first byte that is not UTF-8 is remembered. ``low``: the positions of the block's
        bytes below 32 other than line breaks, ``codes`` those bytes."""
        control = (codes != CR) & (codes != TAB)
        if control.any():
            position = self.offset + int(low[np.argmax(control)])
            report(NotTextError(self.path, self.line_at(position, breaks), None,
                                _read_bytes(self.path, position, 8),
                                "text (a control byte: a binary file?)"))  # fmt: skip
            raise StopReading
        if self.cr_at_end and raw[:1] != b"\n":
            self._lone_cr(self.offset - 1, breaks)
        self.cr_at_end = raw.endswith(b"\r")
        cr = low[codes == CR]
        nxt = block[np.minimum(cr + 1, len(block) - 1)]
        lone = cr[(nxt != NEWLINE) & (cr + 1 < len(block))]  # the block's last one: next block
        if len(lone):
            self._lone_cr(self.offset + int(lone[0]), breaks)
        if self.not_utf8 is not None or (not self.carry and raw.isascii()):
            return
        data = self.carry + raw
        try:
            data.decode("utf-8")
            self.carry = b""
        except UnicodeDecodeError as exc:
            if exc.reason == "unexpected end of data" and len(data) - exc.start < 4:
                self.carry = data[exc.start :]
            else:
                self.not_utf8 = self.offset - len(self.carry) + exc.start

    def _lone_cr(self, position: int, breaks: np.ndarray) -> None:
        report(NotTextError(self.path, self.line_at(position, breaks), None, b"\r",
                            "line breaks as \\n or \\r\\n (a carriage return alone is "
                            "not one)"))  # fmt: skip
        raise StopReading

    def _quotes(self, block: np.ndarray, quotes: np.ndarray, breaks: np.ndarray) -> None:
        if not len(quotes):
            return
        opening = (np.arange(len(quotes)) + self.quotes) % 2 == 0
        prev = np.where(quotes > 0, block[np.maximum(quotes - 1, 0)], self.prev)
        bom_start = (quotes + self.offset == len(BOM)) & self.head.startswith(BOM)
        bad_open = opening & ~np.isin(prev, FIELD_START) & ~bom_start
        closing = ~opening
        at_end = quotes == len(block) - 1
        nxt = block[np.minimum(quotes + 1, len(block) - 1)]
        bad_close = closing & ~at_end & ~np.isin(nxt, FIELD_END)
        bad = np.flatnonzero(bad_open | bad_close)
        if len(bad):
            self._bad_quote(self.offset + int(quotes[bad[0]]), breaks)
        self.close_at_end = bool(closing[-1] and at_end[-1])
        if opening.any():
            last = quotes[np.flatnonzero(opening)[-1]]
            self.open_line = self.line_at(self.offset + int(last), breaks)

    def _bad_quote(self, position: int, breaks: np.ndarray) -> None:
        start = max(position - 10, 0)
        found = _read_bytes(self.path, start, position + 10 - start)
        report(UnbalancedQuoteError(self.path, self.line_at(position, breaks), None,
                                    found, QUOTING))  # fmt: skip
        raise StopReading

    def finish(self, *, latin1: bool) -> Layout:
        if self.cr_at_end:
            self._lone_cr(self.offset - 1, NO_POSITIONS)
        if self.blank:
            report(EmptyFileError(self.path, 1, None, "an empty file",
                                  "a header line and data rows"))  # fmt: skip
            raise StopReading
        if self.quotes % 2:
            report(UnbalancedQuoteError(self.path, self.open_line, None,
                                        "a quote that never closes", QUOTING))  # fmt: skip
            raise StopReading
        if self.not_utf8 is None and self.carry:  # a character cut by the end of the file
            self.not_utf8 = self.offset - len(self.carry)
            self._bad_at(NO_POSITIONS, NO_POSITIONS)
        if self.prev != NEWLINE:  # a last line without a line break: it ends where the file does
            last = np.array([self.pending + 1])
            self._records(np.array([0]), last, np.array([self.prev]), np.array([0]))
        encoding = "utf8"
        if self.not_utf8 is not None:
            if not latin1:
                self._encoding_error()
            encoding = "latin1"
        header = self._header(self.header_end, latin1=encoding == "latin1")
        data_empty = _joined(self.empty) - 1
        data_empty = data_empty[data_empty >= 0]
        lines = None
        if self.lines:  # a quoted field holds a line break
            lines = np.concatenate([np.arange(1, self.lined_from + 1), *self.lines])[1:]
        record, n = self._not_as_wide(len(header))
        ragged = ~np.isin(record, data_empty)
        for at, fields in zip(record[ragged], n[ragged], strict=True):
            report(RaggedRowError(self.path, int(lines[at]) if lines is not None else int(at) + 2,
                                  header[fields] if fields < len(header) else None,
                                  f"{fields} fields",
                                  f"{len(header)} fields, as in the header"))  # fmt: skip
        # while collecting, ragged rows are reported and then skipped like empty lines
        skipped = np.union1d(data_empty, record[ragged])
        return Layout(header, encoding, self.records - 1, skipped, lines, bool(ragged.any()))

    def _not_as_wide(self, width: int) -> tuple[np.ndarray, np.ndarray]:
        """The data records (numbered from 0) that do not have ``width`` fields, and theirs."""
        record, fields = _joined(i for i, _ in self.odd), _joined(f for _, f in self.odd)
        if width != self.width:  # the header's names are not its commas (an empty first line)
            every = np.full(self.records, self.width)
            every[record] = fields
            record = np.flatnonzero(every != width)
            fields = every[record]
        data = record > 0
        return record[data] - 1, fields[data]

    def _header(self, end: int, *, latin1: bool) -> list[str]:
        """The names in the file's first ``end`` bytes (a CR before the line break ends the row
        as the line break does)."""
        raw = self.head[:end] if end <= len(self.head) else _read_bytes(self.path, 0, end)
        text = raw.decode("iso-8859-1" if latin1 else "utf-8").lstrip("\ufeff")
        header = next(csv.reader(io.StringIO(text, newline="")), [])
        twice = [name for i, name in enumerate(header) if name in header[:i]]
        for name in twice:
            report(DuplicateColumnError(self.path, 1, name, ",".join(header)[:200],
                                        "each column name once"))  # fmt: skip
        if twice:  # while collecting: which of the two columns holds the figures is unknown
            raise StopReading
        return header

    def _encoding_error(self) -> None:
        """The first byte that is not UTF-8, with its line and the column of its field (commas
        outside quotes since its record's start)."""
        position, start = self.not_utf8, self.bad_start
        raw = _read_bytes(self.path, start, position + 4 - start)
        field = sum(part.count(b",") for part in raw[: position - start].split(b'"')[::2])
        header = self._header(self.header_end, latin1=True)
        report(EncodingError(self.path, self.bad_line,
                             header[field] if field < len(header) else None,
                             raw[position - start :], "UTF-8 text"))  # fmt: skip
        raise StopReading


def _joined(parts) -> np.ndarray:
    """The arrays ``parts`` end to end (none: an empty array of record numbers)."""
    parts = list(parts)
    return np.concatenate(parts) if parts else NO_POSITIONS


def _read_bytes(path: Path, start: int, size: int) -> bytes:
    """``size`` bytes of ``path`` from ``start`` (what an error shows, whatever the blocks)."""
    with path.open("rb") as fh:
        fh.seek(start)
        return fh.read(size)


# --- bit kernels: a block's byte tests packed 64 to a word, so that counting the commas of
# ten million records takes a few passes over the bits instead of a position per comma. Their
# obvious twins (positions and running sums) are the oracle in tests/test_layout_bits.py.
WORD = np.dtype("<u8")


def bits(mask: np.ndarray) -> np.ndarray:
    """``mask`` packed into 64-bit words: bit ``i`` of word ``w`` is ``mask[64 * w + i]``.

    >>> bits(np.array([True, False, True])).tolist()
    [5]
    """
    packed = np.packbits(mask, bitorder="little")
    return np.pad(packed, (0, -len(packed) % 8)).view(WORD)


def bits_before(words: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """How many bits of ``words`` (see :func:`bits`) are set before each of ``positions``
    (between 0 and ``64 * len(words)``, which must be more than 0): for a packed mask, what
    ``np.searchsorted(np.flatnonzero(mask), positions)`` gives.

    >>> bits_before(bits(np.array([True, False, True])), np.array([0, 1, 2, 3])).tolist()
    [0, 1, 1, 2]
    """
    before = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(np.bitwise_count(words), out=before[1:])
    word = positions >> 6
    lower = np.left_shift(np.uint64(1), (positions & 63).astype(np.uint64)) - np.uint64(1)
    return before[word] + np.bitwise_count(np.take(words, word, mode="clip") & lower)


def bit_positions(words: np.ndarray) -> np.ndarray:
    """The positions of the set bits of ``words`` (see :func:`bits`), in order: for a packed
    mask, what ``np.flatnonzero(mask)`` gives. Each round takes every word's lowest set bit,
    so a block whose words hold one set bit each (a line break every 64 bytes or more) takes
    one.

    >>> bit_positions(bits(np.array([True, False, True] + [False] * 62 + [True]))).tolist()
    [0, 2, 65]
    """
    word = np.flatnonzero(words)
    left = words[word]
    counts = np.bitwise_count(left)
    out = np.empty(int(counts.sum()), dtype=np.int64)
    slot = np.cumsum(counts, dtype=np.int64) - counts  # where each word's first position goes
    base = word << 6
    while len(left):
        lowest = left & (~left + np.uint64(1))
        out[slot] = base + np.bitwise_count(lowest - np.uint64(1))
        left ^= lowest
        more = left != 0
        left, base, slot = left[more], base[more], slot[more] + 1
    return out


def bit_at(words: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Whether the bit of each of ``positions`` is set (as booleans)."""
    shifted = np.right_shift(words[positions >> 6], (positions & 63).astype(np.uint64))
    return (shifted & np.uint64(1)).astype(bool)


def inside_quotes(quotes: np.ndarray, odd: int) -> np.ndarray:
    """The bits of the bytes after an odd number of quotes (``quotes``: the quotes' bits; ``odd``:
    1 if an odd number came before them), the quotes' own bits counting themselves.

    >>> inside_quotes(bits(np.array([0, 1, 0, 1, 0], dtype=bool)), 0).tolist()
    [6]
    """
    parity = quotes.copy()  # prefix XOR: bit i becomes the parity of bits 0 to i of its word
    for shift in (1, 2, 4, 8, 16, 32):
        parity ^= np.left_shift(parity, np.uint64(shift))
    earlier = np.cumsum(np.bitwise_count(quotes), dtype=np.int64) - np.bitwise_count(quotes)
    return np.where((earlier + odd) % 2 == 1, ~parity, parity)


def read_header_line(path: Path) -> list[str]:
    """The names in the first row of a CSV file, read from its first ``HEAD`` bytes without
    scanning the whole file when that row is plain UTF-8 text without quotes and ends within
    them; any other file is checked by :func:`read_layout`, for a precise error or the header."""
    head = _read_bytes(path, 0, HEAD)
    first, newline, _ = head.partition(b"\n")
    first = first.removeprefix(BOM).removesuffix(b"\r")
    codes = np.frombuffer(first, dtype=np.uint8)
    if (
        newline
        and first.strip()
        and b'"' not in first
        and not ((codes < 32) & (codes != TAB)).any()
    ):
        try:
            return first.decode("utf-8").split(",")
        except UnicodeDecodeError:
            pass
    return read_layout(path, latin1=True).header
