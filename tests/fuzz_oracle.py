"""An independent, plain-Python reading of the three input formats: the fuzz suite's oracle.

It shares no code with :mod:`reanalysis.formats`: a character-by-character RFC 4180 parser and
the documented rules, written out row by row. ``expected(data)`` gives the figures a correct
reader must return for the file's bytes, or ``None`` when the file must be refused.
"""

import csv
import io
import re

CUSTOMS = ("period", "flow", "commodity", "value_t", "ytd_t", "mom_pct_reported",
           "yoy_pct_reported", "source_url", "quote")  # fmt: skip
MAGNETS = ("period", "partner", "value_t", "yoy_pct_reported", "mom_pct_reported",
           "source_url", "quote")  # fmt: skip
TIDY = ("period", "commodity", "flow", "partner", "value", "unit")
COMTRADE = ("freqCode", "period", "flowCode", "cmdCode", "partnerDesc", "netWgt")
NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?(inf|infinity|nan)",
                    re.IGNORECASE)  # fmt: skip


class Refused(Exception):
    """The file must be refused."""


def expected(data: bytes) -> list[tuple] | None:
    """Sorted figures ``(line, measure, period, commodity, flow, partner, value_t)`` or None.
    Partner names then follow :func:`reanalysis.names.canonical_partner` (``USA`` is
    ``United States``; tested in test_names), as the readers apply it to every format."""
    try:
        figures = _figures(data)
    except Refused:
        return None
    from reanalysis.names import canonical_partner  # the naming rule, applied to every format

    named = [(*f[:5], canonical_partner(f[5])[0], f[6]) for f in figures]
    return sorted(named, key=repr)


def _figures(data: bytes) -> list[tuple]:
    if not data.strip() or data.startswith(b"PAR1"):  # nothing, or a Parquet file's magic
        raise Refused
    try:
        text = data.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError:
        text, utf8 = data.decode("iso-8859-1"), False
    if text.startswith("\ufeff"):
        text = text[1:]
    if any(ord(c) < 32 and c not in "\t\n\r" for c in text):
        raise Refused
    if text.count("\r") != text.count("\r\n"):  # a carriage return alone is no line break
        raise Refused
    records = parse(text)
    if not records:
        raise Refused
    header_line, header = records[0]
    if header_line != 1 or len(set(header)) != len(header):  # the header is on line 1
        raise Refused
    rows = []
    for line, fields in records[1:]:
        if len(fields) != len(header):
            raise Refused
        rows.append((line, dict(zip(header, fields, strict=True))))
    names = set(header)
    if set(CUSTOMS if "flow" in names else MAGNETS) <= names:
        if not utf8:
            raise Refused
        return _statements(rows, "flow" in names)
    if set(TIDY) <= names:
        if not utf8:
            raise Refused
        return _tidy(rows)
    if set(COMTRADE) <= names:
        return _comtrade(rows, names)
    raise Refused


def parse(text: str) -> list[tuple[int, list[str]]]:
    """Records of an RFC 4180 text, each with the line it starts on; empty lines skipped."""
    records, fields, field = [], [], []
    line, start_line = 1, 1
    state = "start"  # start | plain | quoted | closed
    i = 0
    while i < len(text):
        c = text[i]
        if state == "quoted":
            if c == '"':
                state = "closed"
            else:
                field.append(c)
                line += c == "\n"
        elif c == '"':
            if state == "start":
                state = "quoted"
            elif state == "closed":
                field.append('"')
                state = "quoted"
            else:
                raise Refused  # a quote inside an unquoted field
        elif c == ",":
            fields.append("".join(field))
            field, state = [], "start"
        elif c == "\n":
            fields.append("".join(field))
            _end(records, fields, start_line)
            fields, field, state = [], [], "start"
            line += 1
            start_line = line
        elif state == "closed" and not (c == "\r" and text[i + 1 : i + 2] == "\n"):
            raise Refused  # text after a closing quote
        else:
            field.append(c)
            if state == "start":
                state = "plain"
        i += 1
    if state == "quoted":
        raise Refused
    if fields or field or state == "closed":
        fields.append("".join(field))
        _end(records, fields, start_line)
    return records


