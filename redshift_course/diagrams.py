"""The session's pictures, drawn with matplotlib so they live in git as code, not as images.

Every function returns a Figure sized about 10 x 5 inches with large type, so it reads in the
notebook and on a projected slide. ``save_all(folder)`` writes them all as SVG.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

# One palette for the whole pack, readable by people with the common colour-vision deficiencies.
COLOURS = {
    "client": "#d9d9d9",
    "leader": "#f4a259",
    "compute": "#5b8e7d",
    "slice": "#bce784",
    "storage": "#8cb8e0",
    "aws": "#ffd166",
    "secret": "#ef767a",
    "faded": "#f2f2f2",
}
SLICE_COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"]
FONT = 14


def _canvas(title: str, size=(10, 5)):
    fig, ax = plt.subplots(figsize=size)
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 50)
    ax.axis("off")
    ax.set_title(title, fontsize=FONT + 4, fontweight="bold")
    return fig, ax


def _box(ax, x, y, w, h, text, colour, fontsize=FONT, faded=False, color="black"):
    """A rounded box with centred text; (x, y) is the lower-left corner."""
    face = COLOURS["faded"] if faded else colour
    edge = "#bbbbbb" if faded else "#333333"
    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            w,
            h,
            boxstyle="round,pad=0.4,rounding_size=1.2",
            facecolor=face,
            edgecolor=edge,
            linewidth=1.5,
            linestyle="--" if faded else "-",
        )
    )
    ax.text(
        x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=fontsize, color="#999999" if faded else color
    )
    return (x, y, w, h)


def _arrow(ax, start, end, label=None, faded=False, both=False, fontsize=FONT - 2):
    style = "<|-|>" if both else "-|>"
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle=style,
            mutation_scale=20,
            linewidth=2,
            color="#bbbbbb" if faded else "#333333",
            shrinkA=2,
            shrinkB=2,
        )
    )
    if label:
        mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
        ax.text(
            mx,
            my + 1.2,
            label,
            ha="center",
            va="bottom",
            fontsize=fontsize,
            color="#999999" if faded else "#333333",
            backgroundcolor="white",
        )


def architecture(nodes: int = 2, slices_per_node: int = 2):
    """Clients → leader node → compute nodes with slices → managed storage."""
    fig, ax = _canvas("A Redshift cluster")
    _box(ax, 1, 20, 15, 10, "Clients\nBI tools, SQL,\nour Lambda", COLOURS["client"])
    _box(ax, 25, 20, 16, 10, "Leader node\nparse · plan\nmerge results", COLOURS["leader"])
    _arrow(ax, (16.5, 25), (24.5, 25), "SQL", both=True)
    height = 40 / nodes
    for n in range(nodes):
        y = 45 - (n + 1) * height + 1.5
        ax.add_patch(
            FancyBboxPatch(
                (50, y),
                30,
                height - 3,
                boxstyle="round,pad=0.4,rounding_size=1.2",
                facecolor=COLOURS["compute"],
                edgecolor="#333333",
                linewidth=1.5,
            )
        )
        ax.text(51.5, y + height - 5.5, f"Compute node {n}", fontsize=FONT, color="white", fontweight="bold")
        width = 26 / slices_per_node
        for s in range(slices_per_node):
            _box(
                ax,
                52 + s * width,
                y + 1,
                width - 2,
                height - 9,
                f"slice {n * slices_per_node + s}",
                COLOURS["slice"],
                fontsize=FONT - 2,
            )
        _arrow(ax, (41.5, 25), (49.5, y + (height - 3) / 2), both=True)
    _box(ax, 86, 12, 12, 26, "Managed\nstorage\n(RA3:\nS3 + SSD\ncache)", COLOURS["storage"], fontsize=FONT - 2)
    _arrow(ax, (80.5, 25), (85.5, 25), both=True)
    fig.tight_layout()
    return fig


def sample_data():
    """A cluster holds databases; a database holds schemas and tables."""
    fig, ax = _canvas("Inside the cluster: databases hold tables")
    _box(ax, 2, 20, 16, 10, "Redshift\ncluster", COLOURS["leader"])
    databases = {
        "dev": ["<AWS sample data>"],
        "la_vida_mocha": ["mystery_shop_visit", "<tables you create>"],
        "another_team": ["mystery_shop_visit"],
    }
    for i, (db, tables) in enumerate(databases.items()):
        y = 38 - i * 15
        _box(ax, 30, y, 24, 8, f"database\n{db}", COLOURS["compute"], color="white")
        _arrow(ax, (18.5, 25), (29.5, y + 4))
        for j, table in enumerate(tables):
            ty = y + 4.5 - j * 5.5
            _box(ax, 66, ty - 1.5, 30, 4, f"public.{table}", COLOURS["slice"], fontsize=FONT - 2)
            _arrow(ax, (54.5, y + 4), (65.5, ty + 0.5))
    fig.tight_layout()
    return fig


def sharding(rows: int = 12, nodes: int = 2, slices_per_node: int = 2):
    """A table's rows dealt out to slices: each slice stores and scans only its share."""
    fig, ax = _canvas("Sharding: each slice holds a share of every table")
    slices = nodes * slices_per_node
    ax.text(12, 46, "mystery_shop_visit", ha="center", fontsize=FONT, fontweight="bold")
    row_h = 40 / rows
    for r in range(rows):
        colour = SLICE_COLOURS[r % slices]
        y = 43 - (r + 1) * row_h
        ax.add_patch(
            FancyBboxPatch((4, y), 16, row_h * 0.8, boxstyle="square,pad=0", facecolor=colour, edgecolor="white")
        )
        ax.text(12, y + row_h * 0.4, f"visit {r + 1}", ha="center", va="center", fontsize=FONT - 3, color="white")
    per_slice = rows // slices
    for s in range(slices):
        node = s // slices_per_node
        x = 40 + (s % slices_per_node) * 14 + node * 32
        _box(ax, x, 6, 11, 30, "", COLOURS["faded"])
        ax.text(x + 5.5, 38.5, f"node {node}\nslice {s}", ha="center", fontsize=FONT - 2)
        for k in range(per_slice):
            ax.add_patch(
                FancyBboxPatch(
                    (x + 1, 30 - k * 7), 9, 5, boxstyle="square,pad=0", facecolor=SLICE_COLOURS[s], edgecolor="white"
                )
            )
            ax.text(
                x + 5.5,
                32.5 - k * 7,
                f"visit {s + 1 + k * slices}",
                ha="center",
                va="center",
                fontsize=FONT - 4,
                color="white",
            )
    _arrow(ax, (21, 25), (38.5, 25), "distribute")
    fig.tight_layout()
    return fig


