"""Copy the NHS.UK frontend build from node_modules into static/nhsuk, ready to serve.

The stylesheet points at /assets/ and loads the Frutiger web font from the NHS's own
servers; our pages serve the assets themselves and a strict content security policy
allows no third-party fonts, so we rewrite the asset paths and drop the remote font faces
(the design system falls back to Arial, as it does wherever Frutiger is missing).
"""

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
TARGET = ROOT / "static" / "nhsuk"
REMOTE_FONT_FACE = re.compile(r"@font-face\{[^}]*https?://[^}]*\}")


def build() -> None:
    """Build static/nhsuk from the installed nhsuk-frontend package."""
    if not SOURCE.is_dir():
        sys.exit("node_modules/nhsuk-frontend is missing: run `npm ci` first")
    if TARGET.exists():
        shutil.rmtree(TARGET)
    shutil.copytree(SOURCE / "assets", TARGET / "assets")
    css = (SOURCE / "nhsuk-frontend.min.css").read_text("utf-8")
    css = REMOTE_FONT_FACE.sub("", css).replace("url(/assets/", "url(assets/")
    css = css.replace("/*# sourceMappingURL=nhsuk-frontend.min.css.map */", "")
    (TARGET / "nhsuk-frontend.min.css").write_text(css, "utf-8")
    shutil.copy2(SOURCE / "nhsuk-frontend.min.js", TARGET / "nhsuk-frontend.min.js")
    shutil.copy2(SOURCE / "nhsuk-frontend.min.js.map", TARGET / "nhsuk-frontend.min.js.map")
    print(f"built {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    build()
