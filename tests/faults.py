"""Services that fail on purpose, for the tests of what the site does then: a database
that goes away and comes back, a locked SQLite file, a mail server that is down or hangs."""

import contextlib
import secrets
import socket
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

from loadtest.production import free_port

POSTGRES = ("127.0.0.1", 5432)
EDITOR_PASSWORD = "ett-langt-losenord-123"

__all__ = [
    "FailingSite",
    "Forwarder",
    "closed_port",
    "hanging_server",
    "postgres_database",
    "postgres_is_running",
    "postgres_rows",
    "sqlite_locked",
]


def closed_port() -> int:
    """A loopback port nothing listens on: connecting is refused at once."""
    return free_port()


class Forwarder:
    """A loopback port that passes connections on to ``target`` while it is open. Closing
    it cuts the connections it carries and refuses new ones: the database has gone away,
    as far as the site can tell; opening it again on the same port brings it back."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def open(self) -> None:
        if self._listener:
            return
        listener = socket.create_server(("127.0.0.1", self.port))
        listener.settimeout(0.1)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener:
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            with self._lock:
                self._sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def hanging_server() -> Iterator[int]:
    """A port that accepts connections and then never says a word (a mail server that
    hangs): its port number."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                accepted.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        listener.close()
        for sock in accepted:
            sock.close()


@contextlib.contextmanager
def sqlite_locked(path: Path, *, readers_too: bool = False) -> Iterator[None]:
    """Another program holds the SQLite file's write lock until the block ends. In WAL
    mode readers still read; with ``readers_too`` the lock is exclusive (locking_mode
    EXCLUSIVE), so that nothing can be read either."""
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        if readers_too:
            holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        if readers_too:
            # The exclusive lock of a WAL database is taken on its first write.
            holder.execute("CREATE TABLE faults_lock (x)")
        yield
    finally:
        # Closing the connection rolls back and releases the lock in either mode.
        holder.close()


def postgres_is_running() -> bool:
    try:
        socket.create_connection(POSTGRES, timeout=2).close()
    except OSError:
        return False
    return True


@contextlib.contextmanager
def postgres_database(prefix: str = "adda_faults") -> Iterator[str]:
    """A new, empty PostgreSQL database on the local server, dropped afterwards: its name."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    host, port = POSTGRES
    server = f"host={host} port={port} user=postgres dbname=postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_rows(database: str, sql: str, params: tuple = ()) -> list[tuple]:
    """What ``sql`` finds in ``database``, read directly rather than through the site."""
    host, port = POSTGRES
    with psycopg.connect(f"host={host} port={port} user=postgres dbname={database}") as connection:
        return connection.execute(sql, params).fetchall()


@dataclass
class FailingSite:
    """A production site (tests/production_site.py) whose database fails on purpose."""

    CREATE_EDITOR = (
        "from django.contrib.auth.models import User; "
        "User.objects.create_superuser('redaktor', 'redaktor@example.se', "
        f"{EDITOR_PASSWORD!r})"
    )

    port: int
    # PostgreSQL: the forwarder between the site and its database.
    database: "Forwarder | None"
    log: Path
    # PostgreSQL: the database's name; SQLite: its file.
    database_name: str | Path
