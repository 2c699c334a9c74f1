"""Load a config file, read institutions from CSV, apply scenarios and changes."""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Mapping
from dataclasses import replace
from os import PathLike
from pathlib import Path
from typing import Any

from ..errors import PROBLEMS_SHOWN, ConfigError, Problem
from ..i18n import N_, _
from ..i18n.inputs import UndecodableInput, decode_input, is_percent, is_total_label, parse_number, parse_share
from ..scalars import plain
from .checker import KeyPath, Locations, choices, dotted
from .types import Config
from .validate import TOP_KEYS, build_config
from .yamlsource import InputRefused, read_input, read_yaml


def load_config(path: str | PathLike[str], scenario: str | None = None) -> Config:
    """Read, validate and return the config in ``path``, with ``scenario`` applied.

    Raises :class:`~optimiser.ConfigError` listing every problem found, each
    with file, line and key path.

    >>> from optimiser import load_config
    >>> config = load_config("configs/zhejiang.yaml")
    >>> config.horizon.start
    2025
    """
    if not isinstance(path, (str, PathLike)):
        raise TypeError(_("load_config takes the path of a YAML config file (str or Path), got {kind}").format(
            kind=type(path).__name__))
    path = Path(path)
    notes: list[str] = []
    problems: list[Problem] = []
    raw, lines = read_yaml(path)
    locations: Locations = {key: (str(path), line) for key, line in lines.items()}
    if isinstance(raw, dict) and isinstance(raw.get("institutions"), dict):
        raw = dict(raw)
        raw["institutions"] = _institutions_from_file(raw["institutions"], path, locations, notes, problems)
    config = build_config(raw, locations, str(path), problems=problems)
    if notes:
        config = replace(config, warnings=(*notes, *config.warnings))
    return apply_scenario(config, scenario) if scenario else config


def as_config(config: Config | str | PathLike[str], function: str, argument: str = "config") -> Config:
    """``config`` itself if it is a :class:`Config`, else the config file at that path (str or Path), loaded.

    Every entry point that takes a config takes it through here, so each takes a Config or a path alike and
    refuses anything else with a :class:`TypeError` naming ``function``, ``argument`` and what to pass.
    """
    if isinstance(config, Config):
        return config
    if isinstance(config, (str, PathLike)):
        return load_config(config)
    raise TypeError(_("{function}: {argument} must be a Config or the path of a config file (str or Path), got "
                      "{kind}; pass load_config(path) or the path itself").format(
        function=function, argument=argument, kind=type(config).__name__))


def locations_of(config: Config) -> Locations:
    """Where each key of ``config`` was written (file and line), when known."""
    return config._locations


def _institutions_from_file(
    spec: dict[str, Any], config_path: Path, locations: Locations, notes: list[str], problems: list[Problem]
) -> Any:
    """The institutions of the CSV file ``spec`` names, as config entries.

    Total rows are left out with a note in ``notes``; a row that cannot be
    read as an institution (more cells than columns) is left out with a
    problem in ``problems``, so validation still reports the other rows'
    problems in the same run.
    """
    where = locations.get(("institutions",), (str(config_path), 0))
    csv_path = _csv_path(spec, config_path, where)
    rows, header = _read_csv(csv_path, where)
    _check_header(header, str(csv_path))
    readable = _without_long_rows(_without_totals(rows, str(csv_path), notes), header, str(csv_path), problems)
    _refuse_junk(readable, str(csv_path))
    institutions: list[dict[str, Any]] = []
    for index, (line, row) in enumerate(readable):
        locations[("institutions", index)] = (str(csv_path), line)
        institutions.append(_institution_record(row, index, (str(csv_path), line), locations))
    return institutions


def _csv_path(spec: dict[str, Any], config_path: Path, where: tuple[str, int]) -> Path:
    """The institutions CSV that ``{file: ...}`` names, relative to the config file; it must exist."""
    extra = set(spec) - {"file"}
    if "file" not in spec or extra or not isinstance(spec.get("file"), str):
        raise ConfigError(
            [Problem("institutions", _("expected a list of institutions or {file: institutions.csv}"), where[0], where[1])]
        )
    csv_path = (config_path.parent / spec["file"]).resolve()
    if not csv_path.exists():
        raise ConfigError(
            [Problem("institutions.file", _("CSV file not found: {path}; the path is relative to the config file").format(
                path=csv_path), *where)]
        )
    return csv_path


