# The course's JupyterLab settings. `make lab` (and so tests/browser/) reads them through
# JUPYTER_CONFIG_PATH, where a learner's own ~/.jupyter still wins over them; Binder, whose home
# folder is the repository, reads them as ~/.jupyter.
from pathlib import Path

c = get_config()  # noqa: F821 (jupyter_server provides it)

# `make lab` serves the repository root (so that every link in a notebook or handout opens:
# ../docs/…, ../deploy.sh); JupyterLab opens on the first notebook.
c.LabApp.default_url = "/lab/tree/notebooks/00_start_here.ipynb"

# Hidden files and folders (.venv, .course, .git) are hidden already (allow_hidden is off). These are
# the build outputs a learner has no reason to browse: the Lambda's build folder and wheel cache
# (handouts/build), the exported slides (_site), pip's metadata; jupyter_server's own defaults kept.
c.ContentsManager.hide_globs = ["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~", "build", "_site", "*.egg-info"]

# RISE (Alt+R presents the notebook as slides) set up as `make slides` sets up its decks: the white
# theme, a 1280x720 canvas scaled to the screen, tall slides scrolling, no "Click to add a cell." bar.
# Those defaults are in lab/settings/overrides.json beside this file (this folder has no other settings).
# RISE is the instructors' (`make present` installs it); under `make lab`, which has no RISE,
# JupyterLab has no such plugin and leaves its overrides unused.
c.LabApp.app_settings_dir = str(Path(__file__).resolve().parent / "lab" / "settings")
