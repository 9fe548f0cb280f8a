"""The embedded PostgreSQL: template, fresh starts, stopping, ports, the stand-in credential."""

from __future__ import annotations

import json
import os
import stat

import psutil
import pytest

from local_cloud.ports import PortInUseError, free_port
from local_cloud.redshift.admin import admin_connect
from local_cloud.redshift.postgres import SERVICE_USER, LocalPostgres
from local_cloud.redshift.server import start_local_redshift


def test_admin_credential_is_private_and_labelled(local_redshift):
    path = local_redshift.data_dir / "admin.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = json.loads(path.read_text())
    assert "LOCAL-ONLY stand-in credential" in content["_comment"]
    assert content["user"] == "course_admin" and len(content["password"]) >= 24
    # ...and it is in no log.
    assert content["password"] not in local_redshift.postgres.log_file.read_text()


def test_template_is_built_once(local_redshift):
    assert local_redshift.postgres.initialise_template() is False


def test_server_listens_on_loopback_only_without_a_socket_and_as_unprivileged_user(local_redshift):
    conn = local_redshift.admin()
    try:
        cursor = conn.cursor()
        cursor.execute(
            "select current_setting('listen_addresses'), current_setting('unix_socket_directories'),"
            " current_setting('password_encryption'), current_setting('server_encoding'),"
            " current_setting('TimeZone')"
        )
        assert cursor.fetchall() == (["127.0.0.1", "", "md5", "UTF8", "UTC"],)
    finally:
        conn.close()
    owner = psutil.Process(local_redshift.postgres.pid).username()
    expected = SERVICE_USER if os.geteuid() == 0 else psutil.Process().username()
    assert owner == expected


def test_dev_database_has_the_catalog_views(local_redshift):
    conn = local_redshift.admin()
    try:
        cursor = conn.cursor()
        cursor.execute("select count(*) from pg_catalog.svv_all_tables where schema_name = 'pg_catalog'")
        assert cursor.fetchall() == ([0],)  # lists user objects, not the catalog itself
        cursor.execute("select count(*) from pg_catalog.svv_all_columns")
        cursor.fetchall()
        cursor.execute("select datname from pg_database where datname = 'dev'")
        assert cursor.fetchall() == (["dev"],)
    finally:
        conn.close()


@pytest.fixture(scope="module")
def own_instance(postgres_data_dirs):
    """A second, separate instance, so that stopping and restarting it leaves the shared one alone."""
    with start_local_redshift(postgres_data_dirs("own-postgres"), port=0, postgres_port=0) as redshift:
        yield redshift.postgres, redshift.gateway


def test_fresh_start_forgets_everything(own_instance):
    postgres, gateway = own_instance
    conn = admin_connect(postgres.data_dir, port=gateway.listen_port)
    conn.cursor().execute("create table forgotten (a int)")
    conn.close()
    postgres.fresh_start()
    conn = admin_connect(postgres.data_dir, port=gateway.listen_port)
    cursor = conn.cursor()
    cursor.execute("select count(*) from pg_catalog.svv_all_tables where table_name = 'forgotten'")
    assert cursor.fetchall() == ([0],)
    conn.close()
    # The next start is prepared in the background; old clusters are cleared away.
    postgres.wait_for_spare()
    assert (postgres.data_dir / "pgdata.spare" / "PG_VERSION").exists()
    assert not list(postgres.data_dir.glob("pgdata.old-*")) and not list(postgres.data_dir.glob("pgdata.spare-*"))


def test_stop_leaves_no_process_and_is_idempotent(own_instance):
    postgres, _ = own_instance
    postgres.start()
    processes = postgres.processes()
    assert len(processes) >= 2  # the postmaster and its helpers
    postgres.stop()
    assert not postgres.is_running() and postgres.pid is None
    assert not any(process.is_running() for process in processes)
    postgres.stop()
    postgres.start()
    assert postgres.is_running()


def test_a_leftover_server_is_found_and_stopped(own_instance):
    postgres, _ = own_instance
    postgres.start()
    pid = postgres.pid
    stranger = LocalPostgres(postgres.data_dir, port=postgres.port)  # e.g. after the supervisor died
    assert stranger.is_running() and stranger.pid == pid
    stranger.stop()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    postgres.start()


def test_port_in_use_names_the_port(postgres_data_dirs, own_instance):
    postgres, _ = own_instance
    clash = LocalPostgres(postgres_data_dirs("clash"), port=postgres.port)
    with pytest.raises(PortInUseError, match=f"Port {postgres.port} .*COURSE_POSTGRES_PORT"):
        clash.fresh_start()
    assert not clash.is_running()


def test_start_without_a_cluster_says_what_to_do(tmp_path):
    with pytest.raises(Exception, match="fresh_start"):
        LocalPostgres(tmp_path / "empty", port=free_port()).start()
