"""The bounded-memory path (reanalysis.dataset) on the edges of its bookkeeping: the progress
bar's last step, text read as written, and errors moved from a batch file back to the source."""

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import reanalysis
import reanalysis.dataset as dataset
from reanalysis.dataset import growth_dataset
from reanalysis.errors import (
    BadValueError,
    CorruptFileError,
    DuplicateRowError,
    EmptyFileError,
    EncodingError,
    MissingColumnError,
)
from reanalysis.readers import COMTRADE_REQUIRED, read_statements
from test_dataset import bounded_error

HEADER = ",".join(COMTRADE_REQUIRED) + "\n"
ROWS = "".join(
    f"M,2025{m:02d},X,850511,{p},{m}000\n" for p in ("Japan", "Korea") for m in (1, 2, 3)
)


def last_state(err: str) -> str:
    return err.split("\r")[-1].strip()


def test_the_bar_ends_full_with_one_batch_and_at_the_split_with_none(write, tmp_path, capsys):
    growth_dataset(write("c.csv", HEADER + ROWS), tmp_path / "g")  # the split, then one batch
    last = last_state(capsys.readouterr().err)
    assert last.startswith("growth: 100%|") and " 2/2 [" in last
    empty = pl.read_csv(HEADER.encode(), schema_overrides={"cmdCode": pl.String})
    empty.write_parquet(tmp_path / "e.parquet")
    with pytest.raises(EmptyFileError):
        growth_dataset(tmp_path / "e.parquet", tmp_path / "h")
    assert " 1/1 [" in last_state(capsys.readouterr().err)


def test_a_tidy_csv_not_in_utf_8_is_refused_as_its_reader_refuses_it(write, tmp_path):
    # only a Comtrade+ CSV may be ISO-8859-1; a tidy file's reader names the first bad byte
    text = "period,commodity,flow,partner,value,unit\n2025-01,ore,export,Côte d'Ivoire,5,t\n"
    path = write("t.csv", text.encode("iso-8859-1"))
    error = bounded_error(EncodingError, path, tmp_path / "g")
    assert (error.line, error.column) == (2, "partner")


def test_an_iso_8859_1_csv_is_copied_as_utf_8_here_and_under_a_c_locale(write, tmp_path):
    path = write("c.csv", (HEADER + ROWS.replace("Korea", "Côte d'Ivoire")).encode("iso-8859-1"))
    # run here too: mutmut runs a test on a function's mutants only if the test process calls it
    here = pl.read_parquet(growth_dataset(path, tmp_path / "here", progress=False))
    assert sorted(here["partner"].cast(pl.String).unique()) == ["Côte d'Ivoire", "Japan"]
    code = (
        "import sys, polars as pl; from reanalysis.dataset import growth_dataset; "
        "out = growth_dataset(sys.argv[1], sys.argv[2], progress=False); "
        "print(sorted(pl.read_parquet(out)['partner'].cast(pl.String).unique()))"
    )
    # a C locale without coercion: the default codec is ASCII; the package is the one tested
    # here (under `make mutate`, the mutant: MUTANT_UNDER_TEST comes from os.environ)
    env = dict(os.environ, LC_ALL="C", PYTHONCOERCECLOCALE="0", PYTHONUTF8="0",
               PYTHONIOENCODING="utf-8", PYTHONPATH=str(Path(reanalysis.__file__).parents[1]))  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code, str(path), str(tmp_path / "g")], env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)  # fmt: skip
    assert done.stdout == "[\"Côte d'Ivoire\", 'Japan']\n", done.stderr


def test_codes_keep_their_leading_zeros(write, tmp_path):
    path = write("c.csv", HEADER + ROWS.replace("850511", "080510"))
    got = pl.read_parquet(growth_dataset(path, tmp_path / "g", progress=False))
    assert got["commodity"].cast(pl.String).unique().to_list() == ["080510"]


def test_an_error_on_a_batch_s_first_row_names_the_source_line(write, tmp_path):
    # the empty line is not a row: the bad row is line 3 of the source, line 2 of its batch
    path = write(
        "c.csv", HEADER + "\nM,202501,X,850511,Japan,-5\n" + ROWS[ROWS.index("M,202502") :]
    )
    err = bounded_error(BadValueError, path, tmp_path / "g")
    assert (err.file, err.line, err.column) == (str(path), 3, "netWgt")


def test_a_line_named_in_the_expected_text_is_the_source_s(write, tmp_path):
    # after the empty line every batch line is one less than the source's
    path = write("c.csv", HEADER + "\n" + ROWS + "M,202502,X,850511,Japan,7\n")
    assert "as line 4 (2 t)" in bounded_error(DuplicateRowError, path, tmp_path / "g").expected


@pytest.mark.parametrize(
    "error",
    [CorruptFileError("batch", None, None, "a parser bug", "a CSV file a parser can read"),
     MissingColumnError("batch", 1, "netWgt", "period,flowCode", "a netWgt column")],
)  # fmt: skip
def test_an_error_not_about_a_row_names_the_source_and_keeps_the_rest(
    write, tmp_path, monkeypatch, error
):
    path = write("c.csv", HEADER + ROWS)

    def failing(source, **kwargs):  # the reader fails on a batch file, never on the source
        if "batches" in Path(source).parts:
            raise error
        return read_statements(source, **kwargs)

    monkeypatch.setattr(dataset, "read_statements", failing)
    with pytest.raises(type(error)) as err:
        growth_dataset(path, tmp_path / "g", progress=False)
    got = err.value
    assert (got.file, got.line, got.column, got.found, got.expected) == (
        str(path), error.line, error.column, error.found, error.expected)  # fmt: skip
