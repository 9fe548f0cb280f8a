# The course's JupyterLab settings, read by `make lab`, Binder (binder/start) and the browser tests
# through JUPYTER_CONFIG_PATH; a learner's own ~/.jupyter still wins over them.
c = get_config()  # noqa: F821 (jupyter_server provides it)

# The server's root is the repository, so that every link in a notebook or handout opens
# (../docs/…, ../deploy.sh); it opens on the first notebook.
c.LabApp.default_url = "/lab/tree/notebooks/00_start_here.ipynb"

# Hidden files and folders (.venv, .course, .git) are hidden already (allow_hidden is off). These are
# the build outputs a learner has no reason to browse: the Lambda's build folder and wheel cache
# (handouts/build), the exported slides (_site), pip's metadata; jupyter_server's own defaults kept.
c.ContentsManager.hide_globs = ["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~", "build", "_site", "*.egg-info"]
