"""Keep one process of `make up` running, as a host's supervisor does (systemd's Restart=always): run the
command, start it again a second after it ends on its own (a killed web process or worker), and end with
it when told to stop: honcho and `make down` send SIGTERM to the process group, which holds both.

    python -m vgk.ops.keep COMMAND [ARG...]

Without it, honcho would end every process of the shape as soon as one of them died.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from types import FrameType

RESTART_AFTER = 1.0  # seconds between a process's end and its new start


def keep(command: list[str], restart_after: float = RESTART_AFTER) -> int:
    """Run `command` again each time it ends, until this process is told to stop; returns its last exit code
    (128 + the signal's number when a signal ended it, as a shell says)."""
    stopping: list[int] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)  # the command got the same signal (its group's): it is ending

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        code = subprocess.Popen(command).wait()
        code = 128 - code if code < 0 else code
        if stopping:
            return code
        print(f"keep: {command[0]} ended (code {code}), starting it again", file=sys.stderr, flush=True)
        time.sleep(restart_after)
        if stopping:
            return code


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(keep(sys.argv[1:]))
