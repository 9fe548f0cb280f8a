"""Where the course lives: the repository's root, the handouts, the data files.

(The local cloud keeps its state elsewhere: `local_cloud.config.state_dir()`.)"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

HANDOUTS = REPO_ROOT / "handouts"
DEPLOY_SCRIPT = HANDOUTS / "deploy.sh"
DATA_DIR = HANDOUTS / "data"
HANDOUT_FILE = DATA_DIR / "mystery_shops_2024-03.csv"
MONTH_FILES = tuple(DATA_DIR / f"mystery_shops_2024-{month:02d}.csv" for month in range(1, 7))
