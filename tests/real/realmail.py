#!/usr/bin/env python3
"""Real Postfix and Exim on 127.0.0.1, driven by a real SMTP client, checked against smtpcode.

Started by tests/real/run.sh (which installs the packages); see README.md, "Real servers".

Both servers run from private configuration files and spools in one temporary folder, listen on
free high ports of 127.0.0.1 only, never look anything up in DNS, and have no route off the
machine: Postfix's transports go to the Exim instance, to a closed port of 127.0.0.1, to its own
virtual mailboxes, or to `error:`; Exim's routers go to the Postfix instance, to the closed port,
to its own mailbox files, or to `:fail:`. Every daemon started here is stopped by its pid when the
run ends, whether it passed, failed or was interrupted.

The scenarios (unknown user, full mailbox, relay denied, greylisting, size limit, DNSBL-style
block, TLS required by the receiver and by the sender, rate limit, remote refusal turned into a
DSN, deferral that expires) are sent with smtplib. Then:

- the replies the client saw go through `smtpcode classify --command ...`,
- each server's own log (Postfix `maillog_file` through postlogd, Exim's mainlog) through
  `smtpcode logs`,
- the DSNs each server delivered into its local sender mailbox through `smtpcode bounce`,

and every record is compared with tests/data/real/expected.tsv. Every expected row must be met,
and every log event and DSN record about a scenario address must be expected; mismatches are
printed as a table and fail the run.
"""

import argparse
import csv
import json
import os
import pwd
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXPECTED = os.path.join(ROOT, "tests", "data", "real", "expected.tsv")

# Domains: local.test is Postfix's (virtual mailboxes), remote.test is Exim's (mailbox files),
# down.test goes to a closed port (deferrals), anything else is refused or fails.
PF_DOMAIN = "local.test"
EX_DOMAIN = "remote.test"
DOWN_DOMAIN = "down.test"
# Each server must use TLS to this domain (Postfix smtp_tls_policy_maps, Exim hosts_require_tls),
# and the other server, which takes its mail, does not offer it.
TLS_DOMAIN = "tls.test"
CLIENT_HELO = "client.test"

# Message lifetime (Postfix maximal_queue_lifetime, Exim retry cutoff for down.test), seconds.
LIFETIME = 12
# Mailbox limits: Postfix virtual_mailbox_limit and Exim appendfile quota for the full mailboxes.
SIZE_LIMIT = 20000
PF_MAILBOX_LIMIT = 40000


def free_ports(n):
    """Return n distinct TCP ports of 127.0.0.1 that were free a moment ago."""
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def write(path, text, mode=0o644):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, mode)


