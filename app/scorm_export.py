"""Write a module as a self-contained SCORM 1.2 package (a zip) that an LMS can host.

The pages are rendered here from the course as loaded, with the site's own templates and
Markdown; the NHS.UK stylesheet is copied from the built static/nhsuk at export time, and
the runtime is our own JavaScript from app/scorm_runtime.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, render_template
from markupsafe import Markup

from app.components import render_component
from app.domain.content import Module
from app.domain.markdown import render_markdown
from app.domain.problems import Problems
from app.domain.quiz_markdown import quiz_block_html, quiz_inline_html, quiz_question_html
from app.domain.quizzes.attempts import every_question, shown_questions
from app.domain.quizzes.review import explanation
from app.domain.scorm import course_data, manifest_problems, manifest_xml, package_problems
from app.domain.textfiles import read_text, split_front_matter
from app.services.quiz_pages import QuestionForm

RUNTIME = Path(__file__).parent / "scorm_runtime"
SCRIPTS = ("linkwise-scorm.js", "linkwise-scorm-ui.js", "linkwise-scorm-quiz.js")
NHSUK_CSS = "nhsuk/nhsuk-frontend.min.css"
ELSEWHERE = "lw-elsewhere:"  # links out of the module: nh3 drops the address, we unwrap them
BARE_LINK = re.compile(r"<a>(.*?)</a>", re.S)
EXTERNAL_LINK = re.compile(r'<a href="(https?://[^"]+)" rel="noopener">(.*?)</a>', re.S)
FOOTNOTE_ID = re.compile(r'(id|href)="(#?)(fn(?:ref)?:[^"]+)"')
CSS_URL = re.compile(r"url\((assets/[^)]+)\)")
FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # zip entries carry no build time: same input, same bytes


class PackageError(Exception):
    """The module cannot be packaged; the message says why in a sentence."""


@dataclass(frozen=True)
class Package:
    """The files of a package, by their path inside it."""

    files: dict[str, bytes]

    def write(self, path: Path) -> None:
        """Write the package as a zip file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.zipped())

    def zipped(self) -> bytes:
        """Return the package as the bytes of a zip file."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(self.files):
                info = zipfile.ZipInfo(name, FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, self.files[name])
        return buffer.getvalue()


class _PackageLinks:
    """Links as a package needs them: screens in the page, media beside it, nothing else."""

    def __init__(self, module_slug: str) -> None:
        self.module_slug = module_slug

    def module_url(self, module_slug: str) -> str:
        return ELSEWHERE + module_slug

    def screen_url(self, module_slug: str, screen_slug: str) -> str:
        return f"#screen-{screen_slug}" if module_slug == self.module_slug else ELSEWHERE

    def media_url(self, module_slug: str, filename: str) -> str:
        return f"media/{filename}"


@dataclass(frozen=True)
class _PackageTexts:
    """A quiz's Markdown as the package shows it: links as its screens have them.

    The package's templates take it where the site's take app/quiz_texts.QuizTexts. A link
    to a screen of the module shows that screen in the page, so it opens in no new tab: the
    quiz's answers stay in its hidden form.
    """

    module_slug: str

    def question(self, text: str, ids: str) -> tuple[Markup, Markup, Markup]:
        """Return a question's text: what goes above its fieldset, in its legend, under it."""
        parts = quiz_question_html(
            text, module_slug=self.module_slug, ids=ids, links=_PackageLinks(self.module_slug)
        )
        return tuple(Markup(_offline(part)) for part in parts)  # Markdown -> nh3

    def inline(self, text: str) -> Markup:
        """Return a choice, step, prompt or answer as phrasing content."""
        links = _PackageLinks(self.module_slug)
        return Markup(_offline(quiz_inline_html(text, module_slug=self.module_slug, links=links)))

    def block(self, text: str, ids: str) -> Markup:
        """Return feedback, its footnote ids prefixed by `ids`."""
        links = _PackageLinks(self.module_slug)
        html = quiz_block_html(text, module_slug=self.module_slug, ids=ids, links=links)
        return Markup(_offline(html))  # Markdown -> nh3

    def explanation(self, text: str, verdict: str, ids: str) -> Markup | str:
        """Return right or wrong feedback as the site's review gives it (quizzes/review.py):
        without an opening that only says the verdict again ("Not quite." after "Not
        correct"); nothing when that opening is all there is."""
        rest = explanation(text, verdict)
        return self.block(rest, ids) if rest else ""  # nothing to show, nothing marked safe


