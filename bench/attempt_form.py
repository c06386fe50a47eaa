"""The quiz bench's attempt form, read as a browser reads it, and filled in: every question
answered (right, from the course's own questions, or with the first choice of each)."""

from html.parser import HTMLParser

from bench.server import course


class AttemptForm(HTMLParser):
    """The form that submits an attempt, read as a browser reads it."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.form: dict | None = None
        self.select: dict | None = None
        self.fieldset = 0

    @classmethod
    def parse(cls, page: str) -> "AttemptForm":
        """Read the page and keep the form with a submit button named action=submit."""
        parser = cls()
        parser.feed(page)
        found = [form for form in parser.forms if form["submits"]]
        if not found:
            raise RuntimeError("the attempt page has no form with action=submit")
        parser.form = found[0]
        return parser

    @property
    def action(self) -> str:
        """Return the path the form posts to."""
        return self.form["action"]

    def handle_starttag(self, tag, attrs):
        """Collect the fields of each form, grouped by fieldset."""
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.form = {"action": a.get("action", ""), "submits": False, "fields": []}
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "fieldset":
            self.fieldset += 1
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            self.form["fields"].append((kind, a["name"], a.get("value", ""), self.fieldset))
        elif tag == "textarea" and a.get("name"):
            self.form["fields"].append(("text", a["name"], "", self.fieldset))
        elif tag == "select" and a.get("name"):
            self.select = {"name": a["name"], "options": [], "group": self.fieldset}
            self.form["fields"].append(("select", a["name"], self.select, self.fieldset))
        elif tag == "option" and self.select is not None and a.get("value"):
            self.select["options"].append(a["value"])
        elif tag == "button" and a.get("name") == "action" and a.get("value") == "submit":
            self.form["submits"] = True

    def handle_endtag(self, tag):
        """Close the current form or select."""
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None

    def every_question_answered(self) -> list[tuple[str, str]]:
        """Return the fields with every question given an answer, and action=submit.

        The first choice of each radio and checkbox group, "1" in each text box, and in a
        fieldset of dropdowns a different option in each (orderings need distinct places).
        """
        pairs, chosen, nth = [], set(), {}
        for kind, name, value, group in self.form["fields"]:
            if kind == "hidden":
                pairs.append((name, value))
            elif kind in ("radio", "checkbox"):
                if name not in chosen:
                    chosen.add(name)
                    pairs.append((name, value))
            elif kind == "select":
                index = nth[group] = nth.get(group, -1) + 1
                options = value["options"]
                if options:
                    pairs.append((name, options[index % len(options)]))
            elif kind not in ("submit", "button", "reset", "image", "file"):
                pairs.append((name, value or "1"))
        return [*pairs, ("action", "submit")]

    def every_question_answered_right(self, questions: dict) -> list[tuple[str, str]]:
        """Return the hidden fields, each question the form shows answered right, action=submit.

        `questions` maps each question's marker field (a hidden field naming the question
        on the form) to the question (shown_markers): its right answer comes as its own
        form fields.
        """
        pairs = []
        for kind, name, value, _ in self.form["fields"]:
            if kind != "hidden":
                continue
            pairs.append((name, value))
            question = questions.get(name)
            if question is not None:
                right = question.form_fields(question.example_answer(True))
                pairs.extend((field, v) for field, values in right.items() for v in values)
        return [*pairs, ("action", "submit")]


def shown_markers() -> dict:
    """Return every quiz question of the course by its marker field (AttemptForm's)."""
    return {
        question.marker_field: question
        for module in course().modules
        if module.assessment
        for question in module.assessment.questions
    }
