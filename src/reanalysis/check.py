"""Every problem of an input file, listed: ``python -m reanalysis check FILE...``.

Modelled on frictionless' ``validate``: each file is read the way :func:`reanalysis.load_customs`
reads it, but instead of stopping at the first problem, every problem is listed (file, line,
column, what was found, what was expected) up to a limit per file. A problem that makes the
rest of a file unreadable (binary bytes, a quote that never closes, a missing column) ends the
listing for that file. The exit status is 1 when any file has a problem.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> bad = folder / "bad.csv"
>>> _ = bad.write_text("period,commodity,flow,partner,value,unit\\n"
...                    "2025-13,ore,export,World,-4,t\\n2025-02,ore,export,World,inf,lb\\n")
>>> [(p.line, p.column, p.found) for p in check_file(bad)]
[(2, 'period', '2025-13'), (2, 'value', '-4.0'), (3, 'unit', 'lb'), (3, 'value', 'inf')]
"""

import argparse
from pathlib import Path

from reanalysis.errors import CorruptFileError, InputError, StopReading, collecting
from reanalysis.readers import check_cumulatives, detect_format, read_statements
from reanalysis.reconcile import reconcile

LIMIT = 100


def check_file(path: str | Path, *, format: str = "auto", limit: int = LIMIT) -> list[InputError]:
    """The problems :func:`reanalysis.load_customs` would raise for ``path``, every one up to
    ``limit``, ordered by line (an empty list: the file loads)."""
    path = Path(path)
    if not path.is_file():
        return [InputError(path, None, None, "no such file", "a readable file")]
    with collecting(limit) as problems:
        try:
            fmt = detect_format(path) if format == "auto" else format
            statements = read_statements(path, format=format)
            if not problems:
                check_cumulatives(statements)
            if not problems:
                reconcile(statements, records=fmt in ("tidy", "comtrade"))
        except StopReading:
            pass
        except InputError as err:  # a problem raised, not reported: the last one found
            if not (problems and isinstance(err, CorruptFileError)):  # not a consequence
                problems.append(err)
    return sorted(problems[:limit], key=lambda p: (p.line or 0, p.column or ""))


def summary(path: Path, format: str = "auto") -> str:
    """What a file that loads holds: format, rows, series and months, then the figures missing
    by reason, the most frequent first (equal counts in the order of their reasons' text)."""
    fmt = detect_format(path) if format == "auto" else format
    statements = read_statements(path, format=format)
    series = statements.select("commodity", "flow", "partner").n_unique()
    first, last = statements["period"].min(), statements["period"].max()
    text = f"{fmt}, {statements.height} figures, {series} series, {first:%Y-%m} to {last:%Y-%m}"
    counted = statements["missing_reason"].drop_nulls().value_counts()
    reasons = counted.sort("count", "missing_reason", descending=[True, False]).rows()
    return text + "".join(f"; {n} {reason}" for reason, n in reasons)


def _table(problems: list[InputError]) -> str:
    rows = [("line", "column", "problem", "found", "expected")] + [
        (str(p.line or ""), p.column or "", type(p).__name__, _short(p.found), p.expected)
        for p in problems
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join(
        "  " + "  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4]
        for r in rows
    )


def _short(found: object) -> str:
    text = "" if found is None else repr(found)
    return text if len(text) <= 40 else text[:37] + "..."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reanalysis check",
        description="List every problem of customs files before you load them.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--format", default="auto",
                        choices=["auto", "statements", "tidy", "comtrade"])  # fmt: skip
    parser.add_argument("--limit", type=int, default=LIMIT, help="problems listed per file")
    args = parser.parse_args(argv)
    bad = total = 0
    for path in args.files:
        problems = check_file(path, format=args.format, limit=args.limit)
        if not problems:
            print(f"OK    {path}: {summary(path, args.format)}")
            continue
        bad += 1
        total += len(problems)
        more = " (the limit: there may be more)" if len(problems) >= args.limit else ""
        print(f"FAIL  {path}: {len(problems)} problem{'s' * (len(problems) > 1)}{more}")
        print(_table(problems))
    files = len(args.files)
    print(f"summary: {files - bad} of {files} file{'s' * (files > 1)} valid, "
          f"{total} problem{'s' * (total != 1)}")  # fmt: skip
    return 1 if bad else 0
