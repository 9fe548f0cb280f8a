"""aws mode: the region's order of precedence, and clients that never follow a configured local endpoint."""

from __future__ import annotations

import pytest

from local_cloud.config import DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY
from redshift_course import CourseSettings

LOCAL = "http://127.0.0.1:4566"


@pytest.mark.parametrize(
    ("environment", "region"),
    [
        ({"COURSE_REGION": "us-east-2", "AWS_REGION": "us-west-2"}, "us-east-2"),
        ({"AWS_REGION": "us-west-2"}, "us-west-2"),
        ({}, "eu-west-1"),
        ({"COURSE_REGION": "", "AWS_REGION": ""}, "eu-west-1"),
    ],
)
def test_region_from_course_region_then_aws_region_then_the_default(monkeypatch, environment, region):
    for name in ("COURSE_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert CourseSettings.from_env().region == region


@pytest.fixture
def profile_with_local_endpoints(monkeypatch, tmp_path):
    """A terminal that ran `eval "$(course env)"`, and a profile that names an endpoint too."""
    config = tmp_path / "config"
    config.write_text(
        "[profile sot-academy]\nregion = eu-west-1\nendpoint_url = http://127.0.0.1:4566\n"
        f"aws_access_key_id = {DUMMY_ACCESS_KEY_ID}\naws_secret_access_key = {DUMMY_SECRET_ACCESS_KEY}\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_ENDPOINT_URL", LOCAL)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", LOCAL)
    monkeypatch.delenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", raising=False)


@pytest.mark.parametrize("service", ["ssm", "cloudformation", "redshift-data", "s3"])
def test_aws_mode_clients_ignore_configured_endpoint_urls(profile_with_local_endpoints, service):
    settings = CourseSettings(mode="aws", team="la-vida-mocha", profile="sot-academy", region="eu-central-1")
    for client in (settings.client(service), settings.session().client(service)):
        assert "127.0.0.1" not in client.meta.endpoint_url
        assert client.meta.endpoint_url.startswith("https://")
        assert client.meta.region_name == "eu-central-1"


def test_local_mode_still_uses_the_local_aws(profile_with_local_endpoints):
    from local_cloud import config

    assert CourseSettings().client("ssm").meta.endpoint_url == config.aws_endpoint_url()
