"""What every request of the gateway shares: the base models of bodies and
parameters, whole numbers, text that the Avro writer can encode, the
identifier alphabets, and bodies of several shapes.

Every rule here is one /openapi.json states, so that the document is the
contract: a request the schema allows is accepted, one it refuses is refused.
The domain request modules (gateway/exchange/requests.py,
gateway/judge/requests.py) build their own field types on these, adding the
description that says what the field means there.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Annotated, Any, ClassVar, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    ModelWrapValidatorHandler,
    StrictInt,
    StringConstraints,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

# The largest integer a request may carry. Beyond 2**53 - 1 an integer is not
# exact in every JSON parser (RFC 8259 section 6), and a whole number written
# as 1.0 is exact only up to there; cents, lots and microseconds fit well within.
JSON_INT_MAX = 2**53 - 1


def _whole_number(value: object) -> object:
    # JSON Schema counts 1.0 as an integer (its fraction is zero), so the
    # gateway does too; 1.5 stays a float and the integer check refuses it.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Ends an integer field's Annotated[StrictInt, Field(bounds), WHOLE]: a JSON
# integer, written 5 or 5.0, never a string or a boolean. (Last, so that the
# bounds stay on the integer and /openapi.json shows them.)
WHOLE = BeforeValidator(_whole_number)


def encodable(text: str) -> str:
    # Lone surrogates are valid JSON escapes but not encodable UTF-8: they
    # would fail in the Avro writer.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from exc
    return text


# Control characters (a newline among them), line separators and bidi
# overrides break logs and UIs, or make one text look like another.
PRINTABLE = r"^[^\x00-\x1F\x7F-\x9F\u2028\u2029\u202A-\u202E\u2066-\u2069]*$"

Micros = Annotated[
    StrictInt, Field(ge=0, le=JSON_INT_MAX, description="µs since the Unix epoch"), WHOLE
]
# An id the caller chooses for itself or its account.
CallerId = Annotated[str, StringConstraints(strict=True, pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
# An id the gateway assigned (schemas/ulid.py): upper-case Crockford base32.
Ulid = Annotated[str, StringConstraints(strict=True, pattern=r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]


# A command's body: strict, unknown fields refused, and an optional time of
# the caller's own. (No docstring: pydantic would put it in every body's schema.)
class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    occurred_at: Micros | None = Field(
        default=None, description="when it happened for the caller; default: now"
    )


# A write route's path parameters: nothing else may be named.
class PathParameters(BaseModel):
    model_config = ConfigDict(extra="forbid")


# A read route's query and path parameters; any other query parameter is ignored.
class QueryParameters(BaseModel):
    model_config = ConfigDict(extra="ignore")


def one_of_known(
    kind: str, known: Callable[[], Sequence[str]]
) -> tuple[Callable[[str], str], Callable[[dict[str, Any]], None]]:
    """A check and a schema note for a value that must be one of a list the
    platform reads at run time (the judge's languages, the regions): the
    check refuses another as `unknown_<kind>` naming the known ones, the note
    writes them as the field's enum in /openapi.json."""

    def check(value: str) -> str:
        names = known()
        if value not in names:
            raise PydanticCustomError(
                f"unknown_{kind}",
                f"unknown {kind} '{{{kind}}}'; known: {{known}}",
                {kind: value, "known": ", ".join(names)},
            )
        return value

    def enum(schema: dict[str, Any]) -> None:
        schema["enum"] = list(known())

    return check, enum


def forbidden(why: str) -> Callable[[object], None]:
    """A check for a field one shape of a body must not carry: null or absent."""

    def refuse(value: object) -> None:
        if value is not None:
            raise PydanticCustomError("forbidden", why)

    return refuse


class OneOfVariants(BaseModel):
    """A body of several shapes (a limit order, a market buy, ...), told apart
    by the values of its `tags` fields.

    The subclass is the flat model the code reads. It is validated as the one
    of its `variants` that its tags select, so every rule of a shape holds
    and an error names the field at fault; and it is documented as oneOf the
    variants, so /openapi.json states the same rules. Tags that select no
    variant are named by the flat model's own check of them.
    """

    variants: ClassVar[tuple[type[BaseModel], ...]] = ()
    tags: ClassVar[tuple[str, ...]] = ()
    _variant_table: ClassVar[dict[tuple[Any, ...], type[BaseModel]]]

    @model_validator(mode="wrap")
    @classmethod
    def _as_its_variant(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        variant = cls.variant_of(data)
        if variant is not None:
            variant.model_validate(data)
        return handler(data)

    @classmethod
    def variant_of(cls, data: Any) -> type[BaseModel] | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls._by_tag_values().get(tuple(data.get(tag) for tag in cls.tags))
        except TypeError:  # a tag's value is a list or an object: no variant
            return None

    @classmethod
    def _by_tag_values(cls) -> dict[tuple[Any, ...], type[BaseModel]]:
        # Each variant under every combination of the literal values its tag
        # fields allow; built once per class (a lookup per request is cheap,
        # walking the variants' annotations was a tenth of a batch line).
        table: dict[tuple[Any, ...], type[BaseModel]] | None = cls.__dict__.get("_variant_table")
        if table is None:
            table = {}
            for variant in reversed(cls.variants):  # the first listed wins a tie
                allowed = [get_args(variant.model_fields[tag].annotation) for tag in cls.tags]
                for values in itertools.product(*allowed):
                    table[values] = variant
            cls._variant_table = table
        return table

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"oneOf": [handler(v.__pydantic_core_schema__) for v in cls.variants]}
