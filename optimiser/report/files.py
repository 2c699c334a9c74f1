"""The files of a solved plan; the writing itself (whole or not at all) is :mod:`optimiser.files`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..files import (
    CSV_ENCODINGS,
    FORMULA_START,
    STAGING_PREFIX,
    STALE_AFTER,
    Writer,
    _host_tag,
    clean_stale_staging,
    csv_text,
    csv_writer,
    formula_like,
    json_writer,
    neutralise,
    output_target,
    safe_frame,
    set_csv_encoding,
    unguard,
    workbook_writer,
    write_all,
    write_atomic,
    write_csv,
    yaml_writer,
)

if TYPE_CHECKING:
    from ..results import Result

__all__ = [
    "CSV_ENCODINGS",
    "FORMULA_START",
    "STAGING_PREFIX",
    "STALE_AFTER",
    "Writer",
    "_host_tag",
    "clean_stale_staging",
    "csv_text",
    "csv_writer",
    "formula_like",
    "json_writer",
    "neutralise",
    "output_target",
    "safe_frame",
    "set_csv_encoding",
    "unguard",
    "workbook_writer",
    "write_all",
    "write_atomic",
    "write_csv",
    "yaml_writer",
    "result_files",
]


def result_files(result: Result) -> dict[str, Writer]:
    """The files ``solve --out`` writes."""
    constraints = result.constraints.drop(columns=["kind"], errors="ignore")
    return {
        "summary.json": json_writer(result.to_dict()),
        "plan.csv": csv_writer(result.plan),
        "funding.csv": csv_writer(result.funding),
        "outputs.csv": csv_writer(result.outputs),
        "constraints.csv": csv_writer(constraints),
        "bottlenecks.csv": csv_writer(result.bottlenecks),
        "teachers.csv": csv_writer(result.teachers),
        "commitments.csv": csv_writer(result.commitments),
        "config.resolved.yaml": yaml_writer(result.config.raw if result.config is not None else {}),
    }
