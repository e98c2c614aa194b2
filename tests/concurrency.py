"""Sixteen identical requests at once, each from its own thread, client and database
connection (PostgreSQL: SQLite serialises its writers and answers "database is locked")."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

REQUESTS = 16


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrent requests need PostgreSQL (SQLite locks the whole database for each writer); "
            "CI runs them: set DATABASE_URL=postgres://… to run them here"
        )


def logged_in_clients(user, count: int = REQUESTS) -> list[Client]:
    clients = []
    for _ in range(count):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        clients.append(client)
    return clients


def post_at_once(clients: list[Client], url: str, data: dict, **extra) -> list:
    """POST `data` to `url` from every client at the same moment; returns the responses.
    An exception raised by a view (a 500) fails the test with that exception."""
    barrier = threading.Barrier(len(clients))
    responses: list = [None] * len(clients)
    errors: list[BaseException] = []

    def run(index: int, client: Client) -> None:
        try:
            barrier.wait(timeout=30)
            responses[index] = client.post(url, data, **extra)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()  # each thread's own connection

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return responses
