"""Project-level rules: packaging agrees with itself, the workflow is valid, notebooks are thin and
parameterized with a module of the same name, and no date is written outside the configuration."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib

import nbformat
import yaml
from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from evalkit import maaleparametre
from evalkit.render.qmd import cell_options


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]]
    result = {canonicalize_name(r.name): str(r.specifier) for r in reqs}
    result["python"] = project["requires-python"]
    return result


def _environment_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    result = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for pip_dep in dep["pip"]:
                if not pip_dep.startswith("-e"):
                    req = Requirement(pip_dep)
                    result[canonicalize_name(req.name)] = str(req.specifier)
        else:
            name, _, spec = dep.partition(" ")
            result[canonicalize_name(name)] = spec.replace(" ", "")
    return result


def test_environment_yml_and_pyproject_agree():
    env = _environment_requirements()
    assert "quarto" in env and "pip" in env
    env = {k: v for k, v in env.items() if k not in ("quarto", "pip")}
    assert env == _pyproject_requirements()


def test_lock_pins_every_installed_requirement_exactly():
    lock = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, sep, version = line.partition("==")
            assert sep, f"not an exact pin: {line}"
            lock[canonicalize_name(name)] = version
    for name, spec in _pyproject_requirements().items():
        if name != "python":
            assert name in lock, f"{name} is not pinned in requirements.lock"
            assert Requirement(f"{name}{spec}").specifier.contains(lock[name]), (name, spec, lock[name])
    assert "setuptools" in lock and "wheel" in lock  # the build backend is pinned too (PIP_CONSTRAINT)


def test_github_workflow_is_valid_and_builds_with_quarto():
    workflow = ROOT / ".github" / "workflows" / "report.yml"
    proc = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(workflow)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = workflow.read_text()
    assert "quarto-dev/quarto-actions/setup" in text
    assert "make test" in text and "make report RENDERER=quarto" in text
    assert "upload-artifact" in text and "_output/" in text


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def _notebooks():
    return {p.stem: nbformat.read(p, as_version=4) for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}


def test_each_notebook_has_a_module_of_the_same_name_and_vice_versa():
    # besides the measures: the summary (a notebook of its own), the economics and what measures share
    modules = {p.stem for p in (ROOT / "src" / "evalkit" / "maaleparametre").glob("*.py")} - {"__init__"}
    assert modules - {"sammenfatning", "konklusioner", "oekonomi", "faelles", "dokument", "analyseplan"} == set(maaleparametre.NAMES)
    assert set(_notebooks()) == set(maaleparametre.NAMES) | {"sammenfatning"}
    assert {"sammenfatning", "oekonomi", "faelles", "dokument"} <= modules


def test_notebooks_are_thin_and_parameterized():
    for name, nb in _notebooks().items():
        code = [c for c in nb.cells if c.cell_type == "code"]
        params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
        assert len(params) == 1, name
        for key in ("fase", "data_dir", "output_dir", "config_path"):
            assert re.search(rf"^{key} = ", params[0].source, re.M), (name, key)
        if name in maaleparametre.NAMES:  # a build's notebook maps the tables its data check wrote
            assert re.search(r"^kontrollerede_data = None$", params[0].source, re.M), name
            assert re.search(r"notebook\.start\(.*, kontrollerede_data\)", "".join(c.source for c in code)), name
        assert all(not c.get("outputs") for c in code), f"{name}: committed with outputs"
        labelled = [cell_options(c.source) for c in code if cell_options(c.source).get("label")]
        if name in maaleparametre.NAMES:
            assert any(o["label"].startswith("tbl-") for o in labelled) and any(o["label"].startswith("fig-") for o in labelled)
        for options in labelled:
            if options["label"].startswith("tbl-"):
                assert options.get("tbl-cap"), options
            if options["label"].startswith("fig-"):
                assert options.get("fig-cap") and options.get("fig-alt"), options
        for cell in code:
            body = [line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")]
            assert len(body) <= 8, f"{name}: a cell with more than a few lines belongs in evalkit"
            assert not re.search(r"\b(groupby|merge|crosstab|\.sum\(|\.mean\()", cell.source), f"{name}: computation in a notebook"


DATE = re.compile(r"\b(19|20)\d\d-(0[1-9]|1[0-2])\b|\b(19|20)\d\d\b")
MONTHS = re.compile(r"\b(januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december)\b", re.I)
DATE_CALLS = {"date", "datetime", "Timestamp", "Period", "to_datetime"}


def _python_offenders(path) -> list[str]:
    """Dates in a module's string literals (docstrings aside) and date constructors with literal years."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            found += [m.group(0) for m in DATE.finditer(node.value)] + [m.group(0) for m in MONTHS.finditer(node.value)]
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in DATE_CALLS and any(isinstance(a, ast.Constant) and isinstance(a.value, int) and a.value >= 1900 for a in node.args):
                found.append(ast.unparse(node))
    return [f"{path.relative_to(ROOT)}: {f}" for f in found]


def test_no_date_or_period_outside_the_configuration():
    offenders = []
    for path in (ROOT / "src" / "evalkit").rglob("*.py"):
        offenders += _python_offenders(path)
    texts = [(p, "\n".join(c.source for c in nbformat.read(p, as_version=4).cells)) for p in (ROOT / "notebooks").glob("*.ipynb")]
    texts += [(p, p.read_text(encoding="utf-8")) for p in (ROOT / "reports").glob("*.*md")]
    for path, text in texts:
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in list(DATE.finditer(text)) + list(MONTHS.finditer(text))]
    assert offenders == []
