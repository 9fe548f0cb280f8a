"""Redshift clusters created in the local AWS are served by the local Redshift.

moto 5.2.5 keeps a cluster as a record only: its endpoint is an invented
`<id>.<hex>.<region>.redshift.amazonaws.com` that nothing answers, and `Fn::GetAtt
Cluster.Endpoint.Address` returns the whole Endpoint structure instead of the address. Here

* every cluster's Endpoint is the local Redshift gateway: Address 127.0.0.1 and Port from
  COURSE_REDSHIFT_PORT (default 5439), whatever Port the request asked for (there is one gateway);
* creating a cluster (CreateCluster or AWS::Redshift::Cluster) calls the
  `on_redshift_cluster(master_username, master_password, db_name)` callback given to
  `start_local_aws`, so the supervisor can create that login in PostgreSQL and the master user and
  password really log in. If the callback fails, the cluster is not created and the error says why.

ManageMasterPassword (Secrets Manager-managed master password) is not supported by moto 5.2.5's
CreateCluster and stays AWS-only.
"""

from __future__ import annotations

from collections.abc import Callable

from moto.redshift.exceptions import RedshiftClientError
from moto.redshift.models import Cluster, RedshiftBackend

from .. import config

RedshiftClusterCallback = Callable[[str, str, str], None]
_callback: RedshiftClusterCallback | None = None
_moto_create_cluster = RedshiftBackend.create_cluster


def set_callback(callback: RedshiftClusterCallback | None) -> None:
    global _callback
    _callback = callback


def create_cluster(self: RedshiftBackend, **cluster_kwargs) -> Cluster:
    cluster = _moto_create_cluster(self, **cluster_kwargs)
    if _callback is not None:
        try:
            _callback(cluster.master_username, cluster.master_user_password, cluster.db_name)
        except Exception as error:
            self.clusters.pop(cluster.cluster_identifier, None)
            raise RedshiftClientError(
                "InternalFailure", f"The local Redshift could not create the master user: {error}"
            ) from error
    return cluster


def _get_cfn_attribute(self: Cluster, attribute_name: str):
    if attribute_name == "Endpoint.Address":
        return self.address
    if attribute_name == "Endpoint.Port":
        return self.port
    from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

    raise UnformattedGetAttTemplateException()


def apply(callback: RedshiftClusterCallback | None = None) -> None:
    set_callback(callback)
    RedshiftBackend.create_cluster = create_cluster
    Cluster.address = property(lambda self: config.REDSHIFT.host)
    Cluster.port = property(lambda self: config.REDSHIFT.port, lambda self, value: None)
    Cluster.get_cfn_attribute = _get_cfn_attribute