def _end(records: list, fields: list[str], line: int) -> None:
    if fields[-1].endswith("\r"):
        fields[-1] = fields[-1][:-1]
    if fields == [""]:
        return  # an empty line
    records.append((line, fields))


def number(text: str, *, signed: bool = False, finite: bool = True) -> float | None:
    text = text.strip()
    if text == "":
        return None
    if not NUMBER.fullmatch(text):
        raise Refused
    value = float(text)
    if finite and (value != value or value in (float("inf"), float("-inf"))):
        raise Refused
    if not signed and value < 0:
        raise Refused
    return value


def key(text: str) -> str | None:
    text = text.strip()
    return text or None


def period(text: str) -> str:
    text = text.strip()
    if not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", text) or not 1900 <= int(text[:4]) <= 2200:
        raise Refused
    return text


def _tidy(rows: list) -> list[tuple]:
    if not rows:
        raise Refused
    out = []
    for line, row in rows:
        unit, flow = key(row["unit"]), key(row["flow"])
        commodity, partner = key(row["commodity"]), key(row["partner"])
        if unit not in ("t", "kg") or flow not in ("export", "import", "re-export", "re-import"):
            raise Refused
        if commodity is None or partner is None:
            raise Refused
        value = number(row["value"])
        month = period(row["period"])
        tonnes = None if value is None else value * (1.0 if unit == "t" else 0.001)
        out.append((line, "month", month, commodity, flow, partner, tonnes))
    return out


BREAKDOWNS = {"motCode": "0", "customsCode": "C00", "partner2Code": "0", "mosCode": "0"}
FLAGS = {"True", "true", "TRUE", "1", "False", "false", "FALSE", "0"}
FLOATS = ("netWgt", "primaryValue", "qty")


def integer(text: str) -> int | None:
    """An integer column as a parser reads it (blank or too large: None)."""
    text = text.strip()
    if text == "":
        return None
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise Refused
    value = int(text)
    return value if -(2**63) <= value < 2**63 else None


