"""A generated report in headless Chromium with the network blocked: the charts load from the
page alone, a hovered point shows its value and source address, the time axis zooms and pans,
and without JavaScript every chart is still drawn (its static SVG)."""

import re

import polars as pl
import pytest

from cdp import Browser
from reanalysis.series import select_series

REPORT = "growth.html"  # the default (headline rare earths): monthly chart, then growth bars
CHARTS = "document.querySelectorAll('div.reanalysis-chart').length"
READY = f"window.reanalysisViews && reanalysisViews.filter(Boolean).length === {CHARTS}"


@pytest.fixture(scope="module")
def report(shipped_reports):
    return shipped_reports[0] / REPORT


@pytest.fixture(scope="module")
def page(report, tmp_path_factory):
    browser = Browser(tmp_path_factory.mktemp("chromium"))
    browser.open(report.as_uri())
    browser.wait_for(READY)
    yield browser
    browser.close()


def test_the_page_asks_the_network_for_nothing(report, page):
    assert not re.findall(r"""(?:src|href)=["']https?://""", report.read_text().split("<main>")[0])
    assert page.requests and all(u.startswith(("file:", "data:")) for u in page.requests), (
        page.requests
    )


def test_the_javascript_is_inline_once_for_all_charts(report, page):
    text = report.read_text()
    assert text.count("window.vegaEmbed=") == 1
    assert page.evaluate(CHARTS) >= 2
    assert page.evaluate("document.querySelectorAll('script[src]').length") == 0


FIND_POINT = """(() => {
  const found = [];
  (function walk(node) {
    if (!node) return;
    if (node.mark && node.mark.marktype === 'symbol' && node.datum
        && node.datum.value_t === %r) found.push(node);
    (node.items || []).forEach(walk);
  })(reanalysisViews[0].scenegraph().root);
  const el = found[0]._svg;
  el.scrollIntoView({block: 'center'});
  const r = el.getBoundingClientRect();
  return [r.x + r.width / 2, r.y + r.height / 2];
})()"""
TOOLTIP = """(() => { const t = document.getElementById('vg-tooltip-element');
  return t && t.classList.contains('visible') ? t.innerText : ''; })()"""


def test_hovering_a_point_shows_its_value_and_source(page, shipped):
    june = select_series(shipped, commodity="rare earths", start="2025-06", end="2025-06").row(
        0, named=True
    )
    x, y = page.evaluate(FIND_POINT % june["value_t"])
    page.mouse("mouseMoved", x, y)
    text = page.wait_for(TOOLTIP, timeout=10)
    assert "June 2025" in text
    assert f"{june['value_t']:,.1f}" in text  # 7,742.2
    assert str(june["source_url"]) in text


X_DOMAIN = "reanalysisViews[0].scale('x').domain().map(Number)"
CENTRE = """(() => { const r = document.querySelectorAll('div.reanalysis-chart-view')[0]
  .getBoundingClientRect(); return [r.x + r.width * 0.45, r.y + r.height * 0.5]; })()"""


def test_the_time_axis_zooms_with_the_wheel_and_pans_by_dragging(page):
    before = page.evaluate(X_DOMAIN)
    x, y = page.evaluate(CENTRE)
    page.mouse("mouseWheel", x, y, deltaX=0, deltaY=-400)
    zoomed = page.wait_for(f"(d => d[1] - d[0] < {before[1] - before[0]} * 0.9 && d)({X_DOMAIN})")
    assert before[0] < zoomed[0] < zoomed[1] < before[1]  # narrower, inside the full span
    page.mouse("mousePressed", x, y, button="left", clickCount=1)
    page.mouse("mouseMoved", x + 120, y, button="left", buttons=1)
    page.mouse("mouseReleased", x + 120, y, button="left", clickCount=1)
    panned = page.wait_for(f"(d => d[0] < {zoomed[0]} && d)({X_DOMAIN})")
    assert panned[1] - panned[0] == pytest.approx(zoomed[1] - zoomed[0], rel=1e-6)


def test_without_javascript_every_chart_is_its_static_svg(report, tmp_path):
    browser = Browser(tmp_path / "profile")
    try:
        browser.send("Emulation.setScriptExecutionDisabled", value=True)
        browser.open(report.as_uri())
        sizes = browser.evaluate("""[...document.querySelectorAll('div.reanalysis-chart')]
            .map(d => d.querySelector('div.reanalysis-chart-static svg'))
            .map(s => s ? s.getBoundingClientRect().width : 0)""")
    finally:
        browser.close()
    assert len(sizes) >= 2 and min(sizes) > 300, sizes


def test_the_growth_bars_are_side_by_side_on_screen(page, shipped):
    """June 2025: month on month and year on year are two bars next to each other."""
    rects = page.evaluate("""(() => {
      const out = [];
      const walk = (node => {
        if (!node) return;
        if (node.mark && node.mark.marktype === 'rect' && node.datum && node.datum.month === 'June 2025')
          { const r = node._svg.getBoundingClientRect(); out.push([node.datum.change, node.datum.pct, r.left, r.right]); }
        (node.items || []).forEach(walk);
      });
      reanalysisViews.forEach(view => walk(view.scenegraph().root));
      return out; })()""")
    (mom, mom_pct, mom_left, mom_right), (yoy, yoy_pct, yoy_left, yoy_right) = sorted(rects)
    assert (mom, yoy) == ("month on month", "year on year")
    assert (round(mom_pct, 1), round(yoy_pct, 1)) == (32.0, 60.3)
    assert mom_right <= yoy_left  # side by side, not stacked
    assert pl.Series([mom_left, mom_right, yoy_left, yoy_right]).is_sorted()
