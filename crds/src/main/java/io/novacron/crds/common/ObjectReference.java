package io.novacron.crds.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A reference to a namespaced object such as a Secret. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ObjectReference {
  @Required
  @JsonPropertyDescription("Name of the object.")
  public String name;

  @JsonPropertyDescription("Namespace of the object; the operator's namespace when empty.")
  public String namespace;
}
