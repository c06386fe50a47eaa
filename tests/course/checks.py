"""Measures of the shipped course: wording shared with a source, reading ease, quiz draws."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from app.domain.quizzes import Question, QuestionGroup, Quiz

RUN = 8  # words in a row that may not match the source
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def words_with_lines(text: str) -> list[tuple[str, int]]:
    """Return each word of a text, lowercased and without punctuation, with its line."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        # Hyphens and slashes join words in one text and not in another: split on them.
        found += [(w, number) for w in WORD.findall(re.sub(r"[-/_]", " ", line))]
    return found


def shared_runs(text: str, source: str, run: int = RUN) -> list[tuple[int, str]]:
    """Return (line, words) for every run of `run` words in `text` that is also in `source`."""
    source_words = [w for w, _ in words_with_lines(source)]
    runs = {tuple(source_words[i : i + run]) for i in range(len(source_words) - run + 1)}
    words = words_with_lines(text)
    hits, last = [], -run
    for i in range(len(words) - run + 1):
        window = tuple(w for w, _ in words[i : i + run])
        if window in runs and i >= last + run:  # one report per overlapping stretch
            hits.append((words[i][1], " ".join(window)))
            last = i
    return hits


def run_fingerprints(source: str, run: int = RUN) -> set[str]:
    """Return a one-way fingerprint of every run of `run` words in `source`.

    The fingerprints let the course be checked against the source screen on a machine that
    does not have its text, without keeping any of its wording in the repository.
    """
    words = [w for w, _ in words_with_lines(source)]
    return {_fingerprint(words[i : i + run]) for i in range(len(words) - run + 1)}


def shared_fingerprints(text: str, fingerprints: set[str], run: int = RUN) -> list[tuple[int, str]]:
    """Return (line, words) for every run of `run` words in `text` whose fingerprint is known."""
    words = words_with_lines(text)
    hits, last = [], -run
    for i in range(len(words) - run + 1):
        window = [w for w, _ in words[i : i + run]]
        if _fingerprint(window) in fingerprints and i >= last + run:
            hits.append((words[i][1], " ".join(window)))
            last = i
    return hits


