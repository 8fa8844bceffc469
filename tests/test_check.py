"""``python -m reanalysis check FILE...`` lists every problem, not just the first."""

import subprocess
import sys

import polars as pl
import pytest

from reanalysis import readers
from reanalysis.__main__ import main as reanalysis_main
from reanalysis.check import check_file, main, summary
from reanalysis.errors import (
    BadValueError,
    EmptyFileError,
    MissingColumnError,
    StopReading,
    report,
)

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


def test_a_missing_file_names_the_file_and_what_was_expected(tmp_path):
    (problem,) = check_file(tmp_path / "nope.csv")
    assert (problem.file, problem.found, problem.expected) == (
        str(tmp_path / "nope.csv"), "no such file", "a readable file")  # fmt: skip


def test_the_format_given_is_the_one_checked(write):
    tidy = write("t.csv", TIDY + "2025-01,ore,export,World,5,t\n")
    assert check_file(tidy) == []
    assert listing(check_file(tidy, format="statements")) == [
        ("MissingColumnError", 1, "value_t", "period,commodity,flow,partner,value,unit")
    ]


def test_records_are_checked_as_records_in_the_format_given(write):
    # the header fits the statements format too, which detection tries first: read as tidy,
    # two figures for one month are an error, not a conflict between sources to resolve
    header = TIDY.strip() + ",value_t,ytd_t,mom_pct_reported,yoy_pct_reported,source_url,quote\n"
    rows = "2025-01,ore,export,World,5,t,,,,,,\n2025-01,ore,export,World,6,t,,,,,,\n"
    assert listing(check_file(write("t.csv", header + rows), format="tidy")) == [
        ("DuplicateRowError", 3, "value", 6.0)
    ]


def test_two_figures_for_one_comtrade_month_are_a_problem(write):
    rows = "M,202501,X,850511,Japan,5000\nM,202501,X,850511,Japan,6000\n"
    assert listing(check_file(write("c.csv", COMTRADE + rows))) == [
        ("DuplicateRowError", 3, "netWgt", 6.0)
    ]


def test_a_problem_raised_after_problems_reported_is_listed_too(write, monkeypatch):
    def reader(path, rows=None):  # reports a bad cell and goes on, then finds no data at all
        report(BadValueError(path, 2, "value", "-4", "a non-negative quantity"))
        raise EmptyFileError(path, 3, None, "no data rows", "at least one data row")

    monkeypatch.setattr(readers, "read_tidy", reader)
    assert listing(check_file(write("t.csv", TIDY + "2025-01,ore,export,World,-4,t\n"))) == [
        ("BadValueError", 2, "value", "-4"),
        ("EmptyFileError", 3, None, "no data rows"),
    ]


def test_problems_are_ordered_by_line_then_column_those_without_either_first(write,
                                                                             monkeypatch):  # fmt: skip
    def reader(path, rows=None):
        for line, column in ((2, "A"), (1, "a"), (None, "z"), (2, None)):
            report(BadValueError(path, line, column, "x", "y"))
        raise StopReading

    monkeypatch.setattr(readers, "read_tidy", reader)
    got = [
        (p.line, p.column) for p in check_file(write("t.csv", TIDY + "2025-01,o,export,W,1,t\n"))
    ]
    assert got == [(None, "z"), (1, "a"), (2, None), (2, "A")]


def test_a_parser_error_is_one_problem_unless_it_follows_reported_ones(write, monkeypatch):
    def failing(path, rows=None):  # a parser's own error: read_statements makes it corrupt
        raise ValueError("the parser gave up")

    def reporting_then_failing(path, rows=None):  # a consequence of the bad cell: not listed again
        report(BadValueError(path, 2, "value", "-4", "a non-negative quantity"))
        failing(path)

    path = write("t.csv", TIDY + "2025-01,ore,export,World,-4,t\n")
    monkeypatch.setattr(readers, "read_tidy", failing)
    assert listing(check_file(path)) == [
        ("CorruptFileError", None, None, "ValueError: the parser gave up")
    ]
    monkeypatch.setattr(readers, "read_tidy", reporting_then_failing)
    assert listing(check_file(path)) == [("BadValueError", 2, "value", "-4")]


COMTRADE_VALUED = (
    "freqCode,period,flowCode,cmdCode,partnerDesc,netWgt,primaryValue\n"
    "M,202503,X,850511,Japan,,100\n"  # blank weight
    "M,202501,X,850511,Japan,0,100\n"  # 0 kg beside a value: not reported
    "M,202502,X,850511,Japan,0,100\n"
    "M,202501,M,850511,Japan,5000,100\n"  # another flow,
    "M,202501,X,280530,Japan,5000,100\n"  # another commodity,
    "M,202501,X,850511,Korea,5000,100\n"  # another partner: four series
)


