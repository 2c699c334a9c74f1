"""Argument types shared by the commands: argparse reports a bad value as a usage error (exit 2)."""

from __future__ import annotations

import argparse
import math
from pathlib import Path


def output_path(text: str) -> Path:
    """A file or folder to write: not empty (an empty path would mean the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path; give a file or folder name")
    return Path(text)


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from err
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a positive number of seconds")
    return value


def seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from err
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: a seed is a whole number from 0 up")
    return value
