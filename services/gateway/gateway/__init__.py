"""The HTTP gateway: staff JSON API, Open311 GeoReport v2, the OpenAPI document."""
