package io.novacron.crds.nodepool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RebalancingSpec {
  public enum Automation {
    /** Recommend only. */
    Manual,
    /** Place new VMs, recommend moves. */
    Partial,
    /** Also create Migrations. */
    Full
  }

  @Default("Manual")
  public Automation automation = Automation.Manual;

  @Default("3")
  @Min(1)
  @Max(5)
  @JsonPropertyDescription("1 (conservative, only large gains) to 5 (aggressive).")
  public int threshold = 3;

  @Default("5m")
  @Pattern("^([0-9]+(s|m|h))+$")
  @JsonPropertyDescription("How often the pool is evaluated, e.g. 30s, 5m, 1h.")
  public String interval = "5m";

  public MigrationLimits limits = new MigrationLimits();

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class MigrationLimits {
    @Default("2")
    @Min(0)
    @JsonPropertyDescription("Concurrent migrations out of one host.")
    public int perHost = 2;

    @Default("5")
    @Min(0)
    @JsonPropertyDescription("Concurrent migrations in the pool.")
    public int perPool = 5;

    @Default("10")
    @Min(0)
    @JsonPropertyDescription("Migrations started in the pool per hour.")
    public int perHour = 10;
  }
}
