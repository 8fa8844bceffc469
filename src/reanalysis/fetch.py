"""Fetch UN Comtrade+ monthly data through the UN's official client, ``comtradeapicall``, into
a raw snapshot (a Comtrade+ CSV in the 47-column layout) beside its provenance sidecar.

The client is an optional dependency: ``pip install 'reanalysis[comtrade]'`` (in this checkout
``make env`` installs it). Without an API key the query goes to the public preview, which gives
at most 500 rows a call; with a key (free for registered users of Comtrade+, set
``COMTRADE_API_KEY`` or pass ``api_key``), up to 250,000. A call that comes back full may have
been cut, and is refused rather than written.

Every query is pinned to totals (``motCode`` 0, ``customsCode`` C00, ``partner2Code`` 0, the
classic breakdown mode), so the snapshot holds one row per reporter, flow, HS code, partner and
month; a response with any other row is refused. A snapshot is never overwritten: each fetch
writes a new file named by its query and access time.
"""

import contextlib
import datetime as dt
import io
import os
import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from reanalysis import paths
from reanalysis.formats.comtrade import BREAKDOWNS, COMTRADE_COLUMNS, COMTRADE_FLOWS
from reanalysis.provenance import sha256, sidecar_path

API_KEY_VARIABLE = "COMTRADE_API_KEY"
PREVIEW_LIMIT = 500  # rows a call of the public preview gives at most
KEYED_LIMIT = 250_000  # rows a call with an API key gives at most
PERIODS_PER_CALL = 12  # months the API takes in one query
PINNED = {"partner2Code": "0", "customsCode": "C00", "motCode": "0"}
ENDPOINTS = {
    False: "https://comtradeapi.un.org/public/v1/preview/C/M/HS",
    True: "https://comtradeapi.un.org/data/v1/get/C/M/HS",
}
COLUMN_NOTES = {
    "period": "month, YYYYMM", "freqCode": "M (monthly)", "flowCode": "X export, M import",
    "reporterCode": "reporter, Comtrade code", "partnerCode": "partner, Comtrade code (0 World)",
    "partnerISO": "partner, ISO alpha-3 (W00 World, S19 Other Asia nes)",
    "cmdCode": "HS code, as text", "netWgt": "net weight, kg", "qty": "quantity, in qtyUnitCode",
    "qtyUnitCode": "unit of qty (8 kg)", "isNetWgtEstimated": "netWgt estimated by UN Comtrade",
    "isQtyEstimated": "qty estimated by UN Comtrade", "primaryValue": "trade value, US dollars",
    "motCode": "mode of transport (0 total)", "customsCode": "customs procedure (C00 total)",
    "partner2Code": "second partner (0 World: total)", "mosCode": "mode of supply (0 total)",
}  # fmt: skip


class FetchError(RuntimeError):
    """A Comtrade+ query that gave no usable snapshot (refused, cut, empty, not totals)."""


def fetch_comtrade(
    reporter: int,
    partners: int | Iterable[int],
    hs_codes: str | Iterable[str],
    start: str,
    end: str,
    *,
    flow: str = "X",
    directory: str | Path | None = None,
    api_key: str | None = None,
) -> Path:
    """Fetch monthly Comtrade+ totals and write them as a new raw snapshot; return its path.

    ``reporter`` and ``partners`` are Comtrade's numeric codes (China 156, World 0, United
    States 842, Japan 392); ``hs_codes`` are HS codes as text (``"850511"``, ``"2846"``);
    ``start``/``end`` are months ``YYYY-MM``; ``flow`` is ``X``, ``M``, ``RX`` or ``RM``.
    The snapshot goes to ``directory`` (default ``data/raw/comtrade/``) with a ``.meta.yml``
    sidecar (query, access time, row count, sha256); read it with
    :func:`reanalysis.load_customs`.

    With the network (and a key beyond 500 rows), China's magnet exports to the world, the
    United States and Japan::

        path = fetch_comtrade(156, [0, 842, 392], ["850511"], "2024-01", "2025-06")
        magnets = load_customs(path)

    A query is checked before anything is asked:

    >>> fetch_comtrade(156, [0], ["850511"], "2025-06", "2025-01")
    Traceback (most recent call last):
    ValueError: start 2025-06 is after end 2025-01
    """
    periods = _months(start, end)
    codes = [hs_codes] if isinstance(hs_codes, str) else list(hs_codes)
    partner_codes = [partners] if isinstance(partners, int) else list(partners)
    bad = [c for c in codes if not re.fullmatch(r"\d{2}(\d{2}){0,2}", str(c))]
    if bad or not codes:
        raise ValueError(f"hs_codes: expected HS codes of 2, 4 or 6 digits as text, got {bad}")
    if flow not in COMTRADE_FLOWS:
        raise ValueError(f"flow: expected one of {', '.join(COMTRADE_FLOWS)}, got {flow!r}")
    key = api_key if api_key is not None else os.environ.get(API_KEY_VARIABLE) or None
    query = {
        "typeCode": "C", "freqCode": "M", "clCode": "HS", "reporterCode": str(int(reporter)),
        "cmdCode": ",".join(codes), "flowCode": flow,
        "partnerCode": ",".join(str(int(p)) for p in partner_codes), **PINNED,
        "breakdownMode": "classic", "includeDesc": True,
    }  # fmt: skip
    accessed = _utcnow()
    folder = Path(directory) if directory is not None else paths.RAW / "comtrade"
    name = f"comtrade_{query['reporterCode']}_{flow}_{start}_{end}_{accessed:%Y%m%dT%H%M%SZ}.csv"
    path = folder / name
    for target in (path, sidecar_path(path)):
        if target.exists():
            raise FileExistsError(f"{target}: a snapshot is never overwritten")
    frames = [
        _call(query | {"period": ",".join(periods[i : i + PERIODS_PER_CALL])}, key)
        for i in range(0, len(periods), PERIODS_PER_CALL)
    ]
    import pandas as pd

    data = pd.concat(frames, ignore_index=True)
    if data.empty:
        raise FetchError(f"no rows for {_describe(query, start, end)}")
    _check_shape(data, query, start, end)
    columns = [*COMTRADE_COLUMNS, *(c for c in data.columns if c not in COMTRADE_COLUMNS)]
    folder.mkdir(parents=True, exist_ok=True)
    snapshot = data[columns].to_csv(index=False, lineterminator="\n").encode("utf-8")
    _write_new(path, snapshot)
    meta = _sidecar(path, query, periods, key is not None, accessed, len(data), start, end)
    meta["columns"] = {c: COLUMN_NOTES.get(c, "as in the Comtrade+ export" if c in
                                           COMTRADE_COLUMNS else "as the API returned it")
                       for c in columns}  # fmt: skip
    _write_new(sidecar_path(path), yaml.safe_dump(meta, sort_keys=False).encode("utf-8"))
    return path


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _months(start: str, end: str) -> list[str]:
    """``YYYYMM`` of every month from ``start`` to ``end`` (``YYYY-MM``), inclusive."""
    bounds = []
    for label, month in (("start", start), ("end", end)):
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            raise ValueError(f"{label}: expected a month as YYYY-MM, got {month!r}")
        bounds.append(int(month[:4]) * 12 + int(month[5:]) - 1)
    if bounds[0] > bounds[1]:
        raise ValueError(f"start {start} is after end {end}")
    return [f"{m // 12}{m % 12 + 1:02d}" for m in range(bounds[0], bounds[1] + 1)]


