"""Reconciliation rules (reanalysis.reconcile) pinned by whole frames: every column of the
canonical series and of the conflict listing, on small statement files whose result changes
when a rule changes (which candidate wins and why, the cumulative chain's bounds, derived
months, addresses, rounding carried along)."""

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from reanalysis import reconcile as reconcile_module
from reanalysis.errors import DuplicateRowError
from reanalysis.readers import read_statements
from reanalysis.reconcile import CANONICAL_SCHEMA, CONFLICT_SCHEMA, conflicts, reconcile

HEADER = "period,flow,commodity,value_t,ytd_t,mom_pct_reported,yoy_pct_reported,source_url,quote\n"
D = dt.date
COLUMNS = ("commodity", "flow", "period", "months", "value_t", "ytd_t", "value_half_unit_t",
           "ytd_half_unit_t", "is_derived", "ytd_is_derived", "n_sources", "source_url")  # fmt: skip


def canonical(rows: list[tuple], **constant: object) -> pl.DataFrame:
    """The canonical frame of ``rows`` (``COLUMNS``) for reporter-less World series."""
    frame = pl.DataFrame(rows, schema=list(COLUMNS), orient="row")
    return (
        frame.with_columns(
            reporter=pl.lit(None),
            partner=pl.lit("World"),
            has_conflict=pl.lit(False),
            value_usd=pl.lit(None),
            missing_reason=pl.lit(None),
            weight_estimated=pl.lit(False),
            weight_source=pl.lit(None),
            commodity_name=pl.col("commodity"),
            partner_iso3=pl.lit(None),
            **constant,
        )  # fmt: skip
        .select(CANONICAL_SCHEMA.names())
        .cast(dict(CANONICAL_SCHEMA))
    )


def listing(rows: list[tuple]) -> pl.DataFrame:
    """A conflict listing: (commodity, flow, period, measure, value, n_sources, chosen, rule,
    sources, lines), partner World."""
    names = ["commodity", "flow", "period", "measure", "value_t", "n_sources", "chosen", "rule",
             "sources", "lines"]  # fmt: skip
    frame = pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
    return (
        frame.with_columns(partner=pl.lit("World"))
        .select(CONFLICT_SCHEMA.names())
        .cast(dict(CONFLICT_SCHEMA))
    )


def test_the_canonical_series_of_curated_statements_column_by_column(write):
    path = write("s.csv", HEADER +
        "2024-01,export,ore,101,,,,https://a.example/jan,q\n"
        "2024-04,export,ore,103,407,,,https://b.example/apr,q\n"
        "2025-02,export_ytd,ore,,8123,,,https://c.example/jf,q\n"
        "2025-02,export_ytd,ore,,8123,,,https://d.example/jf,q\n"
        "2025-03,export,ore,5012,,,,https://e.example/mar,q\n"
        "2025-05,export_ytd,ore,,25123,,,https://f.example/may,q\n"
        "2025-07,export,ore,3012,,,,https://g.example/jul,q\n"
        "2025-08,export,ore,2012,,,,https://h.example/aug,q\n"
        "2025-08,export_ytd,ore,,31123.4,,,https://i.example/aug,q\n"
        "2023-01,export_ytd,ore,,1234,,,https://j.example/jan,q\n"
        "2023-02,export_ytd,ore,,2345,,,https://k.example/feb,q\n"
        "2025-06,export,metal,4785,,,,https://p.example/1,q\n"
        "2025-06,export,metal,4784.8,,,,https://q.example/1,q\n"
    )  # fmt: skip
    got = reconcile(read_statements(path))
    june = 31123.4 - 2012 - 3012  # the cumulative to June, back from August's
    assert_frame_equal(got, canonical([
        # agreeing figures: the more precise one's value and address, both sources counted
        ("metal", "export", D(2025, 6, 1), 1, 4784.8, None, 0.05, None, False, False, 2,
         "https://q.example/1"),
        # a January and a February known only by their cumulatives: derived, the second as the
        # difference of the two (its rounding the sum of theirs)
        ("ore", "export", D(2023, 1, 1), 1, 1234.0, 1234.0, 0.5, 0.5, True, False, 0,
         "https://j.example/jan"),
        ("ore", "export", D(2023, 2, 1), 1, 1111.0, 2345.0, 1.0, 0.5, True, False, 0,
         "https://k.example/feb"),
        ("ore", "export", D(2024, 1, 1), 1, 101.0, 101.0, 0.5, 0.5, False, True, 1,
         "https://a.example/jan"),
        # February and March unknown: only the cumulative to March, back from April's
        ("ore", "export", D(2024, 3, 1), 1, None, 304.0, None, 1.0, False, True, 0,
         "https://b.example/apr"),
        ("ore", "export", D(2024, 4, 1), 1, 103.0, 407.0, 0.5, 0.5, False, False, 1,
         "https://b.example/apr"),
        ("ore", "export", D(2025, 1, 1), 2, 8123.0, 8123.0, 0.5, 0.5, False, False, 2,
         "https://c.example/jf"),
        ("ore", "export", D(2025, 3, 1), 1, 5012.0, 13135.0, 0.5, 1.0, False, True, 1,
         "https://e.example/mar"),
        # a cumulative alone (April unknown): its sources, its address
        ("ore", "export", D(2025, 5, 1), 1, None, 25123.0, None, 0.5, False, False, 1,
         "https://f.example/may"),
        # June between two cumulatives: derived, with the later cumulative's address
        ("ore", "export", D(2025, 6, 1), 1, round(june - 25123, 6), june, 1.55, 1.05, True, True,
         0, "https://i.example/aug"),
        ("ore", "export", D(2025, 7, 1), 1, 3012.0, 31123.4 - 2012, 0.5, 0.55, False, True, 1,
         "https://g.example/jul"),
        # a month and its cumulative from two sources: the month's address
        ("ore", "export", D(2025, 8, 1), 1, 2012.0, 31123.4, 0.5, 0.05, False, False, 1,
         "https://h.example/aug"),
    ]))  # fmt: skip


