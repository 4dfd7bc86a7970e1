"""One module per måleparameter; each has a notebook of the same name in `notebooks/`.

Every module declares the input tables it reads (`TABLES`) and offers `compute(...)` for the
numbers, table builders for the published tables, `figure(...)` and `to_json(...)` for
`resultater.json`. Besides them: `sammenfatning` (the résumé and assessment, with its own notebook),
`oekonomi` (the transfer costs and the business case, shown by `varighed`) and `faelles`, what several
measures share; a measure imports no other measure.
"""

import ast
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from types import ModuleType

NAMES = ("baseline", "afgange", "virksomhedsplaceringer", "langtidsgruppen", "samtaler", "personale", "planer", "varighed")


def module(name: str) -> ModuleType:
    """The measurement module `name`."""
    if name not in NAMES:
        raise KeyError(name)
    return import_module(f"evalkit.maaleparametre.{name}")


@lru_cache(maxsize=None)
def tables(name: str) -> tuple[str, ...]:
    """The input tables module `name` declares (its `TABLES`), read from its source without importing it:
    planning a build stays light, while the modules import statsmodels and matplotlib."""
    if name not in NAMES:
        raise KeyError(name)
    tree = ast.parse(Path(__file__).with_name(f"{name}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "TABLES" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    raise LookupError(f"evalkit.maaleparametre.{name} declares no TABLES")
