"""The package's layers: every import in src/evalkit points down, read from the source with `ast`.

cli → bygning → render, maaleparametre → praesentation → data → config → the data contract →
statistik → the foundation (errors, i18n, paths). A module may import its own layer or a lower one,
never a higher one; only the build engine uses the renderers; a measure imports no other measure; and
the statistics hold no Danish text and touch no files.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "evalkit"

# Layers from the bottom up; a module belongs to the layer of the longest prefix that names it.
ORDER = ("grund", "statistik", "kontrakt", "config", "data", "praesentation", "maaleparametre", "render", "bygning", "cli")
LAYER_OF = {
    "evalkit": "grund",  # the package itself: __version__
    "evalkit.errors": "grund",
    "evalkit.i18n": "grund",
    "evalkit.paths": "grund",
    "evalkit.statistik": "statistik",
    # the contract is what config checks its codes against; it needs nothing but the foundation
    "evalkit.data.contract": "kontrakt",
    "evalkit.data.panel": "kontrakt",
    "evalkit.config": "config",
    "evalkit.data": "data",
    "evalkit.praesentation": "praesentation",
    "evalkit.maaleparametre": "maaleparametre",
    "evalkit.render": "render",
    "evalkit.bygning": "bygning",
    "evalkit.cli": "cli",
    "evalkit.__main__": "cli",
}
# what a measure (a module with a notebook of its own) may import from its own package
MEASURE_LIBRARIES = {"evalkit.maaleparametre.faelles", "evalkit.maaleparametre.oekonomi", "evalkit.maaleparametre.konklusioner"}
STATISTICS_MAY_IMPORT = {"math", "warnings", "collections", "dataclasses", "typing", "decimal", "numpy", "pandas", "scipy", "statsmodels", "__future__"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (PACKAGE.parent / relative).with_suffix(".py").is_file() or (PACKAGE.parent / relative / "__init__.py").is_file()


def imports(source: str, importer: str) -> list[tuple[int, str]]:
    """Every module `source` imports (also inside functions), with its line; `from evalkit.x import y`
    counts as evalkit.x.y when y is a module."""
    found = []
    package = importer if _is_module(importer + ".__init__") else importer.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.append((node.lineno, full if _is_module(full) else base))
    return found


def layer(name: str) -> str:
    prefixes = [p for p in LAYER_OF if name == p or name.startswith(p + ".")]
    return LAYER_OF[max(prefixes, key=len)]


def violations(importer: str, source: str) -> list[str]:
    """What is wrong with the imports of module `importer` whose code is `source`."""
    problems = []
    own = layer(importer)
    measures = _measures()
    for line, target in imports(source, importer):
        if target.split(".")[0] != "evalkit":
            if own == "statistik" and target.split(".")[0] not in STATISTICS_MAY_IMPORT:
                problems.append(f"{importer}:{line}: statistics import {target} (no I/O, no presentation)")
            continue
        other = layer(target)
        if ORDER.index(other) > ORDER.index(own):
            problems.append(f"{importer}:{line}: {own} imports {target} from the higher layer {other}")
        if other == "render" and own not in ("render", "bygning"):
            problems.append(f"{importer}:{line}: only the build engine uses the renderers, not {importer}")
        if importer in measures and other == "maaleparametre" and target != "evalkit.maaleparametre":
            if target not in MEASURE_LIBRARIES:
                problems.append(f"{importer}:{line}: a measure imports {target}; shared code belongs in faelles")
    return problems


def _measures() -> set[str]:
    notebooks = PACKAGE.parents[1] / "notebooks"
    return {f"evalkit.maaleparametre.{p.stem}" for p in notebooks.glob("*.ipynb")}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_imports_point_down(path: Path) -> None:
    assert violations(module_name(path), path.read_text(encoding="utf-8")) == []


def test_every_module_has_a_layer() -> None:
    for path in _modules():
        assert layer(module_name(path)) in ORDER


def test_every_measure_has_a_module_and_a_notebook() -> None:
    for name in _measures():
        assert _is_module(name), f"{name} has a notebook but no module"


def test_the_checker_finds_what_it_is_for() -> None:
    assert violations("evalkit.statistik.andele", "from evalkit.praesentation import formatting\n") == [
        "evalkit.statistik.andele:1: statistik imports evalkit.praesentation.formatting from the higher layer praesentation"
    ]
    assert violations("evalkit.data.loading", "def f():\n    from evalkit.bygning.cache import Cache\n")  # lazy
    assert violations("evalkit.config", "from evalkit.data import loading\n")
    assert violations("evalkit.maaleparametre.varighed", "from evalkit.maaleparametre import afgange\n")
    assert violations("evalkit.maaleparametre.afgange", "from evalkit.render import select\n")
    assert violations("evalkit.statistik.tal", "from pathlib import Path\n")
    assert violations("evalkit.praesentation.tables", "from . import formatting\n") == []  # relative, same layer
    assert violations("evalkit.bygning.build", "from evalkit.maaleparametre import afgange\nimport evalkit.render\n") == []
    assert violations("evalkit.maaleparametre.varighed", "from evalkit.maaleparametre import faelles, oekonomi\n") == []


def test_statistics_hold_no_danish_text() -> None:
    """Danish wording belongs to praesentation: no string in statistik but docstrings has æ, ø or å."""
    for path in (PACKAGE / "statistik").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node) is not None
        }
        texts = [
            node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
        ]
        assert not [t for t in texts if set(t.lower()) & set("æøå")], path.name
