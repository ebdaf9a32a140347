/*
 * The questionnaire without a connection (issue 19). Progressive: without this script the
 * page posts its form as it always did; with it, Send posts the same fields with fetch and,
 * when the network is gone, keeps them on the device (localStorage) and sends them when it
 * comes back. Every submission keeps the client submission id the server drew for it, so a
 * resend is stored once: the server stays the authority and answers every send.
 *
 * Shared-device mode (?device=shared, a facilitator's tablet): after each girl the form is
 * emptied (and so is what the browser would restore), and the next girl gets the next
 * server-drawn id of the page's spare ids. Submissions the server refuses (the link closed
 * meanwhile, an answer it does not accept) stay on the device with a message for the
 * facilitator: nothing is silently lost.
 *
 * No inline script or style, no other site: CSP-compatible (script-src 'self').
 */
(function () {
  "use strict";
  var form = document.querySelector("form.questionnaire[data-queue]");
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) return;
  var storage;
  try {
    storage = window.localStorage;
    storage.setItem("copgirls.probe", "1");
    storage.removeItem("copgirls.probe");
  } catch (error) {
    return; // no storage (private mode, blocked): the form posts as without JavaScript
  }
  var QUEUE = "copgirls.queue.v1";
  var USED = "copgirls.used.v1";
  var SPARE = "copgirls.spare.v1";
  var RETRY_MS = 15000;
  var KEEP_DAYS = 30;
  var code = form.getAttribute("data-queue");
  var shared = form.getAttribute("data-shared") === "1";
  var idField = form.elements.namedItem("client_submission_id");
  var sealField = form.elements.namedItem("submission_seal");
  var messages = document.getElementById("offline-messages");
  var status = document.getElementById("offline-status");
  var busy = false;
  var flushing = false;
  var bypass = false;
  var lastMessage = "";

  function text(name) {
    var node = messages && messages.querySelector('[data-message="' + name + '"]');
    return node ? node.textContent.trim() : "";
  }
  function read(key, fallback) {
    try {
      var value = JSON.parse(storage.getItem(key));
      return value === null ? fallback : value;
    } catch (error) {
      return fallback;
    }
  }
  function write(key, value) {
    try {
      storage.setItem(key, JSON.stringify(value));
      return true;
    } catch (error) {
      return false;
    }
  }

  // --- Submission ids: the server's, each used once -------------------------------------
  // A spare is "id:seal": the id with the portal's seal of it (issue 15), both sent.
  function idOf(token) { return String(token || "").split(":")[0]; }
  function assign(token) {
    var parts = String(token).split(":");
    idField.value = parts[0];
    if (sealField) sealField.value = parts[1] || "";
  }
  function used() { return read(USED, []); }
  function markUsed(id) {
    var ids = used().filter(function (other) { return other !== id; });
    ids.push(id);
    write(USED, ids.slice(-1000));
  }
  function spares() {
    var pool = read(SPARE, {});
    var taken = used();
    var fresh = (form.getAttribute("data-spare-ids") || "").split(" ");
    var mine = (pool[code] || []).concat(fresh).filter(function (id, index, all) {
      return (
        id && all.indexOf(id) === index && taken.indexOf(idOf(id)) < 0 &&
        idOf(id) !== idField.value
      );
    });
    pool[code] = mine.slice(-200);
    write(SPARE, pool);
    return pool[code];
  }
  function nextId() {
    var pool = read(SPARE, {});
    var mine = spares();
    var id = mine.shift();
    pool[code] = mine;
    write(SPARE, pool);
    if (id) return id;
    // Spares used up without a connection: a random id, as the form's contract allows.
    return window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID() : idField.value;
  }
  if (used().indexOf(idField.value) >= 0) assign(nextId());
  else spares();

  // --- The queue of submissions kept on the device ----------------------------------------
  function queue() { return read(QUEUE, []); }
  function keep(entry) {
    var entries = queue().filter(function (other) { return other.id !== entry.id; });
    entries.push(entry);
    return write(QUEUE, entries);
  }
  function forget(id) {
    write(QUEUE, queue().filter(function (entry) { return entry.id !== id; }));
  }

  function send(entry) {
    return fetch(entry.url, {
      method: "POST",
      body: entry.body,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      credentials: "same-origin",
      redirect: "follow",
    }).then(
      function (response) {
        // The thank-you is the POST's own answer (issue 19): it says it stored them.
        if (response.ok && response.headers.get("X-Submission-Stored") === "1") {
          return response.text().then(
            function (page) { return { sent: true, page: page }; },
            function () { return { sent: true, page: "" }; }
          );
        }
        return { status: response.status };
      },
      function () { return { offline: true }; }
    );
  }

  function held(status) {
    if (status === 410 || status === 404) return "closed";
    if (status === 429 || status === 503 || status >= 500) return ""; // try again later
    return "refused";
  }

  function flush() {
    if (flushing) return;
    var pending = queue().filter(function (entry) { return entry.state === "queued"; });
    if (!pending.length) { render(); return; }
    flushing = true;
    var sentAny = false;
    var step = function (index) {
      if (index >= pending.length) return Promise.resolve();
      var entry = pending[index];
      return send(entry).then(function (outcome) {
        if (outcome.sent) {
          forget(entry.id);
          sentAny = true;
          return step(index + 1);
        }
        if (outcome.offline) return null;
        var state = held(outcome.status);
        if (!state) return null;
        entry.state = state;
        keep(entry);
        lastMessage = ""; // what it said when it kept them is no longer true
        return step(index + 1);
      });
    };
    step(0).then(function () {
      flushing = false;
      if (sentAny && !queue().length) lastMessage = text("all-sent");
      render();
    });
  }

  // --- What the page says --------------------------------------------------------------
  function paragraph(content, className) {
    var p = document.createElement("p");
    p.textContent = content;
    if (className) p.className = className;
    return p;
  }
  function render() {
    if (!status) return;
    var entries = queue();
    var waiting = entries.filter(function (entry) { return entry.state === "queued"; }).length;
    var closed = entries.filter(function (entry) { return entry.state === "closed"; }).length;
    var refused = entries.filter(function (entry) { return entry.state === "refused"; }).length;
    while (status.firstChild) status.removeChild(status.firstChild);
    if (lastMessage) status.appendChild(paragraph(lastMessage, "offline-message"));
    if (waiting) {
      var line = paragraph(text("waiting") + " ");
      var count = document.createElement("strong");
      count.className = "offline-count";
      count.textContent = String(waiting);
      line.appendChild(count);
      status.appendChild(line);
    }
    if (closed) status.appendChild(paragraph(text("held-closed") + " (" + closed + ")", "offline-held"));
    if (refused) status.appendChild(paragraph(text("held-refused") + " (" + refused + ")", "offline-held"));
    if (closed || refused) {
      var until = entries
        .filter(function (entry) { return entry.state !== "queued" && entry.keepUntil; })
        .map(function (entry) { return entry.keepUntil; })
        .sort()[0];
      if (until) {
        var date = new Date(until);
        var shown;
        try {
          shown = date.toLocaleDateString(document.documentElement.lang || undefined, {
            day: "numeric", month: "long", year: "numeric",
          });
        } catch (error) {
          shown = until.slice(0, 10);
        }
        var kept = paragraph(text("kept-until") + " ", "offline-kept");
        var when = document.createElement("time");
        when.setAttribute("datetime", until.slice(0, 10));
        when.textContent = shown;
        kept.appendChild(when);
        status.appendChild(kept);
      }
      var again = document.createElement("button");
      again.type = "button";
      again.className = "button button-secondary";
      again.textContent = text("send-again");
      again.addEventListener("click", function () {
        write(QUEUE, queue().map(function (entry) { entry.state = "queued"; return entry; }));
        lastMessage = "";
        flush();
      });
      status.appendChild(again);
    }
    status.hidden = !status.firstChild;
    if (waiting && !timer) timer = window.setInterval(flush, RETRY_MS);
    if (!waiting && timer) { window.clearInterval(timer); timer = null; }
  }
  var timer = null;

  function tell(name) {
    lastMessage = text(name);
    render();
    if (status) {
      status.scrollIntoView({ block: "start" });
      status.focus();
    }
  }

  /** Her thank-you page (with her code to write down) in place of the questionnaire: it
   * is never at an address of its own, so that the code is in no URL and no history. */
  function showPage(page) {
    if (!page) { form.reset(); tell("sent-shared"); return; }
    document.open();
    document.write(page);
    document.close();
  }

  // --- The form ------------------------------------------------------------------------
  function complete() {
    if (!form.elements.namedItem("assent").checked) return false;
    if (!form.querySelector('input[name="age_band"]:checked')) return false;
    if (!form.elements.namedItem("memorable_code").value.trim()) return false;
    var questions = form.querySelectorAll("fieldset.question");
    for (var i = 0; i < questions.length; i += 1) {
      var radios = questions[i].querySelectorAll('input[type="radio"]');
      if (radios.length && !questions[i].querySelector('input[type="radio"]:checked')) return false;
    }
    return true;
  }

  /** Nothing of the girl before stays on the page, nor in what a reset or reload restores. */
  function emptyForm() {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.type === "radio" || field.type === "checkbox") {
        field.checked = false;
        field.defaultChecked = false;
      } else if (field.type === "text" || field.tagName === "TEXTAREA") {
        field.value = "";
        field.defaultValue = "";
      }
      field.removeAttribute("aria-invalid");
    });
    var stale = document.querySelectorAll("main .error-summary, form.questionnaire .field-error");
    Array.prototype.forEach.call(stale, function (node) { node.parentNode.removeChild(node); });
    Array.prototype.forEach.call(form.querySelectorAll(".has-error"), function (node) {
      node.classList.remove("has-error");
    });
    assign(nextId());
  }

  form.addEventListener("submit", function (event) {
    if (bypass) return;
    var submitter = event.submitter;
    if (submitter && submitter.name === "switch_lang") return; // the page in another language
    event.preventDefault();
    if (busy) return;
    busy = true;
    var entry = {
      id: idField.value,
      url: form.action || window.location.href,
      body: new URLSearchParams(new FormData(form)).toString(),
      state: "queued",
      // Kept on the device at least until then, whatever the portal answers (a closed
      // link, a refusal): nothing is dropped without the facilitator seeing it.
      keepUntil: new Date(Date.now() + KEEP_DAYS * 86400000).toISOString(),
    };
    send(entry).then(function (outcome) {
      busy = false;
      if (outcome.sent) {
        markUsed(entry.id);
        forget(entry.id);
        if (!shared) { showPage(outcome.page); return; }
        emptyForm();
        tell("sent-shared");
        flush();
        return;
      }
      // No network, or the portal's database out for a moment (503): kept on the device.
      if (outcome.offline || outcome.status === 503) {
        if (!complete()) { tell("incomplete"); return; }
        markUsed(entry.id);
        if (!keep(entry)) { tell("no-room"); return; }
        if (shared) emptyForm();
        tell(shared ? "queued-shared" : "queued");
        return;
      }
      // The server answered with a page of its own (an answer to fix, a closed link, a busy
      // moment): show it as it would without JavaScript, her answers in it.
      bypass = true;
      form.submit();
    });
  });

  // --- The page itself opens without a connection (the service worker serves it) --------
  if (form.getAttribute("data-fresh") === "1" && window.caches && navigator.serviceWorker) {
    var page = "<!doctype html>\n" + document.documentElement.outerHTML;
    var assets = [];
    Array.prototype.forEach.call(document.querySelectorAll('link[rel="stylesheet"], script[src]'),
      function (node) { assets.push(node.href || node.src); });
    navigator.serviceWorker.register(form.getAttribute("data-service-worker"), { scope: form.getAttribute("data-scope") })
      .then(function () { return caches.open("copgirls-participant-v1"); })
      .then(function (cache) {
        var headers = { "Content-Type": "text/html; charset=utf-8" };
        return cache.put(window.location.href, new Response(page, { headers: headers })).then(function () {
          return Promise.all(assets.map(function (asset) {
            // From the browser's own cache where it holds the file (it has just loaded it):
            // the offline copy costs the phone no second download.
            return cache.match(asset).then(function (hit) {
              return hit || cache.add(new Request(asset, { cache: "force-cache" }));
            });
          }));
        });
      })
      .catch(function () { /* the page still works while the connection lasts */ });
  }

  window.addEventListener("online", flush);
  render();
  flush();
})();
