"""The local cloud: AWS and Redshift on this machine, with no account and no Docker.

* ``aws/``       moto in server mode plus our adapter for the gaps that matter (Lambda without
                 Docker, S3 notifications, CloudFormation fixes, Redshift clusters served locally);
* ``redshift/``  a real PostgreSQL behind a Redshift wire-protocol gateway that rewrites
                 Redshift SQL (``start_local_redshift``);
* ``config``     where each piece listens, where state lives, the dummy keys: one home each;
* ``supervisor`` the process that runs both; ``lifecycle`` starts, stops and inspects it.

It imports nothing of the course (``redshift_course``); the course imports it.
"""
