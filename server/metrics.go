package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"
)

type metrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.HistogramVec
	connections *prometheus.GaugeVec
	messages    *prometheus.CounterVec
	sendLatency prometheus.Histogram
	dropped     prometheus.Counter
	faqSearches *prometheus.CounterVec
	handler     fiber.Handler
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		registry: reg,
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "kefu_http_request_duration_seconds",
			Help:    "HTTP request latency by route and status.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
		}, []string{"method", "route", "status"}),
		connections: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "kefu_ws_connections",
			Help: "Open websocket connections by role.",
		}, []string{"role"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kefu_messages_total",
			Help: "Messages stored, by author type.",
		}, []string{"author"}),
		sendLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "kefu_message_store_seconds",
			Help:    "Time from receiving a send frame to its ack.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
		}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kefu_ws_slow_consumers_dropped_total",
			Help: "Websocket connections closed because their send queue was full.",
		}),
		faqSearches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kefu_faq_searches_total",
			Help: "FAQ searches for visitors: via=typing as they type, via=message after each message they send.",
		}, []string{"via"}),
	}
	reg.MustRegister(m.requests, m.connections, m.messages, m.sendLatency, m.dropped, m.faqSearches,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = adapt(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return m
}

func adapt(h http.Handler) fiber.Handler {
	fh := fasthttpadaptor.NewFastHTTPHandler(h)
	return func(c *fiber.Ctx) error { fh(c.Context()); return nil }
}

func (m *metrics) observeRequest(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Observe(d.Seconds())
}
