"""Wall and CPU seconds of the in-memory job's three stages on one file, as PROFILE.md quotes
them: ``read_statements``, ``reconcile(records=True)``, ``growth``.

    python -m benchmarks.stages benchmarks/.cache/comtrade_10m.parquet
    python -m benchmarks.stages FILE --profile growth   # and cProfile's top 30 of that stage

Run it under the same ``NUMPY_MADVISE_HUGEPAGE`` as ``make bench`` (the Makefile exports 0).
"""

import argparse
import cProfile
import pstats
import time
from pathlib import Path

from reanalysis.growth import growth
from reanalysis.readers import read_statements
from reanalysis.reconcile import reconcile


def _reconcile(statements):
    return reconcile(statements, records=True)


STAGES = {"read": read_statements, "reconcile": _reconcile, "growth": growth}  # each takes
# the one before's result


def stages(path: Path) -> tuple[dict[str, tuple[float, float]], dict]:
    """``{stage: (wall seconds, CPU seconds of the process)}``, the stages run in turn, and
    each stage's input."""
    timed, inputs, data = {}, {}, path
    for name, stage in STAGES.items():
        inputs[name] = data
        wall, cpu = time.perf_counter(), time.process_time()
        data = stage(data)
        timed[name] = (time.perf_counter() - wall, time.process_time() - cpu)
    return timed, inputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument(
        "--profile", choices=list(STAGES), help="also profile this stage (run again)"
    )
    args = parser.parse_args()
    timed, inputs = stages(args.path)
    for name, (wall, cpu) in timed.items():
        print(f"{name}: wall {wall:.2f} s, cpu {cpu:.2f} s")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(STAGES[args.profile], inputs[args.profile])
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
