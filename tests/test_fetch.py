"""fetch_comtrade through the official client, on responses made here in the API's JSON shape
(synthetic figures; no network in tests): pinned totals, snapshot + sidecar, no overwrite."""

import datetime as dt
import json
from types import SimpleNamespace

import comtradeapicall.PreviewGet
import polars as pl
import pytest

from comtrade_plus import api_response, row
from reanalysis import fetch as fetch_module
from reanalysis import load_customs
from reanalysis.fetch import FetchError, fetch_comtrade
from reanalysis.formats.comtrade import COMTRADE_COLUMNS
from reanalysis.provenance import read_sidecar, sha256, sidecar_path

ACCESSED = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


class Recorded:
    """Stands in for urllib3's PoolManager inside comtradeapicall: answers each call with the
    next response and keeps what was asked."""

    def __init__(self, *responses: tuple[int, bytes]):
        self.responses, self.calls = list(responses), []

    def __call__(self):  # the client builds a new PoolManager per call
        return self

    def request(self, method, url, fields, timeout):
        self.calls.append({"url": url, **fields})
        status, body = self.responses.pop(0)
        return SimpleNamespace(status=status, data=body)


@pytest.fixture
def api(monkeypatch):
    monkeypatch.delenv("COMTRADE_API_KEY", raising=False)
    monkeypatch.setattr(fetch_module, "_utcnow", lambda: ACCESSED)

    def install(*responses):
        recorded = Recorded(*responses)
        monkeypatch.setattr(comtradeapicall.PreviewGet.urllib3, "PoolManager", recorded)
        return recorded

    return install


def months(*periods: str, partner: str = "World") -> list[dict]:
    return [row(p, "850511", partner, kg=1000.0 * int(p[-2:]), usd=4e4 * int(p[-2:]))
            for p in periods]  # fmt: skip


def test_a_fetch_writes_a_snapshot_that_loads_and_a_sidecar_that_describes_it(api, tmp_path):
    recorded = api((200, api_response(months("202501", "202502", "202503"))))
    path = fetch_comtrade(156, [0], ["850511"], "2025-01", "2025-03", directory=tmp_path)

    assert path == tmp_path / "comtrade_156_X_2025-01_2025-03_20261125T093000Z.csv"
    assert path.read_text().splitlines()[0] == ",".join(COMTRADE_COLUMNS)
    loaded = load_customs(path)
    assert loaded.select("period", "value_t", "value_usd").rows() == [
        (dt.date(2025, m, 1), float(m), 4e4 * m) for m in (1, 2, 3)
    ]
    meta = read_sidecar(path)
    assert meta["sha256"] == sha256(path)
    assert (meta["row_count"], meta["accessed_at"], meta["access_date"]) == (
        3, "2026-11-25T09:30:00Z", "2026-11-25")  # fmt: skip
    assert meta["query"] == {
        "typeCode": "C", "freqCode": "M", "clCode": "HS", "reporterCode": "156",
        "cmdCode": "850511", "flowCode": "X", "partnerCode": "0", "partner2Code": "0",
        "customsCode": "C00", "motCode": "0", "breakdownMode": "classic", "includeDesc": True,
        "period": "202501-202503",
    }  # fmt: skip
    assert meta["sources"] == "https://comtradeapi.un.org/public/v1/preview/C/M/HS"
    assert set(meta["columns"]) == set(COMTRADE_COLUMNS)
    # what the client sent: the preview endpoint, totals pinned, the preview's row limit
    (call,) = recorded.calls
    assert call["url"] == "https://comtradeapi.un.org/public/v1/preview/C/M/HS"
    assert {k: call[k] for k in ("period", "partner2Code", "customsCode", "motCode",
                                 "breakdownMode", "maxRecords")} == {
        "period": "202501,202502,202503", "partner2Code": "0", "customsCode": "C00",
        "motCode": "0", "breakdownMode": "classic", "maxRecords": 500,
    }  # fmt: skip
    assert "subscription-key" not in call


def test_a_key_uses_the_data_endpoint_and_a_year_and_a_half_takes_two_calls(
    api, tmp_path, monkeypatch
):
    monkeypatch.setenv("COMTRADE_API_KEY", "k-123")
    first = months(*(f"2024{m:02d}" for m in range(1, 13)))
    recorded = api((200, api_response(first)), (200, api_response(months("202501", "202502"))))
    path = fetch_comtrade(156, 0, "850511", "2024-01", "2025-02", directory=tmp_path)
    assert [c["url"] for c in recorded.calls] == [
        "https://comtradeapi.un.org/data/v1/get/C/M/HS"
    ] * 2
    assert [c["period"].count(",") + 1 for c in recorded.calls] == [12, 2]
    assert {(c["subscription-key"], c["maxRecords"]) for c in recorded.calls} == {
        ("k-123", 250_000)
    }
    assert read_sidecar(path)["row_count"] == 14
    assert load_customs(path).height == 14


