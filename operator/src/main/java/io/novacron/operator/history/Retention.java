package io.novacron.operator.history;

import java.time.Duration;

/** How long raw samples, 1-minute rollups and 1-hour rollups are kept. */
public record Retention(Duration raw, Duration minute, Duration hour) {}
