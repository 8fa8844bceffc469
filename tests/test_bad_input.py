"""Every kind of bad input gives a typed error naming file, line and column."""

import re

import pytest

from reanalysis import load_customs
from reanalysis.errors import (
    BadValueError,
    CumulativeError,
    DuplicateRowError,
    EmptyFileError,
    EncodingError,
    InputError,
    MissingColumnError,
    UnknownFormatError,
)
from reanalysis.readers import COMTRADE_REQUIRED

TIDY = "period,commodity,flow,partner,value,unit\n"
STATEMENTS = (
    "period,flow,commodity,value_t,ytd_t,mom_pct_reported,yoy_pct_reported,source_url,quote\n"
)


def where(err: InputError) -> tuple[int | None, str | None]:
    text = str(err)
    line = re.search(r"line (\d+)", text)
    column = re.search(r"column '([^']+)'", text)
    return (int(line.group(1)) if line else None, column.group(1) if column else None)


def raises(path, error: type[InputError]) -> InputError:
    with pytest.raises(error) as info:
        load_customs(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)
    return info.value


def test_missing_required_column(write):
    path = write("t.csv", "period,commodity,flow,partner,unit\n2025-01,ore,export,World,t\n")
    assert where(raises(path, MissingColumnError)) == (1, "value")


def test_unparseable_period(write):
    path = write("t.csv", TIDY + "2025-01,ore,export,World,5,t\n2025-13,ore,export,World,5,t\n")
    err = raises(path, BadValueError)
    assert where(err) == (3, "period") and "'2025-13'" in str(err)


def test_unknown_unit(write):
    path = write("t.csv", TIDY + "2025-01,ore,export,World,5,lb\n")
    err = raises(path, BadValueError)
    assert where(err) == (2, "unit") and "'lb'" in str(err) and "t, kg" in str(err)


def test_negative_quantity(write):
    path = write("t.csv", TIDY + "2025-01,ore,export,World,5,t\n2025-02,ore,export,World,-3,t\n")
    err = raises(path, BadValueError)
    assert where(err) == (3, "value") and "non-negative" in str(err)


def test_non_numeric_quantity(write):
    path = write("t.csv", TIDY + "2025-01,ore,export,World,5,t\n2025-02,ore,export,World,n/a,t\n")
    err = raises(path, BadValueError)
    assert where(err) == (3, "value") and "'n/a'" in str(err)


def test_non_numeric_quantity_in_statements(write):
    row = "2025-03,export,rare earths,5.6k,,,,https://example.org/a,q\n"
    err = raises(write("s.csv", STATEMENTS + row), BadValueError)
    assert where(err) == (2, "value_t")


def test_conflicting_duplicate_rows(write):
    rows = (
        "2025-01,ore,export,World,5,t\n2025-02,ore,export,World,6,t\n2025-01,ore,export,World,7,t\n"
    )
    err = raises(write("t.csv", TIDY + rows), DuplicateRowError)
    assert where(err) == (4, "value") and "line 2" in str(err)


def test_of_many_conflicting_keys_the_one_whose_second_figure_comes_first_is_named(write):
    # forty ores, each given twice with two figures; the rows of ore 17 come first, so its
    # second row (line 3) is the one named, whatever order the keys are grouped in
    ores = [17, *(n for n in range(40) if n != 17)]
    rows = "".join(f"2025-01,ore{n},export,World,{v},t\n" for n in ores for v in (1, 2))
    err = raises(write("t.csv", TIDY + rows), DuplicateRowError)
    assert where(err) == (3, "value") and "line 2" in str(err) and "ore17" in str(err)


def test_identical_duplicate_rows_collapse(write):
    rows = "2025-01,ore,export,World,5,t\n2025-01,ore,export,World,5000,kg\n"
    frame = load_customs(write("t.csv", TIDY + rows))
    assert frame["value_t"].to_list() == [5.0]


def test_identical_duplicate_rows_collapse_out_of_order(write):
    rows = ("2025-02,ore,export,Japan,2,t\n2025-01,ore,export,Japan,1,t\n"
            "2025-02,ore,export,Japan,2,t\n2025-01,ore,export,Peru,5,t\n")  # fmt: skip
    frame = load_customs(write("t.csv", TIDY + rows)).sort("partner", "period")
    assert frame.select("partner", "value_t", "ytd_t").rows() == [
        ("Japan", 1.0, 1.0), ("Japan", 2.0, 3.0), ("Peru", 5.0, 5.0)]  # fmt: skip


def test_cumulative_that_falls_within_a_year(write):
    rows = (
        "2025-02,export_ytd,rare earths,,8511,,,https://example.org/a,q\n"
        "2025-04,export_ytd,rare earths,,8000,,,https://example.org/b,q\n"
    )
    err = raises(write("s.csv", STATEMENTS + rows), CumulativeError)
    assert where(err) == (3, "ytd_t") and "8511" in str(err)


@pytest.mark.parametrize("content", ["", "\n\n"])
def test_empty_file(write, content):
    assert where(raises(write("e.csv", content), EmptyFileError))[0] == 1


def test_header_without_rows(write):
    assert where(raises(write("e.csv", TIDY), EmptyFileError))[0] == 2


def test_unknown_format(write):
    err = raises(write("x.csv", "date,amount\n2025-01-01,4\n"), UnknownFormatError)
    assert where(err)[0] == 1 and "date,amount" in str(err)


def test_unknown_format_name(write):
    path = write("t.csv", TIDY + "2025-01,ore,export,World,5,t\n")
    with pytest.raises(UnknownFormatError, match="xlsx"):
        load_customs(path, format="xlsx")


def test_undecodable_bytes(write):
    content = (
        TIDY + "2025-01,ore,export,World,5,t\n"
    ).encode() + b"2025-02,\xff\xfeore,export,World,5,t\n"
    err = raises(write("t.csv", content), EncodingError)
    assert where(err) == (3, "commodity")


def test_comtrade_missing_column(write):
    header = ",".join(c for c in COMTRADE_REQUIRED if c != "netWgt")
    err = raises(write("c.csv", header + "\nM,202501,X,850511,World\n"), MissingColumnError)
    assert where(err) == (1, "netWgt")


def test_comtrade_negative_weight(write):
    header = ",".join(COMTRADE_REQUIRED)
    rows = "M,202501,X,850511,World,1000\nM,202502,X,850511,World,-5\n"
    assert where(raises(write("c.csv", header + "\n" + rows), BadValueError)) == (3, "netWgt")


def test_comtrade_bad_period(write):
    header = ",".join(COMTRADE_REQUIRED)
    err = raises(write("c.csv", header + "\nM,2025-01,X,850511,World,1000\n"), BadValueError)
    assert where(err) == (2, "period") and "YYYYMM" in str(err)


def test_nan_is_not_a_quantity(write):
    path = write("t.csv", TIDY + "2025-01,ore,export,World,5,t\n2025-02,ore,export,World,NaN,t\n")
    assert where(raises(path, BadValueError)) == (3, "value")
