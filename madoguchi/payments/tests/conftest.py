"""Every payments test gets its own simulated terminal (its own state file) and a visit at a desk."""

import pytest

from madoguchi.payments.terminals import get_terminal


@pytest.fixture(autouse=True)
def simulated_terminal(settings, tmp_path):
    """A fresh simulated terminal: approves by default, answers at once."""
    settings.PAYMENT_TERMINAL = {"backend": "simulated",
                                 "options": {"path": str(tmp_path / "terminal.sqlite3"), "time_zone": "Asia/Tokyo"}}
    return get_terminal()
