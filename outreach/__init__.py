"""Outreach Health Checks: the domain core.

Pure Python. Nothing in this package may import Qt, requests, or the `ui`/`sync`
packages, so that every clinical rule and every byte written to disk can be
tested headless (see tests/test_headless_core.py).
"""

__version__ = "0.1.0"
