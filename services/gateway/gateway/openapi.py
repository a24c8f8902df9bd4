"""One OpenAPI document for the whole suite: intake's routes and every live program's, each
generated from its marshmallow schemas, plus Open311."""

OPEN311_PATHS = {
    "/open311/v2/discovery.{format}": {"get": {"summary": "Open311 服务发现 / discovery",
                                               "tags": ["Open311"]}},
    "/open311/v2/services.{format}": {"get": {"summary": "服务列表 / service list",
                                              "tags": ["Open311"]}},
    "/open311/v2/services/{service_code}.{format}": {"get": {
        "summary": "服务定义 / service definition", "tags": ["Open311"]}},
    "/open311/v2/requests.{format}": {
        "get": {"summary": "查询诉求 / get service requests", "tags": ["Open311"]},
        "post": {"summary": "提交诉求（表单，需 api_key）/ post a service request",
                 "tags": ["Open311"]}},
    "/open311/v2/requests/{service_request_id}.{format}": {"get": {
        "summary": "一件诉求 / one service request", "tags": ["Open311"]}},
    "/open311/v2/tokens/{token}.{format}": {"get": {
        "summary": "由 token 查诉求编号 / request id from a token", "tags": ["Open311"]}},
}


def build_document(parts: list[tuple[str, dict]], server_url: str) -> dict:
    paths: dict[str, dict] = {}
    schemas: dict[str, dict] = {}
    for prefix, part in parts:
        tag = prefix.rsplit("/", 1)[-1] if prefix else "intake"
        for path, operations in part.get("paths", {}).items():
            for operation in operations.values():
                if isinstance(operation, dict):
                    operation.setdefault("tags", [tag])
            paths[f"/api/v1{prefix}{path}"] = operations
        schemas.update(part.get("components", {}).get("schemas", {}))
    for path, operations in OPEN311_PATHS.items():
        params = [{"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
                  for name in ("format", "service_code", "service_request_id", "token")
                  if "{" + name + "}" in path]
        paths[path] = {method: {**op, "parameters": params,
                                "responses": {"200": {"description": "OK"}}}
                       for method, op in operations.items()}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Minzi 民字工程社区服务平台 API", "version": "1",
                 "description": "彩虹城社区服务站：一口受理、首问负责、全程代理。"
                                "Staff API (token), resident tracking, Open311 GeoReport v2."},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {
            "token": {"type": "http", "scheme": "bearer", "description":
                      "POST /api/v1/auth/token 取得 / from POST /api/v1/auth/token"}}},
    }
