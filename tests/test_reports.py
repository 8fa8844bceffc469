"""make reports: incremental, parallel, and a failure never replaces a good report."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from reanalysis.reports import discover


def notebook(path: Path, *cells: str) -> None:
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                               "language": "python"}})  # fmt: skip
    nb.cells = [new_code_cell("x = 1", metadata={"tags": ["parameters"]})]
    nb.cells += [new_code_cell(c) for c in cells]
    nbformat.write(nb, path)


def run(tmp: Path, *options: str, out: str = "out") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reanalysis.reports", "--notebooks", str(tmp / "nb"),
         "--params", str(tmp / "params"), "--out", str(tmp / out), *options],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "nb").mkdir()
    (tmp_path / "params" / "tiny").mkdir(parents=True)
    (tmp_path / "params" / "tiny" / "two.yml").write_text("x: 2\n")
    notebook(tmp_path / "nb" / "tiny.ipynb", "print('x is', x)")
    return tmp_path


def test_a_broken_notebook_fails_loudly_and_keeps_the_good_report(project):
    first = run(project)
    assert first.returncode == 0, first.stderr
    assert "[1/1] tiny (x=2)" in first.stdout
    good = (project / "out" / "tiny--two.html").read_text()
    assert "x is 2" in good

    notebook(project / "nb" / "tiny.ipynb", "print('x is', x)", "y = x / 0")
    second = run(project)
    assert second.returncode == 1
    assert "notebook tiny.ipynb, parameters two.yml" in second.stderr
    assert "cell 3 ('y = x / 0'): ZeroDivisionError" in second.stderr
    assert (project / "out" / "tiny--two.html").read_text() == good
    kept = nbformat.read(project / "out" / "tiny--two.ipynb", as_version=4)
    assert kept.cells[-1].outputs[0]["ename"] == "ZeroDivisionError"

    third = run(project)  # still broken: retried, not marked up to date
    assert third.returncode == 1


def test_a_second_run_does_nothing_and_says_so(project):
    assert run(project).returncode == 0
    again = run(project)
    assert again.returncode == 0
    assert "nothing changed, 1 reports up to date" in again.stdout
    index = (project / "out" / "index.html").read_text()
    assert "tiny--two.html" in index and "{&quot;x&quot;: 2}" in index


def test_a_reused_kernel_gives_each_report_what_a_fresh_kernel_would(tmp_path):
    (tmp_path / "nb").mkdir()
    notebook(
        tmp_path / "nb" / "a_meddles.ipynb",
        "import os\nimport polars as pl",
        "pl.Config.set_tbl_rows(2)\nleaked = 'from a'\nos.chdir('/')",
        "os.getpid()",
    )
    notebook(tmp_path / "nb" / "b_looks.ipynb", "import os\nimport polars as pl",
             "sorted(k for k in globals() if not k.startswith('_'))", "os.getcwd()",
             "pl.DataFrame({'n': range(12)})", "os.getpid()")  # fmt: skip
    for options, out in ((("--jobs", "1"), "reused"), (("--fresh-kernels",), "fresh")):
        assert run(tmp_path, *options, out=out).returncode == 0

    def cells(out: str, name: str) -> list[tuple]:
        nb = nbformat.read(tmp_path / out / f"{name}.ipynb", as_version=4)
        return [(c.execution_count, [o.get("data", {}).get("text/plain") for o in c.outputs])
                for c in nb.cells if c.cell_type == "code"]  # fmt: skip

    def pid(out: str, name: str) -> str:
        return cells(out, name)[-1][1][0]

    assert pid("reused", "a_meddles") == pid("reused", "b_looks")  # one kernel, in order
    assert pid("fresh", "a_meddles") != pid("fresh", "b_looks")
    reused, fresh = cells("reused", "b_looks"), cells("fresh", "b_looks")
    assert reused[:-1] == fresh[:-1]
    assert "leaked" not in reused[2][1][0] and "'x'" in reused[2][1][0]
    assert reused[3][1][0] == repr(str(tmp_path / "nb"))
    assert "│ 4   │" in reused[4][1][0]  # ten of 12 rows: the default limit, not 2


def test_a_report_that_kills_its_kernel_fails_and_the_next_gets_a_new_one(tmp_path):
    (tmp_path / "nb").mkdir()
    notebook(tmp_path / "nb" / "a_dies.ipynb", "import os\nos._exit(1)")
    notebook(tmp_path / "nb" / "b_fine.ipynb", "print('b ran with', x)")
    result = run(tmp_path, "--jobs", "1")
    assert result.returncode == 1
    assert "notebook a_dies.ipynb, parameters defaults {}: DeadKernelError" in result.stderr
    assert "no executed notebook was written" in result.stderr
    assert "b ran with 1" in (tmp_path / "out" / "b_fine.html").read_text()


def test_a_notebook_without_parameter_sets_runs_with_defaults(tmp_path):
    (tmp_path / "nb").mkdir()
    notebook(tmp_path / "nb" / "plain.ipynb")
    jobs = discover(tmp_path / "nb", tmp_path / "params")
    assert [(j.name, j.label) for j in jobs] == [("plain", "plain (defaults)")]


def test_every_shipped_notebook_has_a_parameters_cell_and_the_python3_kernel():
    from reanalysis import paths

    for path in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata.kernelspec.name == "python3", path.name
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name


def test_every_shipped_parameter_set_executes(shipped_reports):
    from reanalysis import paths

    out, log = shipped_reports
    jobs = discover(paths.NOTEBOOKS, paths.PARAMS)
    assert len(jobs) >= 10
    for job in jobs:
        assert (out / f"{job.name}.html").exists(), job.name
    index = (out / "index.html").read_text()
    assert all(f'href="{job.name}.html"' in index for job in jobs)
    assert "Data vintage: curated statements through 2025-12" in index
    assert f"[{len(jobs)}/{len(jobs)}]" in log
