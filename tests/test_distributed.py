"""On a Dask cluster (a scheduler and two worker processes on 127.0.0.1, started here), the
growth job gives the single-machine growth frame row for row."""

import os

import polars as pl
import pytest
from benchmarks.generate import frame
from distributed import Client, LocalCluster
from polars.testing import assert_frame_equal

from reanalysis import load_customs
from reanalysis.distributed import _starts, growth_on_cluster
from reanalysis.errors import BadValueError, EmptyFileError
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


def test_cluster_errors_name_the_source_row(client, write, tmp_path):
    path = write("c.csv", COMTRADE_HEADER + ROWS + "M,202504,X,850511,Korea,-5\n")
    with pytest.raises(BadValueError) as err:
        growth_on_cluster(path, tmp_path / "g", client, blocksize="100B")
    assert (err.value.file, err.value.line, err.value.column) == (str(path), 8, "netWgt")
    with pytest.raises(EmptyFileError, match="no monthly rows"):
        growth_on_cluster(write("a.csv", COMTRADE_HEADER + "A,2025,X,1,W,9\n"), tmp_path / "h",
                          client)  # fmt: skip
    assert not (tmp_path / "g").exists() and not (tmp_path / "h").exists()


def test_target_is_replaced_only_when_asked(client, write, tmp_path):
    path = write("c.csv", COMTRADE_HEADER + ROWS)
    (tmp_path / "g").mkdir()
    with pytest.raises(FileExistsError):
        growth_on_cluster(path, tmp_path / "g", client)
    out = growth_on_cluster(path, tmp_path / "g", client, overwrite=True)
    assert pl.read_parquet(out).height == 6


def test_rows_are_numbered_within_their_file():
    assert _starts([0, 0, 1, 1, 1], [5, 7, 2, 3, 4]) == [0, 5, 0, 2, 5]


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
