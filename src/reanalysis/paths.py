"""Where things live, resolved from the package so any working directory works.

Set ``REANALYSIS_ROOT`` to point the package at another checkout.
"""

import os
from pathlib import Path

ROOT = Path(os.environ.get("REANALYSIS_ROOT", Path(__file__).resolve().parents[2]))
RAW = ROOT / "data" / "raw"
PROCESSED = ROOT / "data" / "processed"
NOTEBOOKS = ROOT / "notebooks"
PARAMS = ROOT / "params"
REPORTS = ROOT / "reports"
SRC = Path(__file__).resolve().parent

RARE_EARTHS = RAW / "rare_earths"
CUSTOMS_FILES = (
    RARE_EARTHS / "gacc_rare_earth_exports.csv",
    RARE_EARTHS / "magnet_exports.csv",
)
EVENTS_FILE = RARE_EARTHS / "licence_events.csv"
HS_CODES_FILE = RAW / "reference" / "hs_codes.csv"


def data_file(data: str | Path | None) -> Path | None:
    """The file a notebook's ``data`` parameter names: ``None`` (the shipped data) when empty,
    a relative path read from the repository root (not the notebook's folder).

    >>> data_file(""), data_file("/tmp/x.csv"), data_file("mine/x.csv") == ROOT / "mine/x.csv"
    (None, PosixPath('/tmp/x.csv'), True)
    """
    if not data:
        return None
    path = Path(data).expanduser()
    return path if path.is_absolute() else ROOT / path
