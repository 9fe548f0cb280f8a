"""What the offline aws-mode tests share: deploy.sh against a recording stand-in `aws`.

(A module of its own rather than conftest.py: other test folders have a conftest module too, and
`from conftest import ...` would find whichever was imported first.)

Nothing here reaches a network: the stand-in answers every call (fake_aws_cli.py), and the
Lambda's dependencies are a seeded stand-in folder in deploy.sh's cache (so deploy.sh's pip step
is skipped), unless COURSE_LAMBDA_DEPS_ONLINE=1 asks for the real pip install from PyPI.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
HANDOUTS = REPO / "handouts"
DEPLOY = HANDOUTS / "deploy.sh"
ACCOUNT = "123456789012"
NETWORK_STACK = "redshift-course-network"
NETWORK_EXPORTS = (
    "VpcId",
    "PrivateSubnet1Id",
    "PrivateSubnet2Id",
    "PrivateSubnet3Id",
    "LambdaSecurityGroupId",
    "RedshiftSecurityGroupId",
)
LAMBDA_PLATFORM_TAG = "lambda-manylinux2014_x86_64-py3.12"
ONLINE_DEPS = os.environ.get("COURSE_LAMBDA_DEPS_ONLINE") == "1"


def network_stack(name: str = NETWORK_STACK, exports: tuple[str, ...] = NETWORK_EXPORTS) -> dict[str, Any]:
    return {
        "StackStatus": "CREATE_COMPLETE",
        "Outputs": [
            {"OutputKey": key, "OutputValue": f"{key.lower()}-0123", "ExportName": f"{name}-{key}"} for key in exports
        ],
    }


def elf_shared_object(machine: int = 0x3E) -> bytes:
    """The 64-byte header of a little-endian ELF64 shared object (e_type ET_DYN) for `machine`
    (0x3E x86-64, 0xB7 aarch64): enough for a check that reads the header, and nothing else."""
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    return ident + struct.pack("<HHIQQQIHHHHHH", 3, machine, 1, 0, 64, 0, 0, 64, 56, 0, 64, 0, 0)


def deps_key() -> str:
    requirements = HANDOUTS / "src" / "requirements.txt"
    return hashlib.sha256(requirements.read_bytes() if requirements.exists() else b"").hexdigest()[:16]


def seed_dependencies(build: Path, mode: int = 0o600) -> Path:
    """A stand-in for what pip installs for the Lambda, with the modes pip leaves under umask 077:
    a package, its metadata, and a compiled module for the Lambda's platform."""
    deps = build / f"deps-{LAMBDA_PLATFORM_TAG}-{deps_key()}"
    files = {
        "redshift_connector/__init__.py": b"# stand-in for the real package (offline test)\n",
        "redshift_connector-2.2.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: redshift_connector\nVersion: 2.2.0\n",
        "lxml/__init__.py": b"",
        "lxml/etree.cpython-312-x86_64-linux-gnu.so": elf_shared_object(),
    }
    for relative, data in files.items():
        path = deps / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(mode)
    for folder in sorted({p.parent for p in deps.rglob("*")} | {deps}):
        folder.chmod(0o700)
    return deps


@dataclass
class FakeAws:
    root: Path
    bin: Path
    state_file: Path
    log: Path
    artifacts: Path
    build: Path

    def state(self) -> dict[str, Any]:
        return json.loads(self.state_file.read_text())

    def set_state(self, **changes: Any) -> None:
        state = self.state()
        state.update(changes)
        self.state_file.write_text(json.dumps(state, indent=1))

    def set_stack(self, name: str, status: str | None = None, **fields: Any) -> None:
        """Put a stack in the account (status and fields such as Outputs), or remove it (neither)."""
        state = self.state()
        if status is None and not fields:
            state["stacks"].pop(name, None)
        else:
            state["stacks"][name] = {"StackStatus": status or fields.pop("StackStatus"), **fields}
        self.state_file.write_text(json.dumps(state, indent=1))

    def calls(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def operations(self) -> list[tuple[str, ...]]:
        """(service, operation[, stack]) of each call, in order."""
        from fake_aws_cli import parse

        result = []
        for call in self.calls():
            _, positionals, options = parse(call["argv"])
            stack = (options.get("--stack-name") or [None])[0]
            result.append(tuple(positionals[:2]) + ((stack,) if stack else ()))
        return result

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            "PATH": f"{self.bin}{os.pathsep}/usr/local/bin{os.pathsep}/usr/bin{os.pathsep}/bin",
            "HOME": str(self.root / "home"),
            "LANG": "C.UTF-8",
            "FAKE_AWS_STATE": str(self.state_file),
            "FAKE_AWS_LOG": str(self.log),
            "FAKE_AWS_ARTIFACTS": str(self.artifacts),
            "DEPLOY_BUILD_DIR": str(self.build),
        }
        env.update(extra)
        return env

    def deploy(self, *args: str, umask: str | None = None, **extra_env: str) -> subprocess.CompletedProcess:
        script = f'umask {umask}; exec bash "$@"' if umask else 'exec bash "$@"'
        return subprocess.run(
            ["bash", "-c", script, "deploy", str(DEPLOY), *args],
            cwd=HANDOUTS,
            env=self.env(**extra_env),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


def make_fake_aws(root: Path) -> FakeAws:
    """A stand-in aws in `root`: an account with the network stack deployed, deploy.sh's build
    folder with the Lambda's dependencies seeded (unless COURSE_LAMBDA_DEPS_ONLINE=1)."""
    bin_dir = root / "bin"
    bin_dir.mkdir()
    (root / "home").mkdir()
    aws = bin_dir / "aws"
    aws.write_text(
        f"#!{sys.executable}\nimport sys\nsys.path.insert(0, {str(HERE)!r})\n"
        "from fake_aws_cli import main\nsys.exit(main())\n"
    )
    aws.chmod(0o755)
    fake = FakeAws(
        root=root,
        bin=bin_dir,
        state_file=root / "state.json",
        log=root / "calls.jsonl",
        artifacts=root / "artifacts",
        build=root / "build",
    )
    fake.state_file.write_text(json.dumps({"account": ACCOUNT, "stacks": {NETWORK_STACK: network_stack()}}))
    fake.build.mkdir()
    if not ONLINE_DEPS:
        seed_dependencies(fake.build)
    return fake