def _read_csv(csv_path: Path, where: tuple[str, int]) -> tuple[list[tuple[int, dict[str | None, Any]]], list[str]]:
    """The rows of ``csv_path`` (each with its line number) and its header."""
    try:
        text, _encoding = decode_input(read_input(csv_path, MAX_CSV_BYTES, N_("institutions CSV")), N_("institutions CSV"))
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = []
        for row in reader:
            rows.append((reader.line_num, row))
        header = reader.fieldnames or []
    except InputRefused as err:
        raise ConfigError([Problem("institutions.file", f"{csv_path}: {err.message}", *where)]) from err
    except UndecodableInput as err:
        raise ConfigError([Problem("", err.message, str(csv_path), err.line)]) from err
    except (UnicodeDecodeError, csv.Error) as err:
        raise ConfigError([Problem("institutions.file", _("cannot read {path}: {error}").format(path=csv_path, error=err),
                                   *where)]) from err
    return rows, list(header)


def _check_header(header: list[str], file: str) -> None:
    """Refuse a header that names a column twice or has no ``name`` column."""
    seen: set[str] = set()
    for column in header:
        if column.strip() in seen:
            raise ConfigError([Problem("", _("column {column!r} is given twice in the header; keep one").format(
                column=column.strip()), file, 1)])
        seen.add(column.strip())
    if not any(column.strip() for column in header):
        raise ConfigError([Problem("", _("the file is empty: its first row must name the columns, one of them 'name' "
                                         "(`optimiser init` writes a template)"), file, 1)])
    if "name" not in header:
        raise ConfigError([Problem("", _("the header has no 'name' column (columns: {columns})").format(
            columns=", ".join(header)), file, 1)])


def _institution_record(row: dict[str, Any], index: int, where: tuple[str, int], locations: Locations) -> dict[str, Any]:
    """One CSV row as an institution entry; a dotted column (``policies.x``) fills a nested section."""
    record: dict[str, Any] = {}
    for column, cell in row.items():
        cell = (cell or "").strip()
        if cell == "":
            continue
        parts = column.strip().split(".")
        _section_for(record, parts, column, where[0])[parts[-1]] = _column_value(parts, cell)
        locations[("institutions", index, *parts)] = where
    return record


def _without_long_rows(
    rows: list[tuple[int, dict[str | None, Any]]], header: list[str], file: str, problems: list[Problem]
) -> list[tuple[int, dict[str, Any]]]:
    """The rows with no more cells than the header has columns; each longer row is a problem in ``problems``.

    Its cells cannot be matched to columns (an unquoted comma in a name
    shifts every cell after it), so it is not read further.
    """
    kept = []
    for line, row in rows:
        extra = row.get(None)
        if isinstance(extra, list):
            problems.append(Problem("", _(
                "this row has {cells} cells but the header has {count} columns; a cell holding a comma (such as a name) "
                "must be in double quotes (\"Hangzhou, Xiaoshan\"), or remove the extra cells").format(
                    cells=len(header) + len(extra), count=len(header)), file, line))
        else:
            kept.append((line, {column: cell for column, cell in row.items() if column is not None}))
    return kept


def _section_for(record: dict[str, Any], parts: list[str], column: str, file: str) -> dict[str, Any]:
    """The (created) section of ``record`` that holds the column ``parts``."""
    target = record
    for part in parts[:-1]:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            raise ConfigError([Problem("", _("column {column!r} clashes with another column").format(column=column),
                                       file, 1)])
    return target


def _column_value(parts: list[str], cell: str) -> Any:
    """A cell's value: ``tiers`` as a ``;``-separated list, ``name`` as text, any other column as a number."""
    if parts == ["tiers"]:
        return [t.strip() for t in cell.split(";") if t.strip()]
    if parts == ["name"]:
        return cell
    return _cell_value(cell, share=_is_share(parts))


def _refuse_junk(rows: list[tuple[int, dict[str, Any]]], file: str) -> None:
    """Stop at :data:`JUNK_LIMIT` cells that cannot be numbers, before validation lists every one.

    Every column but ``name`` and ``tiers`` holds a number. A file with a few
    wrong cells is left to validation, which says what each cell should be;
    a file with this many is most likely not an institutions table at all.
    """
    problems: list[Problem] = []
    for index, (line, row) in enumerate(rows):
        for column, cell in row.items():
            if column.strip() in ("name", "tiers") or not isinstance(cell, str) or not cell.strip():
                continue
            if isinstance(_cell_value(cell.strip(), share=_is_share(column.strip().split("."))), str):
                shown = cell.strip() if len(cell.strip()) <= 40 else cell.strip()[:40] + "..."
                problems.append(
                    Problem(f"institutions[{index}].{column.strip()}", _("expected a number, got {value!r}").format(value=shown),
                            file, line)
                )
                if len(problems) >= JUNK_LIMIT - 1:
                    raise ConfigError(
                        problems
                        + [Problem("", _("... and more cells that are not numbers; checking stopped here. "
                                         "Fix these first (is this the right file?)"), file, None)]
                    )


