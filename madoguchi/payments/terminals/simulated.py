"""A simulated payment terminal for development, demos and the tests. Pure: no Django.

It behaves like a device on the counter, not like a mock: its state lives in its own small SQLite
file (the ``path`` option, under ``var/`` by default), outside the app's database and process, so a
charge it approved is still approved when the app server is killed mid-request and restarted — the
case the pending → final protocol exists for.

What the next charges do is scripted (``script``) or the default (``set_default``):

``approve``   approved at once
``decline``   declined (カードが承認されませんでした)
``cancel``    the resident cancelled on the terminal
``timeout``   the terminal takes the money but its answer is lost: ``charge`` raises
              ``TerminalTimeout`` and ``status`` then says approved
``lost``      the request never reaches the terminal: ``charge`` raises ``TerminalTimeout`` and
              ``status`` says not found
``hang``      approved, but the answer comes only after ``hang_seconds`` (kill the server meanwhile)

``delay_ms`` (option or ``set_delay``) is the time the resident takes at the terminal, slept
outside any lock; ``hold()`` keeps every charge at the terminal (in progress) until ``release()``
— a resident still looking for the card, for as long as a test or a demo needs (at most
``hold_seconds``). Control it from a shell with ``manage.py payments_terminal``.
"""

import csv
import io
import sqlite3
import time
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .base import Outcome, PaymentTerminal, TerminalResult, TerminalTimeout

