// Signing out after a time without use (app/idle.py), with a warning first: WCAG 2.2.1
// (Timing Adjustable) asks that a person can put a time limit off, warned at least 20
// seconds before. This follows the NHS and GOV.UK timeout warning: two minutes before the
// limit a modal dialog opens, focus moves to its heading, and it is read out; "Stay signed
// in" asks the server for more time (a POST with the page's CSRF token), "Sign out" signs
// out, Escape stays. At the limit the page is asked for again, and the server sends it to
// the sign-in page, which says why.
//
// Unless the page holds a form with free text typed into it and not sent: asking for the
// page again would lose that text without a word. Then the form is sent, marked as sent at
// the limit (LIMIT_FIELD), and the server, which runs no view for it, answers as it answers
// a form sent after the limit without JavaScript: a page saying what was not saved, with
// the text to copy (app/web/idle.py, templates/idle/not_saved.html). One way for both, and
// the sign-in page afterwards starts a fresh page. The quiz's form (data-autosave) is left
// out: its answers are saved as they are given.
//
// Only a signed-in page has the header's sign-out form, and only that form says how many
// seconds the session has left (data-idle-left; "final" when the 24 hours since signing in
// end first, which nothing puts off). The page's own requests (the quiz's autosave, a
// knowledge check) are activity too: each answer says the time left again, and other tabs
// of the site hear of it, so a tab left open does not warn while another is in use.

const signOut = document.querySelector("form.nhsuk-header__account-form[data-idle-left]");
const LIMIT_FIELD = "idle-limit-reached"; // app/web/idle.py LIMIT_FIELD
const FREE_TEXT = "textarea, input[type=text], input[type=email], input[type=search], input:not([type])";
if (signOut) watch(signOut);

// The first form on the page whose free text was changed and not sent, if any.
function typedForm(skip) {
  for (const each of document.forms) {
    if (each === skip || each.method !== "post" || each.hasAttribute("data-autosave")) continue;
    for (const field of each.querySelectorAll(FREE_TEXT)) {
      if (!field.disabled && field.value.trim() && field.value !== field.defaultValue) return each;
    }
  }
  return null;
}

function parse(value) {
  const [seconds, final] = String(value).split(" ");
  return { seconds: Number(seconds), final: final === "final" };
}

function words(seconds) {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  const parts = [];
  if (minutes) parts.push(`${minutes} minute${minutes === 1 ? "" : "s"}`);
  if (rest || !minutes) parts.push(`${rest} second${rest === 1 ? "" : "s"}`);
  return parts.join(" ");
}