def test_a_snapshot_is_never_overwritten(api, tmp_path):
    api((200, api_response(months("202501"))))
    path = fetch_comtrade(156, [0], ["850511"], "2025-01", "2025-01", directory=tmp_path)
    before = path.read_bytes(), sidecar_path(path).read_bytes()
    recorded = api((200, api_response(months("202501"))))
    with pytest.raises(FileExistsError, match="never overwritten"):
        fetch_comtrade(156, [0], ["850511"], "2025-01", "2025-01", directory=tmp_path)
    assert recorded.calls == []  # refused before asking
    assert (path.read_bytes(), sidecar_path(path).read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name, sidecar_path(path).name]


def test_a_full_preview_answer_may_be_cut_and_is_refused(api, tmp_path):
    api((200, api_response(months("202501") * 500)))
    with pytest.raises(FetchError, match="preview limit; set COMTRADE_API_KEY"):
        fetch_comtrade(156, [0], ["850511"], "2025-01", "2025-01", directory=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_refusal_by_the_api_says_what_the_api_said(api, tmp_path):
    api((401, json.dumps({"statusCode": 401, "message": "Access denied"}).encode()))
    with pytest.raises(FetchError, match="refused periods 202501: .*Access denied"):
        fetch_comtrade(156, [0], ["850511"], "2025-01", "2025-01", directory=tmp_path)


def test_breakdown_rows_in_an_answer_are_refused(api, tmp_path):
    rows = months("202501") + [row("202501", kg=10.0, mot=2100)]
    api((200, api_response(rows)))
    with pytest.raises(FetchError, match=r"rows with motCode \['2100'\], expected only totals"):
        fetch_comtrade(156, [0], ["850511"], "2025-01", "2025-01", directory=tmp_path)


def test_an_empty_answer_writes_nothing(api, tmp_path):
    api((200, api_response([])))
    with pytest.raises(FetchError, match="no rows for reporter 156, flow X, HS 850511"):
        fetch_comtrade(156, [0], ["850511"], "2025-01", "2025-01", directory=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_an_answer_without_the_47_columns_is_refused(api, tmp_path):
    rows = [{k: v for k, v in r.items() if k != "netWgt"} for r in months("202501")]
    api((200, api_response(rows)))
    with pytest.raises(FetchError, match="lacks column.s. netWgt"):
        fetch_comtrade(156, [0], ["850511"], "2025-01", "2025-01", directory=tmp_path)


@pytest.mark.parametrize("args, message", [
    ((156, [0], ["850511"], "2025-03", "2025-01"), "start 2025-03 is after end 2025-01"),
    ((156, [0], ["850511"], "2025-1", "2025-03"), "start: expected a month as YYYY-MM"),
    ((156, [0], ["85051"], "2025-01", "2025-03"), "HS codes of 2, 4 or 6 digits"),
    ((156, [0], [], "2025-01", "2025-03"), "HS codes of 2, 4 or 6 digits"),
])  # fmt: skip
def test_bad_arguments_are_refused_before_any_call(api, args, message):
    recorded = api()
    with pytest.raises(ValueError, match=message):
        fetch_comtrade(*args)
    with pytest.raises(ValueError, match="flow: expected one of X, M, RX, RM"):
        fetch_comtrade(156, [0], ["850511"], "2025-01", "2025-01", flow="E")
    assert recorded.calls == []


def test_the_snapshot_keeps_hs_codes_as_text(api, tmp_path):
    api((200, api_response([row("202501", "0504", kg=1000.0)])))
    path = fetch_comtrade(156, [0], ["0504"], "2025-01", "2025-01", directory=tmp_path)
    assert load_customs(path)["commodity"].to_list() == ["0504"]
    assert pl.read_csv(path, infer_schema=False)["cmdCode"].to_list() == ["0504"]


def test_the_access_time_is_utc_to_the_second():
    now = fetch_module._utcnow()
    assert now.tzinfo == dt.UTC and now.microsecond == 0


def test_columns_beyond_the_47_are_kept_last_and_described(api, tmp_path):
    rows = [{**r, "legacyFlagNew": 7} for r in months("202501")]
    api((200, api_response(rows)))
    path = fetch_comtrade(156, [0], ["850511"], "2025-01", "2025-01", directory=tmp_path)
    header = path.read_text().splitlines()[0].split(",")
    assert header == [*COMTRADE_COLUMNS, "legacyFlagNew"]
    columns = read_sidecar(path)["columns"]
    assert list(columns) == header
    assert (columns["legacyFlagNew"], columns["netWgt"]) == (
        "as the API returned it",
        "net weight, kg",
    )
