"""The `outreach` command: starts the desktop app, or runs one command for IT and trainers.

This package sits above `outreach`, `sync` and `ui` and composes them; the core
never imports it.
"""
