"""`linkwise item-stats`: how each question of a quiz performs, as text or CSV."""

import click
from flask.cli import with_appcontext

from app.cli_errors import day_option, days_in_order
from app.content import catalogue
from app.domain.item_analysis import rounded
from app.domain.item_csv import competency_csv_rows, csv_rows
from app.domain.item_flags import people_said
from app.domain.item_report import ItemReport, Window
from app.domain.spreadsheet import csv_text
from app.services import item_stats


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{rounded(value, 2):.2f}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@click.command("item-stats")
@with_appcontext
@click.argument("quiz_id", metavar="QUIZ")
@click.option("--csv", "as_csv", is_flag=True, help="Print one CSV row per question version.")
@click.option(
    "--competencies",
    is_flag=True,
    help="Also work out each competency's reliability and score bands (reads every answer "
    "again); with --csv, print one row per competency instead.",
)
@click.option("--first-only", is_flag=True, help="Count each learner's first attempt only.")
@click.option(
    "--since",
    callback=day_option,
    help="From date: attempts submitted on or after (DD/MM/YYYY or YYYY-MM-DD).",
)
@click.option(
    "--until",
    callback=day_option,
    help="To date: attempts submitted up to the end of this day (DD/MM/YYYY or YYYY-MM-DD).",
)
def item_stats_command(quiz_id, as_csv, competencies, first_only, since, until):
    """Print facility, discrimination, option shares and flags for each question of QUIZ."""
    days_in_order(since, until)
    window = Window(first_only, since, until)
    report = item_stats.item_report(quiz_id, window, competency_scores=competencies)
    if report is None:
        raise click.ClickException(_no_quiz(quiz_id))
    rows = competency_csv_rows if competencies else csv_rows
    click.echo(csv_text(rows(report)) if as_csv else describe(report), nl=False)


def _no_quiz(quiz_id: str) -> str:
    """Say there is no such quiz; a module's slug is answered with its quizzes' ids."""
    module = catalogue().module(quiz_id)
    if module is not None:
        checks = (screen.knowledge_check for screen in module.screens)
        quizzes = [q.id for q in (module.assessment, *checks) if q is not None]
        if quizzes:
            return (
                f"'{quiz_id}' is a module, not a quiz: give the id of one of its quizzes, "
                f"like {quizzes[0]} (its quizzes: {', '.join(quizzes)})"
            )
    return f"there is no quiz '{quiz_id}': give the id of an assessment or knowledge check"


def describe(report: ItemReport) -> str:
    """Return the report as text a trainer reads in a terminal."""
    lines = [f"{report.title} ({report.quiz_id}), {report.place}"]
    if not report.attempts:
        return "\n".join([*lines, report.no_attempts]) + "\n"
    each = "question" if report.questions_shown == "1" else "questions"
    lines.append(
        f"{_count(report.attempts, 'graded attempt')}"
        + (f" by {people_said(report.people)}" if report.people is not None else "")
        + f"; {report.questions_shown} {each} each; "
        f"mean {_figure(report.mean_percent)}%, SD {_figure(report.sd_percent)}; "
        f"{report.reliability_name} {_figure(report.reliability)}"
    )
    lines += [f"quiz: {flag.reason}. {flag.advice}" for flag in report.flags]
    for row in report.questions:
        figures = row.figures
        if not figures.answered:
            # Today's version of an edited question before anyone answers it, as the page says.
            lines.append(f"{row.place}: {row.question_id}: no answers yet")
            lines += [
                f"    {'*' if o.right else ' '} {' '.join(o.text.split())}" for o in row.options
            ]
            continue
        lines.append(
            f"{row.place}: {row.question_id}: answered {figures.answered}"
            + (
                f" by {people_said(figures.people, figures.people_exact)}"
                if figures.people is not None
                else ""
            )
            + ", "
            f"facility {_figure(figures.facility)}, "
            f"discrimination {_figure(figures.discrimination)}, "
            f"upper-lower {_figure(figures.upper_lower)}"
            + (f" ({figures.not_shown})" if figures.not_shown else "")
        )
        lines += [
            f"    {'*' if o.right else ' '} {_figure(o.share)}  {' '.join(o.text.split())}"
            for o in row.options
        ]
        lines += [f"    flag: {flag.reason}. {flag.advice}" for flag in row.flags]
    for row in report.competencies:
        line = (
            f"{row.code} {row.name}: {_count(row.questions, 'question')}, "
            f"answered {row.answered}, "
            f"facility {_figure(row.facility)}, discrimination {_figure(row.discrimination)}"
        )
        if not report.competency_scores:
            lines.append(line)
            continue
        lines.append(
            f"{line}; {_count(row.attempts, 'attempt')}, "
            f"{_count(row.per_attempt, 'question')} each, "
            f"{row.reliability_name} {_figure(row.reliability)}"
        )
        lines.append(
            "    scores (% of its points): "
            + ", ".join(f"{band}: {count}" for band, count in row.distribution)
        )
    if report.competencies and not report.competency_scores:
        lines.append("(--competencies adds each competency's reliability and score bands)")
    return "\n".join(lines) + "\n"
