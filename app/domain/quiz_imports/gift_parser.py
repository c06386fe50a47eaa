"""Read Moodle GIFT question banks as Moodle's own importer reads them, with source lines.

Questions are separated by blank lines; `//` lines are comments; `$CATEGORY: path` starts
a category. A question is `::title::` (optional), `[format]` (optional), its text, then
answers in braces. What the braces hold decides the type, in Moodle's order: empty is an
essay, `#` starts a number, a `~` makes multiple choice, `=` with `->` is matching, `T`,
`F`, `TRUE` or `FALSE` is true/false, anything else a short answer. `####` starts general
feedback and `#` an answer's feedback; `%50%` gives an answer a weight. `\\~ \\= \\# \\{
\\} \\: \\\\` are the characters themselves and `\\n` a line break.

Moodle reads a question with no blank line before it as text of the question before, so
it is lost without a word. Here a `::title::` starting a later line, or a `::title::` or
`{` after a question's answers, is an error: a blank line is probably missing.
"""

from __future__ import annotations

import re

from .gift_model import GiftAnswer, GiftBank, GiftQuestion

ESCAPES = {"\\\\": "\ue000", "\\:": "\ue001", "\\#": "\ue002", "\\=": "\ue003"}
ESCAPES |= {"\\{": "\ue004", "\\}": "\ue005", "\\~": "\ue006", "\\n": "\ue007"}
DECODED = {"\ue000": "\\", "\ue001": ":", "\ue002": "#", "\ue003": "=", "\ue004": "{"}
DECODED |= {"\ue005": "}", "\ue006": "~", "\ue007": "\n"}
ESCAPE = re.compile(r"\\[\\:#={}~n]")
WEIGHT = re.compile(r"^%(-?[0-9]+(?:\.[0-9]*)?)%")
FORMAT = re.compile(r"^\[(html|markdown|plain|moodle)\]")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
TITLE = re.compile(r"::[^\n]*?::")
TITLE_ON_A_LATER_LINE = re.compile(r"(?<=\n)[ \t]*(::[^\n]*?::)")
RUN_ON_TITLE = (
    "a blank line is probably missing before '{title}', which starts another question "
    "(write '\\:' for a colon that is text)"
)
ONE_HASH = "write '\\#' for a '#' that is text"
RUN_ON_ANSWERS = (
    "a second answer block '{' after the question's answers: a blank line is probably "
    "missing between questions (write '\\{' for a brace that is text)"
)


def read_gift(text: str) -> GiftBank:
    """Read every question of a GIFT file, recording mistakes at their lines."""
    bank = GiftBank()
    category = None
    number = 0
    for first_line, block in _blocks(text):
        if block.lstrip().startswith("$CATEGORY:"):
            line = first_line + block[: len(block) - len(block.lstrip())].count("\n")
            head, _, rest = block.strip().partition("\n")
            category = _decode(head.removeprefix("$CATEGORY:")).strip()
            bank.categories.append((line, category))
            if rest.strip():
                bank.errors.append(
                    (line + 1, "put a blank line between '$CATEGORY:' and the question")
                )
            continue
        while block:
            before = len(bank.errors)
            number += 1
            question, run_on = _question(block, first_line, number, bank.errors)
            # A question with a mistake is reported, not half imported.
            if question is not None and len(bank.errors) == before:
                question.category, question.number = category, number
                bank.questions.append(question)
            # What ran on is read as the next question, so its own mistakes are found too.
            first_line += block.count("\n", 0, run_on)
            block = block[run_on:]
    return bank


