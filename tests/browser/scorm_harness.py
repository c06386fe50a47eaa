"""An LMS for tests: scorm-again's SCORM 1.2 runtime on a page that frames the package.

The page, the scorm-again build from node_modules and the unzipped package are served
from one origin by a plain HTTP server, as an LMS serves content beside its player.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
import zipfile
from pathlib import Path

from tests.browser.conftest import SERVER_POLL

ROOT = Path(__file__).resolve().parents[2]
SCORM_AGAIN = ROOT / "node_modules" / "scorm-again" / "dist" / "scorm12.min.js"
HARNESS = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title>
<script src="/scorm-again/scorm12.min.js"></script></head>
<body><main><h1>Test LMS</h1>
<iframe id="sco" title="Course" style="width:100%;height:1400px;border:0"></iframe></main>
<script>
  // What an LMS does at launch: the manifest's mastery score, and the learner's saved data.
  window.API = new Scorm12API({ autocommit: false, logLevel: 5 });
  var initial = window.LMS_INITIAL || {};
  initial.student_data = { mastery_score: __MASTERY__ };
  window.API.loadFromJSON(initial);
  document.getElementById("sco").src = "/package/index.html";
</script></body></html>
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Lms:
    """The harness site: `launch()` opens the package in a page, as a learner's session."""

    def __init__(self, folder: Path, package: Path, mastery: str) -> None:
        if not SCORM_AGAIN.is_file():
            raise RuntimeError("node_modules/scorm-again is missing: run `make setup`")
        with zipfile.ZipFile(package) as archive:
            archive.extractall(folder / "package")
        (folder / "scorm-again").mkdir()
        shutil.copy2(SCORM_AGAIN, folder / "scorm-again" / "scorm12.min.js")
        (folder / "harness.html").write_text(HARNESS.replace("__MASTERY__", json.dumps(mastery)))
        handler = functools.partial(_Quiet, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        # Polled as often as the app's own test server (conftest.SERVER_POLL): close() waits
        # for the loop to see it.
        serve = functools.partial(self.server.serve_forever, poll_interval=SERVER_POLL)
        threading.Thread(target=serve, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/harness.html"
        self.folder = folder

    def launch(self, page, saved: dict | None = None):
        """Open the package with the LMS's saved data (a resume) and return its frame."""
        if saved is not None:
            page.add_init_script(f"window.LMS_INITIAL = {json.dumps(saved)};")
        page.goto(self.url)
        frame = page.frame_locator("#sco")
        frame.locator("[data-progress]").wait_for()
        return page.frame(url=lambda url: url.endswith("/package/index.html"))

    @staticmethod
    def value(page, element: str) -> str:
        """Read a value from the LMS's runtime, as the LMS would store it."""
        return page.evaluate("name => API.LMSGetValue(name)", element)

    @staticmethod
    def leave(page) -> tuple[dict, str]:
        """Close the package (the SCO finishes); return what the LMS keeps, and cmi.core.exit."""
        page.evaluate("document.getElementById('sco').src = 'about:blank'")
        page.wait_for_function("API.isTerminated()")
        core = page.evaluate("JSON.parse(JSON.stringify(API.cmi.core))")
        return (
            {
                "core": {
                    "lesson_location": core["lesson_location"],
                    "lesson_status": core["lesson_status"],
                    "entry": "resume" if core["exit"] == "suspend" else "",
                    "score": core["score"],
                },
                "suspend_data": page.evaluate("API.cmi.suspend_data"),
            },
            core["exit"],
        )

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
