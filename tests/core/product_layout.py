"""The product's own code, folder by folder: the architecture and docs tests read the same list."""

from __future__ import annotations

# What a setting may be read from (settings.py itself, tests/ and bench/ do not count).
PRODUCT_CODE = (
    "app.py",
    "cli.py",
    "errors.py",
    "app_pages",
    "web",
    "ui",
    "services",
    "cli_commands",
    "store",
    "forms",
    "checklist",
    "language",
    "accounts",
)
# Everything held to the layer and size rules.
PRODUCT = (*PRODUCT_CODE, "settings.py", "bench")
