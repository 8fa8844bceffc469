"""``to_pandas()`` of every public frame: categoricals stay categories, dates are datetimes,
numbers stay numbers (a null number is NaN, so no integer column of a public frame is null)."""

import datetime as dt

import pandas as pd
import polars as pl
import pytest

import reanalysis as ra
from reanalysis.events import licence_measures


def public_frames() -> dict[str, pl.DataFrame]:
    customs = ra.load_customs()
    series = ra.select_series(customs, commodity="rare earths")
    result = ra.front_loading(series, announced="2025-10-09", effective="2025-11-08")
    events = ra.load_licence_events()
    measures = licence_measures(events)
    return {
        "load_customs": customs,
        "load_statements": ra.load_statements(),
        "growth": ra.growth(customs),
        "select_series window": ra.select_series(customs, commodity="rare earths", start="2025-01"),
        "rolling": ra.rolling(customs),
        "check_reported": ra.check_reported(),
        "source_conflicts": ra.source_conflicts(),
        "load_licence_events": events,
        "licence_measures": measures,
        "front_loading summary": result.summary,
        "front_loading table": result.table,
        "front_loading placebos": result.placebos,
        "event_study": ra.event_study(series, measures.select("measure", date="announced")),
    }


FRAMES = public_frames()


def expected_dtype(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Categorical | pl.Enum):
        return "category"
    if dtype == pl.Date:
        return "datetime64[ms]"
    if dtype == pl.String:
        return "str"
    if isinstance(dtype, pl.List):
        return "object"  # one NumPy array per cell
    return str(dtype.to_python()).removeprefix("<class '").removesuffix("'>")


PANDAS_KIND = {"bool": "b", "int": "iu", "float": "f"}
# Integer columns that are null by design, so pandas holds them as float64 with NaN:
# a placebo date that is not a whole number of years back has no ``years_back``.
NULLABLE_INTEGERS = {("front_loading placebos", "years_back")}


@pytest.mark.parametrize("name", FRAMES)
def test_to_pandas_keeps_sensible_dtypes(name):
    frame = FRAMES[name]
    assert frame.height > 0, name
    converted = frame.to_pandas()
    assert list(converted.columns) == frame.columns
    for column, dtype in frame.schema.items():
        got, want = converted[column].dtype, expected_dtype(dtype)
        if (name, column) in NULLABLE_INTEGERS:
            assert got == "float64", (name, column, got)
        elif want in PANDAS_KIND:
            assert got.kind in PANDAS_KIND[want], (name, column, got, frame[column].null_count())
        elif want == "str":
            assert pd.api.types.is_string_dtype(got), (name, column, got)
        else:
            assert str(got) == want, (name, column, str(got))
        assert converted[column].isna().sum() == frame[column].null_count(), (name, column)


def test_values_survive_the_hand_off():
    customs = FRAMES["load_customs"].to_pandas()
    april = customs[(customs["commodity"] == "rare earths") & (customs["partner"] == "World")
                    & (customs["flow"] == "export") & (customs["period"] == "2025-04-01")]  # fmt: skip
    assert april[["value_t", "months"]].to_dict("records") == [{"value_t": 4784.8, "months": 1}]
    assert april["period"].iloc[0] == pd.Timestamp(dt.date(2025, 4, 1))
    derived_ytd_only = customs[(customs["partner"] == "European Union")
                               & (customs["period"] == "2025-05-01")]  # fmt: skip
    assert derived_ytd_only[["value_t", "ytd_t", "n_sources"]].to_dict("records") == [
        {"value_t": pytest.approx(float("nan"), nan_ok=True), "ytd_t": 6996.0, "n_sources": 0}
    ]
    summary = FRAMES["front_loading summary"].to_pandas()
    assert summary["placebo_n"].dtype.kind == "i" and summary["placebo_n"].min() >= 0
    conflicts = FRAMES["source_conflicts"]
    assert [list(x) for x in conflicts.to_pandas()["lines"]] == conflicts["lines"].to_list()
