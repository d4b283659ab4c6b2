"""/openapi.json, generated from the operation table and the pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.requests import Request
from starlette.responses import Response

from gateway.idempotency import KEY_PATTERN, MAX_KEY_LENGTH
from gateway.json_response import JSONResponse
from gateway.operation import Operation

_PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "pointer": {"type": "string", "description": "JSON pointer into the body"},
                    "parameter": {"type": "string", "description": "path/query/header name"},
                    "field": {"type": "string"},
                    "detail": {"type": "string"},
                    "code": {"type": "string"},
                },
            },
        },
    },
}


def _parameters(op: Operation) -> list[dict[str, Any]]:
    if op.parameters is None:
        return []
    schema = op.parameters.model_json_schema()
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "path" if "{" + name + "}" in op.path else "query",
            "required": "{" + name + "}" in op.path or name in required,
            "schema": prop,
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def _operation(op: Operation, refs: dict[type[BaseModel], str]) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "summary": op.summary,
        "operationId": f"{op.method.lower()}_{op.endpoint.__name__}",
        "parameters": _parameters(op),
        "responses": {
            str(status): {
                "description": text,
                "content": {
                    (op.response_media_type if status < 400 else "application/problem+json"): {
                        "schema": {"type": "object"} if status < 400
                        else {"$ref": "#/components/schemas/Problem"}
                    }
                },
            }
            for status, text in op.responses.items()
        },
    }  # fmt: skip
    if op.scope:
        spec["security"] = [{"bearer": []}, {"apiKey": []}]
        spec["description"] = f"Requires scope: {op.scope}"
    if op.idempotency_key:
        spec["parameters"].append(
            {"name": "Idempotency-Key", "in": "header", "required": False,
             "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH, "pattern": KEY_PATTERN}}
        )  # fmt: skip
    if op.body is not None:
        spec["requestBody"] = {
            "required": True,
            "content": {op.body_media_type: {"schema": {"$ref": refs[op.body]}}},
        }
    elif op.body_media_type != "application/json":
        spec["requestBody"] = {
            "required": True,
            "content": {op.body_media_type: {"schema": {"type": "string"}}},
        }
    return spec


def openapi_document(ops: list[Operation]) -> dict[str, Any]:
    bodies = list(dict.fromkeys(op.body for op in ops if op.body is not None))
    refs_by_key, components = models_json_schema(
        [(model, "validation") for model in bodies],
        ref_template="#/components/schemas/{model}",
    )
    refs = {model: refs_by_key[(model, "validation")]["$ref"] for model in bodies}
    paths: dict[str, dict[str, Any]] = {}
    for op in ops:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, refs)
    schemas = dict(components.get("$defs", {}))
    schemas["Problem"] = _PROBLEM_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": {"title": "onelog gateway", "version": "1.0.0"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "<key_id>.<secret>"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            },
        },
    }  # fmt: skip


async def openapi_endpoint(request: Request) -> Response:
    """The document is built once, when the app is created (app.state.openapi)."""
    return JSONResponse(request.app.state.openapi)
