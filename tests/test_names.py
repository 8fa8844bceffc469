"""Names beside codes: the shipped HS table, canonical partners with ISO codes, on every format."""

import csv

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from reanalysis import load_customs, paths
from reanalysis.names import add_names, canonical_partner, canonical_partners, hs_codes


def test_the_hs_table_is_unique_sourced_and_well_formed():
    table = hs_codes()
    assert table["hs_code"].is_unique().all()
    assert table.filter(
        ~pl.col("hs_code").str.contains(r"^\d{2}(\d{2}){0,2}$")
        | (pl.col("hs_code").str.len_chars() != pl.col("hs_level"))
        | (pl.col("commodity_name").str.len_chars() < 3)
        | ~pl.col("source_url").str.starts_with("https://")
    ).is_empty()
    with paths.HS_CODES_FILE.open(encoding="utf-8") as fh:  # leading zeros would be kept as text
        assert [r["hs_code"] for r in csv.DictReader(fh)] == table["hs_code"].to_list()


@pytest.mark.parametrize("code, mineral", [
    ("280530", "rare earths"), ("284690", "rare earths"), ("850511", "permanent magnets"),
    ("811292", "gallium, germanium, indium"), ("282560", "germanium"), ("250410", "graphite"),
    ("380110", "graphite"), ("811010", "antimony"), ("810194", "tungsten"),
])  # fmt: skip
def test_the_table_covers_the_controlled_minerals(code, mineral):
    assert hs_codes().filter(pl.col("hs_code") == code)["mineral"].to_list() == [mineral]


@pytest.mark.parametrize("name, iso3, expected", [
    ("USA", None, ("United States", "USA")),
    ("United States", None, ("United States", "USA")),
    ("United States of America", None, ("United States", "USA")),
    ("USA", "USA", ("United States", "USA")),
    ("Rep. of Korea", "KOR", ("South Korea", "KOR")),
    ("South Korea", None, ("South Korea", "KOR")),
    ("China, Hong Kong SAR", "HKG", ("Hong Kong", "HKG")),
    ("Viet Nam", None, ("Vietnam", "VNM")),
    (" Japan ", None, ("Japan", "JPN")),
    ("Other Asia, nes", "S19", ("Other Asia, nes", None)),
    ("World", "W00", ("World", None)),
    ("European Union", None, ("European Union", None)),
    ("Rep. of Korea", None, ("Rep. of Korea", None)),  # no ISO code beside it: kept as given
])  # fmt: skip
def test_canonical_partner(name, iso3, expected):
    assert canonical_partner(name, iso3) == expected


def test_canonical_partners_keeps_the_dtype_and_leaves_canonical_frames_alone():
    frame = pl.DataFrame({"partner": ["USA", "World", None]}, schema={"partner": pl.Categorical})
    renamed = canonical_partners(frame)
    assert renamed.schema == frame.schema
    assert renamed["partner"].to_list() == ["United States", "World", None]
    assert canonical_partners(renamed) is renamed


def test_add_names_gives_the_table_name_or_the_code_and_iso_of_countries():
    frame = pl.DataFrame(
        {"commodity": ["284610", "999999", "rare earths"], "partner": ["World", "Japan", None]}
    )
    expected = frame.with_columns(
        commodity_name=pl.Series(["Cerium compounds", "999999", "rare earths"]),
        partner_iso3=pl.Series([None, "JPN", None], dtype=pl.Categorical),
    )
    assert_frame_equal(add_names(frame), expected)


def test_the_shipped_series_carry_names_and_iso_codes(shipped):
    partners = shipped.select("partner", "partner_iso3").unique().sort("partner")
    assert partners.rows() == [
        ("European Union", None), ("Germany", "DEU"), ("India", "IND"), ("Japan", "JPN"),
        ("South Korea", "KOR"), ("United States", "USA"), ("Vietnam", "VNM"), ("World", None),
    ]  # fmt: skip
    assert shipped.filter(pl.col("commodity") != pl.col("commodity_name")).is_empty()


def test_spellings_of_one_country_make_one_series(write):
    path = write("t.csv", "period,commodity,flow,partner,value,unit\n"
                 "2025-01,850511,export,USA,10,t\n"
                 "2025-02,850511,export,United States of America,20,t\n"
                 "2025-03,850511,export,United States,30,t\n")  # fmt: skip
    got = load_customs(path).select("partner", "partner_iso3", "commodity_name", "value_t")
    magnets = "Magnets; permanent magnets and articles intended to become permanent magnets after "
    magnets += "magnetisation, of metal"
    assert got.rows() == [("United States", "USA", magnets, v) for v in (10.0, 20.0, 30.0)]
