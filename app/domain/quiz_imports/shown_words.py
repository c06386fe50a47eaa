"""The words a page shows for a piece of text2qti's Markdown, and the formatting they lose.

text2qti reads `Quiz description:` as Markdown (Python-Markdown, as for a question): it shows
`*referral*` as "referral" in italics, `\\*` as "*" and `[the routes](https://...)` as the
words "the routes", linked. A Linkwise quiz description is plain text, shown as typed, so an
import writes the words text2qti shows, and names the formatting that stays behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# text2qti's extensions (its markdown.py), less smarty, which only changes quotes and dashes
# to curly ones, and its own attribute syntax, which only sizes images.
EXTENSIONS = ("sane_lists", "def_list", "fenced_code", "footnotes", "tables", "md_in_html")
FORMATTING = {
    "em": "emphasis",
    "i": "emphasis",
    "strong": "bold",
    "b": "bold",
    "code": "code style",
    "kbd": "code style",
    "samp": "code style",
    "u": "underlining",
    "ins": "underlining",
    "del": "strikethrough",
    "s": "strikethrough",
    "mark": "highlighting",
    "sup": "superscript",
    "sub": "subscript",
    "a": "link",
}
# Elements whose end starts a new line of the words shown.
LINES = frozenset(
    {"p", "div", "li", "br", "tr", "dt", "dd", "blockquote", "pre", "table", "hr"}
    | {f"h{level}" for level in range(1, 7)}
)
UNSHOWN = frozenset({"script", "style", "template"})


@dataclass
class ShownWords:
    """What a page shows of some Markdown: its words, images as "(image: alt text)"."""

    text: str
    # Each formatting lost, in order: ("emphasis", "referral"), ("link", "the routes", url).
    lost: list[tuple[str, ...]] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)  # (src, alt) of raw <img>
    left_out: list[str] = field(default_factory=list)  # raw elements no page shows: script


def shown_words(markdown_text: str) -> ShownWords:
    """Return the words text2qti's page shows for this Markdown, as lines of plain text."""
    import markdown  # imported on first use: only an import of text2qti needs it

    page = markdown.Markdown(extensions=list(EXTENSIONS)).convert(markdown_text)
    reader = _PageWords()
    reader.feed(page)
    reader.close()
    lines = ("".join(reader.pieces)).split("\n")
    text = "\n".join(words for line in lines if (words := " ".join(line.split())))
    return ShownWords(text, reader.lost, reader.images, reader.left_out)


def lost_formatting(lost: list[tuple[str, ...]]) -> str:
    """Return the formatting lost in words: "emphasis on 'a' and 'b'; link on 'c' (to d)"."""
    kinds: dict[str, list[str]] = {}
    for kind, words, *address in lost:
        quoted = f"'{words}'" + (f" (to {address[0]})" if address and address[0] else "")
        kinds.setdefault(kind, [])
        if quoted not in kinds[kind]:
            kinds[kind].append(quoted)
    return "; ".join(f"{kind} on {_listed(places)}" for kind, places in kinds.items())


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


class _PageWords(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.lost: list[tuple[str, ...]] = []
        self.images: list[tuple[str, str]] = []
        self.left_out: list[str] = []
        self._open: list[tuple[str, int, str]] = []  # tag, where its words start, address
        self._unshown = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in UNSHOWN:
            self._unshown += 1
            self.left_out.append(f"<{tag}>")
        elif tag == "img":
            alt = " ".join((found.get("alt") or "").split())
            self.images.append((found.get("src") or "", alt))
            self.pieces.append(f"(image: {alt})" if alt else "")
        elif tag == "br":
            self.pieces.append("\n")
        elif tag in FORMATTING:
            self._open.append((tag, len(self.pieces), found.get("href") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in UNSHOWN:
            self._unshown = max(0, self._unshown - 1)
        elif tag in LINES:
            self.pieces.append("\n")
        elif tag in FORMATTING and any(opened == tag for opened, _, _ in self._open):
            while self._open:
                opened, start, address = self._open.pop()
                if opened == tag:
                    break
            words = " ".join("".join(self.pieces[start:]).split())
            if words and not address.startswith("#"):  # a footnote's own links
                kind = FORMATTING[tag]
                self.lost.append((kind, words, address) if tag == "a" else (kind, words))

    def handle_data(self, data: str) -> None:
        if not self._unshown:
            self.pieces.append(data)
