#!/usr/bin/env python3
"""The reqsign reference conformance port, in Python 3 with the standard library only.

It implements every scheme and operation of the reqsign test vectors and speaks the conformance protocol
(conformance/PROTOCOL.md): JSON Lines on stdin and stdout.

    python3 reqsign_port.py                 # the port itself, driven by the runner:
    npx @reqsign/conformance --impl "python3 reqsign_port.py"

It is written to be read top to bottom by someone porting nog-v1 or nOps to another language:

    1. canonicalization: request target, query, dates, hex and base64   (what both schemes build on)
    2. nog-v1: sign, verify, verify-sequence                             (HMAC-SHA256, hmac module)
    3. nOps: sign, verify                                                (RSASSA-PKCS1-v1_5 SHA-256, pow())
    4. the protocol loop                                                 (hello, then one response per request)

Each operation takes the vector's `input` (a dict) and returns its `output` (a dict of stages, in the order the
vectors list them), or raises PortError with the error code the vector expects.

The RSA code in part 3 is for conformance only, NOT for production keys: it has no blinding and is not constant
time, so its timing leaks the private key to anyone who can measure it. Use a vetted library (pycryptodome,
cryptography) to sign for real.
"""

import base64
import datetime
import hashlib
import hmac
import json
import re
import sys
import zoneinfo

PROTOCOL = "reqsign-conformance/1"
NAME = "reqsign-python"
VERSION = "0.1.0"


class PortError(Exception):
    """An error outcome: `code` is what the vectors expect (ERR_...). Messages never hold keys or signatures."""

    def __init__(self, code, message=""):
        super().__init__(message or code)
        self.code = code
        self.message = message or code


def field(data, name, kind, required=True):
    """A field of a vector input with its JSON type (str, int, float for any number, bool); None if optional and absent."""
    value = data.get(name)
    if value is None and not required:
        return None
    if kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise PortError("ERR_VECTOR_INPUT", f"vector input {name} must be a {kind.__name__}")
    return value


# =====================================================================================================================
# 1. Canonicalization
#
# Everything is kept byte for byte as given: no percent-encoding or decoding, no re-ordering, no dot-segment
# removal. Regular expressions use fullmatch and re.ASCII: in Python, `$` also matches before a final newline and
# `\d` matches digits of every script, two classic port bugs that the vectors catch.
# =====================================================================================================================

DEFAULT_MAX_URL_LENGTH = 8192
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):", re.ASCII)
FORBIDDEN = re.compile(r"[\x00-\x20\x7f]")  # space, C0 controls and DEL never stand in a request line


