"""Staff accounts and their roles (the store persists them; services/auth checks them)."""
