"""``optimiser init [DIR]``: a commented config for a new province and an institutions CSV template.

The config explains every key it holds with the meaning declared once in
:mod:`optimiser.config.schema`; the figures are placeholders of the right
size (from the Zhejiang example) for the planner to replace. As written, the
two files validate and solve, so a planner starts from a working plan and
changes one figure at a time.
"""

from __future__ import annotations

import argparse
import datetime
import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from ..i18n import _, chinese
from .exits import EXIT_INVALID, EXIT_OK

CONFIG_NAME = "config.yaml"
CSV_NAME = "institutions.csv"
MAX_INSTITUTIONS = 200


def institution_count(text: str) -> int:
    """Rows of the institutions template: 1 to :data:`MAX_INSTITUTIONS`."""
    from .args import _whole

    value = _whole(text)
    if not 1 <= value <= MAX_INSTITUTIONS:
        raise argparse.ArgumentTypeError(_("{text!r}: give from 1 to {most} institutions").format(
            text=text, most=MAX_INSTITUTIONS))
    return value


def register(sub: Any) -> None:
    parser = sub.add_parser("init", help="write a commented config for a new province and an institutions CSV "
                            "template that validate and solve as written")
    parser.add_argument("dir", nargs="?", type=Path, default=Path("."),
                        help="the folder to write config.yaml and institutions.csv into (default: here)")
    parser.add_argument("--institutions", type=institution_count, default=3, metavar="N",
                        help=f"rows in the institutions template (default: 3, at most {MAX_INSTITUTIONS})")
    parser.add_argument("--force", action="store_true", help="replace config.yaml and institutions.csv if there")
    parser.set_defaults(run=run_init)


def starter(start: int) -> dict[str, Any]:
    """The config a new province starts from (institutions come from the CSV)."""
    return {
        "name": _("New province CBEC talent plan"),
        "horizon": {"start": start, "years": 5},
        "discount_rate": 0.0,
        "objective": {"mode": "max_output", "tie_break": True, "smooth": True},
        "courses": {"knowledge": {"class_size": 45}, "practice": {"class_size": 30}, "training": {"class_size": 20}},
        "tiers": {
            "basic": {"duration": 3, "hours": {"knowledge": 210, "practice": 145, "training": 120},
                      "completion_rate": 0.9, "weight": 1.0},
            "professional": {"duration": 4, "hours": {"knowledge": 290, "practice": 112, "training": 80},
                             "completion_rate": 0.93, "weight": 1.2},
        },
        "teacher_groups": {
            "three_no": {"qualified": [], "hours": 360, "attrition": 0.04, "replaced_by": "academic"},
            "academic": {"qualified": ["knowledge"], "hours": 360, "attrition": 0.04, "replaced_by": "academic"},
            "double_qualified": {"qualified": ["knowledge", "practice", "training"], "hours": 360, "attrition": 0.04,
                                 "replaced_by": "academic"},
            "enterprise_lecturer": {"qualified": ["practice", "training"], "hours": 120, "external": True},
        },
        "levers": {
            "enterprise_lecturers": {"kind": "hire", "group": "enterprise_lecturer", "cost": 18000},
            "secondments": {"kind": "convert", "from": "academic", "to": "double_qualified", "cost": 10000,
                            "away": 0.5, "lifetime": 5, "max_share_per_year": 0.1},
            "retraining": {"kind": "convert", "from": "three_no", "to": "academic", "cost": 9000, "away": 0.1,
                           "max_share_per_year": 0.08},
            "training_bases": {"kind": "build", "seats_per_unit": 1, "seat_hours": 1200, "capex": 20000,
                               "opex": 3000, "lifetime": 10, "delay": 1},
            "tuition_subsidies": {"kind": "subsidise", "tiers": ["basic", "professional"], "cost": 2000,
                                  "induced_intake": 0.25},
        },
        "policies": {"max_external_ratio": 0.25},
        "funding": {
            "government": {"per_year": 5000000, "funds": "all"},
            "enterprises": {"per_year": 1000000, "funds": ["enterprise_lecturers", "secondments", "training_bases"]},
        },
        "institutions": {"file": CSV_NAME},
        "scenarios": {
            "more_government": {"description": _("government funding raised by half"),
                                "set": {"funding.government.per_year": 7500000}},
        },
    }


def institutions_csv(count: int) -> str:
    """The CSV template: one row per institution, the columns the config's groups and tiers need."""
    header = ["name", "tiers", "teachers.three_no", "teachers.academic", "teachers.double_qualified",
              "intake.basic", "intake.professional", "max_intake.basic", "max_intake.professional", "training_seats"]
    rows = []
    for n in range(1, count + 1):
        name = _("Institution {number}").format(number=n)
        rows.append([name, "basic;professional", "20", "40", "30", "600", "120", "750", "180", "100"])
    return "".join(",".join(row) + "\n" for row in [header, *rows])