def build_package(module: Module) -> Package:
    """Return the SCORM 1.2 package of a module, or raise PackageError saying what is wrong."""
    problems = package_problems(module) + _clashing_ids(module)
    if problems:
        raise PackageError("; ".join(problems))
    static = Path(current_app.static_folder)
    stylesheet = static / NHSUK_CSS
    if not stylesheet.is_file():
        raise PackageError(
            f"{stylesheet} is missing: run `make setup`, which builds the NHS.UK styles from npm"
        )
    files: dict[str, bytes] = {}
    css = stylesheet.read_text("utf-8")
    files["css/nhsuk-frontend.min.css"] = css.encode()
    for asset in sorted(set(CSS_URL.findall(css))):
        files[f"css/{asset}"] = (static / "nhsuk" / asset).read_bytes()
    files["css/linkwise.css"] = (static / "css" / "linkwise.css").read_bytes()
    files["css/scorm.css"] = (RUNTIME / "scorm.css").read_bytes()
    for script in SCRIPTS:
        files[f"js/{script}"] = (RUNTIME / script).read_bytes()
    for name, path in sorted(module.media.items()):
        files[f"media/{name}"] = Path(path).read_bytes()
    files["index.html"] = _page(module).encode()
    manifest = manifest_xml(
        identifier=f"linkwise-{module.slug}",
        title=module.title,
        version=module.provenance.version if module.provenance else "1",
        mastery_score=round(module.assessment.pass_mark) if module.assessment else 0,
        files=sorted(files),
    )
    wrong = manifest_problems(manifest, set(files))
    if wrong:
        raise PackageError("; ".join(wrong))
    files["imsmanifest.xml"] = manifest.encode()
    return Package(files)


def _page(module: Module) -> str:
    quizzes = [s.knowledge_check for s in module.screens if s.knowledge_check]
    quizzes += [module.assessment] if module.assessment else []
    # Each question as an empty form: the package draws and fills it in the browser.
    shown_all = {
        shown.question.id: QuestionForm(shown, {})
        for quiz in quizzes
        for shown in shown_questions(
            every_question(quiz), {v.hash: v.question for v in quiz.versions.values()}
        )[0]
    }
    data = json.dumps(course_data(module), ensure_ascii=False, separators=(",", ":"))
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return render_template(
        "scorm/index.html",
        module=module,
        quiz=module.assessment,
        screen_html={s.slug: Markup(_screen_html(module, s)) for s in module.screens},
        shown_all=shown_all,
        texts=_PackageTexts(module.slug),
        course_json=Markup(data),
        header=render_component(
            "header", {"service": {"text": "Linkwise"}, "logo": {"ariaLabel": "Linkwise"}}
        ),
        footer=render_component(
            "footer",
            {"meta": {"items": []}, "copyright": {"text": f"Linkwise · {module.title}"}},
        ),
    )


def _screen_html(module: Module, screen) -> str:
    """Render a screen's Markdown again with the package's links; sanitised as on the site.

    The file is read as the site read it (a byte order mark, Windows line endings): if it
    has changed since, so that it no longer reads, the export stops and says so.
    """
    problems = Problems()
    text = read_text(Path(screen.path), problems)
    split = split_front_matter(text) if text is not None else None
    if split is None:
        why = "; ".join(p.message for p in problems) or "its front matter is gone"
        raise PackageError(
            f"{screen.path} changed while the module was packaged ({why}): "
            "run `linkwise validate`, then export again"
        )
    html = render_markdown(
        split.body,
        module_slug=module.slug,
        link_resolver=_PackageLinks(module.slug),
        path=screen.path,
        first_line=split.body_first_line,
    ).html
    # Every screen is in one page: each screen's footnotes get ids of their own.
    return _offline(FOOTNOTE_ID.sub(lambda m: f'{m[1]}="{m[2]}{screen.slug}-{m[3]}"', html))


def _offline(html: str) -> str:
    """Unwrap links out of the module, and open links out of the package in a new tab."""
    html = BARE_LINK.sub(r"\1", html)
    # A link followed inside the LMS's frame would take the learner out of the module.
    return EXTERNAL_LINK.sub(
        r'<a href="\1" rel="noopener noreferrer" target="_blank">\2'
        r'<span class="nhsuk-u-visually-hidden"> (opens in a new tab)</span></a>',
        html,
    )


def _clashing_ids(module: Module) -> list[str]:
    seen: dict[str, str] = {}
    problems = []
    quizzes = [s.knowledge_check for s in module.screens if s.knowledge_check]
    for quiz in quizzes + ([module.assessment] if module.assessment else []):
        for question in quiz.questions:
            if question.id in seen:
                problems.append(
                    f"question ID '{question.id}' is in both {seen[question.id]} and {quiz.id}"
                )
            seen[question.id] = quiz.id
    return problems
