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
    "gallium": r"(?i)gallium",
    "germanium": r"(?i)germanium",
    "graphite": r"(?i)graphite",
    "antimony": r"(?i)antimony",
    "tungsten": r"(?i)tungsten",
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
    frame = read_text_csv(path)  # with the reader's own ``line`` column first
    for column in COLUMNS:
        if column not in frame.columns:
            raise MissingColumnError(
                path, 1, column, ",".join(frame.columns[1:]), ",".join(COLUMNS)
            )
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


def relevance_pattern(commodity: str) -> str | None:
    """The pattern (over items and summary) of events concerning ``commodity``, or None when
    no shipped pattern names it.

    >>> relevance_pattern("rare earth permanent magnets") == RELEVANCE["rare earth"]
    True
    >>> relevance_pattern("vanadium products") is None
    True
    """
    lowered = commodity.lower()
    return next((p for keyword, p in RELEVANCE.items() if keyword in lowered), None)


def relevant_to(events: pl.DataFrame, commodity: str) -> pl.DataFrame:
    """Events that concern ``commodity`` (none for a commodity with no pattern in
    ``RELEVANCE``: no event is known to concern it, and an unrelated one must never count).

    An event is relevant when its items or summary match the commodity's pattern, or when it
    names (in ``announcement`` or ``items``, e.g. a suspension) a numbered measure one of whose
    events matches.

    >>> ev = relevant_to(load_licence_events(), "rare earth permanent magnets")
    >>> "No. 23 [2023]" in " ".join(ev["announcement"].drop_nulls())  # gallium: not relevant
    False
    >>> relevant_to(load_licence_events(), "vanadium products").height
    0
    """
    pattern = relevance_pattern(commodity)
    if pattern is None:
        return events.clear()
    text = pl.concat_str(pl.col("items").fill_null(""), pl.col("summary").fill_null(""))
    matched = events.filter(text.str.contains(pattern))
    measures = {m for a in matched["announcement"].to_list() for m in measure_ids(a)}
    named = [
        bool(measures.intersection(measure_ids(a) + measure_ids(i)))
        for a, i in events.select("announcement", "items").iter_rows()
    ]
    return events.filter(text.str.contains(pattern) | pl.Series(named, dtype=pl.Boolean))


def unknown_commodity_note(measures: pl.DataFrame, commodity: str) -> str | None:
    """A sentence when no licence measure is given and ``commodity`` has no pattern in
    ``RELEVANCE`` (None otherwise): the caller must name the measures and dates.

    >>> unknown_commodity_note(licence_measures(load_licence_events()).clear(), "vanadium products")[:68]
    'no shipped licence event is known to cover vanadium products, so no '
    """
    if measures.height or relevance_pattern(commodity) is not None:
        return None
    return (f"no shipped licence event is known to cover {commodity}, so no earlier measure's "
            "months are left out of estimation; pass measures= (and the control's dates) "
            "explicitly for the measures that concern it")  # fmt: skip


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
        if rows.height == 0 and measures.height == 0:
            raise KeyError(f"no measure {measure!r}: no licence measure is known to concern this "
                           "commodity; give the dates (announced=, effective=) instead")  # fmt: skip
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


# Rare-earth elements by name: a measure naming some of them covers fewer items than a series
# of all rare earths (or of magnets made from any of them).
RARE_EARTH_ELEMENTS = (
    "lanthanum", "cerium", "praseodymium", "neodymium", "promethium", "samarium", "europium",
    "gadolinium", "terbium", "dysprosium", "holmium", "erbium", "thulium", "ytterbium",
    "lutetium", "scandium", "yttrium",
)  # fmt: skip


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def dates_sentence(dates: dict[str, dt.date | None], measure: str | None = None,
                   rumour: dt.date | str | None = None) -> str:  # fmt: skip
    """The control's dates (from :func:`resolve_dates`) as a sentence for a report.

    >>> dates_sentence(resolve_dates(licence_measures(load_licence_events()), "No. 57 [2025]"),
    ...                "No. 57 [2025]")
    'No. 57 [2025] was announced on 9 October 2025, to take effect on 8 November 2025; it was suspended on 7 November 2025, before taking effect.'
    """
    announced, effective, suspended = dates["announced"], dates["effective"], dates["suspended"]
    text = f"{measure or 'The control'} was announced on {_day(announced)}"
    if suspended is not None and suspended <= effective:
        text += (f", to take effect on {_day(effective)}; it was suspended on {_day(suspended)}, "
                 "before taking effect")  # fmt: skip
    else:
        text += " and took effect the same day" if effective == announced else (
            f" and took effect on {_day(effective)}")  # fmt: skip
        if suspended is not None:
            text += f"; it was suspended on {_day(suspended)}"
    if rumour:
        rumour = dt.date.fromisoformat(rumour) if isinstance(rumour, str) else rumour
        text += f". The anticipation window starts at the rumour date argued, {_day(rumour)}"
    return text + "."


def coverage_note(measures: pl.DataFrame, measure: str | None, commodity: str) -> str | None:
    """A sentence when ``measure`` names fewer rare-earth elements than a ``commodity`` series
    of rare earths or their magnets covers (None otherwise).

    >>> coverage_note(licence_measures(load_licence_events()), "No. 18 [2025]", "rare earths")[:70]
    'No. 18 [2025] names 7 of the 17 rare-earth elements (samarium, gadolin'
    """
    rows = measures.filter(pl.col("measure") == measure) if measure else measures.clear()
    if rows.height == 0 or "rare earth" not in commodity.lower():
        return None
    items = (rows["items"][0] or "").lower()
    named = [e for e in RARE_EARTH_ELEMENTS if re.search(rf"\b{e}\b", items)]
    if not 0 < len(named) < len(RARE_EARTH_ELEMENTS):
        return None
    return (f"{measure} names {len(named)} of the {len(RARE_EARTH_ELEMENTS)} rare-earth elements "
            f"({', '.join(named)}); the {commodity} series is not limited to items containing "
            "them, so it mixes controlled and uncontrolled items and dilutes any effect")  # fmt: skip


def prior_windows(measures: pl.DataFrame, before: dt.date, post_months: int) -> pl.DataFrame:
    """Measures that took effect before ``before``, with the months they disturb: from the
    month of the effective date (the announcement when no effective date is recorded) through
    ``post_months`` calendar months. Columns ``measure``, ``date``, ``event`` ("took effect" or
    "was announced"), ``from_date``, ``to_date`` (exclusive). A measure never in force (suspended before its scheduled date) counts from its
    announcement: the announcement alone moves shipments.

    >>> prior_windows(licence_measures(load_licence_events()), dt.date(2025, 10, 9), 3).rows()[-1]
    ('No. 18 [2025]', datetime.date(2025, 4, 4), 'took effect', datetime.date(2025, 4, 1), datetime.date(2025, 7, 1))
    """
    start = pl.coalesce("effective", "announced")
    return (
        measures.filter(start < before)
        .select(
            "measure",
            date=start,
            event=pl.when(pl.col("effective").is_not_null())
            .then(pl.lit("took effect"))
            .otherwise(pl.lit("was announced")),
        )
        .with_columns(from_date=pl.col("date").dt.truncate("1mo"))
        .with_columns(to_date=pl.col("from_date").dt.offset_by(f"{post_months}mo"))
        .sort("date", "measure")
    )
