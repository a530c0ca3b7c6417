"""Command line of the card reader agent."""

import argparse
import logging
import sys

from .server import DEFAULT_PORT, make_server, normalise_origin
from .sources import CardSource, SimulatorSource

DEFAULT_ORIGIN = "http://127.0.0.1:8000"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="madoguchi-cardreader",
        description="Card reader agent for the no-writing counter (書かない窓口): reads the four basic facts "
                    "of a My Number card for the counter console, on 127.0.0.1 only.",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port on 127.0.0.1 (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--origin", type=normalise_origin, default=DEFAULT_ORIGIN,
                        help=f"the office web origin allowed to use the agent (default {DEFAULT_ORIGIN})")
    parser.add_argument("--reader", default=None, help="PC/SC reader name (default: the first reader)")
    parser.add_argument("--simulate", action="store_true",
                        help="use a simulated card instead of a reader (demo and tests; its PIN is 1234)")
    parser.add_argument("--verbose", action="store_true", help="log each request (never a PIN)")
    parser.add_argument("--allow-local-tools", action="store_true",
                        help="also answer requests without an Origin header (maintenance programs on this PC); "
                             "off by default: only the office page may use the card")
    return parser


def card_source(args: argparse.Namespace) -> CardSource:
    if args.simulate:
        return SimulatorSource()
    from .pcsc import PcscSource

    return PcscSource(args.reader)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    server = make_server(card_source(args), origin=args.origin, port=args.port,
                         allow_local_tools=args.allow_local_tools)
    kind = "simulated card" if args.simulate else "PC/SC reader"
    print(f"madoguchi card reader agent on {server.url}/ ({kind}; origin {server.origin}). Ctrl-C stops.",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