function watch(form) {
  const warning = Number(form.dataset.idleWarning || 120) * 1000;
  const token = form.querySelector("input[name=csrf_token]").value;
  const channel = "BroadcastChannel" in window ? new BroadcastChannel("linkwise-idle") : null;
  const dialog = build();
  const countdowns = dialog.querySelectorAll("[data-idle-countdown]");
  const spokens = dialog.querySelectorAll("[data-idle-spoken]");
  const announce = dialog.querySelector("[data-idle-announce]");
  const status = dialog.querySelector("[data-idle-status]");
  const stay = dialog.querySelector("[data-idle-stay]");
  let deadline = 0;
  let final = false;
  let timer = null;
  let closedFinal = false; // the last warning was read and closed: not shown again
  let returnFocus = null;
  let leaving = false; // the time is up and the typed form is on its way

  // The page's own requests: their answers say the time left, or that it ran out.
  const send = window.fetch.bind(window);
  window.fetch = async (...args) => {
    const response = await send(...args);
    const signIn = response.headers.get("X-Linkwise-Signed-Out");
    if (signIn) {
      window.location.assign(signIn);
      return new Promise(() => {}); // the page is going: nothing more of it should run
    }
    const left = response.headers.get("X-Linkwise-Idle-Left");
    if (left) restart(parse(left), true);
    return response;
  };
  channel?.addEventListener("message", (event) => {
    if (event.data.deadline > deadline) restart(event.data, false);
  });
  document.addEventListener("visibilitychange", check); // timers sleep in a hidden tab
  window.addEventListener("pageshow", (event) => {
    // Back to the page whose form was sent (kept whole by the browser): asked for again.
    if (event.persisted && leaving) window.location.assign(window.location.href.split("#")[0]);
  });
  window.addEventListener("focus", check);

  stay.addEventListener("click", () => (final ? close() : stayed()));
  dialog.querySelector("[data-idle-sign-out]").addEventListener("click", () => form.submit());
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault(); // Escape: as "Stay signed in" (or, at the end, as "Close")
    if (final) close();
    else stayed();
  });

  restart(parse(form.dataset.idleLeft), true);

  function restart(left, tell) {
    if (left.seconds !== undefined) {
      deadline = Date.now() + left.seconds * 1000;
      final = left.final;
    } else {
      ({ deadline, final } = left);
    }
    if (tell) channel?.postMessage({ deadline, final });
    if (!final) closedFinal = false;
    if (dialog.open && Date.now() < deadline - warning) close();
    check();
  }

  function check() {
    clearTimeout(timer);
    const now = Date.now();
    if (leaving) return;
    if (now >= deadline) {
      const typed = typedForm(form);
      if (typed) keep(typed);
      else window.location.assign(window.location.href.split("#")[0]);
      return;
    }
    const untilWarning = deadline - warning - now;
    if (untilWarning > 0) {
      // Looked at again at least once a minute: a computer that slept wakes late.
      timer = setTimeout(check, Math.min(untilWarning, 60000));
      return;
    }
    if (!dialog.open && !closedFinal) open();
    timer = setTimeout(check, Math.min(deadline - now, 1000));
    tick();
  }

  function open() {
    dialog.querySelector("[data-idle-usual]").hidden = final;
    dialog.querySelector("[data-idle-final]").hidden = !final;
    stay.textContent = final ? "Close" : "Stay signed in";
    status.textContent = "";
    announce.textContent = "";
    returnFocus = document.activeElement;
    tick();
    dialog.showModal();
    dialog.querySelector("h2").focus();
  }

  function close() {
    if (final) closedFinal = true;
    if (dialog.open) dialog.close();
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
  }

  // Send the typed form, marked, for the server's page that shows what was not saved. The
  // dialog says so meanwhile (a slow answer): the text stays on this page until it comes.
  function keep(typed) {
    dialog.querySelector("h2").textContent = "You have been signed out";
    const said = document.createElement("p");
    said.textContent = "What you typed on this page has not been saved. The next page shows it for you to copy.";
    dialog.querySelector("#idle-warning-text").replaceChildren(said);
    dialog.querySelector(".nhsuk-button-group").hidden = true;
    announce.textContent = "";
    if (!dialog.open) dialog.showModal();
    dialog.querySelector("h2").focus();
    const marker = document.createElement("input");
    marker.type = "hidden";
    marker.name = LIMIT_FIELD;
    marker.value = "1";
    typed.append(marker);
    leaving = true;
    HTMLFormElement.prototype.submit.call(typed); // a field named "submit" hides form.submit
    marker.remove(); // what is sent is read as it is sent: a page come Back to sends it no more
  }

  // The countdown shown changes every second. A screen reader reads the dialog as it opens
  // ("2 minutes"), then hears at 1 minute and at 20 seconds left only (a polite live
  // region), so it is not interrupted every second.
  function tick() {
    const seconds = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    for (const countdown of countdowns) countdown.textContent = words(seconds);
    const said = seconds > 60 ? words(Math.ceil(seconds / 60) * 60) : seconds > 20 ? "1 minute" : "20 seconds";
    for (const spoken of spokens) spoken.textContent = said;
    if (dialog.open && seconds <= 60) {
      const text = `You will be signed out in ${said}.`;
      if (announce.textContent !== text) announce.textContent = text;
    }
  }

  async function stayed() {
    status.textContent = "";
    let response = null;
    let left = null;
    try {
      const body = new FormData();
      body.append("csrf_token", token);
      response = await window.fetch(form.dataset.idleStay, {
        method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin",
      });
      left = response.ok ? await response.json() : null;
    } catch {
      // No answer: said below, and the dialog stays open.
    }
    if (!left) {
      status.textContent = "Linkwise could not be reached, so you are still due to be signed out. Check your connection, then try again.";
      return;
    }
    close();
    restart({ seconds: left.left, final: !left.renewable }, true);
  }

  function build() {
    const time = '<strong data-idle-countdown aria-hidden="true"></strong><span class="nhsuk-u-visually-hidden" data-idle-spoken></span>';
    const element = document.createElement("dialog");
    element.className = "lw-dialog lw-idle-warning";
    element.setAttribute("aria-labelledby", "idle-warning-title");
    element.setAttribute("aria-describedby", "idle-warning-text");
    element.innerHTML = `
      <h2 id="idle-warning-title" tabindex="-1">You are about to be signed out</h2>
      <div id="idle-warning-text">
        <p data-idle-usual>You have not used Linkwise for a while. To protect your account, we will sign you out in ${time}. Anything on this page you have not saved yet will not be kept: what you have saved is.</p>
        <p data-idle-final hidden>You signed in almost <span data-idle-lifetime></span> ago, so we will sign you out in ${time} however you use Linkwise. Save your work now, then sign in again.</p>
      </div>
      <p class="nhsuk-u-visually-hidden" aria-live="polite" data-idle-announce></p>
      <p class="lw-idle-warning__status" role="status" data-idle-status></p>
      <div class="nhsuk-button-group">
        <button type="button" class="nhsuk-button" data-idle-stay>Stay signed in</button>
        <button type="button" class="nhsuk-button nhsuk-button--secondary" data-idle-sign-out>Sign out</button>
      </div>`;
    // How long a session lasts from signing in, in words (app/idle.py page_attributes).
    element.querySelector("[data-idle-lifetime]").textContent = form.dataset.idleLifetime;
    document.body.append(element);
    return element;
  }
}
