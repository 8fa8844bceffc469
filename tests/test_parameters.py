"""Report parameters are checked before a kernel starts: names, YAML, dates, types, data."""

import datetime as dt
import os
from pathlib import Path

import pytest

from reanalysis import paths
from reanalysis.parameters import (
    ParameterError,
    check_data,
    check_parameters,
    closest,
    defined_parameters,
    read_parameter_set,
)
from reanalysis.provenance import sha256

GROWTH = {"commodity": "rare earths", "flow": "export", "partner": "World", "start": "2024-01",
          "end": "2025-12", "data": ""}  # fmt: skip
FRONT = {"measure": "No. 18 [2025]", "announced": "", "post_months": 3, "share": 0.5,
         "robust": False, "extra": None}  # fmt: skip


def refused(values: dict, defaults: dict = GROWTH) -> str:
    with pytest.raises(ParameterError) as caught:
        check_parameters(values, defaults, Path("params/growth/typo.yml"))
    return str(caught.value)


def test_an_unknown_name_is_refused_with_the_closest_name_and_all_of_them():
    assert refused({"country": "United States"}) == (
        "params/growth/typo.yml: unknown parameter `country`; did you mean `partner`? "
        "The notebook defines: commodity, flow, partner, start, end, data"
    )
    assert "did you mean `commodity`?" in refused({"comodity": "magnets"})
    assert "did you mean `end`?" in refused({"ned": "2025-01"})
    assert refused({"x": 1}, {}) == (
        "params/growth/typo.yml: unknown parameter `x` The notebook defines: nothing"
    )


@pytest.mark.parametrize(("name", "defined", "expected"), [
    ("country", ["commodity", "partner"], "partner"),
    ("country", ["commodity", "start"], "commodity"),  # no partner: the closest spelling
    ("post_month", ["post_months", "measure"], "post_months"),
    ("path", ["data", "start"], "data"),
])  # fmt: skip
def test_closest(name, defined, expected):
    assert closest(name, defined) == expected


def test_an_unquoted_first_of_the_month_is_that_month():
    values = {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 6, 1)}
    assert check_parameters(values, GROWTH, Path("a.yml")) == {"start": "2025-01", "end": "2025-06"}


@pytest.mark.parametrize(("value", "quoted"), [
    (dt.date(2025, 1, 15), "2025-01"), (dt.datetime(2025, 1, 1, 10, 30), "2025-01")])  # fmt: skip
def test_an_unquoted_day_or_time_for_a_month_is_refused_saying_how_to_quote_it(value, quoted):
    assert refused({"start": value}) == (
        f'params/growth/typo.yml: parameter `start` is an unquoted date ({value}); quote it: "{quoted}"'
    )


def test_an_unquoted_date_for_other_text_is_its_iso_text():
    assert check_parameters({"announced": dt.date(2025, 4, 4)}, FRONT, Path("a.yml")) == {
        "announced": "2025-04-04"}  # fmt: skip
    assert 'quote it: "2025-04-04"' in refused({"announced": dt.datetime(2025, 4, 4, 9)}, FRONT)


@pytest.mark.parametrize(("values", "message"), [
    ({"post_months": "three"}, "parameter `post_months` takes a whole number (default 3), found 'three'"),
    ({"post_months": 3.5}, "parameter `post_months` takes a whole number (default 3), found 3.5"),
    ({"post_months": True}, "parameter `post_months` takes a whole number (default 3), found True"),
    ({"share": "half"}, "parameter `share` takes a number (default 0.5), found 'half'"),
    ({"robust": "yes"}, "parameter `robust` takes true or false (default False), found 'yes'"),
    ({"measure": 18}, "parameter `measure` takes text (default 'No. 18 [2025]'), found 18"),
    ({"measure": dt.date(2025, 4, 4)} | {"post_months": dt.date(2025, 4, 4)},
     "parameter `post_months` takes a whole number (default 3), found datetime.date(2025, 4, 4)"),
])  # fmt: skip
def test_a_value_of_the_wrong_type_is_refused(values, message):
    assert refused(values, FRONT) == f"params/growth/typo.yml: {message}"


def test_values_that_fit_are_kept():
    values = {"post_months": 6, "share": 1, "robust": True, "extra": [1, 2], "measure": None}
    assert check_parameters(values, FRONT, Path("a.yml")) == {
        "post_months": 6, "share": 1.0, "robust": True, "extra": [1, 2], "measure": None}  # fmt: skip


