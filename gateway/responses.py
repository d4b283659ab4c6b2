"""The answers every domain's write and read routes document in /openapi.json."""

from __future__ import annotations

WRITE_RESPONSES = {
    202: "accepted: Kafka acknowledged the record (event_id, topic, partition, offset)",
    400: "malformed JSON or header",
    401: "missing or invalid API key",
    403: "the key lacks the scope, or does not act for the object's account or learner",
    408: "the body did not arrive in time",
    409: "Idempotency-Key reused for another request, or still in flight",
    413: "body too large",
    415: "not JSON",
    422: "invalid fields, named in `errors`",
    429: "rate limited (Retry-After)",
    503: "not accepted: Kafka did not acknowledge, Redis did not answer in time, or the "
    "gateway is overloaded (Retry-After)",
}
READ_RESPONSES = {
    200: "found",
    401: "missing or invalid API key",
    403: "the key lacks the scope, or does not act for the object's account or learner",
    404: "unknown",
    422: "invalid parameters",
    429: "rate limited (Retry-After)",
    503: "Redis did not answer in time (Retry-After)",
}