PIPELINE_STAGES = ("e2e", "next", "goal")


def pipeline(stage: str = "e2e"):
    """The Mystery Shopper pipeline. ``e2e``: the target; ``next``: this session's system without
    Grafana; ``goal``: only the chain that must work today (S3 → Lambda → Redshift, with SSM)."""
    if stage not in PIPELINE_STAGES:
        raise ValueError(f"stage must be one of {PIPELINE_STAGES}, not {stage!r}")
    titles = {
        "e2e": "Mystery Shopper pipeline: the target (end to end)",
        "next": "This session's system: no Grafana VM yet",
        "goal": "Today's goal: CSV in S3 → Lambda → Redshift",
    }
    fig, ax = _canvas(titles[stage])
    later = stage != "e2e"  # Grafana on EC2 arrives in AWS 08
    side = stage == "goal"  # logs and rejects exist, but are not today's chain
    _box(ax, 1, 30, 11, 9, "Mystery\nshop CSV", COLOURS["client"])
    _box(ax, 19, 30, 12, 9, "S3 raw-\ndata bucket", COLOURS["aws"])
    _box(ax, 38, 30, 13, 9, "ETL\nLambda", COLOURS["leader"])
    _box(ax, 58, 30, 15, 9, "Redshift\ncluster", COLOURS["compute"], color="white")
    _box(ax, 38, 8, 13, 10, "Parameter\nStore (SSM)", COLOURS["secret"])
    _box(ax, 19, 8, 12, 10, "CloudWatch\nLogs", COLOURS["storage"], faded=side)
    _box(ax, 83, 30, 14, 9, "Grafana\non EC2", COLOURS["slice"], faded=later)
    _box(ax, 83, 8, 14, 10, "Managers'\ndashboard", COLOURS["client"], faded=later)
    _arrow(ax, (12.5, 34.5), (18.5, 34.5))
    _arrow(ax, (31.5, 34.5), (37.5, 34.5))
    _arrow(ax, (51.5, 34.5), (57.5, 34.5))
    _arrow(ax, (44.5, 18.5), (44.5, 29.5))
    _arrow(ax, (40, 29.5), (29, 18.5), faded=side)
    _arrow(ax, (82.5, 34.5), (73.5, 34.5), faded=later)
    _arrow(ax, (90, 29.5), (90, 18.5), faded=later)
    for x, label, faded in (
        (15.5, "upload", False),
        (34.5, "S3 event", False),
        (54.5, "INSERT", False),
        (78, "SQL", later),
    ):
        ax.text(x, 41.5, label, ha="center", fontsize=FONT - 2, color="#999999" if faded else "#333333")
    ax.text(45.5, 23.5, "password\n(SecureString)", ha="left", va="center", fontsize=FONT - 3)
    ax.text(28, 24, "logs", ha="right", fontsize=FONT - 3, color="#999999" if side else "#333333")
    if later:
        ax.text(90, 46, "arrives in AWS 08", ha="center", fontsize=FONT - 2, color="#999999")
    fig.tight_layout()
    return fig


