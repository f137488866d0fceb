"""Running several app servers behind nginx (deploy/README.md)."""
