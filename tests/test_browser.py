"""A generated report, opened in headless Chromium with the network off, draws its chart."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from reanalysis.charts import OBSERVATION_COLOURS

CHROMIUM = shutil.which("chromium")


@pytest.fixture(scope="module")
def report(shipped_reports) -> Path:
    return shipped_reports[0] / "overview.html"


def test_the_report_loads_nothing_from_the_network(report):
    page = report.read_text()
    assert not re.findall(r"""(?:src|href)=["']https?://""", page)


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def test_the_chart_draws_its_marks_offline(report, tmp_path):
    assert CHROMIUM, "chromium is installed by `make test` (make browser)"
    shot = tmp_path / "shot.png"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         f"--user-data-dir={tmp_path / 'profile'}", "--proxy-server=http://127.0.0.1:9",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars", "--window-size=1100,2600",
         f"--screenshot={shot}", report.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    image = Image.open(shot).convert("RGB")
    counts = {colour: 0 for colour in OBSERVATION_COLOURS.values()}
    targets = {colour: rgb(colour) for colour in counts}
    for pixel in image.get_flattened_data():
        for colour, target in targets.items():
            if all(abs(a - b) <= 6 for a, b in zip(pixel, target, strict=True)):
                counts[colour] += 1
    stated, derived, combined = counts.values()
    assert stated > 500, counts  # dozens of filled points of the stated months
    assert derived > 50 and combined > 50, counts
