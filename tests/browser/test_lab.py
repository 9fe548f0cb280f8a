"""A learner's session in a real browser: JupyterLab as `make lab` serves it, notebooks 00, 06 and 08
run with Run All, the quiz answered, the file browser and a link followed (issues 13 and 14)."""

from __future__ import annotations

import jupyterlab_page as page
import pytest
from selenium.webdriver.common.by import By

from redshift_course.paths import REPO_ROOT

FEEDBACK = ("Correct!", "Not quite.")


def run_without_errors(driver, lab, path: str):
    panel = page.open_notebook(driver, lab, path)
    page.run_all(driver, panel)
    assert not page.error_outputs(panel), page.error_outputs(panel)
    not_run = [
        page.prompt(cell) for cell in page.code_cells(panel) if not page.NUMBERED_PROMPT.match(page.prompt(cell))
    ]
    assert not not_run, f"{len(not_run)} code cells did not run"
    return panel


# nbval runs every notebook twice (in order, then each on a fresh stack); in the browser run the ones
# whose cells the browser takes part in: 00 (a learner's first contact) and 06 (the upload picker and
# the live status of a load, ipywidgets talking to JupyterLab); 08 and its quiz follow. The rest of the
# core path in the browser took 2 minutes of CI's 20 and showed nothing nbval does not. By the time these
# run, nbval has deployed and loaded on the same local stack, so each takes seconds.
IN_THE_BROWSER = ["00_start_here.ipynb", "06_trigger_the_lambda.ipynb"]


@pytest.mark.parametrize("name", IN_THE_BROWSER)
def test_a_notebook_runs_top_to_bottom_in_the_browser(chromium, jupyterlab, name):
    run_without_errors(chromium, jupyterlab, f"notebooks/{name}")


def test_08_runs_and_its_quiz_answers_only_the_question_asked(chromium, jupyterlab):
    panel = run_without_errors(chromium, jupyterlab, "notebooks/08_recap_and_quiz.ipynb")
    questions = page.wait(chromium).until(lambda _: panel.find_elements(By.CSS_SELECTOR, ".widget-radio-box"))

    def feedback() -> list[str]:
        shown = (page.text(html) for html in panel.find_elements(By.CSS_SELECTOR, ".widget-html-content"))
        return [text for text in shown if text.startswith(FEEDBACK)]

    page_text = page.text(panel)
    assert not feedback() and "<- answer" not in page_text and "Why:" not in page_text, "an answer shows unasked"
    page.click(chromium, questions[0].find_element(By.CSS_SELECTOR, "input[type='radio']"))
    page.click(chromium, panel.find_element(By.XPATH, ".//button[normalize-space()='Check Q1']"))
    page.wait(chromium).until(lambda _: feedback())
    assert len(feedback()) == 1, feedback()
    assert "Score so far: " in page.text(panel)


def test_the_notebooks_folder_lists_notebooks_only(chromium, jupyterlab):
    page.open_in_lab(chromium, jupyterlab, "notebooks")
    names = page.wait(chromium).until(lambda d: "00_start_here.ipynb" in page.listed_names(d) and page.listed_names(d))
    assert names == sorted(path.name for path in (REPO_ROOT / "notebooks").glob("*.ipynb")), names


@pytest.mark.parametrize(
    ("notebook", "target"),
    [("notebooks/00_start_here.ipynb", "docs/conformance.md")],
)
def test_a_link_from_a_notebook_opens_the_file_it_names(chromium, jupyterlab, notebook, target):
    panel = page.open_notebook(chromium, jupyterlab, notebook)
    name = target.rsplit("/", 1)[-1]
    link = panel.find_element(
        By.XPATH, f".//div[contains(@class, 'jp-RenderedMarkdown')]//a[contains(@href, '{name}')]"
    )
    page.click(chromium, link)
    page.wait(chromium).until(
        lambda d: page.current_tab_path(d) == target or d.find_elements(By.CSS_SELECTOR, ".jp-Dialog")
    )
    dialogs = [page.text(dialog) for dialog in chromium.find_elements(By.CSS_SELECTOR, ".jp-Dialog")]
    assert not dialogs, dialogs
    heading = (REPO_ROOT / target).read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
    page.wait(chromium).until(lambda _: heading in page.text(page.main_area(chromium)))
