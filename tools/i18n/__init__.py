"""Translation tools: check a language's catalog before it is merged (`python -m tools.i18n`)."""
