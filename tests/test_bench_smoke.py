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
    assert got["usd_per_t_yoy_pct"].null_count() < got.height  # unit values are compared too


def test_a_null_where_reanalysis_has_a_figure_is_a_disagreement(tmp_path):
    import pytest

    data = frame(3_000, seed=7)
    source = tmp_path / "tiny.parquet"
    data.write_parquet(source)
    ours = IMPLEMENTATIONS["reanalysis"](source)
    row = ours["usd_per_t_mom_pct"].is_not_null().arg_max()
    theirs = ours.with_columns(
        usd_per_t_mom_pct=pl.when(pl.int_range(pl.len()) != row).then("usd_per_t_mom_pct")
    )
    outputs = {"reanalysis": tmp_path / "ours.parquet", "other": tmp_path / "theirs.parquet"}
    ours.write_parquet(outputs["reanalysis"])
    theirs.write_parquet(outputs["other"])
    with pytest.raises(AssertionError, match="other: 1 rows differ in usd_per_t_mom_pct"):
        agree(outputs)


def test_peak_memory_is_the_childs_own_not_the_runners(tmp_path):
    from benchmarks.run import run_child

    source = tmp_path / "tiny.parquet"
    frame(3_000, seed=7).write_parquet(source)
    ballast = pl.DataFrame({"x": pl.int_range(60_000_000, eager=True)})  # ~460 MiB here
    measured = run_child("reanalysis", source, tmp_path / "out.parquet")
    assert measured["rusage_mib"] > 460  # wait4 counts this process's pages too
    assert measured["rss_mib"] < 400  # the child's own peak: Python, Polars, a tiny file
    assert ballast.height == 60_000_000


def test_the_stage_timer_times_each_stage_of_the_in_memory_job(tmp_path):
    from benchmarks.stages import STAGES, stages

    source = tmp_path / "tiny.parquet"
    frame(3_000, seed=7).write_parquet(source)
    timed, inputs = stages(source)
    assert list(timed) == list(STAGES) == ["read", "reconcile", "growth"]
    assert all(wall >= 0 and cpu >= 0 for wall, cpu in timed.values())
    assert inputs["read"] == source and inputs["growth"]["ytd_t"].null_count() < 3_000


def test_a_row_timed_again_is_its_run_of_median_time_with_every_run():
    from benchmarks.run import median_run

    runs = [{"seconds": s, "rss_mib": m} for s, m in ((5.0, 1), (4.0, 2), (6.0, 3), (4.5, 4))]
    assert median_run(runs[:3]) == {"seconds": 5.0, "rss_mib": 1, "times": [5.0, 4.0, 6.0]}
    assert median_run(runs) == {"seconds": 4.5, "rss_mib": 4, "times": [5.0, 4.0, 6.0, 4.5]}
    assert median_run(runs[:1]) == {"seconds": 5.0, "rss_mib": 1, "times": [5.0]}