def test_a_figure_in_usd_travels_with_its_month_and_its_january_february(write):
    path = write("s.csv", HEADER +
        "2025-02,export_ytd,ore,,8123,,,https://a.example/jf,q\n"
        "2025-03,export,ore,5012,,,,https://b.example/mar,q\n"
    )  # fmt: skip
    statements = read_statements(path).with_columns(value_usd=pl.col("line") * 1000.0)
    got = reconcile(statements).select("period", "value_usd")
    assert got.rows() == [(D(2025, 1, 1), 2000.0), (D(2025, 3, 1), 3000.0)]


def test_every_candidate_and_exclusion_is_listed_with_its_rule_in_key_order(write):
    path = write("s.csv", HEADER +
        "2025-06,export,metal,771,,,,https://m.example/1,SUSPECT: another aggregate\n"
        "2025-03,import,ore,3438,,,,https://a.example/1,q\n"
        "2025-03,import,ore,3441,,,,https://b.example/1,q\n"
        "2025-03,import,ore,3441,,,,https://c.example/1,q\n"
        "2025-03,import,ore,3441,,,,https://b.example/1,q again\n"
        "2025-01,export,ore,3438,,,,https://a.example/2,q\n"
        "2025-01,export,ore,3436.2,,,,https://b.example/2,q\n"
        "2025-02,export,ore,501,,,,https://n.example/2,NOTE: another definition\n"
        "2025-04,export,ore,3439,,,,https://a.example/4,q\n"
        "2025-04,export,ore,3443,,,,https://b.example/4,q\n"
        "2025-04,export_ytd,ore,,12001,,,https://a.example/4y,q\n"
        "2025-04,export_ytd,ore,,12011,,,https://b.example/4y,q\n"
        "2025-05,export,metal,1001,,,,https://x.example/1,q\n"
        "2025-05,export,metal,1001.4,,,,https://y.example/1,q\n"
        "2025-05,export,metal,1000.6,,,,https://z.example/1,q\n"
    )  # fmt: skip
    excluded = "excluded: flagged {} in the source file: another series or definition"
    assert_frame_equal(conflicts(read_statements(path)), listing([
        # greedy clusters, most precise first: 1001 joins 1001.4 (within rounding), 1000.6
        # does not; the two-source cluster wins
        ("metal", "export", D(2025, 5, 1), "month", 1001.4, 2, True, "more distinct sources",
         ["https://x.example/1", "https://y.example/1"], ["s.csv:14", "s.csv:15"]),
        ("metal", "export", D(2025, 5, 1), "month", 1000.6, 1, False, "more distinct sources",
         ["https://z.example/1"], ["s.csv:16"]),
        ("metal", "export", D(2025, 6, 1), "month", 771.0, 1, False,
         excluded.format("SUSPECT"), ["https://m.example/1"],
         ["s.csv:2"]),
        ("ore", "export", D(2025, 1, 1), "month", 3436.2, 1, True, "more precise",
         ["https://b.example/2"], ["s.csv:8"]),
        ("ore", "export", D(2025, 1, 1), "month", 3438.0, 1, False, "more precise",
         ["https://a.example/2"], ["s.csv:7"]),
        ("ore", "export", D(2025, 2, 1), "month", 501.0, 1, False,
         excluded.format("NOTE"), ["https://n.example/2"],
         ["s.csv:9"]),
        # February and March unknown: no cumulative to check April against; equal sources and
        # precision leave the first in the file
        ("ore", "export", D(2025, 4, 1), "month", 3439.0, 1, True, "first in the file",
         ["https://a.example/4"], ["s.csv:10"]),
        ("ore", "export", D(2025, 4, 1), "month", 3443.0, 1, False, "first in the file",
         ["https://b.example/4"], ["s.csv:11"]),
        ("ore", "export", D(2025, 4, 1), "ytd", 12001.0, 1, True, "first in the file",
         ["https://a.example/4y"], ["s.csv:12"]),
        ("ore", "export", D(2025, 4, 1), "ytd", 12011.0, 1, False, "first in the file",
         ["https://b.example/4y"], ["s.csv:13"]),
        ("ore", "import", D(2025, 3, 1), "month", 3441.0, 2, True, "more distinct sources",
         ["https://b.example/1", "https://c.example/1"], ["s.csv:4", "s.csv:5", "s.csv:6"]),
        ("ore", "import", D(2025, 3, 1), "month", 3438.0, 1, False, "more distinct sources",
         ["https://a.example/1"], ["s.csv:3"]),
    ]))  # fmt: skip


