"""Absolute links for e-mails and QR codes."""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def external_url(endpoint, **values):
    """An absolute link on the public address (PUBLIC_URL) when one is configured - never the
    Host header of whatever request happened to ask - else on the address of the request that
    asks (development), or http://localhost outside a request."""
    configured = current_app.config.get("SERVER_NAME_FOR_LINKS")
    if not configured and has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = urlsplit(configured or "http://localhost")
    adapter = current_app.url_map.bind(
        base.netloc or "localhost", script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)