MAX_CSV_BYTES = 50 * 1024 * 1024
"""An institutions CSV larger than this is refused unread."""

JUNK_LIMIT = PROBLEMS_SHOWN
"""Problems (cells that cannot be numbers, then a closing note) after which reading an institutions CSV stops."""


def _cell_value(cell: str, share: bool = False) -> Any:
    """A number cell as a number (``2,088`` and ``1 200`` too; ``25%`` in a share column), else the text."""
    number = parse_share(cell) if share else parse_number(cell)
    if number is None:
        return cell
    # A whole number as an int (as YAML reads 54), within the floats' exact range: 1e300 stays a float, so
    # a message shows it as written, not as its 301 digits.
    return int(number) if number.is_integer() and abs(number) < 2**53 and not is_percent(cell) else number


def _is_share(parts: list[str]) -> bool:
    """Whether the column ``parts`` (``policies.min_double_qualified_share``) holds a share or ratio (``25%`` is 0.25)."""
    from . import schema

    section: schema.Section | None = schema.INSTITUTION
    key = None
    for part in parts:
        if section is None or part not in section.names:
            return False
        key = section[part]
        section = key.of
    return key is not None and key.takes_share


def _without_totals(rows: list[tuple[int, dict[Any, Any]]], file: str, notes: list[str]) -> list[tuple[int, dict[Any, Any]]]:
    """The rows but a total row (its name cell says total, 合计 or 总计), each one left out with a note."""
    kept = []
    for line, row in rows:
        name = row.get("name")
        if isinstance(name, str) and is_total_label(name):
            notes.append(_("{file}, line {line}: the row named {name!r} is read as a total and left out").format(
                file=file, line=line, name=name.strip()))
        else:
            kept.append((line, row))
    return kept


def _split(path: str) -> list[str]:
    return [part for part in path.split(".") if part != ""]


def _resolve_parent(raw: Any, parts: list[str]) -> tuple[Any, Any, str | None]:
    """Walk ``parts[:-1]`` in ``raw``; return (parent, key, error)."""
    node = raw
    for depth, part in enumerate(parts[:-1]):
        here = ".".join(parts[:depth]) or _("the top level")
        node, error = _child(node, part, here)
        if error:
            return None, None, error
    last = parts[-1]
    if isinstance(node, list):
        node_index, error = _list_index(node, last, ".".join(parts[:-1]))
        return (node, node_index, error)
    if not isinstance(node, dict):
        return None, None, _("{path} is a single value, not a section with keys").format(path=".".join(parts[:-1]))
    return node, last, None


def _child(node: Any, part: str, here: str) -> tuple[Any, str | None]:
    if isinstance(node, dict):
        if part in node:
            return node[part], None
        key = int(part) if _is_index(part) and int(part) in node else None
        if key is not None:
            return node[key], None
        return None, _("no key {key!r} under {here}; {fix}").format(key=part, here=here,
                                                                    fix=choices(part, [str(k) for k in node], N_("key")))
    if isinstance(node, list):
        index, error = _list_index(node, part, here)
        return (None, error) if error else (node[index], None)
    return None, _("{path} is a single value, not a section with keys").format(path=here)


def _list_index(node: list[Any], part: str, here: str) -> tuple[int, str | None]:
    if _is_index(part) and int(part) < len(node):
        return int(part), None
    names = [item.get("name") for item in node if isinstance(item, dict)]
    if part in names:
        return names.index(part), None
    return 0, _("no entry {entry!r} in {here}; {fix} (or an index 0..{last})").format(
        entry=part, here=here, fix=choices(part, [str(n) for n in names], N_("name")), last=len(node) - 1)


def set_path(raw: dict[str, Any], path: str, value: Any) -> str | None:
    """Set a dotted key path in raw config data; return an error message or None.

    Years in series are written as keys (``policies.min_double_qualified_share.2027``),
    institutions by name or index (``institutions.Research universities.training_seats``).
    A section or key the config leaves out is created (``policies.max_external_ratio``
    in a config without ``policies``); validation then checks it like any other. A
    year key on a single-number series turns it into a step function that changes
    in that year (``funding.government.per_year.2027``).
    """
    return _set(raw, path, value)[1]


