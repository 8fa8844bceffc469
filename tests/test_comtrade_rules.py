"""The Comtrade+ reader's rules, each pinned by a file whose reading changes when the rule
changes: what every reported problem says (file, line, column, what was found, what was
expected), which breakdown rows are orphans, the statements' fixed columns, and the weight
rules at their edges (a value of less than a dollar, a blank value, a quantity in another unit).
"""

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from comtrade_plus import row, write_csv
from problems import problems_of
from reanalysis.errors import BadValueError, CorruptFileError, StopReading, collecting
from reanalysis.formats.common import BLANK_QUANTITY
from reanalysis.formats.comtrade import NO_WEIGHT, ZERO_WEIGHT
from reanalysis.loaders import load_customs
from reanalysis.readers import read_statements


def test_every_bad_cell_is_named_with_its_line_column_and_what_was_expected(tmp_path):
    rows = [row(f"2025{m:02d}") for m in range(1, 9)]
    rows[1]["cmdCode"] = None
    rows[2]["partnerDesc"] = " "
    rows[3]["netWgt"] = -1.0
    rows[4]["qty"] = -2.0
    rows[5]["primaryValue"] = -3.0
    rows[6]["flowCode"] = "Q"
    rows[7]["freqCode"] = None
    path = write_csv(tmp_path / "bad.csv", rows)
    file = str(path)
    assert problems_of(path) == [
        ("BadValueError", file, 9, "freqCode", None, "one of M"),
        ("BadValueError", file, 8, "flowCode", "Q", "one of X, M, RX, RM"),
        ("BadValueError", file, 3, "cmdCode", None, "a commodity code"),
        ("BadValueError", file, 4, "partnerDesc", None, "a partner name"),
        ("BadValueError", file, 5, "netWgt", "-1.0", "a non-negative weight in kg"),
        ("BadValueError", file, 6, "qty", "-2.0", "a non-negative quantity"),
        ("BadValueError", file, 7, "primaryValue", "-3.0", "a non-negative value in USD"),
    ]


def test_a_flag_that_is_not_true_or_false_is_named_in_its_file(tmp_path):
    rows = [row("202501"), row("202502")]
    rows[1]["isQtyEstimated"] = "perhaps"
    path = write_csv(tmp_path / "flags.csv", rows)
    assert problems_of(path) == [
        ("BadValueError", str(path), 3, "isQtyEstimated", "perhaps", "True or False"),
    ]


def test_each_key_given_only_in_parts_is_reported_once_at_its_first_line(tmp_path):
    # February: two rows by mode of transport and no total (lines 3 and 5); March: one part
    # without a total (line 4); January has its total beside its part, which is set aside.
    rows = [row("202501"), row("202502", kg=1.0, mot=1000), row("202503", kg=2.0, mot=2100),
            row("202502", kg=3.0, mot=2100), row("202501", kg=4.0, mot=1000)]  # fmt: skip
    path = write_csv(tmp_path / "parts.csv", rows)
    expected = ("a total row for that key (motCode 0, customsCode C00, partner2Code 0, mosCode "
                "0): download with the breakdowns set to their totals, or keep the total rows")  # fmt: skip
    assert problems_of(path) == [
        ("MissingTotalError", str(path), 3, "motCode",
         "breakdown rows only, for reporterDesc China, flowCode X, cmdCode 850511, "
         "partnerDesc World, partnerISO W00, period 202502", expected),
        ("MissingTotalError", str(path), 4, "motCode",
         "breakdown rows only, for reporterDesc China, flowCode X, cmdCode 850511, "
         "partnerDesc World, partnerISO W00, period 202503", expected),
    ]  # fmt: skip


def test_a_blank_reporter_is_one_key_with_its_parts(tmp_path):
    # no reporter named on the total nor on its part: the part is the total's, set aside
    rows = [row("202501"), row("202501", kg=4.0, mot=1000)]
    for r in rows:
        r["reporterDesc"] = None
    got = read_statements(write_csv(tmp_path / "blank.csv", rows))
    assert got.select("reporter", "value_t").rows() == [(None, 1.0)]


def test_a_file_of_annual_rows_says_it_has_no_monthly_rows(tmp_path):
    path = write_csv(tmp_path / "annual.csv", [row("2025", freq="A")])
    with collecting() as problems, pytest.raises(StopReading):
        read_statements(path)
    assert [(type(p).__name__, p.file, p.line, p.column, p.found, p.expected)
            for p in problems] == [
        ("EmptyFileError", str(path), 2, "freqCode", "no monthly rows", "rows with freqCode M"),
    ]  # fmt: skip


