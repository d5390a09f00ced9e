// fundflow serve: the pages' one script (served at /assets/app.js; the CSP admits no inline script).
// Texts the user sees come from the page (data-* attributes), worded in the page's language.
"use strict";
(function () {
  function $(id) { return document.getElementById(id); }
  function say(el, text, ok) { el.textContent = text; el.className = ok ? "ok" : "error"; }
  function problemText(body) {
    var lines = [body.message || ""];
    (body.problems || []).forEach(function (p) { lines.push((p.field ? p.field + ": " : "") + p.message); });
    return lines.join("\n");
  }
  async function csrf() {
    var r = await fetch("/api/v1/session" + location.search.replace(/.*(lang=[a-z]+).*/, "?$1"), { credentials: "same-origin" });
    var j = await r.json();
    return j.csrf;
  }
  function langQuery() { var m = location.search.match(/lang=(en|zh)/); return m ? "lang=" + m[1] : ""; }

  var login = $("login-form");
  if (login) {
    login.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      var out = $("login-error");
      var r = await fetch("/api/v1/session?" + langQuery(), {
        method: "POST", headers: { "Content-Type": "application/json" }, credentials: "same-origin",
        body: JSON.stringify({ user: login.user.value, password: login.password.value })
      });
      if (r.ok) { location.assign(login.dataset.next || "/projects"); return; }
      var body = {}; try { body = await r.json(); } catch (e) { }
      say(out, problemText(body), false);
    });
  }

  var logout = $("logout");
  if (logout) {
    logout.addEventListener("click", async function () {
      var token = await csrf();
      await fetch("/api/v1/session", { method: "DELETE", headers: { "X-CSRF-Token": token }, credentials: "same-origin" });
      location.assign("/login?" + langQuery());
    });
  }

  var post = $("post-form");
  if (post) {
    post.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      var out = $("post-result");
      var row = { project: post.dataset.project };
      ["kind", "level", "amount", "date", "contract", "ref", "memo"].forEach(function (f) {
        var v = post.elements[f].value.trim();
        if (v !== "") row[f] = v;
      });
      var token = await csrf();
      var r = await fetch("/api/v1/entries?" + langQuery(), {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": token }, body: JSON.stringify(row)
      });
      var body = {}; try { body = await r.json(); } catch (e) { }
      if (r.status === 200 || r.status === 201) {
        say(out, post.dataset.posted + " #" + (body.entry ? body.entry.id : ""), true);
        setTimeout(function () { location.reload(); }, 300);
        return;
      }
      say(out, problemText(body), false);
    });
  }

  var canvas = $("chart");
  if (canvas && window.Chart) {
    var d = canvas.dataset;
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: JSON.parse(d.labels),
        datasets: [
          { label: d.arrivedLabel, data: JSON.parse(d.arrived), borderColor: "#1f77b4", backgroundColor: "#1f77b4", tension: 0.1 },
          { label: d.executedLabel, data: JSON.parse(d.executed), borderColor: "#d62728", backgroundColor: "#d62728", tension: 0.1 },
          { label: d.budgetLabel, data: JSON.parse(d.budget), borderColor: "#888", backgroundColor: "#888", borderDash: [6, 4], pointRadius: 0 }
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 scales: { y: { beginAtZero: true, title: { display: true, text: d.unit } } } }
    });
  }

  var evalForm = $("eval-form");
  if (evalForm) {
    var lastFile = null;
    async function score(format) {
      var out = $("eval-result");
      var file = evalForm.elements.indicators.files[0];
      if (!file) { say(out, evalForm.dataset.needFile, false); return null; }
      var token = await csrf();
      var url = "/api/v1/projects/" + encodeURIComponent(evalForm.dataset.project) + "/evaluation?year=" +
                evalForm.dataset.year + "&format=" + format + (langQuery() ? "&" + langQuery() : "");
      var r = await fetch(url, { method: "POST", credentials: "same-origin",
                                 headers: { "Content-Type": "text/csv", "X-CSRF-Token": token }, body: file });
      if (!r.ok) { var b = {}; try { b = await r.json(); } catch (e) { } say(out, problemText(b), false); return null; }
      return r;
    }
    evalForm.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      var r = await score("table");
      if (r) { var out = $("eval-result"); out.className = "form"; out.textContent = await r.text(); $("eval-downloads").hidden = false; }
    });
    document.querySelectorAll("button[data-download]").forEach(function (b) {
      b.addEventListener("click", async function () {
        var fmt = b.dataset.download;
        var r = await score(fmt);
        if (!r) return;
        var blob = await r.blob();
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = evalForm.dataset.project + "-" + evalForm.dataset.year + (fmt === "md" ? "-自评报告.md" : "-绩效自评表.xlsx");
        document.body.appendChild(a); a.click(); a.remove();
      });
    });
  }
})();
