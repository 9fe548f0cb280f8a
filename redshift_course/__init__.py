"""The course pack's helper package: settings and modes, the local stack, provisioning, notebook helpers."""
from .settings import CourseSettings, SettingsError, parameter_name_for, validate_team_name

__all__ = ["CourseSettings", "SettingsError", "parameter_name_for", "validate_team_name"]
