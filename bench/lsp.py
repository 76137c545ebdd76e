#!/usr/bin/env python3
"""The language server's speed and memory, measured as an editor sees them.

    python3 bench/lsp.py                 # 1,000 edits of a 300-line plan (about a minute)
    python3 bench/lsp.py --edits 200     # a quicker look

Starts ``aiplan server`` (this checkout's, with the ``server`` extra installed)
as an editor does, speaking JSON-RPC over its standard input and output with a
minimal client written here (standard library only), opens a 300-line plan
(a generated realistic plan, ``bench/generate_plans.py``, grown with more
corpus sources) and sends whole-document changes, one at a time, each a
keystroke-sized edit:

* latency: from writing ``didChange`` to reading the ``publishDiagnostics`` of
  that version (the server's debounce included): median, 95th percentile, max.
  The issue's target: within 50 ms.
* memory: the server's resident set size after a warm-up of 100 edits and
  after all of them (every tenth edit also asks for code actions and a hover,
  so the fix and documentation paths run too). The target: no growth.

Nothing here is a test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_plans import generate_plan  # noqa: E402

SOURCE = """\
      - name: knowledge base section {n}
        format: markdown
        update_frequency: weekly
        contains_tables: false
        boilerplate: none
        sensitivity: internal
"""


def plan_of(lines: int) -> str:
    """A realistic plan grown to ``lines`` lines with more corpus sources."""
    text = generate_plan(3, 1)
    marker = "    sources:\n"
    assert marker in text
    extra, n = [], 0
    while text.count("\n") + sum(s.count("\n") for s in extra) < lines:
        extra.append(SOURCE.format(n=n))
        n += 1
    text = text.replace(marker, marker + "".join(extra), 1)
    return "\n".join(text.split("\n")[:lines]) + "\n"


class Client:
    """JSON-RPC over a child's pipes: enough of an LSP client to measure."""

    def __init__(self, command: list[str], cwd: str):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, cwd=cwd)
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def notify(self, method: str, params) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params):
        self.next_id += 1
        wanted = self.next_id
        self.send({"id": wanted, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == wanted and "method" not in m).get("result")

    def wait(self, matches, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            message = self.messages.get(timeout=max(0.0, deadline - time.monotonic()))
            if "method" in message and "id" in message:   # a request from the server: accept it
                self.send({"id": message["id"], "result": None})
                continue
            if matches(message):
                return message

    def rss_kib(self) -> int:
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.process.wait(timeout=10)
        except Exception:  # noqa: BLE001 - the measurement is done; make sure it ends
            self.process.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=300)
    args = parser.parse_args()

    import tempfile

    workdir = tempfile.mkdtemp(prefix="aiplan-lsp-bench-")
    path = Path(workdir) / "aiplan.yaml"
    text = plan_of(args.lines)
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()

    client = Client([sys.executable, "-m", "aiplan", "server"], workdir)
    client.request("initialize", {"processId": os.getpid(), "rootUri": Path(workdir).as_uri(),
                                  "capabilities": {"textDocument": {"publishDiagnostics": {}}}})
    client.notify("initialized", {})

    def diagnostics_of(version: int):
        return client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                           and m["params"]["uri"] == uri and m["params"].get("version") == version)

    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                            "text": text}})
    opened = diagnostics_of(1)
    print(f"plan: {text.count(chr(10))} lines, {len(text):,} characters, "
          f"{len(opened['params']['diagnostics'])} diagnostics on open")

    latencies: list[float] = []
    rss_warm = None
    samples: list[tuple[int, int]] = []
    base = text
    for edit in range(args.edits):
        version = edit + 2
        # A keystroke: a changing number in the plan (every value is valid, some fire rules).
        current = base.replace("top_k: 12", f"top_k: {edit % 40 + 1}", 1)
        if edit % 7 == 3:
            current = current.replace("approach: rag", "approach: ra", 1)   # mid-word: a finding appears
        started = time.perf_counter()
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                 "contentChanges": [{"text": current}]})
        diagnostics_of(version)
        latencies.append((time.perf_counter() - started) * 1000)
        if edit % 10 == 9:
            everything = {"start": {"line": 0, "character": 0}, "end": {"line": args.lines, "character": 0}}
            client.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": everything,
                                                       "context": {"diagnostics": []}})
            client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": {"line": 2, "character": 2}})
        if edit == 99:
            rss_warm = client.rss_kib()
        if edit % 250 == 249:
            samples.append((edit + 1, client.rss_kib()))
    rss_end = client.rss_kib()
    client.close()

    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    median = statistics.median(latencies)
    print(f"latency, didChange -> publishDiagnostics, {len(latencies)} edits: median {median:.1f} ms, "
          f"p95 {p95:.1f} ms, max {latencies[-1]:.1f} ms (target: 50 ms)")
    if rss_warm is not None:
        print(f"server memory (RSS): {rss_warm / 1024:.1f} MiB after 100 edits, {rss_end / 1024:.1f} MiB after "
              f"{args.edits} ({(rss_end - rss_warm) / 1024:+.1f} MiB); along the way: "
              + ", ".join(f"{edits}: {kib / 1024:.1f}" for edits, kib in samples))
    print("PASS" if p95 <= 50 else "FAIL", "p95 latency within 50 ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
