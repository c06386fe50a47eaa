"""Lighthouse scores for learner pages: `make audit`.

Serves the app with gunicorn on a throwaway database, signs the demo learner in, and runs
Lighthouse (npm) in Debian's Chromium on the home page, My learning, a module page and
every first and table/figure screen. Prints performance, accessibility and best-practice
scores and exits 1 when any is below 95.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import app_env, course, sign_in, start_server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices")
TARGET = 95
# LIGHTHOUSE_PRESET=mobile audits as Lighthouse's default phone on a throttled network.
PRESET = [] if os.environ.get("LIGHTHOUSE_PRESET") == "mobile" else ["--preset=desktop"]
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run --disable-quic"
)


def learner_pages() -> list[str]:
    module = course().modules[0]
    pages = ["/", "/modules/", f"/modules/{module.slug}/", "/my/record", "/account/"]
    for screen in module.screens:
        if (
            screen.number == 1
            or screen.knowledge_check
            or "<table" in screen.html
            or "<figure" in screen.html
        ):
            pages.append(f"/modules/{module.slug}/{screen.slug}/")
    return pages


def audit(url: str, cookie: str, folder: Path) -> dict[str, int]:
    report = folder / "report.json"
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--extra-headers",
        json.dumps({"Cookie": cookie}),
        *PRESET,
    ]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    # Lighthouse sometimes loses the trace of a load in headless Chromium (NO_NAVSTART) and
    # asks to be run again; a page fails only if three runs in a row fail.
    for attempt in range(3):
        run = subprocess.run(command, env=env, capture_output=True, text=True)
        if run.returncode == 0:
            break
        print(f"Lighthouse failed on {url} (try {attempt + 1} of 3): {run.stderr.strip()[-300:]}")
    else:
        raise RuntimeError(f"Lighthouse failed three times on {url}")
    categories = json.loads(report.read_text())["categories"]
    return {name: round(categories[name]["score"] * 100) for name in CATEGORIES}


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        server, port = start_server(app_env(f"sqlite:///{folder}/audit.db"), workers=4)
        try:
            cookie = sign_in(port)
            rows = [
                (path, audit(f"http://127.0.0.1:{port}{path}", cookie, Path(folder)))
                for path in learner_pages()
            ]
        finally:
            server.terminate()
            server.wait()
    print(f"\n{'page':<60} {'perf':>5} {'a11y':>5} {'best':>5}")
    failing = 0
    for path, scores in rows:
        values = [scores[name] for name in CATEGORIES]
        failing += any(value < TARGET for value in values)
        print(f"{path:<60} " + " ".join(f"{value:>5}" for value in values))
    print(f"\n{len(rows) - failing} of {len(rows)} pages at {TARGET}+ in every category")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