def _set(raw: dict[str, Any], path: str, value: Any) -> tuple[KeyPath, str | None]:
    """:func:`set_path`, also returning the keys the value was set under (an institution's index for its name,
    a year as a number): its key path in the validated config."""
    parts = _split(path)
    if not parts:
        return (), _("empty key path")
    if parts[0] not in raw and parts[0] not in TOP_KEYS:
        return (), _("no key {key!r} under {here}; {fix}").format(key=parts[0], here=_("the top level"),
                                                                  fix=choices(parts[0], TOP_KEYS, N_("key")))
    node: Any = raw
    keys: list[Any] = []
    for depth in range(len(parts) - 1):
        node, key, error = _step_into(raw, node, parts, depth)
        if error:
            return (), error
        keys.append(key)
    if not _is_section(node):
        return (), _through_value(parts, len(parts) - 1, node)
    parent, key, error = _resolve_parent(raw, parts)
    if error:
        return (), error
    if isinstance(parent, dict) and isinstance(key, str) and _is_index(key) and key not in parent:
        key = int(key)
    parent[key] = copy.deepcopy(value)
    return (*keys, key), None


def _step_into(raw: dict[str, Any], node: Any, parts: list[str], depth: int) -> tuple[Any, Any, str | None]:
    """The child ``parts[depth]`` of ``node`` on the way to set ``parts``, created when it may be, and the key
    ``node`` holds it under; else an error."""
    if not _is_section(node):
        return None, None, _through_value(parts, depth, node)
    error = _add_missing_section(node, parts, depth)
    if error:
        return None, None, error
    key, error = _key_in(node, parts, depth)
    if error:
        return None, None, error
    child = node[key]
    if depth == len(parts) - 2 and _is_year(parts[-1]) and _is_number(child):
        child = _as_series(raw, child, int(parts[-1]))
        node[key] = child
    return child, key, None


def _add_missing_section(node: Any, parts: list[str], depth: int) -> str | None:
    """Create the section ``parts[depth]`` when a config may leave it out; an error when it may not."""
    part = parts[depth]
    missing = isinstance(node, dict) and part not in node and not (_is_index(part) and int(part) in node)
    if not missing:
        return None
    if depth == 0 or part in OPTIONAL_SECTIONS:
        node[part] = {}
        return None
    here = ".".join(parts[:depth]) or _("the top level")
    return _("no key {key!r} under {here}; {fix}").format(key=part, here=here,
                                                          fix=choices(part, [str(k) for k in node], N_("key")))


def _key_in(node: Any, parts: list[str], depth: int) -> tuple[Any, str | None]:
    """The key or list index under which ``node`` holds ``parts[depth]`` (a year written as digits is an int key)."""
    part = parts[depth]
    if isinstance(node, list):
        return _list_index(node, part, ".".join(parts[:depth]) or _("the top level"))
    return (part if part in node else int(part)), None


def _as_series(raw: dict[str, Any], value: Any, year: int) -> dict[Any, Any]:
    """A single-number series as a step function: ``value`` from the horizon's start, until ``year`` is set."""
    horizon = raw.get("horizon")
    start = horizon.get("start") if isinstance(horizon, dict) else None
    return {start: value} if isinstance(start, int) and start < year else {}


def _through_value(parts: list[str], depth: int, value: Any) -> str:
    """The message for a path that goes on past a single value (``horizon.start.x``)."""
    here = ".".join(parts[:depth])
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "..."
    return (
        _("{here} is a single value ({shown}), not a section with keys, so the path stops being a mapping there; "
          "set {here} itself, or check the spelling of {path}").format(here=here, shown=shown, path=".".join(parts))
    )


def _is_section(node: Any) -> bool:
    return isinstance(node, (dict, list))


def _is_index(part: str) -> bool:
    """``part`` is written with the digits 0-9 only (an index or a year)."""
    return part.isascii() and part.isdigit()


OPTIONAL_SECTIONS = frozenset({"policies", "targets", "max_intake", "teachers", "intake"})
"""Sections a config may leave out and a change may add (top-level ones too)."""


def _is_year(part: str) -> bool:
    return _is_index(part) and int(part) >= 1000


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def get_path(raw: Any, path: str) -> Any:
    """The value at a dotted key path (raises KeyError with a helpful message)."""
    node = raw
    parts = _split(path)
    for depth, part in enumerate(parts):
        node, error = _child(node, part, ".".join(parts[:depth]) or _("the top level"))
        if error:
            raise KeyError(error)
    return node


