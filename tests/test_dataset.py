"""The bounded-memory path gives the in-memory path's growth frame, row for row, and its errors."""

import re

import polars as pl
import pytest
from benchmarks.generate import frame
from polars.testing import assert_frame_equal

from reanalysis import dataset, load_customs
from reanalysis.dataset import growth_dataset, plan
from reanalysis.errors import BadValueError, DuplicateRowError, EmptyFileError, RaggedRowError
from reanalysis.formats.comtrade import SCHEMA as COMTRADE_SCHEMA
from reanalysis.growth import growth
from reanalysis.readers import COMTRADE_REQUIRED

SERIES_ORDER = ["reporter", "commodity", "flow", "partner", "period"]


def in_series_order(growth_frame: pl.DataFrame) -> pl.DataFrame:
    """Rows sorted by series and month, series names as text (parts carry their own order)."""
    return growth_frame.with_columns(pl.col(pl.Categorical).cast(pl.String)).sort(SERIES_ORDER)


def bounded_error(error: type[Exception], source, target, **kwargs) -> Exception:
    """The ``error`` that ``growth_dataset(source, target, **kwargs)`` raises, checked to read
    as the one the in-memory path (``load_customs(source)``) raises."""
    with pytest.raises(error) as in_memory:
        load_customs(source)
    with pytest.raises(error) as bounded:
        growth_dataset(source, target, progress=False, **kwargs)
    assert str(bounded.value) == str(in_memory.value)
    return bounded.value


@pytest.fixture(scope="module")
def extract(tmp_path_factory):
    """A synthetic Comtrade+ extract (missing months, zero weights) as CSV, Parquet and Parquet
    with its rows shuffled."""
    folder = tmp_path_factory.mktemp("extract")
    data = frame(40_000, seed=11)  # 4 HS codes x 167 partners
    data.write_csv(folder / "c.csv")
    data.write_parquet(folder / "c.parquet", row_group_size=2_000)
    data.sample(fraction=1.0, shuffle=True, seed=3).write_parquet(folder / "shuffled.parquet")
    (folder / "rows.txt").write_text(str(data.height))
    return folder


def rows_of(extract) -> int:
    return int((extract / "rows.txt").read_text())


@pytest.mark.parametrize("name", ["c.csv", "c.parquet", "shuffled.parquet"])
def test_batches_give_the_in_memory_growth_frame_row_for_row(extract, tmp_path, name):
    source = extract / name
    expected = growth(load_customs(source))
    assert expected.height == rows_of(extract)  # every row a month of its own
    assert expected["mom_pct"].null_count() > 500  # gaps and zero weights are part of the job
    out = growth_dataset(source, tmp_path / "g", batch_rows=10_000, progress=False)
    parts = sorted(out.iterdir())
    assert 2 <= len(parts) <= 4  # at most ceil(rows / 10,000) batches, no empty one written
    got = pl.read_parquet(out)
    assert got.schema == expected.schema
    assert_frame_equal(in_series_order(got), in_series_order(expected))
    for part in parts:  # every series whole in one part (all partners of an HS code)
        keys = pl.read_parquet(part).select("commodity").unique()
        others = pl.concat([pl.read_parquet(p) for p in parts if p != part]).select("commodity")
        assert keys.join(others, on="commodity").height == 0