@pytest.mark.parametrize("value", ["2025-1", "2025-13", "January 2025", "2025-01-01"])
def test_a_month_parameter_holds_a_month(value):
    assert refused({"end": value}) == ("params/growth/typo.yml: parameter `end` takes a month "
                                       f'written YYYY-MM (default "2025-12"), found {value!r}')  # fmt: skip


@pytest.mark.parametrize(("text", "message"), [
    ("partner: [United States\n", ", line 2, column 1: not valid YAML: while parsing a flow "
     "sequence: expected ',' or ']', but got '<stream end>'"),
    ("commodity: magnets\n  partner: Japan\n",
     ", line 2, column 10: not valid YAML: mapping values are not allowed here"),
    ("partner: Japan\npartner: Korea\n",
     ", line 2, column 1: not valid YAML: parameter 'partner' is given twice"),
    ("- partner\n- Japan\n", ": expected parameter names with values (name: value), found list"),
    ("\tpartner: Japan\n", ", line 1, column 1: not valid YAML: while scanning for the next "
     "token: found character '\\t' that cannot start any token"),
])  # fmt: skip
def test_a_yaml_error_names_the_file_line_and_column(write, text, message):
    path = write("bad.yml", text)
    with pytest.raises(ParameterError) as caught:
        read_parameter_set(path)
    assert str(caught.value) == f"{path}{message}"


def test_a_set_is_read_as_the_mapping_it_writes(write):
    text = 'partner: Japan\nstart: "2024-01"\nshare: 0.5\nextra: {a: [1, 2]}\nrobust: true\n'
    assert read_parameter_set(write("set.yml", text)) == {
        "partner": "Japan", "start": "2024-01", "share": 0.5, "extra": {"a": [1, 2]},
        "robust": True}  # fmt: skip


def test_a_set_is_read_as_utf_8_here_and_under_a_c_locale(write):
    import subprocess
    import sys

    import reanalysis

    path = write("set.yml", "partner: Côte d'Ivoire\n")
    # read here too: mutmut runs a test on a function's mutants only if the test process calls it
    assert read_parameter_set(path) == {"partner": "Côte d'Ivoire"}
    code = "import sys; from reanalysis.parameters import *; print(read_parameter_set(Path(sys.argv[1])))"
    # a C locale without coercion: the default codec is ASCII; the package is the one tested
    # here (under `make mutate`, the mutant: MUTANT_UNDER_TEST comes from os.environ)
    env = dict(os.environ, LC_ALL="C", PYTHONCOERCECLOCALE="0", PYTHONUTF8="0",
               PYTHONIOENCODING="utf-8", PYTHONPATH=str(Path(reanalysis.__file__).parents[1]))  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code, str(path)], env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=60)  # fmt: skip
    assert done.stdout == "{'partner': \"Côte d'Ivoire\"}\n", done.stderr


def test_a_yaml_error_without_a_position_names_the_file(write, monkeypatch):
    import yaml

    def fail(*args, **kwargs):
        raise yaml.MarkedYAMLError(problem="something went wrong")

    monkeypatch.setattr(yaml, "load", fail)
    path = write("set.yml", "partner: Japan\n")
    with pytest.raises(ParameterError) as caught:
        read_parameter_set(path)
    assert str(caught.value) == f"{path}: not valid YAML: something went wrong"


def test_a_default_of_another_type_takes_values_of_that_type():
    defaults = {"options": {"width": 600}}
    assert check_parameters({"options": {"width": 800}}, defaults, Path("a.yml")) == {
        "options": {"width": 800}}  # fmt: skip
    assert refused({"options": 3}, defaults) == (
        "params/growth/typo.yml: parameter `options` takes dict (default {'width': 600}), "
        "found 3")  # fmt: skip


def test_an_empty_set_and_bytes_that_are_not_text(write):
    assert read_parameter_set(write("empty.yml", "# nothing to change\n")) == {}
    with pytest.raises(ParameterError, match=r"binary\.yml: not valid YAML: 'utf-8' codec"):
        read_parameter_set(write("binary.yml", b"\xff\xfe\x00partner"))


def test_the_parameters_cell_gives_the_defined_names_and_defaults():
    assert defined_parameters(paths.NOTEBOOKS / "growth.ipynb") == GROWTH


