#!/usr/bin/env python3
"""Writes a synthetic Postfix mail log of N lines (default 1,000,000) to stdout, for the
`smtpcode logs` benchmark (scripts/bench-logs.sh). Each message goes through smtpd, cleanup,
qmgr, one to three delivery attempts (sent, deferred, bounced, with the replies real servers
give) and removal, as a busy relay logs it; about a third of the lines are delivery results.
Deterministic: the same N gives the same file."""

import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else 1_000_000
rnd = random.Random(18)
REPLIES = [
    ("sent", "2.0.0", "250 2.0.0 Ok: queued as {q2}"),
    ("sent", "2.0.0", "250 2.0.0 OK  1741501503 d9443c01a7336-2238a3b2e1csi8123264{q2} - gsmtp"),
    ("sent", "2.6.0", "250 2.6.0 <{mid}> [InternalId=1] Queued mail for delivery"),
    ("bounced", "5.1.1", "host {mx}[203.0.113.40] said: 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)"),
    ("bounced", "5.1.1", "host {mx}[198.51.100.26] said: 550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser a1si123 - gsmtp (in reply to RCPT TO command)"),
    ("bounced", "5.7.1", "host {mx}[203.0.113.7] said: 554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org (in reply to RCPT TO command)"),
    ("deferred", "4.2.0", "host {mx}[203.0.113.77] said: 450 4.2.0 <{rcpt}>: Recipient address rejected: Greylisted, see http://postgrey.example/help (in reply to RCPT TO command)"),
    ("deferred", "4.7.0", "host {mx}[203.0.113.5] said: 421 4.7.0 [TSS04] Messages from 192.0.2.10 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1 (in reply to MAIL FROM command)"),
    ("deferred", "4.4.1", "connect to {mx}[198.51.100.90]:25: Connection timed out"),
    ("deferred", "4.2.2", "host {mx}[203.0.113.8] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)"),
]
WEIGHTS = [40, 20, 10, 6, 4, 2, 6, 4, 4, 4]
DOMAINS = ["gmail.example", "yahoo.example", "outlook.example", "corp.example", "mail.example.se",
           "shop.example.org", "web.example", "orange.example"] + [f"d{i}.example" for i in range(200)]


def gen_days(deliveries, days):
    """`gen-maillog.py --days D --deliveries N`: N delivery results (status= lines) spread
    evenly over D days from Monday 2 March (traditional syslog times: read them with
    --year 2026), to mailbox providers that answer in their own words (Gmail, Microsoft,
    Yahoo, Apple) and to other domains; Yahoo's deferrals grow over the last days, as a
    provider's throttling does."""
    r = random.Random(16)
    prov = {
        "gmail.example": ["250 2.0.0 OK  1741501503 d9443c01a7336-2238a3b2e1csi81232{q2} - gsmtp",
                          REPLIES[4][2],
                          "host {mx}[198.51.100.26] said: 550 5.7.1 Our system has detected an unusual rate of unsolicited mail originating from your IP address. gsmtp (in reply to end of DATA command)"],
        "outlook.example": ["250 2.6.0 <{mid}> [InternalId=1] Queued mail for delivery (S2017062302)",
                            "host {mx}[203.0.113.50] said: 550 5.1.1 <{rcpt}>: Recipient address rejected: Access denied. AS(201806281) [x.prod.protection.outlook.com] (in reply to RCPT TO command)",
                            "host {mx}[203.0.113.50] said: 451 4.7.650 The mail server [192.0.2.10] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://aka.ms/postmaster (S775) (in reply to MAIL FROM command)"],
        "yahoo.example": ["250 2.0.0 ok dirdel",
                          "host {mx}[203.0.113.60] said: 554 30 Sorry, your message to {rcpt} cannot be delivered. This mailbox is disabled (554.30). (in reply to end of DATA command)",
                          REPLIES[7][2]],
        "icloud.example": ["250 2.0.0 Ok: queued as {q2}",
                           "host {mx}[203.0.113.70] said: 554 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137 (in reply to end of DATA command)",
                           REPLIES[8][2]],
    }
    other = [d for d in DOMAINS if d not in prov][:60]
    span = days * 86400
    q = 0x3C4D5E
    for i in range(deliveries):
        t = i * span // deliveries + r.randrange(0, max(1, span // deliveries))
        day, sec = divmod(t, 86400)
        ts = f"Mar {2 + day:2} {sec // 3600:02}:{sec // 60 % 60:02}:{sec % 60:02}"
        q += 3
        qid = f"{q:X}{r.randrange(16**4):04X}"
        dom = r.choice(list(prov) * 3 + other)
        rcpt = f"user{r.randrange(20000)}@{dom}"
        worse = dom == "yahoo.example" and day >= days - 3
        roll = r.random()
        if dom in prov:
            ok, hard, soft = prov[dom]
            if roll < (0.30 if worse else 0.04):
                st, dsn, text = "deferred", "4.7.0", soft
            elif roll < (0.36 if worse else 0.09):
                st, dsn, text = "bounced", "5.1.1", hard
            else:
                st, dsn, text = "sent", "2.0.0", ok
        else:
            st, dsn, text = r.choices(REPLIES, WEIGHTS)[0]
        text = text.format(q2=f"{r.randrange(16**10):010X}", mid=f"{qid}@corp", mx=f"mx.{dom}", rcpt=rcpt)
        print(f"{ts} relay1 postfix/qmgr[1187]: {qid}: from=<news@corp.example>, size=4242, nrcpt=1 (queue active)")
        print(f"{ts} relay1 postfix/smtp[{2000 + i % 900}]: {qid}: to=<{rcpt}>, relay=mx.{dom}[203.0.113.{i % 250}]:25, "
              f"delay=1.2, delays=0.05/0.01/0.4/0.7, dsn={dsn}, status={st} ({text})")


