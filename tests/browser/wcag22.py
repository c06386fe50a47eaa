"""Checks of the WCAG 2.2 success criteria that axe-core leaves to a person, made in Chromium.

Each check takes a Playwright page, already loaded, and returns its problems as lines to
read ("a#next 18x16 ..."), empty when there are none, so a test can gather them over many
pages and fail once with all of them:

- focus_obscured: 2.4.11 Focus Not Obscured (Minimum), and 2.4.7 Focus Visible.
- small_targets: 2.5.8 Target Size (Minimum).
- text_spacing_clips: 1.4.12 Text Spacing.
- zoom_clips: 1.4.4 Resize Text and 1.4.10 Reflow at 200%.
- sticky_room: 1.4.10 Reflow, for tables whose first column stays in sight.
- sign_in_fields: 3.3.8 Accessible Authentication (Minimum) and 3.3.7 Redundant Entry.
"""

# The elements the keyboard reaches, in the order it reaches them, as the browser shows them.
# A closed <details> or a hidden dialog hides its content: checkVisibility() says so.
TAB_STOPS = """function tabStops() {
  const selector = [
    "a[href]", "button", "input:not([type=hidden])", "select", "textarea", "summary",
    "[tabindex]", "dialog", "iframe",
  ].join(",");
  const stops = [...document.querySelectorAll(selector)].filter(element =>
    element.tabIndex >= 0 && !element.disabled && !element.closest("[inert]")
    && element.checkVisibility({visibilityProperty: true, opacityProperty: false}));
  const positive = stops.filter(element => element.tabIndex > 0)
    .sort((a, b) => a.tabIndex - b.tabIndex);
  const ordered = [...positive, ...stops.filter(element => element.tabIndex === 0)];
  // A modal dialog open: the page behind it is inert, and Tab stays in the dialog.
  const modal = document.querySelector("dialog:modal");
  return modal ? ordered.filter(element => modal.contains(element)) : ordered;
}"""

# A short name for an element in a problem's line: its tag, id or first class, its words.
NAME = """function name(element) {
  const words = (element.innerText || element.value || element.getAttribute("aria-label")
    || element.title || "").trim().replace(/\\s+/g, " ").slice(0, 40);
  const tag = element.tagName.toLowerCase();
  const mark = element.id ? "#" + element.id
    : (typeof element.className === "string" && element.className.trim())
      ? "." + element.className.trim().split(/\\s+/)[0] : "";
  return `${tag}${mark} "${words}"`;
}"""


def script(check: str) -> str:
    """Return a check's function with the helpers it names written in."""
    return check.replace("TAB_STOPS", TAB_STOPS).replace("NAME", NAME)


# 2.4.11 and 2.4.7. Each stop is focused as Tab focuses it, the browser scrolling it into
# view; then it must show (not wholly under a sticky or fixed box: the page's header, a
# table's sticky column, header or caption) and look focused: NHS.UK's yellow in an
# outline, a shadow or a background that it lacks unfocused. Whether a point of the stop
# shows is asked of the browser (elementFromPoint), at points over the stop's box within
# the window: only a stop none of whose points show is hidden, as the criterion asks.
FOCUS_OBSCURED = """() => {
  TAB_STOPS
  NAME
  const problems = [];
  const look = element => {
    const style = getComputedStyle(element);
    return [style.outlineStyle === "none" ? "" : style.outlineStyle + style.outlineWidth
            + style.outlineColor, style.boxShadow, style.backgroundColor, style.borderColor,
            style.color, style.textDecorationLine].join("|");
  };
  // NHS.UK's focus colour, #ffeb3b: in the outline, the shadow or the background.
  const yellow = style => style.includes("rgb(255, 235, 59)");
  const shows = (element, box) => {
    const [left, right] = [Math.max(box.left, 0), Math.min(box.right, innerWidth)];
    const [top, bottom] = [Math.max(box.top, 0), Math.min(box.bottom, innerHeight)];
    if (right - left < 1 || bottom - top < 1) return false;
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) {
        const x = left + (right - left) * (i + 0.5) / 5;
        const y = top + (bottom - top) * (j + 0.5) / 5;
        const hit = document.elementFromPoint(x, y);
        // A label drawn over its own input (NHS.UK's radios and checkboxes) shows it.
        if (hit && (element.contains(hit) || hit.contains(element)
            || (element.labels && [...element.labels].some(label => label.contains(hit)))))
          return true;
      }
    }
    return false;
  };
  for (const element of tabStops()) {
    const before = look(element);
    element.focus();
    if (document.activeElement !== element) continue;
    const box = element.getBoundingClientRect();
    // NHS.UK's radios and checkboxes hide the input under its label and draw the focus
    // on the label's ::before, which no style of the input shows.
    const drawn = element.matches(".nhsuk-radios__input, .nhsuk-checkboxes__input")
      ? yellow(getComputedStyle(element.labels[0], "::before").boxShadow)
      : look(element) !== before && yellow(look(element));
    if (!shows(element, box)) {
      const covers = [...document.querySelectorAll("body *")].filter(other => {
        const position = getComputedStyle(other).position;
        return (position === "sticky" || position === "fixed") && !other.contains(element);
      }).map(name).slice(0, 2).join(", ");
      problems.push(`2.4.11 ${name(element)} at ${Math.round(box.left)},${Math.round(box.top)}`
        + ` ${Math.round(box.width)}x${Math.round(box.height)} is hidden`
        + (covers ? ` (sticky: ${covers})` : ""));
    }
    if (!drawn)
      problems.push(`2.4.7 ${name(element)} shows no NHS.UK yellow focused: ${look(element)}`);
    element.blur();
  }
  return problems;
}"""


