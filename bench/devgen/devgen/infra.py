"""Accounts, network identity, user agents and activity schedules."""
import datetime as _dt
import hashlib

# country, IANA tz, utc offset (h), residential v4 /8-/16 prefixes, residential v6 prefix, consumer mail domains
COUNTRIES = [
    ("US", "America/New_York", -5, ["73.", "98.", "24.", "71.", "108."], "2601:", ["gmail.com", "yahoo.com", "outlook.com", "icloud.com"]),
    ("US", "America/Los_Angeles", -8, ["76.", "99.", "67.", "172.56."], "2600:1700:", ["gmail.com", "icloud.com", "hotmail.com"]),
    ("US", "America/Chicago", -6, ["68.", "75.", "174."], "2603:", ["gmail.com", "yahoo.com"]),
    ("CA", "America/Toronto", -5, ["142.", "174.", "99.2"], "2607:fea8:", ["gmail.com", "rogers.com", "outlook.com"]),
    ("GB", "Europe/London", 0, ["81.", "86.", "90.", "2.2"], "2a00:23c", ["gmail.com", "btinternet.com", "hotmail.co.uk"]),
    ("DE", "Europe/Berlin", 1, ["84.", "91.", "93.2", "79."], "2003:", ["gmx.de", "web.de", "gmail.com", "t-online.de"]),
    ("FR", "Europe/Paris", 1, ["86.2", "90.", "92.1", "82."], "2a01:cb", ["orange.fr", "gmail.com", "free.fr"]),
    ("ES", "Europe/Madrid", 1, ["83.", "88.", "79.1"], "2a0c:5a8", ["gmail.com", "hotmail.es"]),
    ("IN", "Asia/Kolkata", 5.5, ["49.", "106.", "117.", "223."], "2401:4900:", ["gmail.com", "yahoo.co.in", "rediffmail.com"]),
    ("CN", "Asia/Shanghai", 8, ["116.", "123.", "183.", "112.", "221."], "240e:", ["qq.com", "163.com", "126.com", "foxmail.com", "sina.com"]),
    ("HK", "Asia/Hong_Kong", 8, ["14.0", "58.1", "112.1"], "2404:c800:", ["gmail.com", "yahoo.com.hk", "netvigator.com"]),
    ("SG", "Asia/Singapore", 8, ["118.2", "116.8", "42.6"], "2406:3003:", ["gmail.com", "singnet.com.sg"]),
    ("TW", "Asia/Taipei", 8, ["1.16", "36.2", "114.3"], "2001:b011:", ["gmail.com", "yahoo.com.tw"]),
    ("JP", "Asia/Tokyo", 9, ["126.", "153.1", "60."], "2400:4050:", ["gmail.com", "yahoo.co.jp", "docomo.ne.jp"]),
    ("KR", "Asia/Seoul", 9, ["211.", "121.1", "175.2"], "2001:2d8:", ["naver.com", "gmail.com", "daum.net"]),
    ("BR", "America/Sao_Paulo", -3, ["177.", "179.", "187.", "189."], "2804:", ["gmail.com", "hotmail.com", "uol.com.br"]),
    ("MX", "America/Mexico_City", -6, ["187.1", "189.1", "201."], "2806:", ["gmail.com", "hotmail.com"]),
    ("AU", "Australia/Sydney", 11, ["101.1", "120.1", "1.12"], "2001:8003:", ["gmail.com", "bigpond.com"]),
    ("NL", "Europe/Amsterdam", 1, ["77.1", "84.8", "145."], "2a02:a4", ["gmail.com", "ziggo.nl"]),
    ("PL", "Europe/Warsaw", 1, ["83.2", "89.6", "31.1"], "2a01:110", ["gmail.com", "wp.pl", "onet.pl"]),
    ("NG", "Africa/Lagos", 1, ["102.8", "105.11", "197.2"], "2c0f:f5c0:", ["gmail.com", "yahoo.com"]),
    ("VN", "Asia/Ho_Chi_Minh", 7, ["14.16", "113.16", "27.7"], "2402:800:", ["gmail.com"]),
    ("RU", "Europe/Moscow", 3, ["95.2", "176.", "188."], "2a00:1370:", ["yandex.ru", "mail.ru", "gmail.com"]),
    ("AE", "Asia/Dubai", 4, ["94.2", "86.9", "5.19"], "2001:8f8:", ["gmail.com", "outlook.com"]),
]
BY_CC = {}
for _c in COUNTRIES:
    BY_CC.setdefault(_c[0], []).append(_c)

