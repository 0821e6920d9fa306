"""Calls released together from threads, each on its own database connection."""

import threading

from django.db import connection


def race(*calls):
    """Run the calls in threads released together; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as error:  # the outcome, success or refusal, is what the test checks
            outcomes[index] = error
        finally:
            connection.close()  # each thread has its own connection; do not leak it

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread hung on a lock"
    return outcomes