def test_the_summary_counts_series_by_commodity_flow_and_partner_and_reasons_by_count(write):
    path = write("c.csv", COMTRADE_VALUED)
    assert summary(path) == (
        "comtrade, 6 figures, 4 series, 2025-01 to 2025-03; "
        "2 weight not reported (0 kg beside a positive value); 1 quantity blank in source"
    )
    assert summary(path, "comtrade") == summary(path)
    with pytest.raises(MissingColumnError):
        summary(path, "tidy")


def test_reasons_counted_alike_are_listed_in_the_order_of_their_text(write):
    path = write("c.csv", "\n".join(COMTRADE_VALUED.splitlines()[:3]) + "\n")  # one of each
    assert summary(path) == (
        "comtrade, 2 figures, 1 series, 2025-01 to 2025-03; "
        "1 quantity blank in source; 1 weight not reported (0 kg beside a positive value)"
    )


def test_the_command_counts_files_and_problems_and_says_when_the_limit_cut_the_listing(
    write, capsys
):
    one = write("one.csv", TIDY + "2025-01,ore,export,World,-4,t\n")
    two = write("two.csv", TIDY + "2025-01,ore,export,World,-4,t\n2025-02,ore,export,,5,t\n")
    long = "2025-01-" + "x" * 30  # its repr is 40 characters: shown whole
    longer = "2025-01-" + "x" * 31  # 41: cut to 37 and "..."
    rows = f"{long},ore,export,World,5,t\n{longer},ore,export,World,5,t\n2025-0x,o,export,W,5,t\n"
    three = write("three.csv", TIDY + rows)
    assert main([str(one), str(two), str(three), "--limit", "2"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"FAIL  {one}: 1 problem",
        "  line  column  problem        found   expected",
        "  2     value   BadValueError  '-4.0'  a non-negative quantity",
        f"FAIL  {two}: 2 problems (the limit: there may be more)",
        "  line  column   problem        found   expected",
        "  2     value    BadValueError  '-4.0'  a non-negative quantity",
        "  3     partner  BadValueError          a partner name",
        f"FAIL  {three}: 2 problems (the limit: there may be more)",
        "  line  column  problem        found                                     expected",
        f"  2     period  BadValueError  {long!r}  a month as YYYY-MM (years 1900-2200)",
        f"  3     period  BadValueError  '{longer[:36]}...  a month as YYYY-MM (years 1900-2200)",
        "summary: 0 of 3 files valid, 5 problems",
    ]


def test_the_command_takes_the_format_and_lists_a_missing_file(write, tmp_path, capsys):
    tidy = write("t.csv", TIDY + "2025-01,ore,export,World,5,t\n")
    assert main([str(tidy), "--format", "tidy"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        f"OK    {tidy}: tidy, 1 figures, 1 series, 2025-01 to 2025-01"
    )
    # a header that detection takes for the statements format, read as tidy as asked
    header = TIDY.strip() + ",value_t,ytd_t,mom_pct_reported,yoy_pct_reported,source_url,quote\n"
    both = write("both.csv", header + "2025-01,ore,export,World,5,t,,,,,,\n")
    assert main([str(both), "--format", "tidy"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        f"OK    {both}: tidy, 1 figures, 1 series, 2025-01 to 2025-01"
    )
    assert main([str(tidy), str(tmp_path / "nope.csv"), "--format", "statements"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"FAIL  {tidy}: 1 problem",
        "  line  column   problem             found                                     expected",
        "  1     value_t  MissingColumnError  'period,commodity,flow,partner,value,...  "
        "a statements header with columns period, flow, commodity, value_t, ytd_t, "
        "mom_pct_reported, yoy_pct_reported, source_url, quote",
        f"FAIL  {tmp_path / 'nope.csv'}: 1 problem",
        "  line  column  problem     found           expected",
        "                InputError  'no such file'  a readable file",
        "summary: 0 of 2 files valid, 2 problems",
    ]


def test_the_command_help_names_the_command_its_arguments_and_choices(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert help_text.startswith(
        "usage: python -m reanalysis check [-h] [--format {auto,statements,tidy,comtrade}] "
        "[--limit LIMIT] FILE [FILE ...] List every problem of customs files before you load "
        "them. positional arguments: FILE options: -h, --help show this help message and exit "
        "--format {auto,statements,tidy,comtrade} --limit LIMIT problems listed per file"
    )
    with pytest.raises(SystemExit):
        main(["a.csv", "--format", "xml"])
    assert "invalid choice: 'xml'" in capsys.readouterr().err
