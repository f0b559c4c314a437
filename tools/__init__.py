"""Build and test tools beside the bot, not part of it: not packaged and not installed.

`tools.media` draws the exercise pictures in `content/media/` (`python -m tools.media`, from the
repository root, with the `media` extra installed); `tools.botapi_standin` is a local stand-in for
the Telegram Bot API that the end-to-end tests and the benchmarks run the bot against.
"""
