"""The curated statements reader's rules, each pinned by a file whose reading changes when the
rule changes: every problem's file, line, column and expectation; the statements a customs and
a magnet file give (measures, columns, rounding, partners, order); the exclusions by marker and
by a known different definition.
"""

import datetime as dt

import polars as pl
import pytest

from problems import problems_of
from reanalysis.errors import CumulativeError
from reanalysis.formats.common import ONLY_PERCENT
from reanalysis.formats.statements import MAGNET_COMMODITY, check_cumulatives
from reanalysis.readers import read_statements

D = dt.date
CUSTOMS = "period,flow,commodity,value_t,ytd_t,mom_pct_reported,yoy_pct_reported,source_url,quote\n"
MONTH = "a month as YYYY-MM (years 1900-2200)"
MAGNETS = "period,partner,value_t,yoy_pct_reported,mom_pct_reported,source_url,quote\n"


def test_every_problem_of_a_customs_file_is_named(write):
    path = write(
        "customs.csv",
        CUSTOMS + "2025-01,export,ore,10,,,,https://a.example/1,ok\n"
        "2025-02,export,ore,11,,,, ,no source\n"
        "2025-03,exports,ore,12,,,,https://a.example/3,bad flow\n"
        "2025-04,export_ytd,ore,13,40,,,https://a.example/4,a month figure on a ytd row\n"
        "2025-05,export,ore,14,,ten,,https://a.example/5,a word for a percentage\n"
        "2025-06,export,ore,,,,,https://a.example/6,nothing stated\n"
        "2025-07,export,ore,-14,,,,https://a.example/7,a negative tonnage\n"
        "20x5-08,export,ore,15,,,,https://a.example/8,a letter in the year\n"
        "2025-0x,export,ore,16,,,,https://a.example/9,a letter in the month\n"
        ",export,ore,17,,,,https://a.example/10,no month at all\n",
    )
    file = str(path)
    assert problems_of(path, format="statements") == [
        ("BadValueError", file, 3, "source_url", None, "the address of the source"),
        ("BadValueError", file, 4, "flow", "exports",
         "one of export, import, export_ytd, import_ytd"),
        ("BadValueError", file, 5, "value_t", "13",
         "blank on a year-to-date row (its level goes in ytd_t)"),
        ("BadValueError", file, 8, "value_t", "-14", "a non-negative quantity"),
        ("BadValueError", file, 6, "mom_pct_reported", "ten", "a finite number"),
        ("BadValueError", file, 9, "period", "20x5-08", MONTH),
        ("BadValueError", file, 10, "period", "2025-0x", MONTH),
        ("BadValueError", file, 11, "period", None, MONTH),
        ("BadValueError", file, 7, "value_t", None,
         "a figure: value_t, ytd_t or a reported percentage (a row that states nothing)"),
    ]  # fmt: skip


def test_a_missing_column_is_named_with_the_header_found_and_the_one_expected(write):
    header = "period,flow,commodity,value_t,mom_pct_reported,yoy_pct_reported,source_url,quote"
    path = write("short.csv", header + "\n2025-01,export,ore,10,,,https://a.example/1,q\n")
    assert problems_of(path, format="statements") == [
        (
            "MissingColumnError",
            str(path),
            1,
            "ytd_t",
            header,
            "a statements header with columns " + CUSTOMS.strip().replace(",", ", "),
        ),
    ]


def test_a_magnet_row_without_a_partner_is_named(write):
    path = write("magnets.csv", MAGNETS + "2025-01, ,10,,,https://a.example/1,q\n")
    assert problems_of(path, format="statements")[0] == (
        "BadValueError", str(path), 2, "partner", None, "a partner name")  # fmt: skip


def test_the_statements_of_a_customs_file(write):
    # Line 2 states a month and its year to date: two statements, the month first; line 3 a
    # year-to-date row (its month column a space: nothing); line 4 only a percentage, whose
    # zero is a digit ("-20": half a unit), its tonnage a space (no figure, no rounding); line
    # 5 "-0", zero to the tonne. Keys and addresses lose surrounding spaces.
    path = write(
        "customs.csv",
        CUSTOMS + "2025-01, export , ore ,4785,4785,,5.1, https://a.example/1 ,jan\n"
        "2025-02,export_ytd,ore, ,9000.5,,,https://a.example/2,feb (a space for no month)\n"
        "2025-03,export,ore, ,,-20,,https://a.example/3,only a percentage\n"
        "2025-04,export,ore,-0,,,,https://a.example/4,minus zero reads as zero\n",
    )
    got = read_statements(path, format="statements")
    columns = ("line", "period", "flow", "commodity", "partner", "measure", "column", "value_t",
               "half_unit_t", "yoy_pct_reported", "yoy_pct_half_unit", "mom_pct_reported",
               "mom_pct_half_unit", "source_url", "missing_reason", "file")  # fmt: skip
    file = str(path)
    assert got.select(columns).rows() == [
        (2, D(2025, 1, 1), "export", "ore", "World", "month", "value_t", 4785.0, 0.5, 5.1, 0.05,
         None, None, "https://a.example/1", None, file),
        (2, D(2025, 1, 1), "export", "ore", "World", "ytd", "ytd_t", 4785.0, 0.5, None, None,
         None, None, "https://a.example/1", None, file),
        (3, D(2025, 2, 1), "export", "ore", "World", "ytd", "ytd_t", 9000.5, 0.05, None, None,
         None, None, "https://a.example/2", None, file),
        (4, D(2025, 3, 1), "export", "ore", "World", "month", "value_t", None, None, None, None,
         -20.0, 0.5, "https://a.example/3", ONLY_PERCENT, file),
        (5, D(2025, 4, 1), "export", "ore", "World", "month", "value_t", 0.0, 0.5, None, None,
         None, None, "https://a.example/4", None, file),
    ]  # fmt: skip
    assert got.select(pl.col("reporter", "value_usd").is_null().all()).row(0) == (True, True)


