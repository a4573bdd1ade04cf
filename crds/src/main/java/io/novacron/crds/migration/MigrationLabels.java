package io.novacron.crds.migration;

/** Labels on the Migrations NovaCron creates itself (maintenance evacuation, rebalancing). */
public final class MigrationLabels {
  /** The NodePool that asked for the Migration. */
  public static final String POOL = "novacron.io/pool";

  /** Why it was created: {@link #EVACUATION} or {@link #REBALANCE}. */
  public static final String REASON = "novacron.io/reason";

  /** The host being evacuated (evacuations only). */
  public static final String HOST = "novacron.io/host";

  /** "true" on every Migration NovaCron created on its own. */
  public static final String AUTOMATIC = "novacron.io/automatic";

  public static final String EVACUATION = "evacuation";
  public static final String REBALANCE = "rebalance";

  private MigrationLabels() {}
}
