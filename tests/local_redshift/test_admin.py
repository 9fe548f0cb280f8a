"""create_login: what the local AWS calls when a Redshift cluster is created (its master user)."""
from __future__ import annotations

import pytest
import redshift_connector

from redshift_course.local_redshift.admin import create_login


def test_create_login_with_its_own_database(local_redshift):
    create_login(local_redshift.data_dir, "team_user", "Passw0rd-One", database="team_db", port=local_redshift.port)
    conn = local_redshift.connect("team_user", "Passw0rd-One", database="team_db")
    try:
        cursor = conn.cursor()
        cursor.execute("create table orders (id int)")
        cursor.execute("select current_user, current_database(), usesuper from pg_user where usename = current_user")
        assert cursor.fetchall() == (["team_user", "team_db", False],)
        conn.commit()
    finally:
        conn.close()


def test_create_login_is_idempotent_and_changes_the_password(local_redshift):
    create_login(local_redshift.data_dir, "rotating", "First-Passw0rd", port=local_redshift.port)
    create_login(local_redshift.data_dir, "rotating", "Second-Passw0rd", port=local_redshift.port)
    with pytest.raises(redshift_connector.ProgrammingError, match="password authentication failed"):
        local_redshift.connect("rotating", "First-Passw0rd")
    local_redshift.connect("rotating", "Second-Passw0rd").close()


def test_master_user_is_superuser_and_names_fold_to_lower_case(local_redshift):
    create_login(local_redshift.data_dir, "AwsUser", "Master-Passw0rd", database="dev", superuser=True,
                 port=local_redshift.port)
    conn = local_redshift.connect("awsuser", "Master-Passw0rd")
    try:
        cursor = conn.cursor()
        cursor.execute("select usesuper from pg_user where usename = current_user")
        assert cursor.fetchall() == ([True],)
    finally:
        conn.close()


def test_existing_database_lets_a_plain_user_create_tables(local_redshift):
    create_login(local_redshift.data_dir, "plain_user", "Plain-Passw0rd", database="dev", port=local_redshift.port)
    conn = local_redshift.connect("plain_user", "Plain-Passw0rd")
    try:
        conn.cursor().execute("create table public.plain_users_table (a int)")
        conn.rollback()
    finally:
        conn.close()


@pytest.mark.parametrize("user", ["", "public", "bad name", "x;drop", "9starts_with_digit"])
def test_bad_user_names_get_a_clear_error(local_redshift, user):
    with pytest.raises(ValueError, match="is not valid"):
        create_login(local_redshift.data_dir, user, "Passw0rd", port=local_redshift.port)


def test_empty_password_is_refused(local_redshift):
    with pytest.raises(ValueError, match="non-empty"):
        create_login(local_redshift.data_dir, "someone", "", port=local_redshift.port)
