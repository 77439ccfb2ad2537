"""Take screenshots of a running ITSM server as a given user, in headless
Chromium, at desktop and phone size.

    .venv/bin/python setup/screenshot.py --url http://localhost:8069 \\
        --login itsm_agent --path /odoo/itsm-tickets --out /tmp/shots [--lang zh_CN]

Logs in through /web/session/authenticate, hands the session cookie to
Chromium over the DevTools protocol and writes <out>/<name>-desktop.png and
<out>/<name>-phone.png.
"""

import argparse
import base64
import json
import subprocess
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import websocket

SIZES = {"desktop": (1440, 900, False), "phone": (390, 844, True)}


def authenticate(url, db, login, password):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = json.dumps(
        {"params": {"db": db, "login": login, "password": password}}
    ).encode()
    request = urllib.request.Request(
        f"{url}/web/session/authenticate",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    answer = json.load(opener.open(request))
    if answer.get("error"):
        raise SystemExit(f"Login failed for {login}: {answer['error']['message']}")
    return next(cookie.value for cookie in jar if cookie.name == "session_id")


def set_lang(url, session, lang):
    request = urllib.request.Request(
        f"{url}/web/dataset/call_kw/res.users/write",
        data=json.dumps(
            {
                "params": {
                    "model": "res.users",
                    "method": "write",
                    "args": [[], {"lang": lang}],
                    "kwargs": {},
                }
            }
        ).encode(),
        headers={"Content-Type": "application/json", "Cookie": f"session_id={session}"},
    )
    # The current user's own id is resolved server-side from the session.
    uid_request = urllib.request.Request(
        f"{url}/web/session/get_session_info",
        data=b'{"params": {}}',
        headers={"Content-Type": "application/json", "Cookie": f"session_id={session}"},
    )
    uid = json.load(urllib.request.urlopen(uid_request))["result"]["uid"]
    payload = json.loads(request.data)
    payload["params"]["args"][0] = [uid]
    request.data = json.dumps(payload).encode()
    answer = json.load(urllib.request.urlopen(request))
    if answer.get("error"):
        raise SystemExit(
            f"Cannot switch to {lang}: {answer['error']['data']['message']}"
        )


class Chromium:
    def __init__(self, port=9333):
        self.profile = tempfile.mkdtemp(prefix="itsm-chromium-")
        self.process = subprocess.Popen(
            [
                "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            try:
                targets = json.load(
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/json")
                )
                page = next(t for t in targets if t["type"] == "page")
                break
            except (OSError, StopIteration):
                time.sleep(0.2)
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"])
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                return message.get("result", {})

    def close(self):
        self.ws.close()
        self.process.terminate()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="itsm")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password")
    parser.add_argument("--path", action="append", required=True)
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--lang")
    parser.add_argument("--wait", type=float, default=4.0)
    args = parser.parse_args()

    session = authenticate(args.url, args.db, args.login, args.password or args.login)
    if args.lang:
        set_lang(args.url, session, args.lang)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    browser = Chromium()
    try:
        browser.call("Network.enable")
        host = args.url.split("//", 1)[1].split(":")[0].split("/")[0]
        browser.call(
            "Network.setCookie", name="session_id", value=session, domain=host, path="/"
        )
        for path in args.path:
            name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
            for size, (width, height, mobile) in SIZES.items():
                browser.call(
                    "Emulation.setDeviceMetricsOverride",
                    width=width,
                    height=height,
                    deviceScaleFactor=1,
                    mobile=mobile,
                )
                browser.call("Page.navigate", url=f"{args.url}{path}")
                time.sleep(args.wait)
                shot = browser.call("Page.captureScreenshot", format="png")
                target = out / f"{args.login}-{name}-{args.lang or 'en'}-{size}.png"
                target.write_bytes(base64.b64decode(shot["data"]))
                print(target)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
