"""Malformed files: each gives a typed error naming the file and line, never a parser's own
error, and nothing is accepted with wrong figures (issue 15, "Why": every crash and every
silent acceptance listed there is a test here or in test_missing_values.py)."""

import datetime as dt
import os
import tempfile

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from reanalysis import load_customs
from reanalysis.check import check_file
from reanalysis.errors import (
    BadValueError,
    CorruptFileError,
    DuplicateColumnError,
    EmptyFileError,
    EncodingError,
    InputError,
    MissingColumnError,
    NotTextError,
    RaggedRowError,
    UnbalancedQuoteError,
)
from reanalysis.growth import growth, rolling
from reanalysis.readers import COMTRADE_COLUMNS, STATEMENT_SCHEMA
from reanalysis.reconcile import CANONICAL_SCHEMA, reconcile

TIDY = "period,commodity,flow,partner,value,unit\n"
ROW = "2025-01,ore,export,World,5,t\n"
COMTRADE = "freqCode,period,flowCode,cmdCode,partnerDesc,netWgt,primaryValue\n"
STATEMENTS = (
    "period,flow,commodity,value_t,ytd_t,mom_pct_reported,yoy_pct_reported,source_url,quote\n"
)


def fails(path, error: type[InputError], line: int | None, column: str | None = None):
    """``load_customs(path)`` raises ``error`` naming the file, ``line`` and ``column``."""
    with pytest.raises(error) as info:
        load_customs(path)
    err = info.value
    assert err.file == str(path) and str(path) in str(err)
    assert (err.line, err.column) == (line, column)
    return err


# Crashes without a file or line (before issue 15)


def test_random_bytes_in_a_csv(write):
    path = write("t.csv", (TIDY + ROW).encode() + b"2025-02,o\rre\x00\x13,export\n")
    err = fails(path, NotTextError, 3)
    assert "binary" in str(err)


def test_a_lone_carriage_return_in_the_header_is_not_a_csv_error(write):
    path = write("t.csv", b"period,comm\rodity\x01,flow\n1,2,3\n")
    fails(path, NotTextError, 1)