def test_the_statements_of_a_comtrade_file(tmp_path):
    # January by netWgt; February's netWgt blank, its qty in kg; March 0 kg beside 50 cents
    # (not reported); April 0 kg with no value (a real zero); May neither weight nor qty, its
    # unit not kg (nothing to read: blank); June qty in another unit only
    rows = [row("202501", kg=1500.0), row("202502", kg=None, qty=2500.0),
            row("202503", kg=0.0, usd=0.5), row("202504", kg=0.0, usd=None),
            row("202505", kg=None, qty=None, qty_unit=5),
            row("202506", kg=None, qty=7.0, qty_unit=5)]  # fmt: skip
    path = write_csv(tmp_path / "TradeData.csv", rows)
    got = read_statements(path)
    assert got.select("file", "line", "column", "measure", "half_unit_t", "source_url").rows() == [
        (str(path), line, "netWgt", "month", 0.0, path.resolve().as_uri()) for line in range(2, 8)
    ]
    assert got.select("value_t", "weight_source", "missing_reason").rows() == [
        (1.5, "netWgt", None), (2.5, "qty", None), (None, None, ZERO_WEIGHT),
        (0.0, "netWgt", None), (None, None, BLANK_QUANTITY), (None, None, NO_WEIGHT),
    ]  # fmt: skip


def test_keys_are_read_without_surrounding_spaces(tmp_path):
    rows = [row("202501"), row("202502")]
    rows[1]["partnerDesc"], rows[1]["reporterDesc"] = " World ", " China "
    got = read_statements(write_csv(tmp_path / "spaces.csv", rows))
    assert got.select("reporter", "partner").unique().rows() == [("China", "World")]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_trimmed_download_without_flags_units_or_breakdowns(tmp_path, suffix):
    # only the required columns, the value and qty: no estimation flags (nothing estimated),
    # no unit for qty (so qty is not read as a weight), no breakdown columns
    columns = ["freqCode", "period", "flowCode", "cmdCode", "partnerDesc", "netWgt", "qty",
               "primaryValue"]  # fmt: skip
    rows = [row("202501", kg=1000.0), row("202502", kg=None, qty=3000.0)]
    frame = pl.DataFrame([{c: r[c] for c in columns} for r in rows])
    path = tmp_path / f"trimmed{suffix}"
    frame.write_csv(path) if suffix == ".csv" else frame.write_parquet(path)
    got = load_customs(path)
    assert got.select("value_t", "weight_estimated", "missing_reason").rows() == [
        (1.0, False, None), (None, False, BLANK_QUANTITY)]  # fmt: skip


def test_many_orphan_keys_are_reported_in_the_order_of_their_lines(tmp_path):
    # 300 HS codes given only by mode of transport, two parts each (air, then sea): one problem
    # per code, at its air row's line, in line order (a hash of 300 keys would scramble them)
    rows = [row("202501", cmd=f"85{i:04d}", kg=1.0, mot=mot) for mot in (1000, 2100)
            for i in range(300)]  # fmt: skip
    with collecting(limit=1000) as problems:
        read_statements(write_csv(tmp_path / "many.csv", rows))
    assert [p.line for p in problems] == list(range(2, 302))


def test_a_parquet_file_with_numbers_stored_as_text_gets_every_cell_checked(tmp_path):
    # A tool wrote every column as text: numbers are parsed here, and each cell that is not one
    # is named: netWgt "n/a" (not a number), "inf" (a number, not a finite weight), "-5" (a
    # number, not a non-negative weight); period "2025-07" (not YYYYMM) and blank (no month)
    rows = [row(f"2025{m:02d}") for m in range(1, 7)]
    rows[1]["netWgt"], rows[2]["netWgt"], rows[3]["netWgt"] = "n/a", "inf", "-5"
    rows[4]["period"], rows[5]["period"] = "2025-07", None
    frame = pl.DataFrame([{c: None if v is None else str(v) for c, v in r.items()} for r in rows])
    path = tmp_path / "text.parquet"
    frame.write_parquet(path)
    yyyymm = "a month as YYYYMM (years 1900-2200)"
    first = {}  # the first problem named in each cell (the month check names 2025-07 again)
    for problem in problems_of(path):
        first.setdefault(problem[2:4], problem)
    assert list(first.values()) == [
        ("BadValueError", str(path), 6, "period", "2025-07", yyyymm),
        ("BadValueError", str(path), 3, "netWgt", "n/a", "a number"),
        ("BadValueError", str(path), 4, "netWgt", "inf", "a finite weight in kg"),
        ("BadValueError", str(path), 5, "netWgt", "-5.0", "a non-negative weight in kg"),
        ("BadValueError", str(path), 7, "period", None, yyyymm),
    ]