# The cumulative chain's bounds. Each case: statements, then the chosen candidate and its rule.
# A cumulative checks the months since the cumulative before it (or since January), within the
# sum of the roundings of every figure involved (equality at the bound is agreement).
CHAIN_CASES = {
    "the first cumulative checks every month since January": (
        "2025-01,export,ore,101,,,,https://a.example/1,q\n"
        "2025-02,export,ore,203,,,,https://a.example/2,q\n"
        "2025-02,export,ore,250.5,,,,https://b.example/2,q\n"
        "2025-02,export_ytd,ore,,304.8,,,https://c.example/2,q\n",
        # 304.8 - (101 + 203) = 0.8 within 0.05 + 0.5 + 0.5
        (203.0, "consistent with the cumulative chain"),
    ),
    "a cumulative checks the months since the one just before it": (
        "2025-02,export_ytd,ore,,8123,,,https://a.example/jf,q\n"
        "2025-03,export,ore,5012,13235,,,https://a.example/3,q\n"
        "2025-04,export,ore,4001,,,,https://a.example/4,q\n"
        "2025-04,export,ore,4101,,,,https://b.example/4,q\n"
        "2025-04,export_ytd,ore,,17236,,,https://c.example/4,q\n",
        # against March's 13235, not February's 8123 + 5012
        (4001.0, "consistent with the cumulative chain"),
    ),
    "an unknown month between two cumulatives leaves the later unchecked": (
        "2025-02,export_ytd,ore,,8123,,,https://a.example/jf,q\n"
        "2025-03,export,ore,5012,,,,https://a.example/3,q\n"
        "2025-03,export,ore,5412.5,,,,https://b.example/3,q\n"
        "2025-05,export_ytd,ore,,13135.3,,,https://c.example/5,q\n",
        (5412.5, "more precise"),
    ),
    "the earlier cumulative's rounding widens the bound": (
        "2025-02,export_ytd,ore,,8123,,,https://a.example/jf,q\n"
        "2025-03,export,ore,5012.7,,,,https://a.example/3,q\n"
        "2025-03,export,ore,5000.25,,,,https://b.example/3,q\n"
        "2025-03,export_ytd,ore,,13135.3,,,https://c.example/3,q\n",
        # 13135.7 - 13135.3 = 0.4 within 0.05 + 0.5 (8123) + 0.05
        (5012.7, "consistent with the cumulative chain"),
    ),
    "a difference equal to the bound agrees": (
        "2025-01,export,ore,97,,,,https://a.example/1,q\n"
        "2025-01,export,ore,101,,,,https://b.example/1,q\n"
        "2025-01,export_ytd,ore,,102,,,https://c.example/1,q\n",
        (101.0, "consistent with the cumulative chain"),
    ),
    "the bound holds the months since the earlier cumulative only": (
        "2025-01,export,ore,101,101,,,https://a.example/1,q\n"
        "2025-02,export,ore,206,,,,https://a.example/2,q\n"
        "2025-02,export,ore,203,,,,https://b.example/2,q\n"
        "2025-02,export_ytd,ore,,305,,,https://c.example/2,q\n",
        # |305 - 101 - 203| = 1 within 0.5 + 0.5 + 0.5; |305 - 101 - 206| = 2 is not
        (203.0, "consistent with the cumulative chain"),
    ),
    "a combined January-February cumulative is its own first check": (
        "2025-02,export_ytd,ore,,8511.0,,,https://a.example/jf,q\n"
        "2025-02,export_ytd,ore,,9123,,,https://b.example/jf,q\n"
        "2025-03,export,ore,5012,13523,,,https://c.example/3,q\n",
        (8511.0, "consistent with the cumulative chain"),
    ),
}