@pytest.mark.parametrize("shuffled", [False, True])
def test_a_batch_without_trade_values_gets_the_unit_value_columns_of_the_rest(
    tmp_path, monkeypatch, capsys, shuffled
):
    """One HS code of four has no trade value: in memory its rows still get the unit-value
    columns (null, with their notes), so every part does too and the parts read as one frame,
    whether the file is read in ranges (one HS code each) or split."""
    data = frame(40_000, seed=11)
    unpriced = data["cmdCode"][0]
    data = data.with_columns(
        primaryValue=pl.when(pl.col("cmdCode") != unpriced).then("primaryValue")
    )
    if shuffled:
        data = data.sample(fraction=1.0, shuffle=True, seed=3)
    data.write_parquet(source := tmp_path / "c.parquet")
    expected = growth(load_customs(source))
    assert expected.filter(pl.col("commodity") == unpriced)["usd_per_t"].null_count() > 9_000
    asked, batch_growth = [], dataset.batch_growth

    def spy(batch, plan, unit_values=None):
        asked.append(unit_values)
        return batch_growth(batch, plan, unit_values)

    monkeypatch.setattr(dataset, "batch_growth", spy)
    out = growth_dataset(source, tmp_path / "g", batch_rows=2_500)
    assert True in asked  # a part without trade values was computed again with unit values
    redone = [p for p in out.iterdir() if pl.read_parquet(p)["commodity"][0] == unpriced]
    n, parts = int(redone[0].stem.split("-")[1]) + 1, len(list(out.iterdir()))
    assert f"unit values of batch {n} of {parts}]" in capsys.readouterr().err
    assert len({tuple(pl.read_parquet_schema(p).items()) for p in out.iterdir()}) == 1
    assert_frame_equal(in_series_order(pl.read_parquet(out)), in_series_order(expected))


def test_a_file_without_any_trade_value_has_no_unit_value_columns_as_in_memory(tmp_path):
    data = frame(20_000, seed=11).with_columns(primaryValue=pl.lit(None, pl.Float64))
    data.write_parquet(source := tmp_path / "c.parquet")
    expected = growth(load_customs(source))
    assert "usd_per_t" not in expected.columns
    out = growth_dataset(source, tmp_path / "g", batch_rows=5_000, progress=False)
    assert_frame_equal(in_series_order(pl.read_parquet(out)), in_series_order(expected))


def test_a_batch_of_annual_rows_beside_trade_values_is_skipped(write, tmp_path):
    header = COMTRADE_HEADER.strip() + ",primaryValue\n"
    annual = "".join(f"A,2025,X,8505{i:02d},World,9,90\n" for i in range(20))
    monthly = "".join(f"M,2025{m:02d},X,850511,Japan,{m}000,{m}00\n" for m in (1, 2, 3))
    path = write("c.csv", header + annual + monthly)
    out = growth_dataset(path, tmp_path / "g", batch_rows=1, progress=False)
    assert_frame_equal(in_series_order(pl.read_parquet(out)),
                       in_series_order(growth(load_customs(path))))  # fmt: skip


class TinyAutomaticFiles(pl.PartitionBy):
    """Polars' ``PartitionBy`` with its automatic file size (a new file past 4 GiB of a
    partition in memory) cut to one byte, so that a test batch is past it."""

    def __init__(self, base_path, *, approximate_bytes_per_file="auto", **kwargs):
        if approximate_bytes_per_file == "auto":
            approximate_bytes_per_file = 1
        super().__init__(base_path, approximate_bytes_per_file=approximate_bytes_per_file, **kwargs)


def test_a_batch_past_polars_automatic_file_size_stays_one_file(tmp_path, monkeypatch):
    """Left to itself Polars cuts a batch past 4 GiB into files, and each file would then be
    read as a batch of its own, a series straddling two; a batch is one file whatever its size
    (the batches of every source are Parquet files)."""
    data = frame(250_000, seed=13)  # Polars' Parquet sink cuts files at about 100,000 rows
    data = data.sort("period", maintain_order=True)  # month by month: the file is split
    source = tmp_path / "c.parquet"
    data.write_parquet(source)
    monkeypatch.setattr(pl, "PartitionBy", TinyAutomaticFiles)
    left_alone = pl.PartitionBy(tmp_path / "cut", key="_batch")
    data.lazy().with_columns(_batch=0).sink_parquet(left_alone)
    assert len(list((tmp_path / "cut").glob("*/*"))) > 1  # what the rule guards against
    out = growth_dataset(source, tmp_path / "g", progress=False)  # one batch
    assert [p.name for p in out.iterdir()] == ["part-00000.parquet"]
    expected = growth(load_customs(source))
    assert_frame_equal(in_series_order(pl.read_parquet(out)), in_series_order(expected))


