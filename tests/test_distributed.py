"""On a Dask cluster (a scheduler and two worker processes on 127.0.0.1, started here), the
growth job gives the single-machine growth frame row for row."""

import os
import shutil
import tempfile
from pathlib import Path

import polars as pl
import pytest
from benchmarks.generate import frame
from distributed import Client, LocalCluster
from polars.testing import assert_frame_equal

from reanalysis import distributed, load_customs, loaders
from reanalysis.distributed import growth_on_cluster
from reanalysis.errors import BadValueError, EmptyFileError, EncodingError
from reanalysis.growth import growth
from test_dataset import COMTRADE_HEADER, ROWS, in_series_order


@pytest.fixture(scope="module")
def client():
    """Two worker processes; under ``make mutate`` (REANALYSIS_TEST_CLUSTER=threads) two worker
    threads of the test process instead, so that the workers run the mutant under test."""
    if os.environ.get("REANALYSIS_TEST_CLUSTER") == "threads":
        where = {"processes": False}  # in-process transport, no socket
    else:
        where = {"processes": True, "host": "127.0.0.1"}
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, **where) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        assert len(client.scheduler_info()["workers"]) == 2
        yield client


@pytest.fixture(scope="module")
def extract(tmp_path_factory):
    folder = tmp_path_factory.mktemp("extract")
    data = frame(20_000, seed=5)  # 2 HS codes x 167 partners
    data.write_csv(folder / "c.csv")
    data.sample(fraction=1.0, shuffle=True, seed=2).write_parquet(
        folder / "shuffled.parquet", row_group_size=5_000
    )
    (folder / "parts").mkdir()
    data.head(12_000).write_parquet(folder / "parts" / "a.parquet", row_group_size=5_000)
    data.tail(data.height - 5_000).write_parquet(folder / "parts" / "b.parquet")
    return folder


@pytest.mark.parametrize("name", ["c.csv", "shuffled.parquet", "parts"])
def test_cluster_gives_the_single_machine_growth_frame(client, extract, tmp_path, name):
    source = extract / name
    out = growth_on_cluster(source, tmp_path / "g", client, partitions=3, blocksize="1MiB")
    expected = growth(load_customs(extract / "c.csv" if name == "parts" else source))
    got = pl.read_parquet(out)
    assert got.schema == expected.schema
    if name == "parts":  # a folder is one input: its address is every row's source
        assert got["source_url"].unique().to_list() == [source.resolve().as_uri()]
        got, expected = got.drop("source_url"), expected.drop("source_url")
    assert_frame_equal(in_series_order(got), in_series_order(expected))
    parts = [pl.read_parquet(p)["commodity"].unique().to_list() for p in out.iterdir()]
    assert sorted(sum(parts, [])) == sorted(set(sum(parts, [])))  # each HS code in one part


@pytest.fixture
def many_codes(tmp_path) -> Path:
    """200 commodity codes x 3 months, one partner: 200 groups of whole series, 600 rows
    (enough that no group of series asked for stays empty, whatever the hash)."""
    rows = [("M", f"2025{m:02d}", "X", str(280000 + 7 * c), "Japan", 1000.0 * m)
            for c in range(200) for m in (1, 2, 3)]  # fmt: skip
    path = tmp_path / "many.parquet"
    pl.DataFrame(rows, schema=list(COMTRADE_HEADER.strip().split(",")), orient="row").write_parquet(
        path
    )
    return path


def test_the_series_go_into_as_many_parts_as_asked(client, many_codes, tmp_path):
    assert len(list(growth_on_cluster(many_codes, tmp_path / "g", client,
                                      partitions=3).iterdir())) == 3  # fmt: skip


