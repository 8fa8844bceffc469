"""Estimated and unreported weights (issue 15 item 9) and unit values (issue 11 item 5), from a
Comtrade+ file in the real layout: one year of weights estimated by UN Comtrade, one year of
0 kg beside positive values (synthetic figures shaped like the public cases: graphite, gallium)."""

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from comtrade_plus import row, write_csv
from reanalysis import load_customs
from reanalysis.formats.comtrade import ZERO_WEIGHT
from reanalysis.growth import (
    BASE_MISSING,
    ESTIMATED,
    NO_CUMULATIVE,
    NO_VALUE,
    NOT_ON_ESTIMATES,
    NOT_STATED,
    growth,
    weight_caveats,
)

D = dt.date
GRAPHITE, GALLIUM = "250410", "811292"


def graphite(year: int, month: int) -> dict:
    """2017: weights estimated (one unit value for every month, as estimation from value gives);
    2018: reported weights."""
    kg = 1_000_000.0 + 10_000 * month + (50_000 if year == 2018 else 0)
    usd = kg * (0.5 if year == 2017 else 0.4 + 0.01 * month)
    return row(f"{year}{month:02d}", GRAPHITE, kg=kg, usd=usd, kg_estimated=year == 2017)


def gallium(year: int, month: int) -> dict:
    """2017: reported weights; 2018: 0 kg beside positive values (weight not reported)."""
    kg = 0.0 if year == 2018 else 2000.0 + 100 * month
    return row(f"{year}{month:02d}", GALLIUM, kg=kg, usd=600_000.0 + month)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    rows = [f(y, m) for f in (graphite, gallium) for y in (2017, 2018) for m in range(1, 13)]
    path = write_csv(tmp_path_factory.mktemp("ct") / "TradeData.csv", rows)
    return load_customs(path)


def test_the_flags_and_the_unreported_weights_load_as_they_are(loaded):
    by = loaded.group_by("commodity", pl.col("period").dt.year().alias("year")).agg(
        rows=pl.len(),
        estimated=pl.col("weight_estimated").sum(),
        tonnage=pl.col("value_t").is_not_null().sum(),
        reasons=pl.col("missing_reason").unique().sort(nulls_last=True),
    )
    assert by.sort("commodity", "year").rows() == [
        (GRAPHITE, 2017, 12, 12, 12, [None]),
        (GRAPHITE, 2018, 12, 0, 12, [None]),
        (GALLIUM, 2017, 12, 0, 12, [None]),
        (GALLIUM, 2018, 12, 0, 0, [ZERO_WEIGHT]),  # every row stays, none reads 0 t
    ]


def test_every_growth_figure_leaning_on_an_estimate_says_so(loaded):
    g = growth(loaded.filter(pl.col("commodity") == GRAPHITE)).sort("period")
    est = g["weight_estimated"].to_list()
    for name, lag in (("mom", 1), ("yoy", 12)):
        for i, (pct, note) in enumerate(g.select(f"{name}_pct", f"{name}_note").iter_rows()):
            if pct is not None:
                leans = est[i] or est[i - lag]
                assert (note is not None and ESTIMATED in note) == leans, (name, i, note)
    summed = f"{NOT_STATED}; {ESTIMATED}"  # a records file's cumulatives are summed months
    assert g.select("period", "mom_note", "yoy_note", "ytd_yoy_note").rows()[11:15] == [
        (D(2017, 12, 1), ESTIMATED, BASE_MISSING, BASE_MISSING),
        (D(2018, 1, 1), ESTIMATED, ESTIMATED, summed),  # base December 2017 is estimated
        (D(2018, 2, 1), None, ESTIMATED, summed),  # both months reported: no m/m note
        (D(2018, 3, 1), None, ESTIMATED, summed),
    ]
    assert set(g.filter(pl.col("period").dt.year() == 2018)["ytd_yoy_note"]) == {summed}
    # the figures themselves are still computed (the note qualifies them)
    assert g.filter(pl.col("period") == D(2018, 1, 1))["yoy_pct"].item() == pytest.approx(
        (1_060_000 / 1_010_000 - 1) * 100
    )


