"""The trainer's commands: validate content and import quizzes; they need no app or database.

The quiz importers are imported by their own commands, so `linkwise validate` skips them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from app import content_cache, dataclass_code
from app.cli_files import force_option, refuse_existing, write_output
from app.collector import collector_paused
from app.config import PROJECT_ROOT
from app.config_checks import ConfigError, check_folder
from app.domain.catalogue import validate as validate_content
from app.domain.module_files import SLUG
from app.domain.problems import Problem, relative_to
from app.domain.sources import discover

if TYPE_CHECKING:
    from app.domain.quiz_imports import Imported

KINDS = click.Choice(["assessment", "knowledge-check"])


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def validate(paths):
    """Check modules, screens, quizzes and frameworks; print every problem with its line.

    Named files are checked as part of the installed content: every error anywhere is
    printed, and the warnings of the named files. Exits 1 when there is any error.
    """
    content_dir, competencies_dir = installed_content()
    problems = collector_paused(validate_content)(
        paths,
        default_competencies_dir=competencies_dir,
        default_modules_dir=content_dir / "modules",
        default_quizzes_dir=content_dir / "quizzes",
        load=content_cache.load_sources,
    )
    dataclass_code.save()
    problems = (*problems, *(_nothing_in(path) for path in paths if _holds_nothing(path)))
    for problem in problems:
        click.echo(shown(problem))
    click.echo(_count(problems), err=True)
    sys.exit(1 if any(problem.is_error for problem in problems) else 0)


@click.command("import-text2qti")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the quiz here (its name is the quiz id) instead of printing it.",
)
@click.option("--id", "quiz_id", help="The quiz id, when not taken from the output name.")
@click.option("--module", help="Slug of the module the quiz belongs to.")
@click.option("--kind", type=KINDS, help="Default: from the id, else assessment.")
@click.option("--pass-mark", type=click.IntRange(0, 100), help="Default: 80, or 0 for a check.")
@force_option
def import_text2qti_command(source, output, quiz_id, module, kind, pass_mark, force):
    """Convert a text2qti quiz; problems are reported at the text2qti file's lines."""
    from app.domain.quiz_imports import import_text2qti

    if output is not None:
        refuse_existing(output, force)

    imported = import_text2qti(
        _read(source),
        source=str(source),
        quiz_id=_quiz_id(quiz_id, output),
        module=module,
        kind=kind,
        pass_mark=pass_mark,
    )
    _finish(imported, output)


@click.command("import-gift")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the quiz here (its name is the quiz id) instead of printing it.",
)
@click.option("--id", "quiz_id", help="The quiz id, when not taken from the output name.")
@click.option("--title", help="The quiz title. Default: from the bank's file name.")
@click.option("--module", help="Slug of the module the quiz belongs to.")
@click.option("--kind", type=KINDS, help="Default: from the id, else assessment.")
@click.option(
    "--pick",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="How many questions each $CATEGORY pool gives an attempt.",
)
@force_option
def import_gift_command(source, output, quiz_id, title, module, kind, pick, force):
    """Convert a Moodle GIFT bank; problems are reported at the GIFT file's lines."""
    from app.domain.quiz_imports import import_gift

    if output is not None:
        refuse_existing(output, force)

    imported = import_gift(
        _read(source),
        source=str(source),
        quiz_id=_quiz_id(quiz_id, output),
        title=title,
        module=module,
        kind=kind,
        pick=pick,
    )
    _finish(imported, output)


def installed_content() -> tuple[Path, Path]:
    """Return the installed content and competencies folders, as the app would find them."""
    content_dir = Path(os.environ.get("LINKWISE_CONTENT_DIR") or PROJECT_ROOT / "content")
    competencies_dir = Path(
        os.environ.get("LINKWISE_COMPETENCIES_DIR") or PROJECT_ROOT / "competencies"
    )
    try:
        check_folder("CONTENT_DIR", content_dir)
        check_folder("COMPETENCIES_DIR", competencies_dir)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    return content_dir, competencies_dir


def _holds_nothing(path: Path) -> bool:
    """Say whether a folder named to check holds no module, quiz or framework, nor anything
    that looks like one: a slip of the path, which "0 errors" would pass."""
    if not path.is_dir():
        return False
    # The folder on its own, with no installed content laid under it.
    found = discover([path], default_competencies_dir=path)
    return not (found.module_dirs or found.quiz_files or found.framework_files or found.problems)


def _nothing_in(folder: Path) -> Problem:
    return Problem(
        str(folder),
        0,
        "error",
        "nothing to check: this folder has no module (a folder with module.md), quiz (a .md "
        "file in a quizzes folder) or competency framework (a .yaml file in a competencies "
        "folder)",
    )


def shown(problem: Problem) -> str:
    """Return a problem as printed: paths relative to here, or else to the project."""
    for root in (Path.cwd(), PROJECT_ROOT):
        problem = relative_to(problem, str(root.resolve()))
    return str(problem)


def _read(source: Path) -> str:
    try:
        return source.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{source} is not UTF-8 text; save it as UTF-8") from None


def _quiz_id(quiz_id: str | None, output: Path | None) -> str | None:
    if output is not None and output.suffix != ".md":
        raise click.BadParameter("the output is a quiz file: name it <quiz-id>.md", param_hint="-o")
    if quiz_id and output is not None and output.stem != quiz_id:
        raise click.BadParameter(
            f"the output '{output.name}' must be named after the id: {quiz_id}.md",
            param_hint="--id",
        )
    found = quiz_id or (output.stem if output is not None else None)
    if found is not None and not SLUG.match(found):
        raise click.BadParameter(
            f"'{found}' is not a quiz id: use lowercase letters, digits and hyphens, "
            "like referral-routes-check-3",
            param_hint="--id" if quiz_id else "-o",
        )
    return found


def _finish(imported: Imported, output: Path | None) -> None:
    for problem in imported.problems:
        click.echo(shown(problem), err=True)
    if imported.has_errors:
        click.echo(f"{_count(imported.problems)}; nothing was written", err=True)
        sys.exit(1)
    if output is None:
        click.echo(imported.text, nl=False)
        return
    write_output(output, imported.text)
    click.echo(
        f"wrote {output} ({imported.questions} question{'s' * (imported.questions != 1)}): "
        "add 'Competencies:' and 'Outcomes:' lines before "
        f"each question, then run `linkwise validate {output}`",
        err=True,
    )


def _count(problems) -> str:
    errors = sum(problem.is_error for problem in problems)
    warnings = len(problems) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