def _call(query: dict, key: str | None):
    """One call of the official client; its printed complaints become the error's text."""
    try:
        import comtradeapicall
    except ImportError as exc:  # pragma: no cover - the dev environment has it
        raise ImportError(
            "fetch_comtrade needs the UN's client: pip install 'reanalysis[comtrade]'"
        ) from exc
    limit = KEYED_LIMIT if key else PREVIEW_LIMIT
    args = {k: v for k, v in query.items() if k not in ("breakdownMode", "includeDesc")}
    options = dict(maxRecords=limit, format_output="JSON", breakdownMode="classic",
                   includeDesc=True)  # fmt: skip
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        if key:
            frame = comtradeapicall.getFinalData(key, **args, **options)
        else:
            frame = comtradeapicall.previewFinalData(**args, **options)
    said = printed.getvalue().strip()
    if frame is None:
        raise FetchError(f"the Comtrade+ API refused periods {query['period']}: {said or '?'}")
    if len(frame) >= limit:
        raise FetchError(
            f"periods {query['period']} gave {len(frame)} rows, as many as one call gives "
            + ("with a key" if key else f"without an API key (the preview limit; set "
               f"{API_KEY_VARIABLE})")
            + ": the answer may be cut; ask for fewer months, partners or codes"
        )  # fmt: skip
    return frame


def _check_shape(data, query: dict, start: str, end: str) -> None:
    """The columns are Comtrade+'s 47 and every row is a total: else the source changed."""
    missing = [c for c in COMTRADE_COLUMNS if c not in data.columns]
    if missing:
        raise FetchError(f"the response lacks column(s) {', '.join(missing)}")
    for column, total in BREAKDOWNS.items():
        values = data[column].astype(str)
        if not (values == total).all():
            found = sorted(set(values[values != total]))
            raise FetchError(f"{_describe(query, start, end)}: rows with {column} {found}, "
                             f"expected only totals ({column} {total})")  # fmt: skip


def _describe(query: dict, start: str, end: str) -> str:
    return (f"reporter {query['reporterCode']}, flow {query['flowCode']}, HS {query['cmdCode']}, "
            f"partners {query['partnerCode']}, {start} to {end}")  # fmt: skip


def _sidecar(path: Path, query: dict, periods: list[str], keyed: bool, accessed: dt.datetime,
             rows: int, start: str, end: str) -> dict:  # fmt: skip
    from importlib.metadata import version

    return {
        "title": f"UN Comtrade+ monthly trade, {_describe(query, start, end)}",
        "description": "Raw snapshot of a UN Comtrade+ API query, written by "
        "reanalysis.fetch_comtrade as the API returned it (the 47 columns of a Comtrade+ "
        "export, then any others). Totals only: the query pins motCode 0, customsCode C00, "
        "partner2Code 0 and the classic breakdown mode.",
        "producer": "UN Statistics Division, UN Comtrade+ (figures reported by national customs)",
        "sources": ENDPOINTS[keyed],
        "query": {**query, "period": f"{periods[0]}-{periods[-1]}"},
        "client": f"comtradeapicall {version('comtradeapicall')}",
        "access_date": f"{accessed:%Y-%m-%d}",
        "accessed_at": accessed.isoformat().replace("+00:00", "Z"),
        "row_count": rows,
        "licence": "UN Comtrade+ terms of use; cite UN Comtrade as the source.",
        "sha256": sha256(path),
        "refresh": "Fetch again with reanalysis.fetch_comtrade and the same query: a new "
        "snapshot is written beside this one, never over it.",
    }


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole (a temporary file linked into place), never over an
    existing file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    try:
        os.link(temporary, path)  # fails if ``path`` exists, even if it appeared just now
    finally:
        temporary.unlink()
