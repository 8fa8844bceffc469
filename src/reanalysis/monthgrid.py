"""A complete month grid per series, for calendar lookups without joins.

Each series gets a run of cells from January of its first year to December of its last, one
cell per month, after an empty year of padding; a row of the frame sits in the cell of its
month. Looking up "the same series ``k`` months earlier" is then the index ``pos - k``: for
``k`` up to 12 it lands in the series or its padding, and further back it is checked against
the series start, so a missing month reads as missing and never as a neighbour. Because every
series (and its padding) starts in January, the grid reshaped to ``(-1, 12)`` has one row per
series-year.

>>> frame = pl.DataFrame({"s": ["a", "a", "b"], "month": [2024 * 12 + 2, 2025 * 12 + 2, 2025 * 12]})
>>> grid = MonthGrid.build(frame, ["s"], "month")
>>> grid.lag(grid.scatter(np.array([1.0, 2.0, 3.0])), 12).tolist()
[nan, 1.0, nan]
"""

from dataclasses import dataclass, field

import numpy as np
import polars as pl

PACK_LIMIT = 2.0**62  # packed integer keys must stay below this
PAD = 12  # empty cells before each series: lags up to 12 months need no bounds check


@dataclass(frozen=True)
class MonthGrid:
    """Grid positions of a frame's rows (``pos``, in row order), each row's series start, the
    grid size and the rows that repeat an earlier row's series and month (``duplicate``)."""

    pos: np.ndarray
    start: np.ndarray
    size: int
    duplicate: np.ndarray
    _lags: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, frame: pl.DataFrame, keys: list[str], month: str) -> "MonthGrid":
        """``month`` is an integer month count (``year * 12 + month - 1``)."""
        months = frame[month].to_numpy().astype(np.int64)
        order, starts, ordered = _series_order(frame, keys, months)
        return cls._from_runs(ordered, starts, order)

    @classmethod
    def build_sorted(
        cls, frame: pl.DataFrame, keys: list[str], month: str
    ) -> tuple["MonthGrid", np.ndarray | None]:
        """The grid of ``frame`` put series by series, and the row order that does it (``None``
        when the rows already come so): the caller reorders its frame with it. Cheaper than
        :meth:`build` on rows out of order, whose positions must be scattered back."""
        months = frame[month].to_numpy().astype(np.int64)
        order, starts, ordered = _series_order(frame, keys, months)
        return cls._from_runs(ordered, starts, None), order

    @classmethod
    def _from_runs(cls, ms: np.ndarray, new: np.ndarray, order: np.ndarray | None) -> "MonthGrid":
        """Grid from months ``ms`` in series order (``new`` marks each series' first row);
        ``order`` maps that order back to the frame's rows (``None``: they are the same)."""
        duplicate = np.zeros(len(ms), dtype=bool)
        if len(ms) == 0:  # no rows: an empty grid
            empty = np.zeros(0, dtype=np.int64)
            return cls(empty, empty, 0, duplicate)
        duplicate[1:] = ~new[1:] & (ms[1:] == ms[:-1])
        first = np.flatnonzero(new)
        rows = np.diff(first, append=len(ms))  # each series' number of rows
        jan = (ms[first] // 12) * 12
        length = (ms[first + rows - 1] // 12 + 1) * 12 - jan + PAD
        offset = np.cumsum(length) - length + PAD
        start = np.repeat(offset, rows)  # one pass each, where a lookup per row took three
        pos = np.repeat(offset - jan, rows)
        pos += ms
        if order is None:
            return cls(pos, start, int(length.sum()), duplicate)
        back = np.empty_like(order)  # row i of the frame is row back[i] in series order
        back[order] = np.arange(len(order))
        return cls(pos[back], start[back], int(length.sum()), duplicate[back])

    def scatter(self, values: np.ndarray, fill: float = np.nan) -> np.ndarray:
        """Grid of ``values`` (given in row order); empty cells hold ``fill``."""
        values = np.asarray(values)
        grid = np.full(self.size, fill, dtype=values.dtype)
        grid[self.pos] = values
        return grid

    def lag(self, grid: np.ndarray, k: int) -> np.ndarray:
        """For each row, the grid cell ``k`` months earlier in its series; before the series
        starts, an empty cell (the ``fill`` the grid was scattered with)."""
        if k not in self._lags:  # each lag's cells are worked out once, for every grid
            target = self.pos - k
            self._lags[k] = (
                target if k <= PAD else np.where(target >= self.start, target, self.start - 1)
            )
        return grid[self._lags[k]]

    def year_to_date(self, grid: np.ndarray) -> np.ndarray:
        """Running January-to-month sums of ``grid`` per series-year; NaN once a month is missing."""
        sums = grid.astype(np.float64, copy=True).reshape(-1, 12)
        for month in range(1, 12):  # column by column: far faster than cumsum along short rows
            sums[:, month] += sums[:, month - 1]  # a missing month's NaN runs to December
        return sums.reshape(-1)


def _series_order(
    frame: pl.DataFrame, keys: list[str], months: np.ndarray
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """The row order that puts ``frame`` series by series with months rising, ties in row
    order (``None`` when the rows already come so), the series' first rows in that order and
    the months in that order."""
    keyed = frame.select(keys)
    starts = _series_starts(keyed)
    if _grouped(keyed, months, starts):
        return None, starts, months
    low = int(months.min())
    month_bits = int(months.max() - low).bit_length()  # months beside the series, in bits
    for dense in (False, True):  # category codes pack unless the categories are many
        codes = [c for k in keys if (c := _codes(frame[k], dense)) is not None]
        sizes = [int(c.max()) + 1 for c in codes]
        if float(np.prod(sizes, dtype=float)) * 2**month_bits < PACK_LIMIT:
            break
    else:  # too many distinct keys to pack into one integer: sort on the key columns
        text = frame.select(*(pl.col(k).cast(pl.String) for k in keys))
        order = (
            text.with_columns(_m=months)
            .select(pl.arg_sort_by([*keys, "_m"], nulls_last=True, maintain_order=True))
            .to_series()
            .to_numpy()
        )
        return order, _series_starts(text[order]), months[order]
    # One integer per row: the series (the codes in mixed radix), then the month beside it.
    packed = np.zeros(len(months), dtype=np.int64)
    for c, n in zip(codes, sizes, strict=True):
        packed *= n
        packed += c
    del codes
    packed <<= month_bits
    packed |= months - low
    bits = max(1, (len(months) - 1).bit_length())
    if int(packed.max()) < 1 << (63 - bits):  # the row number fits beside: sort numbers
        packed <<= bits  # (a sort of numbers is a third of an argsort's time, and the
        packed |= np.arange(len(months))  # series and months come out in order with them)
        ordered = pl.Series(packed).sort().to_numpy()
        order = ordered & ((1 << bits) - 1)
        ordered = ordered >> bits
    else:
        order = pl.DataFrame({"k": packed}).select(pl.arg_sort_by("k", maintain_order=True))
        order = order.to_series().to_numpy()
        ordered = packed[order]
    series = ordered >> month_bits
    starts = np.ones(len(months), dtype=bool)
    starts[1:] = series[1:] != series[:-1]
    return order, starts, (ordered & ((1 << month_bits) - 1)) + low


def _codes(column: pl.Series, dense: bool) -> np.ndarray | None:
    """Integer codes of ``column``'s values, missing after every value; with ``dense``,
    ``0..k-1`` for ``k`` distinct values, else the category codes, which may leave gaps.
    ``None`` for a column of one value throughout: it orders nothing."""
    if column.dtype != pl.Categorical and not isinstance(column.dtype, pl.Enum):
        column = column.cast(pl.String).cast(pl.Categorical)
    physical = column.to_physical()
    low, high, missing = physical.min(), physical.max(), physical.null_count()
    if missing == len(physical) or (low == high and not missing):
        return None
    codes = (physical.fill_null(high + 1) if missing else physical).to_numpy()
    if not dense:
        return codes
    present = np.zeros(int(codes.max()) + 1, dtype=bool)
    present[codes] = True
    return (np.cumsum(present) - 1)[codes]


def _series_starts(keyed: pl.DataFrame) -> np.ndarray:
    """Rows whose key differs from the row before (the first row always)."""
    changed = keyed.select(
        pl.any_horizontal(pl.col(k).ne_missing(pl.col(k).shift(1)) for k in keyed.columns)
    ).to_series()
    starts = changed.to_numpy().astype(bool, copy=True)
    if len(starts):
        starts[0] = True
    return starts


def _grouped(keyed: pl.DataFrame, ms: np.ndarray, starts: np.ndarray) -> bool:
    """Do the rows already come series by series (each series in one run of rows, ``starts``
    marking where runs begin), months never falling within a run?"""
    if len(ms) < 2:
        return True
    if not bool(np.all(starts[1:] | (ms[1:] >= ms[:-1]))):
        return False
    return keyed.filter(pl.Series(starts)).n_unique() == int(starts.sum())


def month_number(period: pl.Series) -> np.ndarray:
    """``year * 12 + month - 1`` of each date in ``period`` (no nulls), through a table of the
    days the dates span (a lookup per row instead of calendar arithmetic).

    >>> import datetime as dt
    >>> month_number(pl.Series([dt.date(2025, 1, 31), dt.date(2024, 12, 1)])).tolist()
    [24300, 24299]
    """
    days = period.to_physical().to_numpy()  # int32 days since 1970
    if len(days) == 0:
        return days.astype(np.int64)
    low = int(days.min())
    table = np.arange(low, int(days.max()) + 1).astype("datetime64[D]").astype("datetime64[M]")
    return (table.astype(np.int64) + 1970 * 12)[days - low]


def first_of_month(yyyymm: pl.Series) -> pl.Series:
    """The first day of each month written as an integer YYYYMM (checked by the caller),
    through a table over the span of the values (a lookup per row, no arithmetic).

    >>> first_of_month(pl.Series([202504, 202412])).to_list()
    [datetime.date(2025, 4, 1), datetime.date(2024, 12, 1)]
    """
    value = yyyymm.to_numpy()
    if len(value) == 0:
        return yyyymm.cast(pl.Date)
    low = int(value.min())
    codes = np.arange(low, int(value.max()) + 1)
    # codes that name no month (202413 to 202500) get a date too: no checked value is one
    months = (codes // 100 - 1970) * 12 + codes % 100 - 1  # since January 1970
    days = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int32)
    return pl.Series(yyyymm.name, days[value - low], dtype=pl.Date)
