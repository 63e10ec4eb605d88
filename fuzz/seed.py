#!/usr/bin/env python3
"""Fills fuzz/corpus/<target>/ with seeds from testdata/ (and ../shared/corpus when it is
there). Seeds are written at run time and never committed; libFuzzer adds what it finds
beside them. Usage: seed.py [TARGET...] (default: every target)."""

import glob
import hashlib
import json
import os
import sys

FUZZ = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(FUZZ)
TESTDATA = os.path.join(ROOT, "testdata")
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "corpus", "emails")

LOGS = {"postfix.log": 0, "exim.log": 1, "sendmail.log": 2, "powermta.csv": 3, "kumomta.jsonl": 4}
PROVIDERS = ["ses", "sendgrid", "mailgun", "postmark", "sparkpost"]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(target, data):
    d = os.path.join(FUZZ, "corpus", target)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def parse_mail():
    for p in sorted(glob.glob(os.path.join(TESTDATA, "bounces", "*.eml"))):
        write("parse_mail", read(p))
    for p in sorted(glob.glob(os.path.join(SHARED, "*.eml"))):
        data = read(p)
        if len(data) <= 256 * 1024:
            write("parse_mail", data)


def classify_reply():
    for line in read(os.path.join(ROOT, "crates", "classify", "tests", "it", "replies.tsv")).splitlines():
        if line and not line.startswith(b"#"):
            write("classify_reply", line.split(b"\t", 2)[-1])
    for p in sorted(glob.glob(os.path.join(TESTDATA, "bounces", "*.expected.json"))):
        for r in json.loads(read(p)):
            if isinstance(r, dict) and r.get("diagnostic"):
                write("classify_reply", r["diagnostic"].encode())


def logs():
    for name, selector in LOGS.items():
        data = read(os.path.join(TESTDATA, "logs", name))
        write("logs", bytes([selector]) + data)
        write("logs", bytes([5]) + data)  # detected from the lines
        # Short pieces, so mutations start from single interesting lines too.
        for line in data.splitlines()[:40]:
            write("logs", bytes([selector]) + line + b"\n")


def webhooks():
    for i, provider in enumerate(PROVIDERS):
        for p in sorted(glob.glob(os.path.join(TESTDATA, "webhooks", provider, "*.json"))):
            body = read(p)
            # Signed mode (selector 5..9): the harness signs the payload.
            write("webhooks", bytes([i + 5]) + body)
            if provider in ("postmark", "sparkpost"):
                write("webhooks", bytes([i + 15]) + body)  # header token instead of basic auth
            # Raw mode: headers, an empty line, the body, as an attacker would send it.
            write("webhooks", bytes([i]) + b"Content-Type: application/json\n\n" + body)
    url = b"https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-west-1:123456789012:ses-bounces&Token=abc"
    write("webhooks", bytes([25]) + url)  # signed SubscriptionConfirmation
    write("webhooks", bytes([35]) + url)  # signed UnsubscribeConfirmation
    envelope = {
        "Type": "SubscriptionConfirmation", "MessageId": "m", "Token": "t",
        "TopicArn": "arn:aws:sns:eu-west-1:123456789012:ses-bounces", "Message": "confirm",
        "SubscribeURL": "http://169.254.169.254/latest/meta-data/", "Timestamp": "2024-03-11T09:00:00.000Z",
        "SignatureVersion": "1", "Signature": "AAAA",
        "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-fuzz.pem",
    }
    write("webhooks", bytes([0]) + b"x-amz-sns-message-type: SubscriptionConfirmation\n\n" + json.dumps(envelope).encode())
    write("webhooks", bytes([1]) + b"X-Twilio-Email-Event-Webhook-Signature: MEUCIQ==\nX-Twilio-Email-Event-Webhook-Timestamp: 1710151200\n\n[]")
    write("webhooks", bytes([3]) + b"Authorization: Basic aG9vazp3cm9uZw==\n\n{}")


def smtp_session():
    bounce = read(os.path.join(TESTDATA, "bounces", "lhost-postfix.eml")).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    stuffed = b"\r\n".join(b"." + l if l.startswith(b".") else l for l in bounce.split(b"\r\n"))
    rcpt = b"RCPT TO:<bounces+alice=example.com@bounce.example.net>\r\n"
    write("smtp_session", bytes([0]) + b"EHLO mx.example.org\r\nMAIL FROM:<>\r\n" + rcpt + b"DATA\r\n" + stuffed + b"\r\n.\r\nQUIT\r\n")
    write("smtp_session", bytes([1]) + b"LHLO mx.example.org\r\nMAIL FROM:<> SIZE=1000\r\n" + rcpt
          + b"RCPT TO:<postmaster@bounce.example.net>\r\nDATA\r\n" + stuffed + b"\r\n.\r\nQUIT\r\n")
    chunk = bounce[:2000]
    write("smtp_session", bytes([2]) + b"EHLO x\r\nMAIL FROM:<a@b.c> BODY=8BITMIME\r\n" + rcpt
          + b"BDAT %d\r\n" % len(chunk) + chunk + b"BDAT 0 LAST\r\nRSET\r\nNOOP\r\nQUIT\r\n")
    write("smtp_session", bytes([4]) + b"HELO x\r\nMAIL FROM:<>\r\n" + rcpt * 5 + b"RCPT TO:<x@elsewhere.example>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\n")
    write("smtp_session", bytes([8]) + b"EHLO x\r\nSTARTTLS\r\nVRFY x\r\nEXPN y\r\nHELP\r\nAUTH PLAIN\r\nDATA\r\nBDAT 10\r\n" + b"X" * 5000 + b"\r\nQUIT\r\n")


TARGETS = {f.__name__: f for f in (parse_mail, classify_reply, logs, webhooks, smtp_session)}

if __name__ == "__main__":
    for name in sys.argv[1:] or TARGETS:
        TARGETS[name]()
