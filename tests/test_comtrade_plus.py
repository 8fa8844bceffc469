"""UN Comtrade+ files as they really come (the 47-column layout, with breakdowns, annual rows,
quantity-only rows, several HS levels and the World partner) load to exactly their totals."""

import datetime as dt
import logging

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from comtrade_plus import row, write_csv
from reanalysis import load_customs
from reanalysis.errors import BadValueError, MissingTotalError
from reanalysis.formats.common import BLANK_QUANTITY
from reanalysis.formats.comtrade import NO_WEIGHT, ZERO_WEIGHT
from reanalysis.readers import read_statements

D = dt.date
MAGNETS = (
    "Magnets; permanent magnets and articles intended to become permanent magnets after "
    "magnetisation, of metal"
)
RARE_EARTH_METALS = (
    "Alkali or alkaline-earth metals; rare-earth metals, scandium and yttrium, whether or not "
    "intermixed or interalloyed; mercury"
)
CHAPTER_28 = (
    "Inorganic chemicals; organic and inorganic compounds of precious metals; of rare earth "
    "metals, of radio-active elements and of isotopes"
)
SHOWN = ["commodity", "commodity_name", "partner", "partner_iso3", "period", "value_t",
         "value_usd", "weight_source", "weight_estimated", "missing_reason"]  # fmt: skip


def as_comtrade_downloads_it() -> list[dict]:
    """Totals, each split again by transport, customs procedure, second partner and mode of
    supply; a Hong Kong row with only a quantity in kg; an area whose quantity is in units;
    HS 28 / 2805 / 850511 rows; a second month; annual rows."""
    return [
        row("202501", "850511", "World", kg=5_000_000, usd=200e6),
        row("202501", "850511", "World", kg=3_000_000, usd=120e6, mot=2100),
        row("202501", "850511", "World", kg=2_000_000, usd=80e6, mot=1000),
        row("202501", "850511", "World", kg=4_500_000, usd=180e6, customs="C01"),
        row("202501", "850511", "USA", kg=600_000, usd=24e6),
        row("202501", "850511", "USA", kg=450_000, usd=18e6, partner2="Japan"),
        row("202501", "850511", "Rep. of Korea", kg=300_000, usd=12e6),
        row("202501", "850511", "Rep. of Korea", kg=300_000, usd=12e6, mos="1"),
        row("202501", "850511", "China, Hong Kong SAR", kg=None, qty=50_000, usd=2e6),
        row("202501", "850511", "Other Asia, nes", kg=None, qty=1200, qty_unit=5, usd=1e6),
        row("202501", "2805", "World", kg=800_000, usd=40e6),
        row("202501", "28", "World", kg=90_000_000, usd=900e6),
        row("202502", "850511", "World", kg=4_000_000, usd=150e6),
        row("202502", "850511", "World", kg=4_000_000, usd=150e6, mot=2100),
        row("2025", "850511", "World", kg=60_000_000, usd=2400e6, freq="A"),
        row("2025", "850511", "USA", kg=7_000_000, usd=280e6, freq="A"),
    ]


def test_a_real_layout_download_loads_to_exactly_its_totals_in_tonnes(tmp_path):
    path = write_csv(tmp_path / "TradeData.csv", as_comtrade_downloads_it())
    got = load_customs(path).select(SHOWN).sort("commodity", "partner", "period")
    expected = pl.DataFrame(
        [
            ("28", CHAPTER_28, "World", None, D(2025, 1, 1), 90_000.0, 900e6, "netWgt"),
            ("2805", RARE_EARTH_METALS, "World", None, D(2025, 1, 1), 800.0, 40e6, "netWgt"),
            ("850511", MAGNETS, "Hong Kong", "HKG", D(2025, 1, 1), 50.0, 2e6, "qty"),
            ("850511", MAGNETS, "Other Asia, nes", None, D(2025, 1, 1), None, 1e6, None),
            ("850511", MAGNETS, "South Korea", "KOR", D(2025, 1, 1), 300.0, 12e6, "netWgt"),
            ("850511", MAGNETS, "United States", "USA", D(2025, 1, 1), 600.0, 24e6, "netWgt"),
            ("850511", MAGNETS, "World", None, D(2025, 1, 1), 5_000.0, 200e6, "netWgt"),
            ("850511", MAGNETS, "World", None, D(2025, 2, 1), 4_000.0, 150e6, "netWgt"),
        ],
        schema=SHOWN[:-2],
        orient="row",
    ).with_columns(
        weight_estimated=pl.lit(False),
        missing_reason=pl.when(pl.col("partner") == "Other Asia, nes").then(pl.lit(NO_WEIGHT)),
    )
    assert_frame_equal(got, expected, check_dtypes=False)
    assert load_customs(path)["reporter"].unique().to_list() == ["China"]


