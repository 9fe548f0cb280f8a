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

* ManageMasterPassword (CreateCluster or the CloudFormation property), which moto 5.2.5 ignores:
  the master password is generated here, kept in the local Secrets Manager as AWS keeps it (a
  secret named `redshift!<cluster>-<master user>` holding `{"username", "password"}`), and the
  cluster's MasterPasswordSecretArn (DescribeClusters, `Fn::GetAtt Cluster.MasterPasswordSecretArn`)
  names it, so the Data API and the course's tools find the admin's login as on AWS. The password
  rotation AWS runs on that secret stays AWS-only;
* `!Ref Cluster` is the cluster identifier (moto 5.2.5 gives the Python object's repr).
"""

from __future__ import annotations

import json
import secrets
import string
import threading
from collections.abc import Callable
from typing import Any

from moto.redshift.exceptions import RedshiftClientError
from moto.redshift.models import Cluster, RedshiftBackend
from moto.redshift.responses import RedshiftResponse

from .. import config

RedshiftClusterCallback = Callable[[str, str, str], None]
_callback: RedshiftClusterCallback | None = None
_moto_create_cluster = RedshiftBackend.create_cluster
_moto_create_cluster_response = RedshiftResponse.create_cluster
_moto_create_from_cloudformation = Cluster.create_from_cloudformation_json.__func__
_managed = threading.local()  # set while a request with ManageMasterPassword creates its cluster
_ALPHABET = string.ascii_letters + string.digits


def _generated_password() -> str:
    """Redshift's rules: 8-64 characters with upper, lower and digit (letters and digits only here)."""
    while True:
        candidate = "".join(secrets.choice(_ALPHABET) for _ in range(32))
        if (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
        ):
            return candidate


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _with_managed(manage: bool, create: Callable[[], Any]) -> Any:
    _managed.value = manage
    try:
        return create()
    finally:
        _managed.value = False


def _create_cluster_response(self: RedshiftResponse):
    return _with_managed(_truthy(self._get_param("ManageMasterPassword")), lambda: _moto_create_cluster_response(self))


def _create_from_cloudformation(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    manage = _truthy(cloudformation_json.get("Properties", {}).get("ManageMasterPassword"))
    return _with_managed(
        manage,
        lambda: _moto_create_from_cloudformation(
            cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
        ),
    )


def _store_master_secret(backend: RedshiftBackend, cluster: Cluster) -> str:
    from moto.secretsmanager.models import secretsmanager_backends

    store = secretsmanager_backends[backend.account_id][backend.region_name]
    created = store.create_secret(
        name=f"redshift!{cluster.cluster_identifier}-{cluster.master_username}",
        secret_string=json.dumps({"username": cluster.master_username, "password": cluster.master_user_password}),
        secret_binary=None,
        description=f"The master password of Redshift cluster {cluster.cluster_identifier} (managed)",
        tags=[],
        kms_key_id=None,
        client_request_token=None,
        replica_regions=[],
        force_overwrite=False,
    )
    return json.loads(created)["ARN"]


def set_callback(callback: RedshiftClusterCallback | None) -> None:
    global _callback
    _callback = callback


def create_cluster(self: RedshiftBackend, **cluster_kwargs) -> Cluster:
    manage = getattr(_managed, "value", False)
    if manage:
        if cluster_kwargs.get("master_user_password"):
            raise RedshiftClientError(
                "InvalidParameterCombination", "Give MasterUserPassword or ManageMasterPassword, not both."
            )
        cluster_kwargs["master_user_password"] = _generated_password()
    cluster = _moto_create_cluster(self, **cluster_kwargs)
    if _callback is not None:
        try:
            _callback(cluster.master_username, cluster.master_user_password, cluster.db_name)
        except Exception as error:
            self.clusters.pop(cluster.cluster_identifier, None)
            raise RedshiftClientError(
                "InternalFailure", f"The local Redshift could not create the master user: {error}"
            ) from error
    if manage:
        cluster.master_password_secret_arn = _store_master_secret(self, cluster)
    return cluster


def _get_cfn_attribute(self: Cluster, attribute_name: str):
    if attribute_name == "Endpoint.Address":
        return self.address
    if attribute_name == "Endpoint.Port":
        return self.port
    if attribute_name == "MasterPasswordSecretArn" and getattr(self, "master_password_secret_arn", None):
        return self.master_password_secret_arn
    from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

    raise UnformattedGetAttTemplateException()


def apply(callback: RedshiftClusterCallback | None = None) -> None:
    set_callback(callback)
    RedshiftBackend.create_cluster = create_cluster
    RedshiftResponse.create_cluster = _create_cluster_response
    Cluster.create_from_cloudformation_json = classmethod(_create_from_cloudformation)
    Cluster.address = property(lambda self: config.REDSHIFT.host)
    Cluster.port = property(lambda self: config.REDSHIFT.port, lambda self, value: None)
    Cluster.get_cfn_attribute = _get_cfn_attribute
    # `!Ref Cluster` is the cluster identifier on AWS; moto 5.2.5 gives the object's repr.
    Cluster.physical_resource_id = property(lambda self: self.cluster_identifier)
