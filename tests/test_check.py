"""``python -m reanalysis check FILE...`` lists every problem, not just the first."""

import subprocess
import sys

import polars as pl
import pytest

from reanalysis.__main__ import main as reanalysis_main
from reanalysis.check import check_file, main

TIDY = "period,commodity,flow,partner,value,unit\n"


def listing(problems) -> list[tuple]:
    return [(type(p).__name__, p.line, p.column, p.found) for p in problems]


def test_every_problem_of_a_file_is_listed_in_line_order(write):
    rows = ("2025-13,ore,export,World,-4,t\n2025-02,ore,export,World,inf,lb\n"
            "2025-03,ore,export,World,5,t,extra\n2025-04,ore,export,,5,t\n")  # fmt: skip
    assert listing(check_file(write("t.csv", TIDY + rows))) == [
        ("BadValueError", 2, "period", "2025-13"),
        ("BadValueError", 2, "value", "-4.0"),
        ("BadValueError", 3, "unit", "lb"),
        ("BadValueError", 3, "value", "inf"),
        ("RaggedRowError", 4, None, "7 fields"),
        ("BadValueError", 5, "partner", None),
    ]


def test_the_listing_stops_at_the_limit(write):
    rows = "".join(f"2025-{m:02d},ore,export,World,-{m},t\n" for m in range(1, 13))
    assert len(check_file(write("t.csv", TIDY + rows), limit=5)) == 5


def test_a_problem_that_ends_reading_is_listed_alone(write):
    path = write("t.csv", TIDY + '2025-01,"ore,export,World,5,t\n2025-02,ore,export,World,-1,t\n')
    assert listing(check_file(path)) == [("UnbalancedQuoteError", 2, None,
                                          "a quote that never closes")]  # fmt: skip


def test_duplicates_and_falling_cumulatives_are_problems_too(write):
    rows = "2025-01,ore,export,World,5,t\n2025-01,ore,export,World,6,t\n"
    assert listing(check_file(write("t.csv", TIDY + rows))) == [
        ("DuplicateRowError", 3, "value", 6.0)
    ]
    statements = (
        "period,flow,commodity,value_t,ytd_t,mom_pct_reported,yoy_pct_reported,source_url,quote\n"
        "2025-02,export_ytd,ore,,8511,,,https://example.org/a,q\n"
        "2025-04,export_ytd,ore,,8000,,,https://example.org/b,q\n"
    )
    assert listing(check_file(write("s.csv", statements))) == [
        ("CumulativeError", 3, "ytd_t", 8000.0)
    ]


def test_a_missing_file_is_a_problem(tmp_path):
    assert listing(check_file(tmp_path / "nope.csv")) == [
        ("InputError", None, None, "no such file")
    ]


def test_the_command_prints_a_table_and_a_summary_and_exits_1(write, capsys):
    good = write("good.csv", TIDY + "2025-01,ore,export,World,5,t\n2025-02,ore,export,World,,t\n")
    bad = write("bad.csv", TIDY + "2025-01,ore,export,World,-4,t\n")
    assert main([str(good), str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"OK    {good}: tidy, 2 figures, 1 series, 2025-01 to 2025-02; 1 quantity blank in source",
        f"FAIL  {bad}: 1 problem",
        "  line  column  problem        found   expected",
        "  2     value   BadValueError  '-4.0'  a non-negative quantity",
        "summary: 1 of 2 files valid, 1 problem",
    ]


def test_the_command_exits_0_when_every_file_is_valid(write, capsys):
    good = write("good.csv", TIDY + "2025-01,ore,export,World,5,t\n")
    assert reanalysis_main(["check", str(good)]) == 0
    assert capsys.readouterr().out.endswith("summary: 1 of 1 file valid, 0 problems\n")


def test_an_unknown_command_prints_the_usage(capsys):
    assert reanalysis_main(["frobnicate"]) == 2
    assert "usage: python -m reanalysis check" in capsys.readouterr().err


def test_python_dash_m_reanalysis_check_runs(write):
    bad = write("bad.csv", TIDY + "2025-01,ore,export,World,5,t\n2025-02,ore,export,World,5\n")
    done = subprocess.run([sys.executable, "-m", "reanalysis", "check", str(bad)],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "RaggedRowError" in done.stdout and "5 fields" in done.stdout


STATEMENTS = (
    "period,flow,commodity,value_t,ytd_t,mom_pct_reported,yoy_pct_reported,source_url,quote\n"
)
COMTRADE = "freqCode,period,flowCode,cmdCode,partnerDesc,netWgt\n"


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("binary.csv", TIDY.encode() + b"2025-01,o\x00re,export,World,5,t\n",
         ("NotTextError", 2, None)),
        ("cr.csv", TIDY + "2025-01,o\rre,export,World,5,t\n", ("NotTextError", 2, None)),
        ("header.csv", b"per\x01iod,value\n1,2\n", ("NotTextError", 1, None)),
        ("empty.csv", "\n\n", ("EmptyFileError", 1, None)),
        ("quote.csv", TIDY + '2025-01,ore",export,World,5,t\n', ("UnbalancedQuoteError", 2, None)),
        ("latin.csv", TIDY.encode() + "2025-01,é,export,World,5,t\n".encode("latin-1"),
         ("EncodingError", 2, "commodity")),
        ("twice.csv", "period,commodity,flow,partner,value,value,unit\n2025-01,o,export,W,5,5,t\n",
         ("DuplicateColumnError", 1, "value")),
        ("nodata.csv", TIDY + "\n", ("EmptyFileError", 2, None)),
        ("nostatement.csv", STATEMENTS, ("EmptyFileError", 2, None)),
        ("magnets.csv", "period,partner,value_t,source_url\n2025-01,Japan,5,https://e.org\n",
         ("MissingColumnError", 1, "yoy_pct_reported")),
        ("annual.csv", COMTRADE + "A,2025,X,850511,Japan,5\n", ("EmptyFileError", 2, "freqCode")),
        ("period.csv", COMTRADE + "M,202513,X,850511,Japan,5\n", ("BadValueError", 2, "period")),
    ],
)  # fmt: skip
def test_a_problem_that_ends_reading_is_listed_once(write, name, content, problem):
    assert [(type(p).__name__, p.line, p.column) for p in check_file(write(name, content))] == [
        problem
    ]


def test_a_damaged_parquet_file_is_one_problem(write, tmp_path):
    pl.DataFrame({"period": ["2025-01"], "commodity": ["ore"], "flow": ["export"],
                  "partner": ["World"], "value": [5.0], "unit": ["t"]}).write_parquet(
        tmp_path / "whole.parquet")  # fmt: skip
    data = (tmp_path / "whole.parquet").read_bytes()
    path = write("cut.parquet", data[: len(data) - 10])
    assert [type(p).__name__ for p in check_file(path)] == ["CorruptFileError"]


def test_a_parquet_file_with_a_corrupt_body_is_one_problem(write, tmp_path):
    rows = 50
    pl.DataFrame({"period": ["2025-01"] * rows, "commodity": ["ore"] * rows,
                  "flow": ["export"] * rows, "partner": ["World"] * rows,
                  "value": [5.0] * rows, "unit": ["t"] * rows}).write_parquet(
        tmp_path / "whole.parquet", statistics=False, compression="uncompressed")  # fmt: skip
    data = bytearray((tmp_path / "whole.parquet").read_bytes())
    data[4:60] = b"\xff" * 56
    assert [type(p).__name__ for p in check_file(write("bad.parquet", bytes(data)))] == [
        "CorruptFileError"
    ]
