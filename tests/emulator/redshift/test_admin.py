"""create_login: what the local AWS calls when a Redshift cluster is created (its master user)."""

from __future__ import annotations

import pytest
import redshift_connector

from local_cloud.redshift.admin import create_login
from redshift_course.provisioning import generate_password


def test_create_login_with_its_own_database(local_redshift):
    password = generate_password()
    create_login(local_redshift.data_dir, "team_user", password, database="team_db", port=local_redshift.port)
    conn = local_redshift.connect("team_user", password, database="team_db")
    try:
        cursor = conn.cursor()
        cursor.execute("create table orders (id int)")
        cursor.execute("select current_user, current_database(), usesuper from pg_user where usename = current_user")
        assert cursor.fetchall() == (["team_user", "team_db", False],)
        conn.commit()
    finally:
        conn.close()


def test_create_login_is_idempotent_and_changes_the_password(local_redshift):
    first, second = generate_password(), generate_password()
    create_login(local_redshift.data_dir, "rotating", first, port=local_redshift.port)
    create_login(local_redshift.data_dir, "rotating", second, port=local_redshift.port)
    with pytest.raises(redshift_connector.ProgrammingError, match="password authentication failed"):
        local_redshift.connect("rotating", first)
    local_redshift.connect("rotating", second).close()


def test_master_user_is_superuser_and_names_fold_to_lower_case(local_redshift):
    password = generate_password()
    create_login(local_redshift.data_dir, "AwsUser", password, database="dev", superuser=True, port=local_redshift.port)
    conn = local_redshift.connect("awsuser", password)
    try:
        cursor = conn.cursor()
        cursor.execute("select usesuper from pg_user where usename = current_user")
        assert cursor.fetchall() == ([True],)
    finally:
        conn.close()


def test_existing_database_lets_a_plain_user_create_tables(local_redshift):
    password = generate_password()
    create_login(local_redshift.data_dir, "plain_user", password, database="dev", port=local_redshift.port)
    conn = local_redshift.connect("plain_user", password)
    try:
        conn.cursor().execute("create table public.plain_users_table (a int)")
        conn.rollback()
    finally:
        conn.close()


@pytest.mark.parametrize("user", ["", "public", "bad name", "x;drop", "9starts_with_digit"])
def test_bad_user_names_get_a_clear_error(local_redshift, user):
    with pytest.raises(ValueError, match="is not valid"):
        create_login(local_redshift.data_dir, user, generate_password(), port=local_redshift.port)


def test_empty_password_is_refused(local_redshift):
    with pytest.raises(ValueError, match="non-empty"):
        create_login(local_redshift.data_dir, "someone", "", port=local_redshift.port)
