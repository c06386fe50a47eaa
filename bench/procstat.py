"""Server CPU time read from /proc: steadier than requests per second on a shared machine.

A load generator's own CPU is never counted: only the processes that serve (gunicorn's
master and workers, nginx's, and for PostgreSQL the backends of the bench's database).
"""

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """Return the user and system CPU a process (all its threads) has used; 0 once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()  # the name may hold spaces and brackets
    return (int(fields[11]) + int(fields[12])) / TICKS


def family(pid: int) -> list[int]:
    """Return a process and all its descendants (a server's master and workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, ()))
    return found


class CpuMeter:
    """CPU used by a server's processes, and its database's, between `start()` and `stop()`."""

    def __init__(self, server_pids, database_pids=list):
        # Callables, so processes started between readings (a PostgreSQL backend) count.
        self._groups = (server_pids, database_pids)
        self._before: dict[int, float] = {}

    def start(self) -> None:
        """Take the first reading."""
        self._before = {pid: cpu_seconds(pid) for group in self._groups for pid in group()}

    def stop(self) -> tuple[float, float]:
        """Return the CPU seconds the server and the database used since `start()`.

        A process that ended in between is missed; one that started in between counts whole.
        """
        server, database = (
            sum(cpu_seconds(pid) - self._before.get(pid, 0.0) for pid in group())
            for group in self._groups
        )
        return server, database
