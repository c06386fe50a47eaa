"""Turn a Moodle GIFT question bank into a Linkwise quiz, saying where it cannot be exact.

Moodle's types map onto Linkwise's: true/false, single choice (a `=` answer), multiple
answers (weights and no `=`), short answer, numeric and matching (gift_questions.py).
Essays and descriptions are left out. Each `$CATEGORY` becomes a pool.
"""

from __future__ import annotations

from .checked import Imported, QuizWriter, front_matter, house_settings, left_out_message, slug
from .gift_model import GiftBank, GiftQuestion
from .gift_parser import read_gift
from .gift_questions import write_question


def import_gift(
    text: str,
    *,
    source: str = "bank.gift",
    quiz_id: str | None = None,
    title: str | None = None,
    module: str | None = None,
    kind: str | None = None,
    pick: int = 1,
) -> Imported:
    """Convert a GIFT file, reporting problems and inexact mappings at `source`'s lines."""
    bank = read_gift(text)
    quiz_id = quiz_id or slug(title or source.rsplit("/", 1)[-1].rsplit(".", 1)[0]) or "quiz"
    module, kind = house_settings(quiz_id, module, kind)
    writer = QuizWriter(source)
    for line, message in bank.errors:
        writer.error(line, message)
    if module == "unassigned":
        writer.warn(1, "no module given: the quiz says 'module: unassigned'; use --module SLUG")

    kept = [q for q in bank.questions if _kept(q, writer)]
    pools = _pools(kept, bank.categories, pick, writer)
    ends = {first + count - 1 for first, (_, _, count) in pools.items()}
    for number, question in enumerate(kept, 1):
        if number - 1 in pools:
            line, size, _ = pools[number - 1]
            writer.add(f"GROUP\npick: {size}\npoints per question: 1\n", line)
        start, errors = len(writer.lines), writer.error_count()
        writer.add(f"ID: {quiz_id}-q{number}", question.line)
        write_question(question, number, writer)
        if writer.error_count() > errors:
            # Its error is reported; the quiz parser need not stumble over what is left.
            writer.truncate(start)
        else:
            writer.numbers.append(question.number)
        if number - 1 in ends:
            writer.add("END_GROUP", question.line)
        writer.add("", question.line)

    front = front_matter(quiz_id, module, title or _title(source), kind)
    return writer.finish(front, len(kept), empty=_empty(bank))


def _empty(bank: GiftBank) -> str:
    """Say, in GIFT's terms, why the quiz has no questions."""
    if bank.questions:
        return (
            "the file holds no question Linkwise can import: essays and text without "
            "answers '{...}' are left out"
        )
    return (
        "the file holds no GIFT questions: start one like "
        "'::Title:: Question text {=right ~wrong}', with a blank line between questions"
    )


def _kept(question: GiftQuestion, writer: QuizWriter) -> bool:
    if question.kind == "essay":
        what = "an essay question ('{}')"
        writer.warn(question.line, left_out_message(question.number, what))
    elif question.kind == "description":
        what = "text without answers '{...}'"
        writer.warn(question.line, left_out_message(question.number, what, "not a question"))
    else:
        return True
    writer.left_out.append(question.number)
    return False


def _pools(kept, categories, pick: int, writer: QuizWriter) -> dict[int, tuple[int, int, int]]:
    """Return {a pool's first question's index: (category line, pick, size)}, noting each."""
    lines = dict((name, line) for line, name in reversed(categories))
    runs: list[tuple[str, int, int]] = []  # (category, first index, count)
    for index, question in enumerate(kept):
        if question.category is None:
            continue
        if runs and runs[-1][0] == question.category and runs[-1][1] + runs[-1][2] == index:
            name, first, count = runs[-1]
            runs[-1] = (name, first, count + 1)
        else:
            runs.append((question.category, index, 1))
    pools = {}
    for name, first, count in runs:
        line = lines.get(name, kept[first].line)
        if count < 2:
            writer.warn(line, f"category '{name}' has one question, so it is not a pool")
            continue
        size = max(1, min(pick, count - 1))
        lowered = ""
        if size < pick:
            # Picking every question would ask the same ones at each attempt.
            lowered = (
                f"; --pick {pick} is lowered to {size}, one fewer than its questions, "
                "so that attempts differ"
            )
        writer.warn(
            line,
            f"category '{name}' becomes a pool that picks {size} of its {count} questions "
            f"for each attempt{lowered}: change 'pick:' to suit",
        )
        pools[first] = (line, size, count)
    return pools


def _title(source: str) -> str:
    name = source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return " ".join(name.replace("-", " ").replace("_", " ").split()).capitalize() or "Quiz"
