"""An independent, plain-Python reading of the three input formats: the fuzz suite's oracle.

It shares no code with :mod:`reanalysis.formats`: a character-by-character RFC 4180 parser and
the documented rules, written out row by row. ``expected(data)`` gives the figures a correct
reader must return for the file's bytes, or ``None`` when the file must be refused.
"""

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
    """Sorted figures ``(line, measure, period, commodity, flow, partner, value_t)`` or None."""
    try:
        return sorted(_figures(data), key=repr)
    except Refused:
        return None


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


def number(text: str, *, signed: bool = False) -> float | None:
    text = text.strip()
    if text == "":
        return None
    if not NUMBER.fullmatch(text):
        raise Refused
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")) or (not signed and value < 0):
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


def _comtrade(rows: list, names: set[str]) -> list[tuple]:
    out = []
    for line, row in rows:
        freq = key(row["freqCode"])
        if freq == "A":
            continue
        if freq != "M":
            raise Refused
        flow = {"X": "export", "M": "import", "RX": "re-export", "RM": "re-import"}.get(
            key(row["flowCode"]) or ""
        )
        commodity, partner = key(row["cmdCode"]), key(row["partnerDesc"])
        if flow is None or commodity is None or partner is None:
            raise Refused
        kg = number(row["netWgt"])
        if "primaryValue" in names:
            number(row["primaryValue"])
        text = row["period"].strip()
        if not re.fullmatch(r"\+?[0-9]+", text):
            raise Refused
        yyyymm = int(text)
        if not (1 <= yyyymm % 100 <= 12 and 1900 <= yyyymm // 100 <= 2200):
            raise Refused
        month = f"{yyyymm // 100:04d}-{yyyymm % 100:02d}"
        out.append((line, "month", month, commodity, flow, partner,
                    None if kg is None else kg / 1000.0))  # fmt: skip
    if not out:
        raise Refused
    return out


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
