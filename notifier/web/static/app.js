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
