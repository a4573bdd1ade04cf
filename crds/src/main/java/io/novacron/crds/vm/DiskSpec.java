package io.novacron.crds.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class DiskSpec {
  public enum Format {
    raw,
    qcow2
  }

  public enum Bus {
    virtio,
    sata,
    scsi
  }

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the disk, unique within the VM.")
  public String name;

  @Required
  @JsonPropertyDescription("Path of the disk image on the host.")
  public String path;

  @Default("qcow2")
  public Format format = Format.qcow2;

  @Default("virtio")
  public Bus bus = Bus.virtio;

  @JsonPropertyDescription("Attach the disk read-only.")
  public boolean readOnly;
}