@pytest.mark.parametrize("case", CHAIN_CASES)
def test_the_cumulative_chain_decides_within_its_bounds(write, case):
    rows, chosen = CHAIN_CASES[case]
    listed = conflicts(read_statements(write("s.csv", HEADER + rows)))
    assert listed.filter("chosen").select("value_t", "rule").rows() == [chosen]


def test_too_many_combinations_rank_each_figure_on_its_own(write):
    # twelve months and the December cumulative, each with two candidates: 2 ** 13 = 8192
    # combinations, more than the chain tries (4096)
    rows = [f"2024-{m:02},export,oxide,{m}001,,,,https://a.example/{m},q\n" for m in range(1, 13)]
    rows += [f"2024-{m:02},export,oxide,{m}005,,,,https://b.example/{m},q\n" for m in range(3, 13)]
    rows += [
        "2024-01,export,oxide,1005,,,,https://b.example/1,q\n",
        "2024-01,export,oxide,1005,,,,https://c.example/1,q\n",  # more sources
        "2024-02,export,oxide,2004.5,,,,https://b.example/2,q\n",  # more precise
        "2024-12,export_ytd,oxide,,78003,,,https://a.example/y,q\n",
        "2024-12,export_ytd,oxide,,78009,,,https://b.example/y,q\n",
    ]
    listed = conflicts(read_statements(write("s.csv", HEADER + "".join(rows))))
    chosen = listed.filter("chosen")
    assert chosen["rule"].unique().to_list() == [
        "most sources, then precision (too many candidates for the chain)"
    ]
    assert chosen["value_t"].to_list() == [1005.0, 2004.5, *(m * 1000 + 1.0 for m in range(3, 13)),
                                           78003.0]  # fmt: skip