def test_a_folder_of_parquet_files_is_one_input(extract, tmp_path):
    data = pl.read_parquet(extract / "c.parquet")
    (tmp_path / "in" / "year=2021").mkdir(parents=True)
    data.head(14_000).write_parquet(tmp_path / "in" / "year=2021" / "a.parquet")
    data.tail(data.height - 14_000).write_parquet(tmp_path / "in" / "b.parquet")
    out = growth_dataset(tmp_path / "in", tmp_path / "g", batch_rows=15_000, progress=False)
    expected = growth(load_customs(extract / "c.parquet")).drop("source_url")
    got = pl.read_parquet(out)
    assert_frame_equal(in_series_order(got.drop("source_url")), in_series_order(expected))
    assert got["source_url"].unique().to_list() == [(tmp_path / "in").resolve().as_uri()]


STEP = re.compile(r"0/3 \[00:00<\?, \?batch/s, (.*) ([\d,]+) rows\]")


@pytest.mark.parametrize(
    ("name", "first_steps"),
    [("c.parquet", ["finding the series in"]),
     ("shuffled.parquet", ["finding the series in", "splitting"]),
     ("c.csv", ["splitting"])],
)  # fmt: skip
def test_progress_bar_names_the_first_step_and_counts_each_batch(
    extract, tmp_path, capsys, name, first_steps
):
    """The first step of a Parquet file is finding its series (then splitting it if they are
    not in consecutive rows); a CSV is split."""
    growth_dataset(extract / name, tmp_path / "g", batch_rows=20_000)
    states = capsys.readouterr().err.split("\r")
    assert states[1].rstrip() == "growth:   0%|          | 0/3 [00:00<?, ?batch/s]"
    postfixes = [m.groups() for st in states if (m := STEP.search(st))]
    assert list(dict.fromkeys(step for step, _ in postfixes)) == first_steps
    if name != "c.csv":  # a CSV's rows are estimated from its size
        assert {rows for _, rows in postfixes} == {f"{rows_of(extract):,}"}
    assert re.fullmatch(r"growth: 100%\|[#█]+\| 3/3 \[[^\]]*batch/s, batch 2 of 2\]\n?", states[-1])
    growth_dataset(extract / name, tmp_path / "h", batch_rows=20_000, progress=False)
    assert capsys.readouterr().err == ""


def test_the_target_folder_may_be_deep_in_folders_not_made_yet(write, tmp_path):
    path = write("c.csv", COMTRADE_HEADER + ROWS)
    out = growth_dataset(path, tmp_path / "a" / "b" / "g", progress=False)
    assert pl.read_parquet(out).height == 6


def test_a_utf8_csv_keeps_its_names_and_source_url_column(write, tmp_path):
    tidy = ("period,commodity,flow,partner,value,unit,source_url\n"
            + "".join(f"2025-{m:02d},oxydes,export,Côte d'Ivoire,{m},t,https://x.example/{m}\n"
                      for m in (1, 2, 3)))  # fmt: skip
    path = write("t.csv", tidy)
    got = pl.read_parquet(growth_dataset(path, tmp_path / "g", progress=False))
    assert_frame_equal(in_series_order(got), in_series_order(growth(load_customs(path))))
    assert got["source_url"].cast(pl.String).to_list() == [
        f"https://x.example/{m}" for m in (1, 2, 3)
    ]


def test_an_iso_8859_1_csv_with_crlf_and_a_quoted_line_break_reads_as_in_memory(write, tmp_path):
    rows = ROWS.replace("Korea", '"Côte\r\nd\'Ivoire"').replace("\n", "\r\n")
    rows = rows.replace('"Côte\r\r\nd', '"Côte\r\nd')  # the quoted break stays CRLF
    path = write("c.csv", (COMTRADE_HEADER.replace("\n", "\r\n") + rows).encode("iso-8859-1"))
    got = pl.read_parquet(growth_dataset(path, tmp_path / "g", progress=False))
    assert_frame_equal(in_series_order(got), in_series_order(growth(load_customs(path))))
    assert "Côte\r\nd'Ivoire" in got["partner"].cast(pl.String).to_list()


