"""Regenerate reports: every notebook x parameter set, executed by papermill (``make reports``).

- Parameter sets live in ``params/<notebook>/<set>.yml``. Every notebook also keeps its default
  report (``<notebook>.html``, the notebook's own defaults) whether or not it has parameter
  sets; a set named ``default.yml`` gives that report its parameters instead.
- Parameters are checked before a kernel starts (:mod:`reanalysis.parameters`): an unknown
  name, a YAML error, a value of the wrong type, a missing data file or a series the data does
  not hold fails that report only, with a message naming the file.
- A report is re-executed only when its notebook, its parameter file, the package source or
  the raw data changed (a digest of those is kept in ``reports/.stamps/``).
- Two notebooks at a time by default, one progress line per report.
- Each worker keeps one kernel for all its reports and resets it before each (user namespace
  cleared, new session, working directory and Polars display configuration restored), so
  kernel start-up and imports are paid once per worker, not per report; ``--fresh-kernels``
  starts a new kernel per report instead, for a notebook that changes other process-wide
  settings (an Altair theme, say).
- Outputs are written atomically: a failed run keeps its executed notebook for debugging
  (``reports/<report>.ipynb``) and leaves the previous good HTML in place.
- The output folder belongs to the runner. Every run rewrites ``index.html`` from the current
  notebooks and parameter sets, and removes the reports (HTML, executed notebook, stamp) of a
  parameter set or notebook that is gone.

Run ``python -m reanalysis.reports --help`` for options.
"""

import argparse
import copy
import functools
import hashlib
import html
import json
import os
import re
import sys
import time
import urllib.parse
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.util import Finalize
from pathlib import Path

from reanalysis import paths
from reanalysis.parameters import (
    DataSource,
    ParameterError,
    check_data,
    check_parameters,
    defined_parameters,
    read_parameter_set,
)
from reanalysis.provenance import inputs_digest, vintage

KERNEL = "python3"
DEFAULT_SET = "default"  # params/<notebook>/default.yml: the default report's parameters
FAILED = "failed\n"  # the stamp of a report whose last run failed (never a digest)


@dataclass(frozen=True)
class Job:
    """One report: a notebook run with one parameter set (checked, see ``problem``)."""

    notebook: Path
    params_file: Path | None
    parameters: dict = field(default_factory=dict, hash=False, compare=False)
    problem: str | None = field(default=None, hash=False, compare=False)  # refused: why
    source: DataSource | None = field(default=None, hash=False, compare=False)

    @property
    def name(self) -> str:
        stem = self.notebook.stem
        if self.params_file is None or self.params_file.stem == DEFAULT_SET:
            return stem
        return f"{stem}--{self.params_file.stem}"

    @property
    def label(self) -> str:
        shown = ", ".join(f"{k}={v}" for k, v in self.parameters.items())
        return f"{self.notebook.stem} ({shown or 'defaults'})"


@dataclass
class Outcome:
    job: Job
    seconds: float
    error: str | None = None
    kept: bool = False  # a failed run's executed notebook was kept


def _atomic_write(path: Path, data: bytes | str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data.encode() if isinstance(data, str) else data)
    os.replace(tmp, path)


def discover(notebooks: Path, params: Path) -> list[Job]:
    """Jobs for every notebook in ``notebooks``: its default report and one per parameter set
    in ``params/<notebook>/*.yml`` (or ``.yaml``), each checked; a refused one has ``problem``."""
    jobs = []
    for nb in sorted(notebooks.glob("*.ipynb")):
        defaults = defined_parameters(nb)
        folder = params / nb.stem
        sets = sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])
        if DEFAULT_SET not in {p.stem for p in sets}:
            jobs.append(_checked(nb, None, defaults))
        jobs += [_checked(nb, p, defaults) for p in sets]
    return jobs


