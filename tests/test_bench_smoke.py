"""The benchmark code runs, and its three implementations agree, on a tiny extract."""

import polars as pl
from benchmarks.generate import COLUMNS, frame
from benchmarks.impls import IMPLEMENTATIONS
from benchmarks.run import agree


def test_three_implementations_agree_on_a_tiny_extract(tmp_path):
    data = frame(3_000, seed=7)
    assert data.columns == COLUMNS and len(COLUMNS) == 47
    assert (data["netWgt"] == 0).any()  # zero months are part of the job
    source = tmp_path / "tiny.csv"
    data.write_csv(source)
    outputs = {}
    for name, implementation in IMPLEMENTATIONS.items():
        outputs[name] = tmp_path / f"{name}.parquet"
        implementation(source).write_parquet(outputs[name])
    assert agree(outputs).startswith(f"{data.height:,} rows identical")
    got = pl.read_parquet(outputs["reanalysis"])
    assert got["mom_pct"].null_count() > 0  # missing and zero bases give nulls, not numbers