def test_a_truncated_parquet_file(write, tmp_path):
    pl.DataFrame({"period": ["2025-01"], "commodity": ["ore"], "flow": ["export"],
                  "partner": ["World"], "value": [5.0], "unit": ["t"]}).write_parquet(
        tmp_path / "whole.parquet")  # fmt: skip
    whole = (tmp_path / "whole.parquet").read_bytes()
    err = fails(write("t.parquet", whole[: len(whole) // 2]), CorruptFileError, None)
    assert "Parquet" in err.expected


def test_a_parquet_file_with_a_corrupt_body(write, tmp_path):
    pl.DataFrame({"period": ["2025-01"] * 50, "commodity": ["ore"] * 50, "flow": ["export"] * 50,
                  "partner": ["World"] * 50, "value": [5.0] * 50, "unit": ["t"] * 50}).write_parquet(
        tmp_path / "whole.parquet")  # fmt: skip
    whole = bytearray((tmp_path / "whole.parquet").read_bytes())
    whole[8:40] = b"\xff" * 32
    with pytest.raises(InputError) as info:
        load_customs(write("t.parquet", bytes(whole)))
    assert info.value.file.endswith("t.parquet")


def test_an_unbalanced_quote(write):
    path = write(
        "t.csv", TIDY + ROW + '2025-02,"ore,export,World,5,t\n2025-03,ore,export,World,5,t\n'
    )
    fails(path, UnbalancedQuoteError, 3)


def test_a_quote_inside_an_unquoted_field(write):
    fails(write("t.csv", TIDY + ROW + '2025-02,o"re,export,World,5,t\n'), UnbalancedQuoteError, 3)


def test_a_row_with_an_extra_field(write):
    err = fails(write("t.csv", TIDY + ROW + "2025-02,ore,export,World,5,t,x\n"), RaggedRowError, 3)
    assert err.found == "7 fields" and "6 fields" in err.expected


def test_a_row_with_too_few_fields_is_not_filled_with_blanks(write):
    err = fails(write("t.csv", TIDY + ROW + "2025-02,ore,export,World,5\n"), RaggedRowError, 3,
                "unit")  # fmt: skip
    assert err.found == "5 fields"


def test_a_comtrade_row_with_too_few_fields(write):
    fails(write("c.csv", COMTRADE + "M,202501,X,850511,Japan,7000,1\nM,202502,X\n"),
          RaggedRowError, 3, "cmdCode")  # fmt: skip


def test_an_empty_frame_through_reconcile_growth_and_rolling():
    canonical = reconcile(pl.DataFrame(schema=STATEMENT_SCHEMA), records=True)
    assert canonical.schema == CANONICAL_SCHEMA and canonical.height == 0
    assert growth(canonical).height == 0 and rolling(canonical).height == 0


def test_front_loading_on_an_empty_frame_is_a_clear_error():
    from reanalysis.frontloading import front_loading

    empty = pl.DataFrame(schema=CANONICAL_SCHEMA)
    with pytest.raises(ValueError, match="one series; got 0"):
        front_loading(empty, announced="2025-04-04", effective="2025-04-04")


# Accepted and wrong (before issue 15)


def test_a_column_named_twice(write):
    path = write("t.csv", "period,commodity,flow,partner,value,value,unit\n"
                 "2025-01,ore,export,World,5,7,t\n")  # fmt: skip
    err = fails(path, DuplicateColumnError, 1, "value")
    assert "once" in err.expected


@pytest.mark.parametrize("text", ["inf", "-inf", "Infinity", "1e400"])
def test_an_infinite_tidy_quantity_is_refused(write, text):
    fails(write("t.csv", TIDY + ROW + f"2025-02,ore,export,World,{text},t\n"), BadValueError, 3,
          "value")  # fmt: skip


def test_an_infinite_comtrade_weight_or_value_is_refused(write):
    fails(write("c.csv", COMTRADE + "M,202501,X,850511,Japan,inf,1\n"), BadValueError, 2, "netWgt")
    fails(write("d.csv", COMTRADE + "M,202501,X,850511,Japan,5,inf\n"), BadValueError, 2,
          "primaryValue")  # fmt: skip


def test_an_infinite_statement_is_refused(write):
    row = "2025-03,export,rare earths,inf,,,,https://example.org/a,q\n"
    fails(write("s.csv", STATEMENTS + row), BadValueError, 2, "value_t")


def test_an_infinite_parquet_quantity_is_refused(tmp_path):
    path = tmp_path / "t.parquet"
    pl.DataFrame({"period": ["2025-01"], "commodity": ["ore"], "flow": ["export"],
                  "partner": ["World"], "value": [float("inf")], "unit": ["t"]}).write_parquet(path)  # fmt: skip
    fails(path, BadValueError, 2, "value")


def test_text_keys_are_stripped(write):
    rows = "2025-01,ore,export,Japan,5,t\n2025-02, ore , export ,Japan ,6, t\n"
    got = load_customs(write("t.csv", TIDY + rows))
    assert got.select(pl.col("commodity", "flow", "partner").cast(pl.String)).unique().rows() == [
        ("ore", "export", "Japan")
    ]
    assert got["ytd_t"].to_list() == [5.0, 11.0]


def test_comtrade_keys_are_stripped(write):
    rows = "M,202501,X,850511,Japan,7000,1\n M ,202502, X ,850511 ,Japan ,8000,1\n"
    got = load_customs(write("c.csv", COMTRADE + rows))
    assert got.select(pl.col("commodity", "flow", "partner").cast(pl.String)).unique().rows() == [
        ("850511", "export", "Japan")
    ]


def test_a_key_of_only_spaces_is_blank(write):
    fails(write("t.csv", TIDY + "2025-01,ore,export,  ,5,t\n"), BadValueError, 2, "partner")


@pytest.mark.parametrize("period", ["0999-01", "1899-12", "2201-01"])
def test_a_tidy_year_outside_1900_2200_is_refused(write, period):
    err = fails(write("t.csv", TIDY + ROW + f"{period},ore,export,World,5,t\n"), BadValueError,
                3, "period")  # fmt: skip
    assert "1900-2200" in err.expected


def test_a_statement_year_outside_1900_2200_is_refused(write):
    row = "0999-03,export,rare earths,5,,,,https://example.org/a,q\n"
    fails(write("s.csv", STATEMENTS + row), BadValueError, 2, "period")


@pytest.mark.parametrize("period", ["099901", "220101"])
def test_a_comtrade_year_outside_1900_2200_is_refused(write, period):
    err = fails(write("c.csv", COMTRADE + f"M,{period},X,850511,Japan,5,1\n"), BadValueError, 2,
                "period")  # fmt: skip
    assert "1900-2200" in err.expected


def test_an_unknown_comtrade_frequency_is_refused(write):
    rows = "M,202501,X,850511,Japan,7000,1\nQ,202502,X,850511,Japan,8000,1\n"
    fails(write("c.csv", COMTRADE + rows), BadValueError, 3, "freqCode")


def test_a_blank_comtrade_partner_is_refused(write):
    fails(write("c.csv", COMTRADE + "M,202501,X,850511,,7000,1\n"), BadValueError, 2,
          "partnerDesc")  # fmt: skip


# Lines are the lines an editor shows


def test_a_quoted_line_break_moves_the_lines_after_it(write):
    rows = '2025-01,"ore\nfine",export,World,5,t\n2025-02,ore,export,World,-1,t\n'
    fails(write("t.csv", TIDY + rows), BadValueError, 4, "value")


def test_empty_lines_are_skipped_and_lines_still_count(write):
    rows = "\n" + ROW + "\r\n\n2025-02,ore,export,World,-1,t\n\n\n"
    fails(write("t.csv", TIDY + rows), BadValueError, 6, "value")


def test_windows_line_endings_and_a_last_line_without_a_break(write):
    path = write("t.csv", (TIDY + ROW + "2025-02,ore,export,World,6,t").replace("\n", "\r\n"))
    assert load_customs(path).select("value_t", "ytd_t").rows() == [(5.0, 5.0), (6.0, 11.0)]


def test_quoted_fields_with_commas_and_doubled_quotes_load(write):
    rows = '2025-01,"ore, ""fine""",export,World,5,t\n'
    got = load_customs(write("t.csv", TIDY + rows))
    assert got.select(pl.col("commodity").cast(pl.String), "value_t").row(0) == ('ore, "fine"', 5.0)


def test_a_byte_order_mark_is_not_part_of_the_first_name(write):
    path = write("t.csv", ("\ufeff" + TIDY + ROW).encode())
    assert load_customs(path)["value_t"].to_list() == [5.0]


def test_a_quoted_number_with_spaces_loads_as_that_number(write):
    path = write("t.csv", TIDY + '2025-01,ore,export,World," 5.5 ",t\n')
    assert load_customs(path)["value_t"].to_list() == [5.5]


def test_every_bad_number_in_a_text_fallback_names_its_line(write):
    rows = ROW + "2025-02,ore,export,World,five,t\n"
    err = fails(write("t.csv", TIDY + rows), BadValueError, 3, "value")
    assert err.found == "five"


def test_a_utf8_error_across_a_block_boundary(write, monkeypatch):
    from reanalysis.formats import layout

    monkeypatch.setattr(layout, "BLOCK", 7)  # every multi-byte character gets cut somewhere
    rows = "2025-01,minerai_été,export,Côte d'Ivoire,5,t\n"
    got = load_customs(write("t.csv", TIDY + rows))
    assert got.select(pl.col("partner").cast(pl.String)).item() == "Côte d'Ivoire"
    bad = write("u.csv", (TIDY + rows).encode() + b"2025-02,\xe9t\xe9,export,World,5,t\n")
    fails(bad, EncodingError, 3, "commodity")


# No leftovers


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """A temp folder of its own, so other processes' files cannot blur the check."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def latin1_comtrade(rows: list[tuple]) -> bytes:
    lines = [",".join(COMTRADE_COLUMNS)]
    for period, partner, kg in rows:
        row = dict.fromkeys(COMTRADE_COLUMNS, "")
        row.update(freqCode="M", period=period, flowCode="X", cmdCode="850511",
                   cmdDesc="Aimants permanents", partnerDesc=partner, netWgt=kg)  # fmt: skip
        lines.append(",".join(str(row[c]) for c in COMTRADE_COLUMNS))
    return "\n".join(lines).encode("iso-8859-1")


def test_a_latin1_read_leaves_the_temp_folder_unchanged(write, private_tmp):
    good = write("TradeData.csv", latin1_comtrade([(202501, "Côte d'Ivoire", 1500)]))
    bad = write("Bad.csv", latin1_comtrade([(202501, "Côte d'Ivoire", -1)]))
    before = sorted(os.listdir(private_tmp))
    got = load_customs(good)
    assert got.select(pl.col("partner").cast(pl.String), "value_t").row(0) == (
        "Côte d'Ivoire", 1.5)  # fmt: skip
    with pytest.raises(BadValueError):
        load_customs(bad)
    assert sorted(os.listdir(private_tmp)) == before == []


def test_a_latin1_comtrade_error_names_the_original_file(write):
    bad = write("Bad.csv", latin1_comtrade([(202501, "Côte d'Ivoire", 5), (202513, "Japan", 5)]))
    err = fails(bad, BadValueError, 3, "period")
    assert err.file == str(bad)


def test_a_comtrade_file_gives_the_same_figures_in_both_encodings(write):
    rows = [(202501, "Côte d'Ivoire", 1500), (202502, "Côte d'Ivoire", 2500)]
    latin1 = load_customs(write("a.csv", latin1_comtrade(rows)))
    utf8 = load_customs(write("b.csv", latin1_comtrade(rows).decode("iso-8859-1").encode()))
    assert_frame_equal(latin1.drop("source_url"), utf8.drop("source_url"))
    assert latin1["period"].to_list() == [dt.date(2025, 1, 1), dt.date(2025, 2, 1)]


def test_a_tidy_source_url_column_is_kept(write):
    path = write("t.csv", "period,commodity,flow,partner,value,unit,source_url\n"
                 "2025-01,ore,export,World,5,t,https://example.org/x\n")  # fmt: skip
    got = load_customs(path).select(pl.col("source_url").cast(pl.String)).item()
    assert got == "https://example.org/x"


def test_a_parquet_quantity_written_as_text_is_parsed_or_named(tmp_path):
    good, bad = tmp_path / "good.parquet", tmp_path / "bad.parquet"
    frame = pl.DataFrame({"period": ["2025-01", "2025-02"], "commodity": ["ore"] * 2,
                          "flow": ["export"] * 2, "partner": ["World"] * 2,
                          "value": ["5", " 6.5 "], "unit": ["t"] * 2})  # fmt: skip
    frame.write_parquet(good)
    assert load_customs(good)["value_t"].to_list() == [5.0, 6.5]
    frame.with_columns(value=pl.Series(["5", "six"])).write_parquet(bad)
    err = fails(bad, BadValueError, 3, "value")
    assert err.found == "six"


def test_a_utf8_character_cut_at_the_end_of_the_file(write):
    fails(write("t.csv", (TIDY + "2025-01,ore,export,World,5,t\n2025-02,").encode() + b"\xc3"),
          EncodingError, 3, "commodity")  # fmt: skip


@pytest.mark.parametrize(
    "content, error, line",
    [
        (TIDY + ROW + '2025-02,"ore"x,export,World,5,t\n', UnbalancedQuoteError, 3),
        (TIDY + ROW + "2025-02,ore\r,export,World,5,t\n", NotTextError, 3),
    ],
)
def test_problems_astride_a_block_boundary(write, monkeypatch, content, error, line):
    from reanalysis.formats import layout

    at = content.index('"x') + 1 if '"x' in content else content.index("\r") + 1
    monkeypatch.setattr(layout, "BLOCK", at)  # the block ends right after the quote or CR
    fails(write("t.csv", content), error, line)


def test_a_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_customs(tmp_path / "nope.csv")


def test_a_statements_file_named_as_such_names_its_missing_column(write):
    path = write("s.csv", "period,flow,commodity,value_t\n2025-01,export,ore,5\n")
    with pytest.raises(MissingColumnError, match="ytd_t"):
        load_customs(path, format="statements")


def test_a_parser_failure_after_the_layout_check_is_still_typed(write, monkeypatch):
    def broken(*args, **kwargs):
        raise pl.exceptions.ComputeError("a parser bug")

    monkeypatch.setattr(pl, "scan_csv", broken)
    err = fails(write("t.csv", TIDY + ROW), CorruptFileError, None)
    assert (err.found, err.expected) == ("a parser bug", "a CSV file a parser can read")


def test_a_parser_s_long_message_is_cut_to_its_first_160_characters(write, monkeypatch):
    said = "".join(f"{i:05d} " for i in range(60))  # 360 characters, each position distinct

    def broken(*args, **kwargs):
        raise pl.exceptions.ComputeError(said + "\nsecond line")

    monkeypatch.setattr(pl, "scan_csv", broken)
    err = fails(write("t.csv", TIDY + ROW), CorruptFileError, None)
    assert err.found == said[:160]


def test_comtrade_numbers_with_spaces_are_read_through_text(write):
    got = load_customs(write("c.csv", COMTRADE + "M, 202501 ,X,850511,Japan,7000 , 1 \n"))
    assert got.select("period", "value_t", "value_usd").row(0) == (dt.date(2025, 1, 1), 7.0, 1.0)


def test_an_empty_text_table_is_an_empty_file(write):
    from reanalysis.readers import read_text_csv

    with pytest.raises(EmptyFileError):
        read_text_csv(write("events.csv", b""))


def test_a_text_table_the_parser_fails_on_names_its_file(write, monkeypatch):
    from reanalysis.readers import read_text_csv

    def broken(*args, **kwargs):
        raise pl.exceptions.ComputeError("a parser bug")

    path = write("events.csv", "date,kind\n2025-04-04,announcement\n")
    monkeypatch.setattr(pl, "scan_csv", broken)
    with pytest.raises(CorruptFileError) as err:
        read_text_csv(path)
    assert (err.value.file, err.value.found) == (str(path), "a parser bug")


def test_a_long_and_a_short_row_in_one_block_are_both_found(write, monkeypatch):
    from reanalysis.formats import layout

    rows = ROW * 3 + "2025-02,ore,export,World,5,t,x\n2025-03,ore,export,World,5\n"
    monkeypatch.setattr(layout, "BLOCK", len(TIDY) + 3 * len(ROW))  # both in the second block
    fails(write("t.csv", TIDY + rows), RaggedRowError, 5)
    problems = check_file(write("u.csv", TIDY + rows))
    assert [(type(p).__name__, p.line) for p in problems] == [("RaggedRowError", 5),
                                                              ("RaggedRowError", 6)]  # fmt: skip