def test_months_without_tonnage_give_no_figure_never_a_zero(loaded):
    g = growth(loaded.filter(pl.col("commodity") == GALLIUM)).sort("period")
    gap = g.filter(pl.col("period").dt.year() == 2018)
    assert gap.select("mom_pct", "yoy_pct", "ytd_yoy_pct").null_count().row(0) == (12, 12, 12)
    assert set(gap["mom_note"]) == set(gap["yoy_note"]) == {NO_VALUE}
    assert set(gap["ytd_yoy_note"]) == {NO_CUMULATIVE}


def test_unit_values_are_not_computed_on_estimated_weights(loaded):
    g = growth(loaded.filter(pl.col("commodity") == GRAPHITE)).sort("period")
    got = g.select("period", "usd_per_t", "usd_per_t_mom_pct", "usd_per_t_mom_note",
                   "usd_per_t_yoy_pct", "usd_per_t_yoy_note")  # fmt: skip
    assert got.filter(pl.col("period").dt.year() == 2017)["usd_per_t"].null_count() == 12
    jan, feb = got.filter(pl.col("period").is_in([D(2018, 1, 1), D(2018, 2, 1)])).rows()
    assert jan == (D(2018, 1, 1), pytest.approx(410.0), None, NOT_ON_ESTIMATES, None,
                   NOT_ON_ESTIMATES)  # fmt: skip
    assert feb == (D(2018, 2, 1), pytest.approx(420.0), pytest.approx((420 / 410 - 1) * 100),
                   None, None, NOT_ON_ESTIMATES)  # fmt: skip


def test_unit_values_follow_the_calendar_rules_of_tonnage(tmp_path):
    """A missing month nulls a comparison (never a neighbour); a zero tonnage gives no unit
    value; a year-on-year needs the same month a year before."""
    rows = [row(p, kg=kg, usd=usd) for p, kg, usd in (
        ("202401", 2_000_000, 1_000_000), ("202402", 1_000_000, 600_000),
        ("202501", 1_000_000, 800_000), ("202503", 2_000_000, 1_200_000),
        ("202504", 0, 0),
    )]  # fmt: skip
    g = growth(load_customs(write_csv(tmp_path / "uv.csv", rows)))
    expected = pl.DataFrame(
        {
            "usd_per_t": [500.0, 600.0, 800.0, 600.0, None],
            "usd_per_t_mom_pct": [None, 20.0, None, None, None],
            "usd_per_t_mom_note": [BASE_MISSING, None, BASE_MISSING, BASE_MISSING, NO_VALUE],
            "usd_per_t_yoy_pct": [None, None, 60.0, None, None],
            "usd_per_t_yoy_note": [BASE_MISSING, BASE_MISSING, None, BASE_MISSING, NO_VALUE],
        }
    )
    got = g.select(expected.columns).with_columns(pl.col("^.*_note$").cast(pl.String))
    assert_frame_equal(got, expected, abs_tol=1e-9)


def test_frames_without_values_get_no_unit_value_columns(shipped):
    assert not any(c.startswith("usd_per_t") for c in growth(shipped).columns)


def test_weight_caveats_count_the_months_a_report_leans_on(loaded):
    assert weight_caveats(loaded).sort("commodity").rows() == [
        ("China", GRAPHITE, "export", "World", 24, 12, 0),
        ("China", GALLIUM, "export", "World", 24, 0, 12),
    ]
    assert weight_caveats(loaded).columns == [
        "reporter", "commodity", "flow", "partner", "months", "estimated_months",
        "months_without_tonnage",
    ]  # fmt: skip


