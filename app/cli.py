"""The `linkwise` command line's entry point; the commands are gathered in app/cli_commands.py.

`linkwise validate` needs neither the app nor a database, so it runs without importing
them (about two thirds of its start-up otherwise). Names are looked up in cli_commands, so
`from app.cli import upgrade_database` and the like keep working.
"""

import sys

from app.collector import collector_paused


def main() -> None:
    """Run the linkwise command line."""
    if sys.argv[1:2] == ["validate"]:
        collector_paused(_validate)()  # its imports too, as create_app()'s
        return
    from app.cli_commands import main as run_commands

    run_commands()


def _validate() -> None:
    from app.cli_content import validate

    validate.main(sys.argv[2:], prog_name="linkwise validate")


def __getattr__(name: str):
    if name.startswith("__"):  # asked by import machinery and tools: not a command's name
        raise AttributeError(name)
    from app import cli_commands

    return getattr(cli_commands, name)
