"""The config schema, declared once, agrees with the validator, the README and the JSON Schema.

The validator's accepted keys are read from its own messages (an unknown key
is reported with the list of valid keys), not from the schema module, so a
key the validator accepts but the JSON Schema lacks, or the other way round,
fails here.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from optimiser import ConfigError
from optimiser.cli import main
from optimiser.config import schema, types
from optimiser.config.validate import build_config

from ..conftest import CASES, CONFIGS, ROOT

SHIPPED = sorted(CONFIGS.glob("*.yaml")) + sorted(CASES.glob("*.yaml"))
UNKNOWN = "zzz_not_a_key"


def as_json(value: Any) -> Any:
    """YAML data as an editor's language server hands it to the JSON Schema (keys as text)."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    document = schema.json_schema()
    jsonschema.Draft202012Validator.check_schema(document)
    return jsonschema.Draft202012Validator(document)


def errors(validator: jsonschema.Draft202012Validator, raw: Any) -> list[str]:
    return [error.message for error in validator.iter_errors(as_json(raw))]


def small() -> dict[str, Any]:
    raw = yaml.safe_load((CASES / "small.yaml").read_text(encoding="utf-8"))
    raw["scenarios"] = {"lean": {"description": "less money", "set": {"funding.government.per_year": 1}}}
    raw["uncertainty"] = {"levers.secondments.cost": {"dist": "uniform", "low": 50000, "high": 60000}}
    return raw


# -- the JSON Schema --------------------------------------------------------

def test_schema_command_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(printed)
    assert printed == schema.json_schema()


def test_the_package_ships_the_schema_the_command_prints(capsys: pytest.CaptureFixture[str]) -> None:
    shipped = schema.schema_path()
    assert shipped.parent == ROOT / "optimiser" / "config"
    assert shipped.read_text(encoding="utf-8") == schema.schema_text(), (
        "optimiser/config/config.schema.json is stale: run python scripts/readme_reference.py")
    assert main(["schema", "--path"]) == 0
    assert capsys.readouterr().out == f"{shipped}\n"
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == shipped.read_text(encoding="utf-8")


SCHEMA_LINE = re.compile(r"# yaml-language-server: \$schema=(\S+)$")


