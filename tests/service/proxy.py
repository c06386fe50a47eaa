"""A TCP proxy in front of PostgreSQL or Redis that a test can cut, hang and restore.

- open: bytes flow both ways.
- cut: every connection is closed and new ones are refused at once (the server is gone).
- hang: connections are accepted and held open, but nothing flows (a frozen server or a
  network that swallows packets).
- hang_at: flows until the app sends a given message, then hangs: the message held back
  (never reached the server), or passed on and the reply held (the server acted on it).
Restoring closes whatever was held, as a failover would, and lets new connections through.
"""

import contextlib
import selectors
import socket
import threading


class Proxy:
    """Forward 127.0.0.1:<port> to a target address, in a thread of this process."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.mode = "open"
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._pairs: list[tuple[socket.socket, socket.socket | None]] = []
        self.connections = 0  # connections the app has opened through the proxy, in any mode
        self._hang_at: tuple[bytes, bool] | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True, name="tcp-proxy").start()

    def cut(self) -> None:
        """Close every connection and refuse new ones."""
        self.mode = "cut"
        self._close_all()

    def hang(self) -> None:
        """Hold every connection open, old and new, and pass nothing along."""
        self.mode = "hang"

    def hang_at(self, message: bytes, *, passed: bool = False) -> None:
        """Hang as soon as the app sends bytes holding `message`: before they reach the
        server, or once they have (`passed`), so only the reply is held."""
        self._hang_at = (message, passed)

    def restore(self) -> None:
        """Drop what was held and forward new connections again."""
        self._close_all()
        self._hang_at = None
        self.mode = "open"

    def stop(self) -> None:
        """Stop listening and close everything."""
        self._stopped.set()
        self._listener.close()
        self._close_all()

    def _close_all(self) -> None:
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            if self.mode == "cut":
                client.close()
                continue
            if self.mode == "hang":
                with self._lock:
                    self._pairs.append((client, None))
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, client)
        try:
            while not self._stopped.is_set():
                if self.mode == "hang":
                    self._stopped.wait(0.1)  # hold the connection; pass nothing
                    continue
                for key, _ in selector.select(timeout=0.1):
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    watched = self._hang_at
                    if key.fileobj is client and watched and watched[0] in data:
                        self._hang_at = None
                        if watched[1]:
                            key.data.sendall(data)
                        self.mode = "hang"
                        break
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            selector.close()
            for sock in (client, upstream):
                with contextlib.suppress(OSError):
                    sock.close()
