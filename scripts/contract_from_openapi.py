#!/usr/bin/env python3
"""Derive the project's contract file from the sdkwa service's OpenAPI description.

Usage:
    python3 scripts/contract_from_openapi.py PATH/TO/OpenAPI.yml > contract/sdkwa-contract.json

A developer tool (needs PyYAML: `pip install pyyaml`); nothing reads the OpenAPI at build or
test time: the generated JSON is committed and is what tests compare against.

The output is deterministic (sorted keys, 2-space indent, trailing newline): running the
script twice on the same input gives byte-identical files, so a diff of the JSON is a diff
of the service's contract.

Recorded per operation: name, verb, path template, scope, messengers, path/query/header
parameters, auth, request body (content types, fields with JSON kinds and required flags,
nested object fields one level deep as `parent.child`, array item kinds), the success
answer (content types, shape, top-level fields, one level of nesting as `parent.child` or
`parent[].child`), declared error answers, and `notes` where the description contradicts
itself. Nothing is invented: what the OpenAPI leaves out stays out.
"""

import json
import re
import sys

import yaml

ACCOUNT_PREFIX = "/api/v1/instance/user/"
INSTANCE_PREFIXES = ("/{messenger}/{idInstance}/", "/telegram/{idInstance}/")
MESSENGER_PREFIX = "/{messenger}/"
# Path parameters every instance/messenger operation has; they are implied by `scope`.
IMPLIED_PATH_PARAMS = {"messenger", "idInstance"}
VERBS = ("get", "put", "post", "delete", "patch", "head", "options")


def resolve(node, root, seen=()):
    """Return `node` with every local `$ref` replaced by its target (recursively)."""
    if isinstance(node, dict):
        if "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise SystemExit(f"unsupported non-local $ref: {ref}")
            if ref in seen:
                raise SystemExit(f"cyclic $ref: {ref}")
            target = root
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return resolve(target, root, seen + (ref,))
        return {k: resolve(v, root, seen) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, root, seen) for v in node]
    return node


def kind(schema):
    """Normalise an OpenAPI schema's type to a JSON kind (binary for format: binary)."""
    if not isinstance(schema, dict):
        return "unspecified"
    if "oneOf" in schema or "anyOf" in schema:
        return "oneOf" if "oneOf" in schema else "anyOf"
    t = schema.get("type")
    if t == "string" and schema.get("format") == "binary":
        return "binary"
    if t in ("string", "integer", "number", "boolean", "object", "array"):
        return t
    if t is None and "properties" in schema:
        return "object"
    return "unspecified" if t is None else str(t)


def field_facts(schema, required=None):
    """The facts kept for one field: kind, required flag, and the schema's own constraints."""
    facts = {"type": kind(schema)}
    if required is not None:
        facts["required"] = required
    if isinstance(schema, dict):
        if schema.get("nullable"):
            facts["nullable"] = True
        if "enum" in schema:
            facts["enum"] = list(schema["enum"])
        if "default" in schema:
            facts["default"] = schema["default"]
        if facts["type"] == "array":
            facts["items"] = kind(schema.get("items"))
    return facts


def object_fields(schema, with_required):
    """Fields of an object schema, plus one level of nesting (`a.b`, or `a[].b` in arrays)."""
    fields = {}
    props = schema.get("properties") or {}
    req = set(schema.get("required") or [])
    for name, sub in props.items():
        fields[name] = field_facts(sub, (name in req) if with_required else None)
        inner, sep = None, "."
        if kind(sub) == "object":
            inner = sub
        elif kind(sub) == "array" and kind(sub.get("items")) == "object":
            inner, sep = sub["items"], "[]."
        if inner is not None:
            inner_req = set(inner.get("required") or [])
            for child, child_schema in (inner.get("properties") or {}).items():
                key = f"{name}{sep}{child}"
                fields[key] = field_facts(
                    child_schema, (child in inner_req) if with_required else None
                )
    return fields


def body_shape(schema, with_required):
    """Shape of a body: object/array/binary/... with its fields (array: the item's fields)."""
    shape = {"shape": kind(schema)}
    if shape["shape"] == "object":
        shape["fields"] = object_fields(schema, with_required)
    elif shape["shape"] == "array":
        items = schema.get("items")
        shape["items"] = kind(items)
        if kind(items) == "object":
            shape["fields"] = object_fields(items, with_required)
    elif shape["shape"] in ("oneOf", "anyOf"):
        shape["variants"] = [body_shape(v, with_required) for v in schema[shape["shape"]]]
    return shape


def media(content, with_required):
    """Content types of a request or answer and the shape of each distinct schema."""
    out = {"contentTypes": sorted(content or {})}
    shapes = {}
    for ctype, spec in sorted((content or {}).items()):
        shapes[ctype] = body_shape((spec or {}).get("schema") or {}, with_required)
    distinct = {json.dumps(s, sort_keys=True) for s in shapes.values()}
    if len(distinct) == 1:
        out.update(next(iter(shapes.values())))
    elif shapes:
        out["byContentType"] = shapes
    return out


