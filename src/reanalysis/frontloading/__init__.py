"""Front-loading: did shipments rise before a control took effect, and fall back after?

For one series, each month is put in a window:

- ``estimation``: months wholly before the anticipation start (the rumour date when given,
  else the announcement). Baselines are fitted on these only.
- ``anticipation``: from the anticipation start to the effective date (or the suspension date
  when the control was suspended before taking effect).
- ``post``: the first ``post_months`` months from the effective date; ``later`` beyond them.
- ``after_suspension``: a control suspended before taking effect has no post window.

A month that straddles a date goes to the window holding most of its days (ties to the later
window), except that no month holding a day on or after the anticipation start is ever used for
estimation. ``straddles`` marks such months in the table.

Baselines (what would have been shipped without the control), side by side:

- ``seasonal_naive``: the same span a year earlier, scaled by the trailing growth of the last
  12 estimation months against the same months a year before (drift);
- ``regression``: log(tonnes) on a linear trend and month-of-year dummies, fitted on the
  estimation months (single months, positive values), with log-normal smearing;
- ``pre_mean``: the mean monthly tonnage of the last 12 estimation months (one month suffices).

A method without enough history says so in ``status`` rather than falling back. ``excess_t``
sums actual minus baseline over the anticipation months, ``payback_t`` over the post months
(negative when shipments fell below baseline), ``net_t`` is their sum and ``payback_ratio`` is
``-payback_t / excess_t`` (1 means the excess was fully paid back; null unless excess > 0).
The band is ``excess_t`` +/- 1.96 standard errors from the spread of the method's relative
residuals over the estimation months. Placebos re-run the method on the same calendar window
shifted back by whole years; ``placebo_share`` is the share of them whose excess is at least the
real one (a small share means the real excess is unusual for that time of year).
"""

from reanalysis.frontloading.baselines import METHODS, OK
from reanalysis.frontloading.estimate import FrontLoading, describe, front_loading, rounded
from reanalysis.frontloading.inference import SUMMARY_SCHEMA, TABLE_SCHEMA
from reanalysis.frontloading.study import event_study
from reanalysis.frontloading.windows import Dates, windows

__all__ = [
    "METHODS", "OK", "SUMMARY_SCHEMA", "TABLE_SCHEMA", "Dates", "FrontLoading", "describe",
    "event_study", "front_loading", "rounded", "windows",
]  # fmt: skip
