"""`linkwise export-framework` and `import-case`: frameworks in and out, no app or database."""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import date
from pathlib import Path

import click

from app.cli_content import installed_content, shown
from app.cli_files import force_option, refuse_existing, write_output
from app.domain.dates import uk_today
from app.domain.framework_files import load_frameworks
from app.domain.frameworks_exchange import (
    case_package,
    import_case,
    moodle_csv,
    names_moodle_shortens,
    read_source,
)
from app.domain.frameworks_exchange.moodle_csv import MOODLE_NAME_LIMIT
from app.domain.problems import Problem
from app.domain.sources import YAML_SUFFIXES

FORMATS = ("case", "moodle-csv")


@click.command("export-framework")
@click.argument("framework_id")
@click.option("--format", "format_", type=click.Choice(FORMATS), default="case", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the export here instead of printing it.",
)
@force_option
def export_framework(framework_id, format_, output, force):
    """Export a competency framework as a CASE 1.1 package (JSON) or Moodle framework CSV."""
    if output is not None:
        refuse_existing(output, force)
    source_path = _framework_file(framework_id)
    # As the framework was loaded: a byte order mark is no part of its first line.
    text = source_path.read_text("utf-8-sig")
    source = read_source(text)
    _warn_if_after_today(source_path, text, source.data.get("updated"))
    if format_ == "case":
        written = json.dumps(case_package(source), indent=2, ensure_ascii=False) + "\n"
    else:
        written = moodle_csv(source)
        _warn_of_names_moodle_shortens(source_path, text, source)
    if output is None:
        click.echo(written, nl=False)
        return
    write_output(output, written)
    count = sum(len(domain.get("competencies") or []) for domain in source.domains)
    click.echo(
        f"wrote {output} ({format_}: {len(source.domains)} domains, {count} competencies)", err=True
    )


@click.command("import-case")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the framework here (its name is the framework id) instead of printing it.",
)
@force_option
def import_case_command(source, output, force):
    """Convert a CASE 1.1 package into a framework file; problems are shown at JSON lines."""
    if output is not None and output.suffix not in YAML_SUFFIXES:
        raise click.BadParameter(
            "the output is a framework file: name it <id>.yaml", param_hint="-o"
        )
    if output is not None:
        refuse_existing(output, force)
    try:
        text = source.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{source} is not UTF-8 text; save it as UTF-8") from None
    imported = import_case(
        text, source=str(source), framework_id=output.stem if output is not None else None
    )
    problems = list(imported.problems)
    if not imported.has_errors:
        problems += _check_written(imported.text, imported.framework_id, output)
    for problem in problems:
        click.echo(shown(problem), err=True)
    if any(problem.is_error for problem in problems):
        click.echo(f"{_count(problems)}; nothing was written", err=True)
        sys.exit(1)
    if output is None:
        click.echo(imported.text, nl=False)
        return
    write_output(output, imported.text)
    click.echo(
        f"wrote {output} ({imported.competencies} competencies): move it into competencies/ "
        f"and run `linkwise validate`",
        err=True,
    )


def _framework_file(framework_id: str) -> Path:
    """Return the installed file of a framework, refusing one that does not load cleanly."""
    _, folder = installed_content()
    files = (
        sorted(p for p in folder.iterdir() if p.suffix in YAML_SUFFIXES) if folder.is_dir() else []
    )
    result = load_frameworks(files)
    found = next((f for f in result.frameworks if f.id == framework_id), None)
    if found is None:
        faults = sum(p.is_error for p in result.problems)
        if faults:  # the framework may be the one in error: "not found" would mislead
            errors = f"{faults} error{'s' if faults != 1 else ''}"
            raise click.ClickException(
                f"the competency frameworks in {folder} have {errors}: run `linkwise "
                "validate`, fix them, then run this again; nothing was written"
            )
        known = ", ".join(sorted(f.id for f in result.frameworks)) or "none"
        raise click.ClickException(
            f"no framework '{framework_id}' in {folder}; the frameworks are: {known}"
        )
    return Path(found.path)


def _warn_if_after_today(path: Path, text: str, updated) -> None:
    """Warn of an `updated:` date after today: the export would claim a change not yet made.

    Checked here, not by `linkwise validate`, whose result depends on the files alone.
    """
    if isinstance(updated, date) and updated > uk_today():
        lines = text.splitlines()
        line = next((n for n, t in enumerate(lines, 1) if t.startswith("updated:")), 1)
        problem = Problem(str(path), line, "warning", f"'updated' {updated} is after today")
        click.echo(shown(problem), err=True)


def _warn_of_names_moodle_shortens(path: Path, text: str, source) -> None:
    """Warn of each name Moodle's import would cut short, at its line of the framework file."""
    lines = [line.strip().removeprefix("- ") for line in text.splitlines()]
    for key, what, name in names_moodle_shortens(source):
        line = next((n for n, t in enumerate(lines, 1) if t.startswith(key)), 1)
        message = (
            f"{what} has {len(name)} characters and Moodle keeps {MOODLE_NAME_LIMIT}, "
            "cutting the rest without a word: shorten it before loading the CSV into Moodle"
        )
        click.echo(shown(Problem(str(path), line, "warning", message)), err=True)


def _check_written(text: str, framework_id: str, output: Path | None) -> list[Problem]:
    """Check the written file as `linkwise validate` would, naming the output's lines."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{framework_id}.yaml"
        path.write_text(text, "utf-8")
        result = load_frameworks([path])
    name = str(output) if output is not None else "<output>"
    return [
        Problem(name, p.line, p.severity, p.message.replace(str(path), name))
        for p in result.problems
    ]


def _count(problems) -> str:
    errors = sum(problem.is_error for problem in problems)
    warnings = len(problems) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


FRAMEWORK_COMMANDS = (export_framework, import_case_command)
