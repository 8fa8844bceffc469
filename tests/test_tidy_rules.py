"""The tidy reader's rules, each pinned by a file whose reading changes when the rule changes:
every problem's file, line, column and expectation; a header without rows; the statements a
tidy file gives (its fixed columns, its address when it names none)."""

import polars as pl
import pytest

from problems import problems_of
from reanalysis.errors import EmptyFileError
from reanalysis.readers import read_statements

TIDY = "period,commodity,flow,partner,value,unit,weight_estimated\n"


def test_every_problem_of_a_tidy_file_is_named(write):
    path = write(
        "tidy.csv",
        TIDY + "2025-01,ore,export,World,10,t,false\n"
        "2025-02,ore,exports,World,11,t,false\n"
        "2025-03, ,export,World,12,t,false\n"
        "2025-04,ore,export,,13,t,false\n"
        "2025-05,ore,export,World,14,lb,false\n"
        "2025-06,ore,export,World,15,t,perhaps\n",
    )
    file = str(path)
    assert problems_of(path, format="tidy") == [
        ("BadValueError", file, 6, "unit", "lb", "one of t, kg"),
        (
            "BadValueError",
            file,
            3,
            "flow",
            "exports",
            "one of export, import, re-export, re-import",
        ),
        ("BadValueError", file, 4, "commodity", None, "a commodity name"),
        ("BadValueError", file, 5, "partner", None, "a partner name"),
        ("BadValueError", file, 7, "weight_estimated", "perhaps", "True or False"),
    ]


def test_a_tidy_parquet_file_without_rows_says_so(tmp_path):
    path = tmp_path / "empty.parquet"
    columns = ("period", "commodity", "flow", "partner", "unit")
    pl.DataFrame(schema={**dict.fromkeys(columns, pl.String), "value": pl.Float64}).write_parquet(
        path
    )
    with pytest.raises(EmptyFileError) as err:
        read_statements(path, format="tidy")
    assert (err.value.file, err.value.line, err.value.column, err.value.found,
            err.value.expected) == (str(path), 2, None, "a header and no data rows",
                                    "at least one data row")  # fmt: skip


def test_the_statements_of_a_tidy_file(write):
    path = write(
        "tidy.csv", TIDY.replace(",weight_estimated", "") + "2025-01,ore,export,World,1500,kg\n"
    )
    got = read_statements(path, format="tidy")
    assert got.select("measure", "column", "value_t", "half_unit_t", "source_url", "file").row(0) == (
        "month", "value", 1.5, 0.0, path.resolve().as_uri(), str(path))  # fmt: skip


def test_a_ragged_row_is_named_once_and_the_rows_after_it_still_checked(write):
    path = write("t.csv", TIDY + "2025-01,ore,export,World,10,t,false\n"
                 "2025-02,ore,export,World,11,t,false,extra\n"
                 "2025-03,ore,export,World,-1,t,false\n")  # fmt: skip
    file = str(path)
    assert problems_of(path) == [
        ("RaggedRowError", file, 3, None, "8 fields", "7 fields, as in the header"),
        ("BadValueError", file, 4, "value", "-1.0", "a non-negative quantity"),
    ]
