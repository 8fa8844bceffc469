"""Control series for the ``diff_in_diff`` baseline: other products or partners the control
did not cover, as the mean of their log tonnes per month."""

import polars as pl

from reanalysis.series import select_series

KEYS = ("commodity", "flow", "partner")


def select_controls(frame: pl.DataFrame, specs: list[dict[str, str]]) -> pl.DataFrame | None:
    """The series of a canonical ``frame`` named by ``specs`` (each ``{commodity, flow,
    partner}``; ``flow`` defaults to export, ``partner`` to World), stacked; None for none.

    >>> from reanalysis import load_customs
    >>> c = select_controls(load_customs(), [{"commodity": "rare earths"}])
    >>> c.select("commodity", "partner").unique().rows()
    [('rare earths', 'World')]
    """
    if not specs:
        return None
    unknown = [set(s) - set(KEYS) for s in specs if set(s) - set(KEYS)]
    if unknown:
        raise ValueError(f"control keys {sorted(unknown[0])}: expected {', '.join(KEYS)}")
    return pl.concat([select_series(frame, **spec) for spec in specs])


def control_log(obs: pl.DataFrame, controls: pl.DataFrame) -> pl.DataFrame:
    """``obs`` with ``control_log``: the mean over the control series of log(tonnes per month)
    for the same period, null unless every control has a positive value that month."""
    n = controls.select(KEYS).unique().height
    per = (
        controls.filter(pl.col("value_t") > 0)
        .group_by("period")
        .agg(
            control_log=(pl.col("value_t") / pl.col("months").cast(pl.Float64)).log().mean(),
            _n=pl.len(),
        )
        .filter(pl.col("_n") == n)
        .drop("_n")
    )
    return obs.join(per, on="period", how="left", maintain_order="left")