def csv_columns_comment() -> list[str]:
    """What each column of the institutions CSV holds, from the schema's institution keys."""
    from ..config import schema

    lines = [_("The columns of {csv} (a dotted column fills a mapping: teachers.academic):").format(csv=CSV_NAME)]
    for key in schema.INSTITUTION.keys:
        column = {"teachers": "teachers.<group>", "intake": "intake.<tier>", "max_intake": "max_intake.<tier>",
                  "policies": "policies.<policy>", "tiers": _("tiers (separated by ;)")}.get(key.name, key.name)
        wrapped = textwrap.wrap(_plain(_(key.meaning)), width=35 if chinese() else 70)
        lines.append(f"  {column:<24}{wrapped[0] if wrapped else ''}")
        lines.extend(f"  {'':<24}{more}" for more in wrapped[1:])
    return lines


def _plain(text: str) -> str:
    """A schema meaning as a comment: Markdown backticks removed."""
    return re.sub(r"`([^`]*)`", r"\1", text)


def _scalar(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True).strip().removesuffix("...").strip()


def commented_yaml(data: dict[str, Any], section: Any, indent: int = 0) -> list[str]:
    """``data`` as YAML, each key with its meaning from ``section`` (a schema Section) as a comment above it."""
    pad = "  " * indent
    lines: list[str] = []
    for name, value in data.items():
        key = section[name] if section is not None and name in section.names else None
        lines.extend(_key_comment(name, key, indent))
        if isinstance(value, dict) and value:
            lines.append(f"{pad}{name}:")
            lines.extend(_mapping_body(name, value, key, indent))
        else:
            lines.append(f"{pad}{name}: {_scalar(value)}")
        if indent == 0:
            lines.append("")
    return lines


def _key_comment(name: str, key: Any, indent: int) -> list[str]:
    """The comment above a key: its meaning (wrapped), and for the institutions the CSV's columns."""
    pad = "  " * indent
    lines: list[str] = []
    if key is not None and (key.meaning or key.what):
        width = max(40, 100 - len(pad)) // (2 if chinese() else 1)
        lines.extend(f"{pad}# {line}" for line in textwrap.wrap(_plain(_(key.meaning)), width=width))
    if name == "institutions" and indent == 0:
        lines.extend(f"{pad}# {line}" for line in csv_columns_comment())
    return lines


def _mapping_body(name: str, value: dict[Any, Any], key: Any, indent: int) -> list[str]:
    """The lines under a key that holds a mapping: named entries, a section, or plain ``key: value`` pairs."""
    pad = "  " * indent
    if key is not None and key.type == "named":
        lines: list[str] = []
        for item, body in value.items():
            lines.append(f"{pad}  {item}:")
            lines.extend(commented_yaml(body, key.of, indent + 2))
        return lines
    if key is not None and key.type == "section":
        return commented_yaml(value, key.of, indent + 1)
    if name == "institutions":
        return commented_yaml(value, None, indent + 1)
    return [f"{pad}  {_scalar(k)}: {_scalar(v)}" for k, v in value.items()]


def config_text(start: int, institutions: int) -> str:
    from ..config import schema

    head = [
        _("# A config for a new province, written by `optimiser init`."),
        _("# Every figure is a placeholder of the right size: replace it with your province's own."),
        _("# Check it with `optimiser validate {config}`, solve it with `optimiser solve {config}`.").format(
            config=CONFIG_NAME),
        _("# The institutions ({count}) are in {csv}: one row each, numbers may be written 2,088 or 25%.").format(
            count=institutions, csv=CSV_NAME),
        _("# Each key below says what it means; `optimiser schema` prints the full reference."),
        "",
    ]
    return "\n".join(head + commented_yaml(starter(start), schema.TOP)).rstrip() + "\n"


def run_init(args: argparse.Namespace) -> int:
    import sys

    from ..files import write_each

    folder: Path = args.dir
    targets = [folder / CONFIG_NAME, folder / CSV_NAME]
    there = [str(path) for path in targets if path.exists()]
    if there and not args.force:
        print(_("optimiser init: {files} already there; nothing written (--force replaces them)").format(
            files=", ".join(there)), file=sys.stderr)
        return EXIT_INVALID
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime.date.today().year + 1
    config = config_text(start, args.institutions)
    table = institutions_csv(args.institutions)
    def writer(text: str, encoding: str) -> Callable[[Path], None]:
        def write(path: Path) -> None:
            path.write_text(text, encoding=encoding)

        return write

    # Both or neither; the CSV with a byte-order mark, as the other CSV files written here: Excel shows Chinese names.
    write_each([(targets[0], writer(config, "utf-8")), (targets[1], writer(table, "utf-8-sig"))])
    for path in targets:
        print(_("wrote {path}").format(path=path))
    print(_("next: optimiser validate {config}, then optimiser solve {config}").format(config=targets[0]))
    return EXIT_OK
