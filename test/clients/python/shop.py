"""A small shop service for the receiver's Python SDK test.

Run it the way the OpenTelemetry Python docs run an app with zero-code instrumentation:

    opentelemetry-instrument python shop.py

with everything else from the environment (OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_ENDPOINT,
OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_{TRACES,METRICS,LOGS}_EXPORTER=otlp,
OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=true). The program itself knows nothing of
OTLP: it handles one "POST /orders" request that writes and reads its SQLite database (spans from
the sqlite3 instrumentation), charges a payment provider over HTTP (span from the urllib
instrumentation; the provider is a stand-in on a loopback port), publishes an "orders" message
(a producer span written by hand, as a broker client library would), logs a line, counts the
order and exits. The SDK's exit hooks shut the providers down, which flushes all three signals.

Warnings and errors, including any exporter's, go to stderr, which the test reads.
"""

import json
import logging
import sqlite3
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry import metrics, trace
from opentelemetry.trace import SpanKind

log = logging.getLogger("shop")
log.setLevel(logging.INFO)
# The SDK's logging handler (installed by opentelemetry-instrument) sends records over OTLP;
# this console handler shows warnings and errors, among them the exporters' own.
console = logging.StreamHandler(sys.stderr)
console.setLevel(logging.WARNING)
logging.getLogger().addHandler(console)

tracer = trace.get_tracer("shop")
orders_placed = metrics.get_meter("shop").create_counter("shop.orders.placed", unit="{order}", description="Orders placed")


class PaymentProvider(BaseHTTPRequestHandler):
    """The payment provider's API, played by a loopback server (not instrumented)."""

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"status": "captured"}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def place_order(db, payments_url, item, quantity):
    with tracer.start_as_current_span(
        "POST /orders",
        kind=SpanKind.SERVER,
        attributes={"http.request.method": "POST", "http.route": "/orders", "url.scheme": "http", "url.path": "/orders"},
    ) as span:
        cursor = db.cursor()
        cursor.execute("INSERT INTO orders (item, quantity) VALUES (?, ?)", (item, quantity))
        cursor.execute("SELECT count(*) FROM orders")
        (open_orders,) = cursor.fetchone()
        request = urllib.request.Request(
            payments_url,
            data=json.dumps({"item": item, "quantity": quantity}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            payment = json.load(response)
        with tracer.start_as_current_span(
            "publish orders",
            kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": "rabbitmq",
                "messaging.destination.name": "orders",
                "messaging.operation.type": "send",
                "messaging.operation.name": "publish",
            },
        ):
            pass  # the broker client would send {"item": item, "quantity": quantity} here
        span.set_attribute("http.response.status_code", 201)
        log.info("order placed: %s x%d, payment %s, %d open", item, quantity, payment["status"], open_orders)
        orders_placed.add(1, {"item": item})


def main():
    provider = ThreadingHTTPServer(("127.0.0.1", 0), PaymentProvider)
    threading.Thread(target=provider.serve_forever, daemon=True).start()
    payments_url = f"http://localhost:{provider.server_address[1]}/charge"
    db = sqlite3.connect(":memory:")
    db.cursor().execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL, quantity INTEGER NOT NULL)")
    try:
        place_order(db, payments_url, "book", 2)
    finally:
        db.close()
        provider.shutdown()


if __name__ == "__main__":
    main()
