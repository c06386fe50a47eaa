"""Serve one checkout in this process and count the instructions its requests take.

Run by bench/instructions.py under `valgrind --tool=callgrind --instr-atstart=no`, with
PYTHONPATH naming the checkout to measure and the database already seeded. The app runs
in a werkzeug server on a thread of this process; everything else (starting, signing in,
preparing the quiz submits through the site's forms) runs with callgrind's instrumentation
off. For each phase, callgrind's counters are zeroed, instrumentation goes on, the requests
are sent one at a time, and callgrind dumps what it counted (bench/instructions.py reads
each dump's totals; it reads how many counted submits passed from the last line
printed). Arguments: this
bench's own folder (for bench.quiz), how many screens to fetch, the learners' emails file.
"""

import http.client
import os
import socket
import subprocess
import sys
import threading

BENCH_ROOT, SCREENS, EMAILS = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sys.path.insert(0, BENCH_ROOT)
from bench import quiz  # noqa: E402  (this bench's forms; the app comes from PYTHONPATH)
from bench.server import course, screen_path, sign_in  # noqa: E402

sys.path.remove(BENCH_ROOT)
sys.path.insert(0, os.environ["PYTHONPATH"].split(os.pathsep)[0])
for name in [name for name in sys.modules if name == "app" or name.startswith("app.")]:
    del sys.modules[name]  # should a bench module have loaded this bench's app: the checkout's

from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402

WARM_UP = 10


def callgrind(*arguments: str) -> None:
    """Tell callgrind, which runs this process, to do something (callgrind_control)."""
    run = subprocess.run(
        ["callgrind_control", *arguments, str(os.getpid())], capture_output=True, text=True
    )
    if run.returncode or "Error" in run.stdout:  # it says so on stdout, and exits 0
        raise RuntimeError(f"callgrind_control {' '.join(arguments)}: {run.stdout}{run.stderr}")


def counted(phase: str, send, requests) -> None:
    """Send the requests with instrumentation on, then dump the count named by the phase."""
    callgrind("--zero")
    callgrind("--instr=on")
    statuses = {send(request) for request in requests}
    callgrind(f"--dump={phase} {len(requests)} {','.join(map(str, sorted(statuses)))}")
    callgrind("--instr=off")


def main() -> None:
    server = make_server("127.0.0.1", 0, create_app(), threaded=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_port
    cookie = sign_in(port)
    page = screen_path()
    connection = http.client.HTTPConnection("127.0.0.1", port)

    def fetch(_) -> int:
        connection.request("GET", page, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        return response.status

    def post(submit: quiz.Submit) -> int:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(submit.request)
            head = b""
            while b"\r\n" not in head:
                head += sock.recv(4096)
        return int(head.split()[1])

    for _ in range(WARM_UP):
        fetch(None)
    counted("screen", fetch, list(range(SCREENS)))
    with open(EMAILS) as emails:
        learners = emails.read().split()
    modules = [m.slug for m in course().modules if m.assessment]
    submits = quiz.Submits(port, learners, modules).take(len(learners) * len(modules))
    for submit in submits[:WARM_UP]:
        post(submit)
    # The passes among the counted submits only, not the warm-up's (read with the
    # instrumentation off); bench/instructions.py reads this line.
    passed = quiz.graded_attempts(os.environ["DATABASE_URL"], passed=True)
    counted("submit", post, submits[WARM_UP:])
    print(f"passed {quiz.graded_attempts(os.environ['DATABASE_URL'], passed=True) - passed}")


if __name__ == "__main__":
    main()
