"""Where a question's hint and error stand: the NHS order is legend, hint, error, fields, and
the fieldset is described by its hint, then its error. Read the same way from a page's HTML
(tests/web) and from a browser's document (tests/browser), as JavaScript may draw the error."""

import re

# The parts of a question's fieldset in document order, and what describes the fieldset:
# run in a page or frame, on the fieldset's selector.
FIELD_ORDER = """(selector) => {
  const fieldset = document.querySelector(selector);
  const parts = [["legend", "legend"], ["hint", ":scope > .nhsuk-hint"],
    ["error", ".nhsuk-error-message"], ["fields", "input:not([type=hidden]), select"]];
  const found = parts.map(([name, css]) => [name, fieldset.querySelector(css)])
    .filter(([, element]) => element);
  found.sort(([, a], [, b]) => (a.compareDocumentPosition(b) & 4 ? -1 : 1));
  const ids = (fieldset.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  return {
    order: found.map(([name]) => name),
    described: ids.map((id) => document.getElementById(id)?.className ?? "missing " + id),
  };
}"""


FIELD = re.compile(r'<(?:input(?![^>]*type="hidden")|select)')


def order_in_html(html: str, question_id: str) -> dict:
    """Return FIELD_ORDER's answer for a question drawn in the page's HTML."""
    start = html.index(f'<fieldset class="nhsuk-fieldset" id="question-{question_id}"')
    fieldset = html[start : html.index("</fieldset>", start)]
    marks = {
        "legend": fieldset.find("<legend"),
        "hint": fieldset.find('class="nhsuk-hint"'),
        "error": fieldset.find('class="nhsuk-error-message"'),
        "fields": min(
            (
                m.start()
                for m in re.finditer(r"<(?:input(?![^>]*type=\"hidden\")|select)", fieldset)
            ),
            default=-1,
        ),
    }
    described = re.search(r'aria-describedby="([^"]*)"', fieldset.split(">", 1)[0])
    classes = []
    for element_id in described.group(1).split() if described else ():
        found = re.search(rf'class="([^"]*)" id="{re.escape(element_id)}"', html) or re.search(
            rf'id="{re.escape(element_id)}"[^>]*class="([^"]*)"', html
        )
        classes.append(found.group(1) if found else f"missing {element_id}")
    order = sorted((at, name) for name, at in marks.items() if at >= 0)
    return {"order": [name for _, name in order], "described": classes}


def expected(has_hint: bool, has_error: bool = True) -> dict:
    """Return the NHS order for a question with or without a hint, with or without an error."""
    order = ["legend", *(["hint"] if has_hint else []), *(["error"] if has_error else []), "fields"]
    described = [
        *(["nhsuk-hint"] if has_hint else []),
        *(["nhsuk-error-message"] if has_error else []),
    ]
    return {"order": order, "described": described}
