"""`make mutate`: mutation testing of the computing modules with mutmut, one module at a time.

Each module that mutmut mutates (``[tool.mutmut]`` in pyproject.toml) is re-run only when
something it depends on changed since its last run: every mutant when its code outside
functions changed, the mutants of the functions that changed when only those did, only the
surviving ones when just a test file that exercises it changed (a new test can only kill more).
Then the table of killed and surviving mutants per module is printed, each survivor with its
line and change; the exit code is 1 if a module scores below 90%.

    python tests/mutate.py                 # every module, as far as it changed
    python tests/mutate.py growth readers  # these modules only
    python tests/mutate.py growth --full   # every mutant of growth again
    python tests/mutate.py growth --survivors  # and the survivors, whatever changed
    python tests/mutate.py --report        # only print the tables of the last runs

The results live in ``mutants/`` (not in git). ``tests/MUTANTS.md`` lists the survivors judged
equivalent (changing no output), with the reason; the table marks them ``equivalent``.
"""

import argparse
import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.chdir(ROOT)  # mutmut reads pyproject.toml and writes mutants/ in the working directory

from mutmut.configuration import config  # noqa: E402
from mutmut.mutation.data import SourceFileMutationData  # noqa: E402
from mutmut.mutation.diff_apply import get_diff_for_mutant  # noqa: E402
from mutmut.stats import status_by_exit_code  # noqa: E402
from mutmut.utils.file_utils import walk_mutatable_files  # noqa: E402

STAMPS = ROOT / "mutants" / "reanalysis-fingerprints.json"
STATS = ROOT / "mutants" / "mutmut-stats.json"
STATS_CODE = "code when mutmut-stats.json was made"  # a key of STAMPS
EQUIVALENT = ROOT / "tests" / "MUTANTS.md"
THRESHOLD = 90.0  # percent of mutants killed, per module
# A mutant is killed when the tests fail on it: an assertion, a time-out, or a crash of the test
# process (mutmut's "segfault": e.g. a null sort key that brings Polars down).
DETECTED = ("killed", "timeout", "segfault")


def module_name(path: Path) -> str:
    """``src/reanalysis/formats/tidy.py`` -> ``reanalysis.formats.tidy``."""
    parts = path.relative_to("src").with_suffix("").parts
    return ".".join(parts)


def covering_test_files(module: str) -> list[Path]:
    """Test files that called a function of ``module`` when mutmut last collected its stats,
    and test files those stats have not seen yet (a new file may cover any module)."""
    if not STATS.exists():
        return []
    tests = json.loads(STATS.read_text())["tests_by_mangled_function_name"]
    seen = {node.split("::")[0] for nodes in tests.values() for node in nodes}
    files = {
        node.split("::")[0]
        for key, nodes in tests.items()
        if key.rsplit(".", 1)[0] == module
        for node in nodes
    }
    files |= {str(f) for f in Path("tests").glob("test_*.py") if str(f) not in seen}
    return sorted(Path(f) for f in files if Path(f).exists())


def digest(files: list[Path]) -> str:
    h = hashlib.sha256()
    for file in files:
        h.update(str(file).encode() + b"\0" + file.read_bytes())
    return h.hexdigest()


def fingerprints(path: Path) -> dict:
    """What a module's results depend on: its code outside functions (and the mutmut config),
    each function's code, and its tests."""
    tests = [Path("tests/conftest.py"), *covering_test_files(module_name(path))]
    functions, outside = function_sources(path)
    source = hashlib.sha256(outside.encode() + Path("pyproject.toml").read_bytes()).hexdigest()
    functions = {k: hashlib.sha256(v.encode()).hexdigest() for k, v in functions.items()}
    return {"source": source, "functions": functions, "tests": digest(tests)}


def function_sources(path: Path) -> tuple[dict[str, str], str]:
    """Each function's and method's code by mutmut's key, and the module's code outside them."""
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    functions, spans = {}, []
    for key, node in _functions(ast.parse(text)):
        start, end = _first_line(node), node.end_lineno
        functions[key] = "".join(lines[start - 1 : end])
        spans.append((start, end))
    inside = {n for start, end in spans for n in range(start, end + 1)}
    return functions, "".join(t for n, t in enumerate(lines, 1) if n not in inside)


