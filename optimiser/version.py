"""The package's version: ``optimiser.__version__``, ``optimiser --version`` and ``version`` in summaries.

Declared here once; ``pyproject.toml`` reads it (``[tool.setuptools.dynamic]``), so the
installed metadata says the same and reading it costs no ``importlib.metadata``.
"""

__version__ = "0.1.0"
