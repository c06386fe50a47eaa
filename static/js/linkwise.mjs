// Progressive enhancement only: every page works without this file.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

initAll();

// Knowledge checks: without JavaScript they are a form on the screen. With it, they open
// over the screen in a native modal dialog (focus stays inside, Escape closes).
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
  opener.addEventListener("click", () => dialog.showModal());
  for (const link of section.querySelectorAll("[data-open-dialog]")) {
    link.addEventListener("click", (event) => event.preventDefault());
  }
  if (section.hasAttribute("data-answered") || window.location.hash === "#knowledge-check") {
    dialog.showModal();
  }
}

// Quiz attempts: save each answer as it is given; the Save button does it without JavaScript.
for (const form of document.querySelectorAll("form[data-autosave]")) {
  const token = form.querySelector("input[name=csrf_token]").value;
  const timers = new Map();
  // Typed answers save a moment after the typing stops, not only when the field loses focus.
  form.addEventListener("input", (event) => {
    const fieldset = event.target.closest("fieldset[data-question]");
    if (!fieldset || event.target.type !== "text") return;
    clearTimeout(timers.get(fieldset));
    timers.set(fieldset, setTimeout(() => save(fieldset), 600));
  });
  form.addEventListener("change", (event) => {
    const fieldset = event.target.closest("fieldset[data-question]");
    if (fieldset) save(fieldset);
  });

  async function save(fieldset) {
    clearTimeout(timers.get(fieldset));
    const id = fieldset.dataset.question;
    const status = form.querySelector(`[data-status-for="${CSS.escape(id)}"]`);
    const body = new FormData();
    body.append("csrf_token", token);
    for (const field of fieldset.querySelectorAll("input, select, textarea")) {
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) continue;
      body.append(field.name, field.value);
    }
    if (fieldset.querySelector("input[type=checkbox]")) body.append(`q.${id}.shown`, "1");
    try {
      // getAttribute: the submit buttons are named "action", which shadows form.action.
      const response = await fetch(form.getAttribute("action"), {
        method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin",
      });
      const result = await response.json();
      status.textContent = result.saved ? "Answer saved" : `Not saved: ${result.error}`;
    } catch {
      status.textContent = "Not saved: check your connection, then use Save.";
    }
  }
}