# cloud / datacenter ranges (v4 prefix, v6 prefix, provider)
DATACENTERS = [
    ("3.2", "2600:1f18:", "aws-us-east"), ("54.1", "2600:1f14:", "aws-us-west"), ("18.1", "2a05:d014:", "aws-eu"),
    ("34.1", "2600:1900:", "gcp"), ("35.2", "2600:1900:4", "gcp"), ("20.4", "2603:1030:", "azure"), ("40.7", "2603:1020:", "azure-eu"),
    ("104.196.", "2600:1901:", "gcp"), ("159.89.", "2604:a880:", "digitalocean"), ("167.99.", "2a03:b0c0:", "digitalocean"),
    ("95.216.", "2a01:4f9:", "hetzner"), ("65.108.", "2a01:4f8:", "hetzner"), ("51.15", "2001:41d0:", "ovh"),
    ("45.77.", "2001:19f0:", "vultr"), ("139.59.", "2400:6180:", "digitalocean-sg"), ("47.24", "2408:4000:", "alibaba-cloud"),
    ("43.13", "240d:c000:", "tencent-cloud"), ("129.15", "2603:c020:", "oracle"),
]


def _octets(rng, prefix):
    parts = [p for p in prefix.split(".") if p != ""]
    # a partial last octet like "3.2" means "3.2x"
    out = []
    for i, p in enumerate(parts):
        if i == len(parts) - 1 and not prefix.endswith("."):
            v = int(p)
            if v < 26:
                v = v * 10 + rng.randrange(10) if v * 10 + 9 < 256 else v
            out.append(str(min(v, 254)))
        else:
            out.append(p)
    while len(out) < 4:
        out.append(str(rng.randrange(1, 255)))
    return ".".join(out[:4])


def v6(rng, prefix):
    groups = [g for g in prefix.split(":") if g]
    while len(groups) < 4:
        groups.append("%x" % rng.randrange(0x10000))
    return ":".join(groups[:4]) + "::" + "%x:%x" % (rng.randrange(0x10000), rng.randrange(1, 0x10000))


def residential_ip(rng, country_row, v6_share=0.25):
    if rng.random() < v6_share:
        return v6(rng, country_row[4]), "residential"
    return _octets(rng, rng.choice(country_row[3])), "residential"


def mobile_ip(rng, country_row):
    # carrier-grade NAT egress: a small set per carrier; many users share them
    return _octets(rng, rng.choice(country_row[3])[:-1] if country_row[3][0].endswith(".") else rng.choice(country_row[3])), "mobile"


def dc_ip(rng, dc=None, v6_share=0.15):
    dc = dc or rng.choice(DATACENTERS)
    if rng.random() < v6_share:
        return v6(rng, dc[1]), "datacenter"
    return _octets(rng, dc[0]), "datacenter"


def hexid(rng, n=16):
    return "%0*x" % (n, rng.getrandbits(4 * n))


def stable_hex(s, n=12):
    return hashlib.sha1(s.encode()).hexdigest()[:n]


# user agents / SDKs
def sdk_ua(rng, kind=None):
    kind = kind or rng.choice(["py", "py", "py", "node", "node", "go", "curl", "requests", "httpx", "java", "langchain", "litellm"])
    if kind == "py":
        return "OpenAI/Python 1.%d.%d" % (rng.randint(30, 58), rng.randint(0, 9))
    if kind == "node":
        return "OpenAI/JS 4.%d.%d" % (rng.randint(40, 80), rng.randint(0, 5))
    if kind == "go":
        return "Go-http-client/2.0"
    if kind == "curl":
        return "curl/8.%d.%d" % (rng.randint(1, 11), rng.randint(0, 2))
    if kind == "requests":
        return "python-requests/2.%d.%d" % (rng.randint(28, 32), rng.randint(0, 3))
    if kind == "httpx":
        return "python-httpx/0.%d.%d" % (rng.randint(24, 28), rng.randint(0, 2))
    if kind == "java":
        return "okhttp/4.%d.%d" % (rng.randint(9, 12), rng.randint(0, 3))
    if kind == "langchain":
        return "langchain-openai/0.%d.%d OpenAI/Python 1.%d.0" % (rng.randint(1, 3), rng.randint(0, 30), rng.randint(40, 58))
    if kind == "litellm":
        return "litellm/1.%d.%d" % (rng.randint(40, 60), rng.randint(0, 20))
    return "axios/1.%d.%d" % (rng.randint(5, 7), rng.randint(0, 8))


BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_{m}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{m} Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:{f}.0) Gecko/20100101 Firefox/{f}.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{m} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14; Pixel {p}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Mobile Safari/537.36",
]


def browser_ua(rng):
    return rng.choice(BROWSERS).format(v=rng.randint(118, 131), m=rng.randint(0, 6), f=rng.randint(118, 132), p=rng.randint(6, 9))


def app_ua(rng, app):
    return "%s/%d.%d.%d (%s)" % (app.replace(" ", ""), rng.randint(1, 5), rng.randint(0, 20), rng.randint(0, 9),
                                  rng.choice(["server", "linux; prod", "k8s", "ios", "android"]))


def iso(ts):
    return _dt.datetime.fromtimestamp(ts, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# ---------- schedules ----------
def _hour_weights(pattern, tz, days, start_dow, rng):
    """Per-UTC-hour weights over the window for a local-time activity pattern."""
    w = []
    active_days = None
    if pattern in ("casual", "student", "sparse"):
        p = {"casual": 0.55, "student": 0.7, "sparse": 0.3}[pattern]
        active_days = [rng.random() < p for _ in range(days + 1)]
        if not any(active_days):
            active_days[rng.randrange(days)] = True
    for h in range(days * 24):
        lh = (h + tz) % 24
        ld = int((h + tz) // 24)
        dow = (start_dow + ld) % 7
        weekend = dow >= 5
        if pattern == "work":
            x = (1.0 if 9 <= lh < 18 else 0.25 if 7 <= lh < 22 else 0.03) * (0.15 if weekend else 1.0)
        elif pattern in ("casual", "sparse"):
            x = 1.0 if 18 <= lh < 24 else 0.6 if 12 <= lh < 18 else 0.35 if 7 <= lh < 12 else 0.06
            x *= 1.3 if weekend else 1.0
        elif pattern == "student":
            x = 1.0 if 19 <= lh or lh < 1 else 0.55 if 10 <= lh < 19 else 0.15 if 1 <= lh < 3 else 0.04
        elif pattern == "flat":  # global user base behind a server
            x = 0.7 + 0.3 * (1.0 if 8 <= lh < 23 else 0.4)
        elif pattern == "uniform":
            x = 1.0
        elif pattern == "night":  # automated, runs while operator sleeps
            x = 1.0 if (lh < 7 or lh >= 23) else 0.3
        else:
            x = 1.0
        if active_days is not None:
            ld2 = min(max(ld, 0), days)
            x *= 1.0 if active_days[ld2] else 0.0
        w.append(x)
    if sum(w) == 0:
        w = [1.0] * (days * 24)
    return w


def schedule(rng, n, start, days, tz, pattern, start_dow=0):
    """n sorted epoch timestamps following a local-time pattern."""
    if n <= 0:
        return []
    tzh = int(round(tz))
    if pattern == "burst":  # a few dense bursts
        k = max(1, min(n // 50 + 1, rng.randint(1, 6)))
        centers = [start + rng.random() * days * 86400 for _ in range(k)]
        out = []
        for i in range(n):
            c = centers[i % k]
            out.append(min(start + days * 86400 - 1, max(start, c + rng.random() * rng.choice([1800, 3600, 7200]))))
        out.sort()
        return out
    if pattern == "once":  # one run of 1-6 hours
        c = start + rng.random() * (days * 86400 - 6 * 3600)
        dur = rng.uniform(1, 6) * 3600
        return sorted(c + rng.random() * dur for _ in range(n))
    w = _hour_weights(pattern, tzh, days, start_dow, rng)
    hours = rng.choices(range(len(w)), weights=w, k=n)
    out = sorted(start + h * 3600 + rng.random() * 3600 for h in hours)
    return out


def sessions(rng, n_events, start, days, tz, pattern, turns=(1, 6), gap=(15, 240), start_dow=0):
    """Group events into sessions; returns list of lists of timestamps."""
    out = []
    remaining = n_events
    lens = []
    while remaining > 0:
        k = min(remaining, rng.randint(*turns))
        lens.append(k)
        remaining -= k
    starts = schedule(rng, len(lens), start, days, tz, pattern, start_dow)
    end = start + days * 86400 - 1
    for s, k in zip(starts, lens):
        t = s
        sess = []
        for _ in range(k):
            sess.append(min(t, end))
            t += rng.uniform(*gap)
        out.append(sess)
    return out