def apply_changes(config: Config, changes: dict[str, Any], label: str) -> Config:
    """A new config with ``changes`` (dotted path -> value) applied and validated again.

    Numpy numbers in the values are taken as the Python numbers they hold (:func:`~optimiser.scalars.plain`).
    """
    if not isinstance(changes, Mapping):
        raise TypeError(_("{label} takes a dict {{dotted key path: value}}, e.g. {{\"total_budget\": 5e6}}; got {kind}").format(
            label=label or "apply_changes", kind=type(changes).__name__))
    changes = plain(dict(changes))
    raw = copy.deepcopy(config.raw)
    problems: list[Problem] = []
    locations = locations_of(config)
    changed = dict(locations)
    file = str(config.source) if config.source else None
    for path, value in changes.items():
        keys, error = _set(raw, str(path), value)
        if error:
            where = locations.get((*label.split("."), path), (file, None)) if label else (file, None)
            problems.append(Problem(f"{label}.{path}" if label else str(path), error, *where))
        elif label:
            _written_at_change(changed, keys, (*label.split("."), path))
    if problems:
        raise ConfigError(problems)
    try:
        return build_config(raw, changed, file, scenario_name=config.scenario_name, check_scenarios=False)
    except ConfigError as err:
        raise ConfigError([_relabel(p, label, changes, locations) for p in err.problems]) from err


def _written_at_change(locations: Locations, keys: KeyPath, change: KeyPath) -> None:
    """Where the value set under ``keys`` was written: at the change ``change`` (a scenario's ``set`` entry), when
    the file holds it there, each key inside the value at its own line; the value it replaced was written nowhere."""
    if change not in locations:
        return  # a change made in code (with_changes, a sweep's point): its keys keep the lines they had
    for key in [key for key in locations if key[:len(keys)] == keys]:
        del locations[key]
    for key, where in list(locations.items()):
        if key[:len(change)] == change:
            locations[(*keys, *key[len(change):])] = where


def _relabel(problem: Problem, label: str, changes: dict[str, Any], locations: Locations) -> Problem:
    """Point a problem found after changes at the change that caused it, if any."""
    for path in changes:
        if problem.path.replace("[", ".").replace("]", "").startswith(str(path).split(".")[0]):
            file, line = locations.get(tuple(label.split(".")) + (path,), (problem.file, None))
            message = _("after this change, {path}: {message}").format(path=problem.path, message=problem.message)
            return Problem(f"{label}.{path}" if label else problem.path, message, file, line)
    return problem


def apply_scenario(config: Config, name: str) -> Config:
    """The config with scenario ``name`` applied; ``base`` means no changes."""
    if name == "base":
        return config
    if name not in config.scenarios:
        valid = ["base", *config.scenarios]
        file = str(config.source) if config.source else None
        raise ConfigError([Problem("scenarios", _("no scenario {name!r}; {fix}").format(
            name=name, fix=choices(name, valid, N_("scenario"))), file, None)])
    scenario = config.scenarios[name]
    changed = apply_changes(config, scenario.changes, label=f"scenarios.{name}.set")
    # A warning the config without the scenario does not have comes from the scenario: it says so.
    warnings = tuple(warning if warning in config.warnings else _("in scenario {name}: {warning}").format(
        name=name, warning=warning) for warning in changed.warnings)
    return replace(changed, scenario_name=name, warnings=warnings)


def scenario_problems(config: Config) -> list[Problem]:
    """Problems in any scenario of ``config`` (each applied and validated)."""
    problems: list[Problem] = []
    for name in config.scenarios:
        try:
            apply_scenario(config, name)
        except ConfigError as err:
            problems.extend(err.problems)
    return problems


def file_warnings(config: Config) -> list[str]:
    """The warnings of the file ``config`` was read from: the config's own, then those each of its scenarios
    adds (each naming its scenario), each once.

    >>> from optimiser import load_config
    >>> file_warnings(load_config("configs/zhejiang.yaml"))
    []
    """
    found = list(dict.fromkeys(config.warnings))
    for name in config.scenarios:
        found += [warning for warning in apply_scenario(config, name).warnings if warning not in found]
    return found


__all__ = [
    "KeyPath", "apply_changes", "apply_scenario", "dotted", "file_warnings", "get_path", "load_config", "set_path",
]