def _checked(notebook: Path, params_file: Path | None, defaults: dict) -> Job:
    """The job, with its parameters as the notebook will get them, or refused with why."""
    where = params_file or f"{notebook.name} (defaults)"
    values: dict = {}
    try:
        if params_file is not None:
            values = check_parameters(read_parameter_set(params_file), defaults, params_file)
        source = check_data(values, defaults, str(where))
    except ParameterError as exc:
        return Job(notebook, params_file, values, problem=str(exc))
    return Job(notebook, params_file, values, source=source)


def job_digest(job: Job, shared: str) -> str:
    h = hashlib.sha256(shared.encode())
    h.update(job.notebook.read_bytes())
    if job.params_file is not None:
        h.update(job.params_file.read_bytes())
    if job.source is not None:
        h.update(job.source.sha256.encode())
    return h.hexdigest()


KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]  # no transport warning per kernel
REUSE_ENGINE = "reanalysis-reuse"
# Sent to a new kernel without waiting: the chart and table stack's imports and the chart
# renderer's start-up (0.5 s), paid while the worker loads papermill and nbconvert.
WARM_UP = """import reanalysis.charts, reanalysis.tables, great_tables
reanalysis.charts.render({"mark": "point", "data": {"values": [{}]}})"""
# Sent before every report in a reused kernel: what a fresh kernel would give the notebook.
RESET = """import sys
if "polars" in sys.modules:
    sys.modules["polars"].Config.restore_defaults()
__import__("os").chdir({cwd!r})
get_ipython().reset(new_session=True)"""


class _WorkerKernel:
    """This worker process's kernel, started at its first report and reused by the next."""

    km = None
    kc = None
    answered = False  # has the running kernel answered yet?

    @classmethod
    def start(cls, cwd: Path) -> None:
        """Start the kernel and have it import the chart stack; do not wait for either."""
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        cls.shutdown()
        cls.km = AsyncKernelManager(kernel_name=KERNEL)
        run_sync(cls.km.start_kernel)(cwd=str(cwd), extra_arguments=KERNEL_ARGUMENTS)
        cls.kc = cls.km.client()
        cls.kc.start_channels()
        cls.kc.execute(WARM_UP, silent=True, store_history=False)
        cls.answered = False
        Finalize(cls, cls.shutdown, exitpriority=10)

    @classmethod
    def ready(cls, cwd: Path):
        """The running kernel's client; a new kernel if there is none alive."""
        from jupyter_core.utils import run_sync

        if cls.km is None or not run_sync(cls.km.is_alive)():
            cls.start(cwd)
        if not cls.answered:
            run_sync(cls.kc.wait_for_ready)(timeout=120)
            cls.answered = True
        return cls.kc

    @classmethod
    def shutdown(cls) -> None:
        from jupyter_core.utils import run_sync

        if cls.kc is not None:
            cls.kc.stop_channels()
        if cls.km is not None and cls.km.has_kernel:
            run_sync(cls.km.shutdown_kernel)(now=True)
        cls.km = cls.kc = None


def _prepare_worker(fresh_kernels: bool, notebooks: Path) -> None:
    """Pool initializer: start the worker's kernel (which imports the chart stack meanwhile),
    then load papermill and nbconvert here, so the two overlap instead of adding up."""
    if not fresh_kernels:
        _WorkerKernel.start(notebooks)
    import nbformat
    import papermill  # noqa: F401  (imported for its start-up cost only)

    to_html(nbformat.v4.new_notebook(), "warm-up")  # loads the exporter and its templates
    chart_script()  # the pages' Vega bundle: read once per worker (built once per environment)


