"""Writers and followers at once against `parley serve` (the write phase of Benchmarks/server-load):
N writers each send corrections of events already in the log, through If-Match and retrying on
412, while M followers read the change feed from the head before the first write. Then it checks
what the must-show asks: every accepted write in the log exactly once, the log gapless after the
start, and every follower having seen every entry in order. Prints the figures; exits 1 if a
check fails (the log's `verify` is run by the caller).

    python3 Benchmarks/server-writers.py --url URL --token TOKEN --targets ID,ID,… [--writers 4] [--writes 3] [--followers 2]
"""

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request


def call(url, path, token, body=None, if_match=None):
    headers = {"Authorization": "Bearer " + token}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if if_match:
        headers["If-Match"] = if_match
    request = urllib.request.Request(url + path, data=None if body is None else json.dumps(body).encode(), headers=headers,
                                     method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def head(url, token):
    return json.loads(call(url, "/v1/head", token)[1])["head"]


def follow(url, token, after, expected, seen, stop):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=900)
    connection.request("GET", f"/v1/feed?after={after}", headers={"Authorization": "Bearer " + token})
    response = connection.getresponse()
    current = None
    while not stop.is_set() and len(seen) < expected[0]:
        line = response.readline()
        if not line:
            break
        line = line.decode().rstrip("\n")
        if line.startswith("id: "):
            current = int(line[4:])
        elif line.startswith("data: ") and current is not None:
            seen.append(current)
            current = None
    connection.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--targets", required=True)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--writes", type=int, default=3)
    parser.add_argument("--followers", type=int, default=2)
    args = parser.parse_args()
    targets = args.targets.split(",")

    start = head(args.url, args.token)["sequence"]
    total = args.writers * args.writes
    expected = [total]
    stop = threading.Event()
    seen = [[] for _ in range(args.followers)]
    followers = [threading.Thread(target=follow, args=(args.url, args.token, start, expected, seen[i], stop)) for i in range(args.followers)]
    for f in followers:
        f.start()

    accepted, stale, failures, latencies = [], [0], [], []
    lock = threading.Lock()

    def write(writer):
        for n in range(args.writes):
            target = targets[(writer * args.writes + n) % len(targets)]
            body = {"target": target, "reason": f"server-load writer {writer} write {n}", "set": {"place": f"Geneva {writer}.{n}"}}
            while True:
                tag = '"' + head(args.url, args.token)["hash"] + '"'
                began = time.monotonic()
                status, text = call(args.url, "/v1/corrections", args.token, body, tag)
                if status == 201:
                    with lock:
                        accepted.append(json.loads(text)["id"])
                        latencies.append(time.monotonic() - began)
                    break
                if status == 412:
                    with lock:
                        stale[0] += 1
                    continue
                with lock:
                    failures.append(f"{status} {text[:200]}")
                return

    began = time.monotonic()
    writers = [threading.Thread(target=write, args=(w,)) for w in range(args.writers)]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    elapsed = time.monotonic() - began
    expected[0] = len(accepted)
    for f in followers:
        f.join(timeout=120)
    stop.set()

    end = head(args.url, args.token)["sequence"]
    status, page = call(args.url, f"/v1/log?after={start}&limit=10000", args.token)
    entries = [json.loads(line) for line in page.splitlines() if line]
    sequences = [e["sequence"] for e in entries]
    logged = [e["id"].removeprefix("event/") for e in entries]

    problems = list(failures)
    if sequences != list(range(start + 1, end + 1)):
        problems.append(f"the log after {start} is not gapless: {sequences[:5]}…")
    if sorted(logged) != sorted(accepted) or len(set(accepted)) != len(accepted):
        problems.append("the accepted writes are not in the log exactly once each")
    for i, s in enumerate(seen):
        if s != list(range(start + 1, end + 1)):
            problems.append(f"follower {i + 1} saw {len(s)} entries, not {end - start} in order")

    print(f"writers: {args.writers} × {args.writes} corrections in {elapsed:.1f} s, {len(accepted)} accepted, "
          f"{stale[0]} refused as stale (412) and retried; a write took {statistics.median(latencies):.2f} s (median), "
          f"{max(latencies):.2f} s at most; the log {start} → {end}, gapless, each write once; "
          f"{args.followers} followers saw {', '.join(str(len(s)) for s in seen)} entries in order")
    for problem in problems:
        print("server-writers: FAILED: " + problem, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
