"""What the shipped statements say, once reconciled (issue 3's acceptance figures).

Expected values are the published figures, or arithmetic on them written out.
"""

import datetime as dt
import os

import polars as pl

from reanalysis import source_conflicts


def headline(frame: pl.DataFrame, year: int, month: int) -> dict:
    rows = frame.filter(
        pl.col("commodity") == "rare earths", pl.col("flow") == "export",
        pl.col("period") == dt.date(year, month, 1),
    )  # fmt: skip
    assert rows.height == 1
    return rows.row(0, named=True)


def test_april_2025_is_the_most_precise_statement(shipped):
    april = headline(shipped, 2025, 4)
    assert (april["value_t"], april["ytd_t"], april["has_conflict"]) == (4784.8, 18962.0, False)
    assert april["n_sources"] == 5  # 4,785 t (4 pages) and 4,784.8 t (1) agree within rounding


def test_january_february_2025_is_one_two_month_observation(shipped):
    jf = headline(shipped, 2025, 1)
    assert (jf["months"], jf["value_t"], jf["is_derived"]) == (2, 8511.0, False)
    february = shipped.filter(pl.col("commodity") == "rare earths",
                              pl.col("period") == dt.date(2025, 2, 1))  # fmt: skip
    assert february.height == 0


def test_march_2024_is_derived_from_cumulatives(shipped):
    march = headline(shipped, 2024, 3)
    # Jan-May 24,266.5 less May 6,217, April 4,566 and Jan-Feb 8,774
    assert march["value_t"] == 24266.5 - 6217 - 4566 - 8774
    assert march["is_derived"] and march["n_sources"] == 0


def test_the_other_implied_months_are_derived(shipped):
    derived = shipped.filter(pl.col("commodity") == "rare earths", pl.col("flow") == "export",
                             pl.col("is_derived"), pl.col("months") == 1)  # fmt: skip
    assert derived["period"].to_list() == [dt.date(2022, 4, 1), dt.date(2022, 9, 1),
                                           dt.date(2023, 4, 1), dt.date(2024, 3, 1)]  # fmt: skip
    assert headline(shipped, 2022, 9)["value_t"] == 48728 - 4307 - 2949.6 - 3604 - 33539.4


def test_october_2025_conflict_resolves_to_the_chain(shipped):
    october = headline(shipped, 2025, 10)
    assert october["has_conflict"]
    assert october["value_t"] == round(52699.2 - 48355.7, 6)  # Jan-Oct less Jan-Sep
    listing = source_conflicts().filter(pl.col("period") == dt.date(2025, 10, 1),
                                        pl.col("commodity") == "rare earths")  # fmt: skip
    assert listing.select("value_t", "chosen").rows() == [(4343.5, True), (4345.5, False)]


def test_the_bloomberg_aggregate_is_its_own_series(shipped):
    other = shipped.filter(pl.col("commodity").cat.starts_with("rare earth products"))
    assert other["value_t"].to_list() == [2117.0, 7336.0, 6958.0]


def test_suspect_and_broader_magnet_rows_are_excluded(shipped):
    magnets = shipped.filter(pl.col("commodity") == "rare earth permanent magnets")
    october = magnets.filter(pl.col("partner") == "World", pl.col("period") == dt.date(2025, 10, 1))
    assert october["value_t"].to_list() == [5473.0]
    japan_dec = magnets.filter(
        pl.col("partner") == "Japan", pl.col("period") == dt.date(2025, 12, 1)
    )
    assert japan_dec.select("value_t", "ytd_t").row(0) == (280.0, None)


def test_world_magnets_2025_chain_to_the_annual_total(shipped):
    world = shipped.filter(pl.col("commodity") == "rare earth permanent magnets",
                           pl.col("partner") == "World", pl.col("period") == dt.date(2025, 12, 1))  # fmt: skip
    assert world["ytd_t"].to_list() == [57392.0]


def test_the_shipped_series_are_read_again_when_a_file_changes(tmp_path, monkeypatch):
    from reanalysis import loaders, paths

    copies = []
    for f in paths.CUSTOMS_FILES:
        copies.append(tmp_path / f.name)
        copies[-1].write_bytes(f.read_bytes())
    monkeypatch.setattr(paths, "CUSTOMS_FILES", tuple(copies))
    statements = loaders.load_statements().height
    first = loaders.load_customs()
    first.drop_in_place("value_t")  # a caller's change to its frame stays its own
    again = loaders.load_customs()
    assert "value_t" in again.columns
    april = (pl.col("commodity") == "rare earths") & (pl.col("period") == dt.date(2025, 4, 1))
    assert again.filter(april, pl.col("flow") == "export")["value_t"].to_list() == [4784.8]
    lines = copies[0].read_text().splitlines(keepends=True)
    precise = [line for line in lines if ",4784.8," in line]
    assert len(precise) == 1
    copies[0].write_text("".join(line for line in lines if line not in precise))
    assert loaders.load_statements().height == statements - 1  # the statements are read again
    # without its most precise statement, April falls back to the other sources' 4,785 t
    changed = loaders.load_customs().filter(april, pl.col("flow") == "export")["value_t"]
    assert changed.to_list() == [4785.0]


def test_other_files_of_the_same_size_and_time_are_read_as_themselves(tmp_path, monkeypatch):
    from reanalysis import loaders, paths

    folders = {}
    for name, figure in (("a", "4784.8"), ("b", "4784.9")):  # the same number of bytes
        folders[name] = []
        for f in paths.CUSTOMS_FILES:
            copy = tmp_path / name / f.name
            copy.parent.mkdir(exist_ok=True)
            copy.write_text(f.read_text().replace(",4784.8,", f",{figure},"))
            os.utime(copy, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns))
            folders[name].append(copy)
    seen = {}
    for name, files in folders.items():
        monkeypatch.setattr(paths, "CUSTOMS_FILES", tuple(files))
        seen[name] = 4784.9 in loaders.load_statements()["value_t"].to_list()
    assert seen == {"a": False, "b": True}
