"""`python -m tools.media [CONTENT_DIR]`: rebuild `content/media/` in place and say what changed.

It also removes pictures that no exercise uses any more, and refuses to run when an exercise in
the content has no pose (or a pose names no exercise), so the two can never drift apart quietly.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bot.content import ContentError, load_content
from tools.media.build import GIF, PNG, build
from tools.media.poses import POSES


def main(argv: Sequence[str] | None = None) -> int:
    """Rebuild the media folder; returns the process exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.media", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "content_dir", nargs="?", type=Path, default=Path("content"), help="default: ./content"
    )
    args = parser.parse_args(argv)
    content_dir: Path = args.content_dir
    try:
        exercises = set(load_content(content_dir).exercises)
    except ContentError as error:
        print(error, file=sys.stderr)
        return 2
    missing, unknown = sorted(exercises - set(POSES)), sorted(set(POSES) - exercises)
    if missing or unknown:
        if missing:
            print(f"No pose in tools/media/poses.py for: {', '.join(missing)}", file=sys.stderr)
        if unknown:
            print(f"Poses for exercises not in the content: {', '.join(unknown)}", file=sys.stderr)
        return 2

    media_dir = content_dir / "media"
    before = {p.name: p.read_bytes() for p in media_dir.glob("*") if p.is_file()}
    started = time.perf_counter()
    written = build(media_dir)
    elapsed = time.perf_counter() - started
    total = 0
    for name, path in sorted(written.items()):
        data = path.read_bytes()
        total += len(data)
        state = "unchanged" if before.get(name) == data else "written"
        print(f"{state:9}  {path}  ({len(data) / 1024:.1f} KB)")
    for name in sorted(set(before) - set(written)):
        if name.endswith((PNG, GIF)):
            (media_dir / name).unlink()
            print(f"{'removed':9}  {media_dir / name}")
    animations = sum(1 for name in written if name.endswith(GIF))
    print(
        f"{len(written) - animations} pictures and {animations} animations, "
        f"{total / 1024:.0f} KB in all, built in {elapsed:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
