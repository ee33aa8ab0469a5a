"""Load: N concurrent clients for S seconds on POST /api/verify against a real `claimcheck serve` on loopback, with
an ingest over HTTP running during the load. Bounded in count and time; stops by itself.
Usage: python -m benchmarks.load --data-dir DIR [--clients 32] [--seconds 60]"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
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


async def client_loop(
    client: httpx.AsyncClient, url: str, stop: float, i: int, lat: list, errs: list, cited: set, max_requests: int
) -> None:
    n = 0
    while time.monotonic() < stop and n < max_requests:
        t0 = time.perf_counter()
        try:
            r = await client.post(url, json={"claim": CLAIMS[(i + n) % len(CLAIMS)]})
            if r.status_code != 200:
                errs.append(r.status_code)
            else:
                cited.update(c["report_id"] for c in r.json()["citations"])
        except httpx.HTTPError as exc:
            errs.append(type(exc).__name__)
        lat.append((time.perf_counter() - t0) * 1000)
        n += 1


async def run(base: str, clients: int, seconds: float, token: str, lib: Path) -> dict:
    lat: list[float] = []
    errs: list = []
    cited: set[str] = set()
    stop = time.monotonic() + seconds
    async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=clients + 4)) as client:

        async def ingest_during_load() -> int:
            await asyncio.sleep(seconds / 4)
            files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in sorted(lib.iterdir())]
            r = await client.post(f"{base}/api/reports", files=files, headers={"Authorization": f"Bearer {token}"})
            return r.status_code

        t0 = time.perf_counter()
        results = await asyncio.gather(
            ingest_during_load(),
            *[client_loop(client, f"{base}/api/verify", stop, i, lat, errs, cited, 10_000) for i in range(clients)],
        )
        wall = time.perf_counter() - t0
        listed = {r["id"] for r in (await client.get(f"{base}/api/reports")).json()}
    return {
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": len(lat),
        "errors": len(errs),
        "error_kinds": sorted({str(e) for e in errs}),
        "rps": round(len(lat) / wall, 2),
        "p50_ms": round(pct(lat, 0.5), 1),
        "p95_ms": round(pct(lat, 0.95), 1),
        "ingest_status": results[0],
        "cited_reports_all_listed": cited <= listed,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()
    from tests.helpers import claimcheck_server

    token = "load-test-token"
    lib = Path(tempfile.mkdtemp(prefix="claimcheck-load-"))
    for i in range(10):
        body = " ".join(f"Load bulletin {i}, item {j}: Russian forces made advances near Avdiivka." for j in range(20))
        (lib / f"load{i}.txt").write_text(f"date 2024-03-{i + 1:02d}\n{body}")
    settings = {"CLAIMCHECK_INGEST_TOKEN": token, "CLAIMCHECK_RATE_LIMIT_PER_MINUTE": "0"}
    with claimcheck_server(args.data_dir, **settings) as base:
        httpx.post(f"{base}/api/verify", json={"claim": CLAIMS[0]}, timeout=60)  # warm
        emit("load", asyncio.run(run(base, args.clients, args.seconds, token, lib)))


if __name__ == "__main__":
    main()
