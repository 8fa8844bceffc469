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
    """Digest of everything a computed output depends on: the package's Python modules and
    every file of the raw data. Other files beside the modules (an editor's backup, the
    results mutmut keeps beside each module it mutates, compiled caches) change no output."""
    h = hashlib.sha256()
    for root, files in ((paths.SRC, "*.py"), (paths.RAW, "*")):
        for f in sorted(p for p in root.rglob(files) if p.is_file()):
            h.update(str(f.relative_to(root)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def raw_files() -> list[Path]:
    """Every data file in ``data/raw/`` (sidecars and prose excluded)."""
    return sorted(p for p in paths.RAW.rglob("*") if p.suffix in (".csv", ".parquet"))


def raw_digest() -> str:
    """One hash of every data file in ``data/raw/`` (the hash of their hashes, in order)."""
    return hashlib.sha256("".join(sha256(f) for f in raw_files()).encode()).hexdigest()


def shipped_vintage() -> str:
    """The shipped data's latest period and access dates, from the sidecars."""
    metas = [read_sidecar(f) for f in raw_files()]
    accessed = sorted({str(m["access_date"]) for m in metas})
    latest = max(m.get("latest_period", "") for m in metas)
    return f"curated statements through {latest}, accessed {', '.join(accessed)}"


def vintage() -> str:
    """One line naming the raw data's access date, latest period and combined hash."""
    return f"{shipped_vintage()}; data/raw sha256 {raw_digest()[:12]}"
