"""Provenance sidecars (``<file>.meta.yml``) beside every raw file.

>>> from reanalysis import paths
>>> meta = read_sidecar(paths.EVENTS_FILE)
>>> meta["sha256"] == sha256(paths.EVENTS_FILE)
True
"""

import hashlib
from pathlib import Path

import yaml

from reanalysis import paths

REQUIRED = ("title", "description", "producer", "sources", "access_date", "licence", "sha256",
            "refresh", "columns")  # fmt: skip


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sidecar_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + ".meta.yml")


def read_sidecar(path: Path) -> dict:
    """The sidecar of ``path``; raises ``ValueError`` if a required field is missing."""
    meta = yaml.safe_load(sidecar_path(path).read_text(encoding="utf-8"))
    missing = [k for k in REQUIRED if k not in meta]
    if missing:
        raise ValueError(f"{sidecar_path(path)}: missing field(s) {', '.join(missing)}")
    return meta


def inputs_digest() -> str:
    """Digest of everything a computed output depends on: the package source and the raw data."""
    h = hashlib.sha256()
    for root in (paths.SRC, paths.RAW):
        for f in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            h.update(str(f.relative_to(root)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def raw_files() -> list[Path]:
    """Every data file in ``data/raw/`` (sidecars and prose excluded)."""
    return sorted(p for p in paths.RAW.rglob("*") if p.suffix in (".csv", ".parquet"))


def vintage() -> str:
    """One line naming the raw data's access date, latest period and combined hash."""
    h = hashlib.sha256()
    accessed = set()
    for f in raw_files():
        h.update(sha256(f).encode())
        accessed.add(str(read_sidecar(f)["access_date"]))
    latest = max(read_sidecar(f).get("latest_period", "") for f in raw_files())
    return (f"curated statements through {latest}, accessed {', '.join(sorted(accessed))}; "
            f"data/raw sha256 {h.hexdigest()[:12]}")  # fmt: skip
