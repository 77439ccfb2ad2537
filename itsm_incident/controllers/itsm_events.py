"""Monitoring tools post their alerts here (INC-1, External contract).

Each request is authenticated with the bearer token of an itsm.event.source,
then the whole payload is validated into plain event dicts before anything
is written: a refused request creates nothing.
"""

import json
import logging
import re
from datetime import datetime, timezone

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

_logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
MAX_EVENTS = 1000
MAX_FINGERPRINT = 255
STATUSES = ("firing", "resolved")
TEXT_KEYS = ("source", "severity", "summary", "description", "service")
# RFC 3339 as Alertmanager writes it: nanoseconds, "Z" or an offset.
TIMESTAMP = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:\d{2})?$"
)


class PayloadError(ValueError):
    """A request refused with HTTP 400; the message tells the sender why."""


# ----------------------------------------------------------------------
# Validation: payload → list of event dicts
# ----------------------------------------------------------------------


def read_json(httprequest):
    """The JSON document of the request body."""
    if httprequest.mimetype != "application/json" and not (
        httprequest.mimetype.startswith("application/")
        and httprequest.mimetype.endswith("+json")
    ):
        raise PayloadError(
            "Content-Type must be application/json, not "
            f"{httprequest.mimetype or 'missing'}."
        )
    body = httprequest.get_data(cache=True)
    if not body:
        raise PayloadError("The request body is empty: send a JSON document.")
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise PayloadError(f"The request body is not valid JSON: {exc}.") from exc


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
            f'"{where}" must be "firing" or "resolved", not {json.dumps(value)}.'
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
    if not value:
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
            f"{json.dumps(payload.get('version'))}."
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
        if (httprequest.content_length or 0) > MAX_BODY_BYTES:
            return _error(413, f"The body exceeds {MAX_BODY_BYTES} bytes.")
        try:
            events = parse(read_json(httprequest))
        except PayloadError as exc:
            return _error(400, str(exc))
        # The valid token is the authorisation: the tool acts as the source's
        # user in superuser mode, because it has no session and the source is
        # readable by managers only. What it may do is bounded by
        # _itsm_receive_events: open and update the incidents of this source.
        user = source.user_id
        env = request.env(
            user=user.id,
            su=True,
            context=dict(
                request.env.context,
                lang=user.lang,
                tz=user.tz,
                allowed_company_ids=source.company_id.ids,
                mail_create_nosubscribe=True,
            ),
        )
        try:
            with env.cr.savepoint():
                summary = source.with_env(env)._itsm_receive_events(events)
        except (UserError, ValidationError) as exc:
            _logger.warning("Events of source %s refused: %s", source.id, exc)
            return _error(422, f"The events could not be recorded: {exc}")
        return request.make_json_response(summary)
