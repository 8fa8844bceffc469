"""`make data`: the processed tables are the loaders' frames, written atomically, only when the
raw data or the package changed, and never half-written."""

import os

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from reanalysis import paths, processed
from reanalysis.events import licence_measures, load_licence_events
from reanalysis.loaders import load_customs, source_conflicts
from reanalysis.provenance import inputs_digest

TABLES = ("series", "conflicts", "events", "measures")


def test_build_writes_each_table_as_the_loaders_return_it(tmp_path):
    out = tmp_path / "processed"  # not there yet: build creates it
    written = processed.build(out)
    assert written == [out / f"{name}.parquet" for name in TABLES]
    events = load_licence_events()
    expected = {
        "series": load_customs(),
        "conflicts": source_conflicts(),
        "events": events,
        "measures": licence_measures(events),
    }
    for name, frame in expected.items():
        assert_frame_equal(pl.read_parquet(out / f"{name}.parquet"), frame)
    assert (out / ".inputs.sha256").read_text() == inputs_digest()
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [".inputs.sha256"] + [f"{name}.parquet" for name in TABLES]
    )  # no temporary file left behind


def test_unchanged_inputs_rewrite_nothing(tmp_path):
    processed.build(tmp_path)
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    assert processed.build(tmp_path) == []
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before


def test_changed_inputs_rewrite_every_table(tmp_path):
    processed.build(tmp_path)
    (tmp_path / ".inputs.sha256").write_text("digest of older inputs")
    assert processed.build(tmp_path) == [tmp_path / f"{name}.parquet" for name in TABLES]
    assert (tmp_path / ".inputs.sha256").read_text() == inputs_digest()


def test_a_failing_table_writes_nothing(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("conflicts failed")

    monkeypatch.setattr(processed, "source_conflicts", broken)
    with pytest.raises(ValueError, match="conflicts failed"):
        processed.build(tmp_path)
    assert list(tmp_path.iterdir()) == []  # no table and no stamp: the next run retries


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "t.parquet"
    target.write_bytes(b"previous contents")
    frame = pl.DataFrame({"a": [1, 2]})
    processed.write_parquet_atomic(frame, target)
    assert_frame_equal(pl.read_parquet(target), frame)
    assert os.listdir(tmp_path) == ["t.parquet"]


def test_main_names_each_file_written_then_says_nothing_changed(tmp_path, monkeypatch, capsys):
    out = tmp_path / "data" / "processed"
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    monkeypatch.setattr(processed.build, "__defaults__", (out,))
    assert processed.main() == 0
    columns = {name: len(pl.read_parquet_schema(out / f"{name}.parquet")) for name in TABLES}
    assert capsys.readouterr().out.splitlines() == [
        f"data: wrote data/processed/{name}.parquet ({columns[name]} columns)" for name in TABLES
    ]
    assert processed.main() == 0
    assert capsys.readouterr().out == "data: nothing changed, data/processed is up to date\n"


def test_make_data_runs_the_module_against_any_checkout(tmp_path):
    import shutil
    import subprocess
    import sys

    shutil.copytree(paths.RAW, tmp_path / "data" / "raw")
    env = dict(os.environ, REANALYSIS_ROOT=str(tmp_path))
    command = [sys.executable, "-m", "reanalysis.processed"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert [line.split(" (")[0] for line in first.stdout.splitlines()] == [
        f"data: wrote data/processed/{name}.parquet" for name in TABLES
    ]
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert again.stdout == "data: nothing changed, data/processed is up to date\n"
    assert_frame_equal(pl.read_parquet(tmp_path / "data/processed/series.parquet"), load_customs())
