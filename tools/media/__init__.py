"""Pictures and animations of every exercise, generated from code into `content/media/`.

`figure` is a tiny side-view stick-figure model with Pillow drawing primitives, `poses` says what
each exercise looks like, and `build` renders them reproducibly. Run `python -m tools.media` after
changing a pose; a test fails while the committed files differ from a fresh build.
"""

from __future__ import annotations

from tools.media.build import MOVEMENT_EXERCISES, build, media_path

__all__ = ["MOVEMENT_EXERCISES", "build", "media_path"]
