"""``python -m madoguchi.cardreader`` as a counter PC would run it."""

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from madoguchi.cardreader.cli import build_parser

REPO = Path(__file__).resolve().parents[3]


def test_the_module_serves_the_simulated_card_on_loopback():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "madoguchi.cardreader", "--simulate", "--port", "0"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        banner = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", banner)
        assert match, banner
        status_url = f"http://127.0.0.1:{match.group(1)}/status"
        office = urllib.request.Request(status_url, headers={"Origin": "http://127.0.0.1:8000"})
        with urllib.request.urlopen(office, timeout=10) as response:  # noqa: S310 - our own http URL
            status = json.load(response)
        assert status["card"] is True and status["tries_left"] == 3
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_default_port_and_origin():
    args = build_parser().parse_args([])
    assert (args.port, args.origin, args.simulate) == (8765, "http://127.0.0.1:8000", False)


@pytest.mark.parametrize("origin", ["127.0.0.1:8000", "http://office.example/console", "ftp://x", "*"])
def test_an_origin_that_is_not_scheme_host_port_is_refused(origin, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--origin", origin])
    assert "origin" in capsys.readouterr().err


def test_the_origin_is_kept_as_a_browser_sends_it():
    assert build_parser().parse_args(["--origin", "https://Madoguchi.Office.Local:8443/"]).origin == \
        "https://madoguchi.office.local:8443"