def run(cmd, check=True, **kw):
    """Run a command, print it on failure, return its CompletedProcess."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if check and p.returncode != 0:
        raise RuntimeError(
            "command failed (%d): %s\n%s%s" % (p.returncode, " ".join(cmd), p.stdout, p.stderr)
        )
    return p


def message(sender, rcpt, subject, size=0):
    body = "This is a test message of smtpcode's real-server suite.\r\n"
    if size:
        line = "x" * 76 + "\r\n"
        body += line * (size // len(line) + 1)
    return (
        "From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nMessage-ID: <%s.%d@client.test>\r\n\r\n%s"
        % (sender, rcpt, subject, subject.replace(" ", "-"), time.time_ns(), body)
    )


class Session:
    """One SMTP conversation that records every reply (command, code, text)."""

    def __init__(self, port, tls=False):
        self.smtp = smtplib.SMTP("127.0.0.1", port, local_hostname=CLIENT_HELO, timeout=30)
        self.replies = []
        self.smtp.ehlo()
        if tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            code, text = self.smtp.starttls(context=ctx)
            self.note("starttls", code, text)
            self.smtp.ehlo()

    def note(self, command, code, text):
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        self.replies.append((command, code, " ".join(text.split("\n"))))
        return code

    def send(self, sender, rcpts, data, size=True):
        """MAIL, RCPT..., DATA; stops at the first refusal; returns the refusal or None."""
        opts = ["SIZE=%d" % len(data.encode())] if size and self.smtp.has_extn("size") else []
        code, text = self.smtp.mail(sender, opts)
        if self.note("mail", code, text) >= 400:
            self.smtp.rset()
            return self.replies[-1]
        ok = 0
        for r in rcpts:
            code, text = self.smtp.rcpt(r)
            if self.note("rcpt", code, text) >= 400:
                refusal = self.replies[-1]
            else:
                ok += 1
        if not ok:
            self.smtp.rset()
            return refusal
        code, text = self.smtp.data(data.encode())
        if self.note("end_of_data", code, text) >= 400:
            return self.replies[-1]
        return None

    def close(self):
        try:
            self.smtp.quit()
        except (smtplib.SMTPException, OSError):
            self.smtp.close()


class Daemons:
    """Every daemon started here, stopped by pid on exit."""

    def __init__(self):
        self.pidfiles = []  # (name, pidfile)
        self.pids = {}

    def started(self, name, pidfile, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with open(pidfile, encoding="ascii") as f:
                    pid = int(f.read().split()[0])
                self.pids[name] = pid
                return pid
            except (OSError, ValueError, IndexError):
                time.sleep(0.1)
        raise RuntimeError("%s did not write its pid file %s" % (name, pidfile))

    def stop_all(self):
        for name, pid in list(self.pids.items()):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                del self.pids[name]
        deadline = time.time() + 10
        while self.pids and time.time() < deadline:
            for name, pid in list(self.pids.items()):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    del self.pids[name]
            time.sleep(0.1)
        for name, pid in list(self.pids.items()):
            print("real: %s (pid %d) did not stop on SIGTERM; SIGKILL" % (name, pid), file=sys.stderr)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            del self.pids[name]


# ---------------------------------------------------------------------------------------------
# Postfix


def postfix_setup(w, ports, tls_cert, tls_key):
    conf = os.path.join(w, "postfix")
    os.makedirs(conf)
    queue = os.path.join(w, "postfix-queue")
    data = os.path.join(w, "postfix-data")
    mail = os.path.join(w, "postfix-mail")
    for d in (queue, data, mail):
        os.makedirs(d)
    nobody = pwd.getpwnam("nobody")
    os.chown(mail, nobody.pw_uid, nobody.pw_gid)
    post = pwd.getpwnam("postfix")
    os.chown(data, post.pw_uid, post.pw_gid)
    # The full mailbox: already a few bytes short of virtual_mailbox_limit.
    full = os.path.join(mail, "full")
    write(full, "From old@client.test Thu Jan  1 00:00:00 2026\n" + ("y" * 79 + "\n") * (PF_MAILBOX_LIMIT // 80 - 20) + "\n", 0o600)
    os.chown(full, nobody.pw_uid, nobody.pw_gid)
    main = {
        "compatibility_level": "3.6",
        "queue_directory": queue,
        "data_directory": data,
        "mail_owner": "postfix",
        "setgid_group": "postdrop",
        "myhostname": "mx." + PF_DOMAIN,
        "mydomain": PF_DOMAIN,
        "myorigin": PF_DOMAIN,
        "mydestination": "",
        "inet_interfaces": "127.0.0.1",
        "inet_protocols": "ipv4",
        "mynetworks": "192.0.2.1/32",
        "disable_dns_lookups": "yes",
        "smtp_dns_support_level": "disabled",
        "smtp_host_lookup": "native",
        "lmtp_host_lookup": "native",
        "smtpd_peername_lookup": "no",
        "relay_domains": "%s %s %s" % (EX_DOMAIN, DOWN_DOMAIN, TLS_DOMAIN),
        "transport_maps": "texthash:" + os.path.join(conf, "transport"),
        "default_transport": "error:5.4.4 no route off this test machine",
        "relay_transport": "error:5.4.4 no route off this test machine",
        "local_transport": "error:5.1.1 no local delivery on this test machine",
        "virtual_mailbox_domains": PF_DOMAIN,
        "virtual_mailbox_maps": "texthash:" + os.path.join(conf, "vmailbox"),
        "virtual_mailbox_base": mail,
        "virtual_uid_maps": "static:%d" % nobody.pw_uid,
        "virtual_gid_maps": "static:%d" % nobody.pw_gid,
        "virtual_minimum_uid": "100",
        "virtual_mailbox_limit": str(PF_MAILBOX_LIMIT),
        "message_size_limit": str(SIZE_LIMIT),
        "maillog_file": os.path.join(w, "postfix.log"),
        "maillog_file_prefixes": w,
        "smtpd_banner": "$myhostname ESMTP",
        "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
        "smtpd_recipient_restrictions": "check_recipient_access texthash:" + os.path.join(conf, "rcpt_access"),
        "maximal_queue_lifetime": "%ds" % LIFETIME,
        "bounce_queue_lifetime": "%ds" % LIFETIME,
        "queue_run_delay": "2s",
        "minimal_backoff_time": "2s",
        "maximal_backoff_time": "4s",
        "smtp_connect_timeout": "5s",
        "delay_warning_time": "0h",
        "biff": "no",
        "alias_maps": "",
        "alias_database": "",
        "smtputf8_enable": "no",
        "smtp_tls_security_level": "none",
        "smtp_tls_policy_maps": "texthash:" + os.path.join(conf, "tls_policy"),
        "smtpd_tls_security_level": "none",
    }
    write(os.path.join(conf, "main.cf"), "".join("%s = %s\n" % kv for kv in main.items()))
    tls = "-o smtpd_tls_security_level=encrypt -o smtpd_tls_cert_file=%s -o smtpd_tls_key_file=%s" % (tls_cert, tls_key)
    rate = "-o smtpd_client_message_rate_limit=2 -o smtpd_client_event_limit_exceptions="
    dnsbl = "-o smtpd_client_restrictions=check_client_access,texthash:" + os.path.join(conf, "client_access")
    services = [
        ("127.0.0.1:%d" % ports["pf"], "inet", "n", "-", "n", "-", "-", "smtpd"),
        ("127.0.0.1:%d" % ports["pf_tls"], "inet", "n", "-", "n", "-", "-", "smtpd " + tls),
        ("127.0.0.1:%d" % ports["pf_rate"], "inet", "n", "-", "n", "-", "-", "smtpd " + rate),
        ("127.0.0.1:%d" % ports["pf_bl"], "inet", "n", "-", "n", "-", "-", "smtpd " + dnsbl),
        ("pickup", "unix", "n", "-", "n", "60", "1", "pickup"),
        ("cleanup", "unix", "n", "-", "n", "-", "0", "cleanup"),
        ("qmgr", "unix", "n", "-", "n", "300", "1", "qmgr"),
        ("tlsmgr", "unix", "-", "-", "n", "1000?", "1", "tlsmgr"),
        ("rewrite", "unix", "-", "-", "n", "-", "-", "trivial-rewrite"),
        ("bounce", "unix", "-", "-", "n", "-", "0", "bounce"),
        ("defer", "unix", "-", "-", "n", "-", "0", "bounce"),
        ("trace", "unix", "-", "-", "n", "-", "0", "bounce"),
        ("verify", "unix", "-", "-", "n", "-", "1", "verify"),
        ("flush", "unix", "n", "-", "n", "1000?", "0", "flush"),
        ("proxymap", "unix", "-", "-", "n", "-", "-", "proxymap"),
        ("smtp", "unix", "-", "-", "n", "-", "-", "smtp"),
        ("relay", "unix", "-", "-", "n", "-", "-", "smtp"),
        ("showq", "unix", "n", "-", "n", "-", "-", "showq"),
        ("error", "unix", "-", "-", "n", "-", "-", "error"),
        ("retry", "unix", "-", "-", "n", "-", "-", "error"),
        ("discard", "unix", "-", "-", "n", "-", "-", "discard"),
        ("local", "unix", "-", "n", "n", "-", "-", "local"),
        ("virtual", "unix", "-", "n", "n", "-", "-", "virtual"),
        ("anvil", "unix", "-", "-", "n", "-", "1", "anvil"),
        ("scache", "unix", "-", "-", "n", "-", "1", "scache"),
        ("postlog", "unix-dgram", "n", "-", "n", "-", "1", "postlogd"),
    ]
    write(os.path.join(conf, "master.cf"), "".join(" ".join(s) + "\n" for s in services))
    write(
        os.path.join(conf, "transport"),
        "%s smtp:[127.0.0.1]:%d\n%s smtp:[127.0.0.1]:%d\n%s smtp:[localhost]:%d\n"
        % (EX_DOMAIN, ports["ex"], DOWN_DOMAIN, ports["dead"], TLS_DOMAIN, ports["ex"]),
    )
    write(os.path.join(conf, "tls_policy"), "[localhost]:%d encrypt\n" % ports["ex"])
    users = ["bob", "ok", "full", "ok-tls", "ok-rate", "postmaster", "grey"]
    write(os.path.join(conf, "vmailbox"), "".join("%s@%s %s\n" % (u, PF_DOMAIN, u) for u in users))
    write(
        os.path.join(conf, "rcpt_access"),
        "grey@%s 450 4.7.1 Greylisted: this client is new here, try again in 5 minutes\n" % PF_DOMAIN,
    )
    write(
        os.path.join(conf, "client_access"),
        "127.0.0.1 554 Service unavailable; Client host [127.0.0.1] blocked using bl.example.test\n",
    )
    return conf


def postfix_start(conf, daemons):
    run(["postfix", "-c", conf, "check"])
    run(["postfix", "-c", conf, "start"])
    queue = run(["postconf", "-c", conf, "-h", "queue_directory"]).stdout.strip()
    daemons.started("postfix master", os.path.join(queue, "pid", "master.pid"))


def postfix_queue_empty(conf):
    p = run(["postqueue", "-c", conf, "-p"], check=False)
    return "Mail queue is empty" in p.stdout


# ---------------------------------------------------------------------------------------------
# Exim


def exim_command(exim, w):
    """The command prefix that runs this Exim binary.

    Debian's exim4 is built for the user Debian-exim. When the machine has no such user (the
    binary was unpacked, not installed), Exim runs in a private mount namespace in which
    /etc/passwd and /etc/group are copies that add it (uid/gid of nobody/nogroup); the machine's
    own files are not changed."""
    try:
        pwd.getpwnam("Debian-exim")
        return [exim]
    except KeyError:
        pass
    passwd = os.path.join(w, "exim-passwd")
    group = os.path.join(w, "exim-group")
    nobody = pwd.getpwnam("nobody")
    with open("/etc/passwd", encoding="utf-8") as f:
        write(passwd, f.read() + "Debian-exim:x:%d:%d::/nonexistent:/usr/sbin/nologin\n" % (nobody.pw_uid, nobody.pw_gid))
    with open("/etc/group", encoding="utf-8") as f:
        write(group, f.read() + "Debian-exim:x:%d:\n" % nobody.pw_gid)
    script = 'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group && shift 2 && exec "$@"'
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "exim-ns", passwd, group, exim]


def exim_uid():
    try:
        p = pwd.getpwnam("Debian-exim")
        return p.pw_uid, p.pw_gid
    except KeyError:
        p = pwd.getpwnam("nobody")
        return p.pw_uid, p.pw_gid


def exim_setup(w, ports, exim):
    spool = os.path.join(w, "exim-spool")
    logdir = os.path.join(w, "exim-log")
    mail = os.path.join(w, "exim-mail")
    uid, gid = exim_uid()
    for d in (spool, logdir, mail):
        os.makedirs(d)
        os.chown(d, uid, gid)
        os.chmod(d, 0o750)
    full = os.path.join(mail, "full")
    write(full, "From old@client.test Thu Jan  1 00:00:00 2026\n" + ("y" * 79 + "\n") * 240 + "\n", 0o600)
    os.chown(full, uid, gid)
    conf = os.path.join(w, "exim.conf")
    text = """\
