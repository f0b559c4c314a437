"""Render every exercise's picture (and animation) to files, byte for byte reproducibly.

The files live in `content/media/` next to the texts they illustrate, so the bot ships them as plain
content and never draws at run time. Because they are generated, a test rebuilds them and compares
bytes: a pose changed without `python -m tools.media` fails the suite instead of shipping a stale
picture. That only works if a build is deterministic, hence: one fixed palette with no dithering
(see `figure.palette_image`), no metadata (Pillow writes no time or text chunks unless asked), and
fixed encoder settings below.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from tools.media.poses import POSES

PNG = ".png"
GIF = ".gif"
# Encoder settings are part of the output: changing them changes every file.
_PNG_OPTIONS: Mapping[str, object] = MappingProxyType({"optimize": True})
_GIF_OPTIONS: Mapping[str, object] = MappingProxyType({"optimize": False, "disposal": 1})

MOVEMENT_EXERCISES: frozenset[str] = frozenset(
    exercise_id for exercise_id, pose in POSES.items() if pose.animated
)


def media_path(content_dir: Path, exercise_id: str) -> Path:
    """The file to send for an exercise: its animation if it has one, else its picture."""
    suffix = GIF if exercise_id in MOVEMENT_EXERCISES else PNG
    return content_dir / "media" / f"{exercise_id}{suffix}"


def file_names() -> list[str]:
    """Every file a build writes, in a stable order: a PNG per exercise, a GIF per movement."""
    names = []
    for exercise_id in sorted(POSES):
        names.append(f"{exercise_id}{PNG}")
        if exercise_id in MOVEMENT_EXERCISES:
            names.append(f"{exercise_id}{GIF}")
    return names


def render(exercise_id: str) -> dict[str, bytes]:
    """The encoded files for one exercise, by file name (not written anywhere)."""
    pose = POSES[exercise_id]
    files: dict[str, bytes] = {}
    still = io.BytesIO()
    pose.draw(pose.still).image().save(still, format="PNG", **_PNG_OPTIONS)
    files[f"{exercise_id}{PNG}"] = still.getvalue()
    if pose.animated:
        frames = [pose.draw(i / pose.frames).image() for i in range(pose.frames)]
        animation = io.BytesIO()
        frames[0].save(
            animation,
            format="GIF",
            save_all=True,
            append_images=frames[1:],
            duration=pose.frame_ms,
            loop=0,  # forever
            **_GIF_OPTIONS,
        )
        files[f"{exercise_id}{GIF}"] = animation.getvalue()
    return files


def build(out_dir: Path) -> dict[str, Path]:
    """Write every exercise's picture (and animation) into `out_dir`; returns file name → path.

    Files are written whole, and only files this build owns are touched; removing files that no
    exercise uses any more is the caller's choice (`python -m tools.media` does it).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for exercise_id in sorted(POSES):
        for name, data in render(exercise_id).items():
            path = out_dir / name
            path.write_bytes(data)
            written[name] = path
    return written
