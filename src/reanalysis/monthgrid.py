"""A complete month grid per series, for calendar lookups without joins.

Each series gets a run of cells from January of its first year to December of its last, one
cell per month; a row of the frame sits in the cell of its month. Looking up "the same series
``k`` months earlier" is then an index ``pos - k`` checked to stay inside the series, so a
missing month reads as missing and never as a neighbour. Because every series starts in
January, the grid reshaped to ``(-1, 12)`` has one row per series-year.

>>> frame = pl.DataFrame({"s": ["a", "a", "b"], "month": [2024 * 12 + 2, 2025 * 12 + 2, 2025 * 12]})
>>> grid = MonthGrid.build(frame, ["s"], "month")
>>> grid.lag(grid.scatter(np.array([1.0, 2.0, 3.0])), 12).tolist()
[nan, 1.0, nan]
"""

from dataclasses import dataclass, field

import numpy as np
import polars as pl

PACK_LIMIT = 2.0**62  # packed integer keys must stay below this


@dataclass(frozen=True)
class MonthGrid:
    """Grid positions of a frame's rows (``pos``, in row order) and each row's series start."""

    pos: np.ndarray
    start: np.ndarray
    order: np.ndarray
    size: int
    duplicate: np.ndarray
    _lags: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, frame: pl.DataFrame, keys: list[str], month: str) -> "MonthGrid":
        """``month`` is an integer month count (``year * 12 + month - 1``)."""
        # Sort on one integer: per-column category codes and the month packed together
        # (string sorting on several columns costs several times more).
        keyed = frame.select(*(pl.col(k).fill_null("") for k in keys), pl.col(month)).rechunk()
        codes = [keyed[k].cast(pl.Categorical).to_physical().to_numpy() for k in keys]
        ms_raw = keyed[month].to_numpy().astype(np.int64)
        span = int(ms_raw.max() - ms_raw.min() + 1) if len(ms_raw) else 1
        sizes = [int(c.max()) + 1 if len(c) else 1 for c in codes]
        if float(np.prod(sizes, dtype=float)) * span < PACK_LIMIT:
            series_key = np.zeros(len(ms_raw), dtype=np.int64)
            for c, n in zip(codes, sizes, strict=True):
                series_key *= n
                series_key += c
            del codes
            packed = series_key * span + (ms_raw - ms_raw.min())
            if len(packed) < 2 or bool(np.all(packed[1:] >= packed[:-1])):
                order = pl.Series(np.arange(len(packed)))
            else:
                order = pl.Series(packed).arg_sort()
            ordered_key = series_key[order.to_numpy()]
            new = np.ones(len(packed), dtype=bool)
            new[1:] = ordered_key[1:] != ordered_key[:-1]
            ms = ms_raw[order.to_numpy()]
        else:  # too many distinct keys to pack: sort the strings
            order = keyed.select(pl.arg_sort_by(keyed.columns)).to_series()
            ordered = keyed[order]
            new = (
                ordered.select(pl.any_horizontal([pl.col(k).ne(pl.col(k).shift(1)) for k in keys]))
                .to_series()
                .fill_null(True)
                .to_numpy()
            )
            ms = ordered[month].to_numpy().astype(np.int64)
        order = order.to_numpy()
        duplicate = np.zeros(len(ms), dtype=bool)
        duplicate[1:] = ~new[1:] & (ms[1:] == ms[:-1])
        first = np.flatnonzero(new)
        last = np.append(first[1:], len(ms)) - 1
        jan = (ms[first] // 12) * 12
        length = (ms[last] // 12 + 1) * 12 - jan
        offset = np.cumsum(length) - length
        series = np.cumsum(new) - 1
        pos, start, dup = (np.empty(len(ms), dtype=t) for t in (np.int64, np.int64, bool))
        pos[order] = offset[series] + ms - jan[series]
        start[order] = offset[series]
        dup[order] = duplicate
        return cls(pos, start, order, int(length.sum()), dup)

    def scatter(self, values: np.ndarray, fill: float = np.nan) -> np.ndarray:
        """Grid of ``values`` (given in row order); empty cells hold ``fill``."""
        values = np.asarray(values)
        grid = np.full(self.size, fill, dtype=values.dtype)
        grid[self.pos] = values
        return grid

    def lag(self, grid: np.ndarray, k: int, fill=np.nan) -> np.ndarray:
        """For each row, the grid cell ``k`` months earlier in its series (``fill`` outside)."""
        if k not in self._lags:
            target = self.pos - k
            self._lags[k] = (np.maximum(target, 0), target >= self.start)
        index, inside = self._lags[k]
        return np.where(inside, grid[index], fill)

    def year_to_date(self, grid: np.ndarray) -> np.ndarray:
        """Running January-to-month sums of ``grid`` per series-year; NaN once a month is missing."""
        years = grid.reshape(-1, 12)
        missing = np.cumsum(np.isnan(years), axis=1) > 0
        sums = np.cumsum(np.nan_to_num(years), axis=1)
        return np.where(missing, np.nan, sums).reshape(-1)
