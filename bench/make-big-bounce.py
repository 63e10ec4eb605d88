#!/usr/bin/env python3
"""Writes a DSN whose returned message carries an attachment of SIZE MB: OUT SIZE."""
import base64
import os
import sys

out, mb = sys.argv[1], int(sys.argv[2])
payload = base64.encodebytes(os.urandom(mb * 1024 * 1024 * 3 // 4)).decode()
msg = f"""From: MAILER-DAEMON@mx.example.org
To: sender@example.net
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="OUTER"

--OUTER
Content-Type: text/plain

<alice@example.com>: host mx.example.com[192.0.2.1] said: 552 5.3.4 Message size exceeds fixed limit (in reply to end of DATA command)

--OUTER
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; alice@example.com
Action: failed
Status: 5.3.4
Diagnostic-Code: smtp; 552 5.3.4 Message size exceeds fixed limit

--OUTER
Content-Type: message/rfc822

From: sender@example.net
To: alice@example.com
Subject: big file
Message-ID: <big@example.net>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="INNER"

--INNER
Content-Type: text/plain

see attachment
--INNER
Content-Type: application/octet-stream; name="big.bin"
Content-Transfer-Encoding: base64

{payload}
--INNER--

--OUTER--
"""
open(out, "w").write(msg)
