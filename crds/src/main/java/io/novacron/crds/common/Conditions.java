package io.novacron.crds.common;

/** Condition types shared by the NovaCron resources. */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String SCHEDULED = "Scheduled";
  public static final String RESTART_REQUIRED = "RestartRequired";
  public static final String AVAILABLE = "Available";
  public static final String DEGRADED = "Degraded";
  public static final String VALID = "Valid";
  public static final String COMPLETE = "Complete";

  public static final String TRUE = "True";
  public static final String FALSE = "False";

  private Conditions() {}
}