BEHAVIOURS = ("approve", "decline", "cancel", "timeout", "lost", "hang")
DECLINE_MESSAGE = "カードが承認されませんでした（残高・限度額不足）"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS charges (
    id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, terminal_id TEXT NOT NULL,
    method TEXT NOT NULL, amount_yen INTEGER NOT NULL, status TEXT NOT NULL, transaction_id TEXT NOT NULL,
    day TEXT NOT NULL, at TEXT NOT NULL, message TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS reversals (
    key TEXT PRIMARY KEY, kind TEXT NOT NULL, transaction_id TEXT NOT NULL, day TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS script (id INTEGER PRIMARY KEY AUTOINCREMENT, behaviour TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS config (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _write_ahead_log(connection: sqlite3.Connection) -> None:
    """Readers beside a writer (the console polls while a charge is written). The mode stays in the file;
    setting it takes the file for itself and does not wait for the busy timeout, so a connection
    opened beside another (a charge on its own thread, a poll) tries again."""
    for _attempt in range(1000):
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error):
                raise
            time.sleep(0.01)
    raise sqlite3.OperationalError("simulated terminal: its state file stayed locked")


class SimulatedTerminal(PaymentTerminal):
    """Options: ``path`` (the state file), ``default`` (behaviour), ``delay_ms``, ``hang_seconds``,
    ``time_zone`` (the settlement day; Asia/Tokyo)."""

    def __init__(self, *, path, default: str = "approve", delay_ms: int = 0, hang_seconds: float = 30,
                 hold_seconds: float = 120, time_zone: str = "Asia/Tokyo", **options):
        super().__init__(**options)
        self.path = Path(path)
        self.default = default
        self.delay_ms = delay_ms
        self.hang_seconds = hang_seconds
        self.hold_seconds = hold_seconds
        self.zone = ZoneInfo(time_zone)

    # --- the device's storage ---------------------------------------------------------------

    @contextmanager
    def _db(self, *, write: bool = False):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            _write_ahead_log(connection)
            connection.executescript(_SCHEMA)
            connection.row_factory = sqlite3.Row
            if write:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    yield connection
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")
            else:
                yield connection
        finally:
            connection.close()

    def _now(self) -> datetime:
        return datetime.now(self.zone)

    def _config(self, connection, name: str, default):
        row = connection.execute("SELECT value FROM config WHERE name = ?", (name,)).fetchone()
        return type(default)(row["value"]) if row else default

    # --- control (tests, demos, manage.py payments_terminal) -----------------------------------

    def script(self, behaviours: list[str]) -> None:
        """The next charges behave like this, in order; then the default again."""
        unknown = [b for b in behaviours if b not in BEHAVIOURS]
        if unknown:
            raise ValueError(f"unknown behaviour(s) {unknown}; known: {', '.join(BEHAVIOURS)}")
        with self._db(write=True) as db:
            db.executemany("INSERT INTO script (behaviour) VALUES (?)", [(b,) for b in behaviours])

    def set_default(self, behaviour: str) -> None:
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"unknown behaviour {behaviour!r}; known: {', '.join(BEHAVIOURS)}")
        with self._db(write=True) as db:
            db.execute("INSERT OR REPLACE INTO config (name, value) VALUES ('default', ?)", (behaviour,))

    def set_delay(self, milliseconds: int) -> None:
        with self._db(write=True) as db:
            db.execute("INSERT OR REPLACE INTO config (name, value) VALUES ('delay_ms', ?)", (str(int(milliseconds)),))

    def hold(self) -> None:
        """Every charge stays at the terminal, in progress, until ``release``."""
        with self._db(write=True) as db:
            db.execute("INSERT OR REPLACE INTO config (name, value) VALUES ('held', '1')")

    def release(self) -> None:
        with self._db(write=True) as db:
            db.execute("DELETE FROM config WHERE name = 'held'")

    def _held(self, db=None) -> bool:
        if db is None:
            with self._db() as db:
                return self._held(db)
        return self._config(db, "held", "") == "1"

    def state(self) -> dict:
        """What the control shows: default, delay, the scripted queue, today's charge count."""
        with self._db() as db:
            return {
                "default": self._config(db, "default", self.default),
                "delay_ms": self._config(db, "delay_ms", self.delay_ms),
                "held": self._held(db),
                "script": [r["behaviour"] for r in db.execute("SELECT behaviour FROM script ORDER BY id")],
                "charges": db.execute("SELECT COUNT(*) FROM charges WHERE status != 'burned'").fetchone()[0],
            }

    def charges(self) -> list[dict]:
        """Every charge the device holds (tests count them: one per payment, never two)."""
        with self._db() as db:
            return [dict(r) for r in db.execute("SELECT * FROM charges WHERE status != 'burned' ORDER BY id")]

    def backdate(self, *, key: str, day: date) -> None:
        """Move a charge to an earlier day (a test or demo of a later refund)."""
        with self._db(write=True) as db:
            db.execute("UPDATE charges SET day = ? WHERE key = ?", (day.isoformat(), key))

    # --- the interface ------------------------------------------------------------------------

    def charge(self, *, key: str, terminal_id: str, amount_yen: int, method: str) -> TerminalResult:
        now = self._now()
        with self._db(write=True) as db:
            row = db.execute("SELECT * FROM charges WHERE key = ?", (key,)).fetchone()
            if row is not None:
                return self._result(row)  # the same key again: the first outcome, never a second sale
            queued = db.execute("SELECT id, behaviour FROM script ORDER BY id LIMIT 1").fetchone()
            if queued is not None:
                db.execute("DELETE FROM script WHERE id = ?", (queued["id"],))
                behaviour = queued["behaviour"]
            else:
                behaviour = self._config(db, "default", self.default)
            delay_ms = self._config(db, "delay_ms", self.delay_ms)
            held = self._held(db)
            cursor = db.execute(
                "INSERT INTO charges (key, terminal_id, method, amount_yen, status, transaction_id, day, at) "
                "VALUES (?, ?, ?, ?, 'in_progress', '', ?, ?)",
                (key, terminal_id, method, amount_yen, now.date().isoformat(), now.isoformat()))
            transaction_id = f"T{now:%Y%m%d}-{cursor.lastrowid:06d}"
            db.execute("UPDATE charges SET transaction_id = ? WHERE id = ?", (transaction_id, cursor.lastrowid))
        if delay_ms:
            time.sleep(delay_ms / 1000)  # the resident at the terminal: no lock held
        held_until = time.monotonic() + self.hold_seconds
        while held and time.monotonic() < held_until:
            time.sleep(0.02)
            held = self._held()
        final = {"approve": "approved", "timeout": "approved", "hang": "approved",
                 "decline": "declined", "cancel": "cancelled"}.get(behaviour)
        with self._db(write=True) as db:
            if behaviour == "lost":
                db.execute("DELETE FROM charges WHERE key = ?", (key,))
            else:
                message = DECLINE_MESSAGE if behaviour == "decline" else ""
                db.execute("UPDATE charges SET status = ?, message = ? WHERE key = ?", (final, message, key))
        if behaviour in ("timeout", "lost"):
            raise TerminalTimeout(f"simulated terminal: no answer for {key}")
        if behaviour == "hang":
            time.sleep(self.hang_seconds)
        return self.status(key=key)

    def status(self, *, key: str) -> TerminalResult:
        with self._db() as db:
            row = db.execute("SELECT * FROM charges WHERE key = ?", (key,)).fetchone()
        return self._result(row) if row is not None else TerminalResult(Outcome.NOT_FOUND)

    def cancel(self, *, key: str) -> TerminalResult:
        now = self._now()
        with self._db(write=True) as db:
            row = db.execute("SELECT * FROM charges WHERE key = ?", (key,)).fetchone()
            if row is None:
                # Never seen: burn the key so a late request with it can take no money.
                db.execute(
                    "INSERT INTO charges (key, terminal_id, method, amount_yen, status, transaction_id, day, at) "
                    "VALUES (?, '', '', 0, 'burned', '', ?, ?)", (key, now.date().isoformat(), now.isoformat()))
                return TerminalResult(Outcome.NOT_FOUND)
            if row["status"] == "approved":
                kind = "void" if row["day"] == now.date().isoformat() else "refund"
                transaction_id = f"{row['transaction_id']}-{'V' if kind == 'void' else 'R'}"
                db.execute("INSERT INTO reversals (key, kind, transaction_id, day, at) VALUES (?, ?, ?, ?, ?)",
                           (key, kind, transaction_id, now.date().isoformat(), now.isoformat()))
                db.execute("UPDATE charges SET status = 'reversed' WHERE key = ?", (key,))
                return TerminalResult(Outcome.REVERSED, transaction_id)
            if row["status"] == "reversed":
                reversal = db.execute("SELECT transaction_id FROM reversals WHERE key = ?", (key,)).fetchone()
                return TerminalResult(Outcome.REVERSED, reversal["transaction_id"])
            return self._result(row)

    def settlement_report(self, *, day: date) -> str:
        """Sales of ``day`` (voided ones left out, refunded ones kept) and refunds made on ``day``."""
        with self._db() as db:
            sales = db.execute(
                "SELECT c.transaction_id, c.terminal_id, c.at, c.method, c.amount_yen FROM charges c "
                "LEFT JOIN reversals r ON r.key = c.key WHERE c.day = ? AND "
                "(c.status = 'approved' OR (c.status = 'reversed' AND r.kind = 'refund')) ORDER BY c.id",
                (day.isoformat(),)).fetchall()
            refunds = db.execute(
                "SELECT r.transaction_id, c.terminal_id, r.at, c.method, c.amount_yen FROM reversals r "
                "JOIN charges c ON c.key = r.key WHERE r.kind = 'refund' AND r.day = ? ORDER BY r.at",
                (day.isoformat(),)).fetchall()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["transaction_id", "terminal_id", "datetime", "method", "amount_yen", "kind"])
        for row in sales:
            writer.writerow([row[0], row[1], row[2], row[3], row[4], "sale"])
        for row in refunds:
            writer.writerow([row[0], row[1], row[2], row[3], -row[4], "refund"])
        return out.getvalue()

    @staticmethod
    def _result(row) -> TerminalResult:
        outcome = {"approved": Outcome.APPROVED, "declined": Outcome.DECLINED, "cancelled": Outcome.CANCELLED,
                   "in_progress": Outcome.IN_PROGRESS, "reversed": Outcome.REVERSED,
                   "burned": Outcome.CANCELLED}[row["status"]]
        return TerminalResult(outcome, row["transaction_id"], row["message"])
