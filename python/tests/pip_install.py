"""`pip install .` offline, as docs/python.md says, and the installed package at work.

Run by CTest as python.pip_install (not by pytest: it compiles the library again, minutes). It
copies the source tree (without its build folders) into SLFIT_PIP_WORK, so that pip writes
nothing into the checkout; makes a virtual environment there that sees Debian's packages;
installs the copy with `pip install --no-build-isolation --no-index`; deletes the copy; and then,
from SLFIT_PIP_WORK with the environment's interpreter, checks that

- `import slfit` finds the installed package, inside the environment;
- `slfit.law("kaplan2020")` comes from the shelf installed with it (slfit/laws), and is the law
  the in-tree build reads from the source tree's laws/;
- chinchilla fitted to Epoch's Chinchilla points (Huber, Hoffmann et al.'s 4500 starts) gives
  the in-tree build's numbers (`to_dict()` apart from `seconds`); skipped with a message without
  the shared data.

Environment: SLFIT_SOURCE_DIR (the checkout), SLFIT_PIP_WORK (emptied first), SLFIT_SHARED_DATA
(../shared/data beside the checkout), PYTHONPATH (the in-tree build's package, build/python),
CMAKE_BUILD_TYPE (the in-tree build's, so that both builds compile alike). Without
python3-venv or python3-wheel it skips (exit code 77) with a message.
"""

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from conftest import without_seconds  # the test suite's own: fit documents without timings

SOURCE = Path(os.environ["SLFIT_SOURCE_DIR"]).resolve()
WORK = Path(os.environ["SLFIT_PIP_WORK"]).resolve()
SHARED = Path(os.environ.get("SLFIT_SHARED_DATA", SOURCE.parent / "shared" / "data"))
EPOCH = SHARED / "epoch-chinchilla" / "svg_extracted_data.csv"

# Run by both interpreters: where slfit is, its shelf, kaplan2020 and (given the data) the fit.
PROBE = r"""
import json, sys
import slfit
from slfit import _slfit
out = {"file": slfit.__file__, "shelf": _slfit.law_shelf(),
       "kaplan2020": slfit.law("kaplan2020").info}
if len(sys.argv) > 1:
    r = slfit.fit("chinchilla", sys.argv[1], col={"N": "Model Size"},
                  derive={"D": '"Training FLOP"/(6*"Model Size")'},
                  where='loss < 3.8 && "Training FLOP" < 1e21',
                  starts="hoffmann", objective="huber", delta=1e-3)
    out["fit"] = r.to_dict()
print(json.dumps(out))
"""


def ignore_build_folders(folder, names):
    """The source tree as `pip install .` sees it, without build folders and version control."""
    ignored = {n for n in names if n == "__pycache__"}
    if Path(folder).resolve() == SOURCE:
        ignored |= {n for n in names if n.startswith(("build", "_install")) or n == ".git"}
    return ignored


def cpu_seconds():
    """User and system time of the finished child processes (the compilers among them)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command, **kwargs):
    out = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if out.returncode != 0:
        sys.exit(f"FAILED ({out.returncode}): {' '.join(map(str, command))}\n"
                 f"{out.stdout[-6000:]}\n{out.stderr[-6000:]}")
    return out


def probe(python, env):
    args = [str(EPOCH)] if EPOCH.exists() else []
    out = run([python, "-c", PROBE, *args], env=env, cwd=WORK)
    return json.loads(out.stdout)


def main():
    for module, package in (("ensurepip", "python3-venv"), ("wheel", "python3-wheel")):
        try:
            __import__(module)
        except ImportError:
            print(f"SKIP: no {module} in {sys.executable} (Debian: apt-get install {package})")
            sys.exit(77)
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    copy = WORK / "source"
    shutil.copytree(SOURCE, copy, ignore=ignore_build_folders)
    venv = WORK / "venv"
    run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)])
    python = venv / "bin" / "python"

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SLFIT_LAW_PATH")}
    env.setdefault("CMAKE_BUILD_PARALLEL_LEVEL", "2")
    start, cpu = time.monotonic(), cpu_seconds()
    out = run([python, "-m", "pip", "install", "-v", "--no-build-isolation", "--no-index",
               "--no-cache-dir", "--disable-pip-version-check", str(copy)], env=env, cwd=WORK)
    (WORK / "pip.log").write_text(out.stdout + out.stderr)
    print(f"pip install: {time.monotonic() - start:.0f} s, {cpu_seconds() - cpu:.0f} s of CPU "
          f"on {env['CMAKE_BUILD_PARALLEL_LEVEL']} jobs (log: {WORK / 'pip.log'})")
    # Without the copy, the source-tree shelf compiled into that build is gone too: what is found
    # by name is the installed shelf.
    shutil.rmtree(copy)

    installed = probe(python, env)
    in_tree = probe(sys.executable, {**env, "PYTHONPATH": os.environ.get("PYTHONPATH", "")})

    package = Path(installed["file"]).resolve().parent
    assert venv in package.parents, f"slfit imported from {package}, not from {venv}"
    assert Path(in_tree["file"]).resolve().parent != package
    # The first folder of the shelf is the package's, and kaplan2020 is read from there.
    shelf = Path(installed["shelf"][0])
    assert shelf.resolve() == package / "laws", installed["shelf"]
    kaplan = installed["kaplan2020"].pop("source")
    assert kaplan == f"law file {shelf / 'kaplan2020.json'}", kaplan
    in_tree["kaplan2020"].pop("source")
    assert installed["kaplan2020"] == in_tree["kaplan2020"], (installed, in_tree)
    print(f"kaplan2020: {kaplan}")

    if "fit" not in installed:
        print(f"SKIP: the fit comparison (no shared data at {EPOCH})")
    else:
        fit = installed["fit"]
        assert fit["converged"] and fit["starts"] == 4500, fit
        assert without_seconds(fit) == without_seconds(in_tree["fit"]), (fit, in_tree["fit"])
        print(f"chinchilla on Epoch's data: objective {fit['objective']['value']!r}, "
              "as the in-tree build")
    print("pip install: OK")


if __name__ == "__main__":
    main()
