"""The CSV layout check (reanalysis.formats.layout) pinned outside the fuzzer: a row too short
or too long is found whatever the block size, even beside one that makes up for it; empty and
CRLF lines count as a parser counts them; each refusal names its line, its column where there
is one, the bytes found and what was expected."""

from pathlib import Path

import numpy as np
import pytest

from reanalysis.errors import (
    DuplicateColumnError,
    EmptyFileError,
    EncodingError,
    NotTextError,
    RaggedRowError,
    UnbalancedQuoteError,
    collecting,
)
from reanalysis.formats import layout as layout_module
from reanalysis.formats.layout import QUOTING, Layout, read_header_line, read_layout
from reanalysis.readers import read_statements

TIDY = "period,commodity,flow,partner,value,unit\n"
ROW = "2025-{:02d},ore,export,World,{},t\n"
LINES = [ROW.format(m, m * 10) for m in range(1, 7)]
ROWS = "".join(LINES)


@pytest.fixture(params=[None, 5, 17, 64], ids=lambda b: f"block={b}")
def block(request, monkeypatch):
    """Read files in blocks of this many bytes (None: the default size)."""
    if request.param is not None:
        monkeypatch.setattr(layout_module, "BLOCK", request.param)
    return request.param


@pytest.mark.parametrize(
    ("row", "fields"),
    [
        ("2025-07,ore,export,World,70\n", "5 fields"),
        ("2025-07,ore,export,World,70,t,x\n", "7 fields"),
    ],
)
def test_a_row_too_short_or_too_long_is_refused_at_its_line(write, block, row, fields):
    path = write("t.csv", TIDY + "".join(LINES[:3]) + row + "".join(LINES[3:]))
    with pytest.raises(RaggedRowError) as raised:
        read_statements(path)
    assert (raised.value.line, raised.value.found) == (5, fields)


@pytest.mark.parametrize("size", [4, 8, 16, 32])
def test_a_row_too_long_beside_one_too_short_is_refused_whatever_the_blocks(
    write, monkeypatch, size
):
    # their commas add up to two rows' worth: only counting row by row finds them
    monkeypatch.setattr(layout_module, "BLOCK", size)
    path = write("t.csv", "a,b\n1,2\n3,4\n5,6\n1,2,3\n4\n5,6\n")
    with pytest.raises(RaggedRowError) as raised:
        read_layout(Path(path))
    assert (raised.value.line, raised.value.column, raised.value.found) == (5, None, "3 fields")


def test_crlf_and_empty_lines_are_records_a_parser_skips(write, block):
    text = TIDY + "".join(LINES[:2]) + "\n" + "".join(LINES[2:])
    path = write("t.csv", text.replace("\n", "\r\n"))
    got = read_layout(Path(path))
    assert (got.header, got.records, got.empty.tolist(), got.lines) == (
        TIDY.strip().split(","), 7, [2], None
    )  # fmt: skip
    assert got.line_numbers().tolist() == [2, 3, 4, 5, 6, 7, 8]
    assert read_statements(path)["line"].to_list() == [2, 3, 5, 6, 7, 8]


def test_a_quoted_line_break_moves_the_lines_after_it(write, block):
    text = (
        TIDY + ROW.format(1, 10) + '2025-02,"ore\nproducts",export,World,20,t\n' + ROW.format(3, 30)
    )
    got = read_layout(Path(write("t.csv", text)))
    assert got.lines.tolist() == [2, 3, 5]
    assert got.line_numbers().tolist() == [2, 3, 5]


def test_without_quoted_line_breaks_record_i_is_on_line_i_plus_2():
    layout = Layout(["a"], "utf8", 3, np.zeros(0, dtype=np.int64), None)
    assert layout.line_numbers().tolist() == [2, 3, 4]


