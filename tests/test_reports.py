"""make reports: incremental, parallel, and a failure never replaces a good report."""

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from reanalysis.parameters import defined_parameters
from reanalysis.reports import discover


def notebook(path: Path, *cells: str, parameters: str = "x = 1") -> None:
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                               "language": "python"}})  # fmt: skip
    nb.cells = [new_code_cell(parameters, metadata={"tags": ["parameters"]})]
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
    # one write of the whole text: `print('x is', x)` writes its parts apart, and a kernel under
    # load may flush between them, making two outputs that the page shows as two blocks
    notebook(tmp_path / "nb" / "tiny.ipynb", "print(f'x is {x}')")
    return tmp_path


def test_a_broken_notebook_fails_loudly_and_keeps_the_good_report(project):
    first = run(project)
    assert first.returncode == 0, first.stderr
    assert "executing 2 of 2" in first.stdout and "tiny (x=2)" in first.stdout
    good = (project / "out" / "tiny--two.html").read_text()
    assert "x is 2" in good

    notebook(project / "nb" / "tiny.ipynb", "print(f'x is {x}')", "y = x / 0")
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
    assert "nothing changed, 2 reports up to date" in again.stdout
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


def test_the_default_report_stays_beside_parameter_sets_unless_default_yml_replaces_it(project):
    (project / "params" / "tiny" / "three.yaml").write_text("x: 3\n")
    jobs = discover(project / "nb", project / "params")
    assert [(j.name, j.parameters) for j in jobs] == [
        ("tiny", {}), ("tiny--three", {"x": 3}), ("tiny--two", {"x": 2})]  # fmt: skip
    (project / "params" / "tiny" / "default.yml").write_text("x: 7\n")
    jobs = discover(project / "nb", project / "params")
    assert [(j.name, j.parameters) for j in jobs] == [
        ("tiny", {"x": 7}), ("tiny--three", {"x": 3}), ("tiny--two", {"x": 2})]  # fmt: skip


def test_every_shipped_notebook_has_a_parameters_cell_and_the_python3_kernel():
    from reanalysis import paths

    for path in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata.kernelspec.name == "python3", path.name
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        assert defined_parameters(path)["data"] == "", path.name  # every report on any file


def test_every_shipped_parameter_set_executes(shipped_reports):
    from reanalysis import paths

    out, log = shipped_reports
    jobs = discover(paths.NOTEBOOKS, paths.PARAMS)
    assert len(jobs) >= 10 and not [job.problem for job in jobs if job.problem]
    for job in jobs:
        assert (out / f"{job.name}.html").exists(), job.name
    index = (out / "index.html").read_text()
    assert all(f'href="{job.name}.html"' in index for job in jobs)
    assert "Data vintage: curated statements through 2025-12" in index
    assert f"[{len(jobs)}/{len(jobs)}]" in log


def test_a_misspelled_parameter_or_broken_yaml_fails_that_report_only(project):
    (project / "params" / "tiny" / "typo.yml").write_text("y: 3\n")
    (project / "params" / "tiny" / "broken.yml").write_text("x: [2\n")
    result = run(project)
    assert result.returncode == 1
    assert (f"error: notebook tiny.ipynb, parameters typo.yml {{}}: {project}/params/tiny/typo.yml:"
            " unknown parameter `y`; did you mean `x`? The notebook defines: x\n"
            "  not executed; previous HTML left in place") in result.stderr  # fmt: skip
    assert f"{project}/params/tiny/broken.yml, line 2, column 1: not valid YAML" in result.stderr
    out = project / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        ".stamps",
        "index.html",
        "tiny--two.html",
        "tiny--two.ipynb",
        "tiny.html",
        "tiny.ipynb",
    ]
    index = (out / "index.html").read_text()
    assert 'tiny--typo <span class="failed">failed: ' in index and "did you mean `x`?" in index
    assert 'href="tiny--typo.html"' not in index


