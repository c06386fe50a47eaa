/* Linkwise SCORM 1.2 runtime, the page: screens in order, knowledge checks, the quiz. */
(function () {
  "use strict";

  var lw = window.LinkwiseScorm;
  var course = lw.course, state = lw.state, quiz = course.quiz, items = course.items;
  var started = Date.now();
  var drawn = [];

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $$(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function css(value) { return window.CSS && CSS.escape ? CSS.escape(value) : value; }

  // ---- Progress and gating: an item opens once every item before it is complete. ----
  function indexOf(key) { return items.indexOf(key); }
  function isOpen(key) { return indexOf(key) <= state.done; }
  function complete(key) {
    var index = indexOf(key);
    if (index === state.done) {
      state.done = index + 1;
      lw.save();
    }
    render();
  }
  // The words of app/domain/progress.py. The package keeps every attempt it counts in
  // suspend_data and has no retake rule or extra attempts: once they are used, only the LMS's
  // reset of the learner's record opens the quiz again, so praise would mislead.
  function outOfAttempts() {
    return !!quiz && quiz.maxAttempts !== null && !state.passed && !state.seed && state.used >= quiz.maxAttempts;
  }
  function progressMessage(percent, done) {
    if (done === 0) return "Ready to start";
    if (done === items.length) return "Well done, you've completed this module";
    if (outOfAttempts()) return "Quiz not passed: you have used all your attempts";
    return percent < 30 ? "Good start, keep going" : "Well done, you're getting there";
  }
  function render() {
    var percent = Math.floor(state.done * 100 / items.length);
    $("[data-progress]").hidden = false;
    $("[data-progress-message]").textContent = progressMessage(percent, state.done);
    $("[data-progress-percent]").textContent = String(percent);
    $("progress", $("[data-progress]")).value = percent;
    // Out of attempts, the bar is grey, not the green of good progress (linkwise.css).
    $("progress", $("[data-progress]")).classList.toggle(
      "lw-progress__bar--out-of-attempts",
      state.done > 0 && state.done < items.length && outOfAttempts()
    );
    $$("[data-menu]").forEach(function (li) {
      var where = li.getAttribute("data-menu");
      var key = where === "quiz" ? "quiz:" + quiz.id : "screen:" + where;
      var open = isOpen(key);
      $("[data-go]", li).hidden = !open;
      $("[data-locked]", li).hidden = open;
      $("[data-done]", li).hidden = indexOf(key) >= state.done;
      $("[data-go]", li).setAttribute("aria-current", where === current ? "page" : "false");
    });
  }

  // ---- Showing one screen, or the quiz, at a time. ----
  var current = null;
  function show(where, focus) {
    var key = where === "quiz" ? "quiz:" + (quiz && quiz.id) : "screen:" + where;
    if (indexOf(key) < 0 || !isOpen(key)) where = firstOpen();
    current = where;
    $$("[data-screen]").forEach(function (s) { s.hidden = s.getAttribute("data-screen") !== where; });
    if (quiz) $("[data-quiz]").hidden = where !== "quiz";
    if (where === "quiz") showQuiz();
    lw.set("cmi.core.lesson_location", where);
    lw.commit();
    render();
    if (focus) $("h1", where === "quiz" ? $("[data-quiz]") : $('[data-screen="' + css(where) + '"]')).focus();
  }
  function firstOpen() {
    var key = items[Math.min(state.done, items.length - 1)];
    var found = course.screens.filter(function (s) { return "screen:" + s.slug === key || "check:" + s.check === key; })[0];
    return found ? found.slug : "quiz";
  }
  document.addEventListener("click", function (event) {
    var go = event.target.closest("[data-go]");
    if (go) { show(go.getAttribute("data-go"), true); return; }
    var link = event.target.closest('a[href^="#screen-"]');
    if (link) { event.preventDefault(); show(link.getAttribute("href").slice(8), true); return; }
    var next = event.target.closest("[data-next]");
    if (next) nextScreen(next.closest("[data-screen]").getAttribute("data-screen"));
  });
  function nextScreen(slug) {
    var index = course.screens.map(function (s) { return s.slug; }).indexOf(slug);
    var screen = course.screens[index];
    var section = $('[data-screen="' + css(slug) + '"]');
    if (screen.check && indexOf("check:" + screen.check) >= state.done) {
      $("[data-next-error]", section).hidden = false;
      $("[data-check-form] input, [data-check-form] select", section).focus();
      return;
    }
    complete("screen:" + slug);
    var following = course.screens[index + 1];
    show(following ? following.slug : (quiz ? "quiz" : slug), true);
  }

  // ---- Reading, restoring and checking answers in a question's fields. ----
  function field(question, part) { return "q." + question.id + (part ? "." + part : ""); }
  function byName(box, name) { return $$('[name="' + css(name) + '"]', box); }
  function readAnswer(question, box) {
    var type = question.type;
    if (type === "single-choice" || type === "true-false") {
      var chosen = byName(box, field(question)).filter(function (i) { return i.checked; })[0];
      return chosen ? chosen.value : null;
    }
    if (type === "multiple-answers") {
      return byName(box, field(question)).filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
    }
    if (type === "short-answer" || type === "numeric") {
      var text = strip(byName(box, field(question))[0].value);
      return text ? text : null;
    }
    var parts = type === "matching" ? question.pairs.map(function (p) { return p[0]; }) : question.steps;
    var values = parts.map(function (part) { return byName(box, field(question, part))[0].value; });
    return values.some(function (v) { return v; }) ? values : null;
  }
  function writeAnswer(question, box, answer) {
    var type = question.type;
    if (answer === null || answer === undefined) return;
    if (type === "single-choice" || type === "true-false") {
      byName(box, field(question)).forEach(function (i) { i.checked = i.value === answer; });
    } else if (type === "multiple-answers") {
      byName(box, field(question)).forEach(function (i) { i.checked = answer.indexOf(i.value) >= 0; });
    } else if (type === "short-answer" || type === "numeric") {
      byName(box, field(question))[0].value = answer;
    } else {
      var parts = type === "matching" ? question.pairs.map(function (p) { return p[0]; }) : question.steps;
      parts.forEach(function (part, n) { byName(box, field(question, part))[0].value = answer[n] || ""; });
    }
  }
  // What the site says of an answer it refuses, in its words: the InvalidAnswer of
  // app/domain/quizzes after the question's number, as read_answers puts it; or null. A
  // knowledge check refuses a blank answer too, as app/services/knowledge_checks.py does,
  // with the type's own words; a quiz marks it 0.
  function refusal(question, answer, number, blankRefused) {
    var blank = answer === null || (question.type === "multiple-answers" && answer.length === 0);
    var problem = blank ? (blankRefused ? question.blank : null) : problemWith(question, answer);
    return problem ? "Question " + number + ": " + problem : null;
  }
  function problemWith(question, answer) {
    if (question.type === "numeric" && answer !== null) {
      return readNumber(answer).problem || null;
    }
    if (question.type === "ordering" && answer !== null) {
      // As Ordering.from_fields: every step given a position, then each position 1 to n once.
      if (answer.some(function (v) { return !v; })) return "give every step a position";
      var sorted = answer.map(Number).sort(function (a, b) { return a - b; });
      if (sorted.some(function (v, n) { return v !== n + 1; })) {
        return "give each step a different position, 1 to " + answer.length;
      }
    }
    return null;
  }

  // ---- Numbers as the site reads them: app/domain/numbers.py's typed_number. ----
  // Once its digits are ASCII: a full stop for decimals, commas or single spaces between
  // groups of three digits, or none; "1_000" and a decimal comma are refused, as there.
  var NUMBER = /^[-+]?(?:(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
  var NOT_A_NUMBER = "enter a number, like 42 or 1.5";
  var SCRIPT_DIGITS = Object.create(null);  // each script's digits (the site's digit_zeros) as ASCII
  course.digitZeros.forEach(function (zero) {
    for (var n = 0; n < 10; n += 1) SCRIPT_DIGITS[String.fromCodePoint(zero + n)] = String(n);
  });
  function readNumber(text) {
    var ascii = Array.from(strip(text)).map(function (c) { return SCRIPT_DIGITS[c] || c; }).join("");
    if (!NUMBER.test(ascii)) {
      if (ascii.indexOf("_") >= 0) return { problem: "enter the number without underscores, like 1000 or 1,000" };
      if (ascii.indexOf(",") >= 0) return { problem: "write decimals with a full stop, like 1.5, and thousands like 1,000" };
      return { problem: NOT_A_NUMBER };
    }
    // `written` is how suspend_data keeps it: ASCII, no commas (they separate answers there).
    var written = ascii.replace(/[, ]/g, "");
    var value = Number(written);
    return isFinite(value) ? { value: value, written: written } : { problem: NOT_A_NUMBER };
  }

  // ---- Marking, as Linkwise marks: the same fractions as app/domain/quizzes. ----
  // Python's str.split() whitespace, so a typed answer breaks into words as on the site.
  var SPACES = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
  var AROUND = new RegExp("^" + SPACES.source + "|" + SPACES.source + "$", "g");
  // As Python's str.strip(): String.prototype.trim would also take U+FEFF, which it keeps.
  function strip(text) { return text.replace(AROUND, ""); }
  function textForMarking(text) {
    // As normalise_text: caseless (lower, upper, lower folds ß and SS alike, as casefold
    // does) and canonical (ŵ typed matches w and a combining circumflex from a PDF).
    var folded = text.normalize("NFD").toLowerCase().toUpperCase().toLowerCase().normalize("NFC");
    return folded.split(SPACES).filter(Boolean).join(" ");
  }
  function fraction(question, answer) {
    var type = question.type;
    if (answer === null) return 0;
    if (type === "single-choice" || type === "true-false") return question.correct.indexOf(answer) >= 0 ? 1 : 0;
    if (type === "multiple-answers") {
      var wrong = question.choices.length - question.correct.length;
      var right = answer.filter(function (a) { return question.correct.indexOf(a) >= 0; }).length;
      var lost = answer.length - right;
      return Math.max(0, right / question.correct.length - (wrong ? lost / wrong : 0));
    }
    if (type === "short-answer") {
      return question.answers.some(function (a) { return textForMarking(a) === textForMarking(answer); }) ? 1 : 0;
    }
    if (type === "numeric") {
      var number = readNumber(answer).value;
      return number >= question.low && number <= question.high ? 1 : 0;
    }
    if (type === "matching") {
      return question.pairs.filter(function (p, n) { return answer[n] === p[1]; }).length / question.pairs.length;
    }
    // answer[n] is the position given to the nth step in the right order.
    return question.steps.filter(function (step, n) { return Number(answer[n]) === n + 1; }).length / question.steps.length;
  }
  function showFeedback(box, value, reveal) {
    var verdict = value >= 1 ? "right" : value > 0 ? "part" : "wrong";
    $$("[data-feedback]", box).forEach(function (block) {
      var mine = block.getAttribute("data-feedback") === verdict;
      block.hidden = !mine;
      $$(":scope > *", block).forEach(function (part) { part.hidden = !reveal && !part.classList.contains("lw-verdict"); });
    });
  }
  function hideFeedback(box) { $$("[data-feedback]", box).forEach(function (b) { b.hidden = true; }); }

  // ---- The NHS error pattern: a summary linking to each field, and the message at it. ----
  function showErrors(form, errors) {
    var summary = $("[data-error-summary]", form), list = $("[data-error-list]", form);
    list.textContent = "";
    $$(".nhsuk-error-message[data-field-error]", form).forEach(function (e) {
      // The question is described by its hint alone again, not by a message gone.
      var fieldset = e.closest("fieldset"), hint = $(":scope > .nhsuk-hint", fieldset);
      if (hint && hint.id) fieldset.setAttribute("aria-describedby", hint.id);
      else fieldset.removeAttribute("aria-describedby");
      e.remove();
    });
    $$(".nhsuk-form-group--error", form).forEach(function (g) { g.classList.remove("nhsuk-form-group--error"); });
    errors.forEach(function (error) {
      var fieldset = $("fieldset", error.box);
      // The first field a learner answers in: the hidden marker field comes before it.
      var target = $("input:not([type=hidden]), select", fieldset);
      var message = document.createElement("span");
      message.className = "nhsuk-error-message";
      message.setAttribute("data-field-error", "");
      message.id = "error-" + error.question.id;
      message.innerHTML = '<span class="nhsuk-u-visually-hidden">Error:</span> ';
      message.appendChild(document.createTextNode(error.text));
      // Where the site puts it: after the question's text (its legend, what of it is shown
      // under the legend) and the hint of its type, before the fields; read after the hint.
      var hint = $(":scope > .nhsuk-hint", fieldset);
      (hint || $(".lw-question__more", fieldset) || $("legend", fieldset)).after(message);
      fieldset.setAttribute("aria-describedby", (hint && hint.id ? hint.id + " " : "") + message.id);
      error.box.classList.add("nhsuk-form-group--error");
      var item = document.createElement("li"), link = document.createElement("a");
      link.href = "#" + target.id;
      link.textContent = error.text;
      item.appendChild(link);
      list.appendChild(item);
    });
    summary.hidden = errors.length === 0;
    if (errors.length) summary.focus();
  }

  window.LinkwiseScormUi = {
    show: show, render: render, complete: complete, readAnswer: readAnswer, writeAnswer: writeAnswer,
    problemWith: problemWith, refusal: refusal, fraction: fraction, showFeedback: showFeedback, hideFeedback: hideFeedback,
    readNumber: readNumber, strip: strip,
    showErrors: showErrors, byName: byName, $: $, $$: $$, css: css, started: started,
    current: function () { return current; }, drawn: function () { return drawn; },
    setDrawn: function (found) { drawn = found; }, indexOf: indexOf,
  };
  function showQuiz() { if (window.LinkwiseScormQuiz) window.LinkwiseScormQuiz.show(); }
}());
