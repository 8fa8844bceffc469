"""What a :class:`FrontLoading` result can and cannot tell, in sentences for a notebook."""

import polars as pl

from reanalysis.frontloading.baselines import OK
from reanalysis.frontloading.estimate import FrontLoading

TONNES = ("excess_t", "payback_t", "net_t", "band_low_t", "band_high_t", "excess_low_t",
          "excess_high_t", "payback_low_t", "payback_high_t", "net_low_t", "net_high_t")  # fmt: skip
CONSISTENT = "consistent with front-loading"
BELOW = "below baseline: no sign of front-loading"
INCONCLUSIVE = "inconclusive"


def percent(level: float) -> str:
    """A band's coverage as a percentage, no rounding away of its decimals: 0.975 -> '97.5%'."""
    return f"{100 * level:g}%"


def rounded(summary: pl.DataFrame) -> pl.DataFrame:
    """``result.summary`` (or ``result.sensitivity``) for display: tonnes to whole numbers,
    ratios to two decimals."""
    return summary.with_columns(
        *(pl.col(c).round(0) for c in TONNES if c in summary.columns),
        *(pl.col(c).round(2) for c in ("payback_ratio", "placebo_share") if c in summary.columns),
    )


def straddle_effect(result: FrontLoading) -> pl.DataFrame:
    """Per method, the range of the excess over the straddle choices and whether it changes
    sign or moves by more than half of the chosen choice's excess (``flips``, ``moves``)."""
    chosen = result.sensitivity.filter(pl.col("straddle") == result.straddle).select(
        "method", chosen_t="excess_t"
    )
    return (
        result.sensitivity.filter(pl.col("excess_t").is_not_null())
        .group_by("method", maintain_order=True)
        .agg(low_t=pl.col("excess_t").min(), high_t=pl.col("excess_t").max())
        .join(chosen, on="method", how="left")
        .with_columns(
            flips=(pl.col("low_t") < 0) & (pl.col("high_t") > 0),
            moves=pl.max_horizontal((pl.col("low_t") - pl.col("chosen_t")).abs(),
                                    (pl.col("high_t") - pl.col("chosen_t")).abs())
            > 0.5 * pl.col("chosen_t").abs(),
        )
    )  # fmt: skip


def verdict(result: FrontLoading) -> tuple[str, str]:
    """``(verdict, reason)``: "consistent with front-loading" only when at least two baselines
    that can run agree in sign, every band available excludes zero and no straddle choice
    flips the sign; the same for "below baseline"; otherwise "inconclusive"."""
    ran = result.summary.filter(pl.col("status") == OK, pl.col("excess_t").is_not_null())
    level = percent(result.summary["level"][0])
    if ran.height == 0:
        return INCONCLUSIVE, "no baseline gives an excess (no anticipation month it can measure)"
    if ran.height < 2:
        return INCONCLUSIVE, f"only the {_name(ran['method'][0])} baseline gives an excess"
    if (ran["excess_t"] > 0).any() and (ran["excess_t"] <= 0).any():
        return INCONCLUSIVE, "the baselines disagree in sign"
    flips = straddle_effect(result).filter(pl.col("flips"))
    if flips.height:
        return INCONCLUSIVE, f"the {_name(flips['method'][0])} excess changes sign with where the straddling month goes"  # fmt: skip
    banded = ran.filter(pl.col("excess_low_t").is_not_null())
    if banded.height == 0:
        return INCONCLUSIVE, "no baseline has a band (too few estimation months)"
    wide = banded.filter((pl.col("excess_low_t") <= 0) & (pl.col("excess_high_t") >= 0))
    if wide.height:
        return (
            INCONCLUSIVE,
            f"the {level} band of the {_name(wide['method'][0])} excess includes zero",
        )
    return (CONSISTENT if ran["excess_t"][0] > 0 else BELOW), (
        f"{ran.height} baselines agree in sign, every {level} band excludes zero and no straddle "
        "choice changes the sign"
    )


def _name(method: str) -> str:
    return method.replace("_", " ")


def _band(row: dict, name: str) -> str:
    low = row[f"{name}_low_t"]
    return (
        ""
        if low is None
        else f" ({percent(row['level'])} band {low:+,.0f} to {row[f'{name}_high_t']:+,.0f} t)"
    )


def describe(result: FrontLoading) -> list[str]:
    """What the result can and cannot tell, one sentence per finding (for a notebook's reading)."""
    lines = [note[0].upper() + note[1:] + "." for note in result.notes]
    for row in result.summary.iter_rows(named=True):
        name = _name(row["method"])
        if row["status"] != OK:
            lines.append(f"The {name} baseline cannot run: {row['status']}.")
            continue
        parts = []
        if row["excess_t"] is not None:
            parts.append(f"{row['excess_t']:+,.0f} t against baseline over "
                         f"{row['anticipation_months']} anticipation month(s){_band(row, 'excess')}")  # fmt: skip
        if row["payback_t"] is not None:
            parts.append(f"{row['payback_t']:+,.0f} t over {row['post_months']} post month(s)"
                         f"{_band(row, 'payback')}")  # fmt: skip
        if row["net_t"] is not None:
            parts.append(f"net {row['net_t']:+,.0f} t{_band(row, 'net')}")
        lines.append(f"With the {name} baseline: " + "; ".join(parts) + ".")
        if row["band_note"]:
            lines.append(f"  No band ({name}): {row['band_note']}.")
        if row["placebo_n"]:
            beaten = round(row["placebo_share"] * row["placebo_n"])
            lines.append(f"  In {beaten} of {row['placebo_n']} placebo dates (the same windows "
                         f"moved back month by month before the control) the {name} excess was at "
                         "least as large.")  # fmt: skip
    took_effect = result.post_window
    for row in straddle_effect(result).iter_rows(named=True):
        if row["flips"] or row["moves"]:
            how = "changes sign" if row["flips"] else "moves by more than half"
            net = ("; the net over the event window does not depend on it" if took_effect else
                   "; with no post window the net moves with it")  # fmt: skip
            lines.append(f"The {_name(row['method'])} excess {how} with where the straddling month "
                         f"goes ({row['low_t']:+,.0f} to {row['high_t']:+,.0f} t): one month "
                         f"decides it{net}.")  # fmt: skip
    if not result.controls:
        lines.append("Without control series no method separates the control from a market-wide "
                     "swing: every baseline is fitted on this series alone.")  # fmt: skip
    found, reason = verdict(result)
    lines.append(f"Verdict: {found}: {reason}.")
    return lines