def examples_of(spec):
    """Every example value given for one media type (`example` and `examples.*.value`)."""
    values = []
    if "example" in spec:
        values.append(("example", spec["example"]))
    for ex_name, ex in sorted((spec.get("examples") or {}).items()):
        if isinstance(ex, dict) and "value" in ex:
            values.append((f"examples.{ex_name}", ex["value"]))
    return values


def check_examples(where, content, notes):
    """Note examples whose JSON kind or top-level keys contradict their own schema."""
    for ctype, spec in sorted((content or {}).items()):
        spec = spec or {}
        schema = spec.get("schema") or {}
        k = kind(schema)
        for label, value in examples_of(spec):
            if k == "object" and not isinstance(value, dict):
                notes.append(
                    f"{where} ({ctype}): {label} is a {type(value).__name__}, "
                    "but the schema says object"
                )
            if k == "object" and isinstance(value, dict) and schema.get("properties"):
                extra = sorted(set(value) - set(schema["properties"]))
                if extra:
                    notes.append(
                        f"{where} ({ctype}): {label} has keys the schema does not declare: "
                        + ", ".join(extra)
                    )


def scope_and_name(path):
    """Classify a path template and derive the operation's stable name."""
    trimmed = path.rstrip("/")
    if trimmed.startswith(ACCOUNT_PREFIX):
        rest, scope = trimmed[len(ACCOUNT_PREFIX):], "account"
    else:
        for prefix in INSTANCE_PREFIXES:
            if trimmed.startswith(prefix):
                rest, scope = trimmed[len(prefix):], "instance"
                break
        else:
            if trimmed.startswith(MESSENGER_PREFIX):
                rest, scope = trimmed[len(MESSENGER_PREFIX):], "messenger"
            else:
                raise SystemExit(f"path of unknown shape: {path}")
    literal = [seg for seg in rest.split("/") if not seg.startswith("{")]
    return scope, "/".join(literal)


def operation(path, verb, op, path_item, global_security, schemes):
    scope, name = scope_and_name(path)
    notes = []
    params = list(path_item.get("parameters") or []) + list(op.get("parameters") or [])
    template_params = re.findall(r"\{([^}]+)\}", path)
    declared_path = set()
    path_params, query, headers = {}, {}, {}
    for p in params:
        where, pname = p.get("in"), p.get("name")
        facts = field_facts(p.get("schema") or {}, bool(p.get("required")))
        if where == "path":
            declared_path.add(pname)
            if pname not in template_params:
                notes.append(
                    f"declares the path parameter `{pname}`, "
                    "which the path template does not contain"
                )
            elif pname not in IMPLIED_PATH_PARAMS:
                path_params[pname] = facts
        elif where == "query":
            query[pname] = facts
        elif where == "header":
            headers[pname] = facts
        else:
            notes.append(f"parameter `{pname}` in `{where}` is not recorded")
    for tp in template_params:
        if tp not in declared_path:
            notes.append(f"the path template's `{{{tp}}}` is not declared as a parameter")
            if tp not in IMPLIED_PATH_PARAMS:
                path_params[tp] = {"type": "unspecified", "required": True}
    if path != path.rstrip("/"):
        notes.append("the path template ends with a slash")

    if "security" in op:
        security = [sorted(req) for req in op["security"]]
        security_source = "operation"
    else:
        security = [sorted(req) for req in global_security]
        security_source = "document default (the operation declares none)"
    for req in security:
        for scheme in req:
            if scheme not in schemes:
                notes.append(
                    f"security scheme `{scheme}` is not defined in components.securitySchemes"
                )
    auth = {
        "kind": auth_kind(security, headers),
        "security": security,
        "source": security_source,
    }

    request = None
    if "requestBody" in op:
        body = op["requestBody"]
        request = {"required": bool(body.get("required"))}
        request.update(media(body.get("content"), with_required=True))
        check_examples("request body", body.get("content"), notes)
        if verb in ("get", "delete", "head"):
            notes.append(f"a {verb.upper()} operation declares a request body")

    responses = op.get("responses") or {}
    success = sorted(s for s in responses if str(s).startswith("2"))
    response, errors = None, {}
    if success:
        status = success[0]
        r = responses[status] or {}
        response = {"status": str(status)}
        response.update(media(r.get("content"), with_required=False))
        check_examples(f"answer {status}", r.get("content"), notes)
        if response.get("shape") in ("oneOf", "anyOf"):
            notes.append(f"the success answer is one of {len(response['variants'])} shapes")
        if response.get("shape") == "object" and not response.get("fields"):
            notes.append("the success answer is an object with no declared fields")
    else:
        notes.append("no success (2xx) answer is declared")
    for status in sorted(responses):
        if str(status) in (str(s) for s in success[:1]):
            continue
        r = responses[status] or {}
        errors[str(status)] = media(r.get("content"), with_required=False)
        check_examples(f"answer {status}", r.get("content"), notes)

    if response and response.get("fields"):
        for status, err in sorted(errors.items()):
            for key, facts in sorted((err.get("fields") or {}).items()):
                ok = response["fields"].get(key)
                if ok and ok["type"] != facts["type"]:
                    notes.append(
                        f"`{key}` is {ok['type']} in the success answer "
                        f"but {facts['type']} in the {status} answer"
                    )

    return name, {
        "name": name,
        "verb": verb.upper(),
        "path": path,
        "scope": scope,
        "messengers": ["telegram"] if path.startswith("/telegram/") else (
            [] if scope == "account" else ["whatsapp", "telegram"]
        ),
        "summary": op.get("summary", ""),
        "tags": list(op.get("tags") or []),
        "pathParams": path_params,
        "query": query,
        "headers": headers,
        "auth": auth,
        "request": request,
        "response": response,
        "errorResponses": errors,
        "notes": notes,
    }


