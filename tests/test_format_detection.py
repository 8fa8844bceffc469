"""Which reader a file goes to, and what the user is told when none fits or a reader breaks:
each error with its file, line, column, finding and expectation."""

import pytest

from reanalysis.errors import CorruptFileError, MissingColumnError, UnknownFormatError
from reanalysis.readers import read_statements

TIDY_COLUMNS = "period, commodity, flow, partner, value, unit"
ANY_FORMAT = ("a header of the statements, tidy (period,commodity,flow,partner,value,unit) or UN "
              "Comtrade+ format")  # fmt: skip


def fields(err) -> tuple:
    return (err.file, err.line, err.column, err.found, err.expected)


def test_a_format_name_no_reader_has(write):
    path = write(
        "t.csv", "period,commodity,flow,partner,value,unit\n2025-01,ore,export,World,5,t\n"
    )
    with pytest.raises(UnknownFormatError) as err:
        read_statements(path, format="xlsx")
    assert fields(err.value) == (
        str(path), None, None, "xlsx", "one of ['comtrade', 'statements', 'tidy']")  # fmt: skip


def test_half_a_format_s_columns_names_the_first_one_missing(write):
    # three of the six tidy columns: a tidy file missing "partner", not an unknown format
    path = write("t.csv", "period,commodity,flow\n2025-01,ore,export\n")
    with pytest.raises(MissingColumnError) as err:
        read_statements(path)
    assert fields(err.value) == (str(path), 1, "partner", "period,commodity,flow",
                                 f"a tidy header with columns {TIDY_COLUMNS}")  # fmt: skip


def test_fewer_than_half_of_any_format_s_columns_is_an_unknown_format(write):
    # one tidy column of six, and a header long enough to be cut at 200 characters
    header = "period," + ",".join(f"column_{i:03d}" for i in range(30))
    path = write("t.csv", header + "\n" + ",".join(["1"] * 31) + "\n")
    with pytest.raises(UnknownFormatError) as err:
        read_statements(path)
    assert fields(err.value) == (str(path), 1, None, header[:200], ANY_FORMAT)


@pytest.mark.parametrize(
    "message, said",
    [("boom\nand a second line", "RuntimeError: boom"), ("x" * 200, "RuntimeError: " + "x" * 160),
     ("", "RuntimeError: ")],
)  # fmt: skip
def test_a_reader_s_own_failure_is_a_typed_error_with_its_first_line(write, monkeypatch,
                                                                      message, said):  # fmt: skip
    import reanalysis.formats.tidy as tidy

    def broken(*args, **kwargs):
        raise RuntimeError(message)

    monkeypatch.setattr(tidy, "strip_keys", broken)
    path = write(
        "t.csv", "period,commodity,flow,partner,value,unit\n2025-01,ore,export,World,5,t\n"
    )
    with pytest.raises(CorruptFileError) as err:
        read_statements(path)
    assert fields(err.value) == (str(path), None, None, said, "a tidy file this reader can read")


def test_formats_without_weight_flags_read_as_reported_weights(write):
    path = write(
        "s.csv",
        "period,flow,commodity,value_t,ytd_t,mom_pct_reported,yoy_pct_reported,source_url,quote\n"
        "2025-01,export,ore,10,,,,https://a.example/1,q\n",
    )
    got = read_statements(path)
    assert got.select("weight_estimated", "weight_source").row(0) == (False, None)
