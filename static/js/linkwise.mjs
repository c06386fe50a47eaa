// Progressive enhancement only: every page works without this file.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";
// The warning before signing out for want of use; it watches this page's own requests.
import "./idle.mjs";

initAll();

// The header's "More" menu (links that do not fit the window) closes on Escape, but the
// component leaves focus on the link it has just hidden, so the next Tab starts again at the
// top of the page. Focus goes back to "More", as it does from any menu that closes. This
// listener is added before the component's, which it adds as the menu opens, so it runs first.
const more = document.querySelector(".nhsuk-header__menu-toggle");
if (more) {
  document.addEventListener(
    "keydown",
    (event) => {
      const list = more.parentElement.querySelector(".nhsuk-header__menu-list");
      if (event.key === "Escape" && list?.contains(document.activeElement)) more.focus();
    },
    true,
  );
}

// Radios that reveal a field keep the NHS.UK component's reveal, without the aria-expanded
// it puts on each radio: ARIA allows none on a radio (w3c/aria#1404), and axe-core fails the
// page for it. aria-controls stays. These listeners run after the component's own.
for (const radios of document.querySelectorAll('[data-module="nhsuk-radios"]')) {
  const tidy = () => {
    for (const input of radios.querySelectorAll("input[aria-expanded]")) {
      input.removeAttribute("aria-expanded");
    }
  };
  tidy();
  radios.addEventListener("click", tidy);
  window.addEventListener("pageshow", tidy);
}

// How far a focus ring reaches beyond its element (NHS.UK's are 4 px), and the room the
// dialog keeps between what it scrolls to and its edge (.lw-dialog's scroll-padding).
const RING = 4;
const SCROLL_PADDING = 16;

