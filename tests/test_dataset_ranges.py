"""A Parquet file whose series each lie in consecutive rows is read in ranges of its rows
(reanalysis.dataset.ranges), not split: which ranges, when a file is not such a file, and that
the batches read from the file itself give the in-memory path's frame and errors."""

from itertools import pairwise
from unittest.mock import patch

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import reanalysis.dataset as dataset
from reanalysis import load_customs
from reanalysis.dataset import growth_dataset, plan, ranges
from reanalysis.errors import BadValueError, DuplicateRowError
from reanalysis.formats.tidy import read_tidy
from reanalysis.growth import growth
from reanalysis.readers import read_statements
from test_dataset import bounded_error, in_series_order


def tidy(path, commodities: list[str | None], partners: list[str | None] | None = None,
         flows: list[str | None] | None = None):  # fmt: skip
    """A tidy Parquet file with one row per commodity given (one month each: ranges only look
    at the series keys), partner ``World`` and flow ``export`` unless given."""
    n = len(commodities)
    pl.DataFrame(
        {
            "period": [f"{2000 + i // 12}-{i % 12 + 1:02d}" for i in range(n)],
            "commodity": pl.Series(commodities, dtype=pl.String),
            "flow": pl.Series(flows or ["export"] * n, dtype=pl.String),
            "partner": pl.Series(partners or ["World"] * n, dtype=pl.String),
            "value": [float(i + 1) for i in range(n)],
            "unit": ["t"] * n,
        }
    ).write_parquet(path)
    return plan(path)


@pytest.mark.parametrize(
    ("commodities", "batches", "chunk_rows", "expected"),
    [
        # the cut is the first row of a series at or after row 6 * 1 // 2 = 3
        (["a", "a", "b", "b", "b", "c"], 2, 3, [(0, 5), (5, 6)]),
        # the cut is at or after row 7 // 2 = 3 (not 3.5: series b starts at row 3)
        (["a", "a", "a", "b", "c", "c", "c"], 2, 7, [(0, 3), (3, 7)]),
        # a series starting at row 6 * k // 3 starts a range
        (["a", "a", "b", "b", "c", "c"], 3, 3, [(0, 2), (2, 4), (4, 6)]),
        # series a goes on across the chunk boundary at row 2: one run, not two
        (["a", "a", "a", "b"], 2, 2, [(0, 3), (3, 4)]),
        # past the last series' first row, the cut is that row
        (["a", "b", "b", "b"], 2, 2, [(0, 1), (1, 4)]),
        # a missing commodity is a series of its own
        ([None, None, "x"], 2, 3, [(0, 2), (2, 3)]),
        # fewer ranges than batches when series are long
        (["a", "a", "a", "a", "b"], 5, 5, [(0, 4), (4, 5)]),
        (["a", "b"], 1, 2, [(0, 2)]),
    ],
)
def test_ranges_cut_at_the_first_row_of_a_series(tmp_path, commodities, batches, chunk_rows,
                                                 expected):  # fmt: skip
    got = ranges(tidy(tmp_path / "t.parquet", commodities), batches, chunk_rows)
    assert got == [range(a, b) for a, b in expected]


@pytest.mark.parametrize(
    ("keys", "chunk_rows"),
    [
        ({"commodities": ["a", "b", "a"]}, 3),  # a series in two runs
        ({"commodities": ["a", "b", "b", "a"]}, 3),  # ... the second in the next chunk
        ({"commodities": ["a", "a", "a"], "partners": ["X", "Y", "X"]}, 3),  # one key differs
        # keys missing throughout are one series, on the first row as on any other
        (
            {
                "commodities": [None, "a", None],
                "partners": [None, "X", None],
                "flows": [None, "export", None],
            },
            3,
        ),  # fmt: skip
        ({"commodities": [" a", "a"]}, 2),  # one series to the reader (keys are stripped)
        ({"commodities": ["a", "b", "c"]}, 2),  # more series than chunk_rows
    ],
)
def test_a_file_whose_series_are_not_each_in_consecutive_rows_has_no_ranges(
    tmp_path, keys, chunk_rows
):
    assert ranges(tidy(tmp_path / "t.parquet", **keys), 2, chunk_rows) is None


def test_a_file_without_rows_has_no_range(tmp_path):
    assert ranges(tidy(tmp_path / "t.parquet", []), 3, 2) == []