def row_vs_column(table_rows=(("1", "Leeds", "1 Mar", "5"), ("2", "York", "1 Mar", "4"), ("3", "Leeds", "2 Mar", "3"))):
    """The same three visits laid out on disk row by row, and column by column."""
    fig, ax = _canvas("Same table, two layouts on disk", size=(10, 4.5))
    header = ("visit_id", "store", "visit_date", "score")
    colours = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759"]
    ax.text(0, 41, "Row store:", fontsize=FONT, fontweight="bold", va="center")
    ax.text(0, 19, "Column store:", fontsize=FONT, fontweight="bold", va="center")
    gap = 1
    cell_w = (100 - 19 - gap * len(table_rows)) / (len(header) * len(table_rows))
    x = 18
    for row in table_rows:
        for c, value in enumerate(row):
            _cell(ax, x, 37, cell_w * 0.95, 8, value, colours[c])
            x += cell_w
        x += gap
    x = 18
    for c in range(len(header)):
        for row in table_rows:
            _cell(ax, x, 15, cell_w * 0.95, 8, row[c], colours[c])
            x += cell_w
        x += gap
    for c, name in enumerate(header):
        ax.text(3 + c * 24, 3, f"■ {name}", color=colours[c], fontsize=FONT, fontweight="bold")
    fig.tight_layout()
    return fig


def _cell(ax, x, y, w, h, text, colour):
    ax.add_patch(
        FancyBboxPatch((x, y), w, h, boxstyle="square,pad=0", facecolor=colour, edgecolor="white", linewidth=2)
    )
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=FONT - 3, color="white")


ALL_DIAGRAMS = {
    "redshift_architecture": architecture,
    "sample_data": sample_data,
    "data_sharding": sharding,
    "pipeline_e2e": lambda: pipeline("e2e"),
    "pipeline_redshift_next": lambda: pipeline("next"),
    "pipeline_redshift_goal": lambda: pipeline("goal"),
    "row_vs_column": row_vs_column,
}


def save_all(folder: Path) -> list[Path]:
    """Write every diagram as SVG into ``folder`` (for the HTML slides and the handouts)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw in ALL_DIAGRAMS.items():
        fig = draw()
        path = folder / f"{name}.svg"
        # A fixed hashsalt and no date keep the SVG byte-identical between runs, so git sees no churn.
        plt.rcParams["svg.hashsalt"] = "redshift-course"
        fig.savefig(path, format="svg", metadata={"Date": None})
        plt.close(fig)
        written.append(path)
    return written