def _comtrade(rows: list, names: set[str]) -> list[tuple]:
    # every row is parsed (numbers or blanks), even those set aside below
    for _, row in rows:
        integer(row["period"])
        for column in FLOATS:
            if column in names:
                number(row[column], signed=True, finite=False)
    monthly = [(line, row) for line, row in rows if key(row["freqCode"]) != "A"]
    if not monthly:
        raise Refused
    rows = _totals(monthly, names)
    out = []
    for line, row in rows:
        freq = key(row["freqCode"])
        if freq != "M":
            raise Refused
        flow = {"X": "export", "M": "import", "RX": "re-export", "RM": "re-import"}.get(
            key(row["flowCode"]) or ""
        )
        commodity, partner = key(row["cmdCode"]), key(row["partnerDesc"])
        if flow is None or commodity is None or partner is None:
            raise Refused
        kg = number(row["netWgt"])
        qty = number(row["qty"]) if "qty" in names else None
        usd = number(row["primaryValue"]) if "primaryValue" in names else None
        for flag in ("isNetWgtEstimated", "isQtyEstimated"):
            if flag in names and row[flag] != "" and row[flag] not in FLAGS:
                raise Refused
        yyyymm = integer(row["period"])
        if yyyymm is None or not (1 <= yyyymm % 100 <= 12 and 1900 <= yyyymm // 100 <= 2200):
            raise Refused
        month = f"{yyyymm // 100:04d}-{yyyymm % 100:02d}"
        out.append((line, "month", month, commodity, flow, _partner(row, names),
                    _tonnes(kg, qty, usd, row, names)))  # fmt: skip
    return out


def _tonnes(kg, qty, usd, row: dict, names: set[str]) -> float | None:
    """netWgt in tonnes; else qty where it is in kilograms; a 0 beside a positive value is no
    weight (the rule of reanalysis.formats.comtrade, written out)."""
    valued = usd is not None and usd > 0
    if "qtyUnitCode" not in names or row["qtyUnitCode"] != "8":
        qty = None
    if kg is not None and not (kg == 0 and valued):
        return kg / 1000.0
    if kg is None and qty is not None and not (qty == 0 and valued):
        return qty / 1000.0
    return None


def _totals(rows: list, names: set[str]) -> list:
    """The total rows; a key given only in breakdown rows refuses the file."""
    columns = [c for c in BREAKDOWNS if c in names]

    def is_total(row: dict) -> bool:
        return all(row[c] == "" or row[c].strip() == BREAKDOWNS[c] for c in columns)

    def row_key(row: dict) -> tuple:
        keys = [c for c in ("reporterDesc", "flowCode", "cmdCode", "partnerDesc") if c in names]
        iso = (row["partnerISO"] or None) if "partnerISO" in names else None  # a partner's code
        return (*(key(row[c]) for c in keys), iso, integer(row["period"]))

    totals = [(line, row) for line, row in rows if is_total(row)]
    present = {row_key(row) for _, row in totals}
    if any(row_key(row) not in present for _, row in rows if not is_total(row)):
        raise Refused
    return totals


def _partner(row: dict, names: set[str]) -> str:
    """The row's partner, named through its own partnerISO (the naming rule itself is tested in
    test_names; here it is applied the same way, row by row)."""
    from reanalysis.names import canonical_partner

    iso = (row["partnerISO"] or None) if "partnerISO" in names else None
    return canonical_partner(key(row["partnerDesc"]), iso)[0]


def _statements(rows: list, customs: bool) -> list[tuple]:
    if not rows:
        raise Refused
    flows = {"export": "month", "import": "month", "export_ytd": "ytd", "import_ytd": "ytd"}
    out = []
    for line, row in rows:
        if key(row["source_url"]) is None:
            raise Refused
        value, ytd = number(row["value_t"]), None
        if customs:
            flow, commodity, partner = key(row["flow"]), key(row["commodity"]), "World"
            if flow not in flows:
                raise Refused
            if flow.endswith("_ytd") and row["value_t"].strip():
                raise Refused
            ytd = number(row["ytd_t"])
        else:
            raw = key(row["partner"])
            if raw is None:
                raise Refused
            commodity = "rare earth permanent magnets"
            flow = "export_ytd" if raw.endswith(" YTD") else "export"
            partner = raw.removesuffix(" YTD").strip()
            if flow == "export_ytd":
                value, ytd = None, value
        pcts = [number(row[c], signed=True) for c in ("mom_pct_reported", "yoy_pct_reported")]
        month = period(row["period"])
        has_pct = any(p is not None for p in pcts)
        if value is None and ytd is None and not has_pct:
            raise Refused
        base = flow.removesuffix("_ytd")
        if flows[flow] == "month":
            if value is not None or has_pct:
                out.append((line, "month", month, commodity, base, partner, value))
            if ytd is not None:
                out.append((line, "ytd", month, commodity, base, partner, ytd))
        elif ytd is not None or has_pct:
            out.append((line, "ytd", month, commodity, base, partner, ytd))
    return out


# --- the layout check (reanalysis.formats.layout), byte by byte ------------------------------

BOM = b"\xef\xbb\xbf"


def layout(data: bytes, *, latin1: bool = False) -> tuple[dict | None, list[tuple]]:
    """What ``read_layout`` must make of ``data``: ``(layout, [])`` for a file it accepts, the
    layout as a dict of ``Layout``'s fields; else ``(None, problems)``, the problems it may
    name first, each ``(error class, line, column, bytes found)``. Any of the byte-level ones
    (a control byte, a carriage return alone, a stray quote: the first of each in the file)
    may come first, as blocks are read in turn; after them, the first of: an empty file, a
    quote never closed, a column name given twice, bytes that are not UTF-8, a ragged row."""
    records = _layout_records(data)
    feed = _byte_problems(data)
    if feed:
        return None, feed
    line = _line_of(data)
    if not data.strip():
        return None, [("EmptyFileError", 1, None, "an empty file")]
    quotes = [i for i, b in enumerate(data) if b == 34]
    if len(quotes) % 2:
        return None, [("UnbalancedQuoteError", line(quotes[-1]), None, "a quote that never closes")]
    try:
        data.decode("utf-8")
        bad = None
    except UnicodeDecodeError as exc:
        bad = exc.start
    start, end = records[0]
    header_text = data[start:end].decode("utf-8" if bad is None else "iso-8859-1")
    header_text = header_text.lstrip("\ufeff").removesuffix("\r")
    header = next(csv.reader(io.StringIO(header_text, newline="")), [])
    twice = [name for i, name in enumerate(header) if name in header[:i]]
    if twice:
        return None, [("DuplicateColumnError", 1, twice[0], ",".join(header)[:200])]
    if bad is not None and not latin1:
        record_start = max(s for s, _ in records if s <= bad)
        field = _unquoted(data, record_start, bad).count(b",")  # the field it is in
        column = header[field] if field < len(header) else None
        return None, [("EncodingError", line(bad), column, data[bad : bad + 4])]
    data_records = records[1:]
    empty = [i for i, (s, e) in enumerate(data_records) if data[s:e] in (b"", b"\r")]
    for i, (s, e) in enumerate(data_records):
        n = _unquoted(data, s, e).count(b",") + 1
        if i not in empty and n != len(header):
            column = header[n] if n < len(header) else None
            return None, [("RaggedRowError", line(s), column, f"{n} fields")]
    quoted_breaks = any(b"\n" in data[s:e] for s, e in records)
    lines = [line(s) for s, _ in data_records] if quoted_breaks else None
    encoding = "utf8" if bad is None else "latin1"
    return {"header": header, "encoding": encoding, "records": len(data_records), "empty": empty,
            "lines": lines, "ragged": False}, []  # fmt: skip


def _line_of(data: bytes):
    return lambda position: data.count(b"\n", 0, position) + 1


def _layout_records(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each record: its bytes up to a line break outside quotes (a quote opens
    or closes quoting whatever surrounds it; stray ones are refused before this matters)."""
    records, start, inside = [], 0, False
    for i, b in enumerate(data):
        if b == 34:
            inside = not inside
        elif b == 10 and not inside:
            records.append((start, i))
            start = i + 1
    if start < len(data) or not records:
        records.append((start, len(data)))
    return records


def _unquoted(data: bytes, start: int, end: int) -> bytes:
    """The bytes of ``data[start:end]`` outside quotes."""
    out, inside = bytearray(), False
    for b in data[start:end]:
        if b == 34:
            inside = not inside
        elif not inside:
            out.append(b)
    return bytes(out)


def _byte_problems(data: bytes) -> list[tuple]:
    line = _line_of(data)
    problems = []
    control = [i for i, b in enumerate(data) if b < 32 and b not in b"\t\n\r"]
    if control:
        problems.append(("NotTextError", line(control[0]), None, data[control[0] : control[0] + 8]))
    alone = [i for i, b in enumerate(data) if b == 13 and data[i + 1 : i + 2] != b"\n"]
    if alone:
        problems.append(("NotTextError", line(alone[0]), None, b"\r"))
    quotes = [i for i, b in enumerate(data) if b == 34]
    for k, i in enumerate(quotes):
        before, after = data[i - 1 : i] if i else b"\n", data[i + 1 : i + 2]
        if k % 2 == 0:  # opening: at a field's start (or after the byte-order mark)
            stray = before not in (b",", b"\n", b'"') and not (i == 3 and data.startswith(BOM))
        else:  # closing: at a field's end, or doubled
            stray = after not in (b"", b",", b"\n", b"\r", b'"')
        if stray:
            problems.append(("UnbalancedQuoteError", line(i), None, data[max(i - 10, 0) : i + 10]))
            break
    return problems
