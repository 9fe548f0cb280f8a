"""One table of date parts (dateparts.py) drives both the rewriter and the SQL functions."""

from __future__ import annotations

from local_cloud.redshift.dateparts import COUNTED_PART, DATE_PARTS, POSTGRES_NAME
from local_cloud.redshift.rewrite import rewrite_sql


def test_every_name_the_rewriter_knows_comes_from_the_table():
    assert set(POSTGRES_NAME) == {name for part in DATE_PARTS.values() for name in part.names}
    assert rewrite_sql("select date_part(dw, d) AS p from t") == "select date_part('dow', d) AS p from t"


def test_every_counted_name_works_in_datediff_and_dateadd(connection):
    cursor = connection.cursor()
    for name, part in COUNTED_PART.items():
        cursor.execute(
            f"select datediff({name}, '2000-01-01'::timestamp, '2000-01-01'::timestamp), "
            f"dateadd({name}, 0, '2000-01-01'::timestamp)"
        )
        difference, added = cursor.fetchone()
        assert difference == 0, name
        assert str(added).startswith("2000-01-01"), (name, part)
