"""One story family as a self-contained HTML page: timeline, derivation graph (SVG laid out
here, in Python), and each version's differences from its source. All text is escaped."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retold.report.html import _environment
from retold.stories import Story, StoryDiff

NODE_WIDTH, NODE_HEIGHT, COLUMN_GAP, ROW_GAP = 180, 44, 90, 24


@dataclass
class Node:
    id: int
    x: float
    y: float
    label: str
    original: bool


def layout(story: Story) -> tuple[list[Node], list[dict[str, Any]], int, int]:
    """Columns by derivation depth from the original (undirected links share a column)."""
    depth: dict[int, int] = {}
    start = story.original if story.original is not None else story.members[0]
    depth[start] = 0
    frontier = [start]
    while frontier:
        current = frontier.pop(0)
        for edge in story.edges:
            ends = (edge.source, edge.derived if edge.derived is not None else edge.other)
            if current not in ends:
                continue
            neighbour = ends[1] if ends[0] == current else ends[0]
            if neighbour in depth:
                continue
            step = 1 if edge.derived == neighbour else (0 if edge.derived is None else 1)
            depth[neighbour] = depth[current] + max(step, 1 if edge.derived is None else step)
            frontier.append(neighbour)
    for member in story.members:
        depth.setdefault(member, 0)
    columns: dict[int, list[int]] = {}
    for member in story.members:
        columns.setdefault(depth[member], []).append(member)
    nodes: dict[int, Node] = {}
    for column, ids in sorted(columns.items()):
        for row, article_id in enumerate(ids):
            summary = story.articles[article_id]
            name = summary.get("site") or Path(summary["source"]).name
            label = name if len(name) <= 18 else name[:17] + "…"
            nodes[article_id] = Node(
                article_id,
                20 + column * (NODE_WIDTH + COLUMN_GAP),
                20 + row * (NODE_HEIGHT + ROW_GAP),
                f"#{article_id} {label} [{summary.get('language') or '?'}]",
                article_id == story.original,
            )
    lines = []
    for edge in story.edges:
        target = edge.derived if edge.derived is not None else edge.other
        a, b = nodes[edge.source], nodes[target]
        x1, y1 = a.x + NODE_WIDTH / 2, a.y + NODE_HEIGHT / 2
        x2, y2 = b.x + NODE_WIDTH / 2, b.y + NODE_HEIGHT / 2
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        # stop the line at the target box's edge so the arrow head shows
        shrink = min(
            length / 2, (NODE_WIDTH / 2) if abs(x2 - x1) > abs(y2 - y1) else NODE_HEIGHT / 2
        )
        lines.append(
            {
                "x1": x1, "y1": y1,
                "x2": x2 - (x2 - x1) / length * shrink, "y2": y2 - (y2 - y1) / length * shrink,
                "directed": edge.derived is not None, "relation": edge.relation,
                "label_x": (x1 + x2) / 2, "label_y": (y1 + y2) / 2 - 4,
            }
        )  # fmt: skip
    width = max(n.x for n in nodes.values()) + NODE_WIDTH + 20
    height = max(n.y for n in nodes.values()) + NODE_HEIGHT + 20
    return list(nodes.values()), lines, int(width), int(height)


def story_context(story: Story, diffs: list[StoryDiff]) -> dict[str, Any]:
    """What the story templates need: the laid-out graph, the timeline, each version's diff
    (`diffs`, computed by the caller: `retold.corpus.stories.story_diffs`)."""
    nodes, lines, width, height = layout(story)
    timeline = sorted(
        (story.articles[m] for m in story.members),
        key=lambda a: (a.get("published") or "9999", a["id"]),
    )
    return {
        "story": story, "data": story.to_dict(), "nodes": nodes, "lines": lines,
        "width": width, "height": height, "node_width": NODE_WIDTH, "node_height": NODE_HEIGHT,
        "diffs": diffs, "timeline": timeline,
    }  # fmt: skip


def render_story_html(story: Story, diffs: list[StoryDiff]) -> str:
    return _environment().get_template("story.html").render(**story_context(story, diffs))
