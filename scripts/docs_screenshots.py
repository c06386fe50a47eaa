"""Take every screenshot in docs/screenshots/ again: `make screenshots`.

Serves the app as `make run` does (db upgrade, seed-demo, recompute-levels, `linkwise run`,
without --reload) on a throwaway SQLite database in a temporary folder, on a free port, and
drives Debian's Chromium through each page as the demo accounts that seed-demo prints. Every
state is reached through the site itself or the app's own commands: a quiz failed then passed,
a certificate earned and verified, a reset link read from the mail the site wrote, sign-in
attempts until the site says there were too many. The app has no fixed clock, so the pages
show today's dates. Each file is a full page 1280 pixels wide, saved with a 128-colour palette.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import app_env, free_port, linkwise, stop  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ASSETS = ROOT / "static" / "nhsuk" / ".built"


def main() -> int:
    """Serve the app on a throwaway database and take every screenshot."""
    if not Path(CHROMIUM).exists():
        sys.exit(f"Chromium is not at {CHROMIUM}: apt-get install chromium (or set CHROMIUM).")
    if not ASSETS.exists():
        sys.exit("The NHS.UK assets from npm are not built: run `make setup` first.")
    try:
        import PIL  # noqa: F401
        import playwright  # noqa: F401
    except ImportError:
        sys.exit("Playwright and Pillow are not installed: run `make setup` first.")
    # A `kill` runs the finally blocks below too: the server stops, the folder goes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("Stopped before the screenshots were done."))
    with tempfile.TemporaryDirectory(prefix="linkwise-shots-") as folder:
        env = app_env(
            f"sqlite:///{folder}/linkwise.db",
            LINKWISE_MAIL_DIR=f"{folder}/mail",
            LINKWISE_ISSUER_KEY=issuer_key(Path(folder)),
        )
        os.environ.update(env)  # the app built here reads the server's database
        for arguments in (("db", "upgrade"), ("seed-demo", "--learners", "150", "--top-up")):
            print(linkwise(env, *arguments).strip())
        print(linkwise(env, "recompute-levels").strip())
        port = free_port()
        log = open(Path(folder) / "server.log", "w")  # noqa: SIM115 - closed below
        server = subprocess.Popen(
            [Path(sys.executable).parent / "linkwise", "run", "--host", "127.0.0.1"]
            + ["--port", str(port), "--no-debugger"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(server, port)
            from scripts.docs_journeys import take_all

            take_all(f"http://127.0.0.1:{port}", env, Path(folder), CHROMIUM)
        except Exception:
            log.flush()
            print((Path(folder) / "server.log").read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            stop(server)
            log.close()
    print("Saved the screenshots in docs/screenshots/")
    return 0


def issuer_key(folder: Path) -> str:
    """Write a throwaway P-256 key for the credentials the certificates carry; return its path."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    path = folder / "issuer-key.pem"
    path.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(path)


def wait_for(server: subprocess.Popen, port: int) -> None:
    """Wait until the development server answers."""
    import urllib.request

    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError(f"the development server exited with {server.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the development server did not answer within 30 seconds")


if __name__ == "__main__":
    sys.exit(main())
