package io.novacron.webhooks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.novacron.policy.AdmissionRules;
import io.novacron.policy.ClusterView;
import io.novacron.policy.Defaults;
import io.novacron.policy.PolicySource;
import io.novacron.policy.Verdict;
import io.novacron.webhooks.ReviewCodec.Review;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS admission server: {@code POST /validate} and {@code POST /mutate} answer
 * AdmissionReviews for NovaCron's four resources, {@code /healthz} and {@code /metrics}
 * (Prometheus) serve operations. The certificate, key and policy files are checked for changes
 * every second and taken up without a restart.
 */
public final class AdmissionServer implements AutoCloseable {
  /** Larger than any object the API server stores (1.5 MiB by default) with room for oldObject. */
  static final long MAX_BODY_BYTES = 4L * 1024 * 1024;

  /** The rule named in denials of objects that are not valid resources of their kind. */
  static final String SCHEMA = "schema";

  private static final Logger log = LoggerFactory.getLogger(AdmissionServer.class);
  private static final Duration FILE_CHECK = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final ReviewCodec codec = new ReviewCodec();
  private final Defaults defaults = new Defaults();
  private final AdmissionRules rules;
  private final PolicySource policy;
  private final ClusterView cluster;
  private final Path certFile;
  private final Path keyFile;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer latency;
  private final ReloadingKeyManager keyManager;
  private HttpServer server;
  private List<FileTime> tlsSeen;
  private List<FileTime> tlsLoaded;
  private long fileCheckTimer;

  public AdmissionServer(Path certFile, Path keyFile, Path policyFile, ClusterView cluster) {
    try {
      this.keyManager = new ReloadingKeyManager(certFile, keyFile);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the server certificate: " + e.getMessage(), e);
    }
    this.vertx = Vertx.vertx();
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.policy = new PolicySource(policyFile);
    this.rules = new AdmissionRules(policy);
    this.cluster = cluster;
    this.latency =
        Timer.builder("novacron.admission.review")
            .description("Time to answer one AdmissionReview")
            .publishPercentileHistogram()
            .register(registry);
  }

  /** Listens on {@code host:port} (port 0 picks a free one); returns the port. */
  public int start(String host, int port) {
    Router router = Router.router(vertx);
    router.get("/healthz").handler(this::health);
    router.get("/metrics").handler(ctx -> ctx.response().end(registry.scrape()));
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    router.post("/validate").handler(body).handler(ctx -> review(ctx, false));
    router.post("/mutate").handler(body).handler(ctx -> review(ctx, true));
    router.route().failureHandler(this::failure);
    tlsLoaded = Arrays.asList(modified(certFile), modified(keyFile));
    tlsSeen = tlsLoaded;
    HttpServerOptions options =
        new HttpServerOptions()
            .setSsl(true)
            .setKeyCertOptions(KeyCertOptions.wrap(keyManager))
            .setHost(host)
            .setPort(port)
            .setCompressionSupported(false);
    try {
      server =
          vertx
              .createHttpServer(options)
              .requestHandler(router)
              .listen()
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("admission server cannot listen on " + host + ":" + port, e);
    }
    fileCheckTimer = vertx.setPeriodic(FILE_CHECK.toMillis(), id -> checkCertificates());
    log.info("admission webhooks listening on https://{}:{}", host, server.actualPort());
    return server.actualPort();
  }