def test_a_parquet_file_that_cannot_be_read_is_named_with_the_reader_s_own_words(tmp_path):
    path = tmp_path / "cut.parquet"
    whole = tmp_path / "whole.parquet"
    pl.DataFrame([row("202501")]).write_parquet(whole)
    path.write_bytes(whole.read_bytes()[:-40])  # the footer cut off
    try:
        pl.scan_parquet(path).collect()
    except Exception as exc:  # what the Parquet reader itself says
        said = str(exc).strip().splitlines()[0][:160]
    with pytest.raises(CorruptFileError) as err:
        read_statements(path)
    assert (err.value.file, err.value.line, err.value.column, err.value.found,
            err.value.expected) == (str(path), None, None, said, "a complete Parquet file")  # fmt: skip
    assert said and said != "ComputeError"


def test_a_parquet_reader_s_long_message_is_cut_to_its_first_160_characters(tmp_path, monkeypatch):
    path = tmp_path / "whole.parquet"
    pl.DataFrame([row("202501")]).write_parquet(path)
    said = "".join(f"{i:05d} " for i in range(60))  # 360 characters, each position distinct

    def broken(*args, **kwargs):
        raise pl.exceptions.ComputeError(f"  {said}\nsecond line")

    monkeypatch.setattr(pl, "read_parquet_schema", broken)
    with pytest.raises(CorruptFileError) as err:
        read_statements(path)
    assert (err.value.found, err.value.expected) == (said[:160], "a complete Parquet file")


def test_a_parquet_file_damaged_inside_its_data_is_named_with_the_reader_s_own_words(tmp_path):
    path = tmp_path / "damaged.parquet"
    pl.DataFrame([row(f"2025{m:02d}") for m in range(1, 13)] * 50).write_parquet(
        path, compression="zstd"
    )
    data = bytearray(path.read_bytes())
    third = len(data) // 3
    data[third : third + 200] = bytes(200)  # column pages zeroed; the footer (schema) intact
    path.write_bytes(bytes(data))
    assert pl.read_parquet_schema(path)  # the header can be read: the damage shows on reading
    try:
        pl.scan_parquet(path).collect()
    except Exception as exc:  # what the Parquet reader itself says
        said = str(exc).strip().splitlines()[0][:160]
    assert problems_of(path) == [
        ("CorruptFileError", str(path), None, None, said, "a complete Parquet file")
    ]


def test_the_last_month_of_the_last_year_a_period_may_name_is_read(tmp_path):
    got = read_statements(write_csv(tmp_path / "late.csv", [row("220012")]))
    assert got["period"].to_list() == [dt.date(2200, 12, 1)]


def test_a_parquet_file_with_one_text_column_among_typed_ones(tmp_path):
    # period typed as an integer, netWgt written as text with one word in it: the typed
    # columns are read as text too for the cell checks, and only the word is named
    frame = pl.DataFrame([row("202501"), row("202502"), row("202503")]).with_columns(
        pl.col("period").cast(pl.Int64), netWgt=pl.Series(["1000", "n/a", "3000"])
    )
    path = tmp_path / "mixed.parquet"
    frame.write_parquet(path)
    assert problems_of(path) == [("BadValueError", str(path), 3, "netWgt", "n/a", "a number")]


def test_a_single_blank_month_is_named_and_the_rest_still_read(tmp_path):
    rows = [row("202501"), row("202502")]
    rows[1]["period"] = None
    path = write_csv(tmp_path / "blank.csv", rows)
    assert problems_of(path) == [
        ("BadValueError", str(path), 3, "period", None, "a month as YYYYMM (years 1900-2200)"),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "iso-8859-1"])
def test_a_ragged_row_and_a_bad_number_after_it_are_both_named(tmp_path, encoding):
    rows = [row("202501"), row("202502"), row("202503")]
    rows[0]["cmdDesc"] = "Aimants permanents à base de terres rares"  # not ASCII
    rows[2]["netWgt"] = "many"
    path = write_csv(tmp_path / "ragged.csv", rows, encoding=encoding)
    lines = path.read_bytes().split(b"\n")
    lines[2] += b",extra"  # the February row: one field too many
    path.write_bytes(b"\n".join(lines))
    file = str(path)
    assert problems_of(path) == [
        ("RaggedRowError", file, 3, None, "48 fields", "47 fields, as in the header"),
        ("BadValueError", file, 4, "netWgt", "many", "a number"),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "iso-8859-1"])
