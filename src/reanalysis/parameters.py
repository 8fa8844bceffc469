"""Report parameters, checked before a kernel starts (used by :mod:`reanalysis.reports`).

A parameter set (``params/<notebook>/<set>.yml``) may only name what the notebook's
``parameters`` cell defines, with a value of the type of its default:

- an unknown name is refused, naming the closest defined name and all of them;
- a YAML error is refused with its file, line and column; so is a name given twice;
- a date written without quotes (YAML reads ``2025-01-01`` as a date) is taken as that month
  for a month parameter (one whose default is written ``"YYYY-MM"``) when it is the first of
  the month, and as the ISO date text (``"2025-04-04"``) for any other text parameter; any
  other unquoted date or time is refused with the quoted text to write instead;
- a month parameter must hold a month written ``YYYY-MM``;
- a value of another type than the default's is refused (a whole number is a number too).

A notebook with a ``data`` parameter reads that file (empty: the shipped data; relative paths
from the repository root, see :func:`reanalysis.paths.data_file`). The file must exist, load,
and hold the series that ``commodity``, ``flow`` and ``partner`` name, where the notebook has
all three; the report header names the file, its hash and its vintage (:class:`DataSource`).
"""

import ast
import datetime as dt
import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from reanalysis import paths
from reanalysis.errors import InputError
from reanalysis.loaders import load_customs
from reanalysis.provenance import raw_digest, read_sidecar, sha256, shipped_vintage, sidecar_path
from reanalysis.series import select_series

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
# Names users reach for that the notebooks call otherwise (checked before spelling).
SYNONYMS = {"country": "partner", "destination": "partner", "market": "partner",
            "product": "commodity", "hs_code": "commodity", "from": "start", "to": "end",
            "file": "data", "path": "data"}  # fmt: skip
TYPES = {str: "text", bool: "true or false", int: "a whole number", float: "a number",
         list: "a list"}  # fmt: skip


class ParameterError(ValueError):
    """A parameter set that cannot run: the message names the file and what to change."""


def defined_parameters(notebook: Path) -> dict[str, object]:
    """Names and default values of the cell tagged ``parameters`` (literal assignments only).

    >>> from reanalysis import paths
    >>> sorted(defined_parameters(paths.NOTEBOOKS / "growth.ipynb"))
    ['commodity', 'data', 'end', 'flow', 'partner', 'start']
    """
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if not cells:
        return {}
    defaults = {}
    for node in ast.parse(cells[0].source).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(target, ast.Name) and node.value is not None:
            defaults[target.id] = ast.literal_eval(node.value)
    return defaults


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe YAML that refuses a name given twice (PyYAML keeps the last one silently)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                mark = key_node.start_mark
                raise yaml.MarkedYAMLError(problem=f"parameter {key!r} is given twice",
                                           problem_mark=mark)  # fmt: skip
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_parameter_set(path: Path) -> dict:
    """The mapping in ``path``; ``ParameterError`` naming the file, line and column if the
    YAML does not parse, and the file if it is not a mapping of names to values."""
    try:
        loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = ": ".join(p for p in (exc.context, exc.problem) if p)
        raise ParameterError(f"{path}{where}: not valid YAML: {problem}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ParameterError(f"{path}: not valid YAML: {exc}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict) or not all(isinstance(k, str) for k in loaded):
        raise ParameterError(f"{path}: expected parameter names with values (name: value), "
                             f"found {type(loaded).__name__}")  # fmt: skip
    return loaded


def closest(name: str, defined: list[str]) -> str:
    """The defined name ``name`` most likely means.

    >>> closest("country", ["commodity", "flow", "partner"]), closest("strat", ["start", "end"])
    ('partner', 'start')
    """
    if SYNONYMS.get(name) in defined:
        return SYNONYMS[name]
    return max(defined, key=lambda d: difflib.SequenceMatcher(None, name, d).ratio())


def check_parameters(values: dict, defaults: dict[str, object], path: Path) -> dict:
    """``values`` as the notebook will get them, or ``ParameterError`` naming ``path``.

    >>> check_parameters({"start": dt.date(2025, 1, 1)}, {"start": "2024-01"}, Path("a.yml"))
    {'start': '2025-01'}
    """
    defined = list(defaults)
    checked = {}
    for name, value in values.items():
        if name not in defaults:
            listing = ", ".join(defined) or "nothing"
            hint = f"; did you mean `{closest(name, defined)}`?" if defined else ""
            raise ParameterError(f"{path}: unknown parameter `{name}`{hint} The notebook "
                                 f"defines: {listing}")  # fmt: skip
        checked[name] = _checked_value(name, value, defaults[name], path)
    return checked


