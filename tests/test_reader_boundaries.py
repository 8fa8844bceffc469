"""Reading rules at their edges: the rounding unit a stated figure implies, zero tonnage, and
how far a cumulative may fall within a year before it is an error."""

import polars as pl
import pytest

from reanalysis.errors import CumulativeError
from reanalysis.loaders import load_statements

HEADER = "period,flow,commodity,value_t,ytd_t,mom_pct_reported,yoy_pct_reported,source_url,quote\n"


def statements(write, *rows: str):
    lines = "".join(f"{row},https://a.example/{n},q\n" for n, row in enumerate(rows, start=1))
    return load_statements(write("statements.csv", HEADER + lines))


@pytest.mark.parametrize(
    ("stated", "half_unit"),
    [
        ("4785", 0.5),  # to the tonne
        ("4784.8", 0.05),  # to 0.1 t
        ("120.50", 0.005),  # a written trailing zero after the point counts
        ("0.25", 0.005),
        ("7", 0.5),
        ("10", 5.0),  # trailing zeros of a whole number: rounded to that digit
        ("1100", 50.0),
        ("1000", 500.0),
        ("34000", 500.0),
        ("0", 0.5),  # zero tonnes, to the tonne
    ],
)
def test_the_rounding_unit_is_read_from_the_figure_as_written(write, stated, half_unit):
    got = statements(write, f"2025-04,export,ore,{stated},,,")
    assert got.select("value_t", "half_unit_t").rows() == [(float(stated), half_unit)]


def test_a_cumulative_may_fall_by_the_rounding_of_both_figures_and_no_more(write):
    # January-February 1235 t (at least 1234.5) then January-March 1234 t (at most 1234.5):
    # both can be the same true figure; 1233.9 t (at most 1233.95) cannot.
    ok = statements(write, "2025-02,export,ore,,1235,,", "2025-03,export,ore,0,1234,,")
    assert ok.filter(ok["measure"] == "ytd")["value_t"].to_list() == [1235.0, 1234.0]
    with pytest.raises(CumulativeError, match=r"line 3, column 'ytd_t': found 1233.9"):
        statements(write, "2025-02,export,ore,,1235,,", "2025-03,export,ore,0,1233.9,,")


def test_a_cumulative_may_fall_across_a_new_year(write):
    got = statements(write, "2024-12,export,ore,,9000,,", "2025-01,export,ore,,700,,")
    assert got["value_t"].to_list() == [9000.0, 700.0]


def test_comtrade_flow_codes_become_flow_names_and_an_unknown_code_is_refused(tmp_path):
    from comtrade_plus import row, write_csv
    from reanalysis.errors import BadValueError
    from reanalysis.readers import read_statements

    codes = {"X": "export", "M": "import", "RX": "re-export", "RM": "re-import"}
    rows = [row() | {"flowCode": code} for code in codes]
    got = read_statements(write_csv(tmp_path / "flows.csv", rows), format="comtrade")
    assert got.select(pl.col("flow").cast(pl.String)).to_series().to_list() == list(codes.values())
    bad = write_csv(tmp_path / "bad.csv", [row(), row() | {"flowCode": "E"}])
    with pytest.raises(BadValueError, match=r"line 3, column 'flowCode': found 'E'"):
        read_statements(bad, format="comtrade")
