"""The `linkwise` command line's entry point; the commands are gathered in app/cli_commands.py.

The commands that read and write files only (validate, the quiz and framework importers, the
framework export) need neither the app nor a database, so they run without importing them:
Flask, SQLAlchemy, the models and services are some three quarters of their start-up
otherwise. Names are looked up in cli_commands, so `from app.cli import upgrade_database`
and the like keep working.
"""

import sys
from importlib import import_module

# Each files-only command's name, and the module and name of its click command. The same
# commands are registered on the full command group too (app/cli_commands.py), where
# `linkwise --help` lists them and an option before the command's name finds them.
FILES_ONLY_COMMANDS = {
    "validate": ("app.cli_content", "validate"),
    "import-text2qti": ("app.cli_content", "import_text2qti_command"),
    "import-gift": ("app.cli_content", "import_gift_command"),
    "export-framework": ("app.cli_frameworks", "export_framework"),
    "import-case": ("app.cli_frameworks", "import_case_command"),
}


def main() -> None:
    """Run the linkwise command line; Ctrl+C at any point says "Aborted!" and exits 1."""
    try:
        _main()
    except KeyboardInterrupt:
        # Click says so for a command it runs; this covers the imports and the app's start
        # before it does, which printed a traceback and exited -2.
        sys.stderr.write("Aborted!\n")
        sys.exit(1)


def _main() -> None:
    from app.collector import collector_paused

    name = sys.argv[1] if len(sys.argv) > 1 else None
    if name in FILES_ONLY_COMMANDS:
        collector_paused(_run_files_only)(name)  # its imports too, as create_app()'s
        return
    from app.cli_commands import main as run_commands

    run_commands()


def _run_files_only(name: str) -> None:
    module, attribute = FILES_ONLY_COMMANDS[name]
    command = getattr(import_module(module), attribute)
    command.main(sys.argv[2:], prog_name=f"linkwise {name}")


def __getattr__(name: str):
    if name.startswith("__"):  # asked by import machinery and tools: not a command's name
        raise AttributeError(name)
    from app import cli_commands

    return getattr(cli_commands, name)
