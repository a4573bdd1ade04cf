package io.novacron.operator.forecast;

/** What is forecast, each in percent of its capacity (0-100). */
public enum Resource {
  CPU,
  MEMORY,
  NETWORK,
  DISK
}
