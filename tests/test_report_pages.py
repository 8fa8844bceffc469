"""The HTML pages: charts interactive from one inline script, static SVG inside, the executed
notebook linked; the headline each report opens with, also shown in the index."""

import html
import json
import re

import altair as alt
import nbformat
import polars as pl
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from reanalysis.charts import VEGA_MIMETYPE, render
from reanalysis.reports import headline, to_html


def chart_output() -> dict:
    chart = alt.Chart(pl.DataFrame({"x": [1, 2]})).mark_point().encode(x="x:Q", tooltip=["x:Q"])
    return new_output("display_data", data=render(chart.to_dict()))


def page_with(*cells) -> str:
    nb = new_notebook(cells=list(cells))
    return to_html(nb, "test report", "test.ipynb")


def test_two_charts_share_one_inline_script_and_keep_their_svg():
    cell = new_code_cell("chart", outputs=[chart_output(), chart_output()])
    page = page_with(new_markdown_cell("# Question"), cell)
    assert page.count("window.vegaEmbed=") == 1 and page.count("window.reanalysisViews = []") == 1
    assert page.count('<div class="reanalysis-chart">') == 2
    static = re.findall(r'<div class="reanalysis-chart-static"><svg', page)
    assert len(static) == 2
    specs = re.findall(r"<script[^>]*reanalysis-chart-spec[^>]*>(.*?)</script>", page, re.S)
    assert [json.loads(s)["$schema"] for s in specs] == [
        "https://vega.github.io/schema/vega/v5.json"] * 2  # fmt: skip
    assert json.loads(specs[0]) == chart_output()["data"][VEGA_MIMETYPE]
    assert not re.findall(r"""<script[^>]+src=""", page)


def test_a_page_without_charts_carries_no_script_and_links_its_notebook():
    page = page_with(new_markdown_cell("# Question"))
    assert "vegaEmbed" not in page
    assert '<a href="test.ipynb">test.ipynb</a>' in page and 'href="index.html"' in page


def test_a_spec_cannot_close_its_script_tag():
    chart = (
        alt.Chart(pl.DataFrame({"x": [1], "t": ["</script><b>"]}))
        .mark_point()
        .encode(x="x:Q", tooltip=["t:N"])
    )
    out = new_output("display_data", data=render(chart.to_dict()))
    page = page_with(new_code_cell("c", outputs=[out]))
    assert "</script><b>" not in page and "<\\/script><b>" in page


def test_headline_reads_the_tagged_cell_of_an_executed_notebook(tmp_path):
    nb = new_notebook(cells=[
        new_code_cell("x"),
        new_code_cell("h", metadata={"tags": ["headline"]}, outputs=[new_output(
            "execute_result", data={"text/markdown": "**April 2025: 4,784.8 t**",
                                    "text/plain": "<IPython.core.display.Markdown object>"})]),
    ])  # fmt: skip
    nbformat.write(nb, tmp_path / "r.ipynb")
    assert headline(tmp_path / "r.ipynb") == "April 2025: 4,784.8 t"
    nbformat.write(new_notebook(cells=[new_code_cell("x")]), tmp_path / "none.ipynb")
    assert headline(tmp_path / "none.ipynb") == ""
    assert headline(tmp_path / "missing.ipynb") == ""


def test_each_executed_report_has_interactive_charts_a_picture_and_a_headline(shipped_reports):
    """What JupyterLab 4.6 opens: nbformat-valid, each chart as Vega 5 (Lab renders it with
    tooltips and zoom) plus its SVG; the headline the index shows."""
    from reanalysis import paths
    from reanalysis.reports import discover

    out, _ = shipped_reports
    index = (out / "index.html").read_text()
    for job in discover(paths.NOTEBOOKS, paths.PARAMS):
        nb = nbformat.read(out / f"{job.name}.ipynb", as_version=4)
        nbformat.validate(nb)
        charts = [o for c in nb.cells for o in c.get("outputs", [])
                  if VEGA_MIMETYPE in o.get("data", {})]  # fmt: skip
        assert charts, job.name
        for output in charts:
            assert output.data[VEGA_MIMETYPE]["$schema"].endswith("/vega/v5.json")
            assert output.data["image/svg+xml"].startswith("<svg")
        line = headline(out / f"{job.name}.ipynb")
        assert len(line) > 30 and html.escape(line) in index, job.name


def test_the_chart_bundle_is_built_once_per_environment(tmp_path, monkeypatch):
    import vl_convert

    from reanalysis import reports

    built = []
    monkeypatch.setattr(vl_convert, "javascript_bundle", lambda: built.append(1) or "bundle")
    monkeypatch.setattr(reports.sys, "prefix", str(tmp_path / "env"))
    build = reports.chart_script.__wrapped__
    assert build() == build() == "bundle" and built == [1]  # the second read the cache
    cached = tmp_path / "env" / "share" / "reanalysis" / f"vega-bundle-{vl_convert.__version__}.js"
    assert cached.read_text() == "bundle"
    (tmp_path / "ro").write_text("a file where a folder should be")
    monkeypatch.setattr(reports.sys, "prefix", str(tmp_path / "ro"))
    assert build() == "bundle" and built == [1, 1]  # unwritable: built, not cached
