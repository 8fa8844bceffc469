"""The flat public API: ``import reanalysis as ra``, each function with a runnable example
(the examples themselves run as doctests in ``make test``)."""

import doctest

import pytest

import reanalysis as ra

PUBLIC = ("load_customs", "load_licence_events", "select_series", "growth", "rolling",
          "check_reported", "front_loading", "event_study", "source_conflicts", "fetch_comtrade")  # fmt: skip


@pytest.mark.parametrize("name", PUBLIC)
def test_each_public_function_is_at_the_top_and_shows_an_example(name):
    function = getattr(ra, name)
    assert name in ra.__all__
    assert doctest.DocTestParser().get_examples(function.__doc__ or ""), name
