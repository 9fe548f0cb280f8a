"""Write environment.yml from requirements.txt, so conda users get exactly the pinned versions."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = """\
# Generated from requirements.txt by `make environment.yml`; do not edit by hand.
# The learners' pins (what make lab installs); instructors add: pip install -r requirements-present.txt
# (RISE), maintainers: pip install -r requirements-present.txt -r requirements-dev.txt
# conda env create -f environment.yml && conda activate aws07-redshift && pip install --no-deps -e .
name: aws07-redshift
channels:
  - conda-forge
dependencies:
  - python>=3.11,<3.14
  - pip
  - pip:
"""


def render() -> str:
    pins = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    pins = [pin for pin in pins if pin and not pin.startswith("#")]
    return HEADER + "".join(f"      - {pin}\n" for pin in pins)


if __name__ == "__main__":
    (ROOT / "environment.yml").write_text(render())