def test_a_bad_number_stops_reading_at_its_cell_in_either_encoding(tmp_path, encoding):
    rows = [row("202501"), row("202502")]
    rows[0]["cmdDesc"] = "Aimants permanents à base de terres rares"  # not ASCII
    rows[1]["netWgt"] = "many"
    path = write_csv(tmp_path / "bad.csv", rows, encoding=encoding)
    with pytest.raises(BadValueError) as raised:
        read_statements(path)
    assert str(raised.value) == f"{path}, line 3, column 'netWgt': found 'many', expected a number"


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_a_month_that_is_not_a_number_is_named_once(tmp_path, suffix):
    rows = [row("202501"), row("202502"), row("202503")]
    rows[1]["period"] = "2025-2"
    rows[2]["period"] = None
    if suffix == "csv":
        path = write_csv(tmp_path / "months.csv", rows)
    else:
        path = tmp_path / "months.parquet"
        pl.DataFrame(rows, infer_schema_length=None).with_columns(
            pl.col("period").cast(pl.String)
        ).write_parquet(path)
    yyyymm = "a month as YYYYMM (years 1900-2200)"
    assert problems_of(path) == [
        ("BadValueError", str(path), 3, "period", "2025-2", yyyymm),
        ("BadValueError", str(path), 4, "period", None, yyyymm),
    ]


def test_a_file_whose_only_byte_not_in_utf8_is_in_an_unread_column_name_is_read_as_iso_8859_1(
    write,
):
    # the file is not UTF-8, so every byte is ISO-8859-1: the two bytes of UTF-8's "ô" are "Ã´"
    header = "freqCode,period,flowCode,cmdCode,partnerDesc,netWgt,note\x80"
    text = header + "\nM,202501,X,850511,Côte d'Ivoire,1000,\n"
    path = write("c.csv", text.encode("utf-8").replace(b"\xc2\x80", b"\x80"))
    assert read_statements(path)["partner"].cast(pl.String).to_list() == ["CÃ´te d'Ivoire"]


def test_a_parquet_file_with_typed_codes_reads_as_its_csv(tmp_path):
    # Codes stored as integers (motCode, partner2Code, qtyUnitCode) and flags as booleans, as
    # a Parquet conversion keeps them: compared as stored, with the same result as the text of
    # a CSV. January: a total and its part by air (set aside); February: netWgt blank, qty in
    # kg, estimated; March: qty in another unit only; April: a part by customs procedure
    # (motCode 0, the total's) without a total, reported at its customsCode.
    rows = [row("202501", kg=1500.0), row("202501", kg=500.0, mot=1000),
            row("202502", kg=None, qty=2500.0, qty_estimated=True),
            row("202503", kg=None, qty=7.0, qty_unit=5, kg_estimated=True),
            row("202504", kg=9.0, customs="C01")]  # fmt: skip
    rows[0]["isNetWgtEstimated"] = None  # blank: not estimated
    frame = pl.DataFrame(rows)
    assert (frame["motCode"].dtype, frame["qtyUnitCode"].dtype) == (pl.Int64, pl.Int64)
    assert frame["isQtyEstimated"].dtype == pl.Boolean
    frame.write_parquet(parquet := tmp_path / "typed.parquet")
    csv = write_csv(tmp_path / "typed.csv", rows)
    expected = ("a total row for that key (motCode 0, customsCode C00, partner2Code 0, mosCode "
                "0): download with the breakdowns set to their totals, or keep the total rows")  # fmt: skip
    for path in (csv, parquet):
        assert problems_of(path) == [
            ("MissingTotalError", str(path), 6, "customsCode",
             "breakdown rows only, for reporterDesc China, flowCode X, cmdCode 850511, "
             "partnerDesc World, partnerISO W00, period 202504", expected),
        ]  # fmt: skip
    rows.pop()
    frame.head(4).write_parquet(parquet)
    csv = write_csv(csv, rows)
    columns = ("line", "value_t", "weight_source", "weight_estimated", "missing_reason")
    for path in (csv, parquet):
        assert read_statements(path).select(columns).rows() == [
            (2, 1.5, "netWgt", False, None), (4, 2.5, "qty", True, None),
            (5, None, None, False, NO_WEIGHT),
        ], path  # fmt: skip


def test_a_code_no_integer_is_written_as_never_matches_an_integer_column(tmp_path):
    # customsCode stored as integers: none is the total's C00, so every row is a part
    frame = pl.DataFrame([row("202501")]).with_columns(customsCode=pl.lit(0, pl.Int32))
    frame.write_parquet(path := tmp_path / "customs.parquet")
    assert [p[3:5] for p in problems_of(path)] == [
        (
            "customsCode",
            "breakdown rows only, for reporterDesc China, flowCode X, cmdCode 850511, "
            "partnerDesc World, partnerISO W00, period 202501",
        )
    ]