def _checked_value(name: str, value: object, default: object, path: Path) -> object:
    is_month = isinstance(default, str) and MONTH.fullmatch(default) is not None
    if isinstance(value, dt.date):
        value = _from_date(name, value, default, is_month, path)
    if default is None or value is None:
        return value
    kind = next((t for t in TYPES if isinstance(default, t)), type(default))
    fits = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        fits, value = True, float(value)
    if not fits:
        raise ParameterError(f"{path}: parameter `{name}` takes {TYPES.get(kind, kind.__name__)} "
                             f"(default {default!r}), found {value!r}")  # fmt: skip
    if is_month and not MONTH.fullmatch(value):
        raise ParameterError(f"{path}: parameter `{name}` takes a month written YYYY-MM "
                             f'(default "{default}"), found {value!r}')  # fmt: skip
    return value


def _from_date(name: str, value: dt.date, default: object, is_month: bool, path: Path) -> object:
    """An unquoted YAML date or time, as the text it stands for, or refused."""
    if not isinstance(default, str):
        return value  # the type check names the expected type
    if is_month and value.day == 1 and not isinstance(value, dt.datetime):
        return value.strftime("%Y-%m")
    if not is_month and not isinstance(value, dt.datetime):
        return value.isoformat()
    quoted = value.strftime("%Y-%m") if is_month else value.date().isoformat()
    raise ParameterError(f'{path}: parameter `{name}` is an unquoted date ({value}); quote it: '
                         f'"{quoted}"')  # fmt: skip


SERIES_PARAMETERS = ("commodity", "flow", "partner")


@dataclass(frozen=True)
class DataSource:
    """The data a report reads: named in its header, its hash part of the report's stamp."""

    file: str
    sha256: str
    vintage: str

    def __str__(self) -> str:
        return f"{self.file} (sha256 {self.sha256[:12]}); {self.vintage}"


def check_data(values: dict, defaults: dict[str, object], where: str) -> DataSource | None:
    """The data a parameter set reads, checked: ``None`` for a notebook without ``data``,
    else a :class:`DataSource`, or ``ParameterError`` naming ``where`` (the parameter set),
    the file, the series and the series the file holds."""
    if "data" not in defaults:
        return None
    given = {**defaults, **values}
    file = paths.data_file(given["data"])
    if file is not None and not file.is_file():
        raise ParameterError(f"{where}: data file {given['data']!r} not found (looked for {file}; "
                             f"relative paths are read from the repository root)")  # fmt: skip
    shown = str(file) if file is not None else "the shipped data"
    try:
        customs = _customs(file, *_stat(file))
    except InputError as exc:
        raise ParameterError(f"{where}: data file {shown}: {exc}") from None
    if all(k in defaults for k in SERIES_PARAMETERS):
        try:
            select_series(customs, **{k: given[k] for k in SERIES_PARAMETERS})
        except KeyError as exc:
            raise ParameterError(f"{where}: data file {shown}: {exc.args[0]}") from None
    return _source(file, *_stat(file))


def _stat(file: Path | None) -> tuple:
    """What makes a cached read of ``file`` stale: its size and modification time."""
    if file is None:
        return ()
    st = file.stat()
    return (st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _customs(file: Path | None, *stat):
    return load_customs(file)


@functools.lru_cache(maxsize=8)
def _source(file: Path | None, *stat) -> DataSource:
    if file is None:
        return DataSource("the shipped data (data/raw/)", raw_digest(), shipped_vintage())
    latest = _customs(file, *stat)["period"].max()
    parts = [f"latest month {latest:%Y-%m}" if latest else "no months"]
    if sidecar_path(file).exists():
        parts.append(f"accessed {read_sidecar(file)['access_date']}")
    modified = dt.datetime.fromtimestamp(file.stat().st_mtime, dt.UTC)
    parts.append(f"file modified {modified:%Y-%m-%d %H:%M} UTC")
    return DataSource(str(file), sha256(file), ", ".join(parts))