exim_path = {exim}
primary_hostname = mx.{ex}
qualify_domain = {ex}
domainlist local_domains = {ex}
domainlist relay_to_domains = {pf} : {down} : {tlsd}
hostlist relay_from_hosts =
spool_directory = {spool}
log_file_path = {logdir}/%slog
log_selector = +smtp_confirmation
local_interfaces = 127.0.0.1
daemon_smtp_ports = {ex_port} : {ex_rate} : {ex_bl}
message_size_limit = {size}
never_users = root
trusted_users = root
rfc1413_query_timeout = 0s
tls_advertise_hosts =
keep_environment =
check_spool_space = 0
check_log_space = 0
acl_smtp_mail = acl_check_mail
acl_smtp_rcpt = acl_check_rcpt
ignore_bounce_errors_after = 1m
timeout_frozen_after = 2m

begin acl

acl_check_mail:
  defer condition = ${{if eq{{$received_port}}{{{ex_rate}}}}}
        ratelimit = 2 / 1h / per_mail / $sender_host_address
        message = Sender rate overlimit - $sender_rate / $sender_rate_period
  accept

acl_check_rcpt:
  deny  condition = ${{if eq{{$received_port}}{{{ex_bl}}}}}
        message = rejected because $sender_host_address is in a black list at bl.example.test
  defer recipients = grey@{ex}
        message = 451 4.7.1 Greylisted: this client is new here, try again in 5 minutes
  require message = relay not permitted
        domains = +local_domains : +relay_to_domains
  require verify = recipient
  accept

