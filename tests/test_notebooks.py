"""nbval really checks: a key figure that changes fails the notebook's test."""

import json
import shutil
import subprocess
import sys

from reanalysis import paths


def test_a_changed_key_figure_fails_nbval(tmp_path):
    nb = json.loads((paths.NOTEBOOKS / "overview.ipynb").read_text())
    checked = [c for c in nb["cells"] if "NBVAL_CHECK_OUTPUT" in "".join(c.get("source", ""))]
    assert checked and all(c["outputs"] for c in checked), "run `make snapshot`"
    headline = checked[0]["outputs"][0]["data"]  # the finding the report opens with
    text = "".join(headline["text/markdown"])
    assert "4,392.1" in text  # December 2025 headline exports
    headline["text/markdown"] = text.replace("4,392.1", "4,392.2")
    (tmp_path / "overview.ipynb").write_text(json.dumps(nb))
    shutil.copy(paths.NOTEBOOKS / "overview.ipynb", tmp_path / "unchanged.ipynb")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval-lax", "-q",
         str(tmp_path / "overview.ipynb"), str(tmp_path / "unchanged.ipynb")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 1, run.stdout
    assert "1 failed" in run.stdout and "4,392.2" in run.stdout
