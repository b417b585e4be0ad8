"""Friendly explanations of autograd errors, shown under IPython's own traceback.

`table.py` holds `EXPLANATIONS` (error kind -> text templates) with `match` and `explain`;
`case.py` gathers an error's context, `facts.py` has one facts function per row, `context.py`
reads the user's lines, names and graph, `explanation.py` renders HTML and text, and
`shell.py` installs the IPython handler, the non-leaf `.grad` note and `%explain`.
"""

from __future__ import annotations

from magics.explain.shell import install, uninstall
from magics.explain.table import EXPLANATIONS, Row, explain, match

__all__ = ["EXPLANATIONS", "Row", "explain", "install", "match", "uninstall"]
