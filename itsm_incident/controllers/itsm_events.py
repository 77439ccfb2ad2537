"""Monitoring tools post their alerts here (INC-1, External contract).

Each request is authenticated with the bearer token of an itsm.event.source,
then the whole payload is validated into plain event dicts before anything
is written: a refused request creates nothing.
"""

import json
import logging
import re
from datetime import datetime, timezone

from psycopg2.extensions import TransactionRollbackError

from odoo import api, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

_logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
# What is read (and dropped) of a body beyond MAX_BODY_BYTES at most.
DRAIN_BYTES = 8 * MAX_BODY_BYTES
DRAIN_BLOCK = 64 * 1024
# Timestamps a monitoring tool may send: anything else is a wrong clock or a
# hostile payload (and near year 9999 an offset overflows the conversion).
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2200, 1, 1, tzinfo=timezone.utc)
MAX_EVENTS = 1000
# How many times a delivery starts again after meeting another one.
DELIVERY_TRIES = 20
# Where the body read once is kept in the request's WSGI environment.
BODY_KEY = "itsm.events.body"
MAX_FINGERPRINT = 255
STATUSES = ("firing", "resolved")
TEXT_KEYS = ("source", "severity", "summary", "description", "service")
# RFC 3339 as Alertmanager writes it: nanoseconds, "Z" or an offset.
TIMESTAMP = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:\d{2})?$"
)


class PayloadError(ValueError):
    """A request refused with HTTP 400; the message tells the sender why."""

    status = 400


class PayloadTooLarge(PayloadError):
    """A request refused with HTTP 413."""

    status = 413


# ----------------------------------------------------------------------
# Validation: payload → list of event dicts
# ----------------------------------------------------------------------


def read_json(httprequest):
    """The JSON document of the request body."""
    if (httprequest.content_length or 0) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"The body exceeds {MAX_BODY_BYTES} bytes.")
    if httprequest.mimetype != "application/json" and not (
        httprequest.mimetype.startswith("application/")
        and httprequest.mimetype.endswith("+json")
    ):
        raise PayloadError(
            "Content-Type must be application/json, not "
            f"{httprequest.mimetype or 'missing'}."
        )
    body = read_body(httprequest)
    if not body:
        raise PayloadError("The request body is empty: send a JSON document.")
    try:
        # RFC 8259 8.1: JSON between systems is UTF-8 (json.loads would
        # also guess UTF-16 and UTF-32 from bytes).
        return json.loads(body.decode())
    except UnicodeDecodeError as exc:
        raise PayloadError(f"The request body is not UTF-8: {exc}.") from exc
    except (ValueError, RecursionError) as exc:
        raise PayloadError(f"The request body is not valid JSON: {exc}.") from exc


def read_body(httprequest):
    """The request body, at most MAX_BODY_BYTES of it: Odoo would read a
    chunked body (no Content-Length) whole, up to 128 MiB; here reading
    stops one byte beyond the limit (security review L1).

    Kept with the request: when two deliveries meet on the same source,
    Odoo serves the second again after a serialization failure, and its
    body must then be read again from here (the stream is spent)."""
    # Odoo's request wraps werkzeug's and hides its stream (the bus reads
    # its socket likewise); get_data() would read it all.
    wrapped = httprequest._HTTPRequest__wrapped
    if BODY_KEY in wrapped.environ:
        return wrapped.environ[BODY_KEY]
    body = _read_stream(wrapped.stream)
    wrapped.environ[BODY_KEY] = body
    return body


def _read_stream(stream):
    chunks, size = [], 0
    try:
        while size <= MAX_BODY_BYTES:
            chunk = stream.read(MAX_BODY_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_BODY_BYTES:
            # The rest is read and dropped, a bounded amount, so that the
            # sender reads the answer rather than a reset connection.
            for _block in range(DRAIN_BYTES // DRAIN_BLOCK):
                if not stream.read(DRAIN_BLOCK):
                    break
    except OSError as exc:  # werkzeug: a malformed chunk
        raise PayloadError(f"The request body could not be read: {exc}.") from exc
    if size > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"The body exceeds {MAX_BODY_BYTES} bytes.")
    return b"".join(chunks)


def _shown(value):
    """A value of the payload as an error message quotes it: short strings
    and scalars as JSON, anything else by its kind (never the whole of a
    huge or deeply nested value)."""
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 40 else value[:40] + "…")
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value) if len(str(value)) <= 40 else "a long number"
    return "an object" if isinstance(value, dict) else "a list"


