"""What a learner does in JupyterLab, as selenium steps: open a file, run a notebook, read its cells,
list a folder. Every step waits on a condition (generous timeouts: the machine may be busy), never
for a fixed time."""

from __future__ import annotations

import re

from selenium.common.exceptions import (
    ElementClickInterceptedException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as condition
from selenium.webdriver.support.ui import WebDriverWait

# Loading JupyterLab, or running a whole notebook against the local stack, on a busy machine.
PAGE_TIMEOUT = 120
RUN_TIMEOUT = 300
NUMBERED_PROMPT = re.compile(r"^\[\d+\]:$")


def wait(driver, timeout: float = PAGE_TIMEOUT) -> WebDriverWait:
    # JupyterLab re-renders as it loads: an element read a moment ago may be gone; look again.
    return WebDriverWait(driver, timeout, poll_frequency=0.5, ignored_exceptions=(StaleElementReferenceException,))


def text(element) -> str:
    """An element's text, also where the browser has not laid it out (off-screen)."""
    return (element.get_attribute("textContent") or "").strip()


def click(driver, element) -> None:
    """Scroll an element to the middle of the page and click it; again while something (a toast, a
    tooltip, a menu closing) still covers it."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)

    def clicked(_) -> bool:
        try:
            element.click()
        except ElementClickInterceptedException:
            return False
        return True

    wait(driver, 30).until(clicked, "something kept covering the element to click")


def open_in_lab(driver, lab, path: str) -> None:
    """Open a file or folder of the repository as a learner's link would (lab/tree/<path>), in a
    fresh workspace (no tabs left from an earlier test)."""
    driver.get(lab.url(f"lab/tree/{path}") + "&reset")
    wait(driver).until(condition.presence_of_element_located((By.CSS_SELECTOR, ".jp-LabShell")))


def current_tab_path(driver) -> str:
    """The path of the document in the main area's current tab ("" while there is none)."""
    for tab in driver.find_elements(By.CSS_SELECTOR, ".lm-TabBar-tab.jp-mod-current"):
        found = re.search(r"^Path: (.+)$", tab.get_attribute("title") or "", re.MULTILINE)
        if found:
            return found.group(1)
    return ""


def main_area(driver):
    """The document shown in the main area's current tab."""
    return driver.find_element(By.CSS_SELECTOR, ".jp-MainAreaWidget:not(.lm-mod-hidden)")


def open_notebook(driver, lab, path: str):
    """Open a notebook and wait until its kernel is idle; returns its panel."""
    open_in_lab(driver, lab, path)
    wait(driver).until(lambda d: current_tab_path(d) == path, f"{path} did not open in a tab")
    wait(driver).until(lambda d: kernel_status(d) == "idle", f"{path}: the kernel did not become idle")
    return main_area(driver)


def kernel_status(driver) -> str:
    """The open notebook's kernel status ("idle", "busy", "starting", …); "" before it shows."""
    indicators = driver.find_elements(
        By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator"
    )
    return (indicators[0].get_attribute("data-status") or "") if indicators else ""


def run_command(driver, menu: str, command: str) -> None:
    """Click a menu bar entry, e.g. ("Run", "runmenu:run-all") for Run ▸ Run All Cells."""
    menu_xpath = f"//li[contains(@class, 'lm-MenuBar-item')][normalize-space(.)='{menu}']"
    click(driver, wait(driver).until(condition.element_to_be_clickable((By.XPATH, menu_xpath))))
    item = f".lm-Menu-item[data-command='{command}']"
    click(driver, wait(driver).until(condition.element_to_be_clickable((By.CSS_SELECTOR, item))))


def code_cells(panel) -> list:
    return panel.find_elements(By.CSS_SELECTOR, ".jp-CodeCell")


def prompt(cell) -> str:
    return text(cell.find_element(By.CSS_SELECTOR, ".jp-InputArea-prompt"))


def error_outputs(panel) -> list[str]:
    """The text of every stderr stream or error (traceback) shown in the notebook."""
    outputs = panel.find_elements(
        By.CSS_SELECTOR, ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    )
    return [text(output)[:2000] for output in outputs]


def run_all(driver, panel) -> None:
    """Clear every output (the committed ones carry prompt numbers too), Run All, then wait until
    every code cell has run (a number in its prompt) or one failed."""
    run_command(driver, "Edit", "editmenu:clear-all")
    wait(driver).until(lambda _: not any(NUMBERED_PROMPT.match(prompt(cell)) for cell in code_cells(panel)))

    def started(_) -> bool:
        return any(prompt(cell) != "[ ]:" for cell in code_cells(panel))

    for _attempt in range(3):  # a click on a menu that is still closing can get lost: try again
        run_command(driver, "Run", "runmenu:run-all")
        try:
            wait(driver, 30).until(started)
            break
        except TimeoutException:
            continue
    try:
        wait(driver, RUN_TIMEOUT).until(
            lambda d: (
                error_outputs(panel)
                or (
                    kernel_status(d) == "idle"
                    and all(NUMBERED_PROMPT.match(prompt(cell)) for cell in code_cells(panel))
                )
            )
        )
    except TimeoutException:
        prompts = [prompt(cell) for cell in code_cells(panel)]
        raise AssertionError(
            f"Run All unfinished after {RUN_TIMEOUT} s: kernel {kernel_status(driver)}, prompts {prompts}"
        ) from None


def listed_names(driver) -> list[str]:
    """The names the file browser lists in its current folder."""
    # In one script: the listing re-renders while it loads, so element by element could go stale.
    return driver.execute_script(
        "return [...document.querySelectorAll('.jp-FileBrowser .jp-DirListing-item .jp-DirListing-itemText')]"
        ".map(item => item.textContent.trim());"
    )


def console_errors(driver) -> list[str]:
    """The browser console's errors since the last call (for offline checks of a page)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
