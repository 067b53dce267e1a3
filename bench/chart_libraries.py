"""Why bot/charts draws with Pillow: the same leaderboard (10 bars) drawn with matplotlib's Agg
backend and with bot.charts, each in a fresh process: import time, first chart, median of 20,
peak memory, and the installed size of each library's packages.

matplotlib is not a dependency: run the matplotlib side with a Python that has it, e.g.
  python3 -m venv /tmp/mpl && /tmp/mpl/bin/pip install matplotlib
  /tmp/mpl/bin/python bench/chart_libraries.py matplotlib
  .venv/bin/python bench/chart_libraries.py pillow
Each run ends with one JSON line.
"""

from __future__ import annotations

import io
import json
import resource
import sys
import time
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PACKAGES = {
    # what each adds to the install: numpy is a dependency already, and matplotlib needs Pillow
    "matplotlib": ["matplotlib", "fonttools", "kiwisolver", "contourpy", "cycler", "pyparsing",
                   "python-dateutil", "six", "packaging"],
    "pillow": ["pillow"],
}  # fmt: skip


def installed_mb(names: list[str]) -> float:
    total = 0
    for name in names:
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError:
            continue
        total += sum(f.size or 0 for f in files)
    return total / 1e6


def main() -> None:
    which = sys.argv[1] if len(sys.argv) > 1 else "pillow"
    names = [f"player {i}" for i in range(10)]
    points = list(range(1000, 0, -100))
    t = time.perf_counter()
    if which == "matplotlib":
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        def draw() -> bytes:
            fig, ax = plt.subplots(figsize=(8, 6.6), dpi=100)
            ax.barh(names, points)
            ax.invert_yaxis()
            buf = io.BytesIO()
            fig.savefig(buf, format="png")
            plt.close(fig)
            return buf.getvalue()
    else:
        from bot.charts.data import BoardData, BoardRow
        from bot.charts.leaderboard import leaderboard_chart

        rows = tuple(
            BoardRow(i + 1, n, p, 5, 9) for i, (n, p) in enumerate(zip(names, points, strict=True))
        )

        def draw() -> bytes:
            return leaderboard_chart(BoardData("Leaderboard", rows, 10)).png

    imported = (time.perf_counter() - t) * 1000
    times = []
    for _ in range(20):
        t = time.perf_counter()
        draw()
        times.append((time.perf_counter() - t) * 1000)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = installed_mb(PACKAGES[which])
    print(
        f"{which}: import {imported:.0f} ms, first chart {times[0]:.0f} ms, median "
        f"{sorted(times)[10]:.1f} ms, peak memory {rss:.0f} MB, adds {size:.0f} MB to the install"
    )
    print(
        json.dumps(
            {
                "library": which,
                "import_ms": round(imported),
                "first_ms": round(times[0], 1),
                "median_ms": round(sorted(times)[10], 1),
                "peak_rss_mb": round(rss),
                "adds_mb": round(size),
            }
        )
    )


if __name__ == "__main__":
    main()
