"""Synthetic UN Comtrade+ rows in the real 47-column layout, for tests (made up figures).

Every column of a real export is filled the way the Comtrade+ site and API fill it
(/work/shared/formats/comtrade_plus_columns.md): a total row has ``motCode`` 0,
``customsCode`` C00, ``partner2Code`` 0 and ``mosCode`` 0; ``qtyUnitCode`` 8 is kilograms;
flags are ``True``/``False``.
"""

import json
from pathlib import Path

from reanalysis.formats.comtrade import COMTRADE_COLUMNS

PARTNERS = {  # partnerDesc: (partnerCode, partnerISO), as Comtrade+ spells them
    "World": (0, "W00"),
    "USA": (842, "USA"),
    "Rep. of Korea": (410, "KOR"),
    "China, Hong Kong SAR": (344, "HKG"),
    "Other Asia, nes": (490, "S19"),
    "Japan": (392, "JPN"),
}
MOT = {0: "TOTAL MOT", 1000: "Air", 2100: "Sea"}
CUSTOMS = {"C00": "TOTAL CPC", "C01": "Export of domestic goods"}


def row(period: str = "202501", cmd: str = "850511", partner: str = "World", *,
        kg: float | None = 1000.0, usd: float | None = 50000.0, freq: str = "M",
        mot: int = 0, customs: str = "C00", partner2: str = "World", mos: str = "0",
        qty: float | None = None, qty_unit: int = 8, kg_estimated: bool = False,
        qty_estimated: bool = False) -> dict:  # fmt: skip
    """One row of a Comtrade+ export of China (156), flow X, as a dict over the 47 columns.

    ``qty`` defaults to ``kg`` (Comtrade+ repeats the weight there for goods measured in kg).
    """
    year = period[:4]
    month = period[4:] if freq == "M" else "52"
    partner_code, partner_iso = PARTNERS[partner]
    partner2_code, partner2_iso = PARTNERS[partner2]
    qty = kg if qty is None else qty
    values = {
        "typeCode": "C", "freqCode": freq, "refPeriodId": f"{year}{month}01",
        "refYear": year, "refMonth": month, "period": period, "reporterCode": 156,
        "reporterISO": "CHN", "reporterDesc": "China", "flowCode": "X", "flowDesc": "Export",
        "partnerCode": partner_code, "partnerISO": partner_iso, "partnerDesc": partner,
        "partner2Code": partner2_code, "partner2ISO": partner2_iso, "partner2Desc": partner2,
        "classificationCode": "H6", "classificationSearchCode": "HS",
        "isOriginalClassification": True, "cmdCode": cmd, "cmdDesc": f"HS {cmd}",
        "aggrLevel": len(cmd), "isLeaf": len(cmd) == 6, "customsCode": customs,
        "customsDesc": CUSTOMS[customs], "mosCode": mos, "motCode": mot, "motDesc": MOT[mot],
        "qtyUnitCode": qty_unit, "qtyUnitAbbr": "kg" if qty_unit == 8 else "u", "qty": qty,
        "isQtyEstimated": qty_estimated, "altQtyUnitCode": -1, "altQtyUnitAbbr": "N/A",
        "altQty": None, "isAltQtyEstimated": False, "netWgt": kg,
        "isNetWgtEstimated": kg_estimated, "grossWgt": None, "isGrossWgtEstimated": False,
        "cifvalue": None, "fobvalue": usd, "primaryValue": usd, "legacyEstimationFlag": 0,
        "isReported": not (kg_estimated or qty_estimated), "isAggregate": False,
    }  # fmt: skip
    assert list(values) == COMTRADE_COLUMNS
    return values


def _cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    return f'"{text}"' if "," in text else text


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    """Write ``rows`` as a Comtrade+ CSV export (header of the 47 columns, empty cells for None)."""
    lines = [",".join(COMTRADE_COLUMNS)]
    lines += [",".join(_cell(r[c]) for c in COMTRADE_COLUMNS) for r in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def api_response(rows: list[dict]) -> bytes:
    """The body of a Comtrade+ API data response carrying ``rows`` (JSON, the API's shape)."""
    return json.dumps({"elapsedTime": "0.1 secs", "count": len(rows), "data": rows,
                       "error": ""}).encode()  # fmt: skip