@pytest.mark.parametrize("path", sorted(CONFIGS.glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_configs_name_the_shipped_schema_for_editors(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    found = SCHEMA_LINE.match(first)
    assert found, f"{path.name}: first line should be '# yaml-language-server: $schema=...'"
    assert (path.parent / found.group(1)).resolve() == schema.schema_path()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_schema_accepts_every_shipped_config(path: Path, validator: jsonschema.Draft202012Validator) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert errors(validator, raw) == []


def test_shipped_configs_are_found() -> None:
    assert {p.name for p in SHIPPED} >= {"zhejiang.yaml", "institutions_csv.yaml", "small.yaml", "v2_workforce.yaml"}


@pytest.mark.parametrize("where", [
    (), ("horizon",), ("objective",), ("tiers", "basic"), ("tiers", "basic", "hours"), ("teacher_groups", "academic"),
    ("levers", "enterprise_lecturers"), ("levers", "secondments"), ("levers", "training_bases"),
    ("levers", "tuition_subsidies"), ("policies",), ("funding", "government"), ("institutions", 0),
    ("scenarios", "lean"), ("uncertainty", "levers.secondments.cost"),
])
def test_schema_rejects_an_unknown_key(where: tuple[Any, ...], validator: jsonschema.Draft202012Validator) -> None:
    raw = small()
    assert errors(validator, raw) == []
    target = raw
    for part in where:
        target = target[part]
    target[UNKNOWN] = 1
    assert errors(validator, raw), f"{UNKNOWN} accepted at {where}"


@pytest.mark.parametrize(("where", "key", "value"), [
    (("levers", "training_bases"), "group", "academic"),  # a hire lever's key on a build lever
    (("levers", "tuition_subsidies"), "delay", 1),  # subsidies have no delay
    (("levers", "enterprise_lecturers"), "kind", "hier"),
    (("teacher_groups", "academic"), "attrition", 1.0),  # below 1
    (("tiers", "basic"), "completion_rate", 0.0005),  # 0, or from 0.001
    (("tiers", "basic"), "duration", 2.5),  # whole years
    (("courses", "practice"), "class_size", 0.5),  # at least 1
    (("policies",), "max_external_ratio", {"2025": "a lot"}),  # a series of numbers
    (("objective",), "smooth", 1),
    ((), "horizon", {"start": 2025}),  # years required
])
def test_schema_rejects_a_wrong_value(
    where: tuple[Any, ...], key: str, value: Any, validator: jsonschema.Draft202012Validator
) -> None:
    raw = small()
    target = raw
    for part in where:
        target = target[part]
    target[key] = value
    assert errors(validator, raw), f"{where} {key}: {value!r} accepted"


def test_schema_accepts_the_forms_a_config_may_take(validator: jsonschema.Draft202012Validator) -> None:
    raw = small()
    raw["tiers"]["basic"]["completion_rate"] = 0  # 0 is allowed below the further range
    raw["policies"]["max_external_ratio"] = {2025: 0.2, 2028: 0.3}
    raw["objective"]["smooth"] = 0.01
    raw["levers"]["secondments"]["lifetime"] = None  # an empty value: left out
    raw["levers"]["enterprise_lecturers"]["institutions"] = "Institution 0000"
    raw["institutions"] = {"file": "institutions.csv"}
    assert errors(validator, raw) == []


# -- the validator accepts exactly the schema's keys ---------------------------

def properties(document: dict[str, Any], node: dict[str, Any], kind: str | None = None) -> set[str]:
    """The keys a JSON Schema node lists (for a lever, those of ``kind``'s branch)."""
    while "$ref" in node or ("anyOf" in node and "properties" not in node):
        if "$ref" in node:
            node = document["$defs"][node["$ref"].rsplit("/", 1)[1]]
        else:
            node = next(option for option in node["anyOf"] if option.get("type") != "null")
    if "oneOf" in node and "properties" not in node or kind is not None and "oneOf" in node:
        node = next(option for option in node["oneOf"] if option["properties"].get("kind", {}).get("const") == kind
                    or option["properties"].get("dist", {}).get("const") == kind)
    return set(node["properties"])


def schema_node(document: dict[str, Any], where: tuple[Any, ...]) -> dict[str, Any]:
    node: dict[str, Any] = document
    for part in where:
        while "$ref" in node or "anyOf" in node:
            if "$ref" in node:
                node = document["$defs"][node["$ref"].rsplit("/", 1)[1]]
            else:
                node = next(o for o in node["anyOf"] if o.get("type") in ("object", "array") or "$ref" in o)
        if isinstance(part, int):
            node = node["items"]
        elif "properties" in node and part in node["properties"]:
            node = node["properties"][part]
        else:
            node = node["additionalProperties"]
    return node


def accepted_by_validator(where: tuple[Any, ...]) -> set[str]:
    """The keys the validator lists as valid when an unknown key is put at ``where``."""
    raw = small()
    target = raw
    for part in where:
        target = target[part]
    target[UNKNOWN] = 1
    with pytest.raises(ConfigError) as caught:
        build_config(raw, {}, None, check_scenarios=False)
    path = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in (*where, UNKNOWN)).replace(".[", "[")
    found = [p.message for p in caught.value.problems if p.path == path and p.message.startswith("unknown key")]
    assert found, [str(p) for p in caught.value.problems]
    return set(re.sub(r".*valid keys: ", "", found[0]).split(", "))


WHERE = [
    ((), None), (("horizon",), None), (("objective",), None), (("courses",), None), (("courses", "knowledge"), None),
    (("tiers", "basic"), None), (("tiers", "basic", "hours"), None), (("teacher_groups", "academic"), None),
    (("levers", "enterprise_lecturers"), "hire"), (("levers", "secondments"), "convert"),
    (("levers", "training_bases"), "build"), (("levers", "tuition_subsidies"), "subsidise"), (("policies",), None),
    (("funding", "government"), None), (("institutions", 0), None), (("scenarios", "lean"), None),
    (("uncertainty", "levers.secondments.cost"), "uniform"),
]


@pytest.mark.parametrize(("where", "kind"), WHERE, ids=lambda v: ".".join(map(str, v)) if isinstance(v, tuple) else str(v))
def test_schema_and_validator_accept_the_same_keys(where: tuple[Any, ...], kind: str | None) -> None:
    document = schema.json_schema()
    listed = properties(document, schema_node(document, where), kind)
    assert accepted_by_validator(where) == listed


def test_the_key_comparison_sees_a_missing_key() -> None:
    document = schema.json_schema()
    lever = schema_node(document, ("levers", "secondments"))
    listed = properties(document, lever, "convert") - {"away"}
    assert accepted_by_validator(("levers", "secondments")) != listed


# -- defaults, and the README --------------------------------------------------

SECTION_TYPES = [
    (schema.LEVER, types.Lever), (schema.TIER, types.Tier), (schema.GROUP, types.TeacherGroup),
    (schema.INSTITUTION, types.Institution), (schema.OBJECTIVE, types.Objective), (schema.TOP, types.Config),
]


@pytest.mark.parametrize(("section", "cls"), SECTION_TYPES, ids=lambda v: getattr(v, "name", getattr(v, "__name__", "")))
def test_schema_defaults_are_the_dataclass_defaults(section: schema.Section, cls: type) -> None:
    fields = {f.name: f.default for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING}
    compared = 0
    for key in section.keys:
        if key.attribute in fields and key.default is not None and key.name != "smooth":  # smooth: true means 1e-7
            assert key.default == fields[key.attribute], f"{section.name}.{key.name}"
            compared += 1
    assert compared or section is schema.INSTITUTION or section is schema.TOP


def test_every_key_has_a_meaning_and_a_known_type() -> None:
    for section in schema.sections():
        for key in section.keys:
            assert key.type in schema.TYPES, f"{section.name}.{key.name}"
            assert key.meaning.strip(), f"{section.name}.{key.name}"
            assert set(key.kinds) <= set(schema.LEVER_KINDS)
            assert set(key.required_for) <= set(key.kinds)


README = ROOT / "README.md"


def test_readme_reference_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    assert text.count(schema.BEGIN_MARK) == 1 and text.count(schema.END_MARK) == 1
    assert schema.with_reference(text) == text, "README.md is stale: run python scripts/readme_reference.py"


def test_readme_reference_lists_every_key() -> None:
    text = schema.reference_markdown()
    for section in schema.REFERENCE_SECTIONS:
        for key in section.keys:
            assert f"| `{key.name}` |" in text, f"{section.name}.{key.name}"


def test_a_stale_readme_is_noticed() -> None:
    text = README.read_text(encoding="utf-8")
    stale = text.replace("| `name` | required | the plan's name |", "| `name` | optional | the plan's name |")
    assert stale != text
    assert schema.with_reference(stale) != stale


def test_readme_names_the_editor_line() -> None:
    text = README.read_text(encoding="utf-8")
    assert "optimiser schema > optimiser.schema.json" in text
    assert "# yaml-language-server: $schema=optimiser.schema.json" in text

