import HTTPTypes
import Hummingbird
import NIOCore

/// The web page the server serves at `/`: plain HTML, its style and a little JavaScript, no build
/// step and no request but to this server. It asks the same API as any client: the tracks as of
/// a day and as known on a day, a track's events and its timeline (the report's chart), an event
/// with each source's quote shown in its article, and, for editors, the review queue and a form
/// to add an article. A token is kept for the browser session only (sessionStorage) and sent in
/// the Authorization header, never in a cookie: another site cannot make a signed-in browser
/// write. Every text from the log is set with `textContent`, never parsed as markup.
enum WebPage {
    static func response() -> Response {
        Response(status: .ok, headers: [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-cache",
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            .xContentTypeOptions: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Parley</title>
        <style>
        :root { color-scheme: light; --ink: #1b1f24; --muted: #4f5862; --rule: #d5d9de; --panel: #f6f7f8; --focus: #0b57d0; --good: #1d6b36; --bad: #a3231b; }
        * { box-sizing: border-box; }
        body { margin: 0; color: var(--ink); background: #fff; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", "DejaVu Sans", Arial, sans-serif; }
        header { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; padding: 10px 16px; border-bottom: 1px solid var(--rule); background: var(--panel); }
        header h1 { font-size: 20px; margin: 0; }
        header .head { color: var(--muted); font-size: 13px; font-family: ui-monospace, Menlo, Consolas, monospace; }
        header .spacer { flex: 1; }
        main { max-width: 1100px; margin: 0 auto; padding: 8px 16px 48px; }
        section { margin: 18px 0; }
        h2 { font-size: 18px; margin: 0 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
        label { font-size: 14px; }
        input, select, textarea, button { font: inherit; font-size: 15px; }
        input, select, textarea { border: 1px solid #9aa3ad; border-radius: 4px; padding: 4px 6px; max-width: 100%; }
        textarea { width: 100%; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
        button { border: 1px solid #5b6570; background: #fff; border-radius: 4px; padding: 4px 10px; cursor: pointer; }
        button.primary { background: #0b57d0; border-color: #0b57d0; color: #fff; }
        button:disabled { opacity: 0.5; cursor: default; }
        :focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
        .controls { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: end; }
        .controls > div { display: flex; flex-direction: column; min-width: 0; max-width: 100%; }
        #add-url, #add-title-input, #token { width: 24em; max-width: 100%; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: 14px; }
        th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--rule); }
        thead th { background: var(--panel); }
        .status { display: inline-block; padding: 0 6px; border-radius: 3px; background: #e8ecf0; font-weight: 600; }
        .status[data-status="in-effect"], .status[data-status="accepted"] { background: #d7efdd; color: var(--good); }
        .status[data-status="violated"], .status[data-status="rejected"] { background: #f7dcd9; color: var(--bad); }
        .status[data-status="ended"] { background: #e2e2e2; }
        ul.events { list-style: none; padding: 0; margin: 0; }
        ul.events li { border-bottom: 1px solid var(--rule); }
        ul.events button { border: none; background: none; width: 100%; text-align: left; padding: 6px 4px; border-radius: 0; }
        ul.events button:hover { background: var(--panel); }
        .muted { color: var(--muted); font-size: 14px; }
        .article-text { white-space: pre-wrap; border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px; max-height: 340px; overflow: auto; background: #fcfcfd; font-size: 15px; }
        mark { background: #ffe58a; padding: 0 1px; }
        .draft { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px; margin: 10px 0; }
        .draft .actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
        .message { min-height: 1.5em; font-size: 14px; }
        .message.error { color: var(--bad); }
        .message.ok { color: var(--good); }
        iframe.chart { width: 100%; height: 70vh; border: 1px solid var(--rule); border-radius: 6px; }
        [hidden] { display: none !important; }
        @media (max-width: 600px) { body { font-size: 15px; } header h1 { font-size: 18px; } main { padding: 4px 10px 40px; } }
        </style>
        </head>
        <body>
        <header>
          <h1 data-t="title">Parley</h1>
          <span class="head" id="head" aria-live="polite"></span>
          <span class="spacer"></span>
          <label><span data-t="language">Language</span>
            <select id="language"><option value="en">English</option><option value="fr">Français</option></select></label>
          <span id="who" class="muted"></span>
          <button id="sign-in" type="button" data-t="signIn">Sign in</button>
          <button id="sign-out" type="button" data-t="signOut" hidden>Sign out</button>
        </header>
        <main>
          <section id="token-panel" hidden aria-labelledby="token-title">
            <h2 id="token-title" data-t="signIn">Sign in</h2>
            <p class="muted" data-t="tokenHelp">Paste your token. It is kept for this browser session only.</p>
            <div class="controls">
              <div><label for="token" data-t="token">Token</label><input id="token" type="password" autocomplete="off"></div>
              <button id="token-save" type="button" class="primary" data-t="signIn">Sign in</button>
            </div>
          </section>
          <p id="message" class="message" role="status" aria-live="polite"></p>

          <section aria-labelledby="state-title">
            <h2 id="state-title" data-t="stateTitle">The tracks</h2>
            <div class="controls">
              <div><label for="as-of" data-t="asOf">As of</label><input id="as-of" type="date"></div>
              <div><label for="known-on" data-t="knownOn">As known on</label><input id="known-on" type="date"></div>
              <button id="show-state" type="button" class="primary" data-t="show">Show</button>
            </div>
            <div class="scroll"><table id="state-table">
              <thead><tr><th data-t="track">Track</th><th data-t="status">Status</th><th data-t="since">Since</th><th data-t="proposal">Proposal</th><th data-t="sources">Sources</th><th></th></tr></thead>
              <tbody></tbody>
            </table></div>
          </section>

          <section id="track-section" aria-labelledby="track-title" hidden>
            <h2 id="track-title"></h2>
            <ul class="events" id="track-events"></ul>
            <p><button id="show-chart" type="button" data-t="showChart">Show the timeline chart</button></p>
            <iframe class="chart" id="chart" title="Timeline" hidden></iframe>
          </section>

          <section id="event-section" aria-labelledby="event-title" hidden>
            <h2 id="event-title"></h2>
            <dl id="event-fields"></dl>
            <div id="event-sources"></div>
          </section>

          <section id="review-section" aria-labelledby="review-title" hidden>
            <h2 id="review-title"><span data-t="reviewTitle">Drafts to review</span> (<span id="review-count">0</span>)</h2>
            <ul id="review-queue" class="events"></ul>
            <div id="review-drafts"></div>
          </section>

          <section id="add-section" aria-labelledby="add-title" hidden>
            <h2 id="add-title" data-t="addTitle">Add an article</h2>
            <div class="controls">
              <div><label for="add-url">URL</label><input id="add-url" type="url" required></div>
              <div><label for="add-outlet" data-t="outlet">Outlet</label><input id="add-outlet" required></div>
              <div><label for="add-title-input" data-t="titleField">Title</label><input id="add-title-input" required></div>
              <div><label for="add-published" data-t="published">Published</label><input id="add-published" type="date" required></div>
            </div>
            <p><label for="add-text" data-t="text">Text</label><textarea id="add-text" rows="8"></textarea></p>
            <button id="add-submit" type="button" class="primary" data-t="add">Add</button>
          </section>
        </main>
        <script>
        (function () {
          "use strict";
          var words = {
            en: { title: "Parley", language: "Language", signIn: "Sign in", signOut: "Sign out", token: "Token",
                  tokenHelp: "Paste your token. It is kept for this browser session only.", stateTitle: "The tracks",
                  asOf: "As of", knownOn: "As known on", show: "Show", track: "Track", status: "Status", since: "Since",
                  proposal: "Proposal", sources: "Sources", events: "Events", showChart: "Show the timeline chart",
                  reviewTitle: "Drafts to review", addTitle: "Add an article", outlet: "Outlet", titleField: "Title",
                  published: "Published", text: "Text", add: "Add", accept: "Accept", reject: "Reject", edit: "Save the edit",
                  source: "Same act as…", sourceOf: "Event it reports again", open: "Open", signedInAs: "signed in as",
                  notFound: "not found in the article", head: "log head", sourceIn: "Source", none: "none", drafts: "drafts",
                  done: "Done.", needToken: "Sign in with a token to read this log.", stale: "The log moved on: read again, then retry." },
            fr: { title: "Parley", language: "Langue", signIn: "Se connecter", signOut: "Se déconnecter", token: "Jeton",
                  tokenHelp: "Collez votre jeton. Il n'est gardé que pour cette session du navigateur.", stateTitle: "Les volets",
                  asOf: "Au", knownOn: "Tel que connu le", show: "Afficher", track: "Volet", status: "Statut", since: "Depuis",
                  proposal: "Proposition", sources: "Sources", events: "Événements", showChart: "Afficher la chronologie",
                  reviewTitle: "Brouillons à relire", addTitle: "Ajouter un article", outlet: "Média", titleField: "Titre",
                  published: "Publié le", text: "Texte", add: "Ajouter", accept: "Accepter", reject: "Rejeter", edit: "Enregistrer la modification",
                  source: "Même acte que…", sourceOf: "Événement rapporté à nouveau", open: "Ouvrir", signedInAs: "connecté en tant que",
                  notFound: "introuvable dans l'article", head: "tête du journal", sourceIn: "Source", none: "aucune", drafts: "brouillons",
                  done: "Fait.", needToken: "Connectez-vous avec un jeton pour lire ce journal.", stale: "Le journal a changé : relisez, puis réessayez." }
          };
          var $ = function (id) { return document.getElementById(id); };
          var lang = localStorage.getItem("parley.language") || ((navigator.language || "en").slice(0, 2) === "fr" ? "fr" : "en");
          var token = sessionStorage.getItem("parley.token") || "";
          var head = null;
          function t(key) { return (words[lang] || words.en)[key] || words.en[key] || key; }
          function translate() {
            document.documentElement.lang = lang;
            $("language").value = lang;
            Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (node) { node.textContent = t(node.getAttribute("data-t")); });
          }
          function say(text, kind) { var m = $("message"); m.textContent = text || ""; m.className = "message " + (kind || ""); }
          function element(name, text, attributes) {
            var node = document.createElement(name);
            if (text !== undefined && text !== null) { node.textContent = String(text); }
            Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
            return node;
          }
          function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }
          function ask(path, options) {
            options = options || {};
            var headers = options.headers || {};
            if (token) { headers["Authorization"] = "Bearer " + token; }
            options.headers = headers;
            return fetch(path, options).then(function (response) {
              var tag = response.headers.get("ETag");
              var reported = response.headers.get("Parley-Head");
              if (reported) { head = { sequence: reported.split(" ")[0], hash: reported.split(" ")[1], tag: tag }; showHead(); }
              var type = response.headers.get("Content-Type") || "";
              var body = type.indexOf("json") >= 0 ? response.json() : response.text();
              return body.then(function (value) {
                if (!response.ok) {
                  var error = new Error(value && value.error ? value.error.message : String(response.status));
                  error.status = response.status;
                  throw error;
                }
                return value;
              });
            });
          }
          function write(path, payload) {
            var headers = { "Content-Type": "application/json" };
            if (head && head.hash) { headers["If-Match"] = "\\"" + head.hash + "\\""; }
            return ask(path, { method: "POST", headers: headers, body: JSON.stringify(payload) });
          }
          function failed(error) {
            if (error.status === 401 && !token) { say(t("needToken"), "error"); $("token-panel").hidden = false; return; }
            say(error.status === 412 ? t("stale") : error.message, "error");
          }
          function showHead() { if (head) { $("head").textContent = t("head") + " " + head.sequence + " · " + head.hash.slice(0, 12) + "…"; } }
          function query() {
            var parts = [];
            if ($("as-of").value) { parts.push("as_of=" + encodeURIComponent($("as-of").value)); }
            if ($("known-on").value) { parts.push("known_on=" + encodeURIComponent($("known-on").value)); }
            return parts.join("&");
          }

          function showState() {
            return ask("/v1/state?" + query()).then(function (answer) {
              var body = clear(document.querySelector("#state-table tbody"));
              answer.tracks.forEach(function (s) {
                var row = element("tr", null, { id: "track-" + s.track, "data-track": s.track, "data-status": s.status });
                row.appendChild(element("th", s.track, { scope: "row" }));
                var status = element("td");
                status.appendChild(element("span", s.status, { "class": "status", "data-status": s.status }));
                row.appendChild(status);
                row.appendChild(element("td", s.statusSince || ""));
                row.appendChild(element("td", s.proposal || t("none")));
                row.appendChild(element("td", s.sources, { "class": "sources" }));
                var open = element("td");
                var button = element("button", t("events"), { type: "button", "aria-label": t("events") + ": " + s.track });
                button.addEventListener("click", function () { showTrack(s.track); });
                open.appendChild(button);
                row.appendChild(open);
                body.appendChild(row);
              });
              say("");
            }).catch(failed);
          }

          var currentTrack = null;
          function showTrack(track) {
            currentTrack = track;
            return ask("/v1/timeline?track=" + encodeURIComponent(track) + "&" + query()).then(function (answer) {
              $("track-section").hidden = false;
              $("track-title").textContent = track;
              $("chart").hidden = true;
              var list = clear($("track-events"));
              answer.steps.forEach(function (step) {
                var item = element("li");
                var button = element("button", step.on + " · " + step.type + " · " + (step.actor || "") + " → " + step.status + " · " + step.id,
                                     { type: "button", "data-event": step.id });
                button.addEventListener("click", function () { showEvent(step.id); });
                item.appendChild(button);
                list.appendChild(item);
              });
            }).catch(failed);
          }

          function showChart() {
            var parts = [query(), "embed=true", "language=" + lang];
            return ask("/v1/report.html?" + parts.filter(Boolean).join("&")).then(function (page) {
              var frame = $("chart");
              frame.srcdoc = page;
              frame.hidden = false;
            }).catch(failed);
          }

          function showEvent(id) {
            return ask("/v1/events/" + encodeURIComponent(id)).then(function (answer) {
              $("event-section").hidden = false;
              $("event-title").textContent = answer.id + " (" + answer.type + ")";
              var fields = clear($("event-fields"));
              ["on", "actor", "counterparts", "tracks", "proposal", "place", "reviewed-by"].forEach(function (key) {
                var value = answer.event[key];
                if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) { return; }
                fields.appendChild(element("dt", key));
                fields.appendChild(element("dd", Array.isArray(value) ? value.join(", ") : value));
              });
              var sources = clear($("event-sources"));
              return Promise.all(answer.sources.map(function (source) {
                var box = element("div", null, { "class": "source", "data-article": source.article });
                box.appendChild(element("h3", t("sourceIn") + ": " + source.article + (source.outlet ? " — " + source.outlet : "") + (source.published ? ", " + source.published : "")));
                sources.appendChild(box);
                return ask("/v1/articles/" + encodeURIComponent(source.article)).then(function (article) {
                  box.appendChild(quoted(article.text || "", source.quote || ""));
                });
              }));
            }).then(function () {
              var mark = document.querySelector("#event-sources mark");
              if (mark) { mark.scrollIntoView({ block: "nearest" }); }
              $("event-section").scrollIntoView({ block: "start" });
            }).catch(failed);
          }

          function quoted(text, quote) {
            var box = element("div", null, { "class": "article-text", tabindex: "0" });
            var at = quote ? text.indexOf(quote) : -1;
            if (at < 0) {
              box.appendChild(document.createTextNode(text));
              if (quote) { box.appendChild(element("p", "« " + quote + " » — " + t("notFound"), { "class": "muted" })); }
              return box;
            }
            box.appendChild(document.createTextNode(text.slice(0, at)));
            box.appendChild(element("mark", quote));
            box.appendChild(document.createTextNode(text.slice(at + quote.length)));
            return box;
          }

          function showQueue() {
            return ask("/v1/review").then(function (answer) {
              $("review-section").hidden = false;
              var total = answer.articles.reduce(function (n, a) { return n + Number(a.drafts); }, 0);
              $("review-count").textContent = String(total);
              var list = clear($("review-queue"));
              answer.articles.forEach(function (a) {
                var item = element("li");
                var button = element("button", a.article + " · " + a.drafts + " " + t("drafts"), { type: "button", "data-article": a.article });
                button.addEventListener("click", function () { showDrafts(a.article); });
                item.appendChild(button);
                list.appendChild(item);
              });
            }).catch(failed);
          }

          function showDrafts(article) {
            return ask("/v1/review/" + encodeURIComponent(article)).then(function (answer) {
              var box = clear($("review-drafts"));
              answer.drafts.forEach(function (draft) {
                var card = element("div", null, { "class": "draft", id: "draft-" + draft.id });
                card.appendChild(element("h3", draft.id));
                draft.comments.forEach(function (c) { card.appendChild(element("p", c, { "class": "muted" })); });
                if (draft.context) { card.appendChild(element("blockquote", draft.context)); }
                var area = element("textarea", draft.yaml, { rows: "8", "aria-label": draft.id });
                card.appendChild(area);
                var actions = element("div", null, { "class": "actions" });
                function act(label, payload) {
                  var button = element("button", t(label), { type: "button", "data-action": payload.action });
                  button.addEventListener("click", function () {
                    var body = payload.action === "edit" ? { action: "edit", yaml: area.value } : payload;
                    if (payload.action === "source") {
                      var target = window.prompt(t("sourceOf"));
                      if (!target) { return; }
                      body = { action: "source", of: target };
                    }
                    write("/v1/review/" + encodeURIComponent(article) + "/" + encodeURIComponent(draft.id), body).then(function () {
                      say(t("done"), "ok");
                      return Promise.all([showQueue(), showDrafts(article), showState()]);
                    }).catch(failed);
                  });
                  actions.appendChild(button);
                }
                act("accept", { action: "accept" });
                act("edit", { action: "edit" });
                act("reject", { action: "reject" });
                act("source", { action: "source" });
                card.appendChild(actions);
                box.appendChild(card);
              });
            }).catch(failed);
          }

          function addArticle() {
            var payload = { url: $("add-url").value, outlet: $("add-outlet").value, title: $("add-title-input").value,
                            published: $("add-published").value, text: $("add-text").value };
            return write("/v1/articles", payload).then(function (answer) {
              say(t("done") + " " + answer.article + " · " + answer.drafts + " " + t("drafts"), "ok");
              return showQueue();
            }).catch(failed);
          }

          function signedIn() {
            $("sign-in").hidden = !!token;
            $("sign-out").hidden = !token;
            $("token-panel").hidden = true;
            $("who").textContent = "";
            if (!token) { $("review-section").hidden = true; $("add-section").hidden = true; return Promise.resolve(); }
            return ask("/v1/whoami").then(function (me) {
              $("who").textContent = t("signedInAs") + " " + me.name + " (" + me.role + ")";
              var editor = me.role === "editor" || me.role === "admin";
              $("add-section").hidden = !editor;
              if (editor) { return showQueue(); }
            }).catch(failed);
          }

          $("language").addEventListener("change", function () { lang = $("language").value; localStorage.setItem("parley.language", lang); translate(); showHead(); });
          $("sign-in").addEventListener("click", function () { $("token-panel").hidden = false; $("token").focus(); });
          $("sign-out").addEventListener("click", function () { token = ""; sessionStorage.removeItem("parley.token"); signedIn(); });
          $("token-save").addEventListener("click", function () {
            token = $("token").value.trim();
            $("token").value = "";
            sessionStorage.setItem("parley.token", token);
            signedIn().then(showState);
          });
          $("token").addEventListener("keydown", function (e) { if (e.key === "Enter") { $("token-save").click(); } });
          $("show-state").addEventListener("click", showState);
          $("show-chart").addEventListener("click", showChart);
          $("add-submit").addEventListener("click", addArticle);
          translate();
          signedIn().then(showState);
        })();
        </script>
        </body>
        </html>
        """
}