def test_frames_without_the_flag_column_have_no_estimates(loaded):
    bare = loaded.filter(pl.col("commodity") == GRAPHITE).drop("weight_estimated")
    g = growth(bare)
    assert not g["mom_note"].cast(pl.String).str.contains(ESTIMATED).any()
    assert g["usd_per_t"].null_count() == 0
    assert weight_caveats(bare)["estimated_months"].to_list() == [0]


def test_the_value_volume_chart_shows_three_panels_and_gaps_for_withheld_unit_values(loaded):
    from reanalysis.charts import render, value_volume_chart

    g = growth(loaded.filter(pl.col("commodity") == GRAPHITE))
    chart = value_volume_chart(g, title="graphite")
    drawn = (
        pl.DataFrame(chart.data).group_by("measure").agg(n=pl.len(), runs=pl.col("run").n_unique())
    )
    assert sorted(drawn.rows()) == [
        ("US dollars", 24, 1), ("US dollars per tonne", 12, 1), ("tonnes", 24, 1)]  # fmt: skip
    assert "image/svg+xml" in render(chart.to_dict())
    fields = [t["field"] for t in chart.to_dict()["spec"]["encoding"]["tooltip"]]
    assert fields == ["period", "measure", "value", "note", "source_url"]
    assert chart.to_dict()["params"][0]["bind"] == "scales"  # the time axis zooms
    notes = pl.DataFrame(chart.data).filter(pl.col("note") != "")
    assert notes["measure"].unique().to_list() == ["tonnes"] and notes.height == 12


def test_the_value_volume_chart_says_when_there_are_no_values(shipped):
    from reanalysis.charts import value_volume_chart

    chart = value_volume_chart(growth(shipped), title="rare earths")
    assert chart.to_dict()["mark"]["type"] == "text"
    assert "No trade values in this data" in chart.data["text"][0]


def test_the_weights_headline_of_a_file_with_estimates_and_gaps(loaded):
    from reanalysis.summaries import weights_headline

    assert weights_headline(loaded) == (
        "Weights: 12 of 48 months estimated by the source (figures leaning on them say "
        '"estimated weight"); 12 months without tonnage: ' + ZERO_WEIGHT
    )


def test_the_weights_headline_of_the_shipped_data(shipped):
    """No flags in the curated statements; months stated only as part of a cumulative have no
    monthly tonnage of their own."""
    from reanalysis.summaries import weights_headline

    gaps = shipped["value_t"].null_count()
    assert gaps > 0
    assert weights_headline(shipped) == (
        f"Weights: none of {shipped.height} months estimated by the source; "
        f"{gaps} months without tonnage: no monthly figure stated"
    )


def test_a_tidy_file_may_say_which_quantities_are_estimated(write):
    from reanalysis.errors import BadValueError

    header = "period,commodity,flow,partner,value,unit,weight_estimated\n"
    rows = "2025-01,ore,export,World,10,t,true\n2025-02,ore,export,World,12,t,\n"
    g = growth(load_customs(write("t.csv", header + rows)))
    assert g.select("weight_estimated", "mom_note").rows() == [
        (True, BASE_MISSING), (False, ESTIMATED)]  # fmt: skip
    without = load_customs(write("u.csv", "period,commodity,flow,partner,value,unit\n"
                                 "2025-01,ore,export,World,10,t\n"))  # fmt: skip
    assert without["weight_estimated"].to_list() == [False]
    with pytest.raises(BadValueError) as err:
        load_customs(write("v.csv", header + "2025-01,ore,export,World,10,t,perhaps\n"))
    assert (err.value.line, err.value.column, err.value.found) == (2, "weight_estimated", "perhaps")


def test_a_tidy_file_with_sources_and_flags(write):
    header = "period,commodity,flow,partner,value,unit,source_url,weight_estimated\n"
    path = write("t.csv", header + "2025-01,ore,export,World,10,t,https://example.org/a,1\n")
    got = load_customs(path)
    assert got.select("source_url", "weight_estimated").row(0) == ("https://example.org/a", True)