def test_the_index_is_rebuilt_every_run_and_gone_parameter_sets_are_removed(project):
    notebook(project / "nb" / "tiny.ipynb", "print(f'x is {x}')", parameters='x = 1\nlabel = ""')
    (project / "params" / "tiny" / "three.yml").write_text(
        "x: 3\nlabel: <img src=x onerror=alert(1)>\n"
    )
    assert run(project).returncode == 0
    out = project / "out"
    index = (out / "index.html").read_text()
    assert 'href="tiny--three.html"' in index
    assert "<img" not in index and "&lt;img src=x onerror=alert(1)&gt;" in index

    (project / "params" / "tiny" / "three.yml").unlink()
    again = run(project)
    assert again.returncode == 0
    assert "nothing changed, 2 reports up to date" in again.stdout
    assert (
        "removed 1 report(s) whose parameter set or notebook is gone: tiny--three" in again.stdout
    )
    index = (out / "index.html").read_text()
    assert "tiny--three" not in index and 'href="tiny--two.html"' in index
    assert 'href="tiny.html"' in index  # the default report stays beside the sets
    assert not list(out.glob("tiny--three*")) and not (out / ".stamps/tiny--three.sha256").exists()


def test_two_runs_at_once_both_finish_with_whole_outputs(project):
    (project / "params" / "tiny" / "three.yml").write_text("x: 3\n")
    command = [sys.executable, "-m", "reanalysis.reports", "--notebooks", str(project / "nb"),
               "--params", str(project / "params"), "--out", str(project / "out")]  # fmt: skip
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)]  # fmt: skip
    codes = [r.wait(timeout=300) for r in runs]
    assert codes == [0, 0], [r.stderr.read().decode()[-2000:] for r in runs]
    for name, x in (("tiny", 1), ("tiny--two", 2), ("tiny--three", 3)):
        assert f"x is {x}" in (project / "out" / f"{name}.html").read_text()
        nbformat.read(project / "out" / f"{name}.ipynb", as_version=4)  # whole JSON
    assert not list((project / "out").glob(".*tmp*")) and not list(
        (project / "out").glob(".*running*")
    )


