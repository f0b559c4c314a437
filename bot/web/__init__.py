"""`crampcoach serve`'s web side: the strict webhook app, its PTB glue, and the workers.

`app` is the Starlette app (webhook, health, readiness, metrics), written against a
``handle_update(update_json)`` callable; `ptb` makes that callable from a PTB Application
without an Updater, and registers the webhook with Telegram; `serve` starts the workers.

Nothing is imported here on purpose: the process that starts the workers must not load
prometheus-client before it has prepared the metrics folder (bot/web/serve.py), and `app`
loads it.
"""
