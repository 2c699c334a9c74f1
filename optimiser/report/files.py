"""Write result files whole or not at all."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

if TYPE_CHECKING:
    from ..results import Result

Writer = Callable[[Path], None]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Keep a name from being read as a formula by spreadsheet software."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot start a spreadsheet formula."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out


def write_all(directory: Path, files: dict[str, Writer]) -> list[Path]:
    """Write every file into ``directory``, each atomically.

    All files are first written into a staging folder next to the target, so
    a failure part-way leaves no half-written file and no earlier result
    overwritten by a partial one; then each file is moved into place.
    """
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=directory))
    try:
        for name, writer in files.items():
            writer(staging / name)
        written = []
        for name in files:
            os.replace(staging / name, directory / name)
            written.append(directory / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, writer: Writer) -> Path:
    """Write one file atomically (to a temporary name, then renamed).

    The file gets the permissions a plainly created file would (the
    temporary file starts private, readable by its owner only).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        writer(Path(temp))
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def csv_writer(frame: pd.DataFrame) -> Writer:
    return lambda path: safe_frame(frame).to_csv(path, index=False)


def json_writer(data: Any) -> Writer:
    def write(path: Path) -> None:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")

    return write


def yaml_writer(data: Any) -> Writer:
    def write(path: Path) -> None:
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")

    return write


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
