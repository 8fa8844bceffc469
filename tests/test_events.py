import datetime as dt

import polars as pl
import pytest

from reanalysis.errors import BadValueError
from reanalysis.events import KINDS, licence_measures, load_licence_events, measure_ids, relevant_to


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
    assert relevant_to(events, "850511 tungsten").height == events.height


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
