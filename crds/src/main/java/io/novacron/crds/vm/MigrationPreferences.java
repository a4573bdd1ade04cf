package io.novacron.crds.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.novacron.crds.common.MigrationMode;
import io.novacron.crds.common.MigrationTuning;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MigrationPreferences extends MigrationTuning {
  @JsonPropertyDescription("Modes this VM may be migrated with; all when empty.")
  public List<MigrationMode> allowedModes = new ArrayList<>();
}