def to_run(
    path: Path, now: dict, last: dict, full: bool, survivors: bool = False
) -> tuple[list[str], str]:
    """The mutant patterns to run for ``path`` and why: all of them when its code outside
    functions changed (constants, imports); the changed functions' when those did; and the
    other survivors when its tests changed (a new test can only kill more) or when asked."""
    module = module_name(path)
    if full or now["source"] != last.get("source"):
        return [f"{module}.x*"], "every mutant (code outside functions changed)"
    before = last.get("functions", {})
    changed = sorted(k for k, h in now["functions"].items() if before.get(k) != h)
    names = [f"{module}.{k}__mutmut_*" for k in changed]
    why = [f"changed: {', '.join(changed)}"] if changed else []
    if survivors or now["tests"] != last.get("tests"):
        stale = {f"{module}.{k}" for k in changed}
        names += [n for n in not_killed(path) if n.rsplit("__mutmut_", 1)[0] not in stale]
        why.append("the survivors" + ("" if survivors else " (tests changed)"))
    return names, "; ".join(why)


def load(path: Path) -> SourceFileMutationData:
    data = SourceFileMutationData(path=path)
    data.load()
    return data


def not_killed(path: Path) -> list[str]:
    """Mutants of ``path`` that no test failed on in the last run."""
    codes = load(path).exit_code_by_key
    return [k for k, v in codes.items() if status_by_exit_code[v] not in DETECTED]


def run_mutmut(names: list[str], jobs: int) -> bool:
    """Run mutmut on the named mutants (patterns allowed); False when mutmut failed."""
    # mutmut copies src/ and tests/ to mutants/; tests/test_dataset.py also imports the
    # benchmarks' extract generator (its code only: benchmarks/.cache holds gigabytes)
    (ROOT / "mutants" / "benchmarks").mkdir(parents=True, exist_ok=True)
    for file in (ROOT / "benchmarks").glob("*.py"):
        shutil.copy2(file, ROOT / "mutants" / "benchmarks" / file.name)
    # the data stays where it is (mutmut runs the tests from a copy in mutants/); workers are
    # forked, so Polars keeps a one-thread pool; the Dask test cluster's workers are threads of
    # the test process, so they run the mutant (worker processes would import the original)
    env = dict(os.environ, REANALYSIS_ROOT=str(ROOT), POLARS_MAX_THREADS="1",
               REANALYSIS_TEST_CLUSTER="threads")  # fmt: skip
    # each mutant's pytest compiles the test files again unless it may cache them (0.4 s each)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run(
        [Path(sys.executable).parent / "mutmut", "run", "--max-children", str(jobs), *names],
        env=env,
    )
    return done.returncode == 0


def equivalent_mutants() -> set[str]:
    """Mutant names listed in tests/MUTANTS.md (each in backticks at the start of a row)."""
    if not EQUIVALENT.exists():
        return set()
    return set(re.findall(r"^\| `([^`]+)`", EQUIVALENT.read_text(), flags=re.MULTILINE))


def function_lines(path: Path) -> dict[str, int]:
    """First line (a decorator's, if any) of each function and method, by mutmut's key."""
    return {key: _first_line(node) for key, node in _functions(ast.parse(path.read_text()))}


def _functions(tree: ast.Module):
    """(mutmut's key, node) of each top-level function and each method."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            yield f"x_{node.name}", node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    yield f"x\u01c1{node.name}\u01c1{item.name}", item


def _first_line(node: ast.FunctionDef) -> int:
    return min([node.lineno] + [d.lineno for d in node.decorator_list])


def describe(name: str, path: Path, starts: dict[str, int]) -> str:
    """``line 123: - old code / + new code`` for a mutant, from mutmut's diff."""
    key = name.rsplit(".", 1)[1].split("__mutmut_")[0]
    diff = get_diff_for_mutant(name, path=path).splitlines()
    line, removed, added, offset = None, [], [], 0
    for text in diff:
        hunk = re.match(r"@@ -(\d+)", text)
        if hunk:
            offset = int(hunk.group(1)) - 1
            continue
        if text.startswith(("---", "+++")):
            continue
        if text.startswith("-"):
            line = line or starts.get(key, 1) + offset
            removed.append(text[1:].strip())
        elif text.startswith("+"):
            added.append(text[1:].strip())
        if not text.startswith("+"):
            offset += 1
    change = f"{' '.join(removed)}  ->  {' '.join(added)}"
    return f"line {line}: {change}"


