"""`pip install .`: the package slfit (python/slfit), its module _slfit built by slfit's own
CMake, and the shelf of law files (laws/*.json) as slfit/laws. Metadata is in pyproject.toml.

The CMake build configures slfit with only the Python package on (no tests, tool, examples,
benchmarks or fuzzers), builds the target _slfit and what it links (slfit::runtime), in Release
unless CMAKE_BUILD_TYPE says otherwise, on CMAKE_BUILD_PARALLEL_LEVEL jobs (default: the number
of processors). CMAKE_ARGS adds arguments to the configure step. Everything setuptools writes
goes under build-pip/ (the CMake build in build-pip/temp.*/cmake, reused by the next install).
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
BUILD_BASE = "build-pip"


def project_version():
    """The version of `project(slfit VERSION X.Y.Z ...)` in CMakeLists.txt."""
    text = (ROOT / "CMakeLists.txt").read_text()
    match = re.search(r"project\(\s*slfit\s+VERSION\s+([0-9][0-9.]*)", text)
    if not match:
        raise RuntimeError("CMakeLists.txt: no `project(slfit VERSION ...)`")
    return match.group(1)


class CMakeBuild(build_ext):
    """Builds the module _slfit with slfit's CMake and puts it where setuptools expects it."""

    def build_extension(self, ext):
        cmake = shutil.which("cmake")
        if cmake is None:
            raise RuntimeError("slfit needs CMake (Debian: apt-get install cmake); see README.md")
        build_dir = Path(self.build_temp).resolve() / "cmake"
        build_type = os.environ.get("CMAKE_BUILD_TYPE") or ("Debug" if self.debug else "Release")
        configure = [
            cmake, "-S", str(ROOT), "-B", str(build_dir),
            f"-DCMAKE_BUILD_TYPE={build_type}",
            f"-DPython_EXECUTABLE={sys.executable}",
            "-DSLFIT_BUILD_PYTHON=ON",
            "-DSLFIT_BUILD_TESTS=OFF",
            "-DSLFIT_BUILD_TOOLS=OFF",
            "-DSLFIT_BUILD_EXAMPLES=OFF",
            "-DSLFIT_BUILD_BENCHMARKS=OFF",
            "-DSLFIT_BUILD_FUZZERS=OFF",
            "-DSLFIT_INSTALL=OFF",
        ] + shlex.split(os.environ.get("CMAKE_ARGS", ""))
        build = [cmake, "--build", str(build_dir), "--config", build_type, "--target", "_slfit"]
        if not os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL"):
            build += ["--parallel", str(self.parallel or os.cpu_count() or 2)]
        subprocess.run(configure, check=True)
        subprocess.run(build, check=True)
        # The CMake build assembles the package in <build>/python/slfit; only the module is
        # taken from there (setuptools copies the Python files itself).
        built = sorted((build_dir / "python" / "slfit").glob("_slfit.*"))
        built = [p for p in built if p.suffix in (".so", ".pyd")]
        if len(built) != 1:
            raise RuntimeError(f"expected one module _slfit in {build_dir}, found {built}")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[0], target)


# setuptools' own folders (build, bdist, egg-info) under build-pip/, not in the CMake build/.
(ROOT / BUILD_BASE).mkdir(exist_ok=True)

setup(
    version=project_version(),
    packages=["slfit", "slfit.laws"],
    package_dir={"slfit": "python/slfit", "slfit.laws": "laws"},
    package_data={"slfit": ["*.pyi", "py.typed"], "slfit.laws": ["*.json"]},
    ext_modules=[Extension("slfit._slfit", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
    options={"build": {"build_base": BUILD_BASE}, "egg_info": {"egg_base": BUILD_BASE}},
)