if "--days" in sys.argv:
    a = sys.argv
    gen_days(int(a[a.index("--deliveries") + 1]) if "--deliveries" in a else 10_000, int(a[a.index("--days") + 1]))
    sys.exit(0)

out = sys.stdout
written = 0
t = 0
qn = 0x1A2B3C
while written < n:
    qn += 7
    q = f"{qn:X}{rnd.randrange(16**4):04X}"
    pid = rnd.randrange(1000, 60000)
    t += rnd.randrange(0, 2)
    h, m, s = (t // 3600) % 24, (t // 60) % 60, t % 60
    ts = f"Mar  9 {h:02}:{m:02}:{s:02}"
    ip = f"192.0.2.{rnd.randrange(1, 255)}"
    lines = [
        f"{ts} relay1 postfix/smtpd[{pid}]: connect from app{pid % 9}.corp.example[{ip}]",
        f"{ts} relay1 postfix/smtpd[{pid}]: {q}: client=app{pid % 9}.corp.example[{ip}]",
        f"{ts} relay1 postfix/cleanup[{pid + 3}]: {q}: message-id=<{q}.{pid}@app.corp.example>",
        f"{ts} relay1 postfix/qmgr[1187]: {q}: from=<sender{pid % 97}@corp.example>, size={rnd.randrange(900, 90000)}, nrcpt=1 (queue active)",
        f"{ts} relay1 postfix/smtpd[{pid}]: disconnect from app{pid % 9}.corp.example[{ip}] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5",
    ]
    dom = rnd.choice(DOMAINS)
    rcpt = f"user{rnd.randrange(100000)}@{dom}"
    for attempt in range(rnd.choice([1, 1, 1, 2, 3])):
        st, dsn, text = rnd.choices(REPLIES, WEIGHTS)[0]
        text = text.format(q2=f"{rnd.randrange(16**10):010X}", mid=f"{q}@corp", mx=f"mx.{dom}", rcpt=rcpt)
        lines.append(
            f"{ts} relay1 postfix/smtp[{pid + 9}]: {q}: to=<{rcpt}>, relay=mx.{dom}[203.0.113.{pid % 250}]:25, "
            f"delay=1.{attempt}, delays=0.05/0.01/0.4/0.7, dsn={dsn}, status={st} ({text})")
        if st != "deferred":
            break
    lines.append(f"{ts} relay1 postfix/qmgr[1187]: {q}: removed")
    for l in lines:
        if written >= n:
            break
        out.write(l + "\n")
        written += 1
