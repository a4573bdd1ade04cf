package io.novacron.webhooks;

/** A request body that is not an AdmissionReview this server can answer: HTTP 400. */
final class BadReview extends Exception {
  BadReview(String message) {
    super(message);
  }
}
