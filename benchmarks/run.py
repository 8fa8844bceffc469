"""Run the benchmarks side by side and write benchmarks/RESULTS.md (``make bench``).

1. Load + month-on-month + year-on-year on synthetic Comtrade+ extracts (1M and 10M rows, CSV
   and Parquet), three implementations each in its own process: wall time of load and compute,
   peak RSS, rows per second, ratios to reanalysis; the three outputs must agree.
2. ``make reports`` from clean against its floor (the same runner executing as many empty
   notebooks), and a no-op run.

``python -m benchmarks.run --sizes tiny`` is the quick check the test suite uses.
"""

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from benchmarks.generate import ensure
from benchmarks.impls import IMPLEMENTATIONS, canonical_order

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def run_child(impl: str, source: Path, out: Path) -> dict:
    """Run one implementation in a fresh process; its own timing and peak RSS (``VmHWM``);
    ``wait4``'s figure is kept as ``rusage_mib`` for comparison."""
    import json

    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.impls", impl, str(source), str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    stdout, stderr = proc.stdout.read(), proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{impl} on {source.name} failed:\n{stderr}")
    result = json.loads(stdout.strip().splitlines()[-1])
    return {**result, "rusage_mib": usage.ru_maxrss / 1024}


def agree(outputs: dict[str, Path]) -> str:
    """Compare the outputs; raise if any number differs beyond 1e-9 relative."""
    frames = {k: canonical_order(pl.read_parquet(v)) for k, v in outputs.items()}
    ref = frames["reanalysis"]
    for name, frame in frames.items():
        if frame.height != ref.height:
            raise AssertionError(f"{name}: {frame.height} rows, reanalysis {ref.height}")
        joined = ref.with_columns(frame.select(
            a_mom=pl.col("mom_pct"), a_yoy=pl.col("yoy_pct"), a_v=pl.col("value_t"),
            k=pl.concat_str("commodity", "partner", pl.col("period").cast(pl.String))))  # fmt: skip
        keys_ok = joined.select(
            (
                pl.concat_str("commodity", "partner", pl.col("period").cast(pl.String))
                == pl.col("k")
            ).all()
        ).item()
        if not keys_ok:
            raise AssertionError(f"{name}: rows do not line up with reanalysis")
        for ours, theirs in (("mom_pct", "a_mom"), ("yoy_pct", "a_yoy"), ("value_t", "a_v")):
            bad = joined.filter(
                pl.col(ours).is_null()
                != pl.col(theirs).is_null()
                | ((pl.col(ours) - pl.col(theirs)).abs() > 1e-9 * (1 + pl.col(ours).abs()))
            )
            if bad.height:
                raise AssertionError(f"{name}: {bad.height} rows differ in {ours}: {bad.head(3)}")
    return f"{ref.height:,} rows identical across {', '.join(frames)}"


def bench_compute(sizes: list[str], work: Path) -> tuple[list[dict], list[str]]:
    rows, checks = [], []
    for size in sizes:
        files = ensure(size)
        n_rows = pl.scan_parquet(files["parquet"]).select(pl.len()).collect().item()
        for fmt, source in files.items():
            outputs = {}
            for impl in IMPLEMENTATIONS:
                out = work / f"{size}-{fmt.replace(', ', '-').replace(' ', '-')}-{impl}.parquet"
                measured = run_child(impl, source, out)
                outputs[impl] = out
                rows.append({"size": size, "format": fmt, "impl": impl, "rows": n_rows, **measured})
                print(f"{size:>4} {fmt:<22} {impl:<10} {measured['seconds']:7.2f} s "
                      f"{measured['rss_mib']:7.0f} MiB", flush=True)  # fmt: skip
            checks.append(f"{size} {fmt}: {agree(outputs)}")
    return rows, checks