def _text(value, where, required=False):
    if value is None or value == "":
        if required:
            raise PayloadError(f'"{where}" is required.')
        return ""
    if not isinstance(value, str):
        raise PayloadError(f'"{where}" must be a string.')
    return value.strip()


def _mapping(value, where):
    """A JSON object of scalar values, as strings."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PayloadError(f'"{where}" must be an object.')
    result = {}
    for key, item in value.items():
        if isinstance(item, dict | list):
            raise PayloadError(f'"{where}.{key}" must be a string.')
        result[key] = "" if item is None else str(item)
    return result


def _status(value, where):
    if value not in STATUSES:
        raise PayloadError(
            f'"{where}" must be "firing" or "resolved", not {_shown(value)}.'
        )
    return value


def _fingerprint(value, where):
    fingerprint = _text(value, where, required=True)
    if len(fingerprint) > MAX_FINGERPRINT:
        raise PayloadError(f'"{where}" is longer than {MAX_FINGERPRINT} characters.')
    return fingerprint


def parse_timestamp(value, where):
    """An RFC 3339 timestamp as a naive UTC datetime; None for none or for
    Go's zero time (0001-01-01), which Alertmanager sends for "not ended"."""
    if value is None or value == "":
        return None
    match = TIMESTAMP.match(value) if isinstance(value, str) else None
    if not match:
        raise PayloadError(f'"{where}" must be an RFC 3339 timestamp.')
    day, time, fraction, zone = match.groups()
    fraction = f".{fraction[:6]}" if fraction else ""
    zone = "+00:00" if not zone or zone in "Zz" else zone
    try:
        moment = datetime.fromisoformat(f"{day}T{time}{fraction}{zone}")
    except ValueError as exc:
        raise PayloadError(f'"{where}" is not a valid date: {exc}.') from exc
    if moment.year <= 1:
        return None
    # Compared before converting: near year 9999 the conversion overflows.
    if not EARLIEST <= moment <= LATEST:
        raise PayloadError(
            f'"{where}" must lie between {EARLIEST.year} and {LATEST.year}.'
        )
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _check_count(events):
    if not events:
        raise PayloadError("The payload holds no event.")
    if len(events) > MAX_EVENTS:
        raise PayloadError(f"At most {MAX_EVENTS} events per request.")


def parse_alertmanager(payload):
    """The events of a Prometheus Alertmanager webhook (payload version 4)."""
    if not isinstance(payload, dict):
        raise PayloadError("The body must be an Alertmanager webhook object.")
    if str(payload.get("version")) != "4":
        raise PayloadError(
            'Unsupported Alertmanager payload: "version" must be "4", not '
            f"{_shown(payload.get('version'))}."
        )
    alerts = payload.get("alerts")
    if not isinstance(alerts, list):
        raise PayloadError('"alerts" must be a list.')
    _check_count(alerts)
    receiver = _text(payload.get("receiver"), "receiver")
    events = []
    for index, alert in enumerate(alerts):
        where = f"alerts[{index}]"
        if not isinstance(alert, dict):
            raise PayloadError(f'"{where}" must be an object.')
        labels = _mapping(alert.get("labels"), f"{where}.labels")
        annotations = _mapping(alert.get("annotations"), f"{where}.annotations")
        events.append(
            {
                "fingerprint": _fingerprint(
                    alert.get("fingerprint"), f"{where}.fingerprint"
                ),
                "status": _status(alert.get("status"), f"{where}.status"),
                "severity": labels.get("severity", "").strip(),
                "summary": (
                    annotations.get("summary") or annotations.get("message") or ""
                ).strip(),
                "description": annotations.get("description", "").strip(),
                "service": labels.get("service", "").strip(),
                "source": f"Alertmanager ({receiver})" if receiver else "Alertmanager",
                "labels": labels,
                "starts_at": parse_timestamp(
                    alert.get("startsAt"), f"{where}.startsAt"
                ),
                "ends_at": parse_timestamp(alert.get("endsAt"), f"{where}.endsAt"),
                "url": _text(alert.get("generatorURL"), f"{where}.generatorURL"),
            }
        )
    return events