def test_a_records_file_gives_its_canonical_series_column_by_column(write):
    path = write("t.csv",
        "period,commodity,flow,partner,value,unit,weight_estimated\n"
        "2025-01,ore,export,World,10,t,false\n"
        "2025-02,ore,export,World,11.5,t,true\n"
        "2025-03,ore,export,World,,t,false\n"
        "2025-04,ore,export,World,20,t,false\n"
        "2025-01,ore,export,Japan,3,t,false\n"
        "2025-01,ore,export,Japan,3,t,false\n"
    )  # fmt: skip
    url = Path(path).as_uri()
    # series by series, months in order; which series comes first follows the categories'
    # codes (what the process has seen), so the series are compared in name order
    got = reconcile(read_statements(path), records=True)
    got = got.sort(pl.col("partner").cast(pl.String), maintain_order=True)
    expected = pl.DataFrame(
        [
            ("Japan", D(2025, 1, 1), 3.0, 3.0, 0.0, 0.0, True, False, None),  # a repeat, once
            ("World", D(2025, 1, 1), 10.0, 10.0, 0.0, 0.0, True, False, None),
            ("World", D(2025, 2, 1), 11.5, 21.5, 0.0, 0.0, True, True, None),
            # a blank quantity: no value and no year-to-date from there on
            ("World", D(2025, 3, 1), None, None, None, None, False, False,
             "quantity blank in source"),
            ("World", D(2025, 4, 1), 20.0, None, 0.0, None, False, False, None),
        ],
        schema=["partner", "period", "value_t", "ytd_t", "value_half_unit_t", "ytd_half_unit_t",
                "ytd_is_derived", "weight_estimated", "missing_reason"],
        orient="row",
    ).with_columns(
        reporter=pl.lit(None), commodity=pl.lit("ore"), flow=pl.lit("export"), months=1,
        is_derived=False, n_sources=1, source_url=pl.lit(url), has_conflict=False,
        value_usd=pl.lit(None), weight_source=pl.lit(None), commodity_name=pl.lit("ore"),
        partner_iso3=pl.when(pl.col("partner") == "Japan").then(pl.lit("JPN")),
    )  # fmt: skip
    assert_frame_equal(got, expected.select(CANONICAL_SCHEMA.names()).cast(dict(CANONICAL_SCHEMA)))


def test_a_records_file_with_two_figures_for_one_key_names_the_first_such_key(write):
    path = write("t.csv",
        "period,commodity,flow,partner,value,unit\n"
        "2025-01,ore,export,World,10,t\n"
        "2025-02,ore,export,World,20,t\n"
        "2025-03,ore,export,World,30,t\n"
        "2025-04,ore,export,World,40,t\n"
        "2025-01,ore,export,World,11,t\n"
        "2025-02,ore,export,World,21,t\n"
        "2025-03,ore,export,World,31,t\n"
        "2025-04,ore,export,World,41,t\n"
    )  # fmt: skip
    with pytest.raises(DuplicateRowError) as raised:
        reconcile(read_statements(path), records=True)
    assert str(raised.value) == (
        f"{path}, line 6, column 'value': found 11.0, expected the same value as line 2 (10 t) "
        "for ore export World 2025-01"
    )


def test_the_listing_orders_partners_within_a_commodity(write):
    path = write("m.csv",
        "period,partner,value_t,yoy_pct_reported,mom_pct_reported,source_url,quote\n"
        "2025-01,World,4941,,,https://a.example/1,SUSPECT: another aggregate\n"
        "2025-03,Japan,397,,,https://a.example/3,q\n"
        "2025-03,Japan,401,,,https://b.example/3,q\n"
    )  # fmt: skip
    listed = conflicts(read_statements(path)).select("partner", "period", "value_t")
    assert listed.rows() == [
        ("Japan", D(2025, 3, 1), 397.0), ("Japan", D(2025, 3, 1), 401.0),
        ("World", D(2025, 1, 1), 4941.0),
    ]  # fmt: skip


def test_two_chains_equally_good_go_to_the_earlier_months_first_candidate(write):
    # January 101 + February 205 and January 103 + February 203 both make the cumulative 306,
    # with one source each, the same precision and the same sum of lines (2 + 5 = 4 + 3)
    path = write("s.csv", HEADER +
        "2025-01,export,ore,101,,,,https://a.example/1,q\n"
        "2025-02,export,ore,203,,,,https://b.example/2,q\n"
        "2025-01,export,ore,103,,,,https://c.example/1,q\n"
        "2025-02,export,ore,205,,,,https://d.example/2,q\n"
        "2025-02,export_ytd,ore,,306,,,https://e.example/2,q\n"
    )  # fmt: skip
    chosen = conflicts(read_statements(path)).filter("chosen")
    assert chosen.select("period", "value_t").rows() == [(D(2025, 1, 1), 101.0),
                                                         (D(2025, 2, 1), 205.0)]  # fmt: skip