def test_a_carriage_return_alone_is_refused_at_its_line(write, block):
    path = write("t.csv", TIDY + ROW.format(1, 10) + "2025-02,ore,export,World,20,t\r2025-03\n")
    with pytest.raises(NotTextError) as raised:
        read_layout(Path(path))
    assert str(raised.value) == (
        f"{path}, line 3: found b'\\r', expected line breaks as \\n or \\r\\n (a carriage "
        "return alone is not one)"
    )


def test_a_stray_quote_is_shown_with_ten_bytes_each_side(write, block):
    path = write("t.csv", TIDY + ROW.format(1, 10) + '2025-02,ore,export,Wor"ld,20,t\n' + ROWS)
    with pytest.raises(UnbalancedQuoteError) as raised:
        read_layout(Path(path))
    error = raised.value
    # the bytes shown are the file's, wherever the blocks cut
    assert (error.line, error.column, error.found) == (3, None, b'export,Wor"ld,20,t\n2')
    assert error.expected == layout_module.QUOTING


def test_a_byte_that_is_not_utf8_is_named_with_its_line_and_column(write, block):
    data = (TIDY + ROW.format(1, 10) + "2025-02,ore,export,Côte,20,t\n").encode("iso-8859-1")
    path = write("t.csv", data)
    with pytest.raises(EncodingError) as raised:
        read_layout(Path(path))
    error = raised.value
    assert (error.line, error.column, error.found, error.expected) == (
        3, "partner", b"\xf4te,", "UTF-8 text"
    )  # fmt: skip
    assert read_layout(Path(path), latin1=True).encoding == "latin1"


def test_a_last_line_without_a_line_break_is_a_record_like_any_other(write, block):
    path = write("t.csv", TIDY + ROWS + "2025-07,ore,export,World,,t")
    got = read_layout(Path(path))
    assert (got.records, got.ragged) == (7, False)
    assert read_statements(path)["line"].to_list() == [2, 3, 4, 5, 6, 7, 8]


@pytest.mark.parametrize("size", range(1, 31))
def test_a_stray_quote_is_found_wherever_the_blocks_cut(write, monkeypatch, size):
    monkeypatch.setattr(layout_module, "BLOCK", size)
    path = write("t.csv", TIDY + ROW.format(1, 10) + '2025-02,ore,export,Wor"ld,20,t\n')
    with pytest.raises(UnbalancedQuoteError) as raised:
        read_layout(Path(path))
    assert raised.value.line == 3


def test_a_quote_closed_before_the_end_of_its_field_is_refused(write, block):
    path = write("t.csv", TIDY + ROW.format(1, 10) + '2025-02,ore,export,"World"x,20,t\n')
    with pytest.raises(UnbalancedQuoteError) as raised:
        read_layout(Path(path))
    assert raised.value.line == 3


def test_a_byte_order_mark_before_a_quoted_header_is_no_stray_quote(write, block):
    quoted = '"period","commodity","flow","partner","value","unit"\n'
    path = write("t.csv", b"\xef\xbb\xbf" + (quoted + ROWS).encode())
    assert read_layout(Path(path)).header == TIDY.strip().split(",")
    stray = write(
        "s.csv",
        b"\xef\xbb\xbf" + (quoted + ROW.format(1, 10) + '2025-02,o"re,export,World,2,t\n').encode(),
    )
    with pytest.raises(UnbalancedQuoteError) as raised:
        read_layout(Path(stray))
    assert (raised.value.line, raised.value.found) == (3, b'\n2025-02,o"re,export')


def test_a_stray_quote_in_the_header_is_shown_from_the_file_start(write):
    path = write("t.csv", 'pe"riod,commodity,flow,partner,value,unit\n' + ROWS)
    with pytest.raises(UnbalancedQuoteError) as raised:
        read_layout(Path(path))
    assert (raised.value.line, raised.value.found) == (1, b'pe"riod,comm')


