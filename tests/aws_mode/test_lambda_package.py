"""The Lambda's zip as deploy.sh builds it, under a umask of 077: readable by Lambda, within its
size limits, and with compiled modules for the runtime's platform.

deploy.sh runs in aws mode against the stand-in aws, whose `cloudformation package` zips the
package folder with the real AWS CLI's own zip function (what would be uploaded). Offline, the
dependencies are a seeded stand-in (conftest.seed_dependencies: pip's 0600 modes under umask 077,
a compiled module's ELF header); COURSE_LAMBDA_DEPS_ONLINE=1 makes deploy.sh install the real ones
from PyPI for Lambda's platform, and the same checks then run on them.
"""

from __future__ import annotations

import re
import stat
import struct
import zipfile

import pytest
from aws_mode_support import DEPLOY, HANDOUTS, LAMBDA_PLATFORM_TAG, ONLINE_DEPS, FakeAws, make_fake_aws
from cfn_model import load_template

ZIPPED_LIMIT = 50 * 1024 * 1024  # Lambda: 50 MB zipped for a direct upload
UNZIPPED_LIMIT = 250 * 1024 * 1024  # Lambda: 250 MB unzipped, including layers
ELF_MACHINES = {"x86_64": 0x3E, "arm64": 0xB7}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[zipfile.ZipFile, FakeAws]:
    fake: FakeAws = make_fake_aws(tmp_path_factory.mktemp("package"))
    result = fake.deploy("sot-academy", "la-vida-mocha", umask="077")
    assert result.returncode == 0, result.stdout + result.stderr
    return zipfile.ZipFile(fake.artifacts / "uploaded.zip"), fake


@pytest.fixture(scope="module")
def function() -> dict:
    return load_template(HANDOUTS / "etl-stack.yml")["Resources"]["EtlFunction"]["Properties"]


def test_the_dependencies_really_were_left_unreadable(built):
    """The situation deploy.sh has to repair: what pip leaves under umask 077."""
    _, fake = built
    if ONLINE_DEPS:
        pytest.skip("the real dependencies were installed by deploy.sh itself")
    (deps,) = fake.build.glob(f"deps-{LAMBDA_PLATFORM_TAG}-*")
    modes = {stat.S_IMODE(p.stat().st_mode) for p in deps.rglob("*") if p.is_file()}
    assert modes == {0o600}


def test_every_file_in_the_zip_is_world_readable(built):
    archive, _ = built
    entries = [info for info in archive.infolist() if not info.is_dir()]
    assert entries
    unreadable = {
        info.filename: oct(info.external_attr >> 16 & 0o777)
        for info in entries
        if (info.external_attr >> 16) & 0o444 != 0o444
    }
    assert not unreadable


def test_the_package_folder_is_world_searchable(built):
    _, fake = built
    (package,) = [p for p in fake.build.glob("package-*") if "tmp" not in p.name]
    folders = [package, *[p for p in package.rglob("*") if p.is_dir()]]
    assert all(stat.S_IMODE(p.stat().st_mode) & 0o555 == 0o555 for p in folders)


def test_the_handler_and_its_modules_are_at_the_root(built, function):
    archive, _ = built
    names = set(archive.namelist())
    module = function["Handler"].rsplit(".", 1)[0]
    assert f"{module}.py" in names
    assert {"etl_utils/__init__.py", "etl_utils/db_utils.py", "etl_utils/s3_utils.py"} <= names
    assert not [
        n for n in names if n.startswith(("boto3/", "botocore/")) or "__pycache__" in n or n.startswith("requirements")
    ]


def test_sizes_are_within_lambdas_limits(built):
    archive, fake = built
    zipped = (fake.artifacts / "uploaded.zip").stat().st_size
    unzipped = sum(info.file_size for info in archive.infolist())
    assert zipped < ZIPPED_LIMIT and unzipped < UNZIPPED_LIMIT
    print(f"zip {zipped / 1e6:.2f} MB, unzipped {unzipped / 1e6:.2f} MB")


def test_compiled_modules_match_the_runtime(built, function):
    archive, _ = built
    (architecture,) = function.get("Architectures", ["x86_64"])
    version = function["Runtime"].removeprefix("python").replace(".", "")
    compiled = [n for n in archive.namelist() if n.endswith(".so") or ".so." in n]
    if not ONLINE_DEPS:
        assert compiled, "the seeded stand-in has a compiled module; it must reach the zip"
    for name in compiled:
        header = archive.read(name)[:64]
        assert header[:4] == b"\x7fELF", name
        (machine,) = struct.unpack_from("<H", header, 18)
        assert machine == ELF_MACHINES[architecture], (name, hex(machine))
        tag = re.search(r"\.(cpython-\d+|abi3)", name)
        if tag and tag.group(1).startswith("cpython"):
            assert tag.group(1) == f"cpython-{version}", name


def test_deploy_sh_installs_for_the_templates_runtime_and_architecture(function):
    """What pip is told (deploy.sh) and what Lambda runs (etl-stack.yml) must be one platform."""
    script = DEPLOY.read_text()
    (platform,) = [flags for flags in re.findall(r"^\s*PIP_PLATFORM=\((.*)\)$", script, re.M) if flags]
    (architecture,) = function["Architectures"]
    assert f"--platform manylinux2014_{'x86_64' if architecture == 'x86_64' else 'aarch64'}" in platform
    assert f"--python-version {function['Runtime'].removeprefix('python')}" in platform
    assert "--only-binary=:all:" in platform
    assert f'PLATFORM_TAG="{LAMBDA_PLATFORM_TAG}"' in script
