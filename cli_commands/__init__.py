"""Subcommands of cli.py, one module per area; each defines ``register(subparsers)``."""