def parse_generic(payload):
    """Generic events: one JSON object, or a list of them, each with
    fingerprint, status (firing|resolved) and optionally source, severity,
    summary, description, service and labels."""
    items = payload if isinstance(payload, list) else [payload]
    _check_count(items)
    events = []
    for index, item in enumerate(items):
        where = f"[{index}]" if isinstance(payload, list) else "body"
        prefix = f"{where}." if isinstance(payload, list) else ""
        if not isinstance(item, dict):
            raise PayloadError(f'"{where}" must be an event object.')
        event = {key: _text(item.get(key), prefix + key) for key in TEXT_KEYS}
        event.update(
            fingerprint=_fingerprint(item.get("fingerprint"), prefix + "fingerprint"),
            status=_status(item.get("status"), prefix + "status"),
            labels=_mapping(item.get("labels"), prefix + "labels"),
            starts_at=None,
            ends_at=None,
            url="",
        )
        events.append(event)
    return events


# ----------------------------------------------------------------------
# Endpoints
# ----------------------------------------------------------------------


def _error(status, message, headers=None):
    return request.make_json_response({"error": message}, headers, status=status)


class ItsmEventsController(http.Controller):
    @http.route(
        "/itsm/events/alertmanager",
        type="http",
        auth="none",
        csrf=False,
        methods=["POST"],
        readonly=False,
        save_session=False,
    )
    def itsm_events_alertmanager(self, **_kwargs):
        return self._itsm_receive(parse_alertmanager)

    @http.route(
        "/itsm/events",
        type="http",
        auth="none",
        csrf=False,
        methods=["POST"],
        readonly=False,
        save_session=False,
    )
    def itsm_events(self, **_kwargs):
        return self._itsm_receive(parse_generic)

    def _itsm_receive(self, parse):
        httprequest = request.httprequest
        scheme, _sep, token = httprequest.headers.get("Authorization", "").partition(
            " "
        )
        if scheme.lower() != "bearer" or not token.strip():
            return _error(
                401,
                "Missing token: send the header 'Authorization: Bearer <token>' "
                "with the token of the event source.",
                [("WWW-Authenticate", 'Bearer realm="itsm"')],
            )
        source = request.env["itsm.event.source"]._itsm_authenticate(token.strip())
        if not source:
            return _error(
                401,
                "Invalid token: no active event source has this token.",
                [("WWW-Authenticate", 'Bearer realm="itsm", error="invalid_token"')],
            )
        try:
            events = parse(read_json(httprequest))
        except PayloadError as exc:
            return _error(exc.status, str(exc))
        # The valid token is the authorisation: the tool acts as the source's
        # user in superuser mode, because it has no session and the source is
        # readable by managers only. What it may do is bounded by
        # _itsm_receive_events: open and update the incidents of this source.
        user = source.user_id
        context = dict(
            request.env.context,
            lang=user.lang,
            tz=user.tz,
            allowed_company_ids=source.company_id.ids,
            mail_create_nosubscribe=True,
        )
        # Deliveries of one source wait for each other (a row lock); the one
        # that waited finds the source changed and must start again on a
        # fresh snapshot, or it would not see the incidents just opened. In
        # a transaction of its own it starts again at once, rather than
        # after the random pause of Odoo's retry of the whole request (up
        # to seconds, seen under load).
        for attempt in range(1, DELIVERY_TRIES + 1):
            try:
                with request.env.registry.cursor() as cr:
                    env = api.Environment(cr, user.id, context, su=True)
                    try:
                        with cr.savepoint():
                            summary = source.with_env(env)._itsm_receive_events(events)
                    except (UserError, ValidationError) as exc:
                        _logger.warning(
                            "Events of source %s refused: %s", source.id, exc
                        )
                        return _error(422, f"The events could not be recorded: {exc}")
                break
            except TransactionRollbackError:
                if attempt == DELIVERY_TRIES:
                    raise
                _logger.info(
                    "Events of source %s met another delivery; again (%s/%s).",
                    source.id,
                    attempt,
                    DELIVERY_TRIES,
                )
        return request.make_json_response(summary)