def test_target_is_replaced_only_when_asked(extract, tmp_path):
    target = tmp_path / "g"
    target.mkdir()
    (target / "old.parquet").write_text("x")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        growth_dataset(extract / "c.parquet", target, progress=False)
    growth_dataset(extract / "c.parquet", target, progress=False, overwrite=True)
    assert [p.name for p in target.iterdir()] == ["part-00000.parquet"]
    assert [p.name for p in tmp_path.iterdir()] == ["g"]  # no temporary folder left behind


COMTRADE_HEADER = ",".join(COMTRADE_REQUIRED) + "\n"
ROWS = "".join(
    f"M,2025{m:02d},X,850511,{p},{m}000\n" for p in ("Japan", "Korea") for m in (1, 2, 3)
)


def test_errors_name_the_source_row_as_the_in_memory_path_does(write, tmp_path):
    path = write("c.csv", COMTRADE_HEADER + ROWS + "M,202504,X,850511,Korea,-5\n")
    err = bounded_error(BadValueError, path, tmp_path / "g", batch_rows=3)
    assert (err.file, err.line, err.column) == (str(path), 8, "netWgt")


def test_a_repeated_key_names_both_source_lines(write, tmp_path):
    path = write("c.csv", COMTRADE_HEADER + ROWS + "M,202502,X,850511,Japan,7\n")
    with pytest.raises(DuplicateRowError) as err:
        growth_dataset(path, tmp_path / "g", batch_rows=3, progress=False)
    assert err.value.line == 8 and "as line 3 (2 t)" in err.value.expected


def test_a_folder_error_names_the_file_and_its_row(tmp_path):
    (tmp_path / "in").mkdir()
    good = pl.read_csv((COMTRADE_HEADER + ROWS).encode(), schema_overrides={"cmdCode": pl.String})
    good.write_parquet(tmp_path / "in" / "a.parquet")
    good.with_columns(netWgt=pl.Series([1.0, 2.0, -3.0, 4.0, 5.0, 6.0])).with_columns(
        period=pl.col("period") + 100
    ).write_parquet(tmp_path / "in" / "b.parquet")
    with pytest.raises(BadValueError) as err:
        growth_dataset(tmp_path / "in", tmp_path / "g", progress=False)
    assert (err.value.file, err.value.line) == (str(tmp_path / "in" / "b.parquet"), 4)


@pytest.mark.parametrize("name", ["shuffled.parquet", "c.csv"])
def test_a_source_s_batches_hold_its_columns_typed_as_the_reader_types_them(
    extract, tmp_path, name
):
    batches = dataset.split(plan(extract / name), 2, tmp_path / name)
    schema = pl.read_parquet_schema(batches[0])
    assert {schema[c] for c in ("cmdCode", "partnerDesc", "customsCode")} == {pl.Categorical()}
    assert (schema["netWgt"], schema["period"]) == (pl.Float64, pl.Int64)


