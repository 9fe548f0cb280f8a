"""The handouts' own code, for the notebooks, tests and tools that must agree with it.

The Lambda (`handouts/src/`) is what learners deploy and the data generator
(`handouts/data/generate_mystery_shops.py`) what made their files; neither can import this
package, but this package can import them. So the table's name, its lineage column, the rejects
files' keys, the settings keys and the CSV's columns each have one home, in the Lambda, and the
notebooks' helpers take them from there. This module is the one place that finds that code.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from functools import cache
from types import ModuleType

from .paths import REPO_ROOT

LAMBDA_SOURCE = REPO_ROOT / "handouts" / "src"
LAMBDA_HANDLER_MODULE = "mystery_shop_etl_lambda"
DATA_GENERATOR = REPO_ROOT / "handouts" / "data" / "generate_mystery_shops.py"

if str(LAMBDA_SOURCE) not in sys.path:
    sys.path.append(str(LAMBDA_SOURCE))  # appended: the Lambda's package never shadows an installed one

from etl_utils import db_utils, s3_utils, sql_utils, staging_utils, transform_utils  # noqa: E402


def lambda_handler_module() -> ModuleType:
    """The Lambda's entry module (`mystery_shop_etl_lambda.py`, whose `handler` AWS calls)."""
    return importlib.import_module(LAMBDA_HANDLER_MODULE)


@cache
def data_generator() -> ModuleType:
    """The handouts' seeded generator, imported from its file (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("generate_mystery_shops", DATA_GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


__all__ = [
    "LAMBDA_SOURCE",
    "data_generator",
    "db_utils",
    "lambda_handler_module",
    "s3_utils",
    "sql_utils",
    "staging_utils",
    "transform_utils",
]
