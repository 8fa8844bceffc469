import datetime as dt

import polars as pl
import pytest

from reanalysis.errors import BadValueError
from reanalysis.events import (
    KINDS,
    RELEVANCE,
    licence_measures,
    load_licence_events,
    measure_ids,
    relevance_pattern,
    relevant_to,
    unknown_commodity_note,
)


@pytest.fixture(scope="module")
def events() -> pl.DataFrame:
    return load_licence_events()


def test_events_are_typed_and_ids_stable_and_unique(events):
    assert events.height == 49
    assert events["event_id"].n_unique() == 49
    assert events.schema["date"] == pl.Date and events.schema["kind"] == pl.Enum(KINDS)
    assert load_licence_events()["event_id"].to_list() == events["event_id"].to_list()


def test_event_ids_survive_reordering(events, tmp_path):
    from reanalysis import paths

    lines = paths.EVENTS_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    shuffled = tmp_path / "events.csv"
    shuffled.write_text(lines[0] + "".join(reversed(lines[1:])), encoding="utf-8")
    assert sorted(load_licence_events(shuffled)["event_id"]) == sorted(events["event_id"])


def test_april_2025_controls_announced_and_effective_the_same_day(events):
    m = licence_measures(events).filter(pl.col("measure") == "No. 18 [2025]")
    assert m.select("announced", "effective", "scheduled", "suspended").row(0) == (
        dt.date(2025, 4, 4), dt.date(2025, 4, 4), None, None)  # fmt: skip


@pytest.mark.parametrize("number", [55, 56, 57, 58])
def test_october_2025_measures_scheduled_then_suspended(events, number):
    m = licence_measures(events).filter(pl.col("measure") == f"No. {number} [2025]")
    assert m.select("announced", "effective", "scheduled", "suspended").row(0) == (
        dt.date(2025, 10, 9), None, dt.date(2025, 11, 8), dt.date(2025, 11, 7))  # fmt: skip


def test_measure_numbers_expand_ranges_and_lists():
    assert measure_ids("MOFCOM/GACC Announcements No. 55-58 [2025]") == [
        "No. 55 [2025]", "No. 56 [2025]", "No. 57 [2025]", "No. 58 [2025]"]  # fmt: skip
    assert measure_ids(None) == []


def test_relevance_keeps_rare_earth_events_only(events):
    kept = relevant_to(events, "rare earths")
    assert kept.filter(pl.col("announcement").str.contains("No. 23 \\[2023\\]")).height == 0
    assert kept.filter(pl.col("announcement").str.contains("No. 18 \\[2025\\]")).height == 2
    none = relevant_to(events, "850511 vanadium")  # no pattern: no event, never every event
    assert none.height == 0 and none.schema == events.schema
    assert relevance_pattern("850511 vanadium") is None
    assert relevance_pattern("Rare earths") == RELEVANCE["rare earth"]


def test_a_commodity_without_a_pattern_is_said_only_when_no_measure_is_given(events):
    measures = licence_measures(events)
    assert unknown_commodity_note(measures.clear(), "vanadium products") == (
        "no shipped licence event is known to cover vanadium products, so no earlier measure's "
        "months are left out of estimation; pass measures= (and the control's dates) explicitly "
        "for the measures that concern it"
    )
    assert unknown_commodity_note(measures, "vanadium products") is None
    assert unknown_commodity_note(measures.clear(), "rare earths") is None


def test_bad_kind_names_line_and_column(tmp_path):
    from reanalysis import paths

    lines = paths.EVENTS_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    bad = tmp_path / "events.csv"
    bad.write_text(
        lines[0] + lines[1] + lines[2].replace(",effective,", ",efective,"), encoding="utf-8"
    )
    with pytest.raises(BadValueError, match=r"line 3, column 'kind': found 'efective'"):
        load_licence_events(bad)


def test_a_suspension_of_a_relevant_measure_is_relevant(events):
    measures = licence_measures(relevant_to(events, "rare earths"))
    assert measures.filter(pl.col("measure") == "No. 57 [2025]")["suspended"].to_list() == [
        dt.date(2025, 11, 7)
    ]
    assert "No. 46 [2024]" not in measures["measure"].to_list()  # gallium etc., not rare earths


# --- the remaining rules, each with its exact outcome --------------------------------------

HEADER = "date,jurisdiction,authority,announcement,kind,items,summary,source_url\n"
NO_18 = "MOFCOM/GACC Announcement No. 18 [2025]"


def test_a_missing_column_is_named(tmp_path):
    from reanalysis.errors import MissingColumnError

    path = tmp_path / "events.csv"
    path.write_text(
        HEADER.replace(",summary", ",note") + f"2025-04-04,CN,MOFCOM,{NO_18},announcement,,,x\n",
        encoding="utf-8",
    )
    with pytest.raises(MissingColumnError, match="line 1, column 'summary'"):
        load_licence_events(path)


def test_a_date_of_no_calendar_day_names_its_line(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        HEADER
        + f"2025-04-04,CN,MOFCOM,{NO_18},announcement,,,https://a.example\n"
        + f"2025-02-30,CN,MOFCOM,{NO_18},effective,,,https://a.example\n",
        encoding="utf-8",
    )  # 30 February passes the YYYY-MM-DD pattern but is no day
    with pytest.raises(BadValueError, match=r"line 3, column 'date': found '2025-02-30'"):
        load_licence_events(path)


def test_events_naming_no_measure_give_an_empty_measure_table():
    from reanalysis.events import MEASURE_SCHEMA

    events = pl.DataFrame(
        {"kind": ["agreement"], "date": [dt.date(2025, 11, 1)], "items": [None],
         "announcement": ["a trade agreement"], "event_id": ["x"]}
    )  # fmt: skip
    got = licence_measures(events)
    assert got.height == 0 and got.schema == MEASURE_SCHEMA


def test_resolve_dates_from_a_measure_explicit_dates_or_neither(events):
    from reanalysis.events import resolve_dates

    measures = licence_measures(events)
    assert resolve_dates(measures, "No. 18 [2025]") == {
        "announced": dt.date(2025, 4, 4), "effective": dt.date(2025, 4, 4), "suspended": None}  # fmt: skip
    assert resolve_dates(measures, "No. 18 [2025]", suspended="2025-12-01")["suspended"] == dt.date(
        2025, 12, 1
    )
    assert resolve_dates(measures, announced="2025-01-02", effective="2025-02-03") == {
        "announced": dt.date(2025, 1, 2), "effective": dt.date(2025, 2, 3), "suspended": None}  # fmt: skip
    with pytest.raises(KeyError, match="no measure 'No. 1 \\[1999\\]'"):
        resolve_dates(measures, "No. 1 [1999]")
    with pytest.raises(ValueError, match="no effective date"):
        resolve_dates(measures, announced="2025-01-02")
    with pytest.raises(ValueError, match="no announced or effective date"):
        resolve_dates(measures)
