"""Persistence: the only package that knows SQL.

``open_database(url)`` gives a ``Database``; ``Database.uow()`` a unit of work whose repositories
(consents, drafts, documents, audit, users) read and write ``forms`` records in one transaction.
"""
