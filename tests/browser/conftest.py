"""A real browser on the course: Debian's headless Chromium, driven by selenium through Debian's
chromedriver (no driver or browser download), and JupyterLab started the way a learner starts it.

`chromium` is a fresh headless browser per test (`offline_browser`, one with its network off for the
slide decks), its console kept (jupyterlab_page.console_errors
reads it); `jupyterlab` runs `make lab` once per session on a free port, with a generated token,
the local stack on the ports this shell exports (`course up` reuses a running one), and settings of
its own (no autosave, so running a notebook never rewrites the committed file; checkpoints in a
temporary folder). Every test here is skipped, saying why, where no Chromium or chromedriver is
installed (`.ci/run` installs both). The steps a test takes in JupyterLab are in jupyterlab_page.py.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
# Generous: on a busy 2-core machine `make lab` may first start the local stack.
LAB_START_TIMEOUT = 300
# The test's own JupyterLab settings (user-settings folder layout: plugin id → file).
LAB_SETTINGS = {
    # Never write a notebook the browser runs: the committed outputs stay as `make notebooks` made them.
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    # Every cell in the page, so the tests see cells below the fold.
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    # No news or update check: no request leaves the machine, no toast covers the page.
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


@dataclass(frozen=True)
class Lab:
    base_url: str
    token: str = field(repr=False)  # never in a failure report

    def url(self, path: str = "lab") -> str:
        return f"{self.base_url}/{path}?token={self.token}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(lab: Lab, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + LAB_START_TIMEOUT
    request = urllib.request.Request(f"{lab.base_url}/api/status", headers={"Authorization": f"token {lab.token}"})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`make lab` exited ({process.returncode}):\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)
    pytest.fail(f"JupyterLab did not answer within {LAB_START_TIMEOUT} s:\n{log.read_text()[-4000:]}")


def _stop(process: subprocess.Popen) -> None:
    """Stop `make lab` and everything it started in its session (JupyterLab and its kernels); the
    local stack runs in a session of its own and stays up for the other tests."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


@pytest.fixture(scope="session")
def browser_installed() -> None:
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(
            "no headless browser here: install Debian's chromium and chromium-driver "
            "(apt-get install chromium chromium-driver; .ci/run does it) to run the browser tests"
        )


@pytest.fixture(scope="session")
def jupyterlab(browser_installed) -> Iterator[Lab]:
    home = Path(tempfile.mkdtemp(prefix="course-browser-lab-"))
    for plugin, values in LAB_SETTINGS.items():
        path = home / "settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    # Checkpoints (the copy JupyterLab keeps of each file it opens) in the test's folder, not as
    # .ipynb_checkpoints/ beside the repository's files; make lab adds .jupyter/ in front of this.
    (home / "config").mkdir()
    (home / "config" / "jupyter_server_config.json").write_text(
        json.dumps({"FileCheckpoints": {"checkpoint_dir": str(home / "checkpoints")}})
    )
    port = free_port()
    lab = Lab(f"http://127.0.0.1:{port}", secrets.token_urlsafe(24))
    environment = dict(
        os.environ,
        NO_BROWSER="1",
        JUPYTER_PORT=str(port),
        JUPYTER_TOKEN=lab.token,  # jupyter_server takes its token from here; it is never printed
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTER_CONFIG_PATH=str(home / "config"),
    )
    log = home / "make-lab.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "lab"],
            cwd=REPO,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_serving(lab, process, log)
        yield lab
    finally:
        _stop(process)
        shutil.rmtree(home, ignore_errors=True)


def headless_chromium(performance_log: bool = False):
    """Debian's headless Chromium through its chromedriver; ``performance_log`` keeps its network events."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--disable-dev-shm-usage", "--window-size=1400,1000", "--disable-gpu"):
        options.add_argument(argument)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # Chromium's sandbox refuses to run as root (CI)
    logs = {"browser": "ALL", "performance": "ALL"} if performance_log else {"browser": "ALL"}
    options.set_capability("goog:loggingPrefs", logs)
    # Service with the driver's path: selenium then skips Selenium Manager (no download).
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(120)
    return driver


@pytest.fixture
def chromium(browser_installed):
    driver = headless_chromium()
    try:
        yield driver
    finally:
        driver.quit()


class OfflineBrowser:
    """Headless Chromium with its network switched off, recording every request and console message."""

    def __init__(self):
        self.driver = headless_chromium(performance_log=True)
        self.driver.execute_cdp_cmd("Network.enable", {})
        self.driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )

    def get(self, url: str) -> None:
        self.driver.get(url)

    def execute_script(self, script: str):
        return self.driver.execute_script(script)

    def wait_for(self, script: str, timeout: float = 60) -> None:
        from selenium.webdriver.support.wait import WebDriverWait

        WebDriverWait(self.driver, timeout).until(lambda driver: driver.execute_script(script))

    def reset_logs(self) -> None:
        self.driver.get_log("browser")
        self.driver.get_log("performance")

    def console_errors(self) -> list[dict]:
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]

    def requested_urls(self) -> list[str]:
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls


@pytest.fixture(scope="module")
def offline_browser(browser_installed):
    browser = OfflineBrowser()
    try:
        yield browser
    finally:
        browser.driver.quit()
