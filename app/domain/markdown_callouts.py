"""NHS.UK markup for the three callouts: info (inset text), warning, reflect (card).

Callout headings are h3: screen bodies start at h2, so a callout sits under a section.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

CALLOUT_KINDS = ("info", "warning", "reflect")


def build_callout(kind: str, div: etree.Element, title: str, body: list[etree.Element]) -> None:
    """Fill an emptied div with the NHS.UK component for this kind of callout."""
    build = {"info": _inset_text, "warning": _warning_callout, "reflect": _reflect_card}
    build[kind](div, title, body)


def _visually_hidden(text: str) -> etree.Element:
    span = etree.Element("span", {"class": "nhsuk-u-visually-hidden"})
    span.text = text
    return span


def _inset_text(div: etree.Element, title: str, body: list[etree.Element]) -> None:
    div.set("class", "nhsuk-inset-text")
    hidden = _visually_hidden("Information: ")
    if title:
        heading = etree.SubElement(div, "h3", {"class": "nhsuk-heading-s"})
        heading.append(hidden)
        hidden.tail = title
    else:
        div.append(hidden)
    div.extend(body)


def _warning_callout(div: etree.Element, title: str, body: list[etree.Element]) -> None:
    div.set("class", "nhsuk-warning-callout")
    label = etree.SubElement(div, "h3", {"class": "nhsuk-warning-callout__label"})
    # NHS.UK wraps this label in role="text", which is not a valid ARIA role (the Nu HTML
    # checker refuses it); the visually hidden prefix reads well without it.
    hidden = _visually_hidden("Important: ")
    label.append(hidden)
    hidden.tail = title or "Important"
    div.extend(body)


def _reflect_card(div: etree.Element, title: str, body: list[etree.Element]) -> None:
    div.set("class", "nhsuk-card nhsuk-card--feature lw-reflect")
    content = etree.SubElement(
        div, "div", {"class": "nhsuk-card__content nhsuk-card__content--feature"}
    )
    heading = etree.SubElement(
        content, "h3", {"class": "nhsuk-card__heading nhsuk-card__heading--feature"}
    )
    heading.text = title or "Reflect"
    content.extend(body)
