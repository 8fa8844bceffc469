"""Write ``data/processed/*.parquet`` from ``data/raw/`` (``make data``).

Each file is written to a temporary name and renamed, so a failed run leaves the previous
files intact; nothing is rewritten when the raw data and the package are unchanged.
"""

import os
import sys
from pathlib import Path

import polars as pl

from reanalysis import paths
from reanalysis.events import licence_measures, load_licence_events
from reanalysis.loaders import load_customs, source_conflicts
from reanalysis.provenance import inputs_digest


def write_parquet_atomic(frame: pl.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    frame.write_parquet(tmp)
    os.replace(tmp, path)


def build(out: Path = paths.PROCESSED) -> list[Path]:
    """Write the processed tables if their inputs changed; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    stamp = out / ".inputs.sha256"
    digest = inputs_digest()
    if stamp.exists() and stamp.read_text() == digest:
        return []
    events = load_licence_events()
    tables = {
        "series": load_customs(),
        "conflicts": source_conflicts(),
        "events": events,
        "measures": licence_measures(events),
    }
    written = []
    for name, frame in tables.items():  # compute everything first: a failure writes nothing
        write_parquet_atomic(frame, out / f"{name}.parquet")
        written.append(out / f"{name}.parquet")
    stamp.write_text(digest)
    return written


def main() -> int:
    written = build()
    if not written:
        print("data: nothing changed, data/processed is up to date")
    for path in written:
        print(
            f"data: wrote {path.relative_to(paths.ROOT)} ({pl.read_parquet_schema(path).len()} columns)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