def test_equal_chains_go_to_the_earlier_months_most_precise_candidate_not_its_first_stated(write):
    # January 101 + February 205.0 and January 103.0 + February 203 both make 306, with one
    # source each, the same summed precision (0.5 + 0.05 = 0.05 + 0.5) and the same sum of
    # lines (2 + 5 = 4 + 3): January's more precise 103.0 wins, though 101 is stated first
    path = write("s.csv", HEADER +
        "2025-01,export,ore,101,,,,https://a.example/1,q\n"
        "2025-02,export,ore,203,,,,https://b.example/2,q\n"
        "2025-01,export,ore,103.0,,,,https://c.example/1,q\n"
        "2025-02,export,ore,205.0,,,,https://d.example/2,q\n"
        "2025-02,export_ytd,ore,,306,,,https://e.example/2,q\n"
    )  # fmt: skip
    chosen = conflicts(read_statements(path)).filter("chosen")
    assert chosen.select("period", "value_t", "rule").rows() == [
        (D(2025, 1, 1), 103.0, "consistent with the cumulative chain"),  # beside February's 203
        (D(2025, 2, 1), 203.0, "consistent with the cumulative chain"),
    ]


def test_a_chain_off_by_exactly_its_rounding_and_the_slack_contradicts_nothing(write):
    # January's cumulative 0.000000005 less the month's 0.000000003 is 2e-9: exactly the two
    # half-units (5e-10 each, nine decimals) plus the 1e-9 slack, also in floats. That is no
    # contradiction, so the figure with more sources wins over the one the chain fits exactly.
    path = write("s.csv", HEADER +
        "2025-01,export,ore,0.000000003,,,,https://a.example/1,q\n"
        "2025-01,export,ore,0.000000003,,,,https://b.example/1,q\n"
        "2025-01,export,ore,0.000000005,,,,https://c.example/1,q\n"
        "2025-01,export_ytd,ore,,0.000000005,,,https://d.example/1,q\n"
    )  # fmt: skip
    assert abs(0.000000005 - 0.000000003) == 5e-10 + 5e-10 + 1e-9  # the premise, in floats
    chosen = conflicts(read_statements(path)).filter("chosen", pl.col("measure") == "month")
    assert chosen.select("value_t", "n_sources", "rule").rows() == [
        (0.000000003, 2, "more distinct sources")
    ]


def test_a_stated_cumulative_comes_out_as_stated_not_rebuilt_from_the_running_sum(write):
    # 23.7868215 + 23.787 - 23.787 is 23.7868214999..., which rounds to 23.786821: a stated
    # cumulative and its rounding are taken as stated (to six decimals), not through the sum
    path = write("s.csv", HEADER + "2025-01,export,ore,23.787,23.7868215,,,https://a.example/1,q\n")
    assert reconcile(read_statements(path)).select(COLUMNS).rows() == [
        ("ore", "export", D(2025, 1, 1), 1, 23.787, 23.786822, 0.0005, 5e-08, False, False, 1,
         "https://a.example/1"),
    ]  # fmt: skip


def test_a_january_february_derived_from_a_later_cumulative_carries_its_rounding(write):
    # no January, no February: March's cumulative less March is the two months together, its
    # rounding that of both figures (0.5 + 0.5)
    path = write("s.csv", HEADER + "2025-03,export,ore,5012,13235,,,https://a.example/3,q\n")
    assert reconcile(read_statements(path)).select(COLUMNS).rows() == [
        ("ore", "export", D(2025, 1, 1), 2, 8223.0, 8223.0, 1.0, 1.0, True, True, 0,
         "https://a.example/3"),
        ("ore", "export", D(2025, 3, 1), 1, 5012.0, 13235.0, 0.5, 0.5, False, False, 1,
         "https://a.example/3"),
    ]  # fmt: skip


