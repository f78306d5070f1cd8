// agora's web UI script: progressive only; every form works without it.
// Actions happen in place, the compose counter counts live, and new posts
// are fetched every 15 s (until the streaming API is used here).
"use strict";
(function () {
  var live = document.getElementById("live");

  // The browser's time zone, for dates when the reader chose none.
  try {
    var tz = "tz=" + encodeURIComponent(Intl.DateTimeFormat().resolvedOptions().timeZone);
    if (document.cookie.indexOf(tz) < 0) document.cookie = tz + ";path=/;max-age=31536000;samesite=lax";
  } catch (e) {}

  // Animations (gifv) play, muted and looping, unless motion is reduced.
  if (!matchMedia("(prefers-reduced-motion: reduce)").matches) {
    document.querySelectorAll("video.gifv").forEach(function (v) { v.autoplay = true; v.play().catch(function () {}); });
  }
  function say(text) { if (live) { live.textContent = ""; live.textContent = text; } }

  // Buttons under a status: send the form with fetch, update in place.
  document.addEventListener("submit", function (e) {
    var form = e.target, btn = e.submitter;
    var status = form.classList.contains("actions"), follow = form.classList.contains("follow");
    if ((!status && !follow) || !window.fetch) return;
    if (status && btn && btn.dataset.confirm && !window.confirm(btn.dataset.confirm)) { e.preventDefault(); return; }
    if (status && (!btn || /delete|hide/.test(btn.value))) return; // deleting and hiding go through the page
    e.preventDefault();
    var data = new FormData(form);
    if (btn && btn.name) data.append(btn.name, btn.value);
    if (btn) btn.disabled = true;
    fetch(form.action, { method: "POST", body: new URLSearchParams(data), headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || r.status); return j; }); })
      .then(function (j) {
        if (status) {
          var kind = btn.value.replace(/^un/, "");
          btn.value = (j.pressed ? "un" : "") + kind;
          btn.setAttribute("aria-pressed", j.pressed ? "true" : "false");
          var n = btn.querySelector("span");
          if (n && typeof j.count === "number") n.textContent = j.count.toLocaleString(document.documentElement.lang);
        } else {
          form.querySelector("input[name=value]").value = j.pressed ? "0" : "1";
          btn.textContent = j.label;
          btn.classList.toggle("secondary", j.pressed);
          say(j.label);
        }
      })
      .catch(function (err) { say(String(err.message || err)); })
      .then(function () { if (btn) { btn.disabled = false; btn.focus(); } });
  });

  // Live character count of the compose box.
  var box = document.getElementById("status"), count = document.getElementById("status-count");
  if (box && count && box.dataset.max) {
    var max = +box.dataset.max, tpl = count.dataset.left;
    var update = function () { count.textContent = tpl.replace("%d", max - box.value.length); };
    box.addEventListener("input", update);
    update();
  }

  // New posts: pushed by the stream (SSE), else polled every 15 s.
  var feed = document.querySelector("[data-poll]");
  if (feed && window.fetch) {
    var refresh = function () {
      var first = feed.querySelector("article[data-id]");
      var since = first ? first.dataset.id : "0";
      fetch(feed.dataset.poll + "?since_id=" + since, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          if (!html.trim()) return;
          var tpl = document.createElement("template");
          tpl.innerHTML = html;
          var n = tpl.content.querySelectorAll("article[data-id]").length;
          if (!n) return;
          var heading = feed.querySelector("h2");
          heading.after(tpl.content);
          var empty = feed.querySelector(".empty");
          if (empty) empty.remove();
          say(feed.dataset.new.replace("%d", n));
        })
        .catch(function () {});
    };
    var streams = { home: "user", local: "public/local", federated: "public" };
    var stream = streams[feed.dataset.poll.split("/").pop()];
    var live = null, pending = null;
    if (window.EventSource && stream) {
      live = new EventSource("/api/v1/streaming/" + stream);
      live.onopen = function () { feed.dataset.live = "1"; };
      live.addEventListener("update", function () {
        clearTimeout(pending);
        pending = setTimeout(refresh, 250);
      });
    }
    setInterval(function () {
      if (document.hidden) return;
      if (live && live.readyState !== EventSource.CLOSED) return;
      refresh();
    }, 15000);
  }
})();
