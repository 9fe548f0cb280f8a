"""The Lambda's connection to Redshift on AWS is TLS with the host name verified (verify-full);
the templates make the server refuse anything else (require_ssl, tests/aws_mode/test_network_reachability.py)."""

from __future__ import annotations

import pytest

from redshift_course.handout_code import db_utils

SETTINGS = {"port": 5439, "database-name": "la_vida_mocha", "user": "la_vida_mocha", "password": "not-a-real-one"}


class Stop(Exception):
    pass


@pytest.mark.parametrize(
    "host, expected",
    [
        ("redshift-course.abc123.eu-west-1.redshift.amazonaws.com", {"ssl": True, "sslmode": "verify-full"}),
        (
            "redshift-course.123456789012.eu-west-1.redshift-serverless.amazonaws.com",
            {"ssl": True, "sslmode": "verify-full"},
        ),
        ("127.0.0.1", {"ssl": False}),
    ],
)
def test_tls_is_explicit(monkeypatch, host, expected):
    seen = {}

    def connect(**kwargs):
        seen.update(kwargs)
        raise Stop

    monkeypatch.setattr(db_utils.redshift_connector, "connect", connect)
    with pytest.raises(Stop):
        db_utils.connect({**SETTINGS, "host": host})
    assert {k: seen[k] for k in ("ssl", "sslmode") if k in seen} == expected
