"""`python -m bot` is the same command line as `crampcoach`."""

from bot.cli import main

raise SystemExit(main())