def test_breakdown_and_annual_rows_are_counted_in_log_lines(tmp_path, caplog):
    path = write_csv(tmp_path / "TradeData.csv", as_comtrade_downloads_it())
    with caplog.at_level(logging.WARNING, logger="reanalysis"):
        read_statements(path)
    assert caplog.messages == [
        "TradeData.csv: 2 annual rows (freqCode A) ignored, monthly rows kept",
        "TradeData.csv: 6 breakdown rows (by motCode, customsCode, partner2Code, mosCode) "
        "set aside, 8 total rows kept",
    ]


def test_a_pinned_download_logs_nothing(tmp_path, caplog):
    path = write_csv(tmp_path / "TradeData.csv", [row("202501"), row("202502")])
    with caplog.at_level(logging.WARNING, logger="reanalysis"):
        read_statements(path)
    assert caplog.messages == []


def test_a_key_given_only_in_parts_names_the_key_and_line(tmp_path):
    rows = as_comtrade_downloads_it()
    rows.append(row("202503", "850511", "USA", kg=500_000, usd=20e6, mot=2100))  # line 18
    rows.append(row("202503", "850511", "USA", kg=100_000, usd=4e6, mot=1000))
    path = write_csv(tmp_path / "TradeData.csv", rows)
    with pytest.raises(MissingTotalError) as err:
        load_customs(path)
    assert (err.value.line, err.value.column) == (18, "motCode")
    assert err.value.found == (
        "breakdown rows only, for reporterDesc China, flowCode X, cmdCode 850511, "
        "partnerDesc USA, partnerISO USA, period 202503"
    )
    assert "a total row for that key (motCode 0, customsCode C00, partner2Code 0, mosCode 0)" in (
        str(err.value)
    )


def test_blank_breakdown_cells_state_no_breakdown(tmp_path):
    """Files trimmed by other tools leave the breakdown columns empty: every row is a total."""
    rows = [row("202501", kg=2000), row("202502", kg=3000)]
    for r in rows:
        r.update(motCode=None, customsCode=None, partner2Code=None, mosCode=None)
    got = load_customs(write_csv(tmp_path / "t.csv", rows))
    assert got["value_t"].to_list() == [2.0, 3.0]


def test_hs_levels_are_separate_series_never_summed(tmp_path):
    levels = (("28", 9_000_000), ("2805", 800_000), ("280530", 700_000))
    rows = [row("202501", cmd, kg=kg) for cmd, kg in levels]
    got = load_customs(write_csv(tmp_path / "t.csv", rows)).sort("commodity")
    assert got.select("commodity", "value_t", "ytd_t").rows() == [
        ("28", 9000.0, 9000.0), ("2805", 800.0, 800.0), ("280530", 700.0, 700.0)]  # fmt: skip


def test_world_is_a_partner_of_its_own(tmp_path):
    rows = [row("202501", partner="World", kg=10_000), row("202501", partner="USA", kg=4000),
            row("202501", partner="Japan", kg=3000)]  # fmt: skip
    got = load_customs(write_csv(tmp_path / "t.csv", rows)).sort("partner")
    assert got.select("partner", "value_t").rows() == [
        ("Japan", 3.0), ("United States", 4.0), ("World", 10.0)]  # fmt: skip


