"""One module per måleparameter; each has a notebook of the same name in `notebooks/`.

Every module declares the input tables it reads (`TABLES`) and offers `compute(...)` for the
numbers, table builders for the published tables, `figure(...)` and `to_json(...)` for
`resultater.json`.
"""

from importlib import import_module
from types import ModuleType

NAMES = ("baseline", "afgange", "virksomhedsplaceringer", "langtidsgruppen", "samtaler", "personale", "planer", "varighed")


def module(name: str) -> ModuleType:
    """The measurement module `name`."""
    if name not in NAMES:
        raise KeyError(name)
    return import_module(f"evalkit.maaleparametre.{name}")
