"""The local AWS: moto's server (all services on one port) with our adapter, in a thread.

`start_local_aws()` is what the supervisor calls inside its own process; importing this
module starts nothing and patches nothing. For manual use:

    python -m local_cloud.aws.server --port 4566
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from dataclasses import dataclass, field

from .. import config, ports
from ..ports import PortInUseError
from .redshift_clusters import RedshiftClusterCallback
from .redshift_data import RedshiftConnect


@dataclass
class LocalAwsHandle:
    host: str
    port: int
    _server: object = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def client(self, service: str, region: str = "us-east-1"):
        """A boto3 client of this local AWS, signed with the dummy keys."""
        return config.aws_client(service, self.endpoint_url, region)

    def stop(self) -> None:
        from . import lambda_async, lambda_environments

        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        lambda_async.shutdown()
        lambda_environments.ENVIRONMENTS.shutdown()


def _skip_slow_optional_imports() -> None:
    """moto's API Gateway models import jsonschema, which compiles the optional `rfc3987_syntax`
    IRI grammar at import time: 2.4 s of a 3 s start, for a format check the local AWS never
    makes. Marking the module absent makes jsonschema skip that check, as it does when the
    package is not installed."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def start_local_aws(
    host: str = config.HOST,
    port: int | None = None,
    *,
    on_redshift_cluster: RedshiftClusterCallback | None = None,
    redshift_connect: RedshiftConnect | None = None,
    verbose: bool = False,
) -> LocalAwsHandle:
    """Apply the adapter and serve moto on host:port in a daemon thread; returns once it listens.

    `on_redshift_cluster(master_username, master_password, db_name)` is called whenever a Redshift
    cluster is created in the local AWS (API or CloudFormation). `redshift_connect(database, user,
    password)` is how the Data API reaches the local Redshift (see redshift_data.RedshiftConnect).
    `verbose` logs every request.
    """
    _skip_slow_optional_imports()
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    from .adapter import apply_adapter

    # Bound here, not in the server thread (as moto's ThreadedMotoServer does, where a taken port
    # leaves the caller waiting forever and werkzeug calls sys.exit).
    port = config.AWS.port if port is None else port
    listener = ports.listen(host, port, config.AWS.name, config.AWS.variable)
    port = listener.getsockname()[1]  # the real one when 0 asked for any free port
    apply_adapter(f"http://{host}:{port}", on_redshift_cluster, redshift_connect)
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(host, port, app, threaded=True, request_handler=MotoRequestHandler, fd=listener.fileno())
    listener.close()  # werkzeug holds its own duplicate of the socket
    if not verbose:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request is noise
    thread = threading.Thread(target=server.serve_forever, name=f"local-aws-{port}", daemon=True)
    thread.start()
    return LocalAwsHandle(host, port, server, thread)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the local AWS (moto + the course adapter) in the foreground.")
    parser.add_argument("--host", default=config.HOST)
    parser.add_argument("--port", type=int, default=None, help="default: $COURSE_AWS_PORT or 4566")
    arguments = parser.parse_args(argv)
    try:
        handle = start_local_aws(arguments.host, arguments.port)
    except PortInUseError as error:
        parser.exit(1, f"error: {error.strerror}\n")
    print(f"Local AWS listening on {handle.endpoint_url} (Ctrl-C stops it)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        handle.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
