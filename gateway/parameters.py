"""A read route's query and path parameters as a pydantic model; a 422 names the field."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from gateway.problems import invalid

M = TypeVar("M", bound=BaseModel)


def parameters(request: Request, model: type[M]) -> M:
    try:
        return model.model_validate({**request.query_params, **request.path_params})
    except ValidationError as exc:
        raise invalid(exc, "parameters") from exc
