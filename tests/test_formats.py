"""The same figures load to the same canonical values from every supported format."""

import datetime as dt

import polars as pl
from polars.testing import assert_frame_equal

from reanalysis import load_customs
from reanalysis.readers import COMTRADE_COLUMNS as ALL_COMTRADE
from reanalysis.readers import COMTRADE_REQUIRED, detect_format


def world_magnets_2025(shipped: pl.DataFrame) -> pl.DataFrame:
    return shipped.filter(
        pl.col("commodity") == "rare earth permanent magnets", pl.col("partner") == "World",
        pl.col("period").dt.year() == 2025, pl.col("months") == 1, pl.col("value_t").is_not_null(),
    ).select("period", "value_t")  # fmt: skip


def comtrade_row(period: dt.date, kg: float, partner: str) -> dict:
    row = dict.fromkeys(ALL_COMTRADE, "")
    row.update(typeCode="C", freqCode="M", period=f"{period:%Y%m}", reporterDesc="China",
               flowCode="X", partnerDesc=partner, cmdCode="850511",
               cmdDesc="Aimants permanents en métal", netWgt=kg, primaryValue=kg * 40)  # fmt: skip
    return row


def test_tidy_csv_and_parquet_and_comtrade_agree(shipped, tmp_path):
    reference = world_magnets_2025(shipped)
    assert reference.height == 10  # 2025 except February and March
    tidy = reference.select(
        pl.col("period").dt.strftime("%Y-%m"), commodity=pl.lit("rare earth permanent magnets"),
        flow=pl.lit("export"), partner=pl.lit("World"), value=pl.col("value_t"), unit=pl.lit("t"),
    )  # fmt: skip
    tidy.write_csv(tmp_path / "tidy.csv")
    tidy.write_parquet(tmp_path / "tidy.parquet")
    rows = [comtrade_row(p, v * 1000, "World") for p, v in reference.iter_rows()]
    rows.append(comtrade_row(dt.date(2025, 5, 1), 1500.0, "Côte d'Ivoire"))
    lines = [",".join(ALL_COMTRADE)] + [",".join(str(r[c]) for c in ALL_COMTRADE) for r in rows]
    (tmp_path / "TradeData.csv").write_bytes("\n".join(lines).encode("iso-8859-1"))

    assert detect_format(tmp_path / "TradeData.csv") == "comtrade"
    for name in ("tidy.csv", "tidy.parquet"):
        got = load_customs(tmp_path / name).select("period", "value_t")
        assert_frame_equal(got, reference)
    comtrade = load_customs(tmp_path / "TradeData.csv")
    world = comtrade.filter(pl.col("partner") == "World")
    assert_frame_equal(world.select("period", "value_t"), reference, abs_tol=1e-9)
    assert world["commodity"].unique().to_list() == ["850511"]
    assert world["reporter"].unique().to_list() == ["China"]
    assert_frame_equal(
        world.select("value_usd"), reference.select(value_usd=pl.col("value_t") * 40_000)
    )
    ivory = comtrade.filter(pl.col("partner") == "Côte d'Ivoire")
    assert ivory.select("value_t").item() == 1.5


def test_tidy_kilograms_convert_to_tonnes(write):
    path = write(
        "t.csv", "period,commodity,flow,partner,value,unit\n2025-01,ore,export,World,2500,kg\n"
    )
    assert load_customs(path).select("value_t", "ytd_t").row(0) == (2.5, 2.5)


def test_comtrade_annual_rows_are_not_months(write):
    header = ",".join(COMTRADE_REQUIRED)
    path = write("c.csv", header + "\nA,2025,X,850511,World,90000\nM,202501,X,850511,World,7000\n")
    assert load_customs(path).select("period", "value_t").rows() == [(dt.date(2025, 1, 1), 7.0)]


def test_records_formats_give_running_year_to_date(write):
    rows = "".join(f"2025-{m:02d},ore,export,World,{m},t\n" for m in (1, 2, 3, 5))
    path = write("t.csv", "period,commodity,flow,partner,value,unit\n" + rows)
    assert load_customs(path)["ytd_t"].to_list() == [1.0, 3.0, 6.0, None]


def test_records_in_any_order_give_the_same_series_in_series_order(write):
    rows = [f"2025-{m:02d},ore,export,{p},{m * k},t\n"
            for p, k in (("Japan", 1), ("Germany", 10)) for m in (1, 2, 3, 5)]  # fmt: skip
    header = "period,commodity,flow,partner,value,unit\n"
    ordered = load_customs(write("a.csv", header + "".join(rows)))
    mixed = "".join(rows[i] for i in (5, 0, 7, 2, 1, 6, 3, 4))
    shuffled = load_customs(write("b.csv", header + mixed))
    by_key = ["partner", "period"]
    assert_frame_equal(ordered.drop("source_url").sort(by_key),
                       shuffled.drop("source_url").sort(by_key))  # fmt: skip
    assert shuffled.filter(pl.col("partner") == "Japan").select("value_t", "ytd_t").rows() == [
        (1.0, 1.0), (2.0, 3.0), (3.0, 6.0), (5.0, None)]  # fmt: skip
    # rows come series by series (two runs of partner), months rising within each
    assert shuffled["partner"].rle_id().max() == 1
    assert shuffled.select(pl.col("period").diff().over("partner").dt.total_days().min()).item() > 0
