package io.novacron.operator.api;

import java.util.zip.CRC32C;

/** A JSON body ready to send, with its entity tag and how long clients may reuse it. */
record CachedResponse(byte[] body, String etag, int maxAgeSeconds) {
  static CachedResponse of(byte[] body, int maxAgeSeconds) {
    CRC32C crc = new CRC32C();
    crc.update(body);
    String etag = "\"" + Long.toHexString(crc.getValue()) + "-" + body.length + "\"";
    return new CachedResponse(body, etag, maxAgeSeconds);
  }
}
