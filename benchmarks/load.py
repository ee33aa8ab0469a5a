"""Load: N concurrent clients for S seconds on POST /api/verify against real `claimcheck serve` processes on loopback,
with an ingest over HTTP running during the load. Bounded in count and time; stops by itself.

One process over a data folder (the default), or ``--replicas N`` replicas over one `chroma run` server, each with its
own folder, the clients spread over them round robin by ``Balancer`` as a load balancer would (a replica that refuses
connections is taken out and the request sent to the next; a request in flight on a replica that dies is an error).
``--kill-after S`` kills the first replica S seconds into the run (SIGKILL), to see the others carry on. The ingest
is sent to a replica that is not killed: a balancer does not repeat an upload (a POST that writes), so an upload in
flight on the killed replica is its caller's error by design, and which replica it lands on would be a race with the
kill; what a killed ingest leaves behind is tested in tests/test_replicas.py (lease takeover, repair).

Usage: python -m benchmarks.load --data-dir DIR [--clients 32] [--seconds 60]
       python -m benchmarks.load --replicas 2 [--data-dir DIR_TO_SEED_FROM] [--clients 32] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import signal
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from benchmarks.common import emit, pct

CLAIMS = [
    "ISW assessed that Islamic State was most likely behind the Crocus City Hall attack",
    "Russian sources said the detainees were mostly Chechen nationals",
    "Who does ISW think attacked Crocus City Hall?",
    "Russia is delaying the delivery of two S-400 systems to India",
    "Putin signed a law on 23 March releasing mobilised people from criminal liability",
    "Russian forces made confirmed advances near Avdiivka",
]
TOKEN = "load-test-token"
SETTINGS = {"CLAIMCHECK_INGEST_TOKEN": TOKEN, "CLAIMCHECK_RATE_LIMIT_PER_MINUTE": "0"}


@dataclass(frozen=True)
class Kill:
    """SIGKILL one replica (its base URL and process id) this many seconds into the run."""

    base: str
    pid: int
    after_s: float


@dataclass
class Balancer:
    """Round robin over replicas' base URLs with passive health checks, as deploy/nginx.conf configures nginx: a
    replica that fails a request is out. A request that never reached it (connection refused) goes to the next one;
    a request that failed on the way (the replica died with it in flight) goes to the next one only when it is safe to
    repeat (``retry``: a check writes nothing), else it is an error for the caller."""

    bases: list[str]
    down: set[str] = field(default_factory=set)
    served: dict[str, int] = field(default_factory=dict)
    _turn: itertools.count = field(default_factory=itertools.count)

    def live(self) -> list[str]:
        return [b for b in self.bases if b not in self.down]

    async def post(
        self, client: httpx.AsyncClient, path: str, retry: bool = False, avoid: str | None = None, **kwargs
    ) -> httpx.Response:
        """``avoid``: a replica not to send this request to while another is live."""
        while True:
            live = self.live()
            if not live:
                raise httpx.ConnectError("no replica is up")
            live = [b for b in live if b != avoid] or live
            base = live[next(self._turn) % len(live)]
            try:
                response = await client.post(f"{base}{path}", **kwargs)
            except httpx.ConnectError:
                self.down.add(base)
                continue
            except httpx.TransportError:
                self.down.add(base)  # it died with this request in flight
                if retry:
                    continue
                raise
            self.served[base] = self.served.get(base, 0) + 1
            return response


async def client_loop(
    client: httpx.AsyncClient, lb: Balancer, stop: float, i: int, log: list, cited: set, max_requests: int
) -> None:
    """One client: claim after claim until ``stop``; ``log`` gets (start, end, error or None) per request."""
    n = 0
    while time.monotonic() < stop and n < max_requests:
        t0 = time.monotonic()
        error = None
        try:
            r = await lb.post(client, "/api/verify", retry=True, json={"claim": CLAIMS[(i + n) % len(CLAIMS)]})
            if r.status_code != 200:
                error = r.status_code
            else:
                cited.update(c["report_id"] for c in r.json()["citations"])
        except httpx.HTTPError as exc:
            error = type(exc).__name__
        log.append((t0, time.monotonic(), error))
        n += 1


async def run(
    bases: list[str],
    clients: int,
    seconds: float,
    lib: Path,
    kill: Kill | None = None,
    max_requests: int = 10_000,
) -> dict:
    """The load against ``bases``, with an ingest a quarter of the way in; ``kill`` SIGKILLs one replica."""
    log: list[tuple[float, float, object]] = []
    cited: set[str] = set()
    lb = Balancer(list(bases))
    start = time.monotonic()
    stop = start + seconds
    killed_at: list[float] = []
    async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=clients + 4)) as client:

        async def ingest_during_load() -> int | str:
            await asyncio.sleep(seconds / 4)
            files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in sorted(lib.iterdir())]
            try:
                r = await lb.post(
                    client,
                    "/api/reports",
                    avoid=kill.base if kill else None,
                    files=files,
                    headers={"Authorization": f"Bearer {TOKEN}"},
                )
            except httpx.HTTPError as exc:  # reported, not raised: the figures of the checks still come out
                return type(exc).__name__
            return r.status_code

        async def kill_one() -> None:
            if kill is None:
                return
            await asyncio.sleep(kill.after_s)
            os.kill(kill.pid, signal.SIGKILL)
            killed_at.append(time.monotonic())

        results = await asyncio.gather(
            ingest_during_load(),
            kill_one(),
            *[client_loop(client, lb, stop, i, log, cited, max_requests) for i in range(clients)],
        )
        wall = time.monotonic() - start
        survivor = next(b for b in [*lb.live(), *bases] if kill is None or b != kill.base)
        listed = {r["id"] for r in (await client.get(f"{survivor}/api/reports")).json()}
    lat = [(end - begin) * 1000 for begin, end, _ in log]
    errors = [(begin, err) for begin, _, err in log if err is not None]
    out = {
        "replicas": len(bases),
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": len(log),
        "errors": len(errors),
        "error_kinds": sorted({str(e) for _, e in errors}),
        "rps": round(len(log) / wall, 2),
        "p50_ms": round(pct(lat, 0.5), 1),
        "p95_ms": round(pct(lat, 0.95), 1),
        "served_per_replica": [lb.served.get(b, 0) for b in bases],
        "ingest_status": results[0],
        "cited_reports_all_listed": cited <= listed,
    }
    if killed_at:
        t = killed_at[0]
        out["in_flight_at_kill"] = sum(1 for begin, end, _ in log if begin <= t <= end)
        out["errors_started_after_kill"] = sum(1 for begin, _ in errors if begin > t)
    return out


def bulletins() -> Path:
    """Ten small dated reports for the ingest during the load."""
    lib = Path(tempfile.mkdtemp(prefix="claimcheck-load-"))
    for i in range(10):
        body = " ".join(f"Load bulletin {i}, item {j}: Russian forces made advances near Avdiivka." for j in range(20))
        (lib / f"load{i}.txt").write_text(f"date 2024-03-{i + 1:02d}\n{body}")
    return lib


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, help="one process: its library (required without --replicas)")
    ap.add_argument("--replicas", type=int, default=0, help="N replicas over a `chroma run` server (0: one process)")
    ap.add_argument("--seeds-dir", type=Path, help="with --replicas: the library the first replica seeds")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--kill-after", type=float, help="SIGKILL the first replica this many seconds in")
    args = ap.parse_args()
    from tests.helpers import chroma_server, claimcheck_process

    if not args.replicas and not args.data_dir:
        ap.error("--data-dir is required without --replicas")
    if args.kill_after is not None and args.replicas < 2:
        ap.error("--kill-after needs --replicas 2 or more (a replica must be left to answer)")
    lib = bulletins()
    with ExitStack() as stack:
        if args.replicas:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="claimcheck-replicas-")))
            url = stack.enter_context(chroma_server(work / "chroma"))
            env = dict(SETTINGS, CLAIMCHECK_CHROMA_URL=url)
            if args.seeds_dir:
                env["CLAIMCHECK_SEEDS_DIR"] = str(args.seeds_dir)
            procs = [
                stack.enter_context(claimcheck_process(work / f"replica{i}", 900, **env)) for i in range(args.replicas)
            ]
        else:
            procs = [stack.enter_context(claimcheck_process(args.data_dir, **SETTINGS))]
        bases = [base for base, _ in procs]
        for base in bases:
            httpx.post(f"{base}/api/verify", json={"claim": CLAIMS[0]}, timeout=120)  # warm
        kill = Kill(bases[0], procs[0][1].pid, args.kill_after) if args.kill_after is not None else None
        emit("load", asyncio.run(run(bases, args.clients, args.seconds, lib, kill)))


if __name__ == "__main__":
    main()
