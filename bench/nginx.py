"""Debian's nginx serving a saved page from disk: the ceiling a page could be compared with."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.server import free_port, wait_for

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONFIG = """\
worker_processes {workers};
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path {folder}/temp/body;
    proxy_temp_path {folder}/temp/proxy;
    fastcgi_temp_path {folder}/temp/fastcgi;
    uwsgi_temp_path {folder}/temp/uwsgi;
    scgi_temp_path {folder}/temp/scgi;
    default_type text/html;
    server {{
        listen 127.0.0.1:{port};
        root {folder}/html;
    }}
}}
"""


def available() -> bool:
    """Say whether nginx is installed."""
    return os.access(NGINX, os.X_OK)


def start(pages: dict[str, bytes], workers: int) -> tuple[subprocess.Popen, int, Path]:
    """Serve the pages (path -> bytes) with nginx's own config on a free port.

    Returns the server, its port and its folder (the caller removes it once nginx stopped).
    """
    # A folder of its own that others may read: nginx started by root serves as "nobody".
    folder = Path(tempfile.mkdtemp(prefix="linkwise-bench-nginx-"))
    folder.chmod(0o755)
    for sub in ("html", "temp"):
        (folder / sub).mkdir(mode=0o755)
    for path, body in pages.items():
        (folder / "html" / path.strip("/")).write_bytes(body)
        (folder / "html" / path.strip("/")).chmod(0o644)
    port = free_port()
    config = folder / "nginx.conf"
    config.write_text(CONFIG.format(workers=workers, folder=folder, port=port))
    server = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(config)])
    wait_for(server, port)
    return server, port, folder
