"""A client of an HTTP SMS gateway shaped like Aliyun's SendSms (and
understanding Tencent Cloud's answers): one JSON POST per message.

Plain Python, no ORM: ``send`` takes the configuration and one message and
returns what became of it; ``sms.sms`` turns that into its states. Never
raises for the gateway's faults (unreachable, slow, HTTP errors, refusals),
and never puts the access key secret in a result, a log or an exception.
"""

import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field

import requests

# A gateway's error codes that say more than "server error" (Aliyun's, then
# Tencent Cloud's); any other refusal is a server error with its reason.
FAILURE_TYPES = {
    "isv.MOBILE_NUMBER_ILLEGAL": "sms_number_format",
    "isv.MOBILE_COUNT_OVER_LIMIT": "sms_number_format",
    "isv.AMOUNT_NOT_ENOUGH": "sms_credit",
    "isv.OUT_OF_SERVICE": "sms_credit",
    "InvalidParameterValue.IncorrectPhoneNumber": "sms_number_format",
    "FailedOperation.InsufficientBalanceInSmsPackage": "sms_credit",
    "UnsupportedOperation.UnsupportedRegion": "sms_country_not_supported",
}
SUCCESS_CODES = {"ok", "0"}
# What a phone number may carry for readability but a gateway refuses.
NUMBER_NOISE = re.compile(r"[\s\-().]")


@dataclass(frozen=True)
class GatewayConfig:
    url: str
    access_key_id: str = ""
    access_key_secret: str = ""
    sign_name: str = ""
    template_code: str = ""
    template_param: str = "content"
    timeout: float = 10.0

    def __repr__(self):
        # The secret stays out of tracebacks and logs.
        return f"GatewayConfig(url={self.url!r}, access_key_id={self.access_key_id!r})"


@dataclass(frozen=True)
class GatewayResult:
    """``ok``: the gateway took the message (``message_id``: its id for it);
    otherwise ``failure_type`` (an ``sms.sms`` failure type), ``error`` (what
    went wrong, one of ``ERRORS``) and ``detail`` (the values that go into
    its sentence). ``transport``: the gateway could not be asked
    (unreachable, too slow, HTTP error), as opposed to a refusal."""

    ok: bool
    message_id: str = ""
    failure_type: str = ""
    error: str = ""
    detail: dict = field(default_factory=dict)
    transport: bool = False


ERRORS = ("no_url", "no_number", "timeout", "unreachable", "http", "no_code", "refused")
# The errors that say the gateway cannot take any message now.
GATEWAY_DOWN = {"no_url", "timeout", "unreachable"}


def clean_number(number):
    return NUMBER_NOISE.sub("", number or "")


def request_body(config, number, body, out_id):
    """The JSON the gateway receives: Aliyun SendSms's parameters."""
    return {
        "PhoneNumbers": clean_number(number),
        "SignName": config.sign_name,
        "TemplateCode": config.template_code,
        "TemplateParam": json.dumps(
            {config.template_param or "content": body or ""}, ensure_ascii=False
        ),
        "OutId": out_id,
    }


def signature(secret, timestamp, nonce, payload):
    """Hex HMAC-SHA256 of ``timestamp\\nnonce\\npayload`` with the secret."""
    message = b"\n".join([str(timestamp).encode(), nonce.encode(), payload])
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def request_headers(config, payload, timestamp, nonce):
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if config.access_key_id:
        sign = signature(config.access_key_secret, timestamp, nonce, payload)
        headers["Authorization"] = (
            f"ITSM-HMAC-SHA256 AccessKeyId={config.access_key_id}, "
            f"Timestamp={timestamp}, Nonce={nonce}, Signature={sign}"
        )
    return headers


def parse_answer(data):
    """``(code, message, message id)`` of an Aliyun-shaped answer
    (``Code``, ``Message``, ``BizId``) or a Tencent Cloud one
    (``Response.SendStatusSet[0]`` or ``Response.Error``)."""
    if not isinstance(data, dict):
        return None, "", ""
    if isinstance(data.get("Response"), dict):
        data = data["Response"]
        if isinstance(data.get("Error"), dict):
            data = data["Error"]
        elif data.get("SendStatusSet"):
            data = data["SendStatusSet"][0]
    code = data.get("Code")
    message_id = data.get("BizId") or data.get("SerialNo") or data.get("MessageId")
    return code, str(data.get("Message") or ""), str(message_id or "")


def send(config, number, body, out_id, timestamp):
    """Send one message; ``out_id`` (the SMS's UUID) is also the nonce of
    the signature, ``timestamp`` (Unix seconds) the moment it is signed."""
    if not config.url:
        return _unreachable("no_url")
    if not clean_number(number):
        return GatewayResult(
            False, failure_type="sms_number_missing", error="no_number"
        )
    payload = json.dumps(
        request_body(config, number, body, out_id), ensure_ascii=False
    ).encode()
    try:
        response = requests.post(
            config.url,
            data=payload,
            headers=request_headers(config, payload, timestamp, out_id),
            timeout=config.timeout,
        )
    except requests.Timeout:
        return _unreachable("timeout", seconds=f"{config.timeout:g}")
    except requests.RequestException as error:
        return _unreachable("unreachable", exception=type(error).__name__)
    try:
        data = response.json()
    except ValueError:
        data = None
    code, message, message_id = parse_answer(data)
    if response.status_code >= 400:
        return _unreachable(
            "http",
            status=response.status_code,
            code=f"{code or ''} {message}".strip(),
        )
    if code is None:
        return _unreachable("no_code")
    if str(code).lower() in SUCCESS_CODES:
        return GatewayResult(True, message_id=message_id)
    return GatewayResult(
        False,
        failure_type=FAILURE_TYPES.get(str(code), "sms_server"),
        error="refused",
        detail={"code": f"{code} {message}".strip()},
    )


def _unreachable(kind, **detail):
    return GatewayResult(
        False, failure_type="sms_server", error=kind, detail=detail, transport=True
    )
