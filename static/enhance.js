// Only enhances: every page works without it.
//
// The answers travel in each page's form, so every step is a POST. Without this script the
// browser's Back button would ask to resubmit a form. With it, a form is sent with fetch, the
// page it returns is shown in place and added to the browser's history, and Back and Forward
// show the pages kept in this tab's memory. Nothing is written anywhere: history entries hold
// only a number, and the pages are forgotten when the tab closes or reloads.
(function () {
  "use strict";
  var pages = new Map();  // history number -> page HTML, for this tab only
  var next = 1;
  var KEEP = 200;

  // The caseworker's workspace: results (and the chart, and the what-if table) follow the answers as
  // they change, without leaving the field being typed in. "Update results" still shows new questions.
  var refreshing = null;
  function refreshWorkspace(form) {
    if (!window.fetch) { return; }
    if (refreshing) { clearTimeout(refreshing); }
    refreshing = setTimeout(function () {
      refreshing = null;
      if (!document.body.contains(form)) { return; }  // the page has moved on (submitted)
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html || !document.body.contains(form)) { return; }  // a late answer for a page now gone
          var doc = new DOMParser().parseFromString(html, "text/html");
          [".workspace-results", "section.cliff", ".whatif-table"].forEach(function (selector) {
            var now = document.querySelector(selector), then = doc.querySelector(selector);
            if (now && then) { now.replaceWith(document.adoptNode(then)); }
          });
          var answers = doc.querySelector("#workspace input[name=answers]");
          var mine = form.querySelector("input[name=answers]");
          if (answers && mine) { mine.value = answers.value; }
        })
        .catch(function () { /* the Update button still works */ });
    }, 400);
  }

  function enhance() {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
    var workspace = document.getElementById("workspace");
    if (workspace) {
      workspace.addEventListener("change", function () { refreshWorkspace(workspace); });
      workspace.addEventListener("submit", function () {  // the page itself is coming: no refresh after it
        if (refreshing) { clearTimeout(refreshing); refreshing = null; }
      });
    }
    var printButton = document.querySelector(".print-button");
    if (printButton) {
      printButton.hidden = false;
      printButton.addEventListener("click", function () { window.print(); });
    }
  }

  function show(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    document.title = doc.title;
    document.documentElement.lang = doc.documentElement.lang;
    document.documentElement.dir = doc.documentElement.dir;
    document.body.replaceWith(document.adoptNode(doc.body));
    window.scrollTo(0, 0);
    enhance();
    if (!document.querySelector(".error-summary")) {
      var main = document.getElementById("main");
      if (main) { main.focus({ preventScroll: true }); }
    }
  }

  function remember(html, url) {
    var number = next++;
    pages.set(number, html);
    if (pages.size > KEEP) { pages.delete(pages.keys().next().value); }
    history.pushState({ page: number }, "", url);
  }

  function sentInPlace(form, submitter) {
    var action = (submitter && submitter.getAttribute("formaction")) || form.getAttribute("action") || "";
    // Downloads (Save my answers) and uploads go the ordinary way.
    return form.method.toLowerCase() === "post" && form.enctype !== "multipart/form-data" &&
      !/\/save$/.test(action);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    if (!window.fetch || !sentInPlace(form, submitter)) { return; }
    event.preventDefault();
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    // A button's formAction is the page's own address when it has no formaction attribute.
    var action = submitter && submitter.hasAttribute("formaction") ? submitter.formAction : form.action;
    fetch(action, { method: "POST", body: new URLSearchParams(data), credentials: "omit", cache: "no-store" })
      .then(function (response) {
        return response.text().then(function (html) { return { url: response.url, html: html }; });
      })
      .then(function (page) {
        show(page.html);
        remember(page.html, page.url);
      })
      .catch(function () { form.submit(); });  // the ordinary way, if anything goes wrong
  });

  window.addEventListener("popstate", function (event) {
    var number = event.state && event.state.page;
    if (typeof number !== "number") { return; }  // a link within the page (#main), not one of ours
    if (pages.has(number)) {
      show(pages.get(number));
      return;
    }
    // A page no longer kept (the tab was reloaded): go back the way the page itself offers.
    var back = document.querySelector("form.back-form");
    var button = document.querySelector(".back-form button[form]");
    if (back) { back.submit(); } else if (button) { button.click(); } else { window.location.reload(); }
  });

  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });

  document.addEventListener("DOMContentLoaded", function () {
    pages.set(0, document.documentElement.outerHTML);
    history.replaceState({ page: 0 }, "");
    enhance();
  });
})();
