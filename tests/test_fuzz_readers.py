"""Fuzzing the readers: valid files, mutated, read two ways.

Each example starts from a valid tidy, statements or Comtrade+ file and mutates it: columns
dropped, duplicated or reordered, random text in cells, the file cut at a random byte, random
bytes inserted, another encoding. The property: the reader either refuses the file with a
typed :class:`~reanalysis.errors.InputError` naming it, when the independent plain-Python
reading (:mod:`fuzz_oracle`) refuses it too, or returns exactly the figures that reading gives.
No other exception may escape, from the reader, from ``load_customs`` or from
``python -m reanalysis check``, and the checker finds a problem exactly when loading fails.

``make test`` runs a bounded profile; ``make fuzz`` runs ``FUZZ_EXAMPLES`` examples per format
(default 4,000). Failing examples found so far are pinned in ``test_found_by_fuzzing``.
"""

import csv
import io
import math
import os
from pathlib import Path
from unittest import mock

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_oracle import expected
from reanalysis import load_customs
from reanalysis.check import check_file
from reanalysis.errors import InputError
from reanalysis.formats import layout
from reanalysis.readers import COMTRADE_COLUMNS, read_statements

settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "4000")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
BOUNDED = settings(max_examples=60, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
FUZZING = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
CHECKED = settings.get_profile("fuzz") if FUZZING else BOUNDED


def _tidy() -> list[list[str]]:
    rows = [["period", "commodity", "flow", "partner", "value", "unit"]]
    for month, (partner, value, unit) in enumerate(
        [("World", "4784.8", "t"), ("Japan", "1200", "kg"), ("Côte d'Ivoire", "0", "t"),
         ("World", "", "t"), ("Japan", "15.25", "t")], start=1,
    ):  # fmt: skip
        rows.append([f"2025-{month:02d}", "rare earths", "export", partner, value, unit])
    return rows


def _statements() -> list[list[str]]:
    return [
        ["period", "flow", "commodity", "value_t", "ytd_t", "mom_pct_reported",
         "yoy_pct_reported", "source_url", "quote"],
        ["2025-03", "export", "rare earths", "5666.3", "14177", "", "", "https://example.org/a",
         "March, 5,666 t"],
        ["2025-04", "export", "rare earths", "4785", "18962", "-15.6", "4.8",
         "https://example.org/b", 'said "4,785 t"'],
        ["2025-04", "export_ytd", "rare earths", "", "18962", "", "5.1", "https://example.org/c",
         ""],
        ["2025-05", "import", "rare earths", "", "", "3.2", "", "https://example.org/d", "q"],
    ]  # fmt: skip


def _magnets() -> list[list[str]]:
    return [
        ["period", "partner", "value_t", "yoy_pct_reported", "mom_pct_reported", "source_url",
         "quote"],
        ["2025-05", "World", "1238", "-74.3", "", "https://example.org/m", "q"],
        ["2025-05", "Japan YTD", "411.3", "", "", "https://example.org/n", "q"],
        ["2025-06", "United States", "", "", "12.5", "https://example.org/o", "q"],
    ]  # fmt: skip


def _comtrade() -> list[list[str]]:
    """Monthly totals, an annual row, a weight only in ``qty``, a 0 kg beside a positive value
    and a breakdown row beside its total (the cases of reanalysis.formats.comtrade)."""
    rows = [list(COMTRADE_COLUMNS)]
    for period, freq, partner, iso, kg, usd, extra in [
        ("202501", "M", "Japan", "JPN", "7000", "280000", {"isNetWgtEstimated": "False"}),
        ("202502", "M", "Côte d'Ivoire", "CIV", "1500.5", "9", {}),
        ("2025", "A", "World", "W00", "90000", "1", {}),
        ("202503", "M", "Japan", "JPN", "", "5000",
         {"qtyUnitCode": "8", "qty": "2500", "isQtyEstimated": "True"}),
        ("202504", "M", "Rep. of Korea", "KOR", "0", "5000", {}),
        ("202504", "M", "Rep. of Korea", "KOR", "0", "3000", {"motCode": "1000"}),
    ]:  # fmt: skip
        row = dict.fromkeys(COMTRADE_COLUMNS, "")
        row.update(typeCode="C", freqCode=freq, period=period, reporterDesc="China",
                   flowCode="X", partnerDesc=partner, partnerISO=iso, cmdCode="850511",
                   cmdDesc="Permanent magnets, of metal", netWgt=kg, primaryValue=usd,
                   motCode="0")  # fmt: skip
        row.update(extra)
        rows.append([row[c] for c in COMTRADE_COLUMNS])
    return rows


BASES = {"tidy": _tidy, "statements": _statements, "magnets": _magnets, "comtrade": _comtrade}
CELL_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            " ",
            "inf",
            "-inf",
            "NaN",
            "1e400",
            "-0",
            "+5",
            ".5",
            "5.",
            "1e5",
            "1_000",
            " 5 ",
            "0x10",
            "0999-01",
            "2201-01",
            "2025-13",
            "202513",
            "099901",
            "+202501",
            "X",
            "M",
            "A",
            "RX",
            "kg",
            "t",
            "export_ytd",
            "import",
            "re-export",
            "Japan ",
            " World",
            '"',
            'a"b',
            "a,b",
            "a\nb",
            "\r",
            "\t5",
            "export ",
            "５",
        ]
    ),  # fmt: skip
    st.from_regex(r"[+-]?[0-9]{1,6}(\.[0-9]{0,3})?([eE][+-]?[0-9]{1,3})?", fullmatch=True),
)


