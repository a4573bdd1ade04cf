package io.novacron.crds.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.kernel) != has(self.disk)",
    message = "boot needs exactly one of kernel or disk")
@ValidationRule(
    value = "has(self.kernel) || (!has(self.initrd) && !has(self.cmdline))",
    message = "initrd and cmdline need kernel")
public class BootSpec {
  @JsonPropertyDescription("Path on the host of a kernel to boot directly.")
  public String kernel;

  @JsonPropertyDescription("Path on the host of the initrd for the kernel.")
  public String initrd;

  @JsonPropertyDescription("Kernel command line.")
  public String cmdline;

  @JsonPropertyDescription("Name of the disk (from disks) to boot from.")
  public String disk;
}
