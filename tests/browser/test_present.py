"""An instructor's view: `make test`'s set has RISE, as `make present` installs it (the learners'
`make lab` does not), and RISE presents a notebook as slides with the course's settings
(.jupyter/lab/settings/overrides.json, wired by .jupyter/jupyter_server_config.py)."""

from __future__ import annotations

import json
import urllib.request

import jupyterlab_page as page
from selenium.webdriver.common.by import By


def test_rise_takes_the_courses_slide_settings(jupyterlab):
    request = urllib.request.Request(
        f"{jupyterlab.base_url}/lab/api/settings/jupyterlab-rise:plugin",
        headers={"Authorization": f"token {jupyterlab.token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        schema = json.load(response)["schema"]  # the overrides become the schema's defaults
    settings = {name: value.get("default") for name, value in schema["properties"].items()}
    assert (settings["theme"], settings["width"], settings["height"], settings["scroll"]) == (
        "white",
        "1280",
        "720",
        True,
    )


def test_rise_presents_a_notebook_as_slides(chromium, jupyterlab):
    chromium.get(jupyterlab.url("rise/notebooks/01_data_warehouses.ipynb"))
    slides = page.wait(chromium).until(
        lambda driver: driver.find_elements(By.CSS_SELECTOR, ".reveal .slides > section")
    )
    assert len(slides) > 3, f"{len(slides)} slides"
    # reveal.js marks its deck with the transition it runs: the course's "none", not RISE's default "linear".
    deck = chromium.find_element(By.CSS_SELECTOR, ".reveal").get_attribute("class").split()
    assert "none" in deck and "linear" not in deck, deck