def test_a_csv_with_a_cell_that_is_not_a_number_is_split_as_text_and_the_cell_named(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(COMTRADE_HEADER + ROWS.replace("Korea,2000", "Korea,2 t"))
    batches = dataset.split(plan(path), 2, tmp_path / "b")
    schema = pl.read_parquet_schema(batches[0])
    assert {schema[c] for c in ("cmdCode", "netWgt", "period")} == {pl.String}
    error = bounded_error(BadValueError, path, tmp_path / "g", batch_rows=3)
    assert (error.line, error.column, error.found) == (6, "netWgt", "2 t")


def test_a_bad_code_in_a_split_parquet_file_is_named_as_the_in_memory_path_names_it(tmp_path):
    good = pl.read_csv((COMTRADE_HEADER + ROWS).encode(), schema_overrides={"cmdCode": pl.String})
    bad = good.with_columns(flowCode=pl.Series(["X", "X", "X", "X", "Z", "X"]))
    bad.reverse().write_parquet(source := tmp_path / "c.parquet")  # not series by series
    err = bounded_error(BadValueError, source, tmp_path / "g", batch_rows=2)
    assert (err.line, err.column, err.found) == (3, "flowCode", "Z")


def test_iso_8859_1_csv_reads_as_in_memory(write, tmp_path):
    rows = ROWS.replace("Korea", "Côte d'Ivoire")
    path = write("c.csv", (COMTRADE_HEADER + rows).encode("iso-8859-1"))
    out = growth_dataset(path, tmp_path / "g", progress=False)
    assert_frame_equal(in_series_order(pl.read_parquet(out)),
                       in_series_order(growth(load_customs(path))))  # fmt: skip
    assert "Côte d'Ivoire" in pl.read_parquet(out)["partner"].cast(pl.String).to_list()


def test_no_monthly_row_is_the_readers_error_on_the_source(write, tmp_path):
    path = write("c.csv", COMTRADE_HEADER + "A,2025,X,850511,World,90000\n")
    with pytest.raises(EmptyFileError, match="no monthly rows") as err:
        growth_dataset(path, tmp_path / "g", progress=False)
    assert err.value.file == str(path) and not (tmp_path / "g").exists()


def test_a_parquet_file_without_rows_is_the_readers_error(tmp_path):
    empty = pl.read_csv(COMTRADE_HEADER.encode(), schema_overrides={"cmdCode": pl.String})
    empty.write_parquet(tmp_path / "c.parquet")
    with pytest.raises(EmptyFileError) as err:
        growth_dataset(tmp_path / "c.parquet", tmp_path / "g", progress=False)
    assert err.value.file == str(tmp_path / "c.parquet")


def test_batches_without_monthly_rows_are_skipped(write, tmp_path):
    annual = "".join(f"A,2025,X,8505{i:02d},World,9\n" for i in range(20))
    path = write("c.csv", COMTRADE_HEADER + annual + ROWS)
    out = growth_dataset(path, tmp_path / "g", batch_rows=1, progress=False)
    assert pl.read_parquet(out).height == 6 and len(list(out.iterdir())) < 26


def test_only_records_formats_and_present_files(write, tmp_path):
    shipped = write("s.csv", "period,flow,commodity,value_t,ytd_t,mom_pct_reported,"
                    "yoy_pct_reported,source_url,quote\n2025-01,export,ore,1,,,,u,q\n")  # fmt: skip
    with pytest.raises(ValueError, match="load_customs"):
        plan(shipped)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no Parquet files"):
        plan(tmp_path / "empty")
    (tmp_path / "mixed").mkdir()
    pl.DataFrame({"period": ["2025-01"], "commodity": ["ore"], "flow": ["export"],
                  "partner": ["World"], "value": [1.0], "unit": ["t"]}).write_parquet(
        tmp_path / "mixed" / "a.parquet")  # fmt: skip
    pl.read_csv((COMTRADE_HEADER + ROWS).encode()).write_parquet(tmp_path / "mixed" / "b.parquet")
    with pytest.raises(ValueError, match="a comtrade file among tidy files"):
        plan(tmp_path / "mixed")


def test_plan_takes_the_readers_columns_and_the_series_keys(extract):
    p = plan(extract / "c.csv")
    assert p.format == "comtrade" and p.csv
    assert p.keys == ("reporterDesc", "flowCode", "cmdCode")
    assert p.columns == tuple(COMTRADE_SCHEMA)  # every column the reader takes is there
    assert abs(p.rows - rows_of(extract)) < 500  # estimated from the file size
    assert plan(extract / "c.parquet").rows == rows_of(extract)  # counted


def test_lines_count_as_the_reader_counts_them(write, tmp_path):
    """A quoted line break moves the rows after it down; an empty line is not a row."""
    rows = ROWS.replace("Korea", '"Korea,\nRep."') + "\nM,202504,X,850511,Japan,-5\n"
    path = write("c.csv", COMTRADE_HEADER + rows)
    assert bounded_error(BadValueError, path, tmp_path / "g", batch_rows=2).line == 12
    fixed = write("d.csv", COMTRADE_HEADER + rows.replace("-5", "5"))
    out = growth_dataset(fixed, tmp_path / "h", batch_rows=2, progress=False)
    assert_frame_equal(in_series_order(pl.read_parquet(out)),
                       in_series_order(growth(load_customs(fixed))))  # fmt: skip


NOT_ONE_RECORD_PER_LINE = {
    "an empty line": ROWS + "\n",
    "a quoted line break": ROWS.replace("Korea", '"Korea,\nRep."', 1),
}


@pytest.mark.parametrize("rows", NOT_ONE_RECORD_PER_LINE.values(), ids=NOT_ONE_RECORD_PER_LINE)
def test_a_csv_whose_lines_are_not_its_records_is_split_as_its_layout_says(write, tmp_path, rows):
    """The split made while the layout is checked takes each line for a record; an empty line
    or a quoted line break alone moves the rows after it, so that split is not the one used.
    The one used keeps UTF-8 names and puts the series in as many batches as asked."""
    path = write("c.csv", COMTRADE_HEADER + rows + "M,202504,X,850511,Japan,-5\n")
    with pytest.raises(BadValueError) as bounded:
        growth_dataset(path, tmp_path / "g", progress=False)
    assert (bounded.value.file, bounded.value.line) == (str(path), 9)
    fixed = write("d.csv", COMTRADE_HEADER + rows.replace("Japan", "Côte d'Ivoire")
                  + "M,202504,X,850512,Japan,5\n")  # fmt: skip
    out = growth_dataset(fixed, tmp_path / "h", batch_rows=2, progress=False)
    assert len(list(out.iterdir())) > 1
    assert_frame_equal(in_series_order(pl.read_parquet(out)),
                       in_series_order(growth(load_customs(fixed))))  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "splits"),
    [(ROWS, 1), *((rows, 2) for rows in NOT_ONE_RECORD_PER_LINE.values())],
    ids=["one record per line", *NOT_ONE_RECORD_PER_LINE],
)
def test_a_csv_is_split_once_when_each_line_is_a_record(write, tmp_path, monkeypatch, rows, splits):
    """The split made while the layout is checked is kept for a plain CSV: the source is
    read once; any other CSV is split again as its layout says."""
    calls, sink = [], dataset._sink

    def counted(*args):
        calls.append(args)
        return sink(*args)

    monkeypatch.setattr(dataset, "_sink", counted)
    growth_dataset(write("c.csv", COMTRADE_HEADER + rows), tmp_path / "g", progress=False)
    assert len(calls) == splits