@settings(max_examples=60, deadline=None)
@given(
    commodities=st.lists(st.sampled_from(["a", "b", " b", "c", None]), min_size=1, max_size=30),
    batches=st.integers(1, 6),
    chunk_rows=st.integers(1, 12),
    first=st.integers(1, 12),
)
def test_ranges_hold_whole_series_and_cover_the_file_or_are_none(
    tmp_path_factory, commodities, batches, chunk_rows, first
):
    """Against plain Python: runs of equal keys as stored; the file has ranges exactly when no
    two runs are one series to the reader and there are at most ``chunk_rows`` runs, whatever
    the chunks the keys are read in (``first`` rows, then twice as many up to ``chunk_rows``)."""
    path = tmp_path_factory.mktemp("r") / "t.parquet"
    with patch.object(dataset, "FIRST_KEYS", first):
        got = ranges(tidy(path, commodities), batches, chunk_rows)
    series = [(c or "").strip() for c in commodities]
    starts = [i for i, c in enumerate(commodities) if i == 0 or c != commodities[i - 1]]
    whole = len({series[i] for i in starts}) == len(starts) <= chunk_rows
    assert (got is not None) == whole
    if got is not None:
        assert got[0].start == 0 and got[-1].stop == len(commodities)
        assert all(a.stop == b.start for a, b in pairwise(got))
        assert {r.start for r in got} <= set(starts) and len(got) <= batches
        assert all(series[r.start - 1] != series[r.start] for r in got[1:])


def test_a_file_series_by_series_is_read_in_ranges_of_its_rows_not_split(tmp_path, monkeypatch):
    source = tmp_path / "c.parquet"
    commodities = [c for c in "abcdefgh" for _ in range(12)]
    tidy(source, commodities)

    def no_split(*args):
        raise AssertionError("split")

    monkeypatch.setattr(dataset, "split", no_split)
    out = growth_dataset(source, tmp_path / "g", batch_rows=30, progress=False)
    assert len(list(out.iterdir())) == 4  # ceil(96 / 30) ranges of three series or two
    expected = growth(load_customs(source))
    assert_frame_equal(in_series_order(pl.read_parquet(out)), in_series_order(expected))


def test_an_error_in_a_later_range_names_the_source_row_as_the_in_memory_path_does(tmp_path):
    source = tmp_path / "c.parquet"
    commodities = [c for c in "abcd" for _ in range(12)]
    tidy(source, commodities)
    bad = pl.read_parquet(source).with_columns(
        value=pl.when(pl.int_range(pl.len()) == 40).then(-1.0).otherwise("value")
    )
    bad.write_parquet(source)
    err = bounded_error(BadValueError, source, tmp_path / "g", batch_rows=12)
    assert (err.file, err.line, err.column) == (str(source), 42, "value")


def test_a_repeated_key_in_a_later_range_names_both_source_lines(tmp_path):
    source = tmp_path / "c.parquet"
    tidy(source, [c for c in "abcd" for _ in range(12)])
    repeated = pl.read_parquet(source).with_columns(
        period=pl.when(pl.int_range(pl.len()) == 40).then(pl.lit("2003-04")).otherwise("period")
    )  # row 40 (line 42) is the month of row 39 (line 41), series d
    repeated.write_parquet(source)
    with pytest.raises(DuplicateRowError) as err:
        growth_dataset(source, tmp_path / "g", batch_rows=12, progress=False)
    assert (err.value.file, err.value.line) == (str(source), 42)
    assert "as line 41 (40 t)" in err.value.expected


def test_rows_of_a_parquet_file_keep_their_lines_in_the_file(tmp_path):
    source = tmp_path / "c.parquet"
    tidy(source, ["a"] * 6)
    got = read_statements(source, rows=range(3, 5))
    assert got["line"].to_list() == [5, 6] and got["value_t"].to_list() == [4.0, 5.0]
    assert read_statements(source, rows=range(4, 100))["line"].to_list() == [6, 7]  # to the end
    for rows in (range(0, 4, 2), range(-1, 2)):  # not consecutive, or before the first row
        with pytest.raises(ValueError, match="consecutive row numbers from 0 up"):
            read_statements(source, rows=rows)


def test_rows_are_for_parquet_records_files_only(write):
    csv = write("t.csv", "period,commodity,flow,partner,value,unit\n2025-01,a,export,World,1,t\n")
    with pytest.raises(ValueError, match="Parquet") as err:
        read_statements(csv, rows=range(0, 1))
    assert type(err.value) is ValueError  # the caller's mistake, not a corrupt file
    with pytest.raises(ValueError, match="Parquet"):  # the reader itself, called directly
        read_tidy(csv, rows=range(0, 1))
    statements = write("s.csv", "period,flow,commodity,value_t,ytd_t,mom_pct_reported,"
                       "yoy_pct_reported,source_url,quote\n2025-01,export,ore,1,,,,u,q\n")  # fmt: skip
    with pytest.raises(ValueError, match="Parquet"):
        read_statements(statements, rows=range(0, 1))
    pl.read_csv(statements).write_parquet(as_parquet := statements.with_suffix(".parquet"))
    with pytest.raises(ValueError, match="Parquet"):  # statements whatever the file type
        read_statements(as_parquet, rows=range(0, 1))
