#!/usr/bin/env python3
"""Opens a report page of `smtpcode logs --report` in headless Chromium, driven over the
DevTools protocol on a pipe (--remote-debugging-pipe: no port, no extra package), and checks
it as a reader would see it:

  * at 1280 px and at a phone's 390 px, in light mode, and at 1280 px in dark mode: the page
    loads, nothing is written to the console at error level (a script error, a blocked
    request, a security-policy violation), no request leaves the page;
  * every chart (svg.chart) has a size on the page and marks drawn in it (bars, lines, dots
    with a size);
  * the page is not wider than the window (the charts scroll inside their box on a phone);
  * dark mode changes the colours.

Screenshots of the whole page go to OUT_DIR (report-1280.png, report-390.png,
report-1280-dark.png).

    browser.py CHROMIUM REPORT.html OUT_DIR
    browser.py CHROMIUM REPORT.html --readme FILE.png   (the README's picture: the top of the
                                                        page at 1280 px, scaled down)
"""

import base64
import json
import os
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self, chromium):
        self.profile = tempfile.TemporaryDirectory(prefix="smtpcode-chromium-")
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def fds():
            # The protocol's pipe: the browser reads commands on fd 3 and writes on fd 4.
            r, w = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
             "--remote-debugging-pipe", f"--user-data-dir={self.profile.name}", "about:blank"],
            pass_fds=(3, 4), preexec_fn=fds,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def send(self, method, params=None, session=True, timeout=30):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            m = self.read(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m["result"]
            self.events.append(m)

    def read(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.from_child, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def wait_for(self, method, timeout=30):
        deadline = time.time() + timeout
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                del self.events[i]
                return e
        while True:
            m = self.read(deadline)
            if m.get("method") == method:
                return m
            self.events.append(m)

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.profile.cleanup()


CHECK = """(() => {
  const charts = [...document.querySelectorAll('svg.chart')].map(svg => {
    const r = svg.getBoundingClientRect();
    const marks = [...svg.querySelectorAll('rect,path,circle')].filter(m => {
      const b = m.getBBox(); return b.width + b.height > 0; }).length;
    return {label: svg.getAttribute('aria-label'), width: r.width, height: r.height, marks};
  });
  return JSON.stringify({charts, scrollWidth: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
    background: getComputedStyle(document.body).backgroundColor,
    tables: document.querySelectorAll('table').length});
})()"""


def problems_in(events):
    """Console errors, exceptions and requests seen in the protocol's events."""
    found = []
    for e in events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            found.append(f"console.{p['type']}: {p.get('args')}")
        elif m == "Runtime.exceptionThrown":
            found.append(f"exception: {p.get('exceptionDetails', {}).get('text')}")
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            found.append(f"log error: {p['entry'].get('text')}")
        elif m == "Network.requestWillBeSent":
            url = p.get("request", {}).get("url", "")
            if not url.startswith(("file:", "data:", "about:")):
                found.append(f"request: {url}")
    return found


def open_page(b, url, width, dark):
    b.send("Emulation.setDeviceMetricsOverride",
           {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
    b.send("Emulation.setEmulatedMedia",
           {"features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]})
    b.events.clear()
    b.send("Page.navigate", {"url": url})
    b.wait_for("Page.loadEventFired")
    time.sleep(0.3)
    return json.loads(b.send("Runtime.evaluate", {"expression": CHECK, "returnByValue": True})
                      ["result"]["value"])


def shot(b, path, width, height, scale=1.0):
    data = b.send("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": scale}})["data"]
    with open(path, "wb") as f:
        f.write(base64.b64decode(data))


def main():
    chromium, page = sys.argv[1], os.path.abspath(sys.argv[2])
    url = "file://" + page
    b = Browser(chromium)
    failures = []
    try:
        target = b.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        b.session = b.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                           session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            b.send(f"{domain}.enable")
        if sys.argv[3] == "--readme":
            open_page(b, url, 1280, False)
            shot(b, sys.argv[4], 1280, 1180, 0.6)
            print(f"wrote {sys.argv[4]} ({os.path.getsize(sys.argv[4]) // 1024} KiB)")
            return 0
        out = sys.argv[3]
        backgrounds = {}
        for width, dark in ((1280, False), (390, False), (1280, True)):
            name = f"report-{width}{'-dark' if dark else ''}"
            info = open_page(b, url, width, dark)
            seen = problems_in(b.events)
            failures += [f"{name}: {p}" for p in seen]
            charts = info["charts"]
            if len(charts) < 4:
                failures.append(f"{name}: {len(charts)} charts, expected at least 4")
            for c in charts:
                if c["width"] < 50 or c["height"] < 50 or c["marks"] < 1:
                    failures.append(f"{name}: chart {c['label']!r} has not drawn: {c}")
            if info["scrollWidth"] > width:
                failures.append(f"{name}: the page is {info['scrollWidth']} px wide")
            backgrounds[dark] = info["background"]
            path = os.path.join(out, name + ".png")
            shot(b, path, width, info["height"])
            print(f"{name}: {len(charts)} charts drawn "
                  f"({', '.join(str(c['marks']) for c in charts)} marks), {info['tables']} tables, "
                  f"{info['height']} px high, no console error -> {path}")
        if backgrounds[False] == backgrounds[True]:
            failures.append(f"dark mode has the same background: {backgrounds}")
    finally:
        b.close()
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