begin routers

to_postfix:
  driver = manualroute
  domains = {pf}
  transport = to_postfix
  route_list = * 127.0.0.1
  self = send
  no_more

to_down:
  driver = manualroute
  domains = {down}
  transport = to_down
  route_list = * 127.0.0.1
  self = send
  no_more

to_tls:
  driver = manualroute
  domains = {tlsd}
  transport = to_postfix_tls
  route_list = * 127.0.0.1
  self = send
  no_more

local_user:
  driver = accept
  domains = +local_domains
  local_parts = bob : ok : full : grey : ok-rate
  transport = local_delivery

nowhere:
  driver = redirect
  domains = ! +local_domains
  data = :fail: no route off this test machine

begin transports

to_postfix:
  driver = smtp
  port = {pf_port}
  allow_localhost
  hosts_avoid_tls = *

to_postfix_tls:
  driver = smtp
  port = {pf_rate}
  allow_localhost
  hosts_require_tls = *

to_down:
  driver = smtp
  port = {dead}
  allow_localhost
  hosts_avoid_tls = *

local_delivery:
  driver = appendfile
  file = {mail}/${{local_part_data}}
  user = Debian-exim
  group = Debian-exim
  mode = 0600
  delivery_date_add
  envelope_to_add
  return_path_add
  quota = ${{if eq{{$local_part}}{{full}}{{20K}}{{}}}}

