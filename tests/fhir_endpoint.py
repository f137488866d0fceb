"""A small FHIR R4 endpoint for tests: takes transaction Bundles on 127.0.0.1, validates them with
the same R4B models the app uses, and files them with conditional update on identifier, so a test
can see what an EHR would have stored, and make the EHR fail, hang or drop the line on purpose.

    with FhirEndpoint() as ehr:
        ...  # point CONSENT_FHIR_BASE_URL at ehr.url
        assert ehr.created == 6 and len(ehr.received) == 1
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

BASE_PATH = "/fhir"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class _Fault:
    kind: str  # "fail", "hang" or "close"
    times: int
    status: int = 500
    diagnostics: str | None = None
    seconds: float = 0.0


class Rejected(Exception):
    """A bundle the endpoint refuses: answered 400 with an OperationOutcome naming the problem."""


@dataclass
class FhirEndpoint:
    """``received``: the bundles it filed; ``requests``: every request, refused or failed too;
    ``created`` / ``updated``: resources filed new / over an earlier version."""

    reject_invalid: bool = True
    received: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    def __post_init__(self) -> None:
        # type -> id -> (version, resource); what the "EHR" has filed.
        self._store: dict[str, dict[str, tuple[int, dict[str, Any]]]] = {}
        self._faults: list[_Fault] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- life cycle -------------------------------------------------------------------------
    def start(self) -> FhirEndpoint:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FhirEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start the endpoint first"
        return f"http://127.0.0.1:{self._server.server_address[1]}{BASE_PATH}"

    # -- faults a test can ask for ----------------------------------------------------------
    def fail_next(self, status: int = 500, times: int = 1, diagnostics: str | None = None) -> None:
        """Answer the next `times` POSTs with `status` (and an OperationOutcome if diagnostics)."""
        self._faults.append(_Fault("fail", times, status=status, diagnostics=diagnostics))

    def hang_next(self, seconds: float, times: int = 1) -> None:
        """Wait `seconds` before dropping the next `times` POSTs unanswered (a client timeout)."""
        self._faults.append(_Fault("hang", times, seconds=seconds))

    def close_next(self, times: int = 1) -> None:
        """Drop the connection of the next `times` POSTs without an answer."""
        self._faults.append(_Fault("close", times))

    def stored(self, resource_type: str) -> list[dict[str, Any]]:
        with self._lock:
            return [res for _, res in self._store.get(resource_type, {}).values()]

    def _take_fault(self) -> _Fault | None:
        with self._lock:
            if not self._faults:
                return None
            fault = self._faults[0]
            fault.times -= 1
            if fault.times <= 0:
                self._faults.pop(0)
            return fault

    # -- the transaction --------------------------------------------------------------------
    def transact(self, body: bytes) -> dict[str, Any]:
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise Rejected(f"not JSON: {exc}") from exc
        if self.reject_invalid:
            try:
                Bundle.model_validate(data)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                raise Rejected(f"invalid Bundle at {where}: {first['msg']}") from exc
        if not isinstance(data, dict) or data.get("type") != "transaction":
            raise Rejected("Bundle.type must be 'transaction'")
        entries: list[dict[str, Any]] = data.get("entry") or []
        full_urls = {e.get("fullUrl") for e in entries if e.get("fullUrl")}
        for ref in _references(data):
            if ref.startswith("urn:uuid:") and ref not in full_urls:
                raise Rejected(f"reference {ref} points at no entry of the bundle")
        with self._lock:
            return self._file(data, entries)

    def _file(self, data: dict[str, Any], entries: list[dict[str, Any]]) -> dict[str, Any]:
        # Resolve every entry's target first (all or nothing), then store with references rewritten.
        plan: list[tuple[str, str, bool]] = []  # (type, id, exists)
        for n, entry in enumerate(entries):
            request, resource = entry.get("request") or {}, entry.get("resource") or {}
            if request.get("method") != "PUT":
                raise Rejected(f"entry {n}: only PUT is supported here")
            rtype, _, rest = str(request.get("url", "")).partition("?")
            if rtype != resource.get("resourceType"):
                rtype, _, rid = rtype.partition("/")
                if rtype != resource.get("resourceType") or not rid:
                    raise Rejected(f"entry {n}: request.url does not name the resource's type")
                plan.append((rtype, rid, rid in self._store.get(rtype, {})))
                continue
            if not rest.startswith("identifier="):
                raise Rejected(f"entry {n}: a conditional url must search by identifier")
            system, _, value = rest.removeprefix("identifier=").partition("|")
            match = self._find(rtype, system, value)
            given = resource.get("id")
            if match is not None and given and given != match:
                raise Rejected(f"entry {n}: id {given} differs from the matched {rtype}/{match}")
            plan.append((rtype, match or given or uuid.uuid4().hex, match is not None))
        local = {
            e["fullUrl"]: f"{t}/{i}"
            for e, (t, i, _) in zip(entries, plan, strict=True)
            if e.get("fullUrl")
        }
        answers = []
        for entry, (rtype, rid, exists) in zip(entries, plan, strict=True):
            resource = json.loads(json.dumps(entry["resource"]), object_hook=_rewrite(local))
            resource["id"] = rid
            version = self._store.get(rtype, {}).get(rid, (0, {}))[0] + 1
            self._store.setdefault(rtype, {})[rid] = (version, resource)
            self.updated += exists
            self.created += not exists
            answers.append(
                {
                    "response": {
                        "status": "200 OK" if exists else "201 Created",
                        "location": f"{rtype}/{rid}/_history/{version}",
                        "etag": f'W/"{version}"',
                    }
                }
            )
        self.received.append(data)
        return {"resourceType": "Bundle", "type": "transaction-response", "entry": answers}

    def _find(self, rtype: str, system: str, value: str) -> str | None:
        for rid, (_, res) in self._store.get(rtype, {}).items():
            idents = res.get("identifier") or []
            # identifier is a list on most types, one object on e.g. QuestionnaireResponse
            for ident in [idents] if isinstance(idents, dict) else idents:
                if ident.get("system") == system and ident.get("value") == value:
                    return rid
        return None


def _references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return found + [r for v in node.values() for r in _references(v)]
    if isinstance(node, list):
        return [r for v in node for r in _references(v)]
    return []


def _rewrite(local: dict[str, str]) -> Any:
    def hook(obj: dict[str, Any]) -> dict[str, Any]:
        if isinstance(obj.get("reference"), str) and obj["reference"] in local:
            obj["reference"] = local[obj["reference"]]
        return obj

    return hook


def outcome(diagnostics: str, code: str = "invalid") -> dict[str, Any]:
    issue = {"severity": "error", "code": code, "diagnostics": diagnostics}
    return {"resourceType": "OperationOutcome", "issue": [issue]}


def _handler_for(endpoint: FhirEndpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet in test output
            pass

        def _reply(self, status: int, body: dict[str, Any] | None) -> None:
            payload = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/fhir+json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self) -> None:
            endpoint.requests.append(Request("POST", self.path, dict(self.headers.items())))
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            fault = endpoint._take_fault()
            if fault is not None and fault.kind in ("hang", "close"):
                time.sleep(fault.seconds)
                self.close_connection = True
                self.connection.close()
                return
            if fault is not None:
                diag = fault.diagnostics
                return self._reply(fault.status, outcome(diag, "exception") if diag else None)
            if self.path.rstrip("/") != BASE_PATH:
                return self._reply(404, outcome(f"no such endpoint {self.path}", "not-found"))
            try:
                answer = endpoint.transact(body)
            except Rejected as exc:
                return self._reply(400, outcome(str(exc)))
            self._reply(200, answer)

        def do_GET(self) -> None:
            endpoint.requests.append(Request("GET", self.path, dict(self.headers.items())))
            self._reply(404, outcome("this test endpoint only takes transactions", "not-found"))

    return Handler
