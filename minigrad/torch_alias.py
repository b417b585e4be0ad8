"""`minigrad.as_torch()`: make `import torch` (and `import torch.nn as nn`, ...) load minigrad.

`import minigrad as torch` names only the top module: a later `import torch.nn as nn` or
`from torch.utils.data import DataLoader` asks Python for a package called `torch`. After
`as_torch()`, every `torch` or `torch.<sub>` import is answered by minigrad's module of the
same name, so a lesson's own import lines run unchanged. A `torch.<sub>` minigrad lacks fails
with a ModuleNotFoundError that says so.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType
from typing import Any

from minigrad.missing import NOTE


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finder and loader for `torch.<sub>`: the module is minigrad's `minigrad.<sub>`."""

    def __init__(self) -> None:
        self.specs: dict[str, Any] = {}  # minigrad's own spec of each module handed out

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        """A spec for `torch.<sub>` when minigrad has `minigrad.<sub>`, else an error.

        Args:
            fullname: the module asked for.
            path: the parent package's path (unused).
            target: unused.
        """
        if not fullname.startswith("torch."):
            return None
        ours = "minigrad." + fullname.removeprefix("torch.")
        if importlib.util.find_spec(ours) is None:
            message = f"minigrad has no '{fullname}' yet {NOTE}"
            raise ModuleNotFoundError(message, name=fullname)
        return importlib.machinery.ModuleSpec(fullname, self, origin=ours)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        """minigrad's module itself (imported now if need be), not a copy.

        Args:
            spec: the spec find_spec made.
        """
        module = importlib.import_module(str(spec.origin))
        self.specs[module.__name__] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run; give back the spec the import system overwrote with torch's name.

        Args:
            module: minigrad's module.
        """
        module.__spec__ = self.specs[module.__name__]


_ALIAS = _Alias()
# torch modules that live under another name here (minigrad.autograd is a module, not a package)
RENAMED = {"torch.autograd.functional": "minigrad.autograd_functional"}


def as_torch() -> None:
    """Answer `import torch` and `import torch.<sub>` with minigrad, in this interpreter.

    Call it before the lesson's imports (`import minigrad; minigrad.as_torch()`). Any `torch`
    modules imported earlier are forgotten by `sys.modules`, so the lesson cannot mix them in.
    """
    for name in [n for n in sys.modules if n == "torch" or n.startswith("torch.")]:
        del sys.modules[name]
    sys.modules["torch"] = sys.modules["minigrad"]
    for theirs, ours in RENAMED.items():
        sys.modules[theirs] = importlib.import_module(ours)
    if _ALIAS not in sys.meta_path:
        sys.meta_path.insert(0, _ALIAS)
