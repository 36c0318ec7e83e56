"""Helper of bench/store-speed: stubs, data, canned responses, real gRPC calls, h2load result checks, the table.

Every function is a subcommand: `python3 bench/store-speed.py NAME ARGS...`; $WORK is the run's directory.
"""
import json
import os
import re
import sqlite3
import statistics
import struct
import sys

WORK = os.environ["WORK"]
sys.path.insert(0, os.path.join(WORK, "py"))

# target → (aim as a ratio to the ceiling, p99 aim in ms or None)
AIMS = {
    "get-community": (0.25, None),
    "list-communities": (0.08, None),
    "get-process": (0.25, None),
    "start-process": (0.10, 20.0),
    "cast-vote": (0.10, 20.0),
}
LABELS = {
    "ceiling": "nghttpd canned gRPC (ceiling)",
    "get-community": "GetCommunity (2 plugins)",
    "list-communities": "ListCommunities (page of 50)",
    "get-process": "GetProcess (poll, 100k votes)",
    "start-process": "StartProcess (durable write)",
    "cast-vote": "cast-vote (poll of 100k votes)",
}
# Writes are counted in the database: the query and the rows one request adds.
WRITES = {
    "start-process": "SELECT count(*) FROM process WHERE plugin = 'randomness' AND name = 'delayed-stochastic-vote'",
    "cast-vote": "SELECT count(*) FROM event WHERE community = 'bench' AND event_type = 'vote_cast'",
}
VOTER = "bench-voter"


def frame(message: bytes) -> bytes:
    return b"\x00" + struct.pack(">I", len(message)) + message


def stubs():
    """Python message classes generated from proto/ into $WORK/py."""
    import grpc_tools
    from grpc_tools import protoc
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    files = [f"proto/metagov/v1/{name}" for name in sorted(os.listdir("proto/metagov/v1")) if name.endswith(".proto")]
    out = os.path.join(WORK, "py")
    os.makedirs(out, exist_ok=True)
    if protoc.main(["protoc", "-Iproto", f"-I{include}", f"--python_out={out}", *files]) != 0:
        sys.exit("protoc failed")


def store_events(db, community, count):
    """`count` vote_cast events of `community` appended to the log in one transaction (catch-up data)."""
    connection = sqlite3.connect(db)
    rows = ((community, "poll", 0, "vote_cast", 1.8e9 + n / 1000,
             json.dumps({"process_id": 1, "voter": f"voter-{n}", "option": "ab"[n % 2], "previous_option": None},
                        separators=(",", ":")),
             json.dumps({"user_id": f"voter-{n}", "provider": "poll"}, separators=(",", ":")))
            for n in range(int(count)))
    with connection:
        connection.executemany(
            "INSERT INTO event (community, source, plugin_id, event_type, timestamp, data, initiator)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    connection.close()


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])


def wait_port(host, port, seconds):
    import socket
    import time
    deadline = time.monotonic() + float(seconds)
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listens on {host}:{port}")


def canned(htdocs):
    """The ceiling's answer: a framed PerformActionResponse{result: {value: 42}} (grpc-ceiling's action ceiling)."""
    from metagov.v1 import actions_pb2
    response = actions_pb2.PerformActionResponse()
    response.result.update({"value": 42})
    path = os.path.join(htdocs, "metagov.v1.Actions/PerformAction")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(frame(response.SerializeToString()))


def _unary(channel, method, request, response_type):
    stub = channel.unary_unary(method, request_serializer=lambda m: m.SerializeToString(),
                               response_deserializer=response_type.FromString)
    return stub(request, timeout=30)


