"""The agent's HTTP face: ``GET /status`` and ``POST /read`` on 127.0.0.1, for one office origin.

Why each guard is here:

- **127.0.0.1 only** (no option to change it): the PIN must not cross the network.
- **Host header checked**: a page on another site that rebinds its DNS name to 127.0.0.1 sends
  its own name as Host; it gets 403 instead of the card's status.
- **Origin checked**: the configured office origin gets CORS headers; any other origin gets 403
  and no CORS headers, before the card is touched. A request with no Origin is refused too,
  unless the agent was started with ``--allow-local-tools`` (a program on this PC, for maintenance):
  a browser always sends Origin on the requests that matter here, and "no Origin" is exactly what
  a smuggled second request looks like.
- **Every refusal closes the connection** (``Connection: close``): a refused request's body is never
  read, so it must never be parsed as the next request on the same connection — that is how a page
  on another origin could otherwise smuggle a PIN try past the Origin check and lock the card.
- **JSON only** for ``/read``: a cross-origin JSON POST needs a preflight, which only the office
  origin passes.
- **The PIN is never logged or echoed**: access lines carry method, path (never the query) and
  status only, malformed request lines are logged as a fixed text, error bodies are fixed texts,
  and the PIN is not kept after the reading.
- **One reading at a time**: one card, so card access is serialised with a lock.

API (JSON, ``Cache-Control: no-store``):

- ``GET /status`` → 200 ``{"reader", "reader_name", "card", "tries_left", "locked"}`` (uses no try).
- ``POST /read`` ``{"pin": "1234"}`` → 200 ``{"source": "card", "name", "address", "birth_date",
  "birth_date_wareki", "sex"}``; or ``{"error", "message", "tries_left"}`` with 400 invalid_pin,
  403 wrong_pin, 423 pin_locked, 409 card_absent / card_removed, 422 not_my_number_card /
  card_data_malformed, 503 reader_absent / busy; 403 origin_refused / host_refused.
"""

import json
import logging
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from madoguchi.cardreader.card.errors import CardError, InvalidPin

from .agent import card_status, read_facts
from .sources import CardSource

logger = logging.getLogger("madoguchi.cardreader")

HOST = "127.0.0.1"
DEFAULT_PORT = 8765
MAX_BODY = 1024
LOCK_TIMEOUT_SECONDS = 15

# error code → HTTP status
STATUS_OF_ERROR = {
    "invalid_pin": HTTPStatus.BAD_REQUEST,
    "wrong_pin": HTTPStatus.FORBIDDEN,
    "pin_locked": HTTPStatus.LOCKED,
    "card_absent": HTTPStatus.CONFLICT,
    "card_removed": HTTPStatus.CONFLICT,
    "card_communication_error": HTTPStatus.CONFLICT,
    "pin_not_verified": HTTPStatus.CONFLICT,
    "not_my_number_card": HTTPStatus.UNPROCESSABLE_ENTITY,
    "card_data_malformed": HTTPStatus.UNPROCESSABLE_ENTITY,
    "reader_absent": HTTPStatus.SERVICE_UNAVAILABLE,
}