// Knowledge checks: without JavaScript they are a form on the screen. With it, they open
// over the screen in a native modal dialog (focus stays inside, Escape closes), and the
// answer is sent from the dialog: its feedback, or its error, replaces the form in place.
// Opening puts focus in the dialog: on its answer's error summary, its feedback, or else
// its heading.
// Closing (its button or Escape) puts focus on "Check your knowledge", which opened it or,
// when the page opened it as it loaded, is where the learner reopens it.
// Next pressed with the check unanswered brings the screen back with the check saying so, in
// an error summary above its question; the dialog opens at its heading, and the reason
// describes the dialog, read out as it opens.
for (const section of document.querySelectorAll("[data-knowledge-check]")) {
  const dialog = document.createElement("dialog");
  dialog.className = "lw-dialog";
  dialog.setAttribute("aria-labelledby", "knowledge-check-title");
  const opener = document.createElement("button");
  opener.type = "button";
  opener.className = "nhsuk-button nhsuk-button--secondary lw-knowledge-check__open";
  opener.textContent = "Check your knowledge";
  section.before(opener);
  dialog.append(section);
  opener.after(dialog);
  const close = section.querySelector("[data-close-dialog]");
  close.hidden = false;
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => opener.focus());
  const body = section.querySelector("[data-check-body]");
  const heading = section.querySelector("#knowledge-check-title");
  heading.tabIndex = -1; // focused by script only; never a tab stop
  opener.addEventListener("click", () => {
    dialog.showModal();
    focusInDialog();
  });

  section.addEventListener("submit", async (event) => {
    const form = event.target;
    if (form.id !== "knowledge-check-form") return; // "Continue" moves on as a normal form
    event.preventDefault();
    let response;
    try {
      response = await fetch(form.getAttribute("action"), {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Linkwise-Part": "knowledge-check" },
        credentials: "same-origin",
      });
    } catch {
      form.submit(); // the page without JavaScript does the same, and shows the result
      return;
    }
    if (!response.ok && response.status !== 400) {
      form.submit();
      return;
    }
    body.innerHTML = await response.text(); // the banner saying why goes with the form
    // Only what came in is new to the NHS.UK scripts: the page's first initAll() set up
    // the rest, and a component set up twice logs "already initialised".
    initAll({ scope: body });
    dialog.removeAttribute("aria-describedby");
    showInDialog();
  });

  function describeByReason() {
    const words = body.querySelector("[data-check-unanswered] .nhsuk-error-summary__list");
    if (!words) return;
    words.id = "knowledge-check-reason";
    dialog.setAttribute("aria-describedby", words.id);
  }

  function showInDialog() {
    const summary = body.querySelector("[data-check-errors]");
    if (summary) summary.setAttribute("tabindex", "-1");
    if (!dialog.open) dialog.showModal();
    focusInDialog();
  }

  // Each of these starts the dialog, below its heading: the dialog is shown from its top,
  // the question (or the feedback on it) in sight. The browser's own scrolling to what takes
  // focus would leave the dialog where the last answer was sent from, and the start of a
  // feedback taller than the dialog out of sight above. An error summary that fits the
  // dialog but not below its heading (a small window, or zoomed in) is scrolled up into
  // sight, its focus ring whole.
  function focusInDialog() {
    const summary = body.querySelector("[data-check-errors]");
    const feedback = body.querySelector("[data-check-feedback]");
    const target = summary || feedback || heading;
    target.focus({ preventScroll: true });
    dialog.scrollTop = 0;
    if (target !== summary) return;
    const ring = RING + SCROLL_PADDING;
    const box = target.getBoundingClientRect();
    const below = box.bottom + ring - shownBottom();
    if (below > 0 && box.height + 2 * ring <= shownBottom() - shownTop()) {
      dialog.scrollTop = below;
    }
  }

  // A link in the error summary focuses its field. The NHS.UK script scrolls the field's
  // legend to the top, which in a small window (or zoomed in) can leave the field, and its
  // error message, below the dialog's bottom edge. Here the question's text is shown from its
  // legend when it all fits, from its error message when that and the field fit, or else
  // from the field: the field and its focus ring are always in sight.
  section.addEventListener(
    "click",
    (event) => {
      const link = event.target.closest(".nhsuk-error-summary a[href^='#']");
      const field = link && document.getElementById(link.hash.slice(1));
      if (!field || !section.contains(field)) return;
      event.preventDefault();
      event.stopPropagation(); // before the error summary's own listener
      field.focus({ preventScroll: true });
      const group = field.closest(".nhsuk-form-group");
      const starts = [
        field.closest("fieldset")?.querySelector("legend"),
        group?.querySelector(".nhsuk-error-message"),
        field,
      ].filter(Boolean);
      const end = field.getBoundingClientRect().bottom + RING + SCROLL_PADDING;
      const top = shownTop();
      const start = starts.find(
        (item) => end - item.getBoundingClientRect().top + RING + SCROLL_PADDING
          <= shownBottom() - top,
      ) || field;
      dialog.scrollTop += start.getBoundingClientRect().top - RING - SCROLL_PADDING - top;
    },
    true,
  );

  // The top and bottom of what the dialog shows: its scrolling box, within the window.
  function shownTop() {
    return Math.max(dialog.getBoundingClientRect().top + dialog.clientTop, 0);
  }

  function shownBottom() {
    const top = dialog.getBoundingClientRect().top + dialog.clientTop;
    return Math.min(top + dialog.clientHeight, window.innerHeight);
  }

  if (section.hasAttribute("data-open-now") || window.location.hash === "#knowledge-check") {
    describeByReason();
    showInDialog();
    // A page opened at #knowledge-check: once it has loaded, the browser takes focus off
    // whatever has it, as that fragment (the section) cannot take focus itself. Put focus
    // back in the dialog, unless the learner has already moved it or closed the dialog.
    const refocus = () => {
      if (dialog.open && !dialog.contains(document.activeElement)) focusInDialog();
    };
    if (document.readyState === "complete") refocus();
    else window.addEventListener("load", () => setTimeout(refocus), { once: true });
  }
}

