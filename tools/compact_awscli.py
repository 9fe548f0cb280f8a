"""Gzip the AWS CLI's own copy of the service models, as botocore itself ships them.

AWS CLI v1 (the `awscli` package on PyPI) carries a private copy of botocore whose models are plain
JSON, about 120 MB of the learners' .venv, while the botocore package ships the same models
gzipped. The copy's loader reads `name.json.gz` as readily as `name.json` (botocore.loaders'
_JSON_OPEN_METHODS), so compressing them changes nothing the CLI does and saves ~100 MB on disk.
`make setup` runs this after every install; running it again does nothing.
"""

from __future__ import annotations

import gzip
import shutil
import sys
from pathlib import Path

# The model files botocore itself ships gzipped, plus the CLI's larger companions.
COMPRESSED = ("service-2.json", "endpoint-rule-set-1.json", "examples-1.json", "paginators-1.json", "waiters-2.json")


def awscli_models() -> Path | None:
    try:
        import awscli
    except ImportError:
        return None
    data = Path(awscli.__file__).parent / "botocore" / "data"
    return data if data.is_dir() else None


def compact(data: Path) -> tuple[int, int]:
    """Gzip every plain model file under ``data``; (files compressed, bytes saved)."""
    files = saved = 0
    for name in COMPRESSED:
        for plain in data.rglob(name):
            packed = plain.with_name(plain.name + ".gz")
            with plain.open("rb") as source, gzip.open(packed, "wb", compresslevel=6) as target:
                shutil.copyfileobj(source, target)
            saved += plain.stat().st_size - packed.stat().st_size
            plain.unlink()
            files += 1
    return files, saved


def main() -> int:
    data = awscli_models()
    if data is None:
        print("No AWS CLI v1 models to compact (awscli is not installed, or keeps no private botocore).")
        return 0
    files, saved = compact(data)
    if files:
        print(f"AWS CLI models gzipped: {files} files, {saved / 1e6:.0f} MB saved.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
