package io.novacron.operator.api;

/** A request the API refuses, with the HTTP status and the message for the problem body. */
final class BadRequest extends Exception {
  private final int status;

  BadRequest(int status, String detail) {
    super(detail, null, false, false);
    this.status = status;
  }

  static BadRequest invalid(String detail) {
    return new BadRequest(400, detail);
  }

  static BadRequest notFound(String detail) {
    return new BadRequest(404, detail);
  }

  int status() {
    return status;
  }
}
