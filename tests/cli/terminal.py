"""Running catalog-sync in a child process whose stdout is a pseudo-terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import subprocess
import sys
import termios
import threading
from collections.abc import Mapping
from pathlib import Path

__all__ = ["PtyProcess", "child_env", "read_all", "run_in_pty"]


def child_env(**extra: str) -> dict[str, str]:
    """The environment without any API or colour settings: the embedded emulator is used."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("CLOUDMORE_")
        and name not in {"CI", "NO_COLOR", "FORCE_COLOR", "GITHUB_STEP_SUMMARY"}
    }
    env.update(extra)
    return env


def read_all(fd: int) -> bytes:
    """Everything the other side writes until it closes (EIO on Linux once it has exited)."""
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def run_in_pty(args: list[str], env: Mapping[str, str], cwd: Path) -> tuple[int, bytes]:
    """Run ``catalog-sync ARGS`` with stdout on a terminal; its exit code and that output."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "catalog_sync", *args],
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=subprocess.DEVNULL,
        env=dict(env),
        cwd=cwd,
    )
    os.close(terminal)
    try:
        output = read_all(controller)
    finally:
        os.close(controller)
    return process.wait(timeout=60), output


def _take_terminal() -> None:
    """In the child, after setsid: make stdin (the pty) the controlling terminal, so that the
    terminal turns a typed Ctrl-C into SIGINT for the child, as a shell's terminal does."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyProcess:
    """catalog-sync in a child process whose terminal is a pseudo-terminal (stdin, stdout and
    stderr, and its controlling terminal), its output collected by a thread so that the test
    can wait for a line to appear, and keys typed on it."""

    def __init__(self, args: list[str], env: Mapping[str, str], cwd: Path) -> None:
        controller, terminal = pty.openpty()
        self._controller = controller
        self.process = subprocess.Popen(
            [sys.executable, "-m", "catalog_sync", *args],
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_take_terminal,
        )
        os.close(terminal)
        self._output = bytearray()
        self._changed = threading.Condition()
        self._closed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._controller, 65536)
            except OSError:
                chunk = b""
            with self._changed:
                if not chunk:
                    self._closed = True
                    self._changed.notify_all()
                    return
                self._output += chunk
                self._changed.notify_all()

    def press_ctrl_c(self) -> None:
        os.write(self._controller, b"\x03")

    def wait_for(self, text: bytes, timeout: float = 60) -> None:
        """Until ``text`` has been written (fails when the child closes the terminal first)."""
        with self._changed:
            self._changed.wait_for(lambda: text in self._output or self._closed, timeout=timeout)
            assert text in self._output, bytes(self._output[-2000:])

    def finish(self, timeout: float = 60) -> tuple[int, str]:
        """The exit code and everything written, once the child exited."""
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=timeout)
        os.close(self._controller)
        return code, self._output.decode("utf-8", errors="replace")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
