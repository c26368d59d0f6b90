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
import math
import os
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
    """A field of a vector input with its JSON type (str, int, float for any number, bool); None if optional and absent.
    A number is its value, however the JSON wrote it (PROTOCOL.md): 1.0 and 1e3 are the ints 1 and 1000."""
    value = data.get(name)
    if value is None and not required:
        return None
    if kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind is int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
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


def parse_request_target(url, max_length=DEFAULT_MAX_URL_LENGTH, received=False):
    """Splits an absolute http(s) URL or an origin-form target (/path?query) into its parts, each kept as given.

    A leading // is a scheme-relative URL (refused), except in a received target (received=True), the target of a
    request line (GET //a HTTP/1.1), where it starts a path: what a verifier gets."""
    if url == "":
        raise PortError("ERR_TARGET_EMPTY", "The URL is empty")
    # The limit measures what is sent: a URL to sign up to its first # (a fragment is never sent, however long it
    # is), a received target whole (it bounds the work a verifier does on what the network sends).
    if utf16_length(url if received else url.partition("#")[0]) > max_length:
        raise PortError("ERR_TARGET_TOO_LONG", "The URL is longer than the limit")
    if FORBIDDEN.search(url):
        raise PortError("ERR_TARGET_CHARACTER", "The URL contains a space or a control character")

    # The fragment is never sent, so it is never signed: split it off first.
    before_fragment, hash_sign, fragment = url.partition("#")
    fragment = fragment if hash_sign else None

    origin = ""
    if before_fragment.startswith("/"):
        if not received and before_fragment.startswith("//"):
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
        # WHATWG URL parsers (fetch, browsers) end an http(s) authority at a backslash as at a slash: the host and
        # target they send would not be these (http://h\p goes to h as /p).
        if "\\" in authority:
            raise PortError("ERR_TARGET_HOST", "The URL has a backslash in its authority")
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
    """Whole milliseconds, floored (-0.5 is in the millisecond -1, before 1970), within the years 0000-9999."""
    if ms != ms or ms in (float("inf"), float("-inf")):
        raise PortError("ERR_DATE_RANGE", "date is not a valid date")
    ms = math.floor(ms)
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


# Files of a zone database that name no zone of its own (canonical.md, "Dates").
NOT_ZONES = {"localtime", "posixrules", "factory"}
# Names that a zone directory may still hold (an older tzdata, Debian's tzdata-legacy) and ICU still takes, but that
# are no Zone or Link of the IANA database: ICU's Java-style ids (three letters ending in T, not CET EET MET WET EST
# HST MST GMT UCT), SystemV/* ("sy": no IANA name starts so), US/Pacific-New, Canada/East-Saskatchewan and Factory.
# The TypeScript reference refuses the same with the same pattern (canonical's date.ts), so neither depends on the
# zone data a machine carries.
NOT_IANA = re.compile(r"(\W|(?![cemw]e|[ehm]s|gm|uc)..t\Z|sy|us.pacific-|canada.east-|factory\Z)", re.IGNORECASE | re.ASCII)
ZONES = None
# 400 Gregorian years: the calendar, weekdays included, repeats after them, and so do a zone's rules.
CYCLE_MS = 146097 * 86400000


def zone_of(time_zone):
    """The IANA zone of a name, compared case-insensitively as ECMA-402 does; ERR_TIME_ZONE for anything else."""
    global ZONES
    if ZONES is None:
        ZONES = {name.lower(): name for name in zoneinfo.available_timezones()
                 if name.lower() not in NOT_ZONES and not NOT_IANA.match(name)}
    name = ZONES.get(time_zone.lower()) if time_zone.isascii() else None
    if name is None:
        raise PortError("ERR_TIME_ZONE", "Unknown time zone")
    return zoneinfo.ZoneInfo(name)