# Wire keys whose kind is compared across operations (by the key's last segment, so
# `data[].idInstance` of one answer meets `idInstance` of another request).
CROSS_CHECKED_KEYS = ("idInstance", "phoneNumber", "phoneContact")
# Same-shaped answers that spell one key differently: (op, key) pairs that must both exist.
KNOWN_SPELLING_PAIRS = ((("instance/createByOrder", "data.sum"), ("instance/extendByOrder", "data.summ")),)


def cross_notes(ops):
    """Contradictions between operations, listed once for the whole document."""
    notes = []
    seen = {}
    for name, op in ops.items():
        for part, fields in (
            ("request", (op["request"] or {}).get("fields") or {}),
            ("answer", (op["response"] or {}).get("fields") or {}),
        ):
            for key, facts in fields.items():
                leaf = re.split(r"\.|\[\]\.", key)[-1]
                if leaf in CROSS_CHECKED_KEYS:
                    seen.setdefault(leaf, {}).setdefault(facts["type"], []).append(
                        f"{name} {part} `{key}`"
                    )
    for leaf, kinds in sorted(seen.items()):
        if len(kinds) > 1:
            notes.append(
                f"`{leaf}` has different kinds across operations: "
                + "; ".join(f"{k} in {', '.join(sorted(v))}" for k, v in sorted(kinds.items()))
            )
    for (op_a, key_a), (op_b, key_b) in KNOWN_SPELLING_PAIRS:
        fields_a = ((ops.get(op_a) or {}).get("response") or {}).get("fields") or {}
        fields_b = ((ops.get(op_b) or {}).get("response") or {}).get("fields") or {}
        if key_a in fields_a and key_b in fields_b and key_b not in fields_a:
            notes.append(
                f"the answers of {op_a} and {op_b} have the same shape but spell one key "
                f"`{key_a}` and `{key_b}`"
            )
    return notes


def auth_kind(security, headers):
    """A plain summary of how the operation authenticates."""
    schemes = {s for req in security for s in req}
    if not security:
        return "none"
    if "x-user-id" in headers or "x-user-token" in headers:
        return "userHeaders"
    if schemes == {"bearerAuth"}:
        return "bearer"
    return "unclear"


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    with open(argv[1], encoding="utf-8") as f:
        raw = yaml.safe_load(f)
    doc = resolve(raw, raw)
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    global_security = doc.get("security") or []
    ops = {}
    for path, item in doc["paths"].items():
        for verb in VERBS:
            if verb in item:
                name, op = operation(path, verb, item[verb], item, global_security, schemes)
                if name in ops:
                    raise SystemExit(f"two operations named {name}")
                ops[name] = op
    document_notes = cross_notes(ops)
    for op in ops.values():
        op["notes"] = sorted(set(op["notes"]))
    contract = {
        "source": {
            "repository": "sdkwa/postman-collection",
            "file": "OpenAPI.yml",
            "openapi": str(doc.get("openapi", "")),
            "title": (doc.get("info") or {}).get("title", ""),
            "version": str((doc.get("info") or {}).get("version", "")),
        },
        "servers": [
            {
                "url": s.get("url"),
                "variables": {
                    k: v.get("default") for k, v in (s.get("variables") or {}).items()
                },
            }
            for s in doc.get("servers") or []
        ],
        "securitySchemes": {
            k: {kk: vv for kk, vv in v.items() if kk != "description"} for k, v in schemes.items()
        },
        "notes": document_notes,
        "operations": ops,
    }
    sys.stdout.write(json.dumps(contract, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
