"""Turn a plain text2qti quiz into a Linkwise quiz file with the same questions."""

from __future__ import annotations

import re

from ..plain_numbers import Unplain, plain_number
from ..quizzes.lines import MarkedLine, read_lines
from .checked import Imported, QuizWriter, front_matter, house_settings, left_out_message, slug
from .gift_text import MARKUP_AND_HTML, escaped
from .shown_words import lost_formatting, shown_words

HEADER_KEYS = {
    "quiz_title",
    "quiz_description",
    "quiz_shuffle_answers",
    "quiz_show_correct_answers",
}
# Settings text2qti has and Linkwise does not; kept as comments so nothing is lost.
OTHER_SETTINGS = {
    "quiz_one_question_at_a_time",
    "quiz_cant_go_back",
    "quiz_feedback_is_solution",
    "quiz_solutions_sample_groups",
    "quiz_solutions_randomize_groups",
}
# What ends a question's block of lines.
QUESTION_ENDS = (
    {
        "question",
        "question_title",
        "question_points",
        "start_group",
        "end_group",
        "group_pick",
        "group_points_per_question",
        "text",
        "text_title",
    }
    | HEADER_KEYS
    | OTHER_SETTINGS
)
LEFT_OUT = {"essay": "an essay question ('___')", "upload": "a file-upload question ('^^^')"}
PASSAGES = {
    "text": "'Text:' between questions is left out: put teaching on the module's screens",
    "text_title": "'Text title:' is left out: put teaching on the module's screens",
    "solution": "the '!' solution is left out: put what it says in '...' feedback instead",
}
QUESTION_NUMBER = re.compile(r"[0-9]+")
TRUE_FALSE = {"true", "True", "false", "False"}
NUMBER_LINES = {"question_points", "group_points_per_question", "group_pick"}
# An image as text2qti's Markdown (Python-Markdown) reads one: its description may hold
# escapes, code and brackets one deep. Its alt text is the description with each escape its
# character and each piece of code its text.
IMAGE = re.compile(r"!\[(?P<alt>(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]\((?P<src>[^)\s]*)[^)]*\)")
CODE_OR_ESCAPE = re.compile(
    r"(?P<ticks>`+)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)|\\(?P<character>[\\`*_{}\[\]()>#+\-.!])"
)
# text2qti's reading of a line (its markdown.py): code stays as it is, `\$` is a dollar sign,
# and `$...$` or a siunitx macro such as `\SI{5}{kg}` is LaTeX, which it draws as an image.
DOLLARS_AND_LATEX = re.compile(
    r"(?P<code>(`+)(?!`).+?(?<!`)\2(?!`))"
    r"|(?P<dollar>\\\$)"
    r"|(?P<latex>\\(?:num|si)\{[^{}]+\}|\\SI\{[^{}]+\}\{[^{}]+\}"
    r"|\$(?=[^ \t$])(?:[^$\\]|\\.)+(?<![ \t\\])\$(?!\$))"
    r"|\\.|\$\$+"
)
# Where LaTeX stands while the description is read as Markdown, which it is not.
KEPT = re.compile("\ue000([0-9]+)\ue001")