def notebook(tmp_path: Path, *cells: tuple[str, list[str]]) -> Path:
    """A notebook file of code cells, each (source, tags)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src, metadata={"tags": tags}) for src, tags in cells]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    return path


def test_only_the_first_parameters_cell_and_its_named_literal_assignments_count(tmp_path):
    path = notebook(
        tmp_path,
        ("before = 1", []),
        (
            'import math\nx: int = 3\ny = "a"\nz: str\nsettings.width = 2\nlimit = [1, 2]\nprint(y)',
            ["parameters"],
        ),
        ("later = 2", ["parameters"]),
    )
    assert defined_parameters(path) == {"x": 3, "y": "a", "limit": [1, 2]}
    assert defined_parameters(notebook(tmp_path, ("x = 1", ["other"]))) == {}


def user_file(write) -> Path:
    """A synthetic tidy file (generated here, not real data): gallium exports, 2024-2025."""
    rows = [f"2024-{m:02d},gallium,export,World,{1000 + 10 * m},kg" for m in range(1, 13)]
    rows += [f"2025-{m:02d},gallium,export,Japan,{2000 + m},kg" for m in range(1, 7)]
    return write("mine.csv", "period,commodity,flow,partner,value,unit\n" + "\n".join(rows) + "\n")


def test_a_user_file_is_named_in_the_header_with_its_hash_and_vintage(write):
    path = user_file(write)
    os.utime(path, (0, 1_767_225_600))  # 2026-01-01 00:00 UTC
    source = check_data({"data": str(path), "commodity": "gallium"}, GROWTH, "params/growth/x.yml")
    assert (source.file, source.sha256) == (str(path), sha256(path))
    assert source.vintage == "latest month 2025-06, file modified 2026-01-01 00:00 UTC"
    assert str(source) == f"{path} (sha256 {sha256(path)[:12]}); {source.vintage}"


def test_a_sidecar_beside_a_user_file_gives_its_access_date(write):
    path = user_file(write)
    write("mine.csv.meta.yml", "".join(f"{k}: x\n" for k in (
        "title", "description", "producer", "sources", "licence", "sha256", "refresh", "columns"))
          + "access_date: 2026-03-02\n")  # fmt: skip
    source = check_data({"data": str(path), "commodity": "gallium"}, GROWTH, "x.yml")
    assert source.vintage.startswith("latest month 2025-06, accessed 2026-03-02, file modified")


def test_the_shipped_data_is_named_with_the_data_raw_hash():
    source = check_data({}, GROWTH, "growth.ipynb (defaults)")
    assert source.file == "the shipped data (data/raw/)"
    assert source.vintage.startswith("curated statements through 2025-12, accessed ")


def test_a_notebook_without_a_data_parameter_reads_no_data_here():
    assert check_data({}, {"commodity": "all"}, "x.yml") is None


def test_a_missing_file_is_refused_naming_the_set_and_where_it_looked():
    with pytest.raises(ParameterError) as caught:
        check_data({"data": "mine/nothing.csv"}, GROWTH, "params/growth/mine.yml")
    assert str(caught.value) == (
        f"params/growth/mine.yml: data file 'mine/nothing.csv' not found (looked for "
        f"{paths.ROOT / 'mine/nothing.csv'}; relative paths are read from the repository root)"
    )


def test_a_series_absent_from_the_shipped_data_names_it(write):
    with pytest.raises(ParameterError, match=r"^x\.yml: data file the shipped data: no series "
                       r"germanium / export / World; available: "):  # fmt: skip
        check_data({"commodity": "germanium"}, GROWTH, "x.yml")


def test_a_file_changed_since_it_was_checked_is_read_again(write):
    path = user_file(write)
    given = {"data": str(path), "commodity": "gallium"}
    assert check_data(given, GROWTH, "x.yml").vintage.startswith("latest month 2025-06")
    path.write_text(path.read_text() + "2025-07,gallium,export,Japan,2007,kg\n")
    assert check_data(given, GROWTH, "x.yml").vintage.startswith("latest month 2025-07")
    path.write_text(path.read_text().replace("gallium", "germanium"))
    with pytest.raises(ParameterError, match="no series gallium / export / World"):
        check_data(given, GROWTH, "x.yml")


def test_a_series_absent_from_the_file_is_refused_listing_the_series_it_holds(write):
    path = user_file(write)
    with pytest.raises(ParameterError) as caught:
        check_data({"data": str(path), "commodity": "germanium"}, GROWTH, "params/growth/mine.yml")
    assert str(caught.value) == (
        f"params/growth/mine.yml: data file {path}: no series germanium / export / World; "
        "available: gallium / export / Japan; gallium / export / World"
    )


def test_an_unreadable_file_is_refused_with_the_loaders_error(write):
    path = write("broken.csv", "period,commodity,flow,partner,value,unit\n2025-13,x,export,W,1,t\n")
    with pytest.raises(
        ParameterError, match=rf"^params/growth/b.yml: data file {path}: {path}, line 2"
    ):
        check_data({"data": str(path)}, GROWTH, "params/growth/b.yml")
