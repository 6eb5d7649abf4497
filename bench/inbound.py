"""Inbound mail: parse, classify and strip the quotes of the test corpus, over and over.

Prints one JSON line: mails per second on one core (mail_parse + mail_classify +
reply_text_extract, plus bounce_details for bounces), over the 18 client mails of
tests/delivery/inbound/corpus. Target (issue #4): ≥ 500 mails/s. No database, no Django.
"""

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

from _django import ROOT, result_write

sys.path.insert(0, str(ROOT))

from delivery.inbound.classification import MailKind, bounce_details, mail_classify
from delivery.inbound.parsing import mail_parse
from delivery.inbound.quotes import reply_text_extract

CORPUS = ROOT / "tests" / "delivery" / "inbound" / "corpus"


def mail_process(raw: bytes) -> MailKind:
    mail = mail_parse(raw=raw)
    kind = mail_classify(mail=mail)
    if kind == MailKind.BOUNCE:
        bounce_details(mail=mail)
    else:
        reply_text_extract(text=mail.text)
    return kind


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    mails = [path.read_bytes() for path in sorted(Path(CORPUS).glob("*.eml"))]
    for raw in mails:  # warm up: regex compilation, codec look-ups
        mail_process(raw)

    rates = []
    for _ in range(args.rounds):
        gc.collect()
        count = 0
        started = time.perf_counter()
        while time.perf_counter() - started < args.seconds:
            for raw in mails:
                mail_process(raw)
            count += len(mails)
        rates.append(count / (time.perf_counter() - started))

    result_write(
        "inbound",
        {
            "mails_per_s": round(statistics.median(rates)),
            "mails_per_s_min": round(min(rates)),
            "ms_per_mail": round(1000 / statistics.median(rates), 3),
            "corpus_mails": len(mails),
            "corpus_bytes": sum(len(raw) for raw in mails),
            "rounds": args.rounds,
            "target_mails_per_s": 500,
        },
    )


if __name__ == "__main__":
    main()
