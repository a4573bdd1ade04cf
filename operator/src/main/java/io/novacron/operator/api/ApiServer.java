package io.novacron.operator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.novacron.operator.api.HealthSource.HealthCondition;
import io.novacron.operator.history.MetricHistory;
import io.novacron.operator.history.Resolution;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's HTTP server: metric history and dashboard summary as JSON (gzip, ETag,
 * Cache-Control, a Caffeine cache whose keys carry the time bucket), {@code /healthz}, {@code
 * /readyz} and Prometheus {@code /metrics}. Bad input gets a 400 or 404 with an RFC 9457 problem
 * body; a database out of reach a 503; nothing a client sends yields a 500.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
  private static final int CLOSED_RANGE_MAX_AGE_SECONDS = 300;
  private static final String API = "/api/v1";

  private final MetricHistory history;
  private final HealthSource health;
  private final PrometheusMeterRegistry meters;
  private final Duration sampleInterval;
  private final Clock clock;
  private final ObjectMapper json =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private final AsyncCache<String, CachedResponse> cache;
  private final Vertx vertx;
  private HttpServer server;

  public ApiServer(
      MetricHistory history,
      HealthSource health,
      PrometheusMeterRegistry meters,
      Duration sampleInterval,
      Clock clock) {
    this.history = history;
    this.health = health;
    this.meters = meters;
    this.sampleInterval = sampleInterval;
    this.clock = clock;
    this.cache =
        CaffeineCacheMetrics.monitor(
            meters,
            Caffeine.newBuilder()
                .maximumSize(10_000)
                .expireAfterWrite(Duration.ofSeconds(CLOSED_RANGE_MAX_AGE_SECONDS))
                .recordStats()
                .buildAsync(),
            "api");
    this.vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(4));
  }

  /** Starts listening; returns the bound port (useful with port 0). */
  public int start(String host, int port) {
    Router router = Router.router(vertx);
    router.get("/healthz").handler(this::healthz);
    router.get("/readyz").handler(this::readyz);
    router.get("/metrics").handler(this::metrics);
    router
        .get(API + "/namespaces/:namespace/virtualmachines/:name/history")
        .handler(this::vmHistory);
    router.get(API + "/nodepools/:pool/hosts/:host/history").handler(this::hostHistory);
    router.get(API + "/summary").handler(this::summary);
    // Vert.x's own refusals, such as a query string that is not valid percent-encoding
    router.errorHandler(
        400, ctx -> problem(ctx, 400, "malformed request: " + failureMessage(ctx.failure())));
    router.errorHandler(404, ctx -> problem(ctx, 404, "no such endpoint: " + ctx.request().path()));
    router.errorHandler(405, ctx -> problem(ctx, 405, "only GET is supported"));
    router.errorHandler(
        500,
        ctx -> {
          log.error("Unexpected failure serving {}", ctx.request().uri(), ctx.failure());
          problem(ctx, 500, "internal error");
        });
    server =
        vertx
            .createHttpServer(new HttpServerOptions().setCompressionSupported(true))
            .requestHandler(router);
    try {
      server.listen(port, host).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e, e);
    }
    log.info("HTTP API listening on {}:{}", host, server.actualPort());
    return server.actualPort();
  }

  private void healthz(RoutingContext ctx) {
    // Always 200 while the process answers: a database outage must not get the operator
    // restarted, which would lose the samples it is holding for the database's return.
    List<HealthCondition> conditions = health.conditions();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", conditions.stream().allMatch(HealthCondition::healthy) ? "ok" : "degraded");
    body.put("conditions", conditions);
    sendJson(ctx, 200, body);
  }

  private void readyz(RoutingContext ctx) {
    vertx
        .executeBlocking(
            () -> {
              health.checkReady();
              return null;
            },
            false)
        .onSuccess(ignored -> sendJson(ctx, 200, Map.of("status", "ready")))
        .onFailure(e -> problem(ctx, 503, "not ready: " + e.getMessage()));
  }

  private void metrics(RoutingContext ctx) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
        .end(meters.scrape());
  }

  private void vmHistory(RoutingContext ctx) {
    String namespace = ctx.pathParam("namespace");
    String name = ctx.pathParam("name");
    Instant now = clock.instant();
    serve(
        ctx,
        "vm_history",
        params -> {
          Params.namespace(namespace);
          Params.resourceName(name, "VirtualMachine");
          RangeQuery range = RangeQuery.parse(params, now, sampleInterval);
          return new Request(
              "vm|" + namespace + "|" + name + "|" + range,
              maxAge(range),
              () -> {
                String uid =
                    history
                        .vmUid(namespace, name)
                        .orElseThrow(
                            () ->
                                BadRequest.notFound(
                                    "no metric history for VirtualMachine "
                                        + namespace
                                        + "/"
                                        + name));
                Resolution resolution =
                    Resolution.choose(range.from(), range.step(), now, history.retention());
                Map<String, Object> body = rangeBody(range, resolution);
                body.put("namespace", namespace);
                body.put("name", name);
                body.put("uid", uid);
                body.put(
                    "points",
                    history.vmHistory(uid, range.from(), range.to(), range.step(), resolution));
                return body;
              });
        });
  }

  private void hostHistory(RoutingContext ctx) {
    String pool = ctx.pathParam("pool");
    String host = ctx.pathParam("host");
    Instant now = clock.instant();
    serve(
        ctx,
        "host_history",
        params -> {
          Params.resourceName(pool, "pool");
          Params.hostName(host);
          RangeQuery range = RangeQuery.parse(params, now, sampleInterval);
          return new Request(
              "host|" + pool + "|" + host + "|" + range,
              maxAge(range),
              () -> {
                if (!history.hostKnown(pool, host)) {
                  throw BadRequest.notFound("no metric history for host " + host + " of " + pool);
                }
                Map<String, Object> body = rangeBody(range, Resolution.RAW);
                body.put("pool", pool);
                body.put("host", host);
                body.put(
                    "points",
                    history.hostHistory(pool, host, range.from(), range.to(), range.step()));
                return body;
              });
        });
  }

  private void summary(RoutingContext ctx) {
    Instant now = clock.instant();
    serve(
        ctx,
        "summary",
        params -> {
          SummaryQuery q = SummaryQuery.parse(params, now, sampleInterval);
          return new Request(
              q.key(),
              (int) Math.max(1, sampleInterval.toSeconds()),
              () -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("window", q.window().toString());
                body.put("namespace", q.namespace());
                body.put("pool", q.pool());
                body.put(
                    "summary",
                    history.summary(q.window(), q.to(), q.namespace(), q.pool(), q.top()));
                return body;
              });
        });
  }

  private Map<String, Object> rangeBody(RangeQuery range, Resolution resolution) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", range.from());
    body.put("to", range.to());
    body.put("stepSeconds", range.step().toMillis() / 1000.0);
    body.put("resolution", resolution.label());
    return body;
  }

  private int maxAge(RangeQuery range) {
    return range.open()
        ? (int) Math.max(1, sampleInterval.toSeconds())
        : CLOSED_RANGE_MAX_AGE_SECONDS;
  }

  /** A parsed request: its cache key, how long clients may reuse it, and how to compute it. */
  private record Request(String key, int maxAgeSeconds, Query query) {}

  @FunctionalInterface
  private interface Query {
    Object run() throws BadRequest, SQLException;
  }

  @FunctionalInterface
  private interface Parser {
    Request parse(Map<String, String> params) throws BadRequest;
  }

  /** Parses, answers from the cache or runs the query on a worker, and sends the result. */
  private void serve(RoutingContext ctx, String endpoint, Parser parser) {
    Request request;
    try {
      request = parser.parse(singleValued(ctx.queryParams()));
    } catch (BadRequest e) {
      problem(ctx, e.status(), e.getMessage());
      return;
    }
    CompletableFuture<CachedResponse> response =
        cache.get(
            request.key(),
            (key, executor) ->
                vertx
                    .executeBlocking(() -> run(endpoint, request), false)
                    .toCompletionStage()
                    .toCompletableFuture());
    if (response.isDone() && !response.isCompletedExceptionally()) {
      send(ctx, response.join()); // a cache hit, answered on this event loop at once
      return;
    }
    Context context = vertx.getOrCreateContext();
    response.whenComplete(
        (cached, failure) ->
            context.runOnContext(
                ignored -> {
                  if (failure == null) {
                    send(ctx, cached);
                  } else {
                    fail(
                        ctx, failure instanceof CompletionException ? failure.getCause() : failure);
                  }
                }));
  }

  private CachedResponse run(String endpoint, Request request) throws Exception {
    Timer.Sample timing = Timer.start(meters);
    try {
      return CachedResponse.of(
          json.writeValueAsBytes(request.query().run()), request.maxAgeSeconds());
    } finally {
      timing.stop(
          Timer.builder("novacron.api.query")
              .description("Metric history queries run against the database")
              .tag("endpoint", endpoint)
              .publishPercentileHistogram()
              .register(meters));
    }
  }

  private static Map<String, String> singleValued(MultiMap params) throws BadRequest {
    Map<String, String> result = new HashMap<>();
    for (String name : params.names()) {
      List<String> values = params.getAll(name);
      if (values.size() > 1) {
        throw BadRequest.invalid("parameter " + name + " given " + values.size() + " times");
      }
      result.put(name, values.get(0));
    }
    return result;
  }

  private void send(RoutingContext ctx, CachedResponse r) {
    if (ctx.response().closed()) {
      return;
    }
    ctx.response()
        .putHeader(HttpHeaders.ETAG, r.etag())
        .putHeader(HttpHeaders.CACHE_CONTROL, "max-age=" + r.maxAgeSeconds());
    if (r.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(Buffer.buffer(r.body()));
  }

  private void fail(RoutingContext ctx, Throwable failure) {
    if (failure instanceof BadRequest e) {
      problem(ctx, e.status(), e.getMessage());
    } else if (failure instanceof SQLException e && databaseUnavailable(e)) {
      log.warn("Metric query failed: {}", e.getMessage());
      problem(ctx, 503, "metric database unavailable: " + e.getMessage());
    } else {
      log.error("Unexpected failure serving {}", ctx.request().uri(), failure);
      problem(ctx, 500, "internal error");
    }
  }

  /**
   * A failure of the database rather than of the query: out of reach (SQLSTATE class 08, or no
   * pooled connection in time), out of resources (53) or shutting down (57). Any other SQL error is
   * a fault of ours, answered with a 500 rather than blamed on the database.
   */
  private static boolean databaseUnavailable(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLTransientException
        || e instanceof SQLNonTransientConnectionException
        || (state != null
            && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57")));
  }

  private void sendJson(RoutingContext ctx, int status, Object body) {
    try {
      ctx.response()
          .setStatusCode(status)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(Buffer.buffer(json.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String failureMessage(Throwable failure) {
    return failure == null || failure.getMessage() == null
        ? "the request could not be read"
        : failure.getMessage();
  }

  /** An RFC 9457 problem body. */
  private void problem(RoutingContext ctx, int status, String detail) {
    if (ctx.response().closed() || ctx.response().ended()) {
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", HttpResponseStatus.valueOf(status).reasonPhrase());
    body.put("status", status);
    body.put("detail", detail);
    body.put("instance", ctx.request().path());
    try {
      ctx.response()
          .setStatusCode(status)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
          .end(Buffer.buffer(json.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      Future<Void> closed = vertx.close();
      closed.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Stopping the HTTP server: {}", e.toString());
    }
  }
}
