"""An unknown query parameter is a 422 naming it, on every operation: what the OpenAPI
document lists for an operation is exactly what it accepts (a misspelt filter such as
`?stauts=open` must not quietly answer everything)."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, request

from audit_api.errors import Reason

# A Werkzeug rule's variables in OpenAPI's spelling: <int:id> and <any(a, b):fmt> -> {id}, {fmt}
VARIABLE = re.compile(r"<(?:[^:>]+:)?([^>]+)>")
Accepted = dict[tuple[str, str], frozenset[str]]


def accepted_names(spec: dict[str, Any]) -> Accepted:
    """The query parameter names of each (path, method) of an OpenAPI document."""
    shared = spec.get("components", {}).get("parameters", {})
    accepted = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue  # the path's own parameters, not an operation
            names = set()
            for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
                if "$ref" in parameter:
                    parameter = shared[parameter["$ref"].rsplit("/", 1)[1]]
                if parameter["in"] == "query":
                    names.add(parameter["name"])
            accepted[path, method] = frozenset(names)
    return accepted


def refuse_unknown_parameters(accepted: Accepted) -> None:
    """Answer 422 naming each query parameter the operation does not document."""
    if request.url_rule is None or not request.args:
        return
    method = "get" if request.method == "HEAD" else request.method.lower()
    known = accepted.get((VARIABLE.sub(r"{\1}", request.url_rule.rule), method))
    if known is None:
        return  # not an operation of the document (the docs page, OPTIONS)
    unknown = sorted(set(request.args) - known)
    if unknown:
        raise Reason.validation_failed.error(
            f"Unknown query parameter: {', '.join(unknown)}.",
            {name: ["Unknown query parameter."] for name in unknown},
        )


def init_app(app: Flask, api: Any) -> None:
    """Check the query of every request against the app's document, after authentication
    (a 401 comes first); the names are read from the document once, at the first request."""
    accepted: Accepted = {}

    def check() -> None:
        if not accepted:
            accepted.update(accepted_names(api.spec.to_dict()))
        refuse_unknown_parameters(accepted)

    app.before_request(check)
