"""Run the benchmarks side by side and write benchmarks/RESULTS.md (``make bench``).

1. Load + month-on-month + year-on-year on synthetic Comtrade+ extracts (10M rows by default,
   ``--sizes 1m 10m`` for 1M too; CSV, Parquet, Parquet with rows shuffled), each implementation in its own process (reanalysis,
   pandas with its default and its pyarrow readers, DuckDB, Polars as a user writes it) beside
   the scan floor (reading the needed columns only); at 10M also reanalysis's bounded-memory
   path and (Parquet) its Dask path on two local workers. Wall time, peak RSS, rows per second,
   ratios to reanalysis; every output must agree with reanalysis's.
2. The bounded-memory path on a 100-million-row Parquet extract (generated once, cached), in
   two orders: series by series (read in ranges of rows) and month by month (split first).
3. ``make reports`` from clean against its floor (the same runner executing as many empty
   notebooks), and a no-op run.
4. The targets of issue 13, met or not, from the figures above.

The implementations the targets compare (reanalysis, DuckDB, the scan floor, the bounded
path) run three times each (``--repeats``), in rounds, and are reported by their run of median
time. ``python -m benchmarks.run --sizes tiny --no-large --no-reports`` is a quick check.
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

from benchmarks.generate import LARGE_ORDERS, ensure, ensure_large
from benchmarks.impls import FLOOR, IMPLEMENTATIONS, OUTPUT, canonical_order

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
    """Compare the outputs with reanalysis's, one at a time; raise if any number differs beyond
    1e-9 relative. Folders (the writers' output) are read as one frame."""
    key = pl.concat_str("commodity", "partner", pl.col("period").cast(pl.String))
    numbers = [c for c in OUTPUT if c not in ("commodity", "partner", "period")]
    ref = canonical_order(pl.read_parquet(outputs["reanalysis"]))
    for name, path in outputs.items():
        frame = canonical_order(pl.read_parquet(path).select(OUTPUT).with_columns(
            pl.col("commodity", "partner").cast(pl.String)))  # fmt: skip
        if frame.height != ref.height:
            raise AssertionError(f"{name}: {frame.height} rows, reanalysis {ref.height}")
        joined = ref.with_columns(frame.select(k=key, **{f"their_{c}": pl.col(c) for c in numbers}))
        if not joined.select((key == pl.col("k")).all()).item():
            raise AssertionError(f"{name}: rows do not line up with reanalysis")
        for ours in numbers:
            theirs = pl.col(f"their_{ours}")
            # parenthesised: ``|`` binds tighter than ``!=``, and a difference with a null
            # is null, which ``filter`` drops
            bad = joined.filter(
                (pl.col(ours).is_null() != theirs.is_null())
                | ((pl.col(ours) - theirs).abs() > 1e-9 * (1 + pl.col(ours).abs()))
            )
            if bad.height:
                raise AssertionError(f"{name}: {bad.height} rows differ in {ours}: {bad.head(3)}")
        del frame, joined
    return f"{ref.height:,} rows identical across {' / '.join(outputs)}"


# The implementations the targets compare: run ``repeats`` times, in rounds (each round runs
# them in turn), and reported by the run of median time, as one run on this shared machine can
# be off by a fifth.
TIMED_AGAIN = ("reanalysis", "duckdb", "scan floor", "reanalysis, bounded memory")


def median_run(runs: list[dict]) -> dict:
    """The run of median time among ``runs`` (the lower middle one of an even number), with
    every run's ``times``."""
    ordered = sorted(runs, key=lambda r: r["seconds"])
    return {**ordered[(len(runs) - 1) // 2], "times": [r["seconds"] for r in runs]}


def bench_compute(
    sizes: list[str],
    work: Path,
    only: list[str] | None = None,
    formats: list[str] | None = None,
    done=lambda rows, checks: None,
    repeats: int = 3,
) -> tuple[list[dict], list[str]]:
    """Every input of ``sizes`` (or only ``formats``) through every implementation (or
    ``only`` those), those of :data:`TIMED_AGAIN` ``repeats`` times in all, in rounds; ``done``
    gets the figures so far after each input."""
    rows, checks = [], []
    for size in sizes:
        files = ensure(size)
        n_rows = pl.scan_parquet(files["parquet"]).select(pl.len()).collect().item()
        for fmt, source in files.items():
            if formats and fmt not in formats:
                continue
            impls = [*IMPLEMENTATIONS, *FLOOR]
            if size == "10m":
                impls.append("reanalysis, bounded memory")
                if fmt == "parquet":
                    impls.append("reanalysis on Dask, 2 workers")
            impls = [i for i in impls if not only or i in only or i == "reanalysis"]
            outputs, runs = {}, {impl: [] for impl in impls}
            for round_ in range(repeats):
                for impl in impls if round_ == 0 else [i for i in impls if i in TIMED_AGAIN]:
                    slug = "".join(c if c.isalnum() else "-" for c in f"{size}-{fmt}-{impl}")
                    out = work / f"{slug}-{round_}.parquet"  # the first round's outputs are kept
                    runs[impl].append(run_child(impl, source, out))
                    if impl not in FLOOR and round_ == 0:
                        outputs[impl] = out
                    elif out.exists():
                        shutil.rmtree(out) if out.is_dir() else out.unlink()
                    print(f"{size:>4} {fmt:<22} {impl:<30} {runs[impl][-1]['seconds']:7.2f} s "
                          f"{runs[impl][-1]['rss_mib']:7.0f} MiB", flush=True)  # fmt: skip
            for impl in impls:
                measured = median_run(runs[impl])
                if impl == "reanalysis, bounded memory":
                    measured["batches"] = batching(source)
                rows.append({"size": size, "format": fmt, "impl": impl, "rows": n_rows, **measured})
            checks.append(f"{size} {fmt}: {agree(outputs)}")
            for out in outputs.values():
                shutil.rmtree(out) if out.is_dir() else out.unlink()
            done(rows, checks)
    return rows, checks


def batching(source: Path) -> str:
    """How the bounded path batches ``source`` (found again here, outside the timed run)."""
    from reanalysis.dataset import BATCH_ROWS, plan, ranges

    p = plan(source)
    wanted = -(-p.rows // BATCH_ROWS)
    return "ranges of rows" if p.one_parquet and ranges(p, wanted, BATCH_ROWS) else "split"


def bench_large(work: Path) -> list[dict]:
    """The bounded-memory path on the cached 100-million-row Parquet extract, in each order."""
    large = []
    for order in LARGE_ORDERS:
        source = ensure_large(order)
        n_rows = pl.scan_parquet(source).select(pl.len()).collect().item()
        measured = run_child("reanalysis, bounded memory", source, work / "large")
        shutil.rmtree(work / "large")
        if measured["rows"] != n_rows:
            raise AssertionError(f"100m: {measured['rows']:,} growth rows from {n_rows:,} rows")
        print(f"100m parquet {order} bounded {measured['seconds']:7.2f} s "
              f"{measured['rss_mib']:7.0f} MiB")  # fmt: skip
        large.append({"order": order, "rows": n_rows, "bytes": source.stat().st_size,
                      "batches": batching(source), **measured})  # fmt: skip
    return large


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


def markdown(
    rows: list[dict], checks: list[str], reports: dict | None, large: list[dict] | None
) -> str:
    import dask
    import duckdb
    import pandas

    lines = [
        "# Benchmark results",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
        f"polars {pl.__version__}, pandas {pandas.__version__}, duckdb {duckdb.__version__}, "
        f"dask {dask.__version__}. "
        f"Written by `make bench` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
        "The two cores are shared with whatever else runs: compare rows measured side by side "
        "in one run, not across runs. Every implementation ran with "
        f"`NUMPY_MADVISE_HUGEPAGE={os.environ.get('NUMPY_MADVISE_HUGEPAGE', '')}` "
        "(0: NumPy does not ask for transparent huge pages; see PROFILE.md, fifth round).",
        "",
        "## Load + month-on-month + year-on-year, every series (synthetic Comtrade+ extracts)",
        "",
        "Each implementation loads the extract and computes month-on-month and year-on-year "
        "growth of the tonnage and of the unit value (US dollars per tonne) for every series. "
        "Wall time of loading and computing inside each implementation's own process, output "
        "writing excluded (the next column adds it). The bounded-memory and Dask paths write "
        "the whole growth frame (32 columns) as Parquet parts as part of their job, so their "
        "seconds include it; the Dask cluster's start is not timed. Peak RSS is the process's "
        "own `VmHWM` (`wait4` would also count the benchmark runner's memory, shared until the "
        "child's exec); for Dask, the driver's plus both workers'. The scan floor only reads "
        "the columns the reader takes (15 of the 47), its list of them worked out before "
        "the clock starts. Ratio = time / reanalysis time (above 1: slower "
        "than reanalysis). The bounded-memory path reads a Parquet file whose series each lie "
        "in consecutive rows (the extract as generated, series by series) in ranges of its "
        "rows, and splits any other input into batch files first (the CSV, the shuffled rows): "
        "the targets below say which it did. The implementations the targets compare ran "
        f"{max((len(r['times']) for r in rows), default=1)} times each, in rounds (each round "
        "runs them in turn): their row is the run of median time, and the last column lists "
        "every run; the outputs of the first round are the ones checked for agreement.",
        "",
        "| rows | format | implementation | seconds | seconds with output written | rows/s "
        "| peak RSS MiB | ratio to reanalysis | seconds of each run |",
        "|---:|---|---|---:|---:|---:|---:|---:|---|",
    ]
    ref = {(r["size"], r["format"]): r["seconds"] for r in rows if r["impl"] == "reanalysis"}
    for r in rows:
        ratio = r["seconds"] / ref[(r["size"], r["format"])]
        written = "" if r["impl"] in FLOOR else f"{r['seconds'] + r['write_seconds']:.2f}"
        each = " / ".join(f"{t:.2f}" for t in r["times"]) if len(r["times"]) > 1 else ""
        lines.append(f"| {r['rows']:,} | {r['format']} | {r['impl']} | {r['seconds']:.2f} | "
                     f"{written} | {r['rows'] / r['seconds']:,.0f} | {r['rss_mib']:,.0f} | "
                     f"{ratio:.2f} | {each} |")  # fmt: skip
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
    if large:
        lines += [
            "", "## Bounded memory at 100 million rows", "",
            f"`growth_dataset` on the cached synthetic extract ({large[0]['rows']:,} rows, one "
            f"Parquet file of {large[0]['bytes'] / 2**30:.1f} GiB), writing the growth frame as "
            "Parquet parts. The same rows in two orders: series by series (its batches are "
            "ranges of the file's rows) and month by month within each 200 HS codes, as a "
            "download period by period comes (split into batch files first).", "",
            "| rows | order | batches | seconds | rows/s | peak RSS MiB |",
            "|---:|---|---|---:|---:|---:|",
            *(f"| {x['rows']:,} | {x['order']} | {x['batches']} | {x['seconds']:.1f} | "
              f"{x['rows'] / x['seconds']:,.0f} | {x['rss_mib']:,.0f} |" for x in large),
        ]  # fmt: skip
    lines += ["", *targets(rows, large)]
    return "\n".join(lines) + "\n"


def targets(rows: list[dict], large: list[dict] | None) -> list[str]:
    """Issue 13's targets, met or not, from this run's figures."""
    at = {(r["size"], r["format"], r["impl"]): r for r in rows}
    out = ["## Targets (issue 13), from this run", "",
           "Each time is its implementation's run of median time (every run is listed above).",
           "", "| target | measured | met |", "|---|---|---|"]  # fmt: skip

    def row(what: str, measured: str, met: bool) -> None:
        out.append(f"| {what} | {measured} | {'yes' if met else '**no**'} |")

    formats = sorted({f for s, f, _ in at if s == "10m"})
    for fmt in formats:
        if ("10m", fmt, "duckdb") not in at:
            continue
        ours, duck = at[("10m", fmt, "reanalysis")], at[("10m", fmt, "duckdb")]
        row(f"ahead of DuckDB, 10M {fmt}", f"{ours['seconds']:.2f} s against "
            f"{duck['seconds']:.2f} s", ours["seconds"] < duck["seconds"])  # fmt: skip
    for fmt in ("parquet", "parquet, rows shuffled"):
        if ("10m", fmt, "scan floor") in at:
            ours, floor = at[("10m", fmt, "reanalysis")], at[("10m", fmt, "scan floor")]
            ratio = ours["seconds"] / floor["seconds"]
            row(f"in-memory job within 5x its scan floor, 10M {fmt}", f"{ratio:.1f}x "
                f"({ours['seconds']:.2f} s against {floor['seconds']:.2f} s)", ratio <= 5)  # fmt: skip
    for x in large or []:
        row(f"bounded path under 3 GiB at 100M rows, {x['order']}", f"{x['rss_mib']:,.0f} MiB",
            x["rss_mib"] < 3 * 1024)  # fmt: skip
    for fmt in formats:
        bounded = at.get(("10m", fmt, "reanalysis, bounded memory"))
        if bounded:
            ours = at[("10m", fmt, "reanalysis")]
            ratio = bounded["seconds"] / ours["seconds"]
            written = bounded["seconds"] / (ours["seconds"] + ours["write_seconds"])
            row(f"bounded path at most 1.5x the in-memory time per row, 10M {fmt} "
                f"(batches: {bounded['batches']})",
                f"{ratio:.2f}x ({bounded['seconds']:.2f} s against {ours['seconds']:.2f} s; "
                f"{written:.2f}x against in-memory with its output written)", ratio <= 1.5)  # fmt: skip
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["10m"], help="also: 1m, tiny")
    parser.add_argument("--no-reports", action="store_true")
    parser.add_argument("--no-large", action="store_true", help="skip the 100M-row run")
    parser.add_argument("--only", nargs="+", help="these implementations (and reanalysis)")
    parser.add_argument("--formats", nargs="+", help="these inputs: csv, parquet, ...")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--repeats", type=int, default=3, choices=range(1, 10), metavar="1-9",
                        help="runs of the compared rows")  # fmt: skip
    args = parser.parse_args()
    # NumPy asks the kernel for huge pages on large arrays; on this VM (THP defrag "madvise")
    # that compacts memory on the spot, at about 7 s per GiB: off for every implementation
    # unless the caller set it (PROFILE.md, fifth round)
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="reanalysis-bench-") as tmp:

        def done(rows: list[dict], checks: list[str]) -> None:  # what is measured so far
            args.out.write_text(markdown(rows, checks, None, None))

        rows, checks = bench_compute(
            args.sizes, Path(tmp), args.only, args.formats, done, args.repeats
        )
        large = None if args.no_large else bench_large(Path(tmp))
        reports = None if args.no_reports else bench_reports(Path(tmp))
    text = markdown(rows, checks, reports, large)
    args.out.write_text(text)
    print(text)
    print(f"bench: {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
