"""data/raw: every file has a sidecar whose hash matches, and every row cites a source."""

import csv
import hashlib

import pytest

from reanalysis import load_customs, paths, source_conflicts
from reanalysis.events import load_licence_events
from reanalysis.provenance import inputs_digest, raw_files, read_sidecar, sha256, vintage

FILES = raw_files()
# snapshots written by fetch_comtrade (none ship): sidecar checked, sources in the sidecar
CURATED = [f for f in FILES if paths.RAW / "comtrade" not in f.parents]


def test_the_shipped_files_are_there():
    assert {f.name for f in CURATED} == {"gacc_rare_earth_exports.csv", "magnet_exports.csv",
                                       "licence_events.csv", "hs_codes.csv"}  # fmt: skip


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_sidecar_hash_matches(path):
    assert read_sidecar(path)["sha256"] == sha256(path)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_sidecar_describes_every_column(path):
    with path.open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert set(read_sidecar(path)["columns"]) == set(header)


@pytest.mark.parametrize("path", CURATED, ids=lambda p: p.name)
def test_every_row_has_a_source_address(path):
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    missing = [
        i + 2 for i, r in enumerate(rows) if not r["source_url"].startswith(("http://", "https://"))
    ]
    assert missing == []


def test_loading_never_writes_to_raw():
    before = {f: (f.stat().st_mtime_ns, sha256(f)) for f in paths.RAW.rglob("*") if f.is_file()}
    load_customs(), source_conflicts(), load_licence_events()
    after = {f: (f.stat().st_mtime_ns, sha256(f)) for f in paths.RAW.rglob("*") if f.is_file()}
    assert after == before


def test_vintage_names_the_latest_period_and_access_date():
    assert vintage().startswith("curated statements through 2025-12, accessed 2026-11")


def test_a_sidecar_missing_a_field_names_it(tmp_path):
    data = tmp_path / "x.csv"
    data.write_text("a\n1\n")
    (tmp_path / "x.csv.meta.yml").write_text("title: t\ndescription: d\nproducer: p\n")
    with pytest.raises(ValueError, match="missing field\\(s\\) sources, access_date, licence"):
        read_sidecar(data)


def test_a_sidecar_is_read_as_utf_8_here_and_under_a_c_locale(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    import reanalysis

    data = tmp_path / "x.csv"
    data.write_text("a\n1\n")
    fields = "".join(f"{k}: x\n" for k in ("title", "description", "sources", "access_date",
                                            "licence", "sha256", "refresh", "columns"))  # fmt: skip
    (tmp_path / "x.csv.meta.yml").write_text(
        fields + "producer: 海关总署 (Côte)\n", encoding="utf-8"
    )
    # read here too: mutmut runs a test on a function's mutants only if the test process calls it
    assert read_sidecar(data)["producer"] == "海关总署 (Côte)"
    code = "import sys; from reanalysis.provenance import *; print(read_sidecar(sys.argv[1])['producer'])"
    # a C locale without coercion: the default codec is ASCII; the package is the one tested
    # here (under `make mutate`, the mutant: MUTANT_UNDER_TEST comes from os.environ)
    env = dict(os.environ, LC_ALL="C", PYTHONCOERCECLOCALE="0", PYTHONUTF8="0",
               PYTHONIOENCODING="utf-8", PYTHONPATH=str(Path(reanalysis.__file__).parents[1]))  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code, str(data)], env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=60)  # fmt: skip
    assert done.stdout == "海关总署 (Côte)\n", done.stderr


def _raw_folder(tmp_path, monkeypatch):
    """A data/raw of two data files with sidecars (one in a subfolder), a note and a cache."""
    monkeypatch.setattr(paths, "RAW", tmp_path / "raw")
    monkeypatch.setattr(paths, "SRC", tmp_path / "src")
    (tmp_path / "raw" / "sub").mkdir(parents=True)
    (tmp_path / "src" / "__pycache__").mkdir(parents=True)
    files = {"a.csv": ("2025-06", "2026-03-04"), "sub/b.parquet": ("2025-09", "2025-01-02")}
    for name, (latest, accessed) in files.items():
        (tmp_path / "raw" / name).write_text(name)
        meta = {k: "x" for k in ("title", "description", "producer", "sources", "licence",
                                 "sha256", "refresh", "columns")}  # fmt: skip
        meta |= {"access_date": accessed, "latest_period": latest}
        (tmp_path / "raw" / f"{name}.meta.yml").write_text(
            "".join(f"{k}: '{v}'\n" for k, v in meta.items())
        )
    (tmp_path / "raw" / "README.md").write_text("prose")
    (tmp_path / "src" / "m.py").write_text("x = 1\n")
    return tmp_path


def test_the_raw_digest_is_the_hash_of_each_data_files_hash_in_order(tmp_path, monkeypatch):
    root = _raw_folder(tmp_path, monkeypatch)
    data = [root / "raw" / "a.csv", root / "raw" / "sub" / "b.parquet"]
    assert raw_files() == data  # sidecars and prose are not data
    joined = "".join(hashlib.sha256(f.read_bytes()).hexdigest() for f in data)
    digest = hashlib.sha256(joined.encode()).hexdigest()
    assert vintage() == (
        "curated statements through 2025-09, accessed 2025-01-02, 2026-03-04; "
        f"data/raw sha256 {digest[:12]}"
    )


def test_the_inputs_digest_covers_the_modules_and_every_raw_file_but_caches(tmp_path, monkeypatch):
    root = _raw_folder(tmp_path, monkeypatch)
    before = inputs_digest()
    (root / "src" / "__pycache__" / "m.pyc").write_bytes(b"cache")
    (root / "src" / "m.py.meta").write_text("{}")  # mutmut's results beside a module
    assert inputs_digest() == before
    (root / "src" / "m.py").write_text("x = 2\n")
    changed = inputs_digest()
    assert changed != before
    (root / "raw" / "README.md").write_text("prose, revised")
    revised = inputs_digest()
    assert revised not in (before, changed)
    # the same bytes under another name, read in the same place of the order
    (root / "raw" / "a.csv").rename(root / "raw" / "a-.csv")
    assert inputs_digest() not in (before, changed, revised)
