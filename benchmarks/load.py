"""The load test: simulated signed-in users browsing lists and details on 127.0.0.1 only, each
waiting 1 to 3 seconds between pages. A bounded script (one thread per user) rather than a
load-testing dependency: it only needs GETs, a session cookie and a clock."""

import random
import threading
import time

from benchmarks.server import get


def run(paths_by_user, cookies, *, users=50, seconds=60, seed=2026):
    """Returns (latencies in ms, errors, requests per second)."""
    latencies, errors = [], []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    names = sorted(paths_by_user)

    def user(index):
        rng = random.Random(seed + index)
        name = names[index % len(names)]
        paths = paths_by_user[name]
        time.sleep(rng.uniform(0, 3))  # users arrive spread over the first seconds
        while time.monotonic() < deadline:
            path = rng.choice(paths)
            try:
                status, ms, _ = get(path, cookies[name])
            except OSError as exc:
                with lock:
                    errors.append(f"{path}: {exc}")
            else:
                with lock:
                    latencies.append(ms)
                    if status != 200:
                        errors.append(f"{path}: HTTP {status}")
            time.sleep(rng.uniform(1, 3))

    started = time.monotonic()
    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return latencies, errors, len(latencies) / elapsed


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