def report(paths: list[Path]) -> bool:
    """Print the per-module table and the survivors; True when every module reaches THRESHOLD."""
    equivalent = equivalent_mutants()
    rows, survivors, stale, ok = [], [], [], True
    for path in paths:
        statuses = {k: status_by_exit_code[v] for k, v in load(path).exit_code_by_key.items()}
        total = len(statuses)
        killed = sum(s in DETECTED for s in statuses.values())
        unchecked = sum(s == "not checked" for s in statuses.values())
        left = [k for k, s in statuses.items() if s not in (*DETECTED, "not checked")]
        equiv = [k for k in left if k in equivalent]
        # listed as changing no output, yet a test failed: a stale row, or an order-dependent test
        stale += [k for k, s in statuses.items() if s in DETECTED and k in equivalent]
        score = 100.0 * (killed + len(equiv)) / total if total else 100.0
        ok &= score >= THRESHOLD and not unchecked
        rows.append(
            (module_name(path), total, killed, len(left) - len(equiv), len(equiv), unchecked, score)
        )
        starts = function_lines(path)
        survivors += [
            (k, statuses[k], path, describe(k, path, starts)) for k in left if k not in equiv
        ]
    print(
        f"\n{'module':<34} {'mutants':>7} {'killed':>7} {'survived':>8} {'equiv':>6} {'unrun':>6} {'killed%':>7} {'score':>7}"
    )
    for name, total, killed, survived, equiv, unchecked, score in rows:
        only = 100.0 * killed / total if total else 100.0  # the listed equivalents as failures
        print(
            f"{name:<34} {total:>7} {killed:>7} {survived:>8} {equiv:>6} {unchecked:>6} {only:>6.1f}% {score:>6.1f}%"
        )
    if survivors:
        print(
            "\nsurvivors (`mutmut show NAME` for the diff; `mutmut apply NAME` writes it to src/):"
        )
        for name, status, path, change in survivors:
            print(f"  {name} [{status}] {path} {change}")
    if stale:
        print(
            "\nlisted in tests/MUTANTS.md but killed (a stale row, or a test that fails by order):"
        )
        for name in sorted(stale):
            print(f"  {name}")
    print(
        f"\nmutation score (killed + listed in tests/MUTANTS.md) >= {THRESHOLD:.0f}% in every module: {'yes' if ok else 'NO'}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help="modules to consider (growth, formats.tidy)")
    parser.add_argument("--full", action="store_true", help="re-run every mutant of the modules")
    parser.add_argument("--report", action="store_true", help="only print the last results")
    parser.add_argument("--survivors", action="store_true",
                        help="also re-run the survivors (after adding a test mutmut has seen)")  # fmt: skip
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once")
    args = parser.parse_args()
    config()  # read [tool.mutmut] while in ROOT
    paths = sorted(walk_mutatable_files())
    if args.modules:
        wanted = {f"reanalysis.{m.removeprefix('reanalysis.')}" for m in args.modules}
        unknown = wanted - {module_name(p) for p in paths}
        if unknown:
            parser.error(f"not a mutated module: {', '.join(sorted(unknown))}")
        paths = [p for p in paths if module_name(p) in wanted]
    stamps = json.loads(STAMPS.read_text()) if STAMPS.exists() else {}
    # mutmut records which tests call which function once, and later only for new tests: an
    # old test that now calls new or changed code would not be run on its mutants. So the
    # record is made afresh when the code changed since it was made, and then the survivors
    # of every module run are tried again (the new record may name more tests for them).
    code = digest(sorted(walk_mutatable_files()))
    restats = stamps.get(STATS_CODE) != code
    todo, names = [], []
    for path in [] if args.report else paths:
        now, last = fingerprints(path), stamps.get(str(path), {})
        more, why = to_run(path, now, last, args.full, args.survivors or restats)
        if why:
            print(f"== {module_name(path)}: {why}", flush=True)
            todo.append(path)
            names += more
    if not todo and not args.report:
        print("mutate: no module or test changed since the last run")
    if todo:
        if restats:
            STATS.unlink(missing_ok=True)
            stamps[STATS_CODE] = code
        # one mutmut run for every module: each run first lists, runs and breaks the tests
        # once (about a minute), and runs mutants of every module side by side, fastest first
        if names and not run_mutmut(names, args.jobs):
            print("mutate: mutmut failed", file=sys.stderr)
            return 1
        for path in todo:  # the tests that cover a module may be known only now
            stamps[str(path)] = fingerprints(path)
        STAMPS.write_text(json.dumps(stamps, indent=1, sort_keys=True))
    return 0 if report(paths) else 1


if __name__ == "__main__":
    sys.exit(main())