def test_a_byte_that_is_not_utf8_just_before_a_line_break_is_on_its_own_line(write, block):
    data = TIDY + ROW.format(1, 10) + "2025-02,ore,export,World,2ô,t\n" + ROW.format(3, 30)
    path = write("t.csv", data.encode("iso-8859-1"))
    with pytest.raises(EncodingError) as raised:
        read_layout(Path(path))
    assert (raised.value.line, raised.value.column) == (3, "value")


def test_an_empty_file_is_refused_before_its_header_is_read(write):
    from reanalysis.errors import EmptyFileError
    from reanalysis.formats.layout import read_header_line

    path = write("t.csv", "  \n")
    with pytest.raises(EmptyFileError) as raised:
        read_header_line(Path(path))
    assert str(raised.value) == (
        f"{path}, line 1: found 'an empty file', expected a header line and data rows"
    )


def test_a_carriage_return_alone_at_the_very_end_is_refused_at_its_line(write, block):
    path = write("t.csv", TIDY + ROW.format(1, 10) + "2025-02,ore,export,World,20,t\r")
    with pytest.raises(NotTextError) as raised:
        read_layout(Path(path))
    assert (raised.value.line, raised.value.found) == (3, b"\r")


@pytest.mark.parametrize("data", [b"", b"  \n\n", b"\n" * 70_000], ids=["empty", "blank", "long"])
def test_an_empty_or_blank_file_is_refused_whatever_its_length(write, block, data):
    path = write("t.csv", data)
    with pytest.raises(EmptyFileError) as raised:
        read_layout(Path(path))
    assert str(raised.value) == (
        f"{path}, line 1: found 'an empty file', expected a header line and data rows"
    )


def test_a_file_of_one_name_is_a_header_without_rows(write):
    got = read_layout(Path(write("t.csv", "a")))
    assert (got.header, got.records, got.empty.tolist()) == (["a"], 0, [])


def test_a_quote_that_never_closes_is_named_at_its_opening_line(write, block):
    path = write("t.csv", TIDY + ROW.format(1, 10) + '2025-02,"ore,export,World,20,t\n' + ROWS)
    with pytest.raises(UnbalancedQuoteError) as raised:
        read_layout(Path(path))
    assert (
        str(raised.value)
        == f"{path}, line 3: found 'a quote that never closes', expected {QUOTING}"
    )


@pytest.mark.parametrize("size", [None, 1 << 15])
def test_a_header_longer_than_the_bytes_kept_from_the_start_is_read_whole(write, monkeypatch, size):
    if size:
        monkeypatch.setattr(layout_module, "BLOCK", size)
    names = [f"column{i:05d}" for i in range(7000)]  # 84,000 bytes: past the first 64 KiB
    path = Path(write("t.csv", ",".join(names) + "\n" + ",".join("1" * 7000) + "\n"))
    assert read_layout(path).header == names
    assert read_header_line(path) == names


def test_a_column_named_twice_is_refused_with_the_header_shown_to_200_characters(write):
    names = [f"a_rather_long_column_name_{i}" for i in range(10)] + ["a_rather_long_column_name_3"]
    path = write("t.csv", ",".join(names) + "\n" + ",".join("1" * 11) + "\n")
    with pytest.raises(DuplicateColumnError) as raised:
        read_layout(Path(path))
    shown = ",".join(names)[:200]
    assert str(raised.value) == (
        f"{path}, line 1, column 'a_rather_long_column_name_3': found {shown!r}, "
        "expected each column name once"
    )


def test_a_control_byte_is_shown_with_the_eight_bytes_from_it(write, block):
    path = write("t.csv", b"a b,c\n1 2,3\n4 5,\x00xyzabcdefg\n")
    with pytest.raises(NotTextError) as raised:
        read_layout(Path(path))
    assert str(raised.value) == (
        f"{path}, line 3: found b'\\x00xyzabcd', expected text (a control byte: a binary file?)"
    )


def test_tabs_beside_crlf_line_breaks_are_text(write, block):
    got = read_layout(Path(write("t.csv", "a\tb,c\r\n1\t2,3\r\n")))
    assert (got.header, got.records) == (["a\tb", "c"], 1)


