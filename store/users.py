"""Staff accounts. Ids come from the database and are never reused."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy.exc import IntegrityError

from accounts.staff import Role, StaffUser
from errors import DomainError
from store.errors import NotFound
from store.tables import staff_users
from store.text import reject_nul

if TYPE_CHECKING:
    from store.db import Database

NO_USER = "That staff account does not exist."


def _taken(username: str) -> DomainError:
    return DomainError(f"The username {username!r} is already taken. Choose another.")


class UserRepository:
    def __init__(self, conn: Connection, database: Database) -> None:
        self._conn = conn
        self._db = database

    def add(self, user: StaffUser) -> StaffUser:
        values = _values(user)
        savepoint = self._conn.begin_nested()  # keep the transaction usable after a clash
        try:
            new_id = self._conn.execute(
                insert(staff_users).values(**values).returning(staff_users.c.id)
            ).scalar_one()
        except IntegrityError:
            savepoint.rollback()
            raise _taken(user.username) from None
        savepoint.commit()
        return user.model_copy(update={"id": int(new_id)})

    def get(self, user_id: int) -> StaffUser:
        row = self._conn.execute(
            select(staff_users).where(staff_users.c.id == user_id)
        ).one_or_none()
        if row is None:
            raise NotFound(NO_USER)
        return _user(row)

    def by_username(self, username: str) -> StaffUser | None:
        row = self._conn.execute(
            select(staff_users).where(staff_users.c.username == username)
        ).one_or_none()
        return None if row is None else _user(row)

    def update(self, user: StaffUser) -> None:
        if user.id is None:
            raise NotFound(NO_USER)
        savepoint = self._conn.begin_nested()
        try:
            result = self._conn.execute(
                update(staff_users).where(staff_users.c.id == user.id).values(**_values(user))
            )
        except IntegrityError:
            savepoint.rollback()
            raise _taken(user.username) from None
        savepoint.commit()
        if result.rowcount != 1:
            raise NotFound(NO_USER)

    def list(self) -> list[StaffUser]:
        rows = self._conn.execute(select(staff_users).order_by(staff_users.c.username))
        return [_user(r) for r in rows]


def _values(user: StaffUser) -> dict[str, Any]:
    reject_nul([user.username, user.display_name, user.password_hash])
    return {
        "username": user.username,
        "display_name": user.display_name,
        "roles": ",".join(sorted(r.value for r in user.roles)),
        "password_hash": user.password_hash,
        "disabled": user.disabled,
        "failed_attempts": user.failed_attempts,
        "locked_until": user.locked_until,
        "created_at": user.created_at,
        "demo": user.demo,
    }


def _user(row: Row[Any]) -> StaffUser:
    return StaffUser(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        roles=frozenset(Role(r) for r in row.roles.split(",") if r),
        password_hash=row.password_hash,
        disabled=row.disabled,
        failed_attempts=row.failed_attempts,
        locked_until=row.locked_until,
        created_at=row.created_at,
        demo=row.demo,
    )
