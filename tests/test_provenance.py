"""data/raw: every file has a sidecar whose hash matches, and every row cites a source."""

import csv

import pytest

from reanalysis import load_customs, paths, source_conflicts
from reanalysis.events import load_licence_events
from reanalysis.provenance import raw_files, read_sidecar, sha256, vintage

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
