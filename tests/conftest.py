import json
import os
from pathlib import Path

import polars as pl
import pytest

from reanalysis import load_customs


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A folder shared by a module's property tests (hypothesis reruns a test many times,
    so a function-scoped ``tmp_path`` would be one folder for all its examples anyway)."""
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="session")
def shipped() -> pl.DataFrame:
    """The canonical series from the shipped statements."""
    return load_customs()


@pytest.fixture
def write(tmp_path):
    """Write text (or bytes) to a file in tmp_path and return its path."""

    def _write(name: str, content: str | bytes):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture(scope="session")
def shipped_reports(tmp_path_factory):
    """Every shipped notebook x parameter set, built as `make reports` does, in a temp dir."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("reports")
    done = subprocess.run(
        [sys.executable, "-m", "reanalysis.reports", "--out", str(out)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return out, done.stdout


def pytest_collection_modifyitems(items):
    """Under `make mutate`, a mutant's tests run quickest first, by the times mutmut recorded
    (``mutants/mutmut-stats.json``): a killed mutant then stops at a cheap failing test rather
    than wherever mutmut's unordered set of tests put the first one (0.5 s a mutant, not 2)."""
    stats = Path("mutmut-stats.json")  # mutmut runs the tests from inside mutants/
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", "") or not stats.exists():
        return
    took = json.loads(stats.read_text())["duration_by_test"]
    items.sort(key=lambda item: took.get(item.nodeid, 0.0))