def test_a_run_killed_at_any_point_leaves_whole_outputs_and_the_next_run_redoes_the_rest(project):
    import os
    import signal
    import time

    for x in range(3, 6):
        (project / "params" / "tiny" / f"n{x}.yml").write_text(f"x: {x}\n")
    command = [sys.executable, "-m", "reanalysis.reports", "--notebooks", str(project / "nb"),
               "--params", str(project / "params"), "--out", str(project / "out"), "--jobs", "1"]  # fmt: skip
    victim = subprocess.Popen(command, stdout=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while not list((project / "out").glob("*.html")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    for html in (project / "out").glob("*.html"):
        assert html.read_text().rstrip().endswith("</html>"), html.name
    after = run(project)
    assert after.returncode == 0, after.stderr
    assert "executing" in after.stdout
    names = ["tiny", "tiny--n3", "tiny--n4", "tiny--n5", "tiny--two"]
    assert sorted(p.stem for p in (project / "out").glob("*.html")) == ["index", *names]
    index = (project / "out" / "index.html").read_text()
    assert all(f'href="{n}.html"' in index for n in names)


def test_a_parameter_set_on_a_user_file_gives_growth_and_front_loading_reports(tmp_path):
    """A user's file in a temporary folder, two parameter sets on it and one with a wrong path:
    the two reports are built from the file, the wrong path fails that report only."""
    import shutil

    from reanalysis import paths
    from reanalysis.provenance import sha256

    (tmp_path / "nb").mkdir()
    for name in ("growth", "front_loading"):
        shutil.copy(paths.NOTEBOOKS / f"{name}.ipynb", tmp_path / "nb")
    # synthetic gallium exports (generated here; not real figures), 2019-01 to 2025-12, in kg
    rows = [f"{y}-{m:02d},gallium,export,World,{(40 + (y - 2019) * 3 + m) * 1000},kg"
            for y in range(2019, 2026) for m in range(1, 13)]  # fmt: skip
    data = tmp_path / "elsewhere" / "TradeData.csv"
    data.parent.mkdir()
    data.write_text("period,commodity,flow,partner,value,unit\n" + "\n".join(rows) + "\n")
    sets = {"growth/default.yml": f"data: {data}\ncommodity: gallium\n",
            "growth/wrong.yml": "data: nowhere/TradeData.csv\ncommodity: gallium\n",
            "front_loading/default.yml":
                f"data: {data}\ncommodity: gallium\nmeasure: No. 23 [2023]\n"}  # fmt: skip
    for name, text in sets.items():
        (tmp_path / "params" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "params" / name).write_text(text)
    result = run(tmp_path)
    assert result.returncode == 1
    assert ("error: notebook growth.ipynb, parameters wrong.yml {\"data\": \"nowhere/TradeData.csv\", "
            f"\"commodity\": \"gallium\"}}: {tmp_path}/params/growth/wrong.yml: data file "
            f"'nowhere/TradeData.csv' not found (looked for {paths.ROOT}/nowhere/TradeData.csv; "
            "relative paths are read from the repository root)") in result.stderr  # fmt: skip
    header = f"Data: {data} (sha256 {sha256(data)[:12]}); latest month 2025-12, file modified"
    growth, front = (
        (tmp_path / "out" / f"{n}.html").read_text() for n in ("growth", "front_loading")
    )
    assert header in growth and header in front
    # December 2025: (40 + 6 * 3 + 12) * 1000 kg = 70 t, +1.4% on 69 t, +4.5% on 67 t; 2025 to
    # December: 58 * 12 + 78 = 774 t, +4.9% on 738 t
    text = " ".join(re.sub(r"<[^>]+>", " ", growth).split())
    assert "December 2025 70.0 +1.4 +4.5 +4.9 774.0" in text
    assert "2023-07-03" in front and "2023-08-01" in front  # No. 23 [2023] announced, effective
    assert not (tmp_path / "out" / "growth--wrong.html").exists()


def test_index_rows_say_built_failed_or_not_built(project):
    from reanalysis.reports import Job, write_index

    out = project / "out"
    out.mkdir()
    nb = project / "nb" / "tiny.ipynb"
    (out / "tiny--a&b.html").write_text("<html></html>")
    (out / "tiny--old.html").write_text("<html></html>")
    jobs = [Job(nb, Path("a&b.yml"), {"x": 2}), Job(nb, Path("old.yml"), {"data": "<b>.csv"}),
            Job(nb, None)]  # fmt: skip
    write_index(jobs, out, {"tiny--old": "cell 2: ValueError: x < 0"})
    rows = [r for r in (out / "index.html").read_text().splitlines() if r.startswith("<tr><td>")]
    assert rows == [
        '<tr><td><a href="tiny--a%26b.html">tiny--a&amp;b</a></td><td></td><td>tiny.ipynb</td>'
        "<td><code>{&quot;x&quot;: 2}</code></td><td>shipped data (data/raw/)</td><td></td></tr>",
        '<tr><td>tiny--old <span class="failed">failed: cell 2: ValueError: x &lt; 0</span> '
        '<a href="tiny--old.html">previous report</a></td><td></td><td>tiny.ipynb</td>'
        "<td><code>{&quot;data&quot;: &quot;&lt;b&gt;.csv&quot;}</code></td><td>&lt;b&gt;.csv</td>"
        "<td></td></tr>",
        "<tr><td>tiny (not built)</td><td></td><td>tiny.ipynb</td><td><code>defaults</code></td>"
        "<td>shipped data (data/raw/)</td><td></td></tr>"
        "</table></body></html>",
    ]


def test_only_reports_the_runner_stamped_are_removed_as_orphans(tmp_path):
    from reanalysis.reports import Job, remove_orphans

    (tmp_path / ".stamps").mkdir()
    for name in ("keep", "gone"):
        for suffix in (".html", ".ipynb"):
            (tmp_path / f"{name}{suffix}").write_text("x")
        (tmp_path / ".stamps" / f"{name}.sha256").write_text("x")
    (tmp_path / "mine.html").write_text("not the runner's")
    assert remove_orphans([Job(tmp_path / "keep.ipynb", None)], tmp_path) == ["gone"]
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [
        "keep.html", "keep.ipynb", "keep.sha256", "mine.html"]  # fmt: skip


def test_the_data_header_opens_the_page():
    from reanalysis.parameters import DataSource
    from reanalysis.reports import _with_data_header

    page = '<html><body class="jp">text</body></html>'
    source = DataSource("/d/<x>.csv", "ab" * 32, "latest month 2025-06")
    assert _with_data_header(page, None) == page
    assert _with_data_header(page, source) == (
        '<html><body class="jp"><p class="reanalysis-data" style="font:13px sans-serif;'
        'color:#555;margin:1em 2em">Data: /d/&lt;x&gt;.csv (sha256 abababababab); latest month '
        "2025-06</p>text</body></html>"
    )
