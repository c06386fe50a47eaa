"""Check pages with the Nu HTML checker (npm vnu-jar), run as a local service once per process.

Starting the checker's JVM costs more than a second of CPU, and a run on both databases checks
pages some 70 times; so the first check in a test process (each pytest-xdist worker is one)
starts the checker's HTTP service on 127.0.0.1, every check posts its pages to it, and the
service stops when the process exits.
"""

import atexit
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

VNU = Path(__file__).resolve().parent.parent / "node_modules/vnu-jar/build/dist/vnu.jar"
# The quick JIT compiler alone and the serial collector: over the few hundred pages a process
# checks, they take half the CPU of the JVM's defaults and a third of the memory. The checker
# compiles its schemas recursively, deeper than the default thread stack allows.
JVM_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss8m"]
START_SECONDS = 60  # it answers after 2-3 s on an idle machine
PAGE_SECONDS = 60  # a page takes some 20 ms
# Whatever the environment says about proxies, the service is on this machine.
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))
# Runs the service and stops it when its standard input closes: when this process stops it,
# and when this process dies in any way, SIGKILL included, which no handler of ours can catch.
# (A background job reads /dev/null unless told otherwise, hence the copy of stdin on fd 3.)
STOPPED_WITH_STDIN = 'exec 3<&0; "$@" & service=$!; (read -r _ <&3; kill $service) & wait $service'


def nu_errors(pages: dict[str, str], folder) -> list[str]:
    """Check the pages with the Nu HTML checker and return its errors, one line each."""
    checker = running_checker()
    errors = []
    for name, html in pages.items():
        (folder / f"{name}.html").write_text(html, "utf-8")  # to read at an error's line
        errors += error_lines(name, checker.messages(html.encode(), "text/html; charset=utf-8"))
    return errors


def error_lines(name: str, messages: list[dict]) -> list[str]:
    """Return the errors among the checker's messages about a page; fail if it was not checked.

    Errors only, as the command line's --errors-only: warnings and notes are messages of type
    "info"; a message of any other type says why the checker could not check the page.
    """
    lines = []
    for message in messages:
        if message["type"] == "error":
            lines.append(f"{name}.html:{message.get('lastLine')}: {message['message']}")
        elif message["type"] != "info":  # a non-document error: the page could not be checked
            raise RuntimeError(f"the Nu HTML checker could not check {name}.html: {message}")
    return lines


_lock = threading.Lock()
_checker = None


def running_checker() -> "NuChecker":
    """Return this process's checker, starting it on first use."""
    global _checker
    with _lock:
        if _checker is None:
            java = shutil.which("java")
            assert java, "the Nu HTML checker needs Java: apt-get install default-jre-headless"
            assert VNU.exists(), f"the Nu HTML checker is missing ({VNU}): run make setup"
            _checker = NuChecker(java)
            _checker.wait_until_ready()
    return _checker


class NuChecker:
    """The checker's HTTP service, on a port of 127.0.0.1, for as long as this process runs."""

    def __init__(self, java: str):
        self.port = reserved_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (written by the service while it runs)
        self.owner = os.getpid()
        self.process = subprocess.Popen(
            ["sh", "-c", STOPPED_WITH_STDIN, "nu-checker"]
            + [java, *JVM_OPTIONS, "-Dnu.validator.servlet.bind-address=127.0.0.1"]
            + ["-cp", str(VNU), "nu.validator.servlet.Main", str(self.port)],
            stdin=subprocess.PIPE,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        atexit.register(self.stop)

    def wait_until_ready(self) -> None:
        """Wait until the service answers; stop it and fail if it does not in time."""
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            self.fail_if_stopped()
            try:
                with HTTP.open(self.url, timeout=5):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            f"the Nu HTML checker did not start in {START_SECONDS} s:\n{self.said()}"
        )

    def messages(self, document: bytes, content_type: str) -> list[dict]:
        """Return the checker's messages about one document."""
        self.fail_if_stopped()
        request = urllib.request.Request(
            self.url + "?out=json", data=document, headers={"Content-Type": content_type}
        )
        try:
            with HTTP.open(request, timeout=PAGE_SECONDS) as response:
                return json.load(response)["messages"]
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"the Nu HTML checker refused a page: {error}") from error
        except OSError as error:  # refused, reset or timed out
            self.fail_if_stopped()
            self.stop()  # so that the checks after this one fail at once, not after a wait
            raise RuntimeError(f"the Nu HTML checker did not answer: {error}") from error

    def fail_if_stopped(self) -> None:
        """Fail, with the service's last words, if it has stopped."""
        if self.process.poll() is not None:
            raise RuntimeError(
                f"the Nu HTML checker stopped (exit code {self.process.returncode}):\n{self.said()}"
            )

    def said(self) -> str:
        """Return the end of what the service wrote."""
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")[-3000:]

    def stop(self) -> None:
        """Stop the service (a forked child leaves its parent's service alone)."""
        if os.getpid() == self.owner and self.process.poll() is None:
            self.process.stdin.close()  # the service's signal to stop
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def reserved_port() -> int:
    """Return a free port of 127.0.0.1 that the kernel will not hand to others for a while.

    Closing the accepted end of a connection first leaves the port in TIME_WAIT for a minute:
    no one asking for any free port gets it, yet a server that sets SO_REUSEADDR, as the
    checker's Jetty does, can listen on it.
    """
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)):
            accepted, _ = listener.accept()
            accepted.close()
    return port