def test_each_row_is_named_by_its_own_iso_code_so_one_name_with_two_codes_is_two_partners(
    tmp_path,
):
    rows = [row("202501", partner="Japan", kg=7000), row("202502", partner="Japan", kg=1500),
            row("202501", partner="USA", kg=4000)]  # fmt: skip
    rows[1]["partnerISO"] = "CIV"  # the name says Japan, the code Côte d'Ivoire: the code wins
    rows[2]["partnerISO"] = None  # no code: the name is read
    got = read_statements(write_csv(tmp_path / "t.csv", rows))
    assert got.select("line", "partner", "value_t").rows() == [
        (2, "Japan", 7.0), (3, "Côte d'Ivoire", 1.5), (4, "United States", 4.0)]  # fmt: skip


def test_a_breakdown_row_whose_code_is_not_its_totals_is_a_key_given_only_in_parts(tmp_path):
    rows = [row("202501", partner="Japan"), row("202501", partner="Japan", mot=2100)]
    rows[1]["partnerISO"] = "CIV"
    with pytest.raises(MissingTotalError) as err:
        load_customs(write_csv(tmp_path / "t.csv", rows))
    assert (err.value.line, err.value.column) == (3, "motCode")
    assert err.value.found == (
        "breakdown rows only, for reporterDesc China, flowCode X, cmdCode 850511, "
        "partnerDesc Japan, partnerISO CIV, period 202501"
    )


def test_rows_out_of_order_keep_their_own_weight_source_where_some_have_none(tmp_path):
    # one weight source beside a month without weight: put in month order, each row keeps
    # its own (a column of one value and blanks is not a column of one value)
    rows = [row("202503", kg=3000), row("202501", kg=None, qty=5, qty_unit=5),
            row("202502", kg=2000)]  # fmt: skip
    got = load_customs(write_csv(tmp_path / "t.csv", rows))
    assert got.select("period", "value_t", "weight_source", "missing_reason").rows() == [
        (D(2025, 1, 1), None, None, NO_WEIGHT), (D(2025, 2, 1), 2.0, "netWgt", None),
        (D(2025, 3, 1), 3.0, "netWgt", None)]  # fmt: skip


def test_weight_sources_and_reasons(tmp_path):
    """netWgt first; qty where netWgt is empty and qty is in kg; otherwise no tonnage and why."""
    rows = [
        row("202501", kg=2000, qty=1999),  # netWgt wins over qty
        row("202502", kg=None, qty=3000),  # qty in kg
        row("202503", kg=None, qty=40, qty_unit=5),  # qty in units: no weight
        row("202504", kg=0, qty=0, usd=5000),  # 0 kg beside a positive value: not reported
        row("202505", kg=None, qty=0, usd=5000),  # the same, through qty
        row("202506", kg=0, usd=0),  # nothing traded: a real zero
        row("202507", kg=None, qty=None, usd=100),  # both blank
        row("202508", kg=0, qty=700, usd=5000),  # 0 netWgt beside a value: not qty, unreported
    ]
    got = load_customs(write_csv(tmp_path / "t.csv", rows))
    assert got.select("value_t", "weight_source", "missing_reason").rows() == [
        (2.0, "netWgt", None),
        (3.0, "qty", None),
        (None, None, NO_WEIGHT),
        (None, None, ZERO_WEIGHT),
        (None, None, ZERO_WEIGHT),
        (0.0, "netWgt", None),
        (None, None, BLANK_QUANTITY),
        (None, None, ZERO_WEIGHT),
    ]
    # year to date stops at the first month without a tonnage, never counts it as zero
    assert got["ytd_t"].to_list()[:3] == [2.0, 5.0, None]


def test_estimated_flags_follow_the_weight_used(tmp_path):
    rows = [
        row("202501", kg=1000, kg_estimated=True),
        row("202502", kg=None, qty=1000, qty_estimated=True),
        row("202503", kg=1000, qty_estimated=True),  # qty's flag does not touch netWgt
        row("202504", kg=0, usd=10, kg_estimated=True),  # no tonnage: nothing estimated
    ]
    rows[0]["isNetWgtEstimated"] = "true"  # spellings seen in exports and API JSON
    rows[1]["isQtyEstimated"] = 1
    got = load_customs(write_csv(tmp_path / "t.csv", rows))
    assert got["weight_estimated"].to_list() == [True, True, False, False]


