"""Licence-event rules (reanalysis.events) pinned on small files: every refusal with its file,
line, column and expectation; stable event ids; the measure table column by column; which
events concern a commodity; the dates and sentences a report takes from them."""

import datetime as dt
import hashlib

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from reanalysis.errors import BadValueError, MissingColumnError
from reanalysis.events import (
    MEASURE_SCHEMA,
    coverage_note,
    dates_sentence,
    licence_measures,
    load_licence_events,
    prior_windows,
    relevant_to,
    resolve_dates,
)

HEADER = "date,jurisdiction,authority,announcement,kind,items,summary,source_url\n"
D = dt.date
KINDS = ("announcement, effective, effective_scheduled, approval, approval_tightening, "
         "suspension, general_licence, agreement")  # fmt: skip


@pytest.mark.parametrize(
    ("row", "error", "column", "found", "expected"),
    [
        ("2025/04/04,CN,MOFCOM,No. 18 [2025],announcement,x,s,https://a.example/1",
         BadValueError, "date", "'2025/04/04'", "a date as YYYY-MM-DD"),
        (",CN,MOFCOM,No. 18 [2025],announcement,x,s,https://a.example/1",
         BadValueError, "date", "None", "a date as YYYY-MM-DD"),
        ("2025-02-30,CN,MOFCOM,No. 18 [2025],announcement,x,s,https://a.example/1",
         BadValueError, "date", "'2025-02-30'", "a calendar date"),
        ("2025-04-04,CN,MOFCOM,No. 18 [2025],rumour,x,s,https://a.example/1",
         BadValueError, "kind", "'rumour'", f"one of {KINDS}"),
        ("2025-04-04,CN,MOFCOM,No. 18 [2025],,x,s,https://a.example/1",
         BadValueError, "kind", "None", f"one of {KINDS}"),
        ("2025-04-04,CN,MOFCOM,No. 18 [2025],announcement,x,s,",
         BadValueError, "source_url", "None", "the address of the source"),
    ],
)  # fmt: skip
def test_a_bad_event_is_named_by_file_line_and_column(write, row, error, column, found, expected):
    good = "2025-04-04,CN,MOFCOM,No. 18 [2025],effective,x,s,https://a.example/2\n"
    path = write("events.csv", HEADER + good + row + "\n")
    with pytest.raises(error) as raised:
        load_licence_events(path)
    assert (
        str(raised.value)
        == f"{path}, line 3, column '{column}': found {found}, expected {expected}"
    )


def test_a_missing_event_column_shows_the_header_found_and_expected(write):
    path = write("events.csv", "date,jurisdiction,authority,announcement,kind,items,source_url\n"
                               "2025-04-04,CN,MOFCOM,No. 18 [2025],announcement,x,https://a\n")  # fmt: skip
    with pytest.raises(MissingColumnError) as raised:
        load_licence_events(path)
    assert str(raised.value) == (
        f"{path}, line 1, column 'summary': found 'date,jurisdiction,authority,announcement,kind,"
        "items,source_url', expected date,jurisdiction,authority,announcement,kind,items,summary,"
        "source_url"
    )


EVENTS = (
    "2025-12-15,CN,MOFCOM,Announcement No. 5 [2025],announcement,tungsten,,https://e.example/5\n"
    '2025-10-09,CN,MOFCOM,"Announcements No. 61, 62 [2025]",announcement,shared items,'
    "two measures,https://e.example/61\n"
    '2025-05-01,CN,MOFCOM,Announcement No. 18 [2025],effective,"samarium, gadolinium",in force,'
    "https://e.example/18e\n"
    "2025-04-04,CN,MOFCOM,Announcement No. 18 [2025],announcement,samarium,announced,"
    "https://e.example/18a\n"
    "2025-12-01,CN,MOFCOM,Announcement No. 61 [2025],effective_scheduled,own items,"
    "scheduled,https://e.example/61s\n"
    "2025-11-07,CN,MOFCOM,Announcement No. 70 [2025],suspension,No. 61 [2025],"
    "suspends 61,https://e.example/70\n"
    "2023-07-03,CN,MOFCOM,Announcement No. 23 [2023],announcement,gallium,,https://e.example/23\n"
)


def event_id(day: str, kind: str, url: str, summary: str = "") -> str:
    """The id as documented: date, kind and the first six hex digits of the SHA-1 of the
    source address followed by the summary."""
    return f"{day}-{kind}-{hashlib.sha1((url + summary).encode()).hexdigest()[:6]}"


