"""Exercise analyzers, one module per exercise.

Every public module here registers its analyzer with
:func:`coach.registry.register` on import; this package imports them all,
so adding an exercise means adding a module (nothing else to edit).
"""

from __future__ import annotations

import importlib
import pkgutil

for _info in pkgutil.iter_modules(__path__):
    if not _info.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_info.name}")