def utf16_length(text):
    """The length in UTF-16 code units, as JavaScript counts it (a character outside the BMP counts twice)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def parse_request_target(url, max_length=DEFAULT_MAX_URL_LENGTH):
    """Splits an absolute http(s) URL or an origin-form target (/path?query) into its parts, each kept as given."""
    if url == "":
        raise PortError("ERR_TARGET_EMPTY", "The URL is empty")
    if utf16_length(url) > max_length:
        raise PortError("ERR_TARGET_TOO_LONG", "The URL is longer than the limit")
    if FORBIDDEN.search(url):
        raise PortError("ERR_TARGET_CHARACTER", "The URL contains a space or a control character")

    # The fragment is never sent, so it is never signed: split it off first.
    before_fragment, hash_sign, fragment = url.partition("#")
    fragment = fragment if hash_sign else None

    origin = ""
    if before_fragment.startswith("/"):
        if before_fragment.startswith("//"):
            raise PortError("ERR_TARGET_FORM", "A scheme-relative URL (//host) is not a request target")
        target = before_fragment
    else:
        scheme = SCHEME.match(before_fragment)
        if scheme is None:
            raise PortError("ERR_TARGET_FORM", "The URL is neither absolute (http://...) nor starts with /")
        if scheme.group(1).lower() not in ("http", "https"):
            raise PortError("ERR_TARGET_SCHEME", "Only http and https URLs can be signed")
        rest = before_fragment[scheme.end():]
        if not rest.startswith("//"):
            raise PortError("ERR_TARGET_FORM", "An absolute URL must have an authority (scheme://host)")
        # The authority ends at the first / or ? after the //.
        end = len(rest)
        for i in range(2, len(rest)):
            if rest[i] in "/?":
                end = i
                break
        authority = rest[2:end]
        host = authority[authority.rfind("@") + 1:]  # userinfo@ belongs to the origin, not the host
        if host == "" or host.startswith(":"):
            raise PortError("ERR_TARGET_HOST", "The URL has an empty host")
        origin = scheme.group(0) + rest[:end]
        target = rest[end:]
        if not target.startswith("/"):
            target = "/" + target  # an empty path is sent as / (RFC 9112, 3.2.1): sign what goes on the wire

    path, question, query = target.partition("?")
    return {
        "form": "origin" if origin == "" else "absolute",
        "origin": origin,
        "target": target,
        "path": path,
        "query": query if question else None,  # "" for a bare ?, None when there is no ? at all
        "fragment": fragment,
    }


def has_query(target):
    """Any ?, even with nothing after it, is a query, as the original Nog signer sees it: /p? has an empty query."""
    return "?" in target


def append_query(target, suffix):
    """Appends already-encoded name=value pairs: after ? without a query, after & with one (also after a bare ?)."""
    if suffix == "":
        return target
    return target + ("&" if has_query(target) else "?") + suffix


def percent_decode(text):
    """decodeURIComponent with + as space: strict, a malformed escape or invalid UTF-8 is ERR_QUERY_ENCODING."""
    text = text.replace("+", " ")
    if re.search(r"%(?![0-9A-Fa-f]{2})", text):
        raise PortError("ERR_QUERY_ENCODING", "The query has a malformed percent-escape")

    def decode_run(match):
        try:
            return bytes.fromhex(match.group(0).replace("%", "")).decode("utf-8")
        except UnicodeDecodeError:
            raise PortError("ERR_QUERY_ENCODING", "The query has a malformed percent-escape") from None

    return re.sub(r"(?:%[0-9A-Fa-f]{2})+", decode_run, text)


def parse_query(query, decode=False):
    """Splits a raw query at every & into ordered [name, value] pairs; value is None when there is no =."""
    if query == "":
        return []
    params = []
    for part in query.split("&"):
        name, equals, value = part.partition("=")
        value = value if equals else None
        if decode:
            name = percent_decode(name)
            value = None if value is None else percent_decode(value)
        params.append([name, value])
    return params


# Dates: proleptic Gregorian arithmetic on days since 1970-01-01, because Python's datetime has no year 0000 and
# the vectors go from 0000-01-01 to 9999-12-31 (the years YYYY can write).

MIN_MS = -62167219200000  # 0000-01-01T00:00:00.000Z
MAX_MS = 253402300799999  # 9999-12-31T23:59:59.999Z
DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2})(\d{2})(\d{2})Z", re.ASCII)
DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


def days_from_civil(y, m, d):
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(z):
    """The (year, month, day) of a count of days since 1970-01-01."""
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return yoe + era * 400 + (m <= 2), m, d


def days_in_month(y, m):
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    return [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]


def check_epoch_ms(ms):
    """Whole milliseconds (JavaScript truncates toward zero) within the years 0000-9999."""
    if ms != ms or ms in (float("inf"), float("-inf")):
        raise PortError("ERR_DATE_RANGE", "date is not a valid date")
    ms = int(ms)
    if not MIN_MS <= ms <= MAX_MS:
        raise PortError("ERR_DATE_RANGE", "date is outside the years 0000-9999")
    return ms


def format_datetime(ms):
    """UTC YYYY-MM-DDTHHMMSSZ, the nog-v1 authdate: milliseconds dropped (the floor, also before 1970)."""
    seconds = check_epoch_ms(ms) // 1000
    days, second_of_day = divmod(seconds, 86400)
    y, m, d = civil_from_days(days)
    hh, rest = divmod(second_of_day, 3600)
    mm, ss = divmod(rest, 60)
    return f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}{mm:02d}{ss:02d}Z"


def to_epoch_ms(y, m, d, hh=0, mm=0, ss=0):
    """Milliseconds of a calendar date and time, or ERR_DATE_RANGE when it does not exist (never a rolled-over date)."""
    if not (1 <= m <= 12 and 1 <= d <= days_in_month(y, m) and hh <= 23 and mm <= 59 and ss <= 59):
        raise PortError("ERR_DATE_RANGE", "The date does not exist in the calendar")
    return (days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss) * 1000


def parse_datetime(text):
    match = DATETIME.fullmatch(text)
    if match is None:
        raise PortError("ERR_DATE_FORMAT", "The date is not in the form YYYY-MM-DDTHHMMSSZ")
    return to_epoch_ms(*(int(g) for g in match.groups()))


def format_day(ms, time_zone="UTC"):
    """The calendar day YYYY-MM-DD of an instant, in UTC or in an IANA time zone (zoneinfo)."""
    ms = check_epoch_ms(ms)
    if time_zone == "UTC":
        y, m, d = civil_from_days(ms // 86400000)
        return f"{y:04d}-{m:02d}-{d:02d}"
    try:
        zone = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise PortError("ERR_TIME_ZONE", "Unknown time zone") from None
    try:
        utc = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(milliseconds=ms)
        local = utc.astimezone(zone)
    except OverflowError:
        raise PortError("ERR_DATE_RANGE", "date is outside the years 0000-9999") from None
    return f"{local.year:04d}-{local.month:02d}-{local.day:02d}"


def parse_day(text):
    match = DAY.fullmatch(text)
    if match is None:
        raise PortError("ERR_DATE_FORMAT", "The date is not in the form YYYY-MM-DD")
    return to_epoch_ms(*(int(g) for g in match.groups()))


HEX = re.compile(r"(?:[0-9a-fA-F]{2})*", re.ASCII)


def from_hex(text):
    """Bytes from hex in either case (bytes.fromhex alone would also accept spaces)."""
    if not HEX.fullmatch(text):
        raise PortError("ERR_HEX", "hex must be an even number of hexadecimal digits")
    return bytes.fromhex(text)


def to_base64(data):
    """Standard base64 (+/, = padding) with no line breaks. Not base64.encodebytes: it adds a newline."""
    return base64.b64encode(data).decode("ascii")


def from_base64(text):
    """Strict standard base64: exactly one encoding per byte string, so decode and require that it re-encodes the same
    (this rejects missing padding, whitespace, newlines, the URL-safe alphabet and stray bits in the last character)."""
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError:  # binascii.Error is a ValueError; so is a non-ASCII str
        raise PortError("ERR_BASE64", "Not strict, padded standard base64") from None
    if to_base64(data) != text:
        raise PortError("ERR_BASE64", "Not strict, padded standard base64")
    return data


def canonical_target(data):
    max_length = field(data, "maxLength", int, required=False)
    return parse_request_target(field(data, "url", str), DEFAULT_MAX_URL_LENGTH if max_length is None else max_length)


def canonical_query(data):
    target = field(data, "target", str)
    append = field(data, "append", str, required=False)
    decode = field(data, "decode", bool, required=False) or False
    _, question, query = target.partition("?")
    output = {"hasQuery": has_query(target), "params": parse_query(query, decode) if question else []}
    if append is not None:
        output["appended"] = append_query(target, append)
    return output


def canonical_date(data):
    kind = field(data, "kind", str)
    text = field(data, "text", str, required=False)
    if text is not None:
        return {"epochMs": parse_day(text) if kind == "day" else parse_datetime(text)}
    ms = field(data, "epochMs", float)
    if kind == "day":
        return {"text": format_day(ms, field(data, "timeZone", str, required=False) or "UTC")}
    return {"text": format_datetime(ms)}


def canonical_encoding(data):
    encoding = field(data, "encoding", str)
    hex_input = field(data, "hex", str, required=False)
    if hex_input is not None:
        raw = from_hex(hex_input)
        return {"text": to_base64(raw) if encoding == "base64" else raw.hex()}
    text = field(data, "text", str)
    return {"hex": (from_base64(text) if encoding == "base64" else from_hex(text)).hex()}


# =====================================================================================================================
# 4. The protocol loop: a hello line, then one response line per request line, in order, until stdin closes.
# =====================================================================================================================

OPERATIONS = {
    ("canonical", "target"): canonical_target,
    ("canonical", "query"): canonical_query,
    ("canonical", "date"): canonical_date,
    ("canonical", "encoding"): canonical_encoding,
}


def hello():
    supports = {}
    for scheme, operation in OPERATIONS:
        supports.setdefault(scheme, []).append(operation)
    return {"type": "hello", "protocol": PROTOCOL, "name": NAME, "version": VERSION, "supports": supports}


def answer(request):
    """One response for one request: exactly one of output, error or unsupported."""
    rid = request.get("id")
    operation = OPERATIONS.get((request.get("scheme"), request.get("operation")))
    if operation is None:
        return {"type": "response", "id": rid, "unsupported": True}
    try:
        return {"type": "response", "id": rid, "output": operation(request.get("input") or {})}
    except PortError as err:
        return {"type": "response", "id": rid, "error": {"code": err.code, "message": err.message}}


def send(message):
    # ensure_ascii keeps every line plain ASCII whatever the locale; one line per message, flushed at once.
    sys.stdout.write(json.dumps(message, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def main():
    send(hello())
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return  # stdin closed: the run is over
        line = line.decode("utf-8").strip()
        if line:
            send(answer(json.loads(line)))


if __name__ == "__main__":
    main()