def test_by_default_a_part_holds_about_rows_per_partition_rows(client, many_codes, tmp_path,
                                                                 monkeypatch):  # fmt: skip
    monkeypatch.setattr(distributed, "ROWS_PER_PARTITION", 160)  # 600 rows: 3.75, so 4 parts
    assert len(list(growth_on_cluster(many_codes, tmp_path / "g", client).iterdir())) == 4
    monkeypatch.setattr(distributed, "ROWS_PER_PARTITION", 1_000)  # 1 part, but 2 workers
    assert len(list(growth_on_cluster(many_codes, tmp_path / "h", client).iterdir())) == 2


def test_the_driver_never_loads_the_source_itself(client, extract, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the driver loaded the whole source")

    monkeypatch.setattr(loaders, "load_customs", refuse)  # the workers run the reader
    assert pl.read_parquet(growth_on_cluster(extract / "c.csv", tmp_path / "g", client)).height


def test_the_result_is_staged_beside_the_target_whatever_the_temporary_folder(
    client, write, tmp_path, monkeypatch
):
    # a rename is atomic only within one file system: staging on another one (here /dev/shm,
    # a tmpfs) would fail at the end
    other = Path(tempfile.mkdtemp(dir="/dev/shm"))
    assert os.stat(other).st_dev != os.stat(tmp_path).st_dev  # the premise: two file systems
    monkeypatch.setattr(tempfile, "tempdir", str(other))
    try:
        out = growth_on_cluster(write("c.csv", COMTRADE_HEADER + ROWS), tmp_path / "g", client)
        assert pl.read_parquet(out).height == 6
        assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv", "g"]
    finally:
        shutil.rmtree(other)


def test_text_is_read_as_written(client, write, tmp_path):
    # a code with a leading zero, a name outside ASCII, blank and "NA"-like cells stay text
    rows = ("M,202501,X,010121,Côte d'Ivoire,1000\nM,202502,X,010121,Côte d'Ivoire,\n"
            "M,202503,X,010121,Côte d'Ivoire,3000\nM,202501,X,850511,Namibia,NaN\n")  # fmt: skip
    path = write("c.csv", COMTRADE_HEADER + rows.replace(",NaN", ",5"))
    out = growth_on_cluster(path, tmp_path / "g", client)
    assert_frame_equal(in_series_order(pl.read_parquet(out)),
                       in_series_order(growth(load_customs(path))))  # fmt: skip
    assert pl.read_parquet(out)["commodity"].cast(pl.String).unique().sort().to_list() == [
        "010121", "850511"]  # fmt: skip
    bad = write("d.csv", COMTRADE_HEADER + rows)
    with pytest.raises(BadValueError) as in_memory:
        load_customs(bad)
    with pytest.raises(BadValueError) as err:
        growth_on_cluster(bad, tmp_path / "h", client)
    assert str(err.value) == str(in_memory.value) and err.value.line == 5


def test_a_tidy_csv_not_in_utf_8_is_refused_as_its_reader_refuses_it(client, write, tmp_path):
    text = "period,commodity,flow,partner,value,unit\n2025-01,ore,export,Côte d'Ivoire,5,t\n"
    path = write("t.csv", text.encode("iso-8859-1"))
    with pytest.raises(EncodingError) as in_memory:
        load_customs(path)
    with pytest.raises(EncodingError) as err:
        growth_on_cluster(path, tmp_path / "g", client)
    assert str(err.value) == str(in_memory.value) and err.value.line == 2


def test_cluster_errors_name_the_source_row(client, write, tmp_path):
    path = write("c.csv", COMTRADE_HEADER + ROWS + "M,202504,X,850511,Korea,-5\n")
    with pytest.raises(BadValueError) as err:
        growth_on_cluster(path, tmp_path / "g", client, blocksize="100B")
    assert (err.value.file, err.value.line, err.value.column) == (str(path), 8, "netWgt")
    with pytest.raises(EmptyFileError, match="no monthly rows"):
        growth_on_cluster(write("a.csv", COMTRADE_HEADER + "A,2025,X,1,W,9\n"), tmp_path / "h",
                          client)  # fmt: skip
    assert not (tmp_path / "g").exists() and not (tmp_path / "h").exists()


@pytest.mark.parametrize("rows", [0, 1])
def test_a_parquet_file_without_monthly_rows_is_refused_as_the_reader_refuses_it(
    client, tmp_path, rows
):
    columns = COMTRADE_HEADER.strip().split(",")
    data = pl.DataFrame([("A", "2025", "X", "850511", "Japan", 9.0)][:rows], schema=columns,
                        orient="row")  # fmt: skip
    data.write_parquet(tmp_path / "a.parquet")
    with pytest.raises(EmptyFileError) as in_memory:
        load_customs(tmp_path / "a.parquet")
    with pytest.raises(EmptyFileError) as err:
        growth_on_cluster(tmp_path / "a.parquet", tmp_path / "g", client)
    assert str(err.value) == str(in_memory.value)


def test_target_is_replaced_only_when_asked(client, write, tmp_path):
    path = write("c.csv", COMTRADE_HEADER + ROWS)
    (tmp_path / "g").mkdir()
    with pytest.raises(FileExistsError, match=r"/g exists; pass overwrite=True to replace it"):
        growth_on_cluster(path, tmp_path / "g", client)
    nested = growth_on_cluster(path, tmp_path / "new" / "folder" / "g", client)
    assert pl.read_parquet(nested).height == 6
    out = growth_on_cluster(path, tmp_path / "g", client, overwrite=True)
    assert pl.read_parquet(out).height == 6


def test_parquet_columns_are_read_with_their_own_types(client, tmp_path):
    # whole numbers with a gap (pandas' own types would make them floats on the way)
    columns = COMTRADE_HEADER.strip().split(",")
    rows = [("M", 202501, "X", "850511", "Japan", 1000.0), ("M", 202502, "X", "850511", "Japan",
            2000.0), ("M", None, "X", "850511", "Japan", 3000.0)]  # fmt: skip
    data = pl.DataFrame(rows, schema=columns, orient="row")
    assert data.schema["period"] == pl.Int64
    data.write_parquet(tmp_path / "a.parquet")
    with pytest.raises(BadValueError) as in_memory:
        load_customs(tmp_path / "a.parquet")
    with pytest.raises(BadValueError) as err:
        growth_on_cluster(tmp_path / "a.parquet", tmp_path / "g", client)
    assert str(err.value) == str(in_memory.value) and err.value.line == 4


def test_dictionary_encoded_parquet_columns_are_read_as_their_values(client, extract, tmp_path):
    # pandas writes its categoricals as Arrow dictionaries
    data = pl.read_csv(extract / "c.csv", infer_schema=False).to_pandas()
    data = data.astype({c: "category" for c in ("partnerDesc", "cmdCode", "flowCode")})
    data.to_parquet(tmp_path / "cat.parquet", row_group_size=5_000)
    out = growth_on_cluster(tmp_path / "cat.parquet", tmp_path / "g", client)
    assert_frame_equal(in_series_order(pl.read_parquet(out)),
                       in_series_order(growth(load_customs(tmp_path / "cat.parquet"))))  # fmt: skip


def test_a_blank_key_cell_is_refused_as_the_reader_refuses_it(client, write, tmp_path):
    path = write("c.csv", COMTRADE_HEADER + ROWS + "M,202504,X,850511,,5\n")
    with pytest.raises(BadValueError) as in_memory:
        load_customs(path)
    with pytest.raises(BadValueError) as err:
        growth_on_cluster(path, tmp_path / "g", client)
    assert str(err.value) == str(in_memory.value) and err.value.column == "partnerDesc"


def test_parquet_errors_name_the_file_and_row(client, extract, tmp_path):
    data = pl.read_parquet(extract / "parts" / "b.parquet")
    # in the file's third row group of 5,000 rows
    bad = data.with_columns(netWgt=pl.when(pl.int_range(pl.len()) == 12_000).then(-5.0)
                            .otherwise(pl.col("netWgt")))  # fmt: skip
    folder = tmp_path / "parts"
    folder.mkdir()
    shutil.copy(extract / "parts" / "a.parquet", folder / "a.parquet")
    bad.write_parquet(folder / "b.parquet", row_group_size=5_000)
    with pytest.raises(BadValueError) as err:
        growth_on_cluster(folder, tmp_path / "g", client)
    assert (err.value.file, err.value.line, err.value.column) == (
        str(folder / "b.parquet"), 12_002, "netWgt")  # fmt: skip
    bad.write_parquet(tmp_path / "one.parquet", row_group_size=5_000)
    with pytest.raises(BadValueError) as in_memory:
        load_customs(tmp_path / "one.parquet")
    with pytest.raises(BadValueError) as err:
        growth_on_cluster(tmp_path / "one.parquet", tmp_path / "h", client)
    assert str(err.value) == str(in_memory.value)


@pytest.mark.parametrize("blank_line", [False, True])
@pytest.mark.parametrize("quoted_break", [False, True])
def test_lines_are_counted_as_the_reader_counts_them(client, write, tmp_path, blank_line,
                                                     quoted_break):  # fmt: skip
    rows = ROWS.replace("Korea", '"Korea,\nRep."') if quoted_break else ROWS
    rows += "\n" * blank_line + "M,202504,X,850511,Japan,-5\n"
    path = write("c.csv", COMTRADE_HEADER + rows)
    with pytest.raises(BadValueError) as in_memory:
        load_customs(path)
    with pytest.raises(BadValueError) as err:
        growth_on_cluster(path, tmp_path / "g", client, blocksize="100B")
    assert str(err.value) == str(in_memory.value)
    assert err.value.line == 8 + 3 * quoted_break + blank_line
    fixed = write("d.csv", COMTRADE_HEADER + rows.replace("-5", "5"))
    out = growth_on_cluster(fixed, tmp_path / "h", client, blocksize="100B")
    assert_frame_equal(in_series_order(pl.read_parquet(out)),
                       in_series_order(growth(load_customs(fixed))))  # fmt: skip


def test_cluster_counts_lines_as_the_reader(client, write, tmp_path):
    rows = ROWS.replace("Korea", '"Korea,\nRep."') + "\nM,202504,X,850511,Japan,-5\n"
    path = write("c.csv", (COMTRADE_HEADER + rows).replace("Japan", "Côte").encode("iso-8859-1"))
    with pytest.raises(BadValueError) as in_memory:
        load_customs(path)
    with pytest.raises(BadValueError) as err:
        growth_on_cluster(path, tmp_path / "g", client)
    assert str(err.value) == str(in_memory.value) and err.value.line == 12
    fixed = write("d.csv", (COMTRADE_HEADER + rows.replace("-5", "5")).encode("iso-8859-1"))
    out = growth_on_cluster(fixed, tmp_path / "h", client)
    assert_frame_equal(in_series_order(pl.read_parquet(out)),
                       in_series_order(growth(load_customs(fixed))))  # fmt: skip


def test_a_partition_without_trade_values_gets_the_unit_value_columns_of_the_rest(client, tmp_path):
    """One HS code of four has no trade value: its part still has the unit-value columns (as
    in memory), so the parts read as one frame equal to the single-machine one."""
    data = frame(40_000, seed=11)
    unpriced = data["cmdCode"][0]
    data = data.with_columns(
        primaryValue=pl.when(pl.col("cmdCode") != unpriced).then("primaryValue")
    )
    data.write_parquet(source := tmp_path / "c.parquet", row_group_size=10_000)
    out = growth_on_cluster(source, tmp_path / "g", client, partitions=8)
    assert len({tuple(pl.read_parquet_schema(p).items()) for p in out.iterdir()}) == 1
    expected = growth(load_customs(source))
    assert_frame_equal(in_series_order(pl.read_parquet(out)), in_series_order(expected))
