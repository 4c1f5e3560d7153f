// Conveniences only: the page is complete without JavaScript.
(function () {
  // The words come with the page (_base.html.j2, from the pages' catalogue), in the reader's language.
  var words = document.documentElement.dataset;
  function text(ms) {
    var late = ms < 0, s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var hu = words.hourUnit || "h";
    var parts = d ? d + " d " + h + " " + hu : (h ? h + " " + hu + " " + m + " min" : m + " min " + sec + " s");
    return (late ? words.late || "overdue by {parts}" : words.left || "{parts} left").replace("{parts}", parts);
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var ms = Date.parse(el.getAttribute("data-due")) - now;
      el.textContent = text(ms);
      var box = el.closest("[data-urgency]");
      if (box) {
        var u = ms < 0 ? "overdue" : ms < 4 * 3600e3 ? "urgent" : ms < 24 * 3600e3 ? "soon" : "later";
        box.setAttribute("data-urgency", u);
      }
    });
  }
  if (document.querySelector("[data-due]")) { tick(); setInterval(tick, 1000); }
  document.querySelectorAll("[data-copy]").forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var src = document.getElementById(btn.getAttribute("data-copy"));
      navigator.clipboard.writeText(src.textContent).then(function () {
        var old = btn.textContent; btn.textContent = btn.getAttribute("data-done");
        setTimeout(function () { btn.textContent = old; }, 1500);
      });
    });
  });
  // "Now": the organisation's wall clock, from the page's render time (data-now) plus the time since the page
  // loaded, so it needs no zone database; a field whose max is "now" moves its max along, or the browser would
  // refuse a time typed a minute after the page was opened.
  var loaded = Date.now();
  function nowFrom(rendered) {
    var base = Date.parse(rendered + (rendered.length === 16 ? ":00Z" : "Z"));
    return isNaN(base) ? "" : new Date(base + Date.now() - loaded).toISOString().slice(0, 16);
  }
  document.querySelectorAll("button[data-now-for]").forEach(function (btn) {
    // Its own field's input: several forms on the incident page have a field of the same name (and id).
    var box = btn.closest(".field"), input = box && box.querySelector("input[name='" + btn.getAttribute("data-now-for") + "']");
    if (!input) return;
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var value = nowFrom(btn.getAttribute("data-now"));
      if (!value) return;
      if (input.hasAttribute("data-max-now") && input.max < value) input.max = value;
      input.value = value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    });
  });
  var stale = document.querySelector("button[data-now]");
  if (stale) setInterval(function () {
    var value = nowFrom(stale.getAttribute("data-now"));
    document.querySelectorAll("input[data-max-now]").forEach(function (i) { if (value && i.max < value) i.max = value; });
  }, 30000);
  // One moment of awareness, several duties: the first awareness typed on the new-incident form is offered to the
  // other duties' empty awareness fields (each stays editable; a field the officer changed is left alone).
  document.querySelectorAll("input[data-awareness]").forEach(function (input) {
    input.addEventListener("input", function () { input.dataset.typed = "1"; });
    input.addEventListener("change", function () {
      if (!input.value) return;
      input.form.querySelectorAll("input[data-awareness]").forEach(function (other) {
        if (other !== input && (!other.value || other.dataset.offered) && !other.dataset.typed) {
          other.value = input.value; other.dataset.offered = "1";
        }
      });
    });
  });
  document.querySelectorAll('a[href="#facts"]').forEach(function (a) {
    a.addEventListener("click", function () { var d = document.querySelector("#facts details"); if (d) d.open = true; });
  });
  // The next action's links go to a draft or a form folded in a <details>: unfold it (and what holds it).
  document.querySelectorAll("a[data-open]").forEach(function (a) {
    a.addEventListener("click", function () {
      var d = document.getElementById(a.getAttribute("data-open"));
      for (; d; d = d.parentElement) { if (d.tagName === "DETAILS") d.open = true; }
    });
  });
  // A refused form: unfold it and move the focus to its error summary; each link there focuses its field.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    for (var d = summary.parentElement; d; d = d.parentElement) { if (d.tagName === "DETAILS") d.open = true; }
    summary.focus();
    summary.querySelectorAll("a[data-field]").forEach(function (a) {
      a.addEventListener("click", function (ev) {
        var form = summary.closest("form"), name = a.getAttribute("data-field");
        var field = form && (form.querySelector("[aria-describedby='" + name + "-error']") || form.querySelector("[name='" + name + "']"));
        if (field) { ev.preventDefault(); field.focus(); field.scrollIntoView({block: "center"}); }
      });
    });
  }
  document.querySelectorAll("[data-show-when]").forEach(function (el) {
    var parts = el.getAttribute("data-show-when").split("="), sel = document.querySelectorAll("[name='" + parts[0] + "']");
    function upd() {
      var v = ""; sel.forEach(function (i) { if ((i.type !== "radio" || i.checked)) v = i.value; });
      el.hidden = parts[1].split("|").indexOf(v) < 0;
    }
    sel.forEach(function (i) { i.addEventListener("change", upd); }); upd();
  });
})();
