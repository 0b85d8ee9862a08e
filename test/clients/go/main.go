// Command shop is a small Go service for the receiver's Go SDK test, set up the way the
// OpenTelemetry Go docs set up all three signals, and configured only from the standard
// environment: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (read by the SDK's resource),
// OTEL_EXPORTER_OTLP_ENDPOINT, _HEADERS, _TIMEOUT… (read by each OTLP exporter),
// OTEL_EXPORTER_OTLP_PROTOCOL and its per-signal forms (grpc or http/protobuf, which the Go
// exporters leave to the program, so it picks the exporter here) and OTEL_{TRACES,METRICS,LOGS}_EXPORTER
// (otlp or none).
//
// It handles one "POST /orders" request: two database calls (spans with the database semantic
// conventions, as an instrumented SQL driver writes them; Go's standard library has no driver to
// instrument), a charge on a payment provider over HTTP through otelhttp's transport (the
// provider is a stand-in on a loopback port), a Kafka publish (producer span), a log line through
// the slog bridge and a counter; then it shuts the providers down, which flushes everything.
// Export errors reach stderr through the SDK's default error handler, shutdown errors from main.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/log/global"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "shop:", err)
		os.Exit(1)
	}
}

func run() (err error) {
	ctx := context.Background()
	shutdown, err := setupOTel(ctx)
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err = errors.Join(err, shutdown(ctx))
	}()

	payments, err := startPaymentProvider()
	if err != nil {
		return err
	}
	defer payments.Close()
	return placeOrder(ctx, "http://"+strings.Replace(payments.Addr().String(), "127.0.0.1", "localhost", 1)+"/charge", "book", 2)
}

var (
	tracer = otel.Tracer("shop")
	logger = otelslog.NewLogger("shop")
	client = &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport), Timeout: 10 * time.Second}
)

func placeOrder(ctx context.Context, paymentsURL, item string, quantity int) error {
	ctx, span := tracer.Start(ctx, "POST /orders", trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(
		attribute.String("http.request.method", "POST"), attribute.String("http.route", "/orders"),
		attribute.String("url.scheme", "http"), attribute.String("url.path", "/orders")))
	defer span.End()

	query(ctx, "INSERT", "INSERT INTO orders (item, quantity) VALUES ($1, $2)")
	query(ctx, "SELECT", "SELECT count(*) FROM orders")

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, paymentsURL, strings.NewReader(fmt.Sprintf(`{"item":%q,"quantity":%d}`, item, quantity)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		span.SetStatus(codes.Error, err.Error())
		return err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()

	publish(ctx, "orders")

	span.SetAttributes(attribute.Int("http.response.status_code", http.StatusCreated))
	logger.InfoContext(ctx, "order placed", "item", item, "quantity", quantity, "payment", res.Status)
	ordersPlaced, err := otel.Meter("shop").Int64Counter("shop.orders.placed", metric.WithUnit("{order}"), metric.WithDescription("Orders placed"))
	if err != nil {
		return err
	}
	ordersPlaced.Add(ctx, 1, metric.WithAttributes(attribute.String("item", item)))
	return nil
}

// query stands for a call through an instrumented database/sql driver.
func query(ctx context.Context, operation, text string) {
	_, span := tracer.Start(ctx, operation+" shop.orders", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("db.system.name", "postgresql"), attribute.String("db.namespace", "shop"),
		attribute.String("db.collection.name", "orders"), attribute.String("db.operation.name", operation),
		attribute.String("db.query.text", text), attribute.String("server.address", "db.internal"), attribute.Int("server.port", 5432)))
	span.End()
}

// publish stands for a send through an instrumented Kafka client.
func publish(ctx context.Context, topic string) {
	_, span := tracer.Start(ctx, "send "+topic, trace.WithSpanKind(trace.SpanKindProducer), trace.WithAttributes(
		attribute.String("messaging.system", "kafka"), attribute.String("messaging.destination.name", topic),
		attribute.String("messaging.operation.type", "send"), attribute.String("messaging.operation.name", "send")))
	span.End()
}

// startPaymentProvider serves the payment provider's API on a loopback port (not instrumented).
func startPaymentProvider() (net.Listener, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() {
		_ = http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"status":"captured"}`)
		}))
	}()
	return l, nil
}

// setupOTel installs the three providers from the environment; the returned function shuts
// them down (flushing what is buffered).
func setupOTel(ctx context.Context) (func(context.Context) error, error) {
	var shutdowns []func(context.Context) error
	shutdown := func(ctx context.Context) error {
		var err error
		for _, fn := range shutdowns {
			err = errors.Join(err, fn(ctx))
		}
		return err
	}
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))

	if on, err := exporterOn("TRACES"); err != nil {
		return nil, err
	} else if on {
		var exp sdktrace.SpanExporter
		switch p := protocol("TRACES"); p {
		case "grpc":
			exp, err = otlptracegrpc.New(ctx)
		case "http/protobuf":
			exp, err = otlptracehttp.New(ctx)
		default:
			err = fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL %q is not supported by the Go trace exporters", p)
		}
		if err != nil {
			return nil, err
		}
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
		shutdowns = append(shutdowns, tp.Shutdown)
		otel.SetTracerProvider(tp)
	}

	if on, err := exporterOn("METRICS"); err != nil {
		return nil, errors.Join(err, shutdown(ctx))
	} else if on {
		var exp sdkmetric.Exporter
		switch p := protocol("METRICS"); p {
		case "grpc":
			exp, err = otlpmetricgrpc.New(ctx)
		case "http/protobuf":
			exp, err = otlpmetrichttp.New(ctx)
		default:
			err = fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL %q is not supported by the Go metric exporters", p)
		}
		if err != nil {
			return nil, errors.Join(err, shutdown(ctx))
		}
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp)))
		shutdowns = append(shutdowns, mp.Shutdown)
		otel.SetMeterProvider(mp)
	}

	if on, err := exporterOn("LOGS"); err != nil {
		return nil, errors.Join(err, shutdown(ctx))
	} else if on {
		var exp sdklog.Exporter
		switch p := protocol("LOGS"); p {
		case "grpc":
			exp, err = otlploggrpc.New(ctx)
		case "http/protobuf":
			exp, err = otlploghttp.New(ctx)
		default:
			err = fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL %q is not supported by the Go log exporters", p)
		}
		if err != nil {
			return nil, errors.Join(err, shutdown(ctx))
		}
		lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewBatchProcessor(exp)))
		shutdowns = append(shutdowns, lp.Shutdown)
		global.SetLoggerProvider(lp)
	}
	return shutdown, nil
}

// protocol reads OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL, then OTEL_EXPORTER_OTLP_PROTOCOL; the
// specification's default is http/protobuf.
func protocol(signal string) string {
	for _, key := range []string{"OTEL_EXPORTER_OTLP_" + signal + "_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"} {
		if v := strings.TrimSpace(os.Getenv(key)); v != "" {
			return v
		}
	}
	return "http/protobuf"
}

// exporterOn reads OTEL_<SIGNAL>_EXPORTER: otlp (the default) or none.
func exporterOn(signal string) (bool, error) {
	switch v := strings.TrimSpace(os.Getenv("OTEL_" + signal + "_EXPORTER")); v {
	case "", "otlp":
		return true, nil
	case "none":
		return false, nil
	default:
		return false, fmt.Errorf("OTEL_%s_EXPORTER %q: only otlp and none are supported", signal, v)
	}
}
