"""Check an SVG figure for what docs/authoring.md (section 6) keeps out: code, links and files
from outside the figure.

The site serves a figure as it is, and export-scorm copies it into the package: a script
in it runs when the figure is opened on its own, and an outside file is fetched from
wherever it names (or, in an <img>, silently left out). The SVG is read with expat, the
XML parser in Python's standard library; a declared entity stops the reading at once, so
nothing is ever expanded, and no outside DTD is fetched.
"""

from __future__ import annotations

import re
from xml.parsers import expat

SEPARATOR = " "  # between a name's namespace and its local part, as expat gives them
# What a figure may point at: its own parts (#id) and pictures held within it.
INSIDE = ("#", "data:image/")
CSS_REFERENCE = re.compile(
    r"""@import\s+(?:url\(\s*)?['"]?([^'")\s;]+)|url\(\s*['"]?([^'")]*)""", re.IGNORECASE
)


class _EntityDeclared(Exception):
    """An <!ENTITY> declaration: the reading stops before anything is expanded."""


def svg_problems(data: bytes) -> list[tuple[int, str]]:
    """Return (line, message) for each script, link or outside reference in an SVG file."""
    problems: list[tuple[int, str]] = []
    parser = expat.ParserCreate(namespace_separator=SEPARATOR)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    styles: list[tuple[int, list[str]]] = []  # each <style> element's line and text

    def refuse_entity(*_args) -> None:
        raise _EntityDeclared()

    def start(name: str, attributes: dict[str, str]) -> None:
        line, element = parser.CurrentLineNumber, _local(name)
        for message in _element_problems(element, attributes):
            problems.append((line, message))
        if element == "style":
            styles.append((line, []))

    def text(data: str) -> None:
        if styles:
            styles[-1][1].append(data)

    def end(name: str) -> None:
        if _local(name) == "style" and styles:
            line, parts = styles[-1]
            problems.extend((line, m) for m in _css_problems("".join(parts), "a <style>"))
            styles[-1] = (line, [])

    def instruction(target: str, _data: str) -> None:
        if target == "xml-stylesheet":
            problems.append(
                (
                    parser.CurrentLineNumber,
                    "the figure loads a style sheet from another file (<?xml-stylesheet?>): "
                    "take the line out and set the styles in the SVG itself",
                )
            )

    parser.EntityDeclHandler = refuse_entity
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(data, True)
    except _EntityDeclared:
        problems.append(
            (
                parser.CurrentLineNumber,
                "the figure declares an entity (<!ENTITY ...>): take the declaration out; "
                "a figure needs none",
            )
        )
    except expat.ExpatError as error:
        problems.append(
            (
                error.lineno,
                f"the figure is not well-formed XML ({expat.ErrorString(error.code)}): "
                "open it in a browser or a drawing tool, put it right and save it again",
            )
        )
    return problems


def _element_problems(element: str, attributes: dict[str, str]) -> list[str]:
    found = []
    if element == "script":
        found.append("the figure holds a <script>: take it out, as a figure runs no code")
    elif element == "foreignObject":
        found.append(
            "the figure holds a <foreignObject>, which carries web page content: take it out "
            "and draw its content with SVG shapes and <text>"
        )
    elif element == "a":
        found.append(
            "the figure holds a link (<a>): take the <a> out, keeping what it holds; "
            "put the link in the screen's text instead"
        )
    for name, value in attributes.items():
        attribute = _local(name)
        if attribute.lower().startswith("on"):
            found.append(
                f"the figure holds an event handler ({attribute}=...): take it out, as a "
                "figure runs no code"
            )
        elif attribute == "href" and element != "a" and not _inside(value):
            found.append(
                f"<{element}> fetches '{_short(value)}', which is outside the figure: draw "
                "what it shows in the SVG itself, or take it out"
            )
        elif attribute == "style":
            found.extend(_css_problems(value, f"<{element}>'s style"))
    return found


def _css_problems(css: str, where: str) -> list[str]:
    found = []
    for match in CSS_REFERENCE.finditer(css):
        target = (match[1] or match[2] or "").strip()
        if match[1] is not None or not _inside(target):
            found.append(
                f"{where} fetches '{_short(target)}', which is outside the figure: set the "
                "styles in the SVG itself, with the fonts it names already on the page"
            )
    return found


def _inside(reference: str) -> bool:
    return reference.strip().lower().startswith(INSIDE)


def _local(name: str) -> str:
    return name.rpartition(SEPARATOR)[2]


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 60 else text[:57] + "..."