def test_a_byte_that_is_not_utf8_is_in_the_field_its_record_says(write, block):
    # the record before ends in a quote; the row's own quotes hold a comma
    data = b'a,b,c\n"x",y,"z"\np,"q,r",\xe9\n'
    with pytest.raises(EncodingError) as raised:
        read_layout(Path(write("t.csv", data)))
    assert (raised.value.line, raised.value.column, raised.value.found) == (3, "c", b"\xe9\n")


def test_a_byte_that_is_not_utf8_past_the_headers_last_column_has_no_column(write, block):
    with pytest.raises(EncodingError) as raised:
        read_layout(Path(write("t.csv", b"a,b\nx,y,\xe9\n")))
    assert (raised.value.line, raised.value.column, raised.value.found) == (2, None, b"\xe9\n")


def test_while_collecting_a_ragged_row_is_reported_and_then_skipped_as_an_empty_line(write, block):
    path = write("t.csv", TIDY + ROW.format(1, 10) + "2025-02,ore\n" + ROW.format(3, 30) + "\n")
    with collecting() as problems:
        got = read_layout(Path(path))
    assert [(type(p), p.line, p.found) for p in problems] == [(RaggedRowError, 3, "2 fields")]
    assert (got.records, got.empty.tolist(), got.ragged) == (4, [1, 3], True)


def test_a_carriage_return_alone_in_a_block_that_ends_on_one_is_refused(write, monkeypatch):
    monkeypatch.setattr(layout_module, "BLOCK", 4)  # the first block is a\rb\r
    path = write("t.csv", b"a\rb\r\nc\n")
    with pytest.raises(NotTextError) as raised:
        read_layout(Path(path))
    assert (raised.value.line, raised.value.found) == (1, b"\r")


def test_a_column_name_with_a_quoted_line_break_keeps_it_as_written(tmp_path):
    path = tmp_path / "h.csv"
    path.write_bytes(b'a,"b\r\nc",d\r\n1,2,3\r\n')
    assert read_layout(path).header == ["a", "b\r\nc", "d"]


def test_an_empty_first_line_is_a_header_of_no_names_and_every_row_is_ragged(write, block):
    # the header's names (csv) are none, though its record counts as one field
    path = write("t.csv", "\na,b\n\n1\n")
    with collecting() as problems:
        got = read_layout(Path(path))
    assert [(type(p), p.line, p.found) for p in problems] == [
        (RaggedRowError, 2, "2 fields"),
        (RaggedRowError, 4, "1 fields"),
    ]
    assert (got.header, got.records, got.empty.tolist(), got.ragged) == ([], 3, [0, 1, 2], True)


def test_a_plain_file_keeps_no_number_per_record(write, monkeypatch):
    """Memory stays flat: only empty records, records not as wide as the header and, after a
    quoted line break, records' lines are kept while the blocks are read."""
    monkeypatch.setattr(layout_module, "BLOCK", 64)
    rows = "".join(f"{i},x\n" for i in range(500))
    scan = layout_module._Scan(Path(write("t.csv", "a,b\n" + rows)))
    for part in range(0, len("a,b\n" + rows), 64):
        scan.feed(("a,b\n" + rows)[part : part + 64].encode())
    assert (scan.records, scan.empty, scan.odd, scan.lines) == (501, [], [], [])
    assert scan.finish(latin1=False).records == 500


def test_a_character_cut_by_the_end_of_the_file_is_shown_from_its_first_byte(write, block):
    # "é" is two bytes in UTF-8 (c3 a9): the file ends after the first
    path = write("t.csv", TIDY.encode() + b"2025-01,ore,export,World,10,caf\xc3")
    with pytest.raises(EncodingError) as raised:
        read_layout(Path(path))
    assert (raised.value.line, raised.value.column, raised.value.found) == (2, "unit", b"\xc3")
