"""The layout check and readers against the plain-Python oracle (:mod:`fuzz_oracle`) on fixed
sets of files read in blocks of varied sizes, which ``make mutate`` runs too: a deterministic
slice of the fuzzer (tests/test_fuzz_readers.py, left out of mutation runs for its time), and
``read_layout`` against its byte-by-byte twin ``fuzz_oracle.layout`` on small CSVs with quoted
commas and line breaks, ragged rows, repeated names, both encodings and stray bytes."""

import dataclasses
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_oracle import BOM, layout
from reanalysis.errors import InputError
from reanalysis.formats import layout as layout_module
from reanalysis.formats.layout import read_header_line, read_layout
from test_fuzz_readers import BASES, check, mutated

FIXED = settings(max_examples=20, derandomize=True, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
FIXED_MANY = settings(FIXED, max_examples=300)


@pytest.mark.parametrize("kind", sorted(BASES))
@FIXED
@given(data=st.data(), block=st.none() | st.integers(1, 64))
def test_a_fixed_set_of_mutated_files_is_refused_or_read_as_the_oracle_reads_it(
    kind, data, block, folder
):
    check(folder / f"{kind}.csv", data.draw(mutated(kind), label="file"), block)


# --- the layout check against its byte-by-byte twin (fuzz_oracle.layout) ----------------------

CELLS = ["", "a", "1.5", "é", " x ", "a\tb", '"q"', '"a,b"', '"l1\nl2"', '"say ""hi"""',
         '"r\r\n"', '""']  # fmt: skip
DAMAGE = [b'"', b"\r", b"\x00", b"\xe9", b"\xc3", b"\n", b",", b"\n\n", b"\r\n", b'""']
BLOCKS = [None, 1, 2, 3, 4, 7, 16]


@st.composite
def csv_files(draw) -> bytes:
    """A small CSV: a header of one to four names (perhaps one twice; with spaces, capitals and
    quoted line breaks that a reader must keep), rows as wide as it or
    not, quoted fields with commas, line breaks and doubled quotes, LF or CRLF, UTF-8 or
    ISO-8859-1, perhaps a byte-order mark, and perhaps a few bytes inserted anywhere."""
    width = draw(st.integers(1, 4))
    names = ["a", "Xb", "cX", "d ", "é", '"e"', '"f\r\ng"']
    header = draw(st.permutations(names))[:width]
    if draw(st.integers(0, 7)) == 0:
        header.append(header[0])
    row = st.lists(st.sampled_from(CELLS), min_size=len(header), max_size=len(header))
    rows = draw(st.lists(st.one_of(row, row, row, st.lists(st.sampled_from(CELLS), max_size=5)),
                         max_size=6))  # fmt: skip
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    text = eol.join(",".join(r) for r in [header, *rows]) + draw(st.sampled_from(["", eol]))
    data = text.encode(draw(st.sampled_from(["utf-8", "iso-8859-1"])))
    if draw(st.booleans()):
        data = BOM + data
    for where, blob in draw(st.lists(st.tuples(st.floats(0, 1), st.sampled_from(DAMAGE)),
                                     max_size=draw(st.sampled_from([0, 0, 1, 2])))):  # fmt: skip
        at = int(where * len(data))
        data = data[:at] + blob + data[at:]
    return data


def outcome(path, block: int | None, **options):
    """What read_layout makes of ``path`` in blocks of ``block`` bytes: the twin's dict of
    the layout, or the error's (class, line, column, found)."""
    with mock.patch.object(layout_module, "BLOCK", block or layout_module.BLOCK):
        try:
            got = read_layout(path, **options)
        except InputError as err:
            return type(err).__name__, err.line, err.column, err.found
    fields = dataclasses.asdict(got)
    fields["empty"] = fields["empty"].tolist()
    fields["lines"] = None if got.lines is None else got.lines.tolist()
    return fields


@FIXED_MANY
@given(data=csv_files(), latin1=st.booleans())
def test_read_layout_agrees_with_its_byte_by_byte_twin_whatever_the_blocks(data, latin1, folder):
    path = folder / "twin.csv"
    path.write_bytes(data)
    want, problems = layout(data, latin1=latin1)
    for block in BLOCKS:
        got = outcome(path, block, latin1=latin1)
        if want is not None:
            assert got == want, (block, data)
        else:
            assert got in problems, (block, data, problems)


@FIXED_MANY
@given(data=csv_files())
def test_the_header_line_is_the_layouts_header_and_read_alone(data, folder):
    """``read_header_line`` gives the names ``read_layout`` finds in the first row: read alone
    (the rest of the file unread) when that row is plain UTF-8 text without quotes, whatever
    follows; otherwise as the whole file's check gives them, or its refusal."""
    path = folder / "header.csv"
    path.write_bytes(data)
    first, newline, _ = data.partition(b"\n")
    first = first.removeprefix(BOM).removesuffix(b"\r")
    try:
        plain = first.decode("utf-8")
    except UnicodeDecodeError:
        plain = None
    alone = plain is not None and newline and first.strip() and '"' not in plain
    alone = alone and not any(ord(c) < 32 and c != "\t" for c in plain)
    if alone:
        with mock.patch.object(layout_module, "read_layout", side_effect=AssertionError("read")):
            assert read_header_line(path) == plain.split(",")
        return
    want, problems = layout(data, latin1=True)
    try:
        got = read_header_line(path)
    except InputError as err:
        got = type(err).__name__, err.line, err.column, err.found
    if want is not None:
        assert got == want["header"]
    else:
        assert got in problems, (got, problems)