def import_text2qti(
    text: str,
    *,
    source: str = "quiz.txt",
    quiz_id: str | None = None,
    module: str | None = None,
    kind: str | None = None,
    pass_mark: float | None = None,
) -> Imported:
    """Convert a text2qti quiz, reporting problems at `source`'s lines.

    The id defaults to the quiz title as a slug; module and kind follow a house-style id
    (`<module>-assessment`, `<module>-check-<n>`) when not given.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    marked = read_lines(text, 1).marked
    header = {m.kind: m for m in marked if m.kind in HEADER_KEYS}
    title = " ".join(header["quiz_title"].text.split()) if "quiz_title" in header else "Quiz"
    quiz_id = quiz_id or slug(title) or "quiz"
    module, kind = house_settings(quiz_id, module, kind)
    writer = QuizWriter(source)
    if module == "unassigned":
        writer.warn(1, "no module given: the quiz says 'module: unassigned'; use --module SLUG")

    dropped = {n for m in header.values() for n in range(m.line, m.last_line + 1)}
    commented: dict[int, str] = {}
    for m in marked:
        if m.kind in OTHER_SETTINGS:
            commented[m.line] = "text2qti setting not used by Linkwise"
    numbers = _file_numbers(marked)
    for question, block in _question_blocks(marked):
        what = next((LEFT_OUT[m.kind] for m in block if m.kind in LEFT_OUT), None)
        if what:
            writer.warn(question.line, left_out_message(numbers[question.line], what))
            writer.left_out.append(numbers[question.line])
            for m in block:
                commented.update(dict.fromkeys(range(m.line, m.last_line + 1), "left out"))
    for m in marked:
        if m.kind in PASSAGES:
            writer.warn(m.line, PASSAGES[m.kind])
            commented.update(dict.fromkeys(range(m.line, m.last_line + 1), "left out"))

    inserted: dict[int, list[str]] = {}
    number = 0
    for question, block in _question_blocks(marked):
        if question.line in commented:
            continue
        number += 1
        writer.numbers.append(numbers[question.line])
        extra = [f"ID: {quiz_id}-q{number}"]
        if _is_true_false(block):
            extra.append("Type: true-false")
        inserted[question.line] = extra

    plain_lines = {
        m.line: f"{lines[m.line - 1][: lines[m.line - 1].index(m.marker)]}{m.marker} {plain}"
        for m in marked
        if m.line == m.last_line and (plain := _number_as_text2qti_reads_it(m))
    }
    writer.add(
        "% Add 'Competencies: CODE' (the module's codes) and 'Outcomes: N' (the numbers of the"
        " module's learning outcomes) before each question.",
        0,
    )
    for line_number, line in enumerate(lines, 1):
        if line_number in dropped:
            continue
        if line_number in commented:
            writer.add(f"% {commented[line_number]}: {line}", line_number)
            continue
        for extra in inserted.get(line_number, ()):
            writer.add(extra, line_number)
        if line_number in plain_lines:
            writer.add(plain_lines[line_number], line_number)
            continue
        line = _dollars_as_text2qti_shows_them(line, line_number, writer)
        writer.add(_without_images(line, line_number, writer), line_number)

    said = header.get("quiz_description")
    description = _description(said, writer) if said is not None else None
    front = front_matter(
        quiz_id,
        module,
        title,
        kind,
        pass_mark=pass_mark,
        description=description,
        shuffle_answers=_flag(header.get("quiz_shuffle_answers"), default=False),
        show_correct_answers="after-each-submission"
        if _flag(header.get("quiz_show_correct_answers"), default=True)
        else "never",
    )
    setting_lines = {
        "title": "quiz_title",
        "description": "quiz_description",
        "shuffle_answers": "quiz_shuffle_answers",
        "show_correct_answers": "quiz_show_correct_answers",
    }
    front_lines = {k: header[v].line for k, v in setting_lines.items() if v in header}
    return writer.finish(front, number, front_lines)


def _file_numbers(marked: list[MarkedLine]) -> dict[int, int]:
    """Return each question's number in the file, by its line: the number written before it
    (`7.`), or, when two questions share one, its place among the file's questions."""
    lines = [m.line for m in marked if m.kind == "question"]
    written = [int(QUESTION_NUMBER.match(m.marker)[0]) for m in marked if m.kind == "question"]
    if len(set(written)) < len(written):
        written = list(range(1, len(lines) + 1))
    return dict(zip(lines, written, strict=True))


def _question_blocks(marked: list[MarkedLine]):
    """Yield each question with its marked lines: attributes before it, answers after."""
    for index, m in enumerate(marked):
        if m.kind != "question":
            continue
        start = index
        while start > 0 and marked[start - 1].kind in ("question_title", "question_points"):
            start -= 1
        end = index + 1
        while end < len(marked) and marked[end].kind not in QUESTION_ENDS:
            end += 1
        yield m, marked[start:end]


