package io.novacron.operator.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * GETs for the whole-operator tests, each bounded by a timeout and retried: the JDK client has been
 * seen to wait forever on a keep-alive connection the server had dropped, which hung a test run
 * instead of failing or retrying it.
 */
public final class HttpGets {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final int ATTEMPTS = 3;

  private HttpGets() {}

  public static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build();
    for (int attempt = 1; ; attempt++) {
      try {
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (HttpTimeoutException e) {
        if (attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