def read_fingerprints(path: Path) -> set[str]:
    """Return the fingerprints a file lists, one a line, leaving out '#' comments."""
    lines = path.read_text("utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def _fingerprint(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode()).hexdigest()[:20]


def find_source_screen(start: Path) -> Path | None:
    """Return shared/reference/source-screen.txt beside the repository or a folder above it."""
    for folder in (start, *start.parents):
        candidate = folder / "shared" / "reference" / "source-screen.txt"
        if candidate.is_file():
            return candidate
    return None


class _Text(HTMLParser):
    # Each block (paragraph, list item, cell, heading, caption) reads as its own sentence.
    BLOCKS = {"p", "li", "td", "th", "h2", "h3", "h4", "caption", "figcaption", "dt", "dd"}

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self.current: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._close()

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self._close()

    def handle_data(self, data):
        self.current.append(data)

    def _close(self):
        text = " ".join("".join(self.current).split())
        self.current = []
        if text:
            self.blocks.append(text if text[-1] in ".!?:" else text + ".")


def screen_text(html: str) -> str:
    """Return a screen's words as a reader meets them, one sentence or more per block."""
    parser = _Text()
    parser.feed(html)
    parser._close()
    return " ".join(b.rstrip(":") + ("." if b.endswith(":") else "") for b in parser.blocks)


@dataclass(frozen=True)
class Draws:
    """The fewest questions every attempt is sure to draw for one outcome or competency."""

    in_bank: int
    guaranteed: int


def draws(quiz: Quiz, has) -> Draws:
    """Count the questions matching `has` in the bank and the fewest any attempt draws."""
    bank = sum(1 for q in quiz.questions if has(q))
    sure = 0
    for item in quiz.items:
        if isinstance(item, QuestionGroup):
            without = sum(1 for q in item.questions if not has(q))
            sure += max(0, item.pick - without)
        elif has(item):
            sure += 1
    return Draws(bank, sure)


def questions_per_attempt(quiz: Quiz) -> int:
    """Return how many questions one attempt asks."""
    return sum(i.pick if isinstance(i, QuestionGroup) else 1 for i in quiz.items)


def right_answer_is_longest(question: Question) -> bool:
    """Say whether a single-choice question's right answer is longer than every other."""
    right = [c for c in question.choices if c.correct]
    others = [len(c.text) for c in question.choices if not c.correct]
    return bool(right) and len(right[0].text) > max(others, default=0)


def right_answer_stands_out_by_length(question: Question, margin: float = 1.15) -> bool:
    """Say whether a single-choice question's right answer is clearly the longest choice."""
    right = [c for c in question.choices if c.correct]
    others = [len(c.text) for c in question.choices if not c.correct]
    return bool(right) and len(right[0].text) > margin * max(others, default=0)


def right_answers_written_first(question: Question) -> bool:
    """Say whether a choice question lists every right choice before every wrong one."""
    marks = [c.correct for c in question.choices]
    return any(marks) and marks == sorted(marks, reverse=True)


def right_answer_is_shortest(question: Question) -> bool:
    """Say whether a single-choice question's right answer is shorter than every other."""
    right = [c for c in question.choices if c.correct]
    others = [len(c.text) for c in question.choices if not c.correct]
    return bool(right) and len(right[0].text) < min(others, default=0)


def svg_text_sizes(path: Path) -> tuple[float, list[tuple[str, float]]]:
    """Return an SVG's viewBox width and each text's (words, font size in user units)."""
    root = ET.parse(path).getroot()
    width = float(root.get("viewBox").split()[2])
    found: list[tuple[str, float]] = []

    def walk(element, size):
        size = float(element.get("font-size", size) or size)
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("text", "tspan") and (element.text or "").strip():
            found.append((element.text.strip(), size))
        for child in element:
            walk(child, size)

    walk(root, 16.0)  # a browser's default font size
    return width, found


PERSON = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr) [A-Z][a-z]*\b"  # Mrs Okafor, Mr A
    r"|\b[A-Z][a-z]+(?=,? (?:is |aged )?\d{2}\b)"  # Arjun, 79 / Sam is 45
)


def people_named(text: str) -> set[str]:
    """Return the invented people a text names: 'Mrs Okafor', or 'Arjun' as in 'Arjun is 79'."""
    return set(PERSON.findall(text))


# Words too plain to say what a passage is about: English function words, and the titles
# the course uses for people in its cases.
STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can cannot could did do does doing down during
    each few for from further had has have having he her here hers herself him himself his
    how i if in into is it its itself just let may me might more most must my myself no nor
    not now of off on once one only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they
    this those three through to too two under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves
    mr mrs ms miss dr
    """.split()  # noqa: SIM905 (a list literal would take 130 lines)
)
KEYWORD = re.compile(r"[a-z][a-z']+")
SUFFIXES = ("ing", "ed", "s", "ly", "e")


def keyword_stem(word: str) -> str:
    """Return a rough stem, so 'referring', 'referred' and 'refers' meet at 'referr'/'refer'."""
    word = re.sub(r"'s?$", "", word)
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def keywords(text: str) -> set[str]:
    """Return the stems of a text's words, leaving out stop words."""
    text = text.replace("\u2019", "'").lower()
    return {keyword_stem(w) for w in KEYWORD.findall(text) if w not in STOP_WORDS}


def question_words(question: Question) -> str:
    """Return what a question asks and teaches: its title, stem, feedback and right answers."""
    feedback = question.feedback
    parts = [question.title, question.text, feedback.general, feedback.correct, feedback.incorrect]
    for choice in getattr(question, "choices", ()):
        if choice.correct:
            parts += [choice.text, choice.feedback]
    for pair in getattr(question, "pairs", ()):
        parts += [pair.left, pair.right]
    parts += [item.text for item in getattr(question, "items", ())]
    parts += list(getattr(question, "answers", ()))
    return " ".join(p for p in parts if isinstance(p, str))
