/* Linkwise SCORM 1.2 runtime: knowledge checks, the quiz, and starting where the learner left. */
(function () {
  "use strict";

  var lw = window.LinkwiseScorm, ui = window.LinkwiseScormUi;
  var course = lw.course, state = lw.state, quiz = course.quiz;
  var $ = ui.$, $$ = ui.$$;
  var DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";

  // ---- Answers as suspend_data keeps them (see linkwise-scorm.js). ----
  function encodeAnswer(question, answer) {
    if (answer === null) return null;
    switch (question.type) {
      case "single-choice": case "true-false":
        return DIGITS[question.choices.indexOf(answer)];
      case "multiple-answers":
        return answer.reduce(function (mask, id) { return mask + Math.pow(2, question.choices.indexOf(id)); }, 0).toString(36);
      case "short-answer":
        return lw.escapeText(answer.slice(0, course.maxText));
      case "numeric":
        var number = ui.readNumber(answer);
        return number.problem ? null : number.written.slice(0, course.maxNumber);
      case "matching":
        return answer.map(function (id) { return id ? DIGITS[question.options.indexOf(id)] : "-"; }).join("");
      default:
        return answer.map(function (position) { return position ? DIGITS[Number(position) - 1] : "-"; }).join("");
    }
  }
  function decodeAnswer(question, text) {
    if (text === null || text === undefined) return null;
    switch (question.type) {
      case "single-choice": case "true-false":
        return question.choices[DIGITS.indexOf(text)] || null;
      case "multiple-answers":
        var mask = parseInt(text, 36);
        return question.choices.filter(function (id, n) { return Math.floor(mask / Math.pow(2, n)) % 2 === 1; });
      case "short-answer":
        return lw.unescapeText(text);
      case "numeric":
        return text;
      case "matching":
        return text.split("").map(function (c) { return c === "-" ? "" : question.options[DIGITS.indexOf(c)]; });
      default:
        return text.split("").map(function (c) { return c === "-" ? "" : String(DIGITS.indexOf(c) + 1); });
    }
  }

  // ---- Knowledge checks: any answer completes the check; the feedback teaches. ----
  $$("[data-check-form]").forEach(function (form) {
    var section = form.closest("[data-check]");
    var questions = course.checks[section.getAttribute("data-check")];
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var errors = [], marks = [];
      questions.forEach(function (question, n) {
        var box = $('[data-question-box="' + ui.css(question.id) + '"]', form);
        var answer = ui.readAnswer(question, box);
        var problem = ui.refusal(question, answer, n + 1, true);
        if (problem) errors.push({ question: question, box: box, text: problem });
        marks.push([box, ui.fraction(question, answer)]);
      });
      ui.showErrors(form, errors);
      if (errors.length) return;
      marks.forEach(function (mark) { ui.showFeedback(mark[0], mark[1], true); });
      $("[data-check-done]", section).hidden = false;
      $("[data-next-error]", section.closest("[data-screen]")).hidden = true;
      var screen = section.closest("[data-screen]").getAttribute("data-screen");
      if (ui.indexOf("screen:" + screen) >= state.done) ui.complete("screen:" + screen);
      ui.complete("check:" + section.getAttribute("data-check"));
    });
  });

  // ---- The quiz: drawn in the browser, saved as each answer is given, marked on submit. ----
  var form = quiz ? $("[data-quiz-form]") : null;
  function attemptsLeft() { return quiz.maxAttempts === null ? null : Math.max(0, quiz.maxAttempts - state.used); }
  function boxFor(question) { return $('[data-question-box="' + ui.css(question.id) + '"]', form); }

  function showQuestions() {
    var list = $("[data-quiz-questions]", form);
    $$("[data-question-box]", list).forEach(function (box) { box.hidden = true; });
    ui.drawn().forEach(function (shown, n) {
      var box = boxFor(shown.question);
      list.appendChild(box);  // drawn order
      box.hidden = false;
      ui.hideFeedback(box);
      // The caption as the site writes it, "Question 7 (2 points)": only its number is the draw's.
      var caption = $(".nhsuk-caption-m", box);
      caption.textContent = caption.textContent.replace(/Question \d+/, "Question " + (n + 1));
      var options = $$(".nhsuk-radios__item, .nhsuk-checkboxes__item", box);
      var parent = options.length ? options[0].parentNode : null;
      if (shown.question.type === "matching") {
        $$("select", box).forEach(function (select) {
          shown.order.forEach(function (id) { select.appendChild($('option[value="' + ui.css(id) + '"]', select)); });
        });
      } else if (shown.question.type === "ordering") {
        var groups = $$(".lw-ordering", box);
        shown.order.forEach(function (id) {
          var group = groups.filter(function (g) { return $("select", g).name === "q." + shown.question.id + "." + id; })[0];
          group.parentNode.appendChild(group);
        });
      } else if (parent) {
        shown.order.forEach(function (id) {
          var input = $('input[value="' + ui.css(id) + '"]', parent);
          parent.appendChild(input.closest(".nhsuk-radios__item, .nhsuk-checkboxes__item"));
        });
      }
      ui.writeAnswer(shown.question, box, decodeAnswer(shown.question, state.answers[n]));
    });
  }
  function startAttempt() {
    if (!state.seed) {
      state.seed = Math.floor(Math.random() * 4294967296).toString(36);
      state.answers = [];
    }
    ui.setDrawn(lw.draw(state.seed));
    lw.save();
    showQuestions();
    $("[data-quiz-intro]").hidden = true;
    $("[data-quiz-result]").hidden = true;
    form.hidden = false;
  }
  // Each keystroke ("input") is set in the runtime; a changed answer ("change": a box left, a
  // choice ticked) is committed to the LMS, and leaving commits whatever is set.
  function rememberAnswers(event) {
    state.answers = ui.drawn().map(function (shown) {
      return encodeAnswer(shown.question, ui.readAnswer(shown.question, boxFor(shown.question)));
    });
    lw.save(event.type === "input");
  }
  function submit(event) {
    event.preventDefault();
    var errors = [], points = 0, possible = 0, marks = [];
    ui.drawn().forEach(function (shown, n) {
      var box = boxFor(shown.question), answer = ui.readAnswer(shown.question, box);
      var problem = ui.refusal(shown.question, answer, n + 1, false);
      if (problem) errors.push({ question: shown.question, box: box, text: problem });
      var value = problem ? 0 : ui.fraction(shown.question, answer);
      points += value * shown.question.points;
      possible += shown.question.points;
      marks.push([box, value]);
    });
    ui.showErrors(form, errors);
    if (errors.length) return;
    var percent = possible ? Math.floor(Math.round(points * 100 / possible * 1e9) / 1e9) : 0;
    var passed = percent >= quiz.passMark;
    state.used = Math.min(state.used + 1, 999);
    state.best = String(Math.max(percent, Number(state.best || 0)));
    state.seed = "";
    state.answers = [];
    if (passed) state.passed = true;
    var reveal = quiz.showCorrectAnswers === "after-each-submission" || (quiz.showCorrectAnswers === "after-pass" && passed) ||
      (quiz.showCorrectAnswers === "after-last-attempt" && (passed || attemptsLeft() === 0));
    marks.forEach(function (mark) { ui.showFeedback(mark[0], mark[1], reveal); });
    $$("input, select", form).forEach(function (el) { el.disabled = true; });
    $("button[type=submit]", form).hidden = true;
    lw.set("cmi.core.score.min", 0);
    lw.set("cmi.core.score.max", 100);
    lw.set("cmi.core.score.raw", percent);
    lw.set("cmi.core.lesson_status", state.passed ? "passed" : "failed");
    if (passed) ui.complete("quiz:" + quiz.id); else { lw.save(); ui.render(); }
    showResult(percent, passed, [points, possible]);
  }
  // The score as the site's result page gives it: "80% (4 of 5 points)", the points to two
  // places at most. A result shown again in a later session has its percentage only (the LMS
  // keeps no points).
  function pointsText(points) {
    var won = Math.round(points[0] * 100) / 100, possible = points[1];
    return " (" + won + " of " + possible + " point" + (possible === 1 ? "" : "s") + ")";
  }
  function showResult(percent, passed, points) {
    var result = $("[data-quiz-result]"), left = attemptsLeft();
    var panel = $("[data-result-panel]", result);
    panel.classList.toggle("lw-result--passed", passed);
    panel.classList.toggle("lw-result--failed", !passed);
    $("[data-result-score]", result).textContent = String(percent);
    $("[data-result-points]", result).textContent = points ? pointsText(points) : "";
    $("[data-result-title]", result).textContent = passed ? "You passed" : "You did not pass this time";
    $("[data-result-text]", result).textContent = passed
      ? "You have completed this module. Your learning management system records your result."
      : (left === 0 ? "You have used all your attempts at this quiz. To try again, ask the team that runs your organisation's learning management system to reset your record of this module." : "Look back at the screens, then try again." +
        (left === null ? "" : " You have " + left + " attempt" + (left === 1 ? "" : "s") + " left."));
    $("[data-quiz-retry]", result).hidden = passed || left === 0;
    $("[data-quiz-intro]").hidden = true;
    result.hidden = false;
    result.focus();
  }
  function showQuiz() {
    if (!quiz) return;
    var left = attemptsLeft(), counter = $("[data-attempts-left]");
    if (counter) counter.textContent = String(left);
    if (state.seed) { startAttempt(); return; }
    form.hidden = true;
    if (state.passed || left === 0) {
      showResult(Number(state.best || lw.get("cmi.core.score.raw") || 0), state.passed);
    } else {
      $("[data-quiz-result]").hidden = true;
      $("[data-quiz-intro]").hidden = false;
    }
  }
  if (quiz) {
    $("[data-quiz-start]").addEventListener("click", function () { startAttempt(); $("h1", $("[data-quiz]")).focus(); });
    $("[data-quiz-retry]").addEventListener("click", function () {
      $$("input, select", form).forEach(function (el) { el.disabled = false; });
      $("button[type=submit]", form).hidden = false;
      $$("input[type=radio], input[type=checkbox]", form).forEach(function (i) { i.checked = false; });
      $$("input[type=text]", form).forEach(function (i) { i.value = ""; });
      $$("select", form).forEach(function (s) { s.value = ""; });
      startAttempt();
      $("h1", $("[data-quiz]")).focus();
    });
    form.addEventListener("change", rememberAnswers);
    form.addEventListener("input", rememberAnswers);
    form.addEventListener("submit", submit);
    $$("input[type=text]", form).forEach(function (input) {
      input.maxLength = input.inputMode === "decimal" ? course.maxNumber : course.maxText;
    });
  }
  window.LinkwiseScormQuiz = { show: showQuiz };

  // ---- Starting: where the learner left off, as the LMS remembers it. ----
  lw.decodeState(lw.get("cmi.suspend_data"));
  var status = lw.get("cmi.core.lesson_status");
  if (status === "passed" && !state.passed) { state.passed = true; state.done = course.items.length; }
  if (status === "" || status === "not attempted") lw.set("cmi.core.lesson_status", "incomplete");
  ui.show(lw.get("cmi.core.lesson_location") || "", false);

  function leave() {
    if (!lw.live()) return;
    var seconds = Math.round((Date.now() - ui.started) / 1000);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    lw.set("cmi.core.session_time", pad(Math.floor(seconds / 3600)) + ":" + pad(Math.floor(seconds / 60) % 60) + ":" + pad(seconds % 60));
    lw.set("cmi.core.exit", state.passed ? "" : "suspend");
    lw.commit();
    lw.finish();
  }
  window.addEventListener("pagehide", leave);
  window.LinkwiseScormQuiz.leave = leave;
}());
