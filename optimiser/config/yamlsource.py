"""Read YAML safely and remember the line of every key.

Only YAML's standard tags are accepted: a ``!!python/...`` tag is reported as
an error and never constructed. The result is plain Python data plus a table
from key path (a tuple of keys and list indices) to the 1-based line it was
written on, so later checks can point at the line of the value they reject.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError, Problem

KeyPath = tuple[Any, ...]
LineTable = dict[KeyPath, int]


class _Loader(yaml.SafeLoader):
    """SafeLoader whose scalars are built without touching unknown tags."""


def _construct(node: yaml.Node, loader: _Loader, path: KeyPath, lines: LineTable, name: str) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
        raise _problem(name, node, _tag_message(node.tag))
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, loader, path + ("<key>",), {}, name)
            if isinstance(key, (dict, list)):
                raise _problem(name, key_node, "a mapping key must be a plain value")
            if key in result:
                raise _problem(name, key_node, f"key {key!r} is given twice in the same mapping")
            lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _construct(value_node, loader, path + (key,), lines, name)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, loader, path + (index,), lines, name) for index, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as err:
        raise _problem(name, node, _tag_message(node.tag)) from err


_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


def _tag_message(tag: str) -> str:
    return f"the tag {tag!r} is not allowed; write plain values (numbers, strings, lists, mappings)"


def _problem(name: str, node: yaml.Node, message: str) -> ConfigError:
    return ConfigError([Problem(path="", message=message, file=name, line=node.start_mark.line + 1)])


def parse_yaml(text: str, name: str) -> tuple[Any, LineTable]:
    """Parse YAML text; return the data and the line of every key path.

    Raises :class:`ConfigError` for a syntax error or a disallowed tag, naming
    the line.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: LineTable = {}
        return _construct(node, loader, (), lines, name), lines
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        reason = err.problem or str(err)
        raise ConfigError([Problem(path="", message=f"YAML syntax error: {reason}", file=name, line=line)]) from err
    finally:
        loader.dispose()


def read_yaml(path: Path) -> tuple[Any, LineTable]:
    """Read a YAML file; a missing or unreadable file is a :class:`ConfigError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise ConfigError([Problem(path="", message="file not found; check the path", file=str(path))]) from err
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError([Problem(path="", message=f"cannot read the file ({err})", file=str(path))]) from err
    return parse_yaml(text, str(path))