def test_a_flag_that_is_not_true_or_false_is_refused(tmp_path):
    rows = [row("202501"), row("202502")]
    rows[1]["isNetWgtEstimated"] = "maybe"
    with pytest.raises(BadValueError) as err:
        load_customs(write_csv(tmp_path / "t.csv", rows))
    assert (err.value.line, err.value.column, err.value.found) == (3, "isNetWgtEstimated", "maybe")


def test_a_frequency_other_than_monthly_or_annual_is_refused(tmp_path):
    rows = [row("202501"), row("202502")]
    rows[1]["freqCode"] = "Q"
    with pytest.raises(BadValueError) as err:
        load_customs(write_csv(tmp_path / "t.csv", rows))
    assert (err.value.line, err.value.column, err.value.found) == (3, "freqCode", "Q")


def test_latin1_and_parquet_exports_read_the_same(tmp_path):
    rows = as_comtrade_downloads_it()
    for r in rows:
        r["cmdDesc"] = "Aimants permanents en métal"
    reference = load_customs(write_csv(tmp_path / "utf8.csv", rows))
    latin1 = load_customs(write_csv(tmp_path / "latin1.csv", rows, encoding="iso-8859-1"))
    frame = pl.DataFrame(rows, infer_schema_length=None).with_columns(
        pl.col("period").cast(pl.Int64)
    )  # codes as integers, flags as booleans, as a Parquet conversion keeps them
    frame.write_parquet(tmp_path / "t.parquet")
    parquet = load_customs(tmp_path / "t.parquet")
    ignore = ["source_url"]
    assert_frame_equal(latin1.drop(ignore), reference.drop(ignore))
    assert_frame_equal(parquet.drop(ignore), reference.drop(ignore))


def test_a_file_of_annual_rows_only_has_no_months(tmp_path):
    from reanalysis.errors import EmptyFileError

    rows = [row("2024", freq="A"), row("2025", freq="A")]
    with pytest.raises(EmptyFileError) as err:
        load_customs(write_csv(tmp_path / "t.csv", rows))
    assert (err.value.line, err.value.column, err.value.found) == (2, "freqCode", "no monthly rows")


def test_a_month_that_is_not_a_month_is_refused(tmp_path):
    rows = [row("202501"), row("202513")]
    with pytest.raises(BadValueError) as err:
        load_customs(write_csv(tmp_path / "t.csv", rows))
    assert (err.value.line, err.value.column, err.value.found) == (3, "period", "202513")


def test_every_problem_of_a_file_is_listed_while_collecting(tmp_path):
    """What ``python -m reanalysis check`` relies on: each problem reported, none fatal."""
    from reanalysis.errors import StopReading, collecting

    rows = [row("202501"), row("202513"), row("202502", kg=5.0, mot=2100)]
    rows[0]["isNetWgtEstimated"] = "maybe"
    rows.append(row("2025", freq="A"))
    with collecting() as problems:
        read_statements(write_csv(tmp_path / "t.csv", rows))
    assert [(type(p).__name__, p.line, p.column) for p in problems] == [
        ("MissingTotalError", 4, "motCode"),
        ("BadValueError", 2, "isNetWgtEstimated"),
        ("BadValueError", 3, "period"),
    ]
    with collecting() as problems, pytest.raises(StopReading):
        read_statements(write_csv(tmp_path / "a.csv", [row("2025", freq="A")]))
    assert [type(p).__name__ for p in problems] == ["EmptyFileError"]


def test_a_blank_partner_name_is_reported_not_renamed(tmp_path):
    rows = [row("202501"), row("202502")]
    rows[1]["partnerDesc"] = None
    with pytest.raises(BadValueError) as err:
        load_customs(write_csv(tmp_path / "t.csv", rows))
    assert (err.value.line, err.value.column) == (3, "partnerDesc")