def _blocks(text: str):
    """Yield (first line, text) for each blank-line separated block, comments blanked."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = None
    for number, line in enumerate([*lines, ""], 1):
        if line.strip() and start is None:
            start = number
        elif not line.strip() and start is not None:
            # As in Moodle, a comment line does not end a question; it is read as blank.
            kept = [
                "" if part.lstrip().startswith("//") else part
                for part in lines[start - 1 : number - 1]
            ]
            if any(part.strip() for part in kept):
                yield start, ESCAPE.sub(lambda m: ESCAPES[m.group()], "\n".join(kept))
            start = None


def _question(
    block: str, first_line: int, number: int, errors: list
) -> tuple[GiftQuestion | None, int]:
    """Read the question at the start of a block; return it and where any run-on text starts.

    Without a run-on question, the second value is the block's length.
    """

    def line_at(offset: int) -> int:
        return first_line + block.count("\n", 0, offset)

    title = None
    at = len(block) - len(block.lstrip())
    question_line = line_at(at)
    if block.startswith("::", at):
        end = block.find("::", at + 2)
        if end == -1:
            errors.append((line_at(at), "the title '::' has no closing '::'"))
            return None, len(block)
        title = _decode(block[at + 2 : end]).strip()
        at = end + 2
    at += len(block[at:]) - len(block[at:].lstrip())
    text_format = "moodle"
    if found := FORMAT.match(block[at:]):
        text_format = found[1]
        at += found.end()
    start = block.find("{", at)
    if run_on := TITLE_ON_A_LATER_LINE.search(block, at, len(block) if start == -1 else start):
        errors.append((line_at(run_on.start(1)), _run_on_title(run_on[1])))
        return None, run_on.start(1)
    if start == -1:
        text = _text(block[at:], text_format)
        return GiftQuestion("description", question_line, text, text_format, title), len(block)
    finish = block.find("}", start)
    if finish == -1:
        errors.append((line_at(start), "'{' has no closing '}'"))
        return None, len(block)
    if (next_question := _run_on(block, finish + 1, line_at, errors)) is not None:
        return None, next_question
    text = _text(block[at:start], text_format)
    after = _text(block[finish + 1 :], text_format)
    if after:  # a missing-word question: the answer box stands in the text
        text = f"{text} _____ {after}".strip()
    question = GiftQuestion("", question_line, text, text_format, title, number=number)
    _answers(question, block[start + 1 : finish], start + 1, line_at, errors)
    return (question if question.kind else None), len(block)


def _run_on(block: str, after: int, line_at, errors: list) -> int | None:
    """Report a title or answers after a question's answers; return where that question starts.

    The next question starts at its title, else at the line of its '{' (or just after the
    answers, when the '{' is on their line).
    """
    title = TITLE.search(block, after)
    brace = block.find("{", after)
    if title is not None and (brace == -1 or title.start() < brace):
        errors.append((line_at(title.start()), _run_on_title(title[0])))
        return title.start()
    if brace == -1:
        return None
    errors.append((line_at(brace), RUN_ON_ANSWERS))
    return max(after, block.rfind("\n", 0, brace) + 1)


def _run_on_title(title: str) -> str:
    return RUN_ON_TITLE.format(title=_decode(title))


def _answers(question: GiftQuestion, section: str, offset: int, line_at, errors) -> None:
    general = section.rfind("####")
    if general != -1:
        if "#" in section[general + 4 :] or section[:general].endswith("#"):
            errors.append(
                (
                    line_at(offset + general),
                    f"question {question.number}: the general feedback '####...' comes last "
                    f"and holds no other '#'; {ONE_HASH}",
                )
            )
        question.general_feedback = _text(section[general + 4 :], question.text_format) or None
        section = section[:general]
    answers = section.strip()
    offset += section.find(answers) if answers else 0
    if not answers:
        question.kind = "essay"
    elif answers.startswith("#"):
        question.kind = "numerical"
        _numbers(question, answers[1:], offset + 1, line_at, errors)
    elif "~" in answers:
        question.kind = "multichoice"
        _split(question, answers, offset, line_at, "~=", errors)
    elif "=" in answers and "->" in answers:
        question.kind = "match"
        _split(question, answers, offset, line_at, "=", errors)
    elif answers.partition("#")[0].strip() in TRUE_FALSE:
        question.kind = "truefalse"
        value, *feedback = answers.split("#")
        if len(feedback) > 2:
            third = offset + len("#".join([value, *feedback[:2]]))
            errors.append(
                (
                    line_at(third),
                    f"question {question.number}: a true/false answer takes at most two "
                    f"feedbacks (#wrong#right); {ONE_HASH}",
                )
            )
        question.is_true = TRUE_FALSE[value.strip()]
        feedback = [*feedback[:2], None, None][:2]
        wrong, right = (_text(f, question.text_format) or None if f else None for f in feedback)
        question.true_false_feedback = (wrong, right)
    else:
        question.kind = "shortanswer"
        _split(question, answers, offset, line_at, "=", errors)


def _split(question: GiftQuestion, answers: str, offset: int, line_at, marks: str, errors):
    """Split answers at each mark, as Moodle does, reading weights and feedback."""
    pieces = re.split(f"(?=[{re.escape(marks)}])", answers)
    position = offset
    for piece in pieces:
        start = position
        position += len(piece)
        body = piece.strip()
        if not body:
            continue
        line = line_at(start + piece.find(body))
        right = body.startswith("=") or question.kind in ("shortanswer", "match")
        body = body[1:] if body[0] in marks else body
        weight = None
        if found := WEIGHT.match(body.strip()):
            weight = float(found[1])
            body = body.strip()[found.end() :]
        elif body.strip().startswith("%"):
            errors.append((line, f"the weight in '{_decode(body.strip())}' is not like '%50%'"))
            continue
        answer_text, hash_mark, feedback = body.partition("#")
        if "#" in feedback:
            named = _decode(answer_text.strip())
            named = f"the answer '{named}'" if named else "an answer"
            errors.append(
                (line, f"question {question.number}: {named} takes one feedback '#...'; {ONE_HASH}")
            )
        question.answers.append(
            GiftAnswer(
                _text(answer_text, question.text_format),
                right,
                weight,
                _text(feedback, question.text_format) or None if hash_mark else None,
                line,
            )
        )


def _numbers(question: GiftQuestion, answers: str, offset: int, line_at, errors) -> None:
    wrong = answers.find("~")
    rest, wrong_part = (answers, "") if wrong == -1 else (answers[:wrong], answers[wrong:])
    if "=" not in rest:
        rest = "=" + rest  # the single form, {#3:0.1}: one answer worth 100%
        offset -= 1
    _split(question, rest, offset, line_at, "=", errors)
    for answer in question.answers:
        answer.right = True
    if wrong_part:
        _split(question, wrong_part, offset + wrong, line_at, "~", errors)


def _text(raw: str, text_format: str) -> str:
    """Return answer or question text as Moodle keeps it: plain formats on one line."""
    if text_format in ("moodle", "plain"):
        raw = " ".join(raw.split())
    return _decode(raw.strip())


def _decode(text: str) -> str:
    return "".join(DECODED.get(ch, ch) for ch in text)