@functools.cache
def _reuse_engine() -> None:
    """Register (once) a papermill engine that runs notebooks in :class:`_WorkerKernel`."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class ReuseEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False,
                                     execution_timeout=None, kernel_cwd=".", **kwargs):  # fmt: skip
            kc = _WorkerKernel.ready(Path(kernel_cwd))
            client = PapermillNotebookClient(nb_man, km=_WorkerKernel.km, kernel_name=kernel_name,
                                             timeout=execution_timeout, log_output=log_output)  # fmt: skip
            client.kc = kc
            reset = RESET.format(cwd=str(kernel_cwd))
            reply = client.wait_for_reply(kc.execute(reset, store_history=False))
            if reply is None or reply["content"]["status"] != "ok":
                raise RuntimeError(f"could not reset the kernel: {reply and reply['content']}")
            return client.execute()

    papermill_engines.register(REUSE_ENGINE, ReuseEngine)


def execute(job: Job, out_dir: Path, fresh_kernel: bool = False) -> Outcome:
    """Execute one job; write ``<name>.ipynb`` and (on success only) ``<name>.html``."""
    import nbformat
    import papermill

    start = time.perf_counter()
    executed = out_dir / f"{job.name}.ipynb"
    tmp = out_dir / f".{job.name}.running-{os.getpid()}.ipynb"  # two runs at once never share it
    if fresh_kernel:
        engine = {"shutdown_kernel": "immediate", "extra_arguments": KERNEL_ARGUMENTS}
    else:
        _reuse_engine()
        engine = {"engine_name": REUSE_ENGINE, "kernel_cwd": str(job.notebook.parent)}
    try:
        papermill.execute_notebook(
            str(job.notebook), str(tmp), parameters=job.parameters, kernel_name=KERNEL,
            cwd=str(job.notebook.parent), progress_bar=False, log_output=False,
            request_save_on_cell_execute=False, **engine,
        )  # fmt: skip
    except papermill.PapermillExecutionError as exc:
        where = f"cell {exc.cell_index + 1}"
        if tmp.exists():
            where = _failing_cell(nbformat.read(tmp, as_version=4)) or where
        return Outcome(job, time.perf_counter() - start, f"{where}: {exc.ename}: {exc.evalue}",
                       _keep(tmp, executed))  # fmt: skip
    except Exception as exc:  # kernel start-up or death, bad parameters, unreadable notebook
        return Outcome(job, time.perf_counter() - start, f"{type(exc).__name__}: {exc}",
                       _keep(tmp, executed))  # fmt: skip
    nb = nbformat.read(tmp, as_version=4)
    body = _with_data_header(to_html(nb, job.label, executed.name), job.source)
    os.replace(tmp, executed)
    _atomic_write(out_dir / f"{job.name}.html", body)
    return Outcome(job, time.perf_counter() - start)


def _keep(tmp: Path, executed: Path) -> bool:
    """Keep a failed run's executed notebook, if papermill got as far as writing one."""
    if tmp.exists():
        os.replace(tmp, executed)
        return True
    return False


def _failing_cell(nb) -> str | None:
    """'cell N (first line)' of the failed cell, N counted in the source notebook (from 1)."""
    added = {"injected-parameters", "papermill-error-cell-tag"}
    own = [c for c in nb.cells if not added.intersection(c.metadata.get("tags", []))]
    for number, cell in enumerate(own, start=1):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            first_line = (cell.source.strip().splitlines() or [""])[0][:60]
            return f"cell {number} ({first_line!r})"
    return None


CHART_MIMETYPE = re.compile(r"application/vnd\.vega\.v\d+\+json")
CHART_DIV = """<div class="reanalysis-chart"><div class="reanalysis-chart-view"></div>
<div class="reanalysis-chart-static">{svg}</div>
<script type="application/json" class="reanalysis-chart-spec">{spec}</script></div>"""
# Replaces each chart's static SVG by the live Vega view (tooltips, zoom); views are kept in
# window.reanalysisViews in page order (the browser test reads them).
CHART_LOADER = """window.reanalysisViews = [];
document.querySelectorAll("div.reanalysis-chart").forEach(function (div, i) {
  var spec = JSON.parse(div.querySelector("script.reanalysis-chart-spec").textContent);
  vegaEmbed(div.querySelector("div.reanalysis-chart-view"), spec,
            {mode: "vega", renderer: "svg", actions: false}).then(function (result) {
    div.querySelector("div.reanalysis-chart-static").remove();
    window.reanalysisViews[i] = result.view;
  });
});"""
CHART_PLACEHOLDER = "<div>reanalysis-chart-{}</div>"
PAGE_CSS = """<style>.reanalysis-nav{font:13px sans-serif;color:#555;margin:.5em 0 1em}
.reanalysis-chart{margin:.5em 0}.reanalysis-chart-view:empty{display:none}</style>"""


