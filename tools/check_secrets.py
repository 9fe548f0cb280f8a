#!/usr/bin/env python3
"""Fail when the tree holds a secret-like string that nobody has audited.

`detect-secrets scan --baseline` is run on a copy of `.secrets.baseline`: it refreshes the line
numbers of known findings (so an edit that only moves a line passes) and adds new findings without
an audit. Every finding must carry `"is_secret": false` in the committed baseline; anything else is
printed with its file and line, and the check fails. To accept a plainly fake value, audit it:
`.venv/bin/detect-secrets audit .secrets.baseline` (or mark the line `# pragma: allowlist secret`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / ".secrets.baseline"
EXCLUDE = r"(^\.venv|^\.venv-tools/|^handouts/build/|\.ipynb$|^bench/data/|^\.secrets\.baseline$)"


def main() -> int:
    scanner = Path(sys.executable).with_name("detect-secrets")
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "baseline.json"
        shutil.copy(BASELINE, copy)
        subprocess.run(
            [str(scanner), "scan", "--baseline", str(copy), "--exclude-files", EXCLUDE], cwd=ROOT, check=True
        )
        results = json.loads(copy.read_text())["results"]
    unaudited = [
        f"{path}:{finding['line_number']}: {finding['type']}"
        for path, findings in sorted(results.items())
        for finding in findings
        if finding.get("is_secret") is not False
    ]
    for line in unaudited:
        print(f"possible secret, not audited: {line}", file=sys.stderr)
    if unaudited:
        print("Remove it (secrets live in SSM), or audit a fake one into .secrets.baseline.", file=sys.stderr)
        return 1
    print(f"detect-secrets: {sum(len(f) for f in results.values())} findings, all audited as not secrets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