// Quiz attempts: each answer is saved as it is given; the Save button does it without
// JavaScript. Saves go one at a time, each carrying the revision the last one returned,
// so the server can tell this tab's changes from another tab's and never lose either.
// A change the service could not save (it was unavailable, or the connection dropped)
// stays waiting, says so by its question, and goes again with the next save or on a timer.
// A waiting change is sent again after 5 seconds, then twice as long each time up to 30
// (the Retry-After of the app's 503): soon enough after a short outage, and a few learners'
// pages do not pile onto a service coming back.
const RETRY_FIRST = 5000;
const RETRY_MOST = 30000;

for (const form of document.querySelectorAll("form[data-autosave]")) {
  const token = form.querySelector("input[name=csrf_token]").value;
  const revision = form.querySelector("input[name=revision]");
  const message = form.querySelector("[data-autosave-message]");
  const timers = new Map();
  const pending = new Set();
  // Questions whose latest change the service has not saved yet: sent with every save.
  const unsaved = new Set();
  let retryTimer = null;
  let retryDelay = RETRY_FIRST;
  let outageShown = false; // the top message says answers are waiting or were refused
  // Questions refilled with another tab's answer that the learner has not yet changed on
  // purpose (left the field, or picked an option): their saves keep saying so, since a key
  // typed just after the refill was meant for the answer it replaced.
  const refilled = new Set();
  let running = null;
  let replacing = false; // a field taken out while focused fires "change": not the learner's

  const groupOf = (id) => form.querySelector(`[data-question="${CSS.escape(id)}"]`);
  const statusOf = (id) => form.querySelector(`[data-status-for="${CSS.escape(id)}"]`);

  // data-saving stays on the form while a save waits or runs (tests wait for it to go).
  function settled() {
    if (!timers.size && !pending.size && !unsaved.size && !running) delete form.dataset.saving;
  }

  function schedule(id, delay) {
    form.dataset.saving = "";
    clearTimeout(timers.get(id));
    timers.set(id, setTimeout(() => {
      timers.delete(id);
      pending.add(id);
      run();
    }, delay));
  }

  // Typed answers save a moment after the typing stops, not only when the field loses focus.
  form.addEventListener("input", (event) => {
    const group = event.target.closest("[data-question]");
    if (group && event.target.type === "text") schedule(group.dataset.question, 600);
  });
  form.addEventListener("change", (event) => {
    const group = event.target.closest("[data-question]");
    if (!group || replacing) return;
    refilled.delete(group.dataset.question);
    schedule(group.dataset.question, 0);
  });

  function run() {
    if (!running) running = drain().finally(() => { running = null; settled(); });
    return running;
  }

  async function drain() {
    for (const id of unsaved) pending.add(id);
    while (pending.size) {
      const ids = [...pending].filter(ready);
      pending.clear();
      if (!ids.length) continue;
      const body = new FormData();
      body.append("csrf_token", token);
      body.append("revision", revision.value);
      for (const id of ids) {
        for (const field of groupOf(id).querySelectorAll("input, select, textarea")) {
          if ((field.type === "radio" || field.type === "checkbox") && !field.checked) continue;
          body.append(field.name, field.value);
        }
      }
      let response = null;
      let result = null;
      try {
        // getAttribute: the submit buttons are named "action", which shadows form.action.
        response = await fetch(form.getAttribute("action"), {
          method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin",
        });
        result = await response.json();
      } catch {
        // No answer, or one that is not the app's (a proxy's error page): not saved.
      }
      if (!result || result.error) {
        notSaved(ids, response, result);
        return;
      }
      saved(ids);
      revision.value = result.revision;
      const fresh = new Set(result.fresh.map((item) => item.question));
      for (const id of ids) {
        if (fresh.has(id)) continue;
        showError(id, result.errors[id]);
        if (result.errors[id]) {
          // Its error shows at the question, but a learner typing in the field is not read
          // the fieldset's description again: the status (a live region) says why too.
          statusOf(id).textContent = "Not saved";
          const why = document.createElement("span");
          why.className = "nhsuk-u-visually-hidden";
          why.textContent = `. Error: ${result.errors[id]}`;
          statusOf(id).append(why);
        } else {
          statusOf(id).textContent = refilled.has(id)
            ? "Answer saved. It was changed in another tab or window first: check it is the answer you want."
            : "Answer saved";
        }
      }
      for (const item of result.fresh) replaceQuestion(item.question, item.html);
      if (fresh.size) {
        outageShown = false;
        message.textContent = "Some answers were changed in another tab or window. The latest answers are shown.";
      }
    }
  }

  // The service was unavailable or out of reach: keep the changes waiting and say so by
  // each question (its status is a polite live region) and at the top, then try again.
  // Any other refusal (a form out of date, a signed-out session) is said as it was given.
  function notSaved(ids, response, result) {
    for (const id of [...ids, ...pending]) unsaved.add(id);
    pending.clear();
    const unreachable = !response;
    if (!unreachable && response.status < 500 && result && result.error) {
      for (const id of unsaved) {
        statusOf(id).textContent = `Not saved: ${result.error}.`;
        statusOf(id).classList.add("lw-autosave-status--unsaved");
      }
      // Cleared, as an outage's is, once the answers it names are saved (a throttle lifts).
      outageShown = true;
      message.textContent = `Not saved: ${result.error}.`;
      return;
    }
    const cause = unreachable ? "the connection was lost" : "the service is unavailable";
    const when = unreachable ? "when the connection is back" : "shortly";
    for (const id of unsaved) {
      statusOf(id).textContent = `Not saved yet: ${cause}. This answer will be sent again ${when}.`;
      statusOf(id).classList.add("lw-autosave-status--unsaved");
    }
    const [count, they] = unsaved.size === 1 ? ["1 answer is", "it"] : [`${unsaved.size} answers are`, "they"];
    outageShown = true;
    message.textContent = `Not saved yet: ${count} waiting because ${cause}. Keep this page open: ${they} will be sent again ${when}.`;
    // A learner's further changes failing too do not put the next try off.
    if (!retryTimer) retryTimer = setTimeout(retry, retryDelay);
  }

  function saved(ids) {
    for (const id of ids) {
      unsaved.delete(id);
      statusOf(id).classList.remove("lw-autosave-status--unsaved");
    }
    if (unsaved.size) return;
    clearTimeout(retryTimer);
    retryTimer = null;
    retryDelay = RETRY_FIRST;
    if (outageShown) message.textContent = "";
    outageShown = false;
  }

  function retry() {
    retryTimer = null;
    retryDelay = Math.min(retryDelay * 2, RETRY_MOST); // for the next, should this one fail
    for (const id of unsaved) pending.add(id);
    if (pending.size) run();
  }

  // Back online: send what waits now rather than at the next tick of the timer.
  window.addEventListener("online", () => {
    if (unsaved.size && !running) {
      clearTimeout(retryTimer);
      retryDelay = RETRY_FIRST / 2; // doubled back to the first delay by retry()
      retry();
    }
  });

  // Steps to put in order are saved once every step has a position.
  function ready(id) {
    const group = groupOf(id);
    if (!group.querySelector("[data-save-when-complete]")) return true;
    const empty = [...group.querySelectorAll("select")].some((select) => !select.value);
    if (empty) statusOf(id).textContent = "Give every step a position to save this answer.";
    return !empty;
  }

  function showError(id, text) {
    const group = groupOf(id);
    const fieldset = group.querySelector("fieldset");
    const errorId = `question-${id}-error`;
    let error = document.getElementById(errorId);
    group.classList.toggle("nhsuk-form-group--error", Boolean(text));
    for (const field of group.querySelectorAll("input[type=text]")) {
      field.classList.toggle("nhsuk-input--error", Boolean(text));
    }
    for (const field of group.querySelectorAll("select")) {
      field.classList.toggle("nhsuk-select--error", Boolean(text));
    }
    // The question is described by its hint, if its type has one, then by its error.
    const hint = fieldset.querySelector(":scope > .nhsuk-hint");
    const described = [hint?.id, text && errorId].filter(Boolean).join(" ");
    if (described) fieldset.setAttribute("aria-describedby", described);
    else fieldset.removeAttribute("aria-describedby");
    if (!text) {
      if (error) error.remove();
      return;
    }
    if (!error) {
      error = document.createElement("span");
      error.className = "nhsuk-error-message";
      error.id = errorId;
      // Where the page puts it: after the question's text (its legend, what of it is shown
      // under the legend, a notice) and the hint, before the fields.
      const above =
        hint ||
        fieldset.querySelector(":scope > .lw-notice") ||
        fieldset.querySelector(".lw-question__more") ||
        fieldset.querySelector("legend");
      above.after(error);
    }
    error.innerHTML = '<span class="nhsuk-u-visually-hidden">Error:</span> ';
    error.append(text);
  }

  function replaceQuestion(id, html) {
    const focused = document.activeElement && document.activeElement.id;
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    replacing = true;
    try {
      groupOf(id).replaceWith(template.content);
    } finally {
      replacing = false;
    }
    refilled.add(id);
    const field = focused && document.getElementById(focused);
    if (field) {
      field.focus();
      // The caret after the answer shown, not before it: a key typed next adds to its end.
      if (field.type === "text") field.setSelectionRange(field.value.length, field.value.length);
    }
    statusOf(id).textContent = "Changed in another tab or window: the latest answer is shown.";
  }

  // Submitting waits for saves under way, so the form sends the latest revision.
  form.addEventListener("submit", (event) => {
    if (!running && !timers.size) return;
    event.preventDefault();
    for (const [id, timer] of timers) {
      clearTimeout(timer);
      pending.add(id);
    }
    timers.clear();
    const submitter = event.submitter;
    run().then(() => form.requestSubmit(submitter));
  });
}

