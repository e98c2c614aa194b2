"""The `make demo` data loaded once per test module instead of once per test.

A module's fixture loads the demo inside an outer transaction; each test runs in a savepoint
within it (pytest-django's `db`), so what a test writes is undone after it, and the demo data
is rolled back at the end of the module. Tests read the demo; one that loads it again (the
"a second run writes nothing" checks) does so inside its own savepoint.

    @pytest.fixture(scope="module")
    def _demo_once(django_db_setup, django_db_blocker):
        with demo_loaded_once(django_db_blocker):
            yield

A module using it sees the demo in every test that runs after its first use (the outer
transaction stays open until the module ends): tests that need an empty database live in
another module.
"""

from contextlib import contextmanager
from io import StringIO

import time_machine
from django.core.management import call_command
from django.db import transaction

# The day tests/conftest.py's `_frozen_today` sets: the demo is anchored on "today".
FROZEN_NOW = "2026-11-24 10:00 +0100"


def load_demo() -> None:
    call_command("load_demo", force=True, stdout=StringIO())


@contextmanager
def demo_loaded_once(django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with time_machine.travel(FROZEN_NOW, tick=True):
                load_demo()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
