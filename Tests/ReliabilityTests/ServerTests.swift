import Foundation
import Testing
import TestSupport

/// `parley serve`, over real sockets on loopback, on a real log of the fixture corpus.
@Suite("The server", .serialized)
struct ServerTests {
    static let readPaths = [
        "/v1/head",
        "/v1/state?as_of=2025-03-20",
        "/v1/state?as_of=2025-03-20&known_on=2025-03-14&track=truce-30-day",
        "/v1/timeline?track=truce-30-day&as_of=2025-04-30",
        "/v1/audit?proposal=truce-30-day/us-jeddah",
        "/v1/diff?known_on=2025-03-13&to_known_on=2025-03-15",
        "/v1/events/us-proposes-temporary-truce-jeddah-000",
        "/v1/articles/000_a1eb357bfc15af74",
        "/v1/log?after=0&limit=5",
        "/v1/export.csv?from=2025-03-01&to=2025-03-31&every=week",
        "/v1/timeline.json?as_of=2025-12-31",
        "/v1/report.html?as_of=2025-04-12",
        "/v1/verify",
        "/v1/review",
        "/v1/whoami",
    ]

    @Test func everyReadEndpointAnswersWithTheHeadItWasComputedFrom() throws {
        let served = try ServedLog("parley-serve-read")
        let head = try served.head()
        for path in Self.readPaths {
            let answer = try served.request(path, token: served.reader)
            #expect(answer.status == 200, "\(path): \(answer)")
            #expect(answer.header("Parley-Head") == "\(head.sequence) \(head.hash)", "\(path)")
            if path.contains("json") || !(path.contains(".csv") || path.contains(".html") || path.contains("/v1/log")) {
                let object = try answer.json()
                if path != "/v1/timeline.json?as_of=2025-12-31" {
                    let answered = try #require(object["head"] as? [String: Any], "\(path)")
                    #expect(answered["hash"] as? String == head.hash, "\(path)")
                    for key in ["asOf", "knownOn"] { #expect(object.keys.contains(key), "\(path): no \(key)") }
                }
            }
            if !["/v1/verify", "/v1/review", "/v1/whoami"].contains(path) {
                // An answer for today (the audit's) adds the day to its tag.
                #expect(answer.header("ETag")?.hasPrefix("\"\(head.hash)") == true, "\(path): \(answer.header("ETag") ?? "no ETag")")
            }
        }
        // The same answers as the command line, from the same code.
        let state = try served.request("/v1/state?as_of=2025-03-20&known_on=2025-03-14&track=truce-30-day", token: served.reader)
        let cli = try ParleyTool.run(["state", "--db", served.db, "--as-of", "2025-03-20", "--known-on", "2025-03-14", "--track", "truce-30-day", "--json"],
                                     in: served.dir.path)
        #expect(state.body == cli.stdout)
        let event = try served.request("/v1/events/us-proposes-temporary-truce-jeddah-000", token: served.reader)
        #expect(event.body == (try ParleyTool.run(["show", "us-proposes-temporary-truce-jeddah-000", "--db", served.db, "--json"], in: served.dir.path)).stdout)
        // An article's text, with each quote found where it is.
        let article = try served.request("/v1/articles/000_a1eb357bfc15af74", token: served.reader).json()
        let text = try #require(article["text"] as? String)
        let quotes = try #require(article["quotes"] as? [[String: Any]])
        #expect(!quotes.isEmpty)
        let utf16 = Array(text.utf16)
        for quote in quotes {
            let (start, end) = (try #require(quote["start"] as? Int), try #require(quote["end"] as? Int))
            let found = String(decoding: utf16[start..<end], as: UTF16.self)
            let events = try #require(article["events"] as? [[String: Any]])
            #expect(events.contains { ($0["quote"] as? String) == found }, "\(found)")
        }
        // The log in pages of NDJSON, each line an entry in order.
        let page = try served.request("/v1/log?after=3&limit=4", token: served.reader)
        let lines = page.body.split(separator: "\n")
        #expect(lines.count == 4)
        let sequences = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["sequence"] as? Int }
        #expect(sequences == [4, 5, 6, 7])
        #expect(page.header("Parley-Next-After") == "7")
        #expect(try served.request("/v1/log?after=\(head.sequence - 2)", token: served.reader).header("Parley-Next-After") == nil)
    }

    @Test func readingNeedsATokenAndWritingAnEditorsToken() throws {
        let served = try ServedLog("parley-serve-auth")
        for path in ["/v1/state", "/v1/head", "/v1/feed", "/v1/log", "/v1/report.html"] {
            let answer = try served.request(path)
            #expect(answer.status == 401, "\(path): \(answer)")
            #expect(answer.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            #expect((try answer.json()["error"] as? [String: Any])?["status"] as? Int == 401)
        }
        // Liveness and metrics need no token, and say nothing of the log but its length.
        let health = try served.request("/healthz")
        #expect(try health.status == 200 && (health.json()["status"] as? String) == "ok", "\(health)")
        let metrics = try served.request("/metrics")
        #expect(metrics.status == 200 && metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
        #expect(metrics.body.contains("parley_log_sequence \(try served.head().sequence)"), "\(metrics.body.prefix(400))")
        #expect(metrics.body.contains("http_server_request_duration_count{http_route=\"/v1/state\""), "requests are counted")
        let forged = try served.request("/v1/state", token: "pt_" + String(repeating: "0", count: 48))
        #expect(forged.status == 401 && forged.body.contains("not known"), "\(forged)")
        #expect(try served.request("/v1/state", headers: ["Authorization": "Basic YWxpY2U6c2VjcmV0"]).status == 401)
        // A reader's token reads, but does not write.
        let weak = try served.write("/v1/retractions", #"{"target": "us-proposes-temporary-truce-jeddah-000", "reason": "test"}"#, token: served.reader)
        #expect(weak.status == 403, "\(weak)")
        #expect(weak.body.contains("desk-reader"))
        // A revoked token is refused at the next request.
        let revoked = try ServedLog.token("leaving", role: "editor", db: served.db, in: served.dir)
        #expect(try served.request("/v1/head", token: revoked).status == 200)
        try #require(try ParleyTool.run(["token", "revoke", "leaving", "--db", served.db], in: served.dir.path).succeeded)
        #expect(try served.request("/v1/head", token: revoked).status == 401)
        // The token file holds digests only, readable by its owner.
        let file = served.db + "/tokens.json"
        let saved = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!saved.contains(served.editor) && !saved.contains(served.reader))
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
        #expect(mode & 0o077 == 0, "tokens.json mode \(String(mode, radix: 8))")
        // --public-read opens reading, not writing.
        let open = try ServedLog("parley-serve-public", publicRead: true)
        #expect(try open.request("/v1/state?as_of=2025-03-20").status == 200)
        #expect(try open.request("/v1/retractions", method: "POST", headers: ["If-Match": "\"x\""], body: "{}").status == 401)
    }

    @Test func aStaleHeadIsRefusedWith412AndChangesNothing() throws {
        let served = try ServedLog("parley-serve-412")
        let before = try served.head()
        let files = try Self.snapshot(served)
        let body = #"{"target": "us-proposes-temporary-truce-jeddah-000", "reason": "a test of a stale head"}"#
        let stale = try served.write("/v1/retractions", body, ifMatch: "\"\(String(repeating: "ab", count: 32))\"")
        #expect(stale.status == 412, "\(stale)")
        #expect(try served.head() == before)
        #expect(try Self.snapshot(served) == files)
        // No If-Match at all: 428, nothing written.
        let blind = try served.request("/v1/retractions", method: "POST", token: served.editor, body: body)
        #expect(blind.status == 428, "\(blind)")
        #expect(try served.head() == before && (try Self.snapshot(served)) == files)
        // A write the checks refuse (an unknown field) leaves the files as they were, too.
        let refused = try served.write("/v1/corrections", #"{"target": "us-proposes-temporary-truce-jeddah-000", "reason": "r", "set": {"colour": "red"}}"#)
        #expect(refused.status == 422 || refused.status == 400, "\(refused)")
        #expect(try served.head() == before && (try Self.snapshot(served)) == files)
        // With the current head, the same write is taken, recorded once, with the token's name.
        let taken = try served.write("/v1/retractions", body)
        #expect(taken.status == 201, "\(taken)")
        let after = try served.head()
        #expect(after.sequence == before.sequence + 1)
        #expect(taken.header("ETag") == "\"\(after.hash)\"")
        let show = try ParleyTool.run(["show", "us-proposes-temporary-truce-jeddah-000", "--db", served.db, "--json"], in: served.dir.path)
        #expect(show.stdout.contains("\"retracted\" : true"), "\(show)")
        let log = try ParleyTool.run(["log", "--db", served.db, "--type", "retraction", "--notes"], in: served.dir.path)
        #expect(log.stdout.contains("a test of a stale head"), "\(log)")
        #expect(try ParleyTool.run(["verify", "--db", served.db], in: served.dir.path).succeeded)
    }

    @Test func aMatchingETagGets304() throws {
        let served = try ServedLog("parley-serve-304")
        let first = try served.request("/v1/state?as_of=2025-03-20", token: served.reader)
        let tag = try #require(first.header("ETag"))
        let again = try served.request("/v1/state?as_of=2025-03-20", token: served.reader, headers: ["If-None-Match": tag])
        #expect(again.status == 304 && again.body.isEmpty, "\(again)")
        #expect(again.header("ETag") == tag)
        // Once the log grows, the same tag no longer matches.
        try #require(try served.write("/v1/retractions", #"{"target": "us-proposes-temporary-truce-jeddah-000", "reason": "r"}"#).status == 201)
        let changed = try served.request("/v1/state?as_of=2025-03-20", token: served.reader, headers: ["If-None-Match": tag])
        #expect(changed.status == 200 && changed.header("ETag") != tag)
        // Without an as-of day the answer is today's: its tag says so.
        let today = try served.request("/v1/state", token: served.reader)
        #expect(today.header("ETag")?.contains("-20") == true, "\(today.header("ETag") ?? "")")
    }

    @Test func theFeedDeliversAppendedEntriesInOrderAfterAReconnect() throws {
        let served = try ServedLog("parley-serve-feed")
        let start = try served.head().sequence
        // Catch up from a sequence.
        let first = try FeedFollower(port: served.port, path: "/v1/feed?after=\(start - 3)", token: served.reader)
        #expect(first.status == 200)
        let caughtUp = first.entries(3)
        #expect(caughtUp.map(\.id) == [UInt64(start - 2), UInt64(start - 1), UInt64(start)])
        // Follow live: an append through the API.
        try #require(try served.write("/v1/retractions", #"{"target": "us-proposes-temporary-truce-jeddah-000", "reason": "feed 1"}"#).status == 201)
        let live = first.entries(1)
        #expect(live.map(\.id) == [UInt64(start + 1)])
        #expect(live.first?.data.contains("feed 1") == true)
        // Disconnected, the log grows twice (once by another process: a `parley ingest` in a
        // terminal); reconnecting with Last-Event-ID resumes with exactly what was missed.
        let lastSeen = live.last?.id ?? 0
        try #require(try served.write("/v1/corrections",
                                      #"{"target": "ua-accepts-jeddah-truce-if-russia-complies-000", "reason": "feed 2", "set": {"on": "2025-03-11"}}"#).status == 201)
        try Self.appendByTheCommandLine(served, id: "feed-3-meeting")
        let second = try FeedFollower(port: served.port, path: "/v1/feed", token: served.reader, lastEventID: lastSeen)
        let resumed = second.entries(2)
        #expect(resumed.map(\.id) == [lastSeen + 1, lastSeen + 2], "\(resumed.map(\.id))")
        #expect(resumed.first?.data.contains("feed 2") == true)
        #expect(resumed.last?.data.contains("feed-3-meeting") == true)
        // The command line's append is seen by the next request, too.
        #expect(try served.head().sequence == Int(lastSeen) + 2)
    }

    @Test func hostileInputGetsClearErrorsAndIsEscaped() throws {
        let served = try ServedLog("parley-serve-hostile", extra: ["--max-body", "20000"])
        // An article whose words carry markup: taken, then never served as markup.
        let text = "Kyiv, 12 March. Ukraine accepted the proposal <script>alert('x')</script> of a 30-day ceasefire, the ministry said."
        let article = try served.write("/v1/articles", try Self.json([
            "text": text, "url": "https://example.org/a", "outlet": "Outlet <b>", "title": "Title <script>alert(1)</script>",
            "published": "2025-03-12",
        ]))
        #expect(article.status == 201, "\(article)")
        let id = try #require(try article.json()["article"] as? String)
        let report = try served.request("/v1/report.html?as_of=2025-03-20", token: served.reader)
        #expect(report.status == 200)
        #expect(!report.body.contains("<script>alert"))
        #expect(report.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
        let shown = try served.request("/v1/articles/\(id)", token: served.reader)
        #expect(shown.header("Content-Type")?.hasPrefix("application/json") == true)
        #expect(shown.header("X-Content-Type-Options") == "nosniff", "a browser never reads the JSON as a page")
        // Ids that try to leave their folder, and other malformed requests.
        for path in ["/v1/articles/..%2F..%2Fetc%2Fpasswd", "/v1/events/a%20b", "/v1/review/..%2Fseeds"] {
            let answer = try served.request(path, token: served.reader)
            #expect([400, 404].contains(answer.status), "\(path): \(answer)")
            #expect((try answer.json()["error"] as? [String: Any])?["message"] != nil)
        }
        #expect(try served.request("/v1/state?as_of=2025-02-30", token: served.reader).status == 400)
        #expect(try served.request("/nowhere", token: served.reader).status == 404)
        let big = try served.write("/v1/articles", "{\"text\": \"" + String(repeating: "a", count: 30_000) + "\"}")
        #expect(big.status == 413, "\(big)")
        let garbage = try served.write("/v1/articles", "{not json")
        #expect(garbage.status == 400, "\(garbage)")
        for answer in [big, garbage] {
            #expect(!answer.body.contains("Swift") && !answer.body.contains(".swift:") && !answer.body.contains("/work/"), "\(answer)")
        }
        #expect(try served.request("/v1/articles", method: "POST", token: served.editor, headers: ["If-Match": "\"\(try served.head().hash)\""],
                                   body: #"{"url": "x"}"#).status == 422)
        // No cross-origin reading unless configured.
        let preflight = try served.request("/v1/state", method: "OPTIONS", headers: ["Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"])
        #expect(preflight.header("Access-Control-Allow-Origin") == nil)
    }

    @Test func reviewingADraftOverHTTPRecordsItWithTheTokensName() throws {
        let served = try ServedLog("parley-serve-review")
        let text = try String(contentsOfFile: Fixtures.tests + "/Fixtures/intake/wire-2025-03-12.txt", encoding: .utf8)
        let added = try served.write("/v1/articles", try Self.json([
            "text": text, "url": "https://example.org/wire", "outlet": "Wire", "title": "Ceasefire talks", "published": "2025-03-12",
        ]))
        try #require(added.status == 201, "\(added)")
        let article = try #require(try added.json()["article"] as? String)
        let drafts = try #require(try served.request("/v1/review/\(article)", token: served.reader).json()["drafts"] as? [[String: Any]])
        let draft = try #require(drafts.first?["id"] as? String)
        let queue = try served.request("/v1/review", token: served.reader).json()
        let waiting = try #require((queue["articles"] as? [[String: Any]])?.first { $0["article"] as? String == article }?["drafts"] as? Int)
        #expect(waiting == drafts.count)
        let accepted = try served.write("/v1/review/\(article)/\(draft)", #"{"action": "accept"}"#)
        #expect(accepted.status == 200, "\(accepted)")
        #expect(try accepted.json()["eventsAppended"] as? Int == 1)
        #expect(try accepted.json()["draftsLeft"] as? Int == drafts.count - 1)
        let event = try served.request("/v1/events/\(draft)", token: served.reader).json()
        #expect((event["event"] as? [String: Any])?["reviewed-by"] as? String == "desk-editor")
        // Rejecting one leaves the log as it was, and the file without it.
        let second = try #require(drafts.dropFirst().first?["id"] as? String)
        let head = try served.head()
        let rejected = try served.write("/v1/review/\(article)/\(second)", #"{"action": "reject"}"#)
        #expect(try rejected.status == 200 && (rejected.json()["eventsAppended"] as? Int) == 0, "\(rejected)")
        #expect(try served.head() == head)
        #expect(try served.write("/v1/review/\(article)/\(second)", #"{"action": "accept"}"#).status == 404)
    }

    @Test func anEditorSubmitsAReviewedEvent() throws {
        let served = try ServedLog("parley-serve-submit")
        let yaml = """
            - id: submitted-witkoff-putin-meeting
              type: meeting
              on: 2025-03-13
              scope: general
              actor: US
              counterparts: [RU]
              place: Moscou
              quote: "rencontre entre le président russe Vladimir Poutine et l'envoyé spécial américain Steve Witkoff"
            """
        let before = try served.head()
        let taken = try served.write("/v1/events", try Self.json(["article": "000_a1eb357bfc15af74", "yaml": yaml]))
        #expect(taken.status == 201, "\(taken)")
        #expect(try taken.json()["events"] as? [String] == ["submitted-witkoff-putin-meeting"])
        #expect(try served.head().sequence == before.sequence + 1)
        let event = try served.request("/v1/events/submitted-witkoff-putin-meeting", token: served.reader).json()
        #expect((event["event"] as? [String: Any])?["reviewed-by"] as? String == "desk-editor")
        // The event file holds it, marked reviewed, after the file's own events.
        let file = try String(contentsOfFile: served.events + "/000_a1eb357bfc15af74.yaml", encoding: .utf8)
        let block = try #require(file.range(of: "  - id: submitted-witkoff-putin-meeting"))
        #expect(file[block.lowerBound...].contains("status: reviewed\n    reviewed-by: \"desk-editor\"\n"), "\(file[block.lowerBound...])")
        // A quote the article does not have is refused, and nothing changes.
        let files = try Self.snapshot(served)
        let head = try served.head()
        let wrong = try served.write("/v1/events", try Self.json(["article": "000_a1eb357bfc15af74",
                                                                   "yaml": yaml.replacingOccurrences(of: "submitted-witkoff-putin-meeting", with: "other")
                                                                       .replacingOccurrences(of: "Steve Witkoff", with: "someone else")]))
        #expect(wrong.status == 422 && wrong.body.contains("quote"), "\(wrong)")
        #expect(!wrong.body.contains(served.dir.path), "paths are the project's own: \(wrong.body)")
        #expect(try served.head() == head && (try Self.snapshot(served)) == files)
        // The same id again is refused, too.
        #expect(try served.write("/v1/events", try Self.json(["article": "000_a1eb357bfc15af74", "yaml": yaml])).status == 422)
    }

    @Test func aSIGTERMStopsTheServerWithItsFeedsOpen() throws {
        let served = try ServedLog("parley-serve-stop")
        let follower = try FeedFollower(port: served.port, path: "/v1/feed?after=0", token: served.reader)
        #expect(follower.entries(2).count == 2)
        let started = Date()
        let stopped = served.stop(within: 15)
        #expect(!stopped.killed && stopped.status == 0, "\(stopped)")
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(stopped.stderr.contains("status=200") || stopped.stderr.contains("answered"), "request logs: \(stopped.stderr.suffix(500))")
    }

    @Test func fourWritersAndTwoFollowersAtOnce() throws {
        let served = try ServedLog("parley-serve-writers")
        let start = UInt64(try served.head().sequence)
        let (writers, writes) = (4, 8)
        let followers = try (0..<2).map { _ in try FeedFollower(port: served.port, path: "/v1/feed?after=\(start)", token: served.reader) }
        let accepted = Findings()
        let failures = Findings()
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            for n in 0..<writes {
                let reason = "writer \(writer) write \(n)"
                var attempts = 0
                while true {
                    attempts += 1
                    do {
                        let body = #"{"target": "us-proposes-temporary-truce-jeddah-000", "reason": "\#(reason)", "set": {"place": "Djeddah"}}"#
                        let answer = try served.write("/v1/corrections", body)
                        if answer.status == 201, let id = try answer.json()["id"] as? String {
                            accepted.add(id)
                            break
                        }
                        guard answer.status == 412, attempts < 200 else {
                            failures.add("\(reason): \(answer)")
                            break
                        }
                    } catch {
                        failures.add("\(reason): \(error)")
                        break
                    }
                }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all.prefix(3))")
        let ids = accepted.all
        #expect(ids.count == writers * writes)
        #expect(Set(ids).count == ids.count, "every accepted write has its own id")
        // The log: gapless, each accepted write exactly once, and whole.
        let end = UInt64(try served.head().sequence)
        #expect(end == start + UInt64(ids.count))
        let page = try served.request("/v1/log?after=\(start)&limit=1000", token: served.reader)
        let entries = try page.body.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(entries.compactMap { $0["sequence"] as? Int } == Array(Int(start + 1)...Int(end)))
        let logged = entries.compactMap { ($0["id"] as? String)?.replacingOccurrences(of: "event/", with: "") }
        #expect(logged.sorted() == ids.sorted())
        #expect(try ParleyTool.run(["verify", "--db", served.db], in: served.dir.path).succeeded)
        // Both followers saw every entry, in order.
        for follower in followers {
            let seen = follower.entries(ids.count)
            #expect(seen.map(\.id) == Array((start + 1)...end), "\(seen.map(\.id))")
        }
    }

    // MARK: Helpers

    static func snapshot(_ served: ServedLog) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for folder in [served.seeds, served.events] {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
                let path = folder + "/" + name
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
                    files[path] = FileManager.default.contents(atPath: path)
                }
            }
        }
        return files
    }

    static func json(_ object: [String: String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// A meeting appended by `parley ingest` from a second corpus folder, as a colleague at a
    /// terminal would, while the server runs.
    static func appendByTheCommandLine(_ served: ServedLog, id: String) throws {
        let events = served.dir.appending("cli-events")
        try Fixtures.copy(served.events, to: events)
        try """
            article: 000_a1eb357bfc15af74
            events:
              - id: \(id)
                type: meeting
                on: 2025-03-11
                scope: general
                actor: US
                counterparts: [UA]
                place: Moscou
                quote: "rencontre entre le président russe Vladimir Poutine et l'envoyé spécial américain Steve Witkoff"
            """.write(toFile: events + "/zz-\(id).yaml", atomically: false, encoding: .utf8)
        let run = try ParleyTool.run(["ingest", "--db", served.db, served.seeds, events], in: served.dir.path)
        try #require(run.succeeded, "\(run)")
    }
}