def empty_notebooks(target: Path, names: list[str]) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    target.mkdir()
    for name in names:
        nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                   "language": "python"}})  # fmt: skip
        nb.cells = [new_code_cell("x = 1", metadata={"tags": ["parameters"]})]
        nbformat.write(nb, target / f"{name}.ipynb")


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def bench_reports(work: Path, runs: int = 2) -> dict:
    """Clean runs (into empty output folders) against the floor, each the best of ``runs``
    after one untimed run that brings the interpreter and packages into the page cache (the
    compute benchmarks before it read gigabytes)."""
    from reanalysis import paths
    from reanalysis.reports import discover

    jobs = discover(paths.NOTEBOOKS, paths.PARAMS)
    runner = [sys.executable, "-m", "reanalysis.reports"]
    floor_nb = work / "empty"
    empty_notebooks(floor_nb, [f"empty{i:02d}" for i in range(len(jobs))])
    empty = [*runner, "--notebooks", str(floor_nb), "--params", str(work / "none")]

    def best(name: str, command: list[str]) -> float:
        return min(timed([*command, "--out", str(work / f"{name}-{i}")]) for i in range(runs))

    timed([*runner, "--out", str(work / "warm-up")])
    clean = best("clean", runner)
    noop = timed([*runner, "--out", str(work / "clean-0")])
    # the floor: papermill as usual (a new kernel per notebook), same pool of workers
    floor = best("floor", [*empty, "--fresh-kernels"])
    reuse_floor = best("floor-reuse", empty)
    fresh = best("fresh", [*runner, "--fresh-kernels"])
    make_noop = float("nan")
    if shutil.which("make"):
        timed(["make", "-s", "reports"])  # bring the repository's reports up to date first
        make_noop = timed(["make", "-s", "reports"])
    return {"reports": len(jobs), "clean": clean, "floor": floor, "noop": noop, "runs": runs,
            "make_noop": make_noop, "reuse_floor": reuse_floor, "fresh": fresh}  # fmt: skip


def markdown(rows: list[dict], checks: list[str], reports: dict | None) -> str:
    import duckdb
    import pandas

    lines = [
        "# Benchmark results",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
        f"polars {pl.__version__}, pandas {pandas.__version__}, duckdb {duckdb.__version__}. "
        f"Written by `make bench` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        "## Load + month-on-month + year-on-year, every series (synthetic Comtrade+ extracts)",
        "",
        "Wall time of loading and computing inside each implementation's own process (output "
        "writing excluded); peak RSS of that process (its own `VmHWM`: `wait4` would also count "
        "the benchmark runner's memory, shared until the child's exec). Ratio = time / reanalysis time (above 1: "
        "slower than reanalysis).",
        "",
        "| rows | format | implementation | seconds | rows/s | peak RSS MiB | ratio to reanalysis |",
        "|---:|---|---|---:|---:|---:|---:|",
    ]
    ref = {(r["size"], r["format"]): r["seconds"] for r in rows if r["impl"] == "reanalysis"}
    for r in rows:
        ratio = r["seconds"] / ref[(r["size"], r["format"])]
        lines.append(f"| {r['rows']:,} | {r['format']} | {r['impl']} | {r['seconds']:.2f} | "
                     f"{r['rows'] / r['seconds']:,.0f} | {r['rss_mib']:,.0f} | {ratio:.2f} |")  # fmt: skip
    lines += ["", "Agreement: " + "; ".join(checks) + "."]
    if reports:
        lines += [
            "", "## Report regeneration", "",
            f"Best of {reports['runs']} runs each, after one untimed run.", "",
            "| what | seconds |", "|---|---:|",
            f"| clean run, {reports['reports']} reports (2 workers, a kernel per worker) | {reports['clean']:.1f} |",
            f"| floor: papermill on {reports['reports']} empty notebooks (a kernel per notebook, same 2 workers) | {reports['floor']:.1f} |",
            f"| ratio clean / floor | {reports['clean'] / reports['floor']:.2f} |",
            f"| for comparison: clean run with `--fresh-kernels` (a kernel per report) | {reports['fresh']:.1f} |",
            f"| for comparison: the runner on the empty notebooks, a kernel per worker | {reports['reuse_floor']:.1f} |",
            f"| no-op run (runner) | {reports['noop']:.2f} |",
            f"| no-op `make reports` | {reports['make_noop']:.2f} |",
        ]  # fmt: skip
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["1m", "10m"])
    parser.add_argument("--no-reports", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="reanalysis-bench-") as tmp:
        rows, checks = bench_compute(args.sizes, Path(tmp))
        reports = None if args.no_reports else bench_reports(Path(tmp))
    text = markdown(rows, checks, reports)
    args.out.write_text(text)
    print(text)
    print(f"bench: {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
