"""Access to Amazon's Swagger 2.0 models and JSON-schema validators built from them.

The models folder is found through the environment variable ``SPAPI_MODELS_DIR``,
defaulting to ``<repository root>/../shared/sp-api/models``. Schemas are Swagger 2.0
definitions; a validator for a definition resolves ``#/definitions/...`` against
the whole model document (draft 4 semantics, which Swagger 2.0 schemas follow).
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import jsonschema

ORDERS_2026 = "orders-api-model/orders_2026-01-01.json"
ORDERS_V0 = "orders-api-model/ordersV0.json"
SELLERS = "sellers-api-model/sellers.json"
FEEDS = "feeds-api-model/feeds_2021-06-30.json"
FBA_INVENTORY = "fba-inventory-api-model/fbaInventory.json"
LISTINGS_FEED_SCHEMA = "feeds/listings-feed-schema-v2.json"
LISTINGS_REPORT_SCHEMA = "feeds/listings-feed-processing-report-schema-v2.json"
IMPLEMENTED = (ORDERS_2026, ORDERS_V0, SELLERS, FEEDS, FBA_INVENTORY)

_REPO_ROOT = Path(__file__).resolve().parents[2]


def models_dir() -> Path:
    """The folder holding Amazon's models (it may not exist)."""
    configured = os.environ.get("SPAPI_MODELS_DIR")
    if configured:
        return Path(configured)
    return _REPO_ROOT.parent / "shared" / "sp-api" / "models"


def models_available() -> bool:
    """Whether the models the sandbox implements can be read."""
    base = models_dir()
    return all((base / name).is_file() for name in IMPLEMENTED)


def schemas_dir() -> Path:
    """The folder holding Amazon's JSON schemas (``feeds/``, ``notifications/``):
    ``$SPAPI_SCHEMAS_DIR``, by default ``schemas`` beside the models folder."""
    configured = os.environ.get("SPAPI_SCHEMAS_DIR")
    if configured:
        return Path(configured)
    return models_dir().parent / "schemas"


def schema_available(name: str) -> bool:
    """Whether the JSON schema ``name`` (relative to ``schemas_dir()``) exists."""
    return (schemas_dir() / name).is_file()


@functools.cache
def _draft7(path: str, pointer: tuple[str, ...]) -> jsonschema.Draft7Validator:
    schema = _load(path)
    for key in pointer:
        schema = schema[key]
    return jsonschema.Draft7Validator(schema)


def json_schema_validator(
    name: str, pointer: tuple[str, ...] = ()
) -> jsonschema.Draft7Validator:
    """A draft-07 validator for the JSON schema ``name`` (relative to
    ``schemas_dir()``), or for its sub-schema at ``pointer`` (a key path)."""
    return _draft7(str(schemas_dir() / name), tuple(pointer))


@functools.cache
def _load(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def load_model(name: str) -> dict:
    """Load a model document by its path relative to the models folder."""
    return _load(str(models_dir() / name))


def _inline(node, definitions: dict, seen: tuple[str, ...] = ()):
    """Replace ``#/definitions/X`` refs by the definitions themselves (faster to
    validate); a recursive ref is left as a ref."""
    if isinstance(node, list):
        return [_inline(item, definitions, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/definitions/"):
        name = ref[len("#/definitions/") :]
        if name not in seen and name in definitions:
            return _inline(definitions[name], definitions, (*seen, name))
        return node
    return {key: _inline(value, definitions, seen) for key, value in node.items()}


@functools.cache
def _validator(path: str, schema_json: str) -> jsonschema.Draft4Validator:
    definitions = _load(path).get("definitions", {})
    schema = _inline(json.loads(schema_json), definitions)
    schema["definitions"] = definitions
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def schema_validator(name: str, schema: dict) -> jsonschema.Draft4Validator:
    """A validator for ``schema`` whose ``#/definitions`` refs use model ``name``."""
    return _validator(str(models_dir() / name), json.dumps(schema, sort_keys=True))


def definition_validator(name: str, definition: str) -> jsonschema.Draft4Validator:
    """A validator for the definition ``definition`` of model ``name``."""
    return schema_validator(name, {"$ref": f"#/definitions/{definition}"})


def response_schema(name: str, path: str, method: str, status: int) -> dict | None:
    """The schema the model declares for a response, or ``None`` (no body)."""
    operation = load_model(name)["paths"][path][method.lower()]
    response = operation["responses"].get(str(status))
    if response is None:
        raise KeyError(f"{method} {path} declares no {status} response")
    return response.get("schema")


def validation_errors(validator: jsonschema.Draft4Validator, instance) -> list[str]:
    """Readable messages for every way ``instance`` fails ``validator``."""
    messages = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.path)):
        where = "/".join(str(part) for part in error.absolute_path) or "(root)"
        messages.append(f"{where}: {error.message}")
    return messages