def test_a_ragged_row_is_the_readers_error_on_the_source(write, tmp_path):
    path = write("c.csv", COMTRADE_HEADER + ROWS + "M,202504,X,850511,Korea\n")
    with pytest.raises(RaggedRowError) as err:
        growth_dataset(path, tmp_path / "g", progress=False)
    assert (err.value.file, err.value.line) == (str(path), 8)


def test_two_names_of_one_partner_are_one_series(write, tmp_path):
    header = COMTRADE_HEADER.strip() + ",partnerISO\n"
    rows = "".join(f"M,2025{m:02d},X,850511,{name},{m}000,KOR\n"
                   for m, name in ((1, "Rep. of Korea"), (2, "Korea, Rep."), (3, "Rep. of Korea")))  # fmt: skip
    path = write("c.csv", header + rows.replace("Korea, Rep.", '"Korea, Rep."'))
    expected = growth(load_customs(path))
    assert expected["partner"].n_unique() == 1 and expected["mom_pct"].to_list()[1:] == [
        100.0,
        50.0,
    ]
    out = growth_dataset(path, tmp_path / "g", batch_rows=1, progress=False)
    assert_frame_equal(in_series_order(pl.read_parquet(out)), in_series_order(expected))


TIDY_TWO_NAMES = (
    "period,commodity,flow,partner,value,unit\n"
    + "".join(f"2025-{m:02d},ore,export,USA,{m}0,t\n" for m in (1, 2, 3))
    + "".join(f"2025-{m:02d},ore,export,United States,{m}0,t\n" for m in (4, 5, 6))
    + "".join(f"2025-{m:02d},ore,export,Japan,{m}0,t\n" for m in range(1, 7))
)


