"""Build and test tools beside the bot, not part of it: not packaged and not installed.

`tools.media` draws the exercise pictures in `content/media/` (`python -m tools.media`, from the
repository root, with the `media` extra installed).
"""