ID = {
    "23": event_id("2023-07-03", "announcement", "https://e.example/23"),
    "18a": event_id("2025-04-04", "announcement", "https://e.example/18a", "announced"),
    "18e": event_id("2025-05-01", "effective", "https://e.example/18e", "in force"),
    "61": event_id("2025-10-09", "announcement", "https://e.example/61", "two measures"),
    "70": event_id("2025-11-07", "suspension", "https://e.example/70", "suspends 61"),
    "61s": event_id("2025-12-01", "effective_scheduled", "https://e.example/61s", "scheduled"),
    "5": event_id("2025-12-15", "announcement", "https://e.example/5"),
}


def test_events_get_stable_ids_and_come_in_date_then_id_order(write):
    events = load_licence_events(write("events.csv", HEADER + EVENTS))
    assert events.select("event_id", "date").rows() == [
        (ID["23"], D(2023, 7, 3)),
        (ID["18a"], D(2025, 4, 4)),
        (ID["18e"], D(2025, 5, 1)),
        (ID["61"], D(2025, 10, 9)),
        (ID["70"], D(2025, 11, 7)),
        (ID["61s"], D(2025, 12, 1)),
        (ID["5"], D(2025, 12, 15)),  # no summary: the address alone
    ]


def test_the_measure_table_column_by_column_whatever_the_order_of_events(write):
    events = load_licence_events(write("events.csv", HEADER + EVENTS))
    measures = licence_measures(events.reverse())
    expected = pl.DataFrame(
        [
            ("No. 23 [2023]", 2023, 23, D(2023, 7, 3), None, None, None, "gallium",
             [ID["23"]]),
            ("No. 5 [2025]", 2025, 5, D(2025, 12, 15), None, None, None, "tungsten",
             [ID["5"]]),
            # items from its earliest row
            ("No. 18 [2025]", 2025, 18, D(2025, 4, 4), D(2025, 5, 1), None, None, "samarium",
             [ID["18a"], ID["18e"]]),
            # its items from the row naming it alone, not the earlier row naming two measures
            # nor the suspension naming it in items
            ("No. 61 [2025]", 2025, 61, D(2025, 10, 9), None, D(2025, 12, 1), D(2025, 11, 7),
             "own items", [ID["61"], ID["70"], ID["61s"]]),
            ("No. 62 [2025]", 2025, 62, D(2025, 10, 9), None, None, None, "shared items",
             [ID["61"]]),
        ],
        schema=MEASURE_SCHEMA,
        orient="row",
    )  # fmt: skip
    assert_frame_equal(measures, expected)


def test_an_event_concerns_a_commodity_by_its_summary_or_by_naming_a_matching_measure(write):
    rows = (
        "2025-04-04,CN,MOFCOM,Announcement No. 18 [2025],announcement,,controls on samarium,"
        "https://e.example/18\n"
        "2025-11-07,CN,MOFCOM,Announcement No. 70 [2025],suspension,No. 18 [2025],suspends,"
        "https://e.example/70\n"
        "2025-12-01,CN,MOFCOM,Announcement No. 80 [2025],announcement,gallium,,https://e.example/80\n"
    )  # fmt: skip
    events = load_licence_events(write("events.csv", HEADER + rows))
    assert relevant_to(events, "rare earths")["announcement"].to_list() == [
        "Announcement No. 18 [2025]", "Announcement No. 70 [2025]"
    ]  # fmt: skip


MEASURES = pl.DataFrame(
    [
        ("No. 1 [2025]", D(2025, 3, 3), D(2025, 5, 5), None, None, "samarium"),
        ("No. 2 [2025]", None, D(2025, 6, 6), None, None, "all seventeen"),
        ("No. 3 [2025]", D(2025, 7, 7), None, D(2025, 9, 9), D(2025, 8, 8), "x"),
        ("No. 4 [2025]", D(2025, 7, 7), D(2025, 9, 9), None, D(2025, 9, 9), "x"),
    ],
    schema=["measure", "announced", "effective", "scheduled", "suspended", "items"],
    orient="row",
)


def test_a_measures_dates_fall_back_to_its_other_dates():
    assert resolve_dates(MEASURES, "No. 2 [2025]") == {
        "announced": D(2025, 6, 6), "effective": D(2025, 6, 6), "suspended": None
    }  # fmt: skip
    assert resolve_dates(MEASURES, "No. 3 [2025]") == {
        "announced": D(2025, 7, 7), "effective": D(2025, 9, 9), "suspended": D(2025, 8, 8)
    }  # fmt: skip