// A table's box is a Tab stop so that a keyboard can scroll it, which only a box too small
// for its table needs: the item analysis page alone has some 25 boxes, most of which fit.
// A box that fits leaves the Tab order, and comes back into it when its table no longer
// fits (a narrower window, larger text). Without JavaScript every box stays a Tab stop.
const BOXES = ".lw-table-scroll, .lw-grid-scroll";
if ("ResizeObserver" in window) {
  const fit = (box) => {
    const scrolls = box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight;
    if (scrolls) box.setAttribute("tabindex", "0");
    else if (box !== document.activeElement) box.removeAttribute("tabindex");
  };
  const watch = new ResizeObserver((entries) => {
    for (const entry of entries) fit(entry.target.closest(BOXES));
  });
  for (const box of document.querySelectorAll(BOXES)) {
    watch.observe(box);
    for (const child of box.children) watch.observe(child);
  }
}

// Join links (Manage > Teams): without JavaScript the link is text to select and copy. With
// it, a "Copy link" button beside each copies it, and says so in a polite live region.
if (navigator.clipboard) {
  for (const link of document.querySelectorAll("a[data-lw-copy]")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "nhsuk-button nhsuk-button--secondary nhsuk-button--small lw-copy";
    button.textContent = "Copy link";
    const whose = document.createElement("span");
    whose.className = "nhsuk-u-visually-hidden";
    whose.textContent = ` to join ${link.dataset.lwCopy}`;
    button.append(whose);
    const said = document.createElement("span");
    said.setAttribute("role", "status");
    said.className = "lw-copied";
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(link.href).then(
        () => { said.textContent = "Link copied"; },
        () => { said.textContent = "Could not copy: select the link and copy it"; },
      );
    });
    link.after(" ", button, said);
  }
}
