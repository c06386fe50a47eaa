"""Run the installed `linkwise` command as a trainer or developer would, in a subprocess."""

import os
import subprocess
import sys


def run_linkwise(*args, env=None, cwd=None, unset=()):
    """Run linkwise with these arguments; LINKWISE_ENV is development unless unset or given."""
    linkwise = os.path.join(os.path.dirname(sys.executable), "linkwise")
    environment = {**os.environ, "LINKWISE_ENV": "development", **(env or {})}
    for name in unset:
        environment.pop(name, None)
    return subprocess.run(
        [linkwise, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        cwd=cwd,
    )