def focus_obscured(page) -> list[str]:
    """Focus each tab stop in turn, as Tab does, and return those hidden when focused (2.4.11)
    or that look no different focused (2.4.7)."""
    # A key press first: Chromium then draws :focus-visible for focus() as for Tab.
    page.keyboard.press("Shift")
    return page.evaluate(script(FOCUS_OBSCURED))


# 2.5.8. Every pointer target is 24 by 24 CSS px at least, or a 24 px circle centred on it
# meets no other target nor another small target's circle. Exempt as the criterion allows:
# a link in a sentence (inline, with other words in its block) and the browser's own
# controls left unstyled are not counted as small (they are still others' neighbours).
SMALL_TARGETS = """() => {
  TAB_STOPS
  NAME
  const targets = tabStops().filter(element => !(element.matches("[role=region], dialog")))
    .map(element => {
      // A label the pointer may use for its input counts with it (NHS.UK's 40 px boxes).
      let box = element.getBoundingClientRect();
      for (const label of element.labels || []) {
        const other = label.getBoundingClientRect();
        if (other.width * other.height > box.width * box.height) box = other;
      }
      return {element, box};
    })
    // Visually hidden until focused (the skip link): no target for a pointer.
    .filter(({box}) => box.width > 2 && box.height > 2);
  const inSentence = element => {
    if (getComputedStyle(element).display !== "inline") return false;
    let block = element.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline"))
      block = block.parentElement;
    const own = element.innerText.trim().length;
    return block && block.innerText.trim().length > own + 2;
  };
  const small = ({box}) => box.width < 23.95 || box.height < 23.95;
  const centre = box => [box.left + box.width / 2, box.top + box.height / 2];
  const meets = ([x, y], box) => {
    const dx = Math.max(box.left - x, 0, x - box.right);
    const dy = Math.max(box.top - y, 0, y - box.bottom);
    return dx * dx + dy * dy < 12 * 12 - 0.5;
  };
  const problems = [];
  for (const target of targets) {
    if (!small(target) || inSentence(target.element)) continue;
    const here = centre(target.box);
    const near = targets.find(other => other !== target
      && !other.element.contains(target.element) && !target.element.contains(other.element)
      && (meets(here, other.box) || (small(other) && !inSentence(other.element)
        && Math.hypot(...centre(other.box).map((v, i) => v - here[i])) < 24 - 0.5)));
    if (near)
      problems.push(`2.5.8 ${name(target.element)} is ${Math.round(target.box.width)}x`
        + `${Math.round(target.box.height)} px, too near ${name(near.element)}`);
  }
  return problems;
}"""


def small_targets(page) -> list[str]:
    """Return the pointer targets under 24 by 24 px whose 24 px circle meets another's."""
    return page.evaluate(script(SMALL_TARGETS))


# 1.4.12: the spacing a reader's own stylesheet may set, all at once.
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""

ADOPT = """css => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = [sheet];
}"""

# Boxes whose content no longer fits and is cut off: one that hides what overflows, or one of
# a fixed height whose content spills over what follows it. Visually hidden text (a 1 px
# box, clipped on purpose), the page itself, and boxes that scroll are left out.
CLIPPED = """() => {
  NAME
  const problems = [];
  for (const element of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(element);
    if (!element.checkVisibility()) continue;
    if (element.clientWidth <= 2 || element.clientHeight <= 2) continue; // visually hidden
    if (["svg", "SVG"].includes(element.tagName) || element.closest("svg")) continue;
    const cut = value => value === "hidden" || value === "clip";
    const tall = element.scrollHeight > element.clientHeight + 1;
    const wide = element.scrollWidth > element.clientWidth + 1;
    if ((cut(style.overflowY) && tall) || (cut(style.overflowX) && wide)
        || (style.textOverflow === "ellipsis" && wide))
      problems.push(`${name(element)} cuts its content: ${element.scrollWidth}x`
        + `${element.scrollHeight} in ${element.clientWidth}x${element.clientHeight}`);
  }
  return problems;
}"""


def clipped(page) -> list[str]:
    """Return the boxes on the page that cut off their content."""
    return page.evaluate(script(CLIPPED))