def _description(said: MarkedLine, writer: QuizWriter) -> str | None:
    """Return `Quiz description:` as a Linkwise description, plain text: the words text2qti
    shows for its Markdown (shown_words.py), LaTeX as written, each loss warned of."""
    latex: list[str] = []

    def keep(match: re.Match) -> str:
        if match["dollar"]:
            return "$"
        if not match["latex"]:
            return match[0]
        writer.warn(said.line, _latex_left(match["latex"]))
        latex.append(match["latex"])
        return f"\ue000{len(latex) - 1}\ue001"

    text = _without_images(DOLLARS_AND_LATEX.sub(keep, said.text), said.line, writer)
    shown = shown_words(text)
    for src, alt in shown.images:
        writer.warn(said.line, _image_left(src, alt))
    for element in dict.fromkeys(shown.left_out):
        writer.warn(said.line, f"{element} in 'Quiz description:' is left out: pages show none")

    def restored(text: str) -> str:
        return KEPT.sub(lambda found: latex[int(found[1])], text)

    if shown.lost:
        writer.warn(
            said.line,
            "a Linkwise quiz description is plain text, shown as typed: it keeps the words "
            f"text2qti shows, not their formatting: {restored(lost_formatting(shown.lost))}",
        )
    return restored(shown.text) or None


def _without_images(line: str, number: int, writer: QuizWriter) -> str:
    """Return a line with each image as the words a screen reader says for it, as a GIFT
    import writes one: "(image: its alt text)", or nothing when it has none."""

    def replace(match: re.Match) -> str:
        alt = " ".join(CODE_OR_ESCAPE.sub(_as_read, match["alt"]).split())
        writer.warn(number, _image_left(match["src"], alt))
        return f"(image: {escaped(alt, MARKUP_AND_HTML)})" if alt else ""

    return IMAGE.sub(replace, line)


def _image_left(src: str, alt: str) -> str:
    return f"image '{src}' is left out: quizzes show no images; " + (
        f"its description stands in its place as '(image: {alt})'"
        if alt
        else "it has no description, so describe it in words if the question needs it"
    )


def _latex_left(latex: str) -> str:
    return (
        f"LaTeX '{latex}' shows as written: Linkwise draws no maths; "
        "write it in words or with characters such as ² and ×"
    )


def _as_read(found: re.Match[str]) -> str:
    return found["code"].strip() if found["ticks"] else found["character"]


def _dollars_as_text2qti_shows_them(line: str, number: int, writer: QuizWriter) -> str:
    def replace(match: re.Match) -> str:
        if match["dollar"]:
            return "$"
        if match["latex"]:
            writer.warn(number, _latex_left(match["latex"]))
        return match[0]

    return DOLLARS_AND_LATEX.sub(replace, line)


def _number_as_text2qti_reads_it(marked: MarkedLine) -> str | None:
    """Return the number on a `Points:`, `points per question:` or `pick:` line as text2qti
    reads it (its quiz.py), written plainly, when it is written otherwise; else None.

    text2qti reads '+2', '02' and '1_0' with Python's float() and int(): the plain number
    carries what it read, where a Linkwise quiz would refuse the writing.
    """
    if marked.kind not in NUMBER_LINES or not isinstance(plain_number(marked.text), Unplain):
        return None
    try:
        if marked.kind != "question_points":
            number = int(marked.text)
        elif (points := float(marked.text)).is_integer():
            number = int(marked.text)  # as text2qti does: '1e0' is refused there too
        else:
            number = points if abs(points - round(points)) == 0.5 else 0
    except (ValueError, OverflowError):
        return None
    return str(number) if number > 0 else None


def _flag(marked: MarkedLine | None, *, default: bool) -> bool:
    return default if marked is None else marked.text.lower() == "true"


def _is_true_false(block: list[MarkedLine]) -> bool:
    # text2qti makes a question true/false when its only two choices read true and false.
    choices = [m.text for m in block if m.kind in ("mctf_correct_choice", "mctf_incorrect_choice")]
    distinct = {choice.lower() for choice in choices}
    return len(choices) == 2 and set(choices) <= TRUE_FALSE and len(distinct) == 2
