"""Combine the coverage data of every process `make test` ran and print one line: line and
branch coverage of src/reanalysis/. Exits 1 below the thresholds.

    python tests/coverage_total.py          # after `coverage run -m pytest ...`
    python -m coverage report -m            # then, per file with the missed lines
"""

import json
import sys
import tempfile
from pathlib import Path

import coverage

LINES, BRANCHES = 95.0, 90.0  # percent, the floor `make test` enforces


def main() -> int:
    cov = coverage.Coverage()
    cov.combine()
    cov.save()
    with tempfile.TemporaryDirectory() as tmp:
        cov.json_report(outfile=f"{tmp}/coverage.json")
        totals = json.loads(Path(tmp, "coverage.json").read_text())["totals"]
    statements, covered = totals["num_statements"], totals["covered_lines"]
    branches, taken = totals["num_branches"], totals["covered_branches"]
    lines_pct = 100.0 * covered / statements
    branch_pct = 100.0 * taken / branches
    ok = lines_pct >= LINES and branch_pct >= BRANCHES
    print(
        f"coverage of src/reanalysis/ (all test processes): lines {lines_pct:.1f}% "
        f"({covered}/{statements}), branches {branch_pct:.1f}% "
        f"({taken}/{branches}); floor {LINES:.0f}%/{BRANCHES:.0f}%" + ("" if ok else ": BELOW")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