@st.composite
def mutated(draw, kind: str) -> bytes:
    """A base file of ``kind`` with up to four random mutations."""
    rows = BASES[kind]()
    steps = draw(st.lists(st.sampled_from(["drop", "duplicate", "reorder", "cell", "cell",
                                           "row", "cut", "insert", "encoding"]), max_size=4))  # fmt: skip
    encoding, cut, inserts = "utf-8", None, []
    for step in steps:
        width = len(rows[0])
        if step == "drop" and width > 1:
            i = draw(st.integers(0, width - 1))
            rows = [r[:i] + r[i + 1 :] for r in rows]
        elif step == "duplicate":
            i = draw(st.integers(0, width - 1))
            rows = [r + [r[i]] if i < len(r) else r for r in rows]
        elif step == "reorder":
            order = draw(st.permutations(range(width)))
            rows = [[r[i] for i in order if i < len(r)] for r in rows]
        elif step == "cell":
            r = draw(st.integers(0, len(rows) - 1))
            if rows[r]:
                rows[r][draw(st.integers(0, len(rows[r]) - 1))] = draw(CELL_TEXT)
        elif step == "row":  # a ragged row
            r = draw(st.integers(1, len(rows) - 1)) if len(rows) > 1 else 0
            extra = draw(st.integers(-2, 2))
            rows[r] = rows[r][: max(width + extra, 0)] + ["x"] * max(extra, 0)
        elif step == "cut":
            cut = draw(st.floats(0, 1))
        elif step == "insert":
            inserts.append((draw(st.floats(0, 1)), draw(st.binary(min_size=1, max_size=6))))
        else:
            encoding = draw(st.sampled_from(["latin-1", "utf-16", "cp1252", "utf-8-sig"]))
    out = io.StringIO()
    csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(rows)
    data = out.getvalue().encode(encoding, errors="replace")
    for where, blob in inserts:
        at = int(where * len(data))
        data = data[:at] + blob + data[at:]
    if cut is not None:
        data = data[: int(cut * len(data))]
    return data


def reader_figures(path: Path) -> list[tuple] | None:
    """What the reader makes of ``path``: its figures, or None for a typed refusal."""
    try:
        frame = read_statements(path)
    except InputError as err:
        assert err.file == str(path), f"error names {err.file!r}, not the file"
        return None
    rows = frame.select(
        "line", pl.col("measure").cast(pl.String), pl.col("period").dt.strftime("%Y-%m"),
        *(pl.col(c).cast(pl.String) for c in ("commodity", "flow", "partner")), "value_t",
    ).rows()  # fmt: skip
    return sorted(rows, key=repr)


def check(path: Path, data: bytes, block: int | None = None) -> None:
    """The reader agrees with the oracle on ``data``, reading it in blocks of ``block`` bytes
    (so that quotes, line breaks and characters fall astride block boundaries)."""
    path.write_bytes(data)
    with mock.patch.object(layout, "BLOCK", block or layout.BLOCK):
        got = reader_figures(path)
        loaded = got is not None and loads(path)
        problems = check_file(path)
    assert same(got, expected(data)), data
    # the whole loader and the checker: typed errors only, and they agree
    assert all(isinstance(p, InputError) and p.file == str(path) for p in problems), problems
    assert (not problems) == loaded, (problems, data)


