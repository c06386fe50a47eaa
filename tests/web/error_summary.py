"""Reading a page's NHS error pattern: its title, its element ids, its error summary's links."""

from html.parser import HTMLParser


class _Page(HTMLParser):
    """Collect a page's title, its element ids and its error summary's links."""

    def __init__(self, html: str):
        super().__init__()
        self.title, self.ids, self.links = "", set(), []
        self._in_title, self._summary_depth, self._depth = False, None, 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        self._depth += 1
        if "id" in found:
            self.ids.add(found["id"])
        if tag == "title":
            self._in_title = True
        if "nhsuk-error-summary" in (found.get("class") or "").split():
            self._summary_depth = self._depth
        if tag == "a" and self._summary_depth is not None:
            self.links.append(found.get("href", ""))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if self._summary_depth == self._depth:
            self._summary_depth = None
        self._depth -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def summary_of(response) -> _Page:
    """Return the page, checked: its summary's links all reach an element, its title says Error."""
    page = _Page(response.text)
    assert page.links, f"no error summary links ({response.status_code})"
    for href in page.links:
        assert href.startswith("#"), href
        assert href[1:] in page.ids, f"{href} names no element on the page"
    assert page.title.strip().startswith("Error: "), page.title
    return page
