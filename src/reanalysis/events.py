"""Export-control events (MOFCOM announcements, licences, suspensions) as Polars frames.

>>> m = licence_measures(load_licence_events())
>>> m.filter(pl.col("measure") == "No. 18 [2025]").select("announced", "effective").row(0)
(datetime.date(2025, 4, 4), datetime.date(2025, 4, 4))
"""

import datetime as dt
import hashlib
import re
from pathlib import Path

import polars as pl

from reanalysis import paths
from reanalysis.errors import BadValueError, MissingColumnError
from reanalysis.readers import read_text_csv

KINDS = (
    "announcement", "effective", "effective_scheduled", "approval", "approval_tightening",
    "suspension", "general_licence", "agreement",
)  # fmt: skip
Kind = pl.Enum(KINDS)
COLUMNS = ("date", "jurisdiction", "authority", "announcement", "kind", "items", "summary",
           "source_url")  # fmt: skip
EVENT_SCHEMA = pl.Schema(
    {"event_id": pl.String, "date": pl.Date, "kind": Kind,
     **{c: pl.String for c in COLUMNS if c not in ("date", "kind")}}
)  # fmt: skip
MEASURE_SCHEMA = pl.Schema(
    {"measure": pl.String, "year": pl.Int32, "number": pl.Int32, "announced": pl.Date,
     "effective": pl.Date, "scheduled": pl.Date, "suspended": pl.Date, "items": pl.String,
     "event_ids": pl.List(pl.String)}
)  # fmt: skip
# Which events concern a commodity: a pattern over items and summary, by commodity keyword.
RELEVANCE = {
    "rare earth": r"(?i)rare.earth|samarium|gadolinium|terbium|dysprosium|lutetium|scandium|"
    r"yttrium|holmium|erbium|thulium|europium|ytterbium|magnet",
}
_NUMBERS = re.compile(r"No\.\s*([\d,\s\-]+?)\s*\[(\d{4})\]")
_DATE = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"


def load_licence_events(path: str | Path | None = None) -> pl.DataFrame:
    """Events, one row each, sorted by date (``EVENT_SCHEMA``).

    ``event_id`` is stable: the date, the kind and a short hash of the source address and
    summary, so it survives reordering and additions to the file.

    >>> events = load_licence_events()
    >>> events.filter(pl.col("date") == pl.date(2025, 4, 4)).select("kind", "announcement").rows()
    [('announcement', 'MOFCOM/GACC Announcement No. 18 [2025]'), ('effective', 'MOFCOM/GACC Announcement No. 18 [2025]')]
    """
    path = Path(path) if path is not None else paths.EVENTS_FILE
    frame = read_text_csv(path)
    for column in COLUMNS:
        if column not in frame.columns:
            raise MissingColumnError(path, 1, column, ",".join(frame.columns), ",".join(COLUMNS))
    for column, test, expected in (
        ("date", pl.col("date").str.contains(_DATE).fill_null(False), "a date as YYYY-MM-DD"),
        ("kind", pl.col("kind").is_in(list(KINDS)).fill_null(False), f"one of {', '.join(KINDS)}"),
        ("source_url", pl.col("source_url").is_not_null(), "the address of the source"),
    ):
        bad = frame.filter(~test).head(1)
        if bad.height:
            raise BadValueError(path, bad["line"][0], column, bad[column][0], expected)
    dates = pl.col("date").str.to_date("%Y-%m-%d", strict=False)
    bad = frame.filter(dates.is_null()).head(1)
    if bad.height:
        raise BadValueError(path, bad["line"][0], "date", bad["date"][0], "a calendar date")
    ids = [
        f"{d}-{k}-{hashlib.sha1((u + (s or '')).encode()).hexdigest()[:6]}"
        for d, k, u, s in frame.select("date", "kind", "source_url", "summary").iter_rows()
    ]
    return (
        frame.with_columns(event_id=pl.Series(ids), date=dates, kind=pl.col("kind").cast(Kind))
        .select(EVENT_SCHEMA.names())
        .sort("date", "event_id")
    )


def measure_ids(text: str | None) -> list[str]:
    """Announcement numbers named in ``text``, ranges and lists expanded.

    >>> measure_ids("suspends Announcements No. 55-57 [2025] and No. 61, 62 [2025]")
    ['No. 55 [2025]', 'No. 56 [2025]', 'No. 57 [2025]', 'No. 61 [2025]', 'No. 62 [2025]']
    """
    found: list[str] = []
    for numbers, year in _NUMBERS.findall(text or ""):
        for part in filter(None, (p.strip() for p in numbers.split(","))):
            lo, _, hi = part.partition("-")
            found += [f"No. {n} [{year}]" for n in range(int(lo), int(hi or lo) + 1)]
    return found