  private void review(RoutingContext ctx, boolean mutate) {
    Timer.Sample sample = Timer.start(registry);
    String endpoint = mutate ? "mutate" : "validate";
    Buffer body = ctx.body().buffer();
    Review review;
    try {
      if (body == null) {
        throw new BadReview("empty body");
      }
      review = codec.read(body.getBytes());
    } catch (BadReview e) {
      log.warn(
          "bad admission request on /{} from {}: {}",
          endpoint,
          ctx.request().remoteAddress(),
          e.getMessage());
      count(endpoint, "none", "bad-request");
      problem(ctx, 400, e.getMessage());
      sample.stop(latency);
      return;
    }
    Verdict verdict;
    ArrayNode patch = null;
    if (review.unreadable() != null) {
      // mutation runs before the API server's schema check, which names the fault better than
      // we can: let it through unchanged. Validation runs after it, and must still refuse.
      verdict =
          mutate ? Verdict.allow(List.of()) : Verdict.deny(SCHEMA, review.unreadable(), List.of());
    } else if (mutate) {
      // a CREATE with generateName has no name yet at this point; defaults do not need one
      verdict = Verdict.allow(List.of());
      if (review.rawObject() != null) {
        patch = defaults.patch(review.rawObject(), AdmissionReviews.KINDS.get(review.kind()));
      }
    } else if (unnamed(review.request().object())) {
      // the API server names an object (generateName) before validating it; the rules need it
      verdict = Verdict.deny(SCHEMA, "request.object.metadata.name is required", List.of());
    } else {
      verdict = rules.review(review.request(), cluster);
      if (!review.unknownFields().isEmpty()) {
        verdict =
            verdict.withWarning(
                "not checked: "
                    + String.join(", ", review.unknownFields())
                    + " are unknown to this admission webhook (is the NovaCron CRD newer than the"
                    + " webhook?)");
      }
    }
    if (!verdict.allowed()) {
      Counter.builder("novacron.admission.denials")
          .description("Requests denied, by rule")
          .tag("rule", verdict.rule())
          .register(registry)
          .increment();
    }
    count(endpoint, review.kind(), verdict.allowed() ? "allowed" : "denied");
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(codec.response(review.uid(), verdict, patch)));
    sample.stop(latency);
  }

  private static boolean unnamed(HasMetadata object) {
    return object != null && object.getMetadata().getName() == null;
  }

  private void count(String endpoint, String kind, String outcome) {
    Counter.builder("novacron.admission.requests")
        .description("AdmissionReviews answered")
        .tag("endpoint", endpoint)
        .tag("kind", kind)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  private void failure(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (status == 413) {
      log.warn(
          "admission request from {} over {} bytes", ctx.request().remoteAddress(), MAX_BODY_BYTES);
      count(ctx.request().path().replace("/", ""), "none", "bad-request");
      problem(ctx, 400, "body is larger than " + MAX_BODY_BYTES + " bytes");
      return;
    }
    if (ctx.failure() != null) {
      log.error("admission request failed", ctx.failure());
    }
    problem(ctx, status > 0 ? status : 500, status == 404 ? "no such endpoint" : "internal error");
  }

  private void health(RoutingContext ctx) {
    JsonObject body = new JsonObject().put("status", "UP");
    policy.get(); // takes up a changed file, so a broken one is reported even with no reviews
    policy.problem().ifPresent(p -> body.put("policyProblem", p));
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static void problem(RoutingContext ctx, int status, String detail) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/problem+json")
        .end(new JsonObject().put("status", status).put("detail", detail).encode());
  }

  private void checkCertificates() {
    vertx.executeBlocking(
        () -> {
          List<FileTime> seen = Arrays.asList(modified(certFile), modified(keyFile));
          // reload once both files have stayed unchanged for a whole check, so a certificate is
          // never paired with a key still being written
          boolean settled = seen.equals(tlsSeen) && !seen.equals(tlsLoaded) && !seen.contains(null);
          tlsSeen = seen;
          if (settled) {
            tlsLoaded = seen;
            try {
              keyManager.reload(certFile, keyFile);
              log.info("certificate {} reloaded", certFile);
            } catch (IOException | RuntimeException e) {
              log.warn(
                  "certificate {} not reloaded, the old one stays: {}", certFile, e.getMessage());
            }
          }
          return null;
        },
        false);
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    vertx.cancelTimer(fileCheckTimer);
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("admission server did not stop cleanly: {}", e.getMessage());
    }
  }
}