def seed(target, communities):
    """'bench' with randomness and poll, `communities` more with randomness each, and a poll vote; prints its id."""
    import grpc
    from google.protobuf import struct_pb2
    from metagov.v1 import communities_pb2, common_pb2, plugins_pb2, processes_pb2

    def struct(value):
        s = struct_pb2.Struct()
        s.update(value)
        return s

    randomness = struct({"default_low": 0, "default_high": 100})
    with grpc.insecure_channel(target) as channel:
        def community(slug, plugins):
            _unary(channel, "/metagov.v1.Communities/CreateCommunity",
                   communities_pb2.CreateCommunityRequest(slug=slug, readable_name=slug.title()), common_pb2.Community)
            for name in plugins:
                _unary(channel, "/metagov.v1.Plugins/EnablePlugin",
                       plugins_pb2.EnablePluginRequest(community=slug, name=name,
                                                       config=randomness if name == "randomness" else struct({})),
                       common_pb2.PluginInstance)
        community("bench", ["randomness", "poll"])
        for n in range(int(communities)):
            community(f"c{n:05d}", ["randomness"])
        poll = _unary(channel, "/metagov.v1.Processes/StartProcess",
                      processes_pb2.StartProcessRequest(community="bench", plugin="poll", process="vote",
                                                        parameters=struct({"title": "Bench", "options": ["a", "b"]})),
                      common_pb2.GovernanceProcess)
    print(poll.id)


def requests(poll):
    """The request body of every target, framed, in $WORK/NAME.req."""
    from google.protobuf import struct_pb2
    from metagov.v1 import actions_pb2, communities_pb2, processes_pb2

    def struct(value):
        s = struct_pb2.Struct()
        s.update(value)
        return s

    bodies = {
        "ceiling": actions_pb2.PerformActionRequest(community="bench", plugin="randomness", action="random-int"),
        "get-community": communities_pb2.GetCommunityRequest(slug="bench"),
        "list-communities": communities_pb2.ListCommunitiesRequest(page_size=50),
        "get-process": processes_pb2.GetProcessRequest(id=int(poll)),
        "start-process": processes_pb2.StartProcessRequest(
            community="bench", plugin="randomness", process="delayed-stochastic-vote",
            parameters=struct({"options": ["a", "b"], "delay": 60})),
        "cast-vote": actions_pb2.PerformActionRequest(
            community="bench", plugin="poll", action="cast-vote",
            parameters=struct({"process_id": int(poll), "voter": VOTER, "option": "a"})),
    }
    for name, message in bodies.items():
        with open(os.path.join(WORK, f"{name}.req"), "wb") as f:
            f.write(frame(message.SerializeToString()))
    with open(os.path.join(WORK, "poll"), "w") as f:
        f.write(str(poll))


def call(name, target, method):
    """One real gRPC call with grpcio: checks the status and the message; prints the framed response size."""
    import grpc
    from metagov.v1 import actions_pb2, common_pb2, communities_pb2
    poll = int(open(os.path.join(WORK, "poll")).read())
    with open(os.path.join(WORK, f"{name}.req"), "rb") as f:
        body = f.read()[5:]
    with grpc.insecure_channel(target) as channel:
        try:
            response, rpc = channel.unary_unary(method).with_call(body, timeout=30)
        except grpc.RpcError as error:
            sys.exit(f"{name}: grpc-status {error.code().value[0]} ({error.code().name}) {error.details()!r}")
    if rpc.code() != grpc.StatusCode.OK:
        sys.exit(f"{name}: grpc-status {rpc.code()}")
    problem = None
    if name == "ceiling":
        message = actions_pb2.PerformActionResponse.FromString(response)
        if message.result.fields["value"].number_value != 42:
            problem = f"unexpected result {message.result}"
    elif name == "get-community":
        message = common_pb2.Community.FromString(response)
        if message.slug != "bench" or sorted(p.name for p in message.plugins) != ["poll", "randomness"]:
            problem = f"unexpected community {message}"
    elif name == "list-communities":
        message = communities_pb2.ListCommunitiesResponse.FromString(response)
        slugs = [c.slug for c in message.communities]
        if len(slugs) != 50 or slugs[0] != "bench" or not message.next_page_token \
                or any(not c.plugins for c in message.communities):
            problem = f"unexpected page {slugs[:3]}... ({len(slugs)} communities)"
    elif name in ("get-process", "start-process"):
        message = common_pb2.GovernanceProcess.FromString(response)
        if name == "get-process" and (message.id != poll or message.outcome.fields["voter_count"].number_value < 1):
            problem = f"unexpected process {message.id} {message.outcome}"
        if name == "start-process" and (message.plugin != "randomness" or message.status != common_pb2.PROCESS_STATUS_PENDING):
            problem = f"unexpected process {message}"
    elif name == "cast-vote":
        message = actions_pb2.PerformActionResponse.FromString(response)
        result = message.result.fields
        if result["status"].string_value != "pending" or result["outcome"].struct_value.fields["voter_count"].number_value < 1:
            problem = f"unexpected result {message.result}"
    if problem:
        sys.exit(f"{name}: {problem}")
    print(len(frame(response)))


