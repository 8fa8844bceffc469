"""Front-loading: did shipments rise before a control took effect, and fall back after?

For one series, each month is put in a window:

- ``estimation``: months wholly before the anticipation start (the rumour date when given,
  else the announcement). Baselines are fitted on these only.
- ``excluded``: estimation months disturbed by an earlier measure concerning the same
  commodity (from the licence events): from the month it took effect (or was announced, when
  no effective date is recorded) through ``post_months`` months. Not used for estimation.
- ``anticipation``: from the anticipation start to the effective date (or the suspension date
  when the control was suspended before taking effect).
- ``post``: the ``post_months`` calendar months from the month holding the effective date;
  ``later`` beyond them.
- ``after_suspension``: a control suspended before taking effect has no post window.

The **event window** is one fixed set of months: from the month holding the anticipation start
through the post window. A month holding days on both sides of the effective (or suspension)
date goes where ``straddle`` says: ``majority`` (the window holding most of its days, ties to
the later), ``anticipation``, ``post``, ``split`` (its gap divided between the two by days, a
bound, since front-loading is not spread evenly over a month) or ``drop`` (in no window). No
month holding a day on or after the anticipation start is ever used for estimation.

Baselines (what would have been shipped without the control), side by side:

- ``seasonal_naive``: the same span a year earlier, scaled by the trailing growth of the last
  12 estimation months against the same months a year before (drift);
- ``regression``: log(tonnes) on a linear trend and month-of-year dummies, fitted on the
  estimation months (single months, positive values), with log-normal smearing;
- ``pre_mean``: the mean monthly tonnage of the last 12 estimation months (one month suffices);
- ``diff_in_diff`` (with ``controls``): the treated series' mean log level over the last 12
  estimation months, moved month by month as the controls' mean log level moves against their
  own. The only method that separates the control from a market-wide swing; it assumes the
  controls were untouched by the control and would have moved as the treated series did.

A method without enough history says so in ``status`` rather than falling back. ``excess_t``
sums actual minus baseline over the anticipation months, ``payback_t`` over the post months
(negative when shipments fell below baseline), ``net_t`` is their sum: the sum over the event
window, the same for every straddle choice but ``drop`` (for a suspended control it is the
excess, and moves with it). ``payback_ratio`` is ``-payback_t / excess_t`` (null unless
excess > 0). ``result.sensitivity`` has all three for every method and straddle choice.

Bands are prediction intervals at ``level`` (default 95%) from the t distribution with the
fit's residual degrees of freedom: the months' own noise plus the uncertainty of the fitted
parameters (the variance of the mean, the drift, or the regression's coefficients, carried to
tonnes by the delta method). They assume residuals independent from month to month. With fewer
than 3 estimation observations a method gives its point estimate with null bands and says why
in ``band_note``. ``band_low_t``/``band_high_t`` are the excess band under their first names.

Placebos move the control's whole calendar back 1, 2, ... months (12, 24, ... are the
whole-year shifts) wherever its event window falls wholly on estimation months, and re-run the
method on the months before the real control; ``placebo_share`` is the share of them whose
excess is at least the real one.
"""

from reanalysis.frontloading.baselines import METHODS, OK
from reanalysis.frontloading.controls import select_controls
from reanalysis.frontloading.estimate import FrontLoading, front_loading
from reanalysis.frontloading.inference import SENSITIVITY_SCHEMA, SUMMARY_SCHEMA, TABLE_SCHEMA
from reanalysis.frontloading.reading import describe, rounded, straddle_effect, verdict
from reanalysis.frontloading.study import event_study
from reanalysis.frontloading.windows import STRADDLES, Dates, windows

__all__ = [
    "METHODS", "OK", "SENSITIVITY_SCHEMA", "STRADDLES", "SUMMARY_SCHEMA", "TABLE_SCHEMA", "Dates",
    "FrontLoading", "describe", "event_study", "front_loading", "rounded", "select_controls",
    "straddle_effect", "verdict", "windows",
]  # fmt: skip
