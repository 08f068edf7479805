"""A real ``redis-server`` for tests and benchmarks: loopback, a free port, AOF on."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from ..errors import CallCenterError

__all__ = ["RedisServer", "RedisServerError"]


class RedisServerError(CallCenterError, RuntimeError):
    """``redis-server`` is missing, or did not start or stop in time."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RedisServer:
    """Start ``redis-server`` on 127.0.0.1 and a free port, durable (AOF, fsync always).

    Use it as a context manager; :meth:`restart` stops it and starts it again on the
    same port and data (what a crash and a restart look like to clients).

    Args:
        executable: The server's program (found on ``PATH`` by default).
        appendfsync: When the server syncs its append-only file: ``"always"``
            (before it answers: nothing acknowledged is lost) or ``"everysec"``.
        timeout: Seconds to wait for the server to answer, or to stop.

    Raises:
        RedisServerError: No ``redis-server`` (install the Debian package
            ``redis-server``), or it did not answer in time.
    """

    def __init__(
        self,
        executable: str = "redis-server",
        *,
        timeout: float = 10.0,
        appendfsync: str = "always",
    ) -> None:
        found = shutil.which(executable)
        if found is None:
            raise RedisServerError(
                f"expected the program {executable!r} on PATH, found none: install it "
                "(apt-get install -y redis-server; make test does it)"
            )
        self._executable = found
        self._appendfsync = appendfsync
        self._timeout = timeout
        self._dir = Path(tempfile.mkdtemp(prefix="callcenter-redis-"))
        self.port = _free_port()
        self._process: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:PORT/0``."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server (again) and wait until it answers ``PING``."""
        if self._process is not None:
            return
        args = [
            self._executable,
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--dir", str(self._dir),
            "--appendonly", "yes",
            "--appendfsync", self._appendfsync,
            "--save", "",
            "--protected-mode", "yes",
        ]  # fmt: skip
        self._process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL
        )
        end = time.monotonic() + self._timeout
        while time.monotonic() < end:
            if self._process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.02)
        self.stop()
        raise RedisServerError(
            f"expected redis-server to answer on 127.0.0.1:{self.port} within "
            f"{self._timeout} s; it did not"
        )

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after the timeout)."""
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(self._timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(self._timeout)

    def restart(self) -> None:
        """Stop the server and start it again on the same port and data."""
        self.stop()
        self.start()

    def close(self) -> None:
        """Stop the server and remove its data."""
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> RedisServer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
