"""The installed package's version (``optimiser.__version__``, ``optimiser --version``, ``version`` in summaries)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("optimiser")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"