def licence_measures(events: pl.DataFrame) -> pl.DataFrame:
    """One row per numbered announcement with its key dates (``MEASURE_SCHEMA``).

    ``announced`` and ``effective`` are the earliest such events; ``scheduled`` is an effective
    date that was set but suspended before it arrived; ``suspended`` is the date a later
    announcement suspended the measure (in whole or in part). A suspension row names the
    measures it suspends in ``items``, or in ``announcement`` (e.g. "clause 2 of No. 46").
    """
    rows = []
    for event in events.iter_rows(named=True):
        if event["kind"] == "suspension":
            targets = measure_ids(event["items"]) or measure_ids(event["announcement"])
        else:
            targets = measure_ids(event["announcement"])
        rows += [{"measure": m, "kind": event["kind"], "date": event["date"], "items": event["items"],
                  "event_id": event["event_id"], "shared": len(targets)} for m in targets]  # fmt: skip
    if not rows:
        return pl.DataFrame(schema=MEASURE_SCHEMA)
    # items from the row naming this measure alone, before rows naming several
    long = pl.DataFrame(rows).with_columns(pl.col("kind").cast(pl.String)).sort("shared", "date")

    parts = pl.col("measure").str.extract_groups(r"No\. (?<number>\d+) \[(?<year>\d{4})\]")
    return (
        long.group_by("measure", maintain_order=True)
        .agg(
            announced=pl.col("date").filter(pl.col("kind") == "announcement").min(),
            effective=pl.col("date").filter(pl.col("kind") == "effective").min(),
            scheduled=pl.col("date").filter(pl.col("kind") == "effective_scheduled").min(),
            suspended=pl.col("date").filter(pl.col("kind") == "suspension").min(),
            items=pl.col("items").filter(pl.col("kind") != "suspension").first(),
            event_ids=pl.col("event_id").unique().sort(),
        )
        .with_columns(
            year=parts.struct.field("year").cast(pl.Int32),
            number=parts.struct.field("number").cast(pl.Int32),
        )
        .select(MEASURE_SCHEMA.names())
        .cast(dict(MEASURE_SCHEMA))
        .sort("year", "number")
    )


def relevant_to(events: pl.DataFrame, commodity: str) -> pl.DataFrame:
    """Events that concern ``commodity`` (all events for a commodity with no pattern).

    An event is relevant when its items or summary match the commodity's pattern, or when it
    names (in ``announcement`` or ``items``, e.g. a suspension) a numbered measure one of whose
    events matches.

    >>> ev = relevant_to(load_licence_events(), "rare earth permanent magnets")
    >>> "No. 23 [2023]" in " ".join(ev["announcement"].drop_nulls())  # gallium: not relevant
    False
    """
    for keyword, pattern in RELEVANCE.items():
        if keyword in commodity.lower():
            text = pl.concat_str(pl.col("items").fill_null(""), pl.col("summary").fill_null(""))
            matched = events.filter(text.str.contains(pattern))
            measures = {m for a in matched["announcement"].to_list() for m in measure_ids(a)}
            named = pl.concat_str(
                pl.col("announcement").fill_null(""), pl.col("items").fill_null(""), separator=" "
            ).map_elements(
                lambda a, m=measures: bool(m.intersection(measure_ids(a))), return_dtype=pl.Boolean
            )
            return events.filter(text.str.contains(pattern) | named.fill_null(False))
    return events


def resolve_dates(
    measures: pl.DataFrame,
    measure: str | None = None,
    *,
    announced: str | None = None,
    effective: str | None = None,
    suspended: str | None = None,
) -> dict[str, dt.date | None]:
    """Dates for :func:`reanalysis.frontloading.front_loading`: a measure's, or explicit ones.

    Explicit dates (ISO strings) override the measure's. ``effective`` falls back to the
    scheduled date of a measure that never took effect.

    >>> resolve_dates(licence_measures(load_licence_events()), "No. 57 [2025]")
    {'announced': datetime.date(2025, 10, 9), 'effective': datetime.date(2025, 11, 8), 'suspended': datetime.date(2025, 11, 7)}
    """
    found: dict[str, dt.date | None] = dict.fromkeys(("announced", "effective", "suspended"))
    if measure:
        rows = measures.filter(pl.col("measure") == measure)
        if rows.height == 0:
            raise KeyError(f"no measure {measure!r}; known: {', '.join(measures['measure'])}")
        row = rows.row(0, named=True)
        found.update(announced=row["announced"] or row["effective"],
                     effective=row["effective"] or row["scheduled"], suspended=row["suspended"])  # fmt: skip
    given = {"announced": announced, "effective": effective, "suspended": suspended}
    found.update({k: dt.date.fromisoformat(v) for k, v in given.items() if v})
    missing = [k for k in ("announced", "effective") if found[k] is None]
    if missing:
        raise ValueError(f"no {' or '.join(missing)} date: give a measure or the date(s)")
    return found