def loads(path: Path) -> bool:
    """Does ``load_customs`` (reading, cumulatives, reconciliation) accept ``path``? Any
    error but a typed one naming the file fails the test."""
    try:
        load_customs(path)
    except InputError as err:
        assert err.file == str(path), f"error names {err.file!r}, not the file"
        return False
    return True


def same(got: list[tuple] | None, want: list[tuple] | None) -> bool:
    """Equal figures; tonnes equal up to the last bit of a float (Polars divides by 1000 as a
    multiplication by 0.001: 9 kg gives 0.009000000000000001 t)."""
    if got is None or want is None:
        return got is want
    return len(got) == len(want) and all(
        g[:-1] == w[:-1]
        and (g[-1] == w[-1] or (None not in (g[-1], w[-1]) and math.isclose(g[-1], w[-1])))
        for g, w in zip(got, want, strict=True)
    )


@pytest.mark.parametrize("kind", sorted(BASES))
@CHECKED
@given(data=st.data(), block=st.none() | st.integers(1, 64))
def test_readers_refuse_or_agree_with_a_plain_python_reading(kind, data, block, folder):
    check(folder / f"{kind}.csv", data.draw(mutated(kind), label="file"), block)


@pytest.mark.parametrize("kind", sorted(BASES))
def test_the_unmutated_bases_load(kind, folder):
    path = folder / f"base-{kind}.csv"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(BASES[kind]())
    data = out.getvalue().encode()
    path.write_bytes(data)
    assert expected(data) is not None
    check(path, data)


@CHECKED
@given(cut=st.floats(0, 0.999), garbage=st.binary(max_size=8), where=st.floats(0, 1))
def test_a_cut_or_damaged_parquet_file_is_refused_or_read_right(cut, garbage, where, folder):
    whole = folder / "whole.parquet"
    if not whole.exists():
        rows = _tidy()
        pl.DataFrame(rows[1:], schema=rows[0], orient="row").with_columns(
            pl.col("value").cast(pl.Float64, strict=False)
        ).write_parquet(whole)
    data = whole.read_bytes()
    at = int(where * len(data))
    data = (data[:at] + garbage + data[at:])[: max(int(cut * len(data)), 1)]
    path = folder / "damaged.parquet"
    path.write_bytes(data)
    reader_figures(path)  # a typed refusal or a frame; nothing else may escape


# Failing examples found by `make fuzz`, each fixed (in the reader or, where the reader was
# right, in the oracle) and pinned here.
TIDY_HEAD = b"period,commodity,flow,partner,value,unit\n"
FOUND: list[tuple[str, bytes]] = [
    # a CSV whose first bytes are Parquet's magic number is read as (corrupt) Parquet
    ("parquet magic", b"PAR1freqCode,period,flowCode,cmdCode,partnerDesc,netWgt\n"
     b"M,202501,X,850511,Japan,7000\n"),
    # a carriage return alone is no line break: refused, wherever it is
    ("lone CR first", b"\r" + TIDY_HEAD + b"2025-01,ore,export,World,5,t\n"),
    ("lone CR in a cell", TIDY_HEAD + b"2025-01,o\rre,export,World,5,t\n"),
    ("lone CR at the end", TIDY_HEAD + b"2025-01,ore,export,World,5,t\r"),
    # the header is on line 1: an empty first line is refused
    ("empty first line", b"\n" + TIDY_HEAD + b"2025-01,ore,export,World,5,t\n"),
    # keys lose Unicode whitespace too (U+0085, U+00A0): a key of only that is blank
    ("NEL key", TIDY_HEAD + "2025-01,\x85,export,World,5,t\n".encode()),
    ("NBSP around a key", TIDY_HEAD + "2025-01,\xa0ore\xa0,export,World,5,t\n".encode()),
    # partners are named by reanalysis.names in every format: a code is a country's name
    ("partner as a code", TIDY_HEAD + b"2025-01,ore,export,KW,5,t\n2025-02,ore,export,010,5,t\n"),
    # a Comtrade+ partner is named by its own row's code: one name with two codes is two
    # partners (the reader took the first code of each name for all its rows)
    ("one name, two codes", b"freqCode,period,flowCode,cmdCode,partnerDesc,partnerISO,netWgt\n"
     b"M,202501,X,850511,Japan,JPN,7000\nM,202502,X,850511,Japan,CIV,1500\n"),
]  # fmt: skip


@pytest.mark.parametrize("name, data", FOUND, ids=[n for n, _ in FOUND] or None)
def test_found_by_fuzzing(name, data, folder):
    check(folder / "found.csv", data)