def _chart_outputs(nb) -> list[str]:
    """Replace each chart output (Vega spec + SVG) by a placeholder; return the HTML of each,
    which holds both. The exporter re-parses every HTML output (BeautifulSoup, 0.3 s a report
    for the charts' SVG), so the charts go in after it, in place of their placeholders."""
    charts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            vega = next((k for k in data if CHART_MIMETYPE.fullmatch(k)), None)
            if vega is None:
                continue
            spec = json.dumps(data[vega], separators=(",", ":")).replace("</", "<\\/")
            charts.append(CHART_DIV.format(svg=data.get("image/svg+xml", ""), spec=spec))
            output["data"] = {"text/html": CHART_PLACEHOLDER.format(len(charts) - 1)}
    return charts


@functools.cache
def chart_script() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script (vl-convert's bundle, about 0.9 MB),
    cached beside the environment per vl-convert version: building it takes 2.4 s."""
    import vl_convert

    cache = Path(sys.prefix) / "share" / "reanalysis" / f"vega-bundle-{vl_convert.__version__}.js"
    if cache.exists():
        return cache.read_text()
    bundle = vl_convert.javascript_bundle()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(cache, bundle)
    except OSError:  # a read-only environment: build it again next time
        pass
    return bundle


def to_html(nb, title: str, notebook: str | None = None) -> str:
    """A self-contained HTML page: code hidden, charts interactive offline (the JavaScript
    inline, once per page; each chart's SVG shows until it loads, or without JavaScript), a
    link to the executed ``notebook`` (which keeps the code), no CDN script."""
    nb = copy.deepcopy(nb)
    charts = _chart_outputs(nb)
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    body = re.sub(r'<script src="">\s*</script>', "", body)
    head = PAGE_CSS
    if notebook:
        link = html.escape(notebook)
        nav = (f'<p class="reanalysis-nav">The executed notebook, with its code: '
               f'<a href="{link}">{link}</a> · <a href="index.html">all reports</a></p>')  # fmt: skip
        body = re.sub(r"(<main>)", lambda m: m.group(1) + nav, body, count=1)
    for i, chart in enumerate(charts):
        body = body.replace(CHART_PLACEHOLDER.format(i), chart, 1)
    if charts:
        script = chart_script().replace("</script", "<\\/script")
        body = body.replace("</body>", f"<script>{script}</script>\n<script>{CHART_LOADER}"
                                       "</script>\n</body>", 1)  # fmt: skip
    return body.replace("</head>", head + "</head>", 1)


def _with_data_header(page: str, source: DataSource | None) -> str:
    """``page`` with a first line naming the data the report read: file, hash and vintage."""
    if source is None:
        return page
    header = (f'<p class="reanalysis-data" style="font:13px sans-serif;color:#555;margin:1em 2em">'
              f"Data: {html.escape(str(source))}</p>")  # fmt: skip
    return re.sub(r"(<body[^>]*>)", lambda m: m[1] + header, page, count=1)


@functools.cache
def _exporter():
    """One HTML exporter per process: building one compiles its templates (0.2 s)."""
    from nbconvert import HTMLExporter

    no_cdn = {k: "" for k in ("require_js_url", "mathjax_url", "jquery_url", "mermaid_js_url",
                               "mermaid_layout_elk_js_url")}  # fmt: skip
    return HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True, **no_cdn)  # fmt: skip


HEADLINE_TAG = "headline"


def headline(executed: Path) -> str:
    """The text output of the executed notebook's cell tagged ``headline`` ('' if none)."""
    try:
        cells = json.loads(executed.read_text())["cells"]
    except (OSError, ValueError, KeyError):
        return ""
    for cell in cells:
        if HEADLINE_TAG in cell.get("metadata", {}).get("tags", []):
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                text = data.get("text/markdown") or data.get("text/plain") or output.get("text")
                if text:
                    return "".join(text).strip().strip("*'\"")
    return ""


def write_index(jobs: list[Job], out_dir: Path, failed: dict[str, str]) -> None:
    """``index.html``: one row per current report (``failed`` maps report names to errors)."""
    rows = "\n".join(_index_row(job, out_dir, failed.get(job.name)) for job in jobs)
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>reanalysis reports</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:.3em .8em;text-align:left}}
tr:nth-child(even){{background:#f4f4f4}}.failed{{color:#a00}}</style></head><body>
<h1>reanalysis reports</h1><p>Data vintage: {html.escape(vintage())}</p>
<table><tr><th>report</th><th>finding</th><th>notebook</th><th>parameters</th><th>data</th>
<th>executed</th></tr>
{rows}</table></body></html>
"""
    _atomic_write(out_dir / "index.html", page)


def _index_row(job: Job, out_dir: Path, error: str | None) -> str:
    """A report's row: its link (or why there is none), notebook, parameters, executed notebook."""
    name, href = html.escape(job.name), html.escape(urllib.parse.quote(job.name))
    built = (out_dir / f"{job.name}.html").exists()
    link = f'<a href="{href}.html">{name}</a>' if built else f"{name} (not built)"
    if error is not None:
        previous = f' <a href="{href}.html">previous report</a>' if built else ""
        link = f'{name} <span class="failed">failed: {html.escape(error)}</span>{previous}'
    finding = html.escape(headline(out_dir / f"{job.name}.ipynb")) if built and not error else ""
    params = html.escape(json.dumps(job.parameters, default=str)) if job.parameters else "defaults"
    data = html.escape(str(job.parameters.get("data") or "shipped data (data/raw/)"))
    executed = (f'<a href="{href}.ipynb">notebook</a>'
                if (out_dir / f"{job.name}.ipynb").exists() else "")  # fmt: skip
    return (f"<tr><td>{link}</td><td>{finding}</td><td>{html.escape(job.notebook.name)}</td>"
            f"<td><code>{params}</code></td><td>{data}</td><td>{executed}</td></tr>")  # fmt: skip


def remove_orphans(jobs: list[Job], out_dir: Path) -> list[str]:
    """Remove the outputs of every report the runner wrote (it has a stamp) that is no longer
    a current job: its parameter set or notebook is gone. Returns their names."""
    current = {job.name for job in jobs}
    gone = sorted(s.stem for s in (out_dir / ".stamps").glob("*.sha256") if s.stem not in current)
    for name in gone:
        for path in (out_dir / f"{name}.html", out_dir / f"{name}.ipynb"):
            path.unlink(missing_ok=True)
        (out_dir / ".stamps" / f"{name}.sha256").unlink(missing_ok=True)  # last: the marker
    return gone


def build(
    notebooks: Path,
    params: Path,
    out_dir: Path,
    *,
    jobs: int = 2,
    force: bool = False,
    fresh_kernels: bool = False,
) -> int:
    """Execute the reports that changed, rebuild the index; return the process exit code."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamps = out_dir / ".stamps"
    stamps.mkdir(exist_ok=True)
    todo = discover(notebooks, params)
    failures = [Outcome(job, 0.0, job.problem) for job in todo if job.problem is not None]
    runnable = [job for job in todo if job.problem is None]
    shared = inputs_digest()
    digests = {job: job_digest(job, shared) for job in runnable}

    def fresh(job: Job) -> bool:
        stamp = stamps / f"{job.name}.sha256"
        return (not force and stamp.exists() and stamp.read_text() == digests[job]
                and (out_dir / f"{job.name}.html").exists())  # fmt: skip

    stale = [job for job in runnable if not fresh(job)]
    if stale:
        print(f"reports: executing {len(stale)} of {len(todo)} (up to {jobs} at a time)",
              flush=True)  # fmt: skip
        failures += _execute_all(stale, digests, out_dir, jobs, fresh_kernels, notebooks)
    elif not failures:
        print(f"reports: nothing changed, {len(todo)} reports up to date in {out_dir}")
    for outcome in failures:  # a failed report is retried next time, whatever its inputs
        _atomic_write(stamps / f"{outcome.job.name}.sha256", FAILED)
    gone = remove_orphans(todo, out_dir)
    if gone:
        print(f"reports: removed {len(gone)} report(s) whose parameter set or notebook is gone: "
              f"{', '.join(gone)}")  # fmt: skip
    write_index(todo, out_dir, {f.job.name: f.error for f in failures})
    for f in failures:
        if f.job.problem is not None:
            detail = "not executed; previous HTML left in place"
        elif f.kept:
            detail = (f"executed notebook kept at {out_dir / (f.job.name + '.ipynb')}; "
                      "previous HTML left in place")  # fmt: skip
        else:
            detail = "no executed notebook was written; previous HTML left in place"
        print(f"error: notebook {f.job.notebook.name}, parameters "
              f"{f.job.params_file.name if f.job.params_file else 'defaults'} "
              f"{json.dumps(f.job.parameters, default=str)}: {f.error}\n  {detail}",
              file=sys.stderr)  # fmt: skip
    return 1 if failures else 0


def _execute_all(stale: list[Job], digests: dict, out_dir: Path, jobs: int, fresh_kernels: bool,
                 notebooks: Path) -> list[Outcome]:  # fmt: skip
    """Execute ``stale`` in worker processes, one progress line each; stamp the successes."""
    failures = []
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(stale))),
                             mp_context=get_context("spawn"), initializer=_prepare_worker,
                             initargs=(fresh_kernels, notebooks.resolve())) as pool:  # fmt: skip
        futures = [pool.submit(execute, job, out_dir, fresh_kernels) for job in stale]
        for done, future in enumerate(as_completed(futures), start=1):
            outcome = future.result()
            line = f"[{done}/{len(stale)}] {outcome.job.label} {outcome.seconds:.1f} s"
            if outcome.error:
                failures.append(outcome)
                print(f"{line} FAILED", flush=True)
            else:
                _atomic_write(out_dir / ".stamps" / f"{outcome.job.name}.sha256",
                              digests[outcome.job])  # fmt: skip
                print(line, flush=True)
    return failures


def snapshot(notebooks: Path) -> None:
    """Re-execute each notebook in place with its defaults, storing outputs for nbval."""
    import nbformat
    from nbclient import NotebookClient

    for path in sorted(notebooks.glob("*.ipynb")):
        start = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, kernel_name=KERNEL, resources={"metadata": {"path": str(path.parent)}},
                       record_timing=False, extra_arguments=KERNEL_ARGUMENTS
                       ).execute()  # fmt: skip
        _atomic_write(path, nbformat.writes(nb) + "\n")
        print(f"snapshot: {path.name} {time.perf_counter() - start:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reanalysis.reports", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--jobs", type=int, default=2, help="notebooks at a time (default 2)")
    parser.add_argument("--force", action="store_true", help="re-execute every report")
    parser.add_argument("--fresh-kernels", action="store_true",
                        help="a new kernel for every report (default: one per worker, reset)")  # fmt: skip
    parser.add_argument("--notebooks", type=Path, default=paths.NOTEBOOKS)
    parser.add_argument("--params", type=Path, default=paths.PARAMS)
    parser.add_argument("--out", type=Path, default=paths.REPORTS)
    parser.add_argument(
        "--snapshot",
        action="store_true",
        help="store fresh default-parameter outputs in the notebooks (for nbval)",
    )
    args = parser.parse_args(argv)
    if args.snapshot:
        snapshot(args.notebooks)
        return 0
    return build(args.notebooks, args.params, args.out, jobs=args.jobs, force=args.force,
                 fresh_kernels=args.fresh_kernels)  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