def test_a_parquet_file_s_integer_codes_boolean_flags_and_categories_are_read_as_stored():
    # what the reader takes each code or flag column of a Parquet file as: integer codes,
    # boolean flags and categories as they are (compared as such), any other type as text
    from reanalysis.formats.comtrade import _stored

    cases = [("motCode", pl.Int32), ("qtyUnitCode", pl.Int64), ("motCode", pl.Boolean),
             ("customsCode", pl.String), ("qtyUnitCode", pl.Float64),
             ("isNetWgtEstimated", pl.Boolean), ("isQtyEstimated", pl.Int64),
             ("customsCode", pl.Categorical()), ("isQtyEstimated", pl.Categorical())]  # fmt: skip
    assert [_stored(column, dtype) for column, dtype in cases] == [
        pl.Int32,
        pl.Int64,
        pl.String,
        pl.String,
        pl.String,
        pl.Boolean,
        pl.String,
        pl.Categorical(),
        pl.Categorical(),
    ]


def test_a_parquet_file_with_codes_and_flags_as_categories_reads_as_its_csv(tmp_path):
    # as the bounded-memory path's batch files hold them: a part by air set aside, a flag
    # blank, a weight from qty in kg, a qty in another unit
    rows = [row("202501", kg=1500.0), row("202501", kg=500.0, mot=1000),
            row("202502", kg=None, qty=2500.0, qty_estimated=True),
            row("202503", kg=None, qty=7.0, qty_unit=5, kg_estimated=True)]  # fmt: skip
    rows[0]["isNetWgtEstimated"] = None
    csv = write_csv(tmp_path / "c.csv", rows)
    codes = ["motCode", "customsCode", "partner2Code", "mosCode", "qtyUnitCode",
             "isNetWgtEstimated", "isQtyEstimated"]  # fmt: skip
    frame = pl.read_csv(csv, infer_schema=False).with_columns(pl.col(codes).cast(pl.Categorical))
    frame.write_parquet(parquet := tmp_path / "c.parquet")
    assert pl.read_parquet_schema(parquet)["customsCode"] == pl.Categorical()
    assert_frame_equal(
        read_statements(parquet).drop("file", "source_url"),
        read_statements(csv).drop("file", "source_url"),
    )


def test_flags_stored_as_zeros_and_ones_read_as_their_text(tmp_path):
    # a conversion that wrote the estimation flags as 0/1 integers: read as the text 0/1
    rows = [row("202501", kg_estimated=True), row("202502")]
    frame = pl.DataFrame(rows).with_columns(pl.col("isNetWgtEstimated").cast(pl.Int8))
    frame.write_parquet(path := tmp_path / "flags.parquet")
    assert read_statements(path)["weight_estimated"].to_list() == [True, False]


def test_an_orphan_part_is_named_by_its_first_column_that_is_not_blank_or_the_total_s(tmp_path):
    # motCode blank (no breakdown stated there), customsCode C01: the part is by customs code
    rows = [row("202504", kg=9.0, customs="C01")]
    rows[0]["motCode"] = None
    path = write_csv(tmp_path / "blank_mot.csv", rows)
    assert [p[3:5] for p in problems_of(path)] == [
        (
            "customsCode",
            "breakdown rows only, for reporterDesc China, flowCode X, cmdCode 850511, "
            "partnerDesc World, partnerISO W00, period 202504",
        )
    ]


def test_qty_in_a_blank_unit_is_not_a_weight(tmp_path):
    # netWgt blank, qty 7 with no unit: not kilograms, so no weight, and the note says so
    rows = [row("202501", kg=None, qty=7.0)]
    rows[0]["qtyUnitCode"] = None
    got = read_statements(write_csv(tmp_path / "no_unit.csv", rows))
    assert got.select("value_t", "weight_source", "missing_reason").rows() == [
        (None, None, NO_WEIGHT)
    ]


def test_a_breakdown_code_written_none_is_a_part_like_any_other(tmp_path):
    # the text "None" in motCode is a code (not the total's 0), not a blank cell
    rows = [row("202504", kg=9.0)]
    rows[0]["motCode"] = "None"
    path = write_csv(tmp_path / "none.csv", rows)
    assert [p[3:5] for p in problems_of(path)] == [
        (
            "motCode",
            "breakdown rows only, for reporterDesc China, flowCode X, cmdCode 850511, "
            "partnerDesc World, partnerISO W00, period 202504",
        )
    ]
