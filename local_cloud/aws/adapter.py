"""Our adapter over moto 5.2.5: one module per gap, applied in-process before the server starts.

| module                   | what it changes                                                     |
|--------------------------|---------------------------------------------------------------------|
| lambda_invoke.py         | Invoke without Docker: sync runs here, Event runs queued            |
| lambda_runtime.py        | one invocation of the deployed code, in an execution environment    |
| lambda_environments.py   | warm execution environments: a worker per environment, reused      |
| lambda_logs.py           | runs log to /aws/lambda/<name> with START/END/REPORT, live          |
| lambda_async.py          | Event invocations and S3 triggers: thread pool, AWS's two retries   |
| s3_notifications.py      | S3 → Lambda runs asynchronously, with AWS's full event record       |
| s3_bucket_policies.py    | policy statements with a Condition no longer deny every request     |
| cloudformation_s3.py     | bucket NotificationConfiguration, public access block, BucketPolicy,|
|                          | non-empty bucket refuses deletion                                   |
| cloudformation_fixes.py  | nested GetAtt, dynamic references, Outputs/Exports after change     |
|                          | sets, DELETE_FAILED                                                 |
| redshift_clusters.py     | cluster endpoint = local Redshift; master login created via callback|
| redshift_data.py         | the Data API runs the SQL on the local Redshift, asynchronously     |

See docs/local_aws.md for why each one exists and what stays AWS-only.
"""

from __future__ import annotations

from .redshift_clusters import RedshiftClusterCallback
from .redshift_data import RedshiftConnect


def apply_adapter(
    endpoint_url: str,
    on_redshift_cluster: RedshiftClusterCallback | None = None,
    redshift_connect: RedshiftConnect | None = None,
) -> None:
    """Patch moto's classes in this process. Safe to call again (for example with a new port)."""
    from . import (
        cloudformation_fixes,
        cloudformation_s3,
        lambda_invoke,
        lambda_runtime,
        redshift_clusters,
        redshift_data,
        s3_bucket_policies,
        s3_notifications,
    )

    lambda_runtime.configure(endpoint_url)
    lambda_invoke.apply()
    s3_notifications.apply()
    s3_bucket_policies.apply()
    cloudformation_s3.apply()
    cloudformation_fixes.apply()
    redshift_clusters.apply(on_redshift_cluster)
    redshift_data.apply(redshift_connect)