def text_spacing_clips(page) -> list[str]:
    """Apply WCAG 1.4.12's text spacing and return what it cuts off, and whether the page
    grew wider than the window; the page's own styles are put back after."""
    before = clipped(page)
    # A constructed sheet, as the page's content security policy refuses a <style>.
    page.evaluate(ADOPT, TEXT_SPACING)
    try:
        wide = page.evaluate("document.documentElement.scrollWidth > innerWidth")
        problems = [f"1.4.12 {line}" for line in clipped(page) if line not in before]
        if wide:
            problems.append("1.4.12 the page scrolls sideways")
        return problems
    finally:
        page.evaluate("document.adoptedStyleSheets = []")


def zoom_clips(page) -> list[str]:
    """Return what the page cuts off, and whether it scrolls sideways, as shown: called in a
    window 640 px wide, that is a 1280 px window at 200% (1.4.4, 1.4.10)."""
    problems = [f"1.4.4 {line}" for line in clipped(page)]
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > page.viewport_size["width"]:
        problems.append(f"1.4.10 the page is {width} px wide")
    return problems


# 3.3.8 and 3.3.7: each field of a sign-in form names what a password manager may fill,
# takes a paste, and no form asks for what the reader has just typed (a second password).
SIGN_IN_FIELDS = """() => {
  NAME
  const problems = [];
  const wanted = {
    password: ["current-password", "new-password"],
    email: ["email", "username"],
  };
  for (const field of document.querySelectorAll("input")) {
    const kind = field.type === "password" ? "password"
      : (field.type === "email" || /email/i.test(field.name)) ? "email" : null;
    if (!kind) continue;
    const autocomplete = (field.getAttribute("autocomplete") || "").split(/\\s+/).pop();
    if (!wanted[kind].includes(autocomplete))
      problems.push(`3.3.8 ${name(field)} [name=${field.name}] has autocomplete=`
        + `"${autocomplete}", not ${wanted[kind].join(" or ")}`);
    const paste = new ClipboardEvent("paste", {bubbles: true, cancelable: true});
    if (!field.dispatchEvent(paste) || field.onpaste || field.oncopy)
      problems.push(`3.3.8 ${name(field)} [name=${field.name}] refuses a paste`);
  }
  for (const form of document.forms) {
    const news = form.querySelectorAll("input[autocomplete=new-password]").length;
    if (news > 1) problems.push(`3.3.7 a form asks for the new password ${news} times`);
    // Whose password it is: the manager fills (or saves) the one for this account, not
    // the first it has for the site. A form asking for the current password says so in
    // a username field (hidden where the reader need not see it); one setting a new
    // password may name the account by its email address instead (registering).
    const names = form.querySelectorAll("input[autocomplete~=username]").length;
    const emails = form.querySelectorAll("input[autocomplete~=email]").length;
    const current = form.querySelector("input[autocomplete=current-password]");
    const action = form.getAttribute("action");
    if (current && !names)
      problems.push(`3.3.8 the form to ${action} asks for the current password without `
        + "a username field naming the account");
    else if (news && !names && !emails)
      problems.push(`3.3.8 the form to ${action} sets a new password without naming `
        + "the account in a username field");
  }
  return problems;
}"""


def sign_in_fields(page) -> list[str]:
    """Return the email and password fields a password manager cannot fill or that refuse a
    paste, password forms that do not name the account, and forms that ask for a new
    password twice."""
    return page.evaluate(script(SIGN_IN_FIELDS))


# A table whose first column stays in sight as it scrolls (the manager's grid and matrix)
# must leave room beside that column for the widest of the other cells: else a cell slides
# under the column before its far side is in sight, and is never wholly seen (1.4.10).
STICKY_ROOM = """() => {
  NAME
  const problems = [];
  for (const box of document.querySelectorAll(".lw-table-scroll, .lw-grid-scroll")) {
    // A table that fits its box never slides under its column; NHS.UK's tables are 4 px
    // wider than their column, and hide no more than that.
    if (!box.checkVisibility() || box.scrollWidth - box.clientWidth <= 4) continue;
    const sticky = [...box.querySelectorAll("th, td")]
      .filter(cell => getComputedStyle(cell).position === "sticky");
    if (!sticky.length) continue;
    const column = Math.max(...sticky.map(cell => cell.getBoundingClientRect().width));
    const [widest] = [...box.querySelectorAll("td, th")].filter(cell => !sticky.includes(cell))
      .map(cell => [cell.getBoundingClientRect().width, cell]).sort(([a], [b]) => b - a);
    const room = box.clientWidth - column;
    if (widest && widest[0] > room + 0.5)
      problems.push(`1.4.10 ${box.getAttribute("aria-label")}: ${Math.round(room)} px beside `
        + `its ${Math.round(column)} px sticky column, for ${name(widest[1])}, `
        + `${Math.round(widest[0])} px`);
  }
  return problems;
}"""


def sticky_room(page) -> list[str]:
    """Return the tables whose sticky column leaves too little room to see another cell."""
    return page.evaluate(script(STICKY_ROOM))