@pytest.mark.parametrize("name", ["t.csv", "t.parquet"])
@pytest.mark.parametrize("batch_rows", [1, 2, 5])
def test_two_names_of_one_partner_in_a_tidy_file_are_one_series(write, tmp_path, name,
                                                                 batch_rows):  # fmt: skip
    """The reader names ``USA`` and ``United States`` as one partner: their rows are one
    series in one batch, whichever the batches (before, each name could fall in a batch of its
    own, and the series' months in the other batch were missing to its comparisons)."""
    path = write("t.csv", TIDY_TWO_NAMES)
    if name == "t.parquet":
        pl.read_csv(path).write_parquet(path := tmp_path / name)
    expected = growth(load_customs(path))
    assert expected["partner"].unique().sort().to_list() == ["Japan", "United States"]
    assert expected.filter(pl.col("partner") == "United States")["mom_pct"].null_count() == 1
    out = growth_dataset(path, tmp_path / "g", batch_rows=batch_rows, progress=False)
    assert_frame_equal(in_series_order(pl.read_parquet(out)), in_series_order(expected))


def test_the_series_hash_takes_a_partner_by_its_canonical_name():
    partners = pl.DataFrame({"partner": ["USA", " United States ", "United States", "Japan"]})
    hashes = partners.select(dataset.series_hash(("partner",))).to_series().to_list()
    assert hashes[0] == hashes[1] == hashes[2] != hashes[3]


def test_a_blank_and_a_missing_reporter_are_one_series_in_one_batch(tmp_path):
    """The reader takes a blank key as a missing one: rows with reporter ``""`` and rows with
    none are one series, in one batch (not two ranges of the file, nor two split batches)."""
    rows = pl.read_csv((COMTRADE_HEADER + ROWS).encode(), schema_overrides={"cmdCode": pl.String})
    rows = rows.filter(pl.col("partnerDesc") == "Japan").with_columns(
        reporterDesc=pl.Series(["", "", None], dtype=pl.String)
    )
    rows = pl.concat([rows, rows.with_columns(period=pl.col("period") + 3, reporterDesc=None)])
    rows.write_parquet(source := tmp_path / "c.parquet")
    expected = growth(load_customs(source))
    assert expected["mom_pct"].null_count() == 1  # one series of six months
    out = growth_dataset(source, tmp_path / "g", batch_rows=3, progress=False)
    assert_frame_equal(in_series_order(pl.read_parquet(out)), in_series_order(expected))


def test_a_key_with_surrounding_spaces_is_in_its_series_batch(write, tmp_path):
    """The reader strips keys, so ` 850511 ` is series 850511: the split puts it in that
    series' batch, whatever the number of batches."""
    rows = "M,202501,X,850511,Japan,1000\nM,202502,X, 850511 ,Japan,2000\n"
    path = write("c.csv", COMTRADE_HEADER + rows + "M,202503,X,850511 ,Japan,3000\n")
    expected = growth(load_customs(path))
    assert expected["mom_pct"].to_list() == [None, 100.0, 50.0]
    out = growth_dataset(path, tmp_path / "g", batch_rows=1, progress=False)
    assert_frame_equal(in_series_order(pl.read_parquet(out)), in_series_order(expected))


def test_cells_a_csv_parser_reads_but_a_text_cast_does_not_read_as_in_memory(write, tmp_path):
    """A CSV source's batches hold its cells as text: padded numbers (which Polars' CSV parser
    takes and its cast from text refuses) and a blank weight read as the source does."""
    rows = ROWS + 'M, 202504,X,850511,Japan," 4000"\nM,202505,X,850511,Japan,5000 \n'
    rows += 'M,202506,X,850511,Japan,""\n'
    path = write("c.csv", COMTRADE_HEADER + rows)
    expected = growth(load_customs(path))
    assert expected.filter(pl.col("partner") == "Japan")["value_t"].to_list()[3:] == [
        4.0,
        5.0,
        None,
    ]
    out = growth_dataset(path, tmp_path / "g", batch_rows=2, progress=False)
    assert_frame_equal(in_series_order(pl.read_parquet(out)), in_series_order(expected))