def normalise_origin(origin: str) -> str:
    """``http://host[:port]`` as a browser sends it in ``Origin``; ``ValueError`` for anything else."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") \
            or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"not an origin (scheme://host[:port]): {origin!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}"


class AgentServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, source: CardSource, origin: str, port: int = DEFAULT_PORT, *, allow_local_tools: bool = False):
        self.source = source
        self.origin = normalise_origin(origin)
        self.allow_local_tools = allow_local_tools
        self.card_lock = threading.Lock()
        super().__init__((HOST, port), AgentHandler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


class AgentHandler(BaseHTTPRequestHandler):
    server: AgentServer
    server_version = "madoguchi-cardreader"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    # --- logging: method, path, status; never a body -------------------------------------

    def log_request(self, code="-", size="-") -> None:
        # Never the request line: a query string (``/read?pin=…``) would put a PIN in the log.
        path = urlsplit(self.path).path[:64] if isinstance(getattr(self, "path", None), str) else "-"
        logger.info("%s %s %s %s", self.address_string(), getattr(self, "command", "-"), path, code)

    def log_error(self, format: str, *args) -> None:
        # http.server's own error lines quote the raw request line ("Bad request syntax ('…')").
        logger.info("%s malformed or refused request", self.address_string())

    def log_message(self, format: str, *args) -> None:
        logger.info("%s request", self.address_string())

    # --- responses ----------------------------------------------------------------------

    def _origin_allowed(self) -> bool | None:
        """True: the office origin; False: another origin; None: no Origin (a local program)."""
        origin = self.headers.get("Origin")
        if origin is None:
            return None
        return origin == self.server.origin

    def _send_json(self, status: int, body: dict, *, cors: bool = True) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Vary", "Origin")
        if cors and self._origin_allowed():
            self.send_header("Access-Control-Allow-Origin", self.server.origin)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _refuse(self, status: int, code: str, ja: str, en: str, *, cors: bool = True, **extra) -> None:
        # The body of a refused request may be unread: close, so it is never taken for a next request.
        self.close_connection = True
        self._send_json(status, {"error": code, "message": f"{ja}／{en}", **extra}, cors=cors)

    def _guard(self) -> bool:
        """Host and Origin checks shared by every method. False when a refusal was sent."""
        allowed_hosts = {f"{HOST}:{self.server.port}", f"localhost:{self.server.port}"}
        if self.headers.get("Host", "").lower() not in allowed_hosts:
            self._refuse(HTTPStatus.FORBIDDEN, "host_refused", "このホスト名では受け付けません",
                         "requests must address 127.0.0.1 or localhost", cors=False)
            return False
        allowed = self._origin_allowed()
        if allowed is False:
            self._refuse(HTTPStatus.FORBIDDEN, "origin_refused", "このページからの利用は許可されていません",
                         "this origin may not use the card reader", cors=False)
            return False
        if allowed is None and not self.server.allow_local_tools:
            self._refuse(HTTPStatus.FORBIDDEN, "origin_required", "窓口の画面からのみ利用できます",
                         "only the office page may use the card reader (no Origin)", cors=False)
            return False
        return True

    # --- methods ------------------------------------------------------------------------

    def do_OPTIONS(self) -> None:
        if not self._guard():
            return
        if self._origin_allowed() is None:
            self.send_response(HTTPStatus.NO_CONTENT)
            self.send_header("Allow", "GET, POST, OPTIONS")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Origin", self.server.origin)
        self.send_header("Access-Control-Allow-Methods", "GET, POST")
        self.send_header("Access-Control-Allow-Headers", "Content-Type")
        self.send_header("Access-Control-Max-Age", "600")
        if self.headers.get("Access-Control-Request-Private-Network", "").lower() == "true":
            # Chromium's Private Network Access: an office page (private address) calling 127.0.0.1.
            self.send_header("Access-Control-Allow-Private-Network", "true")
        self.send_header("Vary", "Origin")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        if not self._guard():
            return
        if urlsplit(self.path).path != "/status":
            self._refuse(HTTPStatus.NOT_FOUND, "not_found", "ありません", "not found")
            return
        if not self.server.card_lock.acquire(timeout=LOCK_TIMEOUT_SECONDS):
            self._busy()
            return
        try:
            status = card_status(self.server.source)
        finally:
            self.server.card_lock.release()
        self._send_json(HTTPStatus.OK, status)

    def do_POST(self) -> None:
        if not self._guard():
            return
        if urlsplit(self.path).path != "/read":
            self._refuse(HTTPStatus.NOT_FOUND, "not_found", "ありません", "not found")
            return
        pin = self._read_pin()
        if pin is None:
            return
        if not self.server.card_lock.acquire(timeout=LOCK_TIMEOUT_SECONDS):
            self._busy()
            return
        try:
            facts = read_facts(self.server.source, pin)
        except CardError as error:
            status = STATUS_OF_ERROR.get(error.code, HTTPStatus.CONFLICT)
            logger.info("reading refused: %s", error.code)
            self._refuse(status, error.code, error.ja, error.en, tries_left=error.tries_left)
            return
        finally:
            del pin
            self.server.card_lock.release()
        logger.info("four basic facts read")
        self._send_json(HTTPStatus.OK, facts)

    def _busy(self) -> None:
        self._refuse(HTTPStatus.SERVICE_UNAVAILABLE, "busy", "カードを読み取り中です", "the reader is busy")

    def _read_pin(self) -> str | None:
        """The PIN from a JSON body ``{"pin": "1234"}``; sends a refusal and returns None otherwise."""
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            self._refuse(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "json_required", "JSON で送ってください",
                         "send application/json")
            return None
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._refuse(HTTPStatus.LENGTH_REQUIRED, "length_required", "長さが必要です", "Content-Length required")
            return None
        if not 0 < length <= MAX_BODY:
            self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body_size", "本文の大きさが不正です",
                         f"the body must be 1..{MAX_BODY} bytes")
            self.close_connection = True
            return None
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            body = None
        pin = body.get("pin") if isinstance(body, dict) else None
        if not (isinstance(pin, str) and len(pin) == 4 and pin.isascii() and pin.isdigit()):
            refusal = InvalidPin("暗証番号は数字4桁です", "the PIN is 4 digits")
            self._refuse(HTTPStatus.BAD_REQUEST, refusal.code, refusal.ja, refusal.en, tries_left=None)
            return None
        return pin


def make_server(source: CardSource, *, origin: str, port: int = DEFAULT_PORT,
                allow_local_tools: bool = False) -> AgentServer:
    """A ready server (not yet serving); ``port=0`` picks a free port (see ``server.port``).
    ``allow_local_tools`` also serves requests without an Origin (programs on this PC)."""
    return AgentServer(source, origin, port, allow_local_tools=allow_local_tools)
