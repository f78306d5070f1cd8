// agora's web UI script: progressive only; every form works without it.
// Actions happen in place, the compose counter counts live, and new posts
// arrive through the stream, else every 15 s. Kept short: a timeline page
// with its CSS and JS has a byte budget (TestTimelineSize).
"use strict";
(function () {
var d = document, live = d.getElementById("live");
function say(t) { if (live) { live.textContent = ""; live.textContent = t; } }

// The browser's time zone, for dates when the reader chose none.
try {
var tz = "tz=" + encodeURIComponent(Intl.DateTimeFormat().resolvedOptions().timeZone);
if (d.cookie.indexOf(tz) < 0) d.cookie = tz + ";path=/;max-age=31536000;samesite=lax";
} catch (e) {}

// Animations (gifv) play, muted and looping, unless motion is reduced.
if (!matchMedia("(prefers-reduced-motion: reduce)").matches)
d.querySelectorAll("video.gifv").forEach(function (v) { v.autoplay = true; v.play().catch(function () {}); });

// Buttons under a status (no form token: the browser's Origin and
// Sec-Fetch-Site headers vouch for it) and follow buttons: sent with
// fetch, updated in place.
d.addEventListener("submit", function (e) {
var f = e.target, b = e.submitter, st = f.classList.contains("actions");
if ((!st && !f.classList.contains("follow")) || !window.fetch) return;
if (st && b && b.dataset.confirm && !confirm(b.dataset.confirm)) { e.preventDefault(); return; }
// Deleting and hiding go through the page.
if (st && (!b || /delete|hide/.test(b.value))) return;
e.preventDefault();
var data = new FormData(f);
if (b && b.name) data.append(b.name, b.value);
if (b) b.disabled = true;
fetch(f.action, { method: "POST", body: new URLSearchParams(data), headers: { Accept: "application/json" }, credentials: "same-origin" })
.then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || r.status); return j; }); })
.then(function (j) {
if (st) {
b.value = (j.pressed ? "un" : "") + b.value.replace(/^un/, "");
b.setAttribute("aria-pressed", !!j.pressed);
var n = b.querySelector("span");
if (n && typeof j.count == "number") n.textContent = j.count.toLocaleString(d.documentElement.lang);
} else {
f.querySelector("input[name=value]").value = j.pressed ? "0" : "1";
b.textContent = j.label;
b.classList.toggle("secondary", j.pressed);
say(j.label);
}
})
.catch(function (err) { say(String(err.message || err)); })
.then(function () { if (b) { b.disabled = false; b.focus(); } });
});

// Live character count of the compose box.
var box = d.getElementById("status"), count = d.getElementById("status-count");
if (box && count && box.dataset.max) {
var up = function () { count.textContent = count.dataset.left.replace("%d", box.dataset.max - box.value.length); };
box.addEventListener("input", up);
up();
}

// New posts: pushed by the stream (SSE), else polled every 15 s.
var feed = d.querySelector("[data-poll]");
if (!feed || !window.fetch) return;
var refresh = function () {
var first = feed.querySelector("article[data-id]");
fetch(feed.dataset.poll + "?since_id=" + (first ? first.dataset.id : "0"), { credentials: "same-origin" })
.then(function (r) { return r.ok ? r.text() : ""; })
.then(function (html) {
var t = d.createElement("template");
t.innerHTML = html;
var n = t.content.querySelectorAll("article[data-id]").length, empty = feed.querySelector(".empty");
if (!n) return;
feed.querySelector("h2").after(t.content);
if (empty) empty.remove();
say(feed.dataset.new.replace("%d", n));
})
.catch(function () {});
};
var stream = { home: "user", local: "public/local", federated: "public" }[feed.dataset.poll.split("/").pop()], es = null, pending;
if (window.EventSource && stream) {
es = new EventSource("/api/v1/streaming/" + stream);
es.onopen = function () { feed.dataset.live = "1"; };
es.addEventListener("update", function () { clearTimeout(pending); pending = setTimeout(refresh, 250); });
}
setInterval(function () {
if (!d.hidden && !(es && es.readyState !== EventSource.CLOSED)) refresh();
}, 15000);
})();
