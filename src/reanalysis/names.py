"""Names beside codes: HS codes get their commodity name, partners one canonical English name.

- ``commodity_name``: UN Comtrade's description of an HS code, from the shipped table
  ``data/raw/reference/hs_codes.csv`` (the codes that matter for critical-mineral export
  controls, each with its source). A code that is not in the table keeps its code as its name;
  a commodity that is already a name (``rare earths``) keeps its name.
- ``partner``: one canonical English name per country, so ``USA``, ``United States`` and
  ``United States of America`` are one partner; ``partner_iso3``: its ISO 3166 alpha-3 code.
  Both come from ``pycountry`` (the ISO 3166 tables, maintained with the standard): the name is
  the country's common name where ISO gives one (``South Korea``, ``Taiwan``), else its ISO
  short name (``United States``, ``Hong Kong``). ``World``, the European Union and Comtrade's
  areas (``Other Asia, nes``) are not countries: they keep their name and get no code.
  ``country_converter`` reads Comtrade's spellings (``Rep. of Korea``) too, but does not start
  under pandas 3 (its table loads ``NA``, Namibia, as a missing value); Comtrade+ files carry
  the ISO code beside the name (``partnerISO``), and that is what the Comtrade+ reader uses.

>>> canonical_partner("USA"), canonical_partner("United States of America")
(('United States', 'USA'), ('United States', 'USA'))
>>> canonical_partner("Rep. of Korea", "KOR"), canonical_partner("Other Asia, nes", "S19")
(('South Korea', 'KOR'), ('Other Asia, nes', None))
"""

import functools

import polars as pl
import pycountry

from reanalysis import paths

HS_SCHEMA = pl.Schema(
    {"hs_code": pl.String, "hs_level": pl.Int8, "commodity_name": pl.String,
     "mineral": pl.String, "source_url": pl.String}
)  # fmt: skip


def distinct(column: pl.Series) -> list:
    """The distinct values of ``column`` but null, as text, in order of first occurrence
    (gathered from the rows where each first occurs: ``unique`` costs twice as much on 10M
    rows of a categorical column).

    >>> distinct(pl.Series(["b", None, "a", "b"], dtype=pl.Categorical))
    ['b', 'a']
    """
    return column.gather(column.arg_unique()).drop_nulls().cast(pl.String).to_list()


@functools.cache
def hs_codes() -> pl.DataFrame:
    """The shipped HS code table (``HS_SCHEMA``), one row per code."""
    return pl.read_csv(paths.HS_CODES_FILE, schema=HS_SCHEMA)


@functools.cache
def iso3_names() -> dict[str, str]:
    """ISO 3166 alpha-3 code -> canonical English name, for every country ISO lists."""
    return {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}


@functools.cache
def _name_codes() -> dict[str, str]:
    return {name: code for code, name in iso3_names().items()}


def canonical_partner(name: str, iso3: str | None = None) -> tuple[str, str | None]:
    """``(canonical name, ISO alpha-3 or None)`` of a partner given by ``name`` and, where the
    source has one, its ``iso3`` code (which wins over the name)."""
    if iso3 in iso3_names():
        return iso3_names()[iso3], iso3
    try:
        country = pycountry.countries.lookup(name.strip())
    except LookupError:
        return name, None
    return iso3_names()[country.alpha_3], country.alpha_3


def canonical_partners(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with each ``partner`` replaced by its canonical name (see the module docstring).

    Works on the distinct names only; a frame whose names are all canonical comes back as is.

    >>> f = pl.DataFrame({"partner": ["USA", "United States", "World"]})
    >>> canonical_partners(f)["partner"].to_list()
    ['United States', 'United States', 'World']
    """
    renamed = {n: canonical_partner(n)[0] for n in distinct(frame["partner"])}
    renamed = {old: new for old, new in renamed.items() if old != new}
    if not renamed:
        return frame
    return frame.with_columns(pl.col("partner").replace(renamed))  # categorical stays so


def add_names(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with ``commodity_name`` (the dtype of ``commodity``) and ``partner_iso3``
    (categorical) added, from its ``commodity`` and (canonical) ``partner`` columns.

    ``commodity_name`` is the table's name of an HS code, else the commodity itself;
    ``partner_iso3`` is the ISO code of a canonical country name, else null.

    >>> f = pl.DataFrame({"commodity": ["850511", "999999", "rare earths"],
    ...                   "partner": ["United States", "World", "South Korea"]})
    >>> add_names(f).rows()  # doctest: +NORMALIZE_WHITESPACE
    [('850511', 'United States', 'Magnets; permanent magnets and articles intended to become
      permanent magnets after magnetisation, of metal', 'USA'),
     ('999999', 'World', '999999', None), ('rare earths', 'South Korea', 'rare earths', 'KOR')]
    """
    table = dict(hs_codes().select("hs_code", "commodity_name").iter_rows())
    named = {c: table[c] for c in distinct(frame["commodity"]) if c in table}
    coded = {p: _name_codes().get(p) for p in distinct(frame["partner"])}
    # replaced on the categorical codes: a cast to text first costs seconds at 10M rows
    commodity = pl.col("commodity").cast(frame.schema["commodity"])
    return frame.with_columns(
        commodity_name=commodity.replace(named),
        partner_iso3=pl.col("partner").replace_strict(coded, return_dtype=pl.Categorical()),
    )
