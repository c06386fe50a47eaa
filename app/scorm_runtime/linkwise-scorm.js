/* Linkwise SCORM 1.2 runtime: finds the LMS's API, keeps the learner's place and marks the quiz.
 *
 * suspend_data ("L1|done|used|best|passed|seed|answers", at most 4,096 characters):
 *   done    how many of the module's items (screens, checks, quiz, in order) are complete
 *   used    quiz attempts submitted (up to 999); best: best percentage; passed: "1" or ""
 *   seed    base-36 seed of the attempt in progress ("" if none): it redraws the same
 *           questions in the same order; answers: one per drawn question, comma-separated:
 *           a choice's index; ticked choices as a base-36 bit mask; typed text with % | ~ ,
 *           escaped as %XX; a number in ASCII digits, without the commas or spaces typed
 *           between its thousands; a matching option index or a position per prompt or step
 *           ("-" for none), each one base-36 digit. app/domain/scorm/course_data.py bounds this.
 */
(function () {
  "use strict";

  var course = JSON.parse(document.getElementById("lw-course").textContent);
  var quiz = course.quiz;
  var items = course.items;

  // ---- The LMS's SCORM 1.2 API: the nearest window up the frames, or the opener's. ----
  function findApi(win) {
    for (var hops = 0; win && hops < 10; hops += 1) {
      try {
        if (win.API) return win.API;
      } catch (e) { return null; }
      if (win.parent === win) break;
      win = win.parent;
    }
    return null;
  }
  var api = findApi(window) || (window.opener ? findApi(window.opener) : null);
  var live = false;
  function get(name) { return live ? String(api.LMSGetValue(name)) : ""; }
  function set(name, value) { if (live) api.LMSSetValue(name, String(value)); }
  function commit() { if (live) api.LMSCommit(""); }
  if (api && String(api.LMSInitialize("")) === "true") live = true;
  document.querySelector("[data-no-lms]").hidden = live;

  // ---- State and its suspend_data form. ----
  var state = { done: 0, used: 0, best: "", passed: false, seed: "", answers: [] };
  var ESCAPED = /[%|~,]/g;
  function escapeText(text) {
    return text.replace(ESCAPED, function (c) { return "%" + c.charCodeAt(0).toString(16).toUpperCase(); });
  }
  function unescapeText(text) {
    return text.replace(/%([0-9A-F]{2})/g, function (_, hex) { return String.fromCharCode(parseInt(hex, 16)); });
  }
  function encodeState() {
    return ["L1", state.done, state.used, state.best, state.passed ? "1" : "", state.seed,
      state.answers.map(function (a) { return a === null ? "" : a; }).join(",")].join("|");
  }
  function decodeState(text) {
    var parts = text.split("|");
    if (parts.length !== 7 || parts[0] !== "L1") return;
    state.done = Math.min(parseInt(parts[1], 10) || 0, items.length);
    state.used = parseInt(parts[2], 10) || 0;
    state.best = parts[3];
    state.passed = parts[4] === "1";
    state.seed = parts[5];
    state.answers = parts[5] ? parts[6].split(",").map(function (a) { return a === "" ? null : a; }) : [];
  }
  // `later`: set the state in the runtime but leave the LMS's store to the next commit (an
  // answer being typed commits when it changes, the attempt when it is submitted, the
  // session when the learner leaves), so typing is not a request to the LMS a keystroke.
  function save(later) {
    set("cmi.suspend_data", encodeState());
    if (!later) commit();
  }

  // ---- A seeded shuffle, so a resumed attempt draws what it drew before. ----
  function random(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function shuffle(list, next) {
    for (var i = list.length - 1; i > 0; i -= 1) {
      var j = Math.floor(next() * (i + 1));
      var kept = list[i]; list[i] = list[j]; list[j] = kept;
    }
    return list;
  }
  function draw(seedText) {
    var next = random(parseInt(seedText, 36));
    var drawn = [];
    quiz.parts.forEach(function (part) {
      drawn = drawn.concat(shuffle(part.pool.slice(), next).slice(0, part.pick));
    });
    if (quiz.shuffleQuestions) shuffle(drawn, next);
    return drawn.map(function (index) {
      var question = quiz.questions[index];
      var order = optionIds(question);
      if (question.type === "ordering" || (quiz.shuffleAnswers && question.type !== "true-false")) {
        shuffle(order, next);
      }
      return { question: question, order: order };
    });
  }
  function optionIds(question) {
    return (question.choices || question.options || question.steps || []).slice();
  }

  window.LinkwiseScorm = {
    course: course, state: state, get: get, set: set, commit: commit, save: save,
    live: function () { return live; }, finish: function () { if (live) { live = false; api.LMSFinish(""); } },
    encodeState: encodeState, decodeState: decodeState, draw: draw,
    escapeText: escapeText, unescapeText: unescapeText,
  };
}());
