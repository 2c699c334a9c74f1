"""The linear programme: variables, constraints (named as in docs/model.md), objective."""

from .build import Model, PlanKey, build_model, collector_paused
from .rows import RowInfo

__all__ = ["Model", "PlanKey", "RowInfo", "build_model", "collector_paused"]
