"""tools/compact_awscli.py gzips the AWS CLI's model files losslessly, once."""

import gzip
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import compact_awscli  # noqa: E402


def test_models_are_gzipped_losslessly_and_only_once(tmp_path):
    model = {"metadata": {"apiVersion": "2010-05-15"}, "operations": {"DescribeStacks": {}}}
    service = tmp_path / "cloudformation" / "2010-05-15" / "service-2.json"
    service.parent.mkdir(parents=True)
    service.write_text(json.dumps(model))
    (service.parent / "paginators-1.sdk-extras.json").write_text("{}")  # not a compressed kind: left alone

    files, _ = compact_awscli.compact(tmp_path)

    assert files == 1 and not service.exists()
    assert json.loads(gzip.open(service.with_name("service-2.json.gz")).read()) == model
    assert (service.parent / "paginators-1.sdk-extras.json").exists()
    assert compact_awscli.compact(tmp_path) == (0, 0)


def test_the_installed_cli_still_reads_its_models():
    """After make setup compacted them, `aws` still knows its services' operations and waiters."""
    aws = Path(sys.executable).with_name("aws")
    result = subprocess.run([str(aws), "cloudformation", "wait", "help"], capture_output=True, text=True, check=True)
    assert "stack-create-complete" in result.stdout
