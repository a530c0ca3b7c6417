"""Debian's nginx with deploy/nginx's public side (proxy.conf, public-locations.conf, congestion-cache.conf) in
front of an app: for the reverse-proxy tests (test_nginx.py) and the request-cost bench. Standard library only."""

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy" / "nginx"


def nginx_binary() -> str | None:
    """nginx on the PATH, or Debian's unpacked under var/nginx (scripts/test.sh does it when missing)."""
    for candidate in (shutil.which("nginx"), ROOT / "var" / "nginx" / "usr" / "sbin" / "nginx"):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PublicProxy:
    """nginx on a free port (``port``) with the public side's locations in front of ``upstream`` (host:port), in a
    directory of its own; ``stop()`` ends it and removes the directory. ``keepalive``: idle connections kept to the
    upstream (deploy/nginx keeps 32; a test's single-threaded live server, none)."""

    def __init__(self, binary: str, upstream: str, *, keepalive: int = 0):
        # Writable by nginx's workers when started as root (they run as nobody then).
        self.work = Path(tempfile.mkdtemp(prefix="madoguchi-nginx-"))
        cache = self.work / "cache"
        cache.mkdir()
        for directory in (self.work, cache):
            directory.chmod(0o777)
        for name in ("proxy.conf", "public-locations.conf", "congestion-cache.conf"):
            text = (DEPLOY / name).read_text()
            (self.work / name).write_text(text.replace("/etc/madoguchi/nginx/", f"{self.work}/")
                                          .replace("/var/lib/nginx/", f"{cache}/"))
        self.port = free_port()
        (self.work / "nginx.conf").write_text(f"""
daemon off;
pid {self.work}/nginx.pid;
error_log {self.work}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {self.work}/access.log;
    client_body_temp_path {self.work}/body;
    proxy_temp_path {self.work}/proxy;
    fastcgi_temp_path {self.work}/fastcgi;
    uwsgi_temp_path {self.work}/uwsgi;
    scgi_temp_path {self.work}/scgi;
    include {self.work}/congestion-cache.conf;
    upstream madoguchi {{ server {upstream};{f" keepalive {keepalive};" if keepalive else ""} }}
    server {{
        listen 127.0.0.1:{self.port};
        include {self.work}/public-locations.conf;
    }}
}}
""")
        self.process = subprocess.Popen([binary, "-e", str(self.work / "error.log"), "-p", str(self.work), "-c",
                                         str(self.work / "nginx.conf")], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT)
        for _ in range(100):
            if self.process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        error = (self.work / "error.log").read_text() if (self.work / "error.log").exists() else ""
        self.stop()
        raise RuntimeError(f"nginx did not start: {error}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.work, ignore_errors=True)
