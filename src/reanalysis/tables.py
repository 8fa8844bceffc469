"""Report tables for reading: formatted HTML (great_tables) with a plain-text twin for nbval.

Formats follow the column names (units as suffixes, as everywhere in ``reanalysis``):

- ``*_t``: tonnes, thousands separators, one decimal; header "…, t";
- ``*_pct``: percent, one decimal with its sign; header "…, %"; ``*_pp``: percentage points;
- ``period``: the month in words ("April 2025"; "January-February 2025" where ``months`` is 2);
- ``note``: footnotes, one mark per distinct note, on the row's month;
- ``source_url``: a link labelled with the source's site (``sources``, a list: the sites);
- anything else: as text, integers with thousands separators.

>>> t = table(pl.DataFrame({"period": [dt.date(2025, 4, 1)], "value_t": [4784.8],
...                         "yoy_pct": [4.79], "note": ["derived input"],
...                         "source_url": ["https://www.example.org/a"]}))
>>> print(t)
month         tonnes   y/y, %  source
April 2025 ¹  4,784.8  +4.8    example.org
¹ derived input
"""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

import polars as pl

MISSING = "–"
SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹"  # ⁰ is added for 10 and above
HEADERS = {
    "period": "month",
    "value_t": "tonnes",
    "ytd_t": "January to month, t",
    "mom_pct": "m/m, %",
    "yoy_pct": "y/y, %",
    "ytd_yoy_pct": "January to month y/y, %",
    "source_url": "source",
    "n": "count",
    "n_sources": "number of sources",
}


def header(column: str) -> str:
    """The column's header, with its unit.

    >>> header("excess_t"), header("reported_pct"), header("difference_pp"), header("method")
    ('excess, t', 'reported, %', 'difference, pp', 'method')
    """
    if column in HEADERS:
        return HEADERS[column]
    for suffix, unit in (("_t", "t"), ("_pct", "%"), ("_pp", "pp")):
        if column.endswith(suffix):
            return f"{column.removesuffix(suffix).replace('_', ' ')}, {unit}"
    return column.replace("_", " ")


def _month(period: dt.date | None, months: int | None) -> str:
    if period is None:
        return MISSING
    if months == 2:
        return f"January-February {period.year}"
    return period.strftime("%B %Y")


def _site(url: str | None) -> str:
    if not url:
        return MISSING
    host = re.sub(r"^[a-z]+://", "", url).split("/", 1)[0]
    return host.removeprefix("www.")


def _cell(column: str, value) -> str:
    if value is None:
        return MISSING
    if isinstance(value, list):  # e.g. the addresses of every source of a figure
        return ", ".join(_site(v) if column == "sources" else str(v) for v in value)
    if column.endswith("_t"):
        return f"{value:,.1f}"
    if column.endswith(("_pct", "_pp")):
        return f"{value:+.1f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Table:
    """A formatted table: ``cells`` (strings, headers with units), footnotes and links.

    Displays as HTML in JupyterLab and the reports; ``str()`` is the plain-text twin that
    nbval compares (stable: no ids, no styling)."""

    cells: pl.DataFrame
    notes: tuple[str, ...]
    links: tuple[str | None, ...]
    numeric: tuple[str, ...] = ()
    title: str | None = None

    def __str__(self) -> str:
        columns = self.cells.columns
        rows = [columns, *self.cells.rows()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(columns))]
        lines = [
            "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows
        ]
        if self.title:
            lines.insert(0, self.title)
        lines += [f"{_mark(i)} {note}" for i, note in enumerate(self.notes)]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return self.html()

    def html(self) -> str:
        """The table as HTML (great_tables), with an id derived from its content."""
        from great_tables import GT

        cells = self.cells
        ident = "t" + hashlib.sha1(str(self).encode()).hexdigest()[:10]
        if "source" in cells.columns:
            cells = cells.with_columns(source=pl.Series(self.links, dtype=pl.String))
        gt = GT(cells, id=ident)
        if "source" in cells.columns:
            gt = gt.fmt_url(columns="source", label=_site, target=None).sub_missing(
                columns="source", missing_text=MISSING
            )
        if self.numeric:
            gt = gt.cols_align("right", columns=list(self.numeric))
        if self.title:
            gt = gt.tab_header(self.title)
        for i, note in enumerate(self.notes):
            gt = gt.tab_source_note(f"{_mark(i)} {note}")
        return gt.tab_options(table_font_size="13px", source_notes_font_size="12px").as_raw_html()


def _mark(index: int) -> str:
    """Footnote mark number ``index`` (from 0): ¹ ² … ⁹ ¹⁰ ¹¹ …"""
    return "".join(SUPERSCRIPTS[int(d) - 1] if d != "0" else "⁰" for d in str(index + 1))


def table(frame: pl.DataFrame, *, title: str | None = None) -> Table:
    """``frame`` formatted by its column names (see the module docstring); ``months`` only
    serves to name a combined January-February period and is not shown."""
    notes: list[str] = []
    marks: list[str] = []
    if "note" in frame.columns:
        for note in frame["note"].cast(pl.String).to_list():
            if note:
                if note not in notes:
                    notes.append(note)
                marks.append(" " + _mark(notes.index(note)))
            else:
                marks.append("")
    shown = [c for c in frame.columns if c not in ("note", "months")]
    data = {}
    numeric = []
    for column in shown:
        values = frame[column]
        if column == "period":
            months = frame["months"].to_list() if "months" in frame.columns else [1] * frame.height
            text = [_month(p, m) for p, m in zip(values.to_list(), months, strict=True)]
        elif column == "source_url":
            text = [_site(u) for u in values.cast(pl.String).to_list()]
        else:
            if values.dtype in (pl.Categorical, pl.Enum) or isinstance(values.dtype, pl.Enum):
                values = values.cast(pl.String)
            text = [_cell(column, v) for v in values.to_list()]
            if values.dtype.is_numeric():
                numeric.append(header(column))
        if header(column) in data:
            raise ValueError(f"columns {shown} give the header {header(column)!r} twice")
        if marks and not data:  # footnote marks go on the row's first cell
            text = [t + m for t, m in zip(text, marks, strict=True)]
        data[header(column)] = pl.Series(text, dtype=pl.String)
    links = (tuple(frame["source_url"].cast(pl.String).to_list()) if "source_url" in frame.columns
             else ())  # fmt: skip
    return Table(pl.DataFrame(data), tuple(notes), links, tuple(numeric), title)


def latest_table(frame: pl.DataFrame, n: int = 6) -> Table:
    """The last ``n`` months of a :func:`~reanalysis.growth.growth` frame: tonnage, changes,
    year to date, notes as footnotes and each month's source."""
    from reanalysis.growth import latest

    sources = frame.select("period", pl.col("source_url").cast(pl.String))
    return table(latest(frame, n).join(sources, on="period", how="left", maintain_order="left"))


def series_table(series: pl.DataFrame, n: int = 6) -> Table:
    """The last ``n`` rows of a canonical series: tonnage, year to date, how each figure was
    obtained (footnotes) and its source."""
    note = pl.concat_str(
        pl.when(pl.col("months") == 2).then(pl.lit("January-February combined (two months)")),
        pl.when("is_derived").then(pl.lit("derived from cumulatives")),
        pl.when("has_conflict").then(pl.lit("sources disagreed (see below)")),
        separator="; ",
        ignore_nulls=True,
    )
    return table(
        series.sort("period")
        .tail(n)
        .select("period", "months", "value_t", "ytd_t", "source_url", note=note)
    )
