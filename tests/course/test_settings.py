import secrets

import pytest

from redshift_course import CourseSettings, SettingsError, parameter_name_for, validate_team_name


def test_parameter_name_replaces_dashes():
    assert parameter_name_for("la-vida-mocha") == "la_vida_mocha_redshift_settings"


@pytest.mark.parametrize(
    "bad", ["La-Vida-Mocha", "la_vida_mocha", "-mocha", "mocha-", "la--vida", "", "la vida", "x" * 41]
)
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


def test_the_course_connects_as_the_lambda_does(monkeypatch):
    import redshift_connector

    from redshift_course.handout_code import db_utils
    from redshift_course.redshift import connect_with_settings

    settings = {
        "host": "127.0.0.1",
        "port": "5439",
        "database-name": "la_vida_mocha",
        "user": "la_vida_mocha",
        "password": secrets.token_urlsafe(16),  # generated: no password is written down
    }
    seen = {}
    monkeypatch.setattr(redshift_connector, "connect", lambda **kwargs: seen.update(kwargs))
    connect_with_settings(settings, timeout=5)
    assert seen == {**db_utils.connection_arguments(settings), "timeout": 5}
    assert seen["ssl"] is False and seen["port"] == 5439


def test_the_sql_engine_has_the_lambdas_arguments_and_no_password_in_its_url(monkeypatch):
    import sqlalchemy

    from redshift_course.handout_code import db_utils
    from redshift_course.sql_engine import engine_from_settings

    settings = {
        "host": "team.example.eu-west-1.redshift.amazonaws.com",
        "port": 5439,
        "database-name": "la_vida_mocha",
        "user": "la_vida_mocha",
        "password": secrets.token_urlsafe(16),  # generated: no password is written down
    }
    seen = {}
    monkeypatch.setattr(sqlalchemy, "create_engine", lambda url, **kwargs: seen.update(url=url, **kwargs))
    engine_from_settings(settings, echo=True)
    assert seen["url"].render_as_string(hide_password=False) == (
        "redshift+redshift_connector://la_vida_mocha@team.example.eu-west-1.redshift.amazonaws.com:5439/la_vida_mocha"
    )
    arguments = db_utils.connection_arguments(settings)
    assert seen["connect_args"] == {key: arguments[key] for key in ("password", "timeout", "ssl", "sslmode")}
    assert seen["connect_args"]["sslmode"] == "verify-full" and seen["echo"] is True


@pytest.mark.parametrize(
    ("team", "rule"),
    [
        ("7up", "start with a letter"),
        ("aws-crew", "Parameter Store"),
        ("ssm-team", "Parameter Store"),
        ("sthree", "S3 reserves"),
        ("sthree-squad", "S3 reserves"),
        ("amzn-s3-demo-team", "S3 reserves"),
        ("dev", "first database"),
        ("public", "not a valid Redshift user"),
        ("pg-admins", "belong to the system"),
        ("template1", "system database"),
        ("postgres", "PostgreSQL system database"),
    ],
)
def test_team_names_aws_would_refuse_are_refused_naming_the_rule(team, rule):
    with pytest.raises(SettingsError, match=rule):
        validate_team_name(team)


def test_every_name_derived_from_a_team():
    from redshift_course import Team

    team = Team("la-vida-mocha")
    assert (team.database, team.user, team.parameter_name) == (
        "la_vida_mocha",
        "la_vida_mocha",
        "la_vida_mocha_redshift_settings",
    )
    assert team.deployment_bucket_stack == "la-vida-mocha-shopper-deployment-bucket"
    assert team.etl_stack == "la-vida-mocha-shopper-etl-pipeline"
    assert CourseSettings(team="la-vida-mocha").team_names == team