begin retry

{down}  *      F,{life}s,3s
{tlsd}  *      F,{life}s,3s
*       quota
*       *      F,1m,10s
""".format(
        exim=exim,
        ex=EX_DOMAIN,
        pf=PF_DOMAIN,
        down=DOWN_DOMAIN,
        tlsd=TLS_DOMAIN,
        spool=spool,
        logdir=logdir,
        mail=mail,
        ex_port=ports["ex"],
        ex_rate=ports["ex_rate"],
        ex_bl=ports["ex_bl"],
        pf_port=ports["pf"],
        pf_rate=ports["pf_rate"],
        dead=ports["dead"],
        size=SIZE_LIMIT,
        life=LIFETIME,
    )
    write(conf, text)
    return conf


def exim_start(cmd, conf, w, daemons):
    pidfile = os.path.join(w, "exim.pid")
    version = run(cmd + ["-C", conf, "-bV"]).stdout.split("\n")[0]
    print("real: " + version.split(" #")[0].strip())
    run(cmd + ["-C", conf, "-bd", "-oP", pidfile])
    daemons.started("exim daemon", pidfile)


def exim_queue_count(cmd, conf):
    p = run(cmd + ["-C", conf, "-bpc"], check=False)
    try:
        return int(p.stdout.strip())
    except ValueError:
        return -1


# ---------------------------------------------------------------------------------------------
# Scenarios


def scenarios(ports, replies):
    """Drive every scenario; record the refusals the client saw in `replies`."""

    def record(scenario, server, refusal):
        if refusal is None:
            replies.append({"scenario": scenario, "server": server, "command": None, "code": None, "text": None})
        else:
            cmd, code, text = refusal
            replies.append({"scenario": scenario, "server": server, "command": cmd, "code": code, "text": "%d %s" % (code, text)})

    def one(scenario, server, port, sender, rcpt, size=0, tls=False, use_size=True):
        s = Session(port, tls=tls)
        try:
            record(scenario, server, s.send(sender, [rcpt], message(sender, rcpt, scenario, size), size=use_size))
        finally:
            s.close()

    pf, ex = "postfix", "exim"
    bob_pf, bob_ex = "bob@" + PF_DOMAIN, "bob@" + EX_DOMAIN
    # The deferrals that expire first: their lifetime runs while the others are sent.
    one("expired", pf, ports["pf"], bob_pf, "later@" + DOWN_DOMAIN)
    one("expired", ex, ports["ex"], bob_ex, "later@" + DOWN_DOMAIN)
    # TLS required by the sender's policy, not offered by the receiver: deferred, then expired.
    one("tls_required_out", pf, ports["pf"], bob_pf, "secure@" + TLS_DOMAIN)
    one("tls_required_out", ex, ports["ex"], bob_ex, "secure@" + TLS_DOMAIN)
    sent_at = time.time()
    one("delivered", pf, ports["pf"], "sender@client.test", "ok@" + PF_DOMAIN)
    one("delivered", ex, ports["ex"], "sender@client.test", "ok@" + EX_DOMAIN)
    one("unknown_user", pf, ports["pf"], "sender@client.test", "nobody@" + PF_DOMAIN)
    one("unknown_user", ex, ports["ex"], "sender@client.test", "nobody@" + EX_DOMAIN)
    one("relay_denied", pf, ports["pf"], "sender@client.test", "someone@elsewhere.test")
    one("relay_denied", ex, ports["ex"], "sender@client.test", "someone@elsewhere.test")
    one("greylisted", pf, ports["pf"], "sender@client.test", "grey@" + PF_DOMAIN)
    one("greylisted", ex, ports["ex"], "sender@client.test", "grey@" + EX_DOMAIN)
    one("size_limit", pf, ports["pf"], "sender@client.test", "ok@" + PF_DOMAIN, size=SIZE_LIMIT + 5000)
    one("size_limit", ex, ports["ex"], "sender@client.test", "ok@" + EX_DOMAIN, size=SIZE_LIMIT + 5000)
    one("blocklisted", pf, ports["pf_bl"], "sender@client.test", "ok@" + PF_DOMAIN)
    one("blocklisted", ex, ports["ex_bl"], "sender@client.test", "ok@" + EX_DOMAIN)
    one("tls_required", pf, ports["pf_tls"], "sender@client.test", "ok-tls@" + PF_DOMAIN)
    one("tls_delivered", pf, ports["pf_tls"], "sender@client.test", "ok-tls@" + PF_DOMAIN, tls=True)
    for server, port, rcpt in ((pf, ports["pf_rate"], "ok-rate@" + PF_DOMAIN), (ex, ports["ex_rate"], "ok-rate@" + EX_DOMAIN)):
        s = Session(port)
        try:
            refusal = None
            for i in range(6):
                refusal = s.send("sender@client.test", [rcpt], message("sender@client.test", rcpt, "rate limit %d" % i))
                if refusal:
                    break
            record("rate_limited", server, refusal)
        finally:
            s.close()
    # Accepted, then refused by the mailbox (DSN to bob).
    one("mailbox_full", pf, ports["pf"], bob_pf, "full@" + PF_DOMAIN, size=2000)
    one("mailbox_full", ex, ports["ex"], bob_ex, "full@" + EX_DOMAIN, size=2000)
    # Accepted, relayed to the other server, which refuses the recipient (DSN to bob).
    one("remote_refusal", pf, ports["pf"], bob_pf, "gone@" + EX_DOMAIN)
    one("remote_refusal", ex, ports["ex"], bob_ex, "gone@" + PF_DOMAIN)
    return sent_at


def wait_until(what, cond, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.5)
    print("real: timed out waiting for %s" % what, file=sys.stderr)
    return False


# ---------------------------------------------------------------------------------------------
# Checks


def smtpcode_json(cmd, stdin=None):
    p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), p.returncode, p.stderr))
    return [json.loads(line) for line in p.stdout.splitlines() if line.strip()]


def load_expected(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
        rows.append(row)
    return rows


FIELDS = ("recipient", "code", "status", "outcome", "bounce", "reason", "command")


def show(v):
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def actual_records(w, smtpcode):
    """The records of the three faces, each tagged with server and face."""
    out = []
    with open(os.path.join(w, "replies.json"), encoding="utf-8") as f:
        replies = json.load(f)
    for r in replies:
        if r["text"] is None:
            continue
        [rec] = smtpcode_json([smtpcode, "classify", "--format", "json", "--command", r["command"]], r["text"] + "\n")
        rec.update(server=r["server"], face="classify", scenario=r["scenario"], recipient=None, status=None, text=r["text"])
        out.append(rec)
    logs = {"postfix": os.path.join(w, "postfix.log"), "exim": os.path.join(w, "exim-log", "mainlog")}
    for server, path in logs.items():
        for rec in smtpcode_json([smtpcode, "logs", "--format", "json", path]):
            rec.update(server=server, face="logs")
            out.append(rec)
    boxes = {"postfix": os.path.join(w, "postfix-mail", "bob"), "exim": os.path.join(w, "exim-mail", "bob")}
    for server, path in boxes.items():
        if not os.path.exists(path):
            continue
        for rec in smtpcode_json([smtpcode, "bounce", "--format", "json", path]):
            rec.update(server=server, face="bounce", status=rec.get("dsn_action"), text=rec.get("diagnostic"))
            out.append(rec)
    return replies, out


def check(w, smtpcode, expected_path):
    expected = load_expected(expected_path)
    replies, records = actual_records(w, smtpcode)
    problems = []  # (scenario, server, face, key, field, expected, actual)
    known = []
    used = set()
    for row in expected:
        face, server = row["face"], row["server"]
        if face == "classify":
            cands = [i for i, r in enumerate(records) if r["face"] == face and r["server"] == server and r["scenario"] == row["scenario"]]
        else:
            cands = [
                i
                for i, r in enumerate(records)
                if r["face"] == face
                and r["server"] == server
                and row["recipient"] in (show(r.get("recipient")), show(r.get("original_recipient")))
                and show(r.get("status")) == row["status"]
                and row["match"] in (r.get("text") or "")
            ]
        key = "%s %s %s" % (row["recipient"], row["status"], row["match"]) if face != "classify" else "reply"
        if not cands:
            problems.append((row["scenario"], server, face, key, "record", "present", "missing"))
            continue
        used.update(cands)
        for i in cands:
            r = records[i]
            diffs = [(f, row[f], show(r.get(f))) for f in FIELDS if row[f] != show(r.get(f))]
            if row["known_miss"] not in ("", "-"):
                if diffs:
                    known.append((row, r, diffs))
                else:
                    problems.append((row["scenario"], server, face, key, "known_miss", row["known_miss"], "now passes: remove the mark"))
                continue
            for f, e, a in diffs:
                problems.append((row["scenario"], server, face, key, f, e, a + "  [" + (r.get("text") or "")[:90] + "]"))
    # Every log event and DSN record must be expected (nothing about the scenarios goes unchecked).
    for i, r in enumerate(records):
        if i not in used:
            problems.append(("?", r["server"], r["face"], "%s %s" % (show(r.get("recipient")), show(r.get("status"))), "record", "expected", "unexpected  [" + (r.get("text") or "")[:90] + "]"))
    return replies, records, problems, known


def table(rows, header):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    for r in [header] + rows:
        print("  " + "  ".join(str(x).ljust(wd) for x, wd in zip(r, widths)).rstrip())


# ---------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smtpcode", required=True)
    ap.add_argument("--exim", required=True, help="the exim4 binary (installed or unpacked)")
    ap.add_argument("--expected", default=EXPECTED)
    ap.add_argument("--workdir", help="keep everything in this new folder (default: a temporary one, removed when all passes)")
    ap.add_argument("--check-only", metavar="DIR", help="compare the results of an earlier --workdir run again; start nothing")
    ap.add_argument("--dump", action="store_true", help="print every record of the three faces")
    args = ap.parse_args()

    if args.check_only:
        w = args.check_only
    else:
        w = args.workdir or tempfile.mkdtemp(prefix="smtpcode-real.")
        os.makedirs(w, exist_ok=True)
        os.chmod(w, 0o755)
        daemons = Daemons()

        def on_signal(signum, _frame):
            raise SystemExit("real: stopped by signal %d" % signum)

        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, on_signal)
        t0 = time.time()
        try:
            names = ["pf", "pf_tls", "pf_rate", "pf_bl", "ex", "ex_rate", "ex_bl", "dead"]
            ports = dict(zip(names, free_ports(len(names))))
            cert, key = os.path.join(w, "cert.pem"), os.path.join(w, "key.pem")
            run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=mx." + PF_DOMAIN, "-keyout", key, "-out", cert])
            pf_conf = postfix_setup(w, ports, cert, key)
            ex_cmd = exim_command(args.exim, w)
            ex_conf = exim_setup(w, ports, os.path.abspath(args.exim))
            postfix_start(pf_conf, daemons)
            exim_start(ex_cmd, ex_conf, w, daemons)
            print("real: Postfix on 127.0.0.1:%d (+%d TLS, %d rate, %d block), Exim on 127.0.0.1:%d (+%d rate, %d block); files in %s"
                  % (ports["pf"], ports["pf_tls"], ports["pf_rate"], ports["pf_bl"], ports["ex"], ports["ex_rate"], ports["ex_bl"], w))
            replies = []
            try:
                sent_at = scenarios(ports, replies)
            finally:
                with open(os.path.join(w, "replies.json"), "w", encoding="utf-8") as f:
                    json.dump(replies, f, indent=1)
            # Let the lifetime of the deferred messages run out, then make both servers try again.
            time.sleep(max(0.0, sent_at + LIFETIME + 2 - time.time()))
            run(["postqueue", "-c", pf_conf, "-f"])
            run(ex_cmd + ["-C", ex_conf, "-qff"])
            wait_until("Postfix's queue to empty", lambda: postfix_queue_empty(pf_conf), 60)
            wait_until("Exim's queue to empty", lambda: exim_queue_count(ex_cmd, ex_conf) == 0, 60)
            time.sleep(1)  # the last log lines
        finally:
            daemons.stop_all()
        print("real: servers ran %.1f s" % (time.time() - t0))

    replies, records, problems, known = check(w, args.smtpcode, args.expected)
    if args.dump:
        for r in records:
            print("\t".join([r["face"], r["server"], show(r.get("scenario")), show(r.get("recipient"))] + [show(r.get(f)) for f in FIELDS] + [show(r.get("text"))]))
    print("real: %d records (classify %d, logs %d, bounce %d)" % (
        len(records), *(sum(1 for r in records if r["face"] == f) for f in ("classify", "logs", "bounce"))))
    if known:
        rows = [(row["scenario"], row["server"], row["face"], f, e, a, row["known_miss"][:70] + "...") for row, _r, diffs in known for f, e, a in diffs]
        print("real: %d known misses, marked in %s (not failures):" % (len(rows), os.path.relpath(args.expected, ROOT)))
        table(rows, ("scenario", "server", "face", "field", "expected", "smtpcode", "why"))
    if problems:
        print("real: FAILED: %d mismatches with %s (files kept in %s):" % (len(problems), os.path.relpath(args.expected, ROOT), w))
        table(problems, ("scenario", "server", "face", "record", "field", "expected", "smtpcode"))
        return 1
    print("real: passed")
    if not args.workdir and not args.check_only:
        shutil.rmtree(w, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
