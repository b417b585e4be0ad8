"""Drawing a graph: tensors -> DOT text (pure, deterministic) -> SVG through the pinned Graphviz.

`dag.py` holds `draw` and the `Graph` it returns; `summary.py` walks and elides the graph,
`labels.py` writes node labels from the op table, `dot.py` builds the DOT text, `render.py`
runs Graphviz, and `annotate.py` marks the step-through's frames on a drawing.
`magics` re-exports the function as `magics.draw`, so import the modules with
`from magics.draw import dot` (not `import magics.draw.dot`).
"""

from __future__ import annotations

from magics.draw.dag import Graph, draw

__all__ = ["Graph", "draw"]
