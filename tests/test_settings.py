import pytest

from redshift_course import CourseSettings, SettingsError, parameter_name_for, validate_team_name
from redshift_course.redshift import connect_kwargs
from redshift_course.settings import tls_required


def test_parameter_name_replaces_dashes():
    assert parameter_name_for("la-vida-mocha") == "la_vida_mocha_redshift_settings"


@pytest.mark.parametrize("bad", ["La-Vida-Mocha", "la_vida_mocha", "-mocha", "mocha-", "la--vida", "", "la vida", "x" * 41])
def test_bad_team_names_get_a_clear_error(bad):
    with pytest.raises(SettingsError, match="lowercase letters, digits and single dashes"):
        validate_team_name(bad)


def test_stack_names_follow_the_team():
    settings = CourseSettings(team="la-vida-mocha")
    assert settings.deployment_bucket_stack == "la-vida-mocha-shopper-deployment-bucket"
    assert settings.etl_stack == "la-vida-mocha-shopper-etl-pipeline"
    assert settings.team_underscored == "la_vida_mocha"
    assert settings.cli_profile == "local"


def test_aws_mode_needs_a_profile():
    with pytest.raises(SettingsError, match="COURSE_PROFILE"):
        CourseSettings(mode="aws", team="la-vida-mocha")
    assert CourseSettings(mode="aws", team="la-vida-mocha", profile="sot-academy").cli_profile == "sot-academy"


def test_from_env(monkeypatch):
    monkeypatch.setenv("COURSE_TEAM", "mocha-magic")
    monkeypatch.setenv("COURSE_MODE", "aws")
    monkeypatch.setenv("COURSE_PROFILE", "academy")
    settings = CourseSettings.from_env()
    assert (settings.mode, settings.team, settings.profile) == ("aws", "mocha-magic", "academy")


def test_unknown_mode_is_refused():
    with pytest.raises(SettingsError, match="'local' or 'aws'"):
        CourseSettings(mode="cloud")


def test_local_clients_point_at_the_local_aws():
    settings = CourseSettings()
    assert settings.client("s3").meta.endpoint_url == "http://127.0.0.1:4566"
    assert settings.local_env()["AWS_ACCESS_KEY_ID"].startswith("testing-local-dummy")


@pytest.mark.parametrize("host, tls", [("127.0.0.1", False), ("localhost", False), ("::1", False),
                                       ("team.abc.eu-west-1.redshift.amazonaws.com", True), ("10.0.0.5", True)])
def test_tls_everywhere_but_loopback(host, tls):
    assert tls_required(host) is tls


def test_settings_json_maps_to_connector_arguments():
    kwargs = connect_kwargs({"host": "127.0.0.1", "port": "5439", "database-name": "la_vida_mocha",
                             "user": "la_vida_mocha", "password": "dummy-for-test"})
    assert kwargs == {"host": "127.0.0.1", "port": 5439, "database": "la_vida_mocha", "user": "la_vida_mocha",
                      "password": "dummy-for-test", "ssl": False}
