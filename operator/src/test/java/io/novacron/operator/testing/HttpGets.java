package io.novacron.operator.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * GETs for the whole-operator tests, each on a fresh client, bounded by a deadline of our own and
 * retried. In CI a JDK client waited forever on the first request to the operator while the
 * operator's event loop sat idle, and its own request timeout never fired; that hung the run
 * instead of failing or retrying the request.
 */
public final class HttpGets {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final int ATTEMPTS = 3;

  private HttpGets() {}

  public static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(DEADLINE).build();
    for (int attempt = 1; ; attempt++) {
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(DEADLINE)
              .build();
      try {
        return client
            .sendAsync(request, HttpResponse.BodyHandlers.ofString())
            .get(DEADLINE.toSeconds() + 2, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        if (attempt == ATTEMPTS) {
          throw new IOException("no answer from " + url + " in " + ATTEMPTS + " attempts", e);
        }
      } catch (ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      }
    }
  }
}
