"""A minimal SMTP sink for benchmarks: accepts every message, counts, keeps nothing.

Run as its own process so it shares no interpreter with the benchmark or the workers.
Prints "ready" once listening, and the number of messages received when it gets SIGTERM.
"""

import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self) -> None:
        self.messages = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd reads commands line by line, so pipelined commands work; real MTAs
        # (Postfix, SES) offer PIPELINING too, and the sender uses it when offered.
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages += 1
        return "250 OK"


def main() -> None:
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=int(sys.argv[1]))
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print("ready", flush=True)
    stop.wait()
    controller.stop()
    print(counter.messages, flush=True)


if __name__ == "__main__":
    main()
