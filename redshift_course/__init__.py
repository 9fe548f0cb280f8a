"""The course pack's helper package: settings and modes, team names, provisioning, notebook helpers.

The local AWS and Redshift that local mode runs on are a package of their own, `local_cloud`.
"""

from .settings import CourseSettings, SettingsError, parameter_name_for, validate_team_name
from .teams import Team

__all__ = ["CourseSettings", "SettingsError", "Team", "parameter_name_for", "validate_team_name"]
