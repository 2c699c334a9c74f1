"""The linear programme: variables, constraints (named as in MODEL.md), objective."""

from .build import Model, build_model
from .rows import RowInfo

__all__ = ["Model", "RowInfo", "build_model"]
