"""The query history the gateway keeps (query_history.py) and the views that read it (monitoring.sql)."""

from __future__ import annotations

import json
import struct

import pytest
import redshift_connector

from local_cloud.redshift.query_history import HistoryLog, ReplyFramer, SessionHistory, masked, query_type


def message(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("!I", len(body) + 4) + body


# --- pieces ----------------------------------------------------------------------------------------


def test_framer_finds_statement_ends_across_any_chunking():
    stream = (
        message(b"T", b"x" * 30)
        + message(b"D", b"y" * 70000)
        + message(b"C", b"SELECT 1\0")
        + message(b"Z", b"I")
        + message(b"E", b"SERROR\0Mboom\0\0")
        + message(b"Z", b"I")
    )
    for size in (1, 3, 7, 4096, len(stream)):
        seen = []
        framer = ReplyFramer(lambda kind, body: seen.append((kind, body)))
        for at in range(0, len(stream), size):
            framer.feed(stream[at : at + size])
        assert seen == [(b"C", b"SELECT 1\0"), (b"Z", b"I"), (b"E", b"SERROR\0Mboom\0\0"), (b"Z", b"I")]


def test_secrets_are_masked_and_query_types_named():
    assert masked("create user bob password 'Secret1x'") == "create user bob password '***'"
    assert masked("copy t from 's3://b/k' access_key_id 'AKIA' secret_access_key 'abc'") == (
        "copy t from 's3://b/k' access_key_id '***' secret_access_key '***'"
    )
    assert masked("select 'password'") == "select 'password'"
    assert [query_type(s) for s in ("select 1", "with a as (select 1) select *", "create table t as select 1")] == [
        "SELECT",
        "SELECT",
        "CTAS",
    ]
    assert [query_type(s) for s in ("insert into t values (1)", "create table t (a int)", "set x to 1")] == [
        "INSERT",
        "DDL",
        "UTILITY",
    ]


def test_session_history_follows_the_extended_protocol_and_query_group(tmp_path):
    log = HistoryLog(tmp_path, file_rows=10)
    session = SessionHistory(log, "alice", "dev", pid=42)
    session.client_message(b"Q", b"set query_group to 'Monday'\0")
    session.server_message(b"C", b"SET\0")
    session.server_message(b"Z", b"I")
    session.client_message(b"P", b"s1\0select 1\0\0\0")
    session.client_message(b"B", b"\0s1\0\0\0\0\0\0")
    session.client_message(b"E", b"\0\0\0\0\0")
    session.client_message(b"B", b"\0s1\0\0\0\0\0\0")
    session.client_message(b"E", b"\0\0\0\0\0")
    session.server_message(b"E", b"SERROR\0Mdivision by zero\0\0")  # the first fails, the second is skipped
    session.server_message(b"Z", b"E")
    rows = [json.loads(line) for line in next(tmp_path.glob("*.jsonl")).read_text().splitlines()]
    assert [(r["t"], r["l"], r["ok"], r["err"], r["u"], r["p"]) for r in rows] == [
        ("set query_group to 'Monday'", "default", True, None, "alice", 42),
        ("select 1", "Monday", False, "division by zero", "alice", 42),
    ]


def test_history_files_are_bounded(tmp_path):
    log = HistoryLog(tmp_path, file_rows=3, keep_files=2)
    for n in range(20):
        log.write({"q": log.next_id(), "n": n})
    log.close()
    files = sorted(tmp_path.glob("*.jsonl"))
    assert len(files) == 2
    assert [json.loads(line)["n"] for f in files for line in f.read_text().splitlines()] == [15, 16, 17, 18, 19]


# --- end to end ------------------------------------------------------------------------------------


@pytest.fixture
def cur(local_redshift):
    conn = local_redshift.admin()
    yield conn.cursor()
    conn.close()


def history_of(cur, marker: str):
    cur.execute(
        "select trim(querytxt), aborted, trim(database) from stl_query where querytxt like %s "
        "and querytxt not like '%%stl_query%%' order by query",
        (f"%{marker}%",),
    )
    return [tuple(row) for row in cur.fetchall()]


def test_failed_and_rolled_back_statements_stay_in_the_history(local_redshift, cur):
    conn = local_redshift.connect()  # autocommit off: a transaction
    try:
        other = conn.cursor()
        other.execute("select 'qh_in_transaction' as marker")
        with pytest.raises(redshift_connector.Error):
            other.execute("select 1 / 0 as qh_failed")
        conn.rollback()
    finally:
        conn.close()
    assert history_of(cur, "qh_in_transaction") == [("select 'qh_in_transaction' as marker", 0, "dev")]
    assert history_of(cur, "qh_failed") == [("select 1 / 0 as qh_failed", 1, "dev")]
    cur.execute(
        "select trim(status), trim(error_message) from sys_query_history where query_text like '%qh_failed%' "
        "and query_text not like '%sys_query_history%'"
    )
    assert cur.fetchall() == (["failed", "division by zero"],)


def test_pg_last_query_id_is_the_sessions_previous_query(cur):
    cur.execute("select 'qh_last' as marker")
    cur.execute("select pg_last_query_id()")
    (last,) = cur.fetchone()
    cur.execute("select trim(querytxt) from stl_query where query = %s", (last,))
    assert cur.fetchall() == (["select 'qh_last' as marker"],)


def test_a_user_sees_only_their_own_queries_and_no_password(local_redshift, cur):
    local_redshift.create_login("qh_learner", "Qh-learner-pass1")
    cur.execute("alter user qh_learner password 'Qh-learner-pass2'")
    learner = local_redshift.connect("qh_learner", "Qh-learner-pass2")
    try:
        lc = learner.cursor()
        lc.execute("select 'qh_mine' as marker")
        lc.execute("select count(*), count(distinct trim(userid::text)) from stl_query")
        count, users = lc.fetchone()
        assert count >= 1 and users == 1
    finally:
        learner.close()
    assert history_of(cur, "qh_mine") == [("select 'qh_mine' as marker", 0, "dev")]
    cur.execute("select count(*) from stl_query where querytxt like '%Qh-learner-pass%'")
    assert cur.fetchone() == [0]