def format_day(ms, time_zone="UTC"):
    """The calendar day YYYY-MM-DD of an instant, in UTC or in an IANA time zone (zoneinfo). The instant and its
    local day must both lie in the years 0000-9999."""
    ms = check_epoch_ms(ms)
    if time_zone == "UTC":
        y, m, d = civil_from_days(ms // 86400000)
        return f"{y:04d}-{m:02d}-{d:02d}"
    zone = zone_of(time_zone)
    # Python's datetime holds the years 1-9999 only: an instant near either end is moved by 400 years, whose
    # calendar and zone rules are the same, and its local year moved back.
    shift = 1 if ms < -62104060800000 + 2 * 86400000 else -1 if ms > MAX_MS - 2 * 86400000 else 0
    utc = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(milliseconds=ms + shift * CYCLE_MS)
    local = utc.astimezone(zone)
    year = local.year - 400 * shift
    if not 0 <= year <= 9999:
        raise PortError("ERR_DATE_RANGE", "the local day is outside the years 0000-9999")
    return f"{year:04d}-{local.month:02d}-{local.day:02d}"


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
    received = field(data, "received", bool, required=False) is True  # a server's view: //a/b is a path
    return parse_request_target(field(data, "url", str), DEFAULT_MAX_URL_LENGTH if max_length is None else max_length,
                                received=received)


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
        time_zone = field(data, "timeZone", str, required=False)  # "" is no zone: ERR_TIME_ZONE
        return {"text": format_day(ms, "UTC" if time_zone is None else time_zone)}
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
# 2. nog-v1: HMAC-SHA256 signed URLs
#
#    target        = path and query as sent, then the auth parameters: after "?" without a query, after "&" with one
#                    (also after a bare "?": /p? gives /p?&authalgorithm=...)
#    string to sign = METHOD + "\n" + target + "\n"                  (note the final newline)
#    signature     = lowercase hex HMAC-SHA256 keyed with the UTF-8 bytes of the secret (never hex-decoded)
#    URL           = origin + target + "&authsignature=" + signature (+ "#fragment": never signed, never sent)
# =====================================================================================================================

TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", re.ASCII)  # an HTTP method is a token (RFC 9110)
SAFE = re.compile(r"[A-Za-z0-9._~-]+", re.ASCII)  # key ids and nonces travel raw in the query: unreserved only


def utf8(text):
    """UTF-8 bytes as JavaScript's TextEncoder makes them: a lone surrogate becomes U+FFFD (EF BF BD)."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace").encode("utf-8")


def nog_string_to_sign(method, target):
    return method + "\n" + target + "\n"


def nog_signature(secret, string_to_sign):
    return hmac.new(utf8(secret), utf8(string_to_sign), hashlib.sha256).hexdigest()


def whole_number(value):
    """A JSON number that is a whole number (600 or 600.0), as an int; None otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return int(value)


def nog_sign(data):
    method = field(data, "method", str)
    url = field(data, "url", str)
    key_id = field(data, "keyId", str)
    secret = field(data, "secret", str)
    authdate = field(data, "authdate", str)
    if "nonce" not in data:  # required; null is not absent here but no authnonce parameter at all
        raise PortError("ERR_VECTOR_INPUT", "vector input nonce is required (null: no authnonce)")
    nonce = field(data, "nonce", str, required=False)
    expires_input = field(data, "expires", float)
    max_url_length = field(data, "maxUrlLength", int, required=False) or 16384  # the verifier's limit, by default
    parse_datetime(authdate)  # the authdate to sign must itself be well formed

    # The checks, in the order the reference implementation makes them.
    if not TOKEN.fullmatch(method):
        raise PortError("ERR_SIGN_METHOD", "method must be an HTTP token such as GET")
    parts = parse_request_target(url, max_url_length)
    # An auth parameter already in the query (plain or percent-encoded) would be repeated once signed.
    if parts["query"] is not None and any(
        name in AUTH_SLOTS or is_encoded_auth_name(name) for name, _ in parse_query(parts["query"])
    ):
        raise PortError("ERR_SIGN_AUTH_PARAMETER", "The URL already has an auth parameter")
    if not SAFE.fullmatch(key_id):
        raise PortError("ERR_SIGN_KEY", "key.id must be non-empty and only A-Z a-z 0-9 - . _ ~")
    if secret == "":
        raise PortError("ERR_SIGN_KEY", "key.secret must not be empty")
    expires = whole_number(expires_input)
    if expires is None or expires < 0:  # 1e21 is whole: its deadline, checked after the nonce, is past the limit
        raise PortError("ERR_SIGN_EXPIRES", "expires must be a whole number of seconds, 0 or more")
    if nonce is not None and not SAFE.fullmatch(nonce):
        raise PortError("ERR_SIGN_NONCE", "nonce must be non-empty and only A-Z a-z 0-9 - . _ ~")
    if parse_datetime(authdate) + expires * 1000 > MAX_DEADLINE_MS:
        raise PortError("ERR_SIGN_EXPIRES", "expires puts the deadline past 9999-12-31T23:59:59Z")

    target = (
        parts["target"]
        + ("?" if parts["query"] is None else "&")
        + f"authalgorithm=nog-v1&authkeyid={key_id}&authdate={authdate}&authexpires={expires}"
        + ("" if nonce is None else f"&authnonce={nonce}")
    )
    # The signed URL (scheme and host counted, the fragment not) must fit the limit, so that a verifier takes it.
    if utf16_length(parts["origin"] + target) + len("&authsignature=") + 64 > max_url_length:
        raise PortError("ERR_TARGET_TOO_LONG", "The signed URL would be longer than the limit")
    string_to_sign = nog_string_to_sign(method, target)
    signature = nog_signature(secret, string_to_sign)
    signed = parts["origin"] + target + "&authsignature=" + signature
    if parts["fragment"] is not None:
        signed += "#" + parts["fragment"]
    return {"target": target, "stringToSign": string_to_sign, "signature": signature, "url": signed}


# Verification follows the original Nog server's order of checks, plus what a modern verifier must add (clock skew,
# the algorithm, impossible dates, repeated parameters). Each failure has a code; docs/spec/nog-v1.md in the
# reqsign repository states every rule.

AUTH_SLOTS = {
    "authalgorithm": "algorithm",
    "authkeyid": "keyId",
    "authdate": "date",
    "authexpires": "expires",
    "authnonce": "nonce",
    "authsignature": "signature",
}
EXPIRES = re.compile(r"(-?)0*([0-9]*)", re.ASCII)  # sign, then the digits without leading zeros
MAX_DEADLINE_MS = 253402300799000  # 9999-12-31T23:59:59Z: no deadline may lie later
SIGNATURE = re.compile(r"[0-9a-f]{64}", re.ASCII)
VERIFIER_DEFAULTS = {"defaultExpires": 300, "maxExpiresWithNonce": 3600, "maxClockSkew": 900, "maxUrlLength": 16384}


class Rejected(Exception):
    """A request that fails verification, with its code."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def is_encoded_auth_name(name):
    """auth%6Beyid: the original decoded names, so such a spelling is refused rather than ignored."""
    if "%" not in name:
        return False
    try:
        return percent_decode(name) in AUTH_SLOTS
    except PortError:
        return False


def read_auth_params(target, q):
    """The raw auth parameters of a target whose query starts after index q; each may appear only once."""
    found = {}
    signature_amp = -1  # index of the "&" before authsignature, if it is the last parameter and not the first
    start = q + 1
    while start <= len(target):
        amp = target.find("&", start)
        if amp == -1:
            amp = len(target)
        segment = target[start:amp]
        name, equals, value = segment.partition("=")
        slot = AUTH_SLOTS.get(name)
        if slot is not None:
            if slot in found:
                raise Rejected("ERR_AUTH_MALFORMED")
            found[slot] = value  # a parameter without "=" has the value ""
            if slot == "signature":
                signature_amp = start - 1 if amp == len(target) and start > q + 1 else -1
        elif is_encoded_auth_name(name):
            raise Rejected("ERR_AUTH_MALFORMED")
        start = amp + 1
    return found, signature_amp


def strip_auth_params(query):
    """What the application sees: the query's other segments, raw and in order; None when none is left."""
    kept = [s for s in query.split("&") if s.partition("=")[0] not in AUTH_SLOTS]
    return "&".join(kept) if kept else None


class NonceStore:
    """In-memory claim-if-absent of (key id, authdate, nonce), each kept until its signature can no longer be valid."""

    def __init__(self, max_entries=1_000_000):
        self.max_entries = max_entries
        self.seen = {}  # (key id, authdate, nonce) -> the second after which it may be forgotten

    def claim(self, key_id, authdate, nonce, expires_at_ms, now_ms):
        for entry, second in list(self.seen.items()):
            if second * 1000 < now_ms:
                del self.seen[entry]
        entry = (key_id, authdate, nonce)  # a tuple: no separator that a key id could forge
        if entry in self.seen:
            return False
        if len(self.seen) >= self.max_entries:
            raise Rejected("ERR_AUTH_NONCE_STORE")  # full: refuse rather than forget, never accept a replay
        self.seen[entry] = -(-expires_at_ms // 1000)  # ceil
        return True


def option(options, name, minimum=0):
    value = options.get(name)  # null is absent: the default
    if value is None:
        value = VERIFIER_DEFAULTS.get(name)
    if value is None:
        return None
    if whole_number(value) is None or value < minimum:
        raise PortError("ERR_OPTION_RANGE", f"{name} must be a whole number, {minimum} or more")
    return whole_number(value)


class Verifier:
    def __init__(self, keys, options):
        if not isinstance(keys, dict) or not all(isinstance(s, str) for s in keys.values()):
            raise PortError("ERR_VECTOR_INPUT", "vector input keys must map key ids to secrets")
        self.keys = keys
        self.default_expires = option(options, "defaultExpires")
        self.max_expires_with_nonce = option(options, "maxExpiresWithNonce")
        self.max_expires = option(options, "maxExpires")
        self.skew_ms = option(options, "maxClockSkew") * 1000
        self.max_url_length = option(options, "maxUrlLength", 1)
        self.require_nonce = options.get("requireNonce", False) is True
        self.nonces = NonceStore(option(options, "nonceStoreMaxEntries", 1) or 1_000_000)

    def verify(self, method, url, now_ms):
        # 0. Parse: a method that is no HTTP token (as on a request line, and as the signer requires), not a request
        #    target, a repeated or percent-encoded auth parameter is malformed.
        if not TOKEN.fullmatch(method):
            raise Rejected("ERR_AUTH_MALFORMED")
        try:
            # A received target: //a/b is a path, not a host.
            parts = parse_request_target(url, self.max_url_length, received=True)
        except PortError:
            raise Rejected("ERR_AUTH_MALFORMED") from None
        target = parts["target"]
        q = target.find("?")
        if q == -1:
            raise Rejected("ERR_AUTH_FIELD_MISSING")
        p, signature_amp = read_auth_params(target, q)
        # 1. The fields the original requires, in its order; the algorithm when given; a nonce when required.
        for name in ("keyId", "signature", "date"):
            if name not in p:
                raise Rejected("ERR_AUTH_FIELD_MISSING")
        if "algorithm" in p and p["algorithm"] != "nog-v1":
            raise Rejected("ERR_AUTH_ALGORITHM_UNSUPPORTED")
        if self.require_nonce and "nonce" not in p:
            raise Rejected("ERR_AUTH_FIELD_MISSING")
        # 2. The authdate: the pattern, and a date that exists.
        try:
            auth_ms = parse_datetime(p["date"])
        except PortError:
            raise Rejected("ERR_AUTH_DATE_INVALID") from None
        # 3. Expiry (the deadline itself is still valid), then how far the authdate lies in the future.
        expires = self.default_expires
        if "expires" in p:
            # The value is judged, not its digits (0600 and 00000000000000000600 are 600). Python's int() refuses
            # strings of over 4,300 digits, so a long value is read by its size: far past any deadline, or (negative)
            # far before any clock.
            m = EXPIRES.fullmatch(p["expires"])
            if m is None or not any(c.isdigit() for c in p["expires"]):
                raise Rejected("ERR_AUTH_EXPIRES_INVALID")
            negative, digits = m.group(1) == "-", m.group(2)
            if len(digits) > 16:
                expires = -(10**16) if negative else None
            else:
                expires = -int(digits or "0") if negative else int(digits or "0")
        deadline = None if expires is None else auth_ms + expires * 1000
        if deadline is None or deadline > MAX_DEADLINE_MS:
            raise Rejected("ERR_AUTH_EXPIRES_INVALID")  # no deadline after 9999-12-31T23:59:59Z
        if now_ms > deadline:
            raise Rejected("ERR_AUTH_SIG_EXPIRED")
        if auth_ms > now_ms + self.skew_ms:
            raise Rejected("ERR_AUTH_DATE_FUTURE")
        # 4. The key.
        secret = self.keys.get(p["keyId"])
        if not secret:
            raise Rejected("ERR_AUTH_KEY_UNKNOWN")
        # 5. The signature: the last parameter, after "&", 64 lowercase hex, over the target before it, and nothing
        #    after it in the URL as received, not even a "#fragment".
        if signature_amp == -1 or parts["fragment"] is not None or not SIGNATURE.fullmatch(p["signature"]):
            raise Rejected("ERR_AUTH_SIG_INVALID")
        expected = nog_signature(secret, nog_string_to_sign(method, target[:signature_amp]))
        if not hmac.compare_digest(expected, p["signature"]):  # constant time
            raise Rejected("ERR_AUTH_SIG_INVALID")
        # 6. The limits on expires, then the nonce, claimed only now that the signature checked out.
        nonce = p.get("nonce")
        if nonce is not None:
            if expires > self.max_expires_with_nonce:
                raise Rejected("ERR_AUTH_EXPIRES_INVALID")
            if not self.nonces.claim(p["keyId"], p["date"], nonce, deadline, now_ms):
                raise Rejected("ERR_AUTH_NONCE_INVALID")
        elif self.max_expires is not None and expires > self.max_expires:
            raise Rejected("ERR_AUTH_EXPIRES_INVALID")
        # 7. What the application sees: the target without the auth parameters.
        query = strip_auth_params(parts["query"] or "")
        return {
            "keyId": p["keyId"],
            "authdate": format_datetime(auth_ms),
            "expiresAt": format_datetime(deadline),
            "nonce": nonce,
            "target": parts["path"] if query is None else parts["path"] + "?" + query,
            "query": query,
        }


def verifier_of(data):
    return Verifier(field(data, "keys", dict), field(data, "options", dict, required=False) or {})


def nog_verify(data):
    verifier = verifier_of(data)
    now_ms = parse_datetime(field(data, "now", str))
    try:
        return verifier.verify(field(data, "method", str), field(data, "url", str), now_ms)
    except Rejected as rejected:
        raise PortError(rejected.code) from None


def nog_verify_sequence(data):
    """Several requests against one fresh verifier and nonce store: the result of each, "valid" or its code."""
    verifier = verifier_of(data)
    results = []
    for request in field(data, "requests", list):
        try:
            verifier.verify(field(request, "method", str), field(request, "url", str), parse_datetime(field(request, "now", str)))
            results.append("valid")
        except Rejected as rejected:
            results.append(rejected.code)
    return {"results": results}


# =====================================================================================================================
# 3. nOps: RSASSA-PKCS1-v1_5 with SHA-256
#
#    message   = <client id>.<YYYY-MM-DD>.<target>     client id = the API key up to its first "."
#    target    = path (ending in "/") and query as sent, non-ASCII percent-encoded as UTF-8; in query form (the
#                documented one) "api_key=<key>" is appended after "?" or "&"; in header form the key goes in
#                X-Nops-Api-Key instead
#    signature = base64 (standard, padded, no newline) of RSASSA-PKCS1-v1_5(SHA-256(UTF-8 message))
#
# The RSA below is textbook PKCS#1 v1.5 with pow(): CONFORMANCE ONLY, NOT FOR PRODUCTION KEYS. It has no blinding
# and is not constant time (Python's big integers leak timing), so an attacker who can time it can recover the key.
# =====================================================================================================================

API_KEY = re.compile(r"[A-Za-z0-9._~-]+", re.ASCII)


def client_id_of(api_key):
    dot = api_key.find(".")
    if dot == -1:
        raise PortError("ERR_NOPS_API_KEY", "The API key has no '.' separating the client id")
    if dot == 0:
        raise PortError("ERR_NOPS_API_KEY", "The API key has an empty client id")
    if not API_KEY.fullmatch(api_key):  # the key travels raw in the query and a header
        raise PortError("ERR_NOPS_API_KEY", "The API key may only contain A-Z a-z 0-9 . _ ~ -")
    return api_key[:dot]


# A query segment whose name percent-decodes to api_key (each character itself or %XX, either case of hex digit), then
# "=" or its end: a server that decodes names reads it as the key. A malformed escape decodes to no name.
API_KEY_NAME = re.compile(r"(a|%61)(p|%70)(i|%69)(_|%5[Ff])(k|%6[Bb])(e|%65)(y|%79)(=|$)", re.ASCII)


def api_key_count(query):
    """How many parameters of a query (as sent) are named api_key, under any spelling of the name."""
    return 0 if query is None else sum(1 for segment in query.split("&") if API_KEY_NAME.match(segment))


def wire_form(text):
    """Non-ASCII characters percent-encoded as UTF-8 with uppercase hex, as browsers and HTTP clients send them;
    every ASCII character, existing %XX escapes included, stays as given."""
    return "".join(c if ord(c) < 0x80 else "".join(f"%{b:02X}" for b in utf8(c)) for c in text)


def nops_day(data):
    """The day to sign: a YYYY-MM-DD string as given (checked), or {epochMs, timeZone?}: its day in that zone. A day
    given as YYYY-MM-DD ({day, timeZone}) with a time zone beside it is refused: the zone could not apply."""
    date = data.get("date")
    if isinstance(date, str):
        parse_day(date)
        return date
    date = field(data, "date", dict)
    time_zone = field(date, "timeZone", str, required=False)
    if "day" in date:
        if time_zone is not None:
            raise PortError("ERR_NOPS_DATE", "timeZone applies to an instant, not to a YYYY-MM-DD day")
        day = field(date, "day", str)
        parse_day(day)
        return day
    return format_day(field(date, "epochMs", float), "UTC" if time_zone is None else time_zone)


def api_key_in(data):
    where = field(data, "apiKeyIn", str, required=False)
    where = "query" if where is None else where
    if where not in ("query", "header"):
        raise PortError("ERR_INVALID_ARGUMENT", "apiKeyIn must be query or header")
    return where


def nops_message(data):
    """The target, message and URL of a request to sign, with the checks in the reference order."""
    where = api_key_in(data)
    slash = field(data, "trailingSlash", str, required=False)
    slash = "add" if slash is None else slash
    if slash not in ("add", "reject"):  # an option's value, like apiKeyIn's, before every other check
        raise PortError("ERR_INVALID_ARGUMENT", "trailingSlash must be add or reject")
    api_key = field(data, "apiKey", str)
    client_id = client_id_of(api_key)
    parts = parse_request_target(field(data, "url", str))
    path = wire_form(parts["path"])
    query = None if parts["query"] is None else wire_form(parts["query"])
    if not path.endswith("/"):
        if slash == "reject":
            raise PortError("ERR_NOPS_TRAILING_SLASH", "The path does not end in '/', which nOps requires")
        path += "/"
    if api_key_count(query) > 0:
        raise PortError("ERR_NOPS_API_KEY_PARAM", "The URL already has an api_key parameter")
    base = path if query is None else path + "?" + query
    target = append_query(base, "api_key=" + api_key) if where == "query" else base
    # The URL as sent (scheme and host, the encoded target; no fragment) must fit the verifier's limit.
    if utf16_length(parts["origin"] + target) > DEFAULT_MAX_URL_LENGTH:
        raise PortError("ERR_TARGET_TOO_LONG", "The signed URL is longer than the limit")
    day = nops_day(data)
    url = parts["origin"] + target + ("" if parts["fragment"] is None else "#" + parts["fragment"])
    headers = {"x-nops-api-key": api_key} if where == "header" else {}
    return {"target": target, "message": f"{client_id}.{day}.{target}", "url": url, "headers": headers}


def received_message(data):
    """The message a well-behaved client signed for a request as sent: nothing added or corrected."""
    where = api_key_in(data)
    api_key = field(data, "apiKey", str)
    client_id = client_id_of(api_key)
    parts = parse_request_target(field(data, "url", str), received=True)  # //a/ is a path here
    path = wire_form(parts["path"])
    query = None if parts["query"] is None else wire_form(parts["query"])
    if not path.endswith("/"):
        raise PortError("ERR_NOPS_TRAILING_SLASH", "The path does not end in '/', which nOps requires")
    params = [] if query is None else parse_query(query)
    keyed = api_key_count(query)  # every spelling of the name: api%5Fkey is a second key
    if where == "query":
        if not params or params[-1] != ["api_key", api_key] or keyed != 1:
            raise PortError("ERR_NOPS_API_KEY_PARAM", "In query form the URL must end with the api_key parameter, once")
    elif keyed != 0:
        raise PortError("ERR_NOPS_API_KEY_PARAM", "In header form the URL must not carry an api_key parameter")
    day = nops_day(data)
    return f"{client_id}.{day}.{path if query is None else path + '?' + query}"


# A minimal, strict DER reader (X.690 DER): just enough to take n, e and d out of the four PEM forms of an RSA key.
# DER has one encoding per value, and every runtime must answer alike, so anything else is refused: a length in the
# long form where the short one fits or with a leading zero octet, an INTEGER with a needless leading 00 or FF (or a
# negative one), an element more or fewer than the structure has, bytes after it.

RSA_ENCRYPTION = bytes.fromhex("2a864886f70d010101")  # OID 1.2.840.113549.1.1.1
SEQUENCE, INTEGER, BIT_STRING, OCTET_STRING, OID, NULL = 0x30, 0x02, 0x03, 0x04, 0x06, 0x05
PUBLIC_KEY_1 = 0x81  # RFC 5958 OneAsymmetricKey: publicKey [1] IMPLICIT BIT STRING


def key_error(message):
    return PortError("ERR_NOPS_KEY", message)


def der_read(der, at, end):
    """One TLV at `at`: (tag, contents, next offset). Definite, minimal lengths only (1 to 3 length octets)."""
    if at + 2 > end:
        raise key_error("truncated DER")
    tag, length, at = der[at], der[at + 1], at + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 3 or at + count > end or der[at] == 0:
            raise key_error("bad DER length")
        length, at = int.from_bytes(der[at:at + count], "big"), at + count
        if length < 0x80:
            raise key_error("DER length not minimal")
    if at + length > end:
        raise key_error("truncated DER")
    return tag, der[at:at + length], at + length


def der_elements(der, tags):
    """The contents of the elements that fill `der` exactly, whose tags must be `tags`, in order."""
    items, at = [], 0
    while at < len(der):
        tag, value, at = der_read(der, at, len(der))
        items.append((tag, value))
    if [tag for tag, _ in items] != list(tags):
        raise key_error("unexpected DER structure")
    return [value for _, value in items]


def der_sequence(der, tags):
    """The elements of the one SEQUENCE that fills `der` (see der_elements)."""
    tag, body, end = der_read(der, 0, len(der))
    if tag != SEQUENCE or end != len(der):
        raise key_error("not one DER SEQUENCE")
    return der_elements(body, tags)


def der_int(value):
    """A DER INTEGER that is not negative, in the fewest octets."""
    if value == b"" or value[0] & 0x80 or (len(value) > 1 and value[0] == 0 and not value[1] & 0x80):
        raise key_error("INTEGER negative or not minimal")
    return int.from_bytes(value, "big")


def rsa_algorithm(contents):
    """An AlgorithmIdentifier's contents: rsaEncryption with NULL parameters (not EC, Ed25519, RSA-PSS, no other)."""
    oid, null = der_elements(contents, [OID, NULL])
    if oid != RSA_ENCRYPTION or null != b"":
        raise key_error("not an rsaEncryption key")


def pkcs1_private(der):  # RSAPrivateKey ::= SEQUENCE { version 0, n, e, d, p, q, dp, dq, qi } (two primes only)
    version, n, e, d, p, q, dp, dq, qi = (der_int(v) for v in der_sequence(der, [INTEGER] * 9))
    if version != 0:
        raise key_error("not a two-prime RSAPrivateKey")
    return {"n": n, "e": e, "d": d, "p": p, "q": q, "dp": dp, "dq": dq, "qi": qi}


def pkcs1_public(der):  # RSAPublicKey ::= SEQUENCE { n, e }
    n, e = (der_int(v) for v in der_sequence(der, [INTEGER, INTEGER]))
    return {"n": n, "e": e}


def bit_string(contents):
    """The bytes of a BIT STRING that has no unused bits."""
    if contents[:1] != b"\x00":
        raise key_error("a BIT STRING with unused bits")
    return contents[1:]


# docs/spec/nops.md, "Keys": an optional byte-order mark, then exactly space, tab, CR or LF around one block (not
# Python's \s, which is another set than JavaScript's); inside, non-empty base64 lines, each line ending in LF or CRLF.
# The END line's own line end belongs to what follows the block: space, tab, CR, LF in any order.
PEM = re.compile(r"\ufeff?[ \t\r\n]*-----BEGIN ([A-Z0-9 ]+)-----\r?\n((?:[A-Za-z0-9+/=]+\r?\n)+)-----END \1-----[ \t\r\n]*")


def rsa_key_from_pem(text, kind):
    """The numbers of a PKCS#8 / PKCS#1 private or SPKI / PKCS#1 public PEM."""
    match = PEM.fullmatch(text)
    if match is None:
        raise key_error("The key is not a single PEM block")
    label = match.group(1)
    labels = {"private": ("PRIVATE KEY", "RSA PRIVATE KEY"), "public": ("PUBLIC KEY", "RSA PUBLIC KEY")}
    if label not in labels[kind]:
        raise key_error(f"The PEM block is not an unencrypted RSA {kind} key")
    try:
        der = from_base64(re.sub(r"\r?\n", "", match.group(2)))
    except PortError:
        raise key_error("The PEM block has malformed base64") from None
    if label == "RSA PRIVATE KEY":
        return pkcs1_private(der)
    if label == "RSA PUBLIC KEY":
        return pkcs1_public(der)
    if label == "PRIVATE KEY":
        # OneAsymmetricKey (RFC 5958) ::= SEQUENCE { version, algorithm, OCTET STRING, [0] attributes OPTIONAL,
        # [1] publicKey OPTIONAL }: version 0 (PKCS#8) with the first three only; version 1 may add publicKey, which
        # must be the key's own. Attributes are refused (no RSA key tool writes them).
        tag, body, end = der_read(der, 0, len(der))
        if tag != SEQUENCE or end != len(der):
            raise key_error("not one DER SEQUENCE")
        tags = [INTEGER, SEQUENCE, OCTET_STRING]
        try:
            parts = der_elements(body, tags)
        except PortError:
            parts = der_elements(body, tags + [PUBLIC_KEY_1])
        if der_int(parts[0]) not in (0, 1) or (len(parts) == 4 and der_int(parts[0]) != 1):
            raise key_error("not a PKCS#8 key of version 0, or 1 with its public key")
        rsa_algorithm(parts[1])
        key = pkcs1_private(parts[2])
        if len(parts) == 4 and pkcs1_public(bit_string(parts[3])) != {"n": key["n"], "e": key["e"]}:
            raise key_error("the publicKey of the PKCS#8 key is another key's")
        return key
    # SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING }
    algorithm, public_key = der_sequence(der, [SEQUENCE, BIT_STRING])
    rsa_algorithm(algorithm)
    return pkcs1_public(bit_string(public_key))


def b64url_int(text):
    """A JWK member, a Base64urlUInt (RFC 7518 section 2): strict base64url without padding (RFC 4648 section 5), not
    empty, in the fewest octets: one encoding per number, so no "=", no "+" or "/", no length of 4k+1, no stray bits
    in the last character, no leading zero octet ("AAEAAQ" is not e = 65537)."""
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", text, re.ASCII) or len(text) % 4 == 1:
        raise key_error("a JWK parameter is not base64url without padding")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if base64.urlsafe_b64encode(data).decode("ascii").rstrip("=") != text or (len(data) > 1 and data[0] == 0):
        raise key_error("a JWK parameter is not base64url without padding in the fewest octets")
    return int.from_bytes(data, "big")


def rsa_key_from_jwk(jwk, kind):
    if jwk.get("kty") != "RSA":
        raise key_error("not an RSA JWK")
    if "alg" in jwk and jwk["alg"] != "RS256":  # absent or exactly "RS256" (null is another algorithm)
        raise key_error("a JWK for another algorithm than RS256")
    if kind == "public" and "d" in jwk:  # "d": null too: a member of the JWK, not an absent protocol field
        raise key_error("a private JWK given as the public key")
    names = ("n", "e") if kind == "public" else ("n", "e", "d", "p", "q", "dp", "dq", "qi")
    return {name: b64url_int(jwk.get(name)) for name in names}


def check_rsa_key(key):
    """docs/spec/nops.md, "Keys" [RsaNumbers]: n odd, of 1024 to 16384 bits; e one of 3, 17, 37, 65537; a
    private key's parts belong together (qi = q^-1 mod p: 0 < qi < p, RFC 8017 3.2), and its signature verifies under
    its own public part."""
    n, e = key["n"], key["e"]
    if not 1024 <= n.bit_length() <= 16384:
        raise key_error("The key is not of 1024 to 16384 bits")
    if n % 2 == 0 or e not in (3, 17, 37, 65537):
        raise key_error("n must be odd, e one of 3, 17, 37, 65537")
    if "d" in key:
        d, p, q, dp, dq, qi = (key[name] for name in ("d", "p", "q", "dp", "dq", "qi"))
        if p < 2 or q < 2 or n != p * q or dp != d % (p - 1) or dq != d % (q - 1) or e * dp % (p - 1) != 1 \
                or e * dq % (q - 1) != 1 or not 0 < qi < p or q * qi % p != 1:
            raise key_error("an inconsistent RSA key")
        if not rsa_verify(key, b"", rsa_sign(key, b"")):  # p or q is no prime
            raise key_error("an inconsistent RSA key")
    return key


def rsa_key(data, kind):
    pem = field(data, kind + "KeyPem", str, required=False)
    key = rsa_key_from_pem(pem, kind) if pem is not None else rsa_key_from_jwk(field(data, kind + "KeyJwk", dict), kind)
    return check_rsa_key(key)


# EMSA-PKCS1-v1_5 (RFC 8017, 9.2): 00 01 FF..FF 00 || DigestInfo(SHA-256) || hash, as long as the modulus.
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def emsa_pkcs1_v15(message, k):
    t = SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
    return b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t


def rsa_sign(key, message):
    k = (key["n"].bit_length() + 7) // 8
    m = int.from_bytes(emsa_pkcs1_v15(message, k), "big")
    return pow(m, key["d"], key["n"]).to_bytes(k, "big")  # NOT constant time: conformance only


def rsa_verify(key, message, signature):
    """RFC 8017, 8.2.2: decrypt, then compare with the encoding we would have made (never parse the padding)."""
    k = (key["n"].bit_length() + 7) // 8
    if len(signature) != k:
        return False
    s = int.from_bytes(signature, "big")
    if s >= key["n"]:
        return False
    return hmac.compare_digest(pow(s, key["e"], key["n"]).to_bytes(k, "big"), emsa_pkcs1_v15(message, k))


def nops_signature(key, message):
    """The x-nops-signature value: base64 with no newline (not base64.encodebytes, which adds them)."""
    return to_base64(rsa_sign(key, utf8(message)))


def nops_sign(data):
    m = nops_message(data)
    signature = nops_signature(rsa_key(data, "private"), m["message"])
    return {
        "target": m["target"],
        "message": m["message"],
        "signature": signature,
        "url": m["url"],
        "headers": {**m["headers"], "x-nops-signature": signature},
    }


def nops_verify(data):
    message = field(data, "message", str, required=False)
    # A "#" in a URL as received: what follows it is a tail the signature does not cover (false, at the last step).
    tail = False
    if message is None:
        message = received_message(data)
        tail = "#" in data["url"]
    try:
        signature = from_base64(field(data, "signature", str))
    except PortError:
        signature = b""
    if signature == b"":
        raise PortError("ERR_NOPS_SIGNATURE_ENCODING", "The signature is not strict, padded standard base64")
    valid = rsa_verify(rsa_key(data, "public"), utf8(message), signature)
    return {"valid": valid and not tail}


# =====================================================================================================================
# 4. The protocol loop: a hello line, then one response line per request line, in order, until stdin closes.
#
# Every input is first checked against its operation's schema, `definitions.input` of
# `schema/<file>.schema.json` (PROTOCOL.md, "Inputs that break the schema"): a small validator of the keywords those
# schemas use, the same one as the TypeScript port's (conformance/src/input-check.ts). `null` is absent: dropped at
# the top level and inside options and date before the check (not inside a key), except a top-level member whose
# schema allows null (nog-v1 sign's nonce). A number
# where an integer is wanted, or outside minimum/maximum, is ERR_OPTION_RANGE; any other break is ERR_VECTOR_INPUT,
# which wins when both occur. Messages name the member and the rule, never the value.
# =====================================================================================================================

# The runner names its schema directory in REQSIGN_CONFORMANCE_SCHEMA_DIR; beside this file is where the package keeps it.
SCHEMA_DIR = os.environ.get("REQSIGN_CONFORMANCE_SCHEMA_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "schema"
)
SCHEMA_KEYWORDS = {
    "$schema", "$id", "$ref", "title", "description", "type", "enum", "const", "required", "properties",
    "additionalProperties", "items", "minItems", "maxItems", "pattern", "minimum", "maximum", "oneOf", "anyOf",
    "allOf", "not", "definitions",
}  # fmt: skip


def json_type_is(value, kind):
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return kind == "number" or isinstance(value, int) or value.is_integer()
    if kind == "string":
        return isinstance(value, str)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    raise ValueError(f"schema type {kind} is not one this validator knows")


def json_type_name(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def same_json(a, b):
    return json_type_name(a) == json_type_name(b) and a == b


def js_number(n):
    return str(int(n)) if float(n).is_integer() else repr(n)


class InputSchemas:
    """The schema files by name, and the input check of each operation."""

    def __init__(self, directory=SCHEMA_DIR):
        self.docs = {}
        for name in sorted(os.listdir(directory)):
            if name.endswith(".schema.json"):
                with open(os.path.join(directory, name), encoding="utf-8") as f:
                    self.docs[name] = json.load(f)
        self.checks = {}
        for name, doc in self.docs.items():
            props = (doc.get("allOf") or [{}, {}])[1].get("properties", {})
            scheme, operation = props.get("scheme", {}).get("const"), props.get("operation", {}).get("const")
            if isinstance(scheme, str) and isinstance(operation, str):
                schema, _ = self.resolve("#/definitions/input", name)
                self.audit(schema, name, set())
                self.checks[(scheme, operation)] = (schema, name)

    def resolve(self, ref, doc):
        file, _, pointer = ref.partition("#")
        file = file or doc
        at = self.docs[file]
        for part in [p for p in pointer.split("/") if p]:
            at = at[part.replace("~1", "/").replace("~0", "~")]
        return at, file

    def audit(self, schema, doc, seen):
        if id(schema) in seen:
            return
        seen.add(id(schema))
        unknown = set(schema) - SCHEMA_KEYWORDS
        if unknown:
            raise ValueError(f"{doc}: schema keyword {sorted(unknown)[0]} is not one this validator knows")
        subs = [*schema.get("oneOf", []), *schema.get("anyOf", []), *schema.get("allOf", [])]
        subs += [schema[k] for k in ("not", "items", "additionalProperties") if isinstance(schema.get(k), dict)]
        subs += list(schema.get("properties", {}).values())
        for sub in subs:
            self.audit(sub, doc, seen)
        if "$ref" in schema:
            self.audit(*self.resolve(schema["$ref"], doc), seen)

    def faults(self, schema, v, path, doc):
        """Every fault of v against schema: (is_range, message)."""
        out = []
        if "$ref" in schema:
            target, at = self.resolve(schema["$ref"], doc)
            out += self.faults(target, v, path, at)
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(json_type_is(v, t) for t in types):
                if "integer" in types and json_type_is(v, "number"):
                    out.append((True, f"{path} must be a whole number"))
                else:
                    out.append((False, f"{path} must be {' or '.join(types)}, not {json_type_name(v)}"))
                return out
        if "enum" in schema and not any(same_json(e, v) for e in schema["enum"]):
            shown = ", ".join(json.dumps(e) for e in schema["enum"])
            out.append((False, f"{path} must be one of {shown}"))
        if "const" in schema and not same_json(schema["const"], v):
            out.append((False, f"{path} must be {json.dumps(schema['const'])}"))
        if json_type_is(v, "number"):
            if "minimum" in schema and v < schema["minimum"]:
                out.append((True, f"{path} must be {js_number(schema['minimum'])} or more"))
            if "maximum" in schema and v > schema["maximum"]:
                out.append((True, f"{path} must be {js_number(schema['maximum'])} or less"))
        if isinstance(v, str) and "pattern" in schema:
            # JavaScript's RegExp: `$` is the very end (Python's also matches before a final newline), \d is ASCII.
            pattern = schema["pattern"][:-1] + r"\Z" if schema["pattern"].endswith("$") else schema["pattern"]
            if re.search(pattern, v, re.ASCII) is None:
                out.append((False, f"{path} must match {schema['pattern']}"))
        if isinstance(v, list):
            if "minItems" in schema and len(v) < schema["minItems"]:
                out.append((False, f"{path} must have {schema['minItems']} items or more"))
            if "maxItems" in schema and len(v) > schema["maxItems"]:
                out.append((False, f"{path} must have {schema['maxItems']} items or fewer"))
            if isinstance(schema.get("items"), dict):
                for i, item in enumerate(v):
                    out += self.faults(schema["items"], item, f"{path}/{i}", doc)
        if isinstance(v, dict):
            for name in schema.get("required", []):
                if name not in v:
                    out.append((False, f"{path} must have {name}"))
            props = schema.get("properties", {})
            extra = schema.get("additionalProperties")
            for name, value in v.items():
                if name in props:
                    out += self.faults(props[name], value, f"{path}/{name}", doc)
                elif extra is False:
                    out.append((False, f"{path} has {json.dumps(name)}, which the schema does not know"))
                elif isinstance(extra, dict):
                    out += self.faults(extra, value, f"{path}/{json.dumps(name)}", doc)
        for sub in schema.get("allOf", []):
            out += self.faults(sub, v, path, doc)
        if "anyOf" in schema and not any(not self.faults(s, v, path, doc) for s in schema["anyOf"]):
            out.append((False, f"{path} matches none of the forms the schema allows (anyOf)"))
        if "oneOf" in schema:
            n = sum(1 for s in schema["oneOf"] if not self.faults(s, v, path, doc))
            if n != 1:
                what = "matches none of the forms the schema allows (oneOf)" if n == 0 else "matches more than one form (oneOf): give exactly one"
                out.append((False, f"{path} {what}"))
        if isinstance(schema.get("not"), dict) and not self.faults(schema["not"], v, path, doc):
            out.append((False, f"{path} has a form the schema excludes (not)"))
        return out

    def check(self, scheme, operation, raw):
        """The input without its nulls, or PortError (ERR_VECTOR_INPUT, ERR_OPTION_RANGE)."""
        schema, doc = self.checks[(scheme, operation)]
        nullable = {
            name
            for name, p in schema.get("properties", {}).items()
            if "null" in (p.get("type") if isinstance(p.get("type"), list) else [p.get("type")])
        }

        def drop_nulls(v, keep=frozenset(), depth=0):
            # null is absent at the top level and inside options and date, not inside a key (JWK "alg": null)
            if not isinstance(v, dict):
                return v
            inner = lambda k, x: drop_nulls(x, frozenset(), 1) if depth == 0 and k in ("options", "date") else x  # noqa: E731
            return {k: inner(k, x) for k, x in v.items() if x is not None or k in keep}

        data = drop_nulls(raw, nullable)
        faults = self.faults(schema, data, "input", doc)
        if faults:
            is_range, message = next((f for f in faults if not f[0]), faults[0])
            raise PortError("ERR_OPTION_RANGE" if is_range else "ERR_VECTOR_INPUT", message)
        return data


INPUT_SCHEMAS = None

OPERATIONS = {
    ("canonical", "target"): canonical_target,
    ("canonical", "query"): canonical_query,
    ("canonical", "date"): canonical_date,
    ("canonical", "encoding"): canonical_encoding,
    ("nog-v1", "sign"): nog_sign,
    ("nog-v1", "verify"): nog_verify,
    ("nog-v1", "verify-sequence"): nog_verify_sequence,
    ("nops", "sign"): nops_sign,
    ("nops", "verify"): nops_verify,
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
        global INPUT_SCHEMAS
        if INPUT_SCHEMAS is None:
            INPUT_SCHEMAS = InputSchemas()
        data = INPUT_SCHEMAS.check(request.get("scheme"), request.get("operation"), request.get("input"))
        return {"type": "response", "id": rid, "output": operation(data)}
    except PortError as err:
        return {"type": "response", "id": rid, "error": {"code": err.code, "message": err.message}}
    except Exception as err:  # a bug of this port: answered, as PROTOCOL.md asks, and the port goes on
        print(f"internal failure: {err!r}", file=sys.stderr)
        return {"type": "response", "id": rid, "error": {"code": "ERR_UNEXPECTED", "message": "internal failure"}}


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
