"""Config: YAML in, validated frozen objects out."""

from .load import apply_changes, apply_scenario, get_path, load_config, set_path
from .types import COURSES, Config, Institution, Lever, Series, TeacherGroup, Tier

__all__ = [
    "COURSES", "Config", "Institution", "Lever", "Series", "TeacherGroup", "Tier",
    "apply_changes", "apply_scenario", "get_path", "load_config", "set_path",
]
