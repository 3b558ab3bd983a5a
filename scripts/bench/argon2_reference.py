"""The ceiling for logins: Argon2id hashes per second of the reference C implementation
(argon2-cffi) with the server's parameters (m = 19456 KiB, t = 2, p = 1), one process per core,
each hashing in a loop. Usage: argon2_reference.py SECONDS PROCESSES → prints hashes/s."""
import os, sys, time
from multiprocessing import Process, Queue

from argon2.low_level import Type, hash_secret_raw


def worker(seconds, results):
    count, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        hash_secret_raw(b"Central2024", os.urandom(16), time_cost=2, memory_cost=19456,
                        parallelism=1, hash_len=32, type=Type.ID)
        count += 1
    results.put(count)


if __name__ == "__main__":
    seconds, processes = float(sys.argv[1]), int(sys.argv[2])
    results = Queue()
    workers = [Process(target=worker, args=(seconds, results)) for _ in range(processes)]
    start = time.monotonic()
    for w in workers:
        w.start()
    total = sum(results.get() for _ in workers)
    for w in workers:
        w.join()
    print(f"{total / (time.monotonic() - start):.1f}")