def test_the_statements_of_a_magnet_file(write):
    # a partner's month and its year to date (" YTD" in the partner's name); "34000" is read as
    # rounded to the thousand, a percentage's zeros are its own digits ("10": half a unit)
    path = write(
        "magnets.csv",
        MAGNETS + "2025-04,Japan,34000,10,,https://a.example/1,apr\n"
        "2025-04,Japan YTD,120000,,,https://a.example/2,jan-apr\n",
    )
    got = read_statements(path, format="statements")
    columns = ("commodity", "flow", "partner", "measure", "column", "value_t", "half_unit_t",
               "yoy_pct_reported", "yoy_pct_half_unit")  # fmt: skip
    assert got.select(columns).rows() == [
        (MAGNET_COMMODITY, "export", "Japan", "month", "value_t", 34000.0, 500.0, 10.0, 0.5),
        (MAGNET_COMMODITY, "export", "Japan", "ytd", "value_t", 120000.0, 5000.0, None, None),
    ]  # fmt: skip


def test_flagged_quotes_and_known_different_definitions_are_excluded_with_why(write):
    # The shipped files' two known cases are matched by address, month and partner as written
    # (" YTD" included); the same address another month, or another partner, is not excluded.
    path = write(
        "magnets.csv",
        MAGNETS + "2024-12,World YTD,50000,,,https://www.adamasintel.com/report,a\n"
        "2024-11,World YTD,45000,,,https://www.adamasintel.com/report,b\n"
        "2024-12,World,5001,,,https://www.adamasintel.com/report,c\n"
        "2025-12,Japan YTD,400,,,https://globalspark.news/x,d\n"
        "2025-12,Japan,40,,,https://globalspark.news/x,SUSPECT: a broader series\n"
        "2025-11,Japan,40,,,https://globalspark.news/x,NOTE: see the next row\n"
        "2025-10,Japan,40,,,https://globalspark.news/x,NOTED elsewhere\n"
        "2024-12,World YTD,50000,,,https://other.example/,the same month and partner elsewhere\n",
    )
    got = read_statements(path, format="statements")
    assert got.select("line", "excluded_reason").rows() == [
        (2, "different definition: magnets and magnet alloys"),
        (3, None),
        (4, None),
        (5, "different definition: same source as the 411.3 t row flagged NOTE (broader "
            "definition)"),
        (6, "flagged SUSPECT in the source file: another series or definition"),
        (7, "flagged NOTE in the source file: another series or definition"),
        (8, None),
        (9, None),
    ]  # fmt: skip


def test_a_falling_cumulative_is_named_against_the_largest_earlier_one_of_its_year(write):
    # 2025: January 101 t, February 301 t, March stated twice (201 t: a fall; 321 t by another
    # source), April 151 t (a fall too, on a later line). The first fall by line is reported,
    # against the largest earlier cumulative of the same series and year: February's 301 t, not
    # March's 321 t (the same month), 2024's 901 t or the alloy's 5001 t. (Figures to the
    # tonne: round hundreds would read as rounded to the hundred.)
    path = write(
        "customs.csv",
        CUSTOMS + "2024-12,export_ytd,ore,,901,,,https://a.example/1,q\n"
        "2025-01,export_ytd,alloy,,5001,,,https://a.example/2,q\n"
        "2025-01,export_ytd,ore,,101,,,https://a.example/3,q\n"
        "2025-02,export_ytd,ore,,301,,,https://a.example/4,q\n"
        "2025-03,export_ytd,ore,,321,,,https://b.example/5,q\n"
        "2025-03,export_ytd,ore,,201,,,https://a.example/6,q\n"
        "2025-04,export_ytd,ore,,151,,,https://a.example/7,q\n",
    )
    with pytest.raises(CumulativeError) as err:
        check_cumulatives(read_statements(path, format="statements"))
    assert (err.value.file, err.value.line, err.value.column, err.value.found) == (
        str(path), 7, "ytd_t", 201.0)  # fmt: skip
    assert err.value.expected == (
        "at least the 301 t stated for January-02 2025 on line 5 (a cumulative cannot fall "
        "within a year)"
    )


def test_an_excluded_cumulative_is_not_a_floor_for_the_next_one(write):
    # February's 5001 t is flagged SUSPECT (another series): March's 201 t does not fall
    path = write(
        "customs.csv",
        CUSTOMS + "2025-01,export_ytd,ore,,101,,,https://a.example/1,q\n"
        "2025-02,export_ytd,ore,,5001,,,https://a.example/2,SUSPECT: another series\n"
        "2025-03,export_ytd,ore,,201,,,https://a.example/3,q\n",
    )
    check_cumulatives(read_statements(path, format="statements"))  # raises on a fall


def test_a_header_without_rows_is_named_as_such(write):
    path = write("customs.csv", CUSTOMS)
    assert problems_of(path, format="statements") == [
        ("EmptyFileError", str(path), 2, None, "a header and no data rows", "at least one data row")
    ]