def test_an_unknown_measure_is_refused_with_the_known_ones():
    with pytest.raises(KeyError, match=r"no measure 'No. 9 \[2025\]'; known: No. 1 \[2025\], "
                                       r"No. 2 \[2025\], No. 3 \[2025\], No. 4 \[2025\]"):  # fmt: skip
        resolve_dates(MEASURES, "No. 9 [2025]")


def test_a_measure_suspended_on_its_effective_day_never_took_effect():
    dates = resolve_dates(MEASURES, "No. 4 [2025]")
    assert dates_sentence(dates, "No. 4 [2025]", rumour=D(2025, 6, 30)) == (
        "No. 4 [2025] was announced on 7 July 2025, to take effect on 9 September 2025; it was "
        "suspended on 9 September 2025, before taking effect. The anticipation window starts at "
        "the rumour date argued, 30 June 2025."
    )


def test_coverage_is_noted_for_one_named_element_but_not_for_all_seventeen():
    one = coverage_note(MEASURES, "No. 1 [2025]", "rare earths")
    assert one.startswith("No. 1 [2025] names 1 of the 17 rare-earth elements (samarium); ")
    every = ("lanthanum, cerium, praseodymium, neodymium, promethium, samarium, europium, "
             "gadolinium, terbium, dysprosium, holmium, erbium, thulium, ytterbium, lutetium, "
             "scandium, yttrium")  # fmt: skip
    all_named = MEASURES.with_columns(items=pl.lit(every))
    assert coverage_note(all_named, "No. 2 [2025]", "rare earths") is None


def test_prior_windows_exclude_a_measure_starting_on_the_day_and_order_by_date_then_name():
    measures = pl.DataFrame(
        [("No. 9 [2025]", None, D(2025, 2, 10)), ("No. 10 [2025]", D(2025, 1, 5), None),
         ("No. 1 [2025]", None, D(2025, 2, 10)), ("No. 5 [2025]", None, D(2025, 3, 1))],
        schema={"measure": pl.String, "announced": pl.Date, "effective": pl.Date},
        orient="row",
    )  # fmt: skip
    got = prior_windows(measures, D(2025, 3, 1), 2)
    assert got.rows() == [
        ("No. 10 [2025]", D(2025, 1, 5), "was announced", D(2025, 1, 1), D(2025, 3, 1)),
        ("No. 1 [2025]", D(2025, 2, 10), "took effect", D(2025, 2, 1), D(2025, 4, 1)),
        ("No. 9 [2025]", D(2025, 2, 10), "took effect", D(2025, 2, 1), D(2025, 4, 1)),
    ]


def test_events_of_one_day_come_in_id_order_not_file_order(write):
    rows = ("2025-04-04,CN,MOFCOM,No. 18 [2025],effective,x,s,https://e.example/2\n"
            "2025-04-04,CN,MOFCOM,No. 18 [2025],announcement,x,s,https://e.example/1\n")  # fmt: skip
    events = load_licence_events(write("events.csv", HEADER + rows))
    assert events["kind"].to_list() == ["announcement", "effective"]


def test_an_events_file_with_a_header_only_is_refused_as_empty(write):
    from reanalysis.errors import EmptyFileError

    path = write("events.csv", HEADER)
    with pytest.raises(EmptyFileError) as raised:
        load_licence_events(path)
    assert str(raised.value) == (
        f"{path}, line 2: found 'a header and no data rows', expected at least one data row"
    )


def test_no_event_concerns_a_commodity_when_there_are_none(write):
    events = load_licence_events(write("events.csv", HEADER + EVENTS)).clear()
    assert relevant_to(events, "rare earths").height == 0


def test_a_suspension_naming_no_measure_in_its_items_suspends_the_one_it_is_about(write):
    rows = (
        "2025-04-04,CN,MOFCOM,Announcement No. 18 [2025],announcement,samarium,,https://e.example/a\n"
        "2025-11-07,CN,MOFCOM,clause 2 of No. 18 [2025],suspension,samarium,,https://e.example/s\n"
    )
    measures = licence_measures(load_licence_events(write("events.csv", HEADER + rows)))
    assert measures.select("measure", "announced", "suspended", "items").rows() == [
        ("No. 18 [2025]", D(2025, 4, 4), D(2025, 11, 7), "samarium")
    ]