def count(name, db):
    """The rows a write target adds per request, counted now (0 for reads)."""
    if name not in WRITES:
        print(0)
        return
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    print(connection.execute(WRITES[name]).fetchone()[0])
    connection.close()


def parse(name, kind, out_file, log_file, expected_requests, frame_size, before, db, result_file):
    """One h2load run (kind: "throughput", or "latency" with its per-request log) → a JSON result.

    Exits 1 unless every request got HTTP 2xx with one framed message of the expected size and, for writes, the
    database holds one new row per request."""
    out = open(out_file).read()
    problems = []

    def find(pattern):
        m = re.search(pattern, out)
        if not m:
            sys.exit(f"cannot parse h2load output ({pattern}):\n{out}")
        return m
    rps = float(find(r"finished in [^,]+, ([\d.]+) req/s").group(1))
    m = find(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout")
    total, started, done, succeeded, failed, errored, timeout = map(int, m.groups())
    ok2xx = int(find(r"status codes: (\d+) 2xx").group(1))
    data = int(find(r"traffic: .*?, [^,]*\((\d+)\) data").group(1))
    if failed or errored or timeout:
        problems.append(f"{failed} failed, {errored} errored, {timeout} timed out")
    if expected_requests and done != int(expected_requests):
        problems.append(f"{done} of {expected_requests} requests done")
    if done == 0 or ok2xx != succeeded or succeeded != done:
        problems.append(f"{done} done, {succeeded} succeeded, {ok2xx} with HTTP 2xx")
    size = int(frame_size)
    if name == "start-process":
        # The process id and the timestamps' nanoseconds are varints: a few bytes more or less per response.
        if not succeeded * (size - 8) <= data <= succeeded * (size + 8):
            problems.append(f"{data} data bytes for {succeeded} responses of about {size} bytes")
    elif data != succeeded * size:
        problems.append(f"{data} data bytes for {succeeded} responses, expected {size} each "
                        f"({data / max(1, succeeded):.2f} on average): some calls failed at the gRPC level")
    if name in WRITES:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        added = connection.execute(WRITES[name]).fetchone()[0] - int(before)
        connection.close()
        if added != done:
            problems.append(f"{added} rows stored for {done} requests")
    result = dict(kind=kind, rps=rps, done=done, data=data, problems=problems)
    line = f"{kind:<10} {rps:>8.0f} req/s  {data / max(1, succeeded):6.1f} B/response"
    if kind == "latency":
        durations = []
        with open(log_file) as f:
            for row in f:  # start time (µs since the epoch), HTTP status, duration (µs)
                fields = row.split()
                if len(fields) == 3:
                    durations.append(int(fields[2]))
        if len(durations) < done:
            problems.append(f"per-request log has {len(durations)} lines for {done} requests")
        durations.sort()

        def pct(q):  # nearest rank, in ms
            if not durations:
                return float("nan")
            return durations[min(len(durations) - 1, max(0, -(-len(durations) * q // 100) - 1))] / 1000
        result.update(p50=pct(50), p90=pct(90), p99=pct(99), max=pct(100))
        line += f"  p50 {result['p50']:.3f} ms  p90 {result['p90']:.3f} ms  p99 {result['p99']:.3f} ms"
    with open(result_file, "w") as f:
        json.dump(result, f)
    print(line + ("  FAILED: " + "; ".join(problems) if problems else ""), file=sys.stderr)
    sys.exit(1 if problems else 0)


def catch_up(out_file, result_file):
    out = open(out_file).read()
    m = re.search(r"catch-up: (\d+) events in ([\d.]+) s: (\d+) events/s", out)
    if not m:
        print(f"FAILED: {out.strip()}", file=sys.stderr)
        sys.exit(1)
    with open(result_file, "w") as f:
        json.dump(dict(kind="events", rps=float(m.group(3)), problems=[]), f)
    print(f"{m.group(1)} events in {m.group(2)} s: {m.group(3)} events/s", file=sys.stderr)


def reference(out_file, result_file):
    out = open(out_file).read()
    try:
        measured = json.loads(out)
    except ValueError:
        print(f"FAILED: {out.strip()}", file=sys.stderr)
        sys.exit(1)
    with open(result_file, "w") as f:
        json.dump(dict(kind="transactions", rps=measured["rps"], p50=measured["p50"], p99=measured["p99"], problems=[]), f)
    print(f"{measured['rps']:.0f} transactions/s  p50 {measured['p50']:.3f} ms  p99 {measured['p99']:.3f} ms",
          file=sys.stderr)


def table(results_dir, header):
    runs = [json.load(open(os.path.join(results_dir, name))) | {"name": name} for name in os.listdir(results_dir)]

    def median(key, kind, field):
        values = [r[field] for r in runs if r["name"].startswith(key + ".") and r["kind"] == kind and field in r]
        return statistics.median(values) if values else None

    def failed(key):
        return any(r["problems"] for r in runs if r["name"].startswith(key + "."))

    fmt = lambda v: f"{v:>8.3f}" if v is not None else f"{'-':>8}"
    ceiling = median("ceiling", "throughput", "rps")
    print()
    print(header)
    print(f"{'target':<40} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6}  aim")
    for key, label in LABELS.items():
        rps = median(key, "throughput", "rps")
        if rps is None:
            continue
        p50, p99 = median(key, "latency", "p50"), median(key, "latency", "p99")
        ratio, aim = "1.00", ""
        if key in AIMS and ceiling:
            r = rps / ceiling
            ratio = f"{r:.2f}"
            goal, p99_goal = AIMS[key]
            met = r >= goal and (p99_goal is None or (p99 is not None and p99 < p99_goal))
            aim = f"≥ {goal:.2f}" + (f", p99 < {p99_goal:.0f} ms" if p99_goal else "") + (" met" if met else " NOT met")
        print(f"{label:<40} {rps:>11.0f} {fmt(p50)} {fmt(p99)} {ratio:>6}  {aim}" + ("  (FAILED checks)" if failed(key) else ""))
    events = median("catch-up", "events", "rps")
    if events is not None:
        aim = "≥ 200000 " + ("met" if events >= 200000 else "NOT met")
        print(f"{'Subscribe catch-up from cursor 0 (events/s)':<40} {events:>11.0f} {fmt(None)} {fmt(None)} {'':>6}  {aim}"
              + ("  (FAILED checks)" if failed("catch-up") else ""))
    transactions = median("reference", "transactions", "rps")
    if transactions is not None:
        print(f"{'SQLite INSERT+COMMIT loop (reference)':<40} {transactions:>11.0f} "
              f"{fmt(median('reference', 'transactions', 'p50'))} {fmt(median('reference', 'transactions', 'p99'))}")


if __name__ == "__main__":
    globals()[sys.argv[1]](*sys.argv[2:])