def test_figures_cluster_within_their_own_key_only(write):
    # February's 11 agrees with its own 11.4 (0.4 < 0.5 + 0.05); it would also agree with
    # January's 10.95, and clustered together with January it would leave 11.4 on its own
    path = write("s.csv", HEADER +
        "2025-01,export,ore,10.95,,,,https://a.example/1,q\n"
        "2025-01,export,ore,30,,,,https://b.example/1,q\n"
        "2025-02,export,ore,11,,,,https://c.example/2,q\n"
        "2025-02,export,ore,11.4,,,,https://d.example/2,q\n"
    )  # fmt: skip
    listed = conflicts(read_statements(path)).select("period", "value_t", "chosen", "rule")
    assert listed.rows() == [(D(2025, 1, 1), 10.95, True, "more precise"),
                             (D(2025, 1, 1), 30.0, False, "more precise")]  # fmt: skip


def test_equal_chains_go_to_the_earlier_month_whatever_the_order_of_the_file(write):
    # as test_two_chains_equally_good_go_to_the_earlier_months_first_candidate, with
    # February's lines before January's (lines 2 + 5 = 3 + 4 again)
    path = write("s.csv", HEADER +
        "2025-02,export,ore,203,,,,https://b.example/2,q\n"
        "2025-01,export,ore,101,,,,https://a.example/1,q\n"
        "2025-02,export,ore,205,,,,https://d.example/2,q\n"
        "2025-01,export,ore,103,,,,https://c.example/1,q\n"
        "2025-02,export_ytd,ore,,306,,,https://e.example/2,q\n"
    )  # fmt: skip
    chosen = conflicts(read_statements(path)).filter("chosen")
    assert chosen.select("period", "value_t").rows() == [(D(2025, 1, 1), 101.0),
                                                         (D(2025, 2, 1), 205.0)]  # fmt: skip


def test_two_sources_stating_the_same_figure_agree_however_many_decimals_it_has(write):
    # with nine decimals the two roundings (0.5e-9 each) add up to the float slack (1e-9):
    # the slack must not make equal figures disagree
    path = write("s.csv", HEADER +
        "2025-01,export,ore,1.000000001,,,,https://a.example/1,q\n"
        "2025-01,export,ore,1.000000001,,,,https://b.example/1,q\n"
        "2025-01,export,ore,5,,,,https://c.example/1,q\n"
        "2025-02,export,ore,2.0000000001,,,,https://a.example/2,q\n"
        "2025-02,export,ore,2.0000000002,,,,https://b.example/2,q\n"
        "2025-03,export,ore,3.000000001,,,,https://a.example/3,q\n"
        "2025-03,export,ore,3.000000001300,,,,https://b.example/3,q\n"
        "2025-03,export,ore,7,,,,https://c.example/3,q\n"
    )  # fmt: skip
    listed = conflicts(read_statements(path)).select("period", "value_t", "n_sources", "rule")
    assert listed.rows() == [
        (D(2025, 1, 1), 1.000000001, 2, "more distinct sources"),
        (D(2025, 1, 1), 5.0, 1, "more distinct sources"),
        # adjacent figures at the tenth decimal do not agree: each is its own candidate
        (D(2025, 2, 1), 2.0000000001, 1, "first in the file"),
        (D(2025, 2, 1), 2.0000000002, 1, "first in the file"),
        # 3e-10 apart, within 0.5e-9 + 0.5e-12: they agree, the more precise one stands for both
        (D(2025, 3, 1), 3.0000000013, 2, "more distinct sources"),
        (D(2025, 3, 1), 7.0, 1, "more distinct sources"),
    ]


def test_exactly_as_many_combinations_as_the_chain_tries_are_tried_on_the_chain(write, monkeypatch):
    monkeypatch.setattr(reconcile_module, "MAX_COMBINATIONS", 4)  # two months, two figures each
    rows = [
        "2024-01,export,oxide,1001,,,,https://a.example/1,q\n",
        "2024-01,export,oxide,1005,,,,https://b.example/1,q\n",
        "2024-02,export,oxide,2001,,,,https://a.example/2,q\n",
        "2024-02,export,oxide,2005,,,,https://b.example/2,q\n",
        "2024-02,export_ytd,oxide,,3006,,,https://a.example/y,q\n",
    ]
    listed = conflicts(read_statements(write("s.csv", HEADER + "".join(rows))))
    assert listed.filter("chosen").select("value_t", "rule").rows() == [
        (1001.0, "consistent with the cumulative chain"),
        (2005.0, "consistent with the cumulative chain"),
    ]
