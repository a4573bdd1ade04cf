package io.novacron.policy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.novacron.crds.nodepool.HostSpec;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.nodepool.NodePoolSpec;
import io.novacron.crds.vm.BootSpec;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineSpec;
import java.util.UUID;

/** Builders for test resources. */
public final class TestVms {
  private TestVms() {}

  public static VirtualMachine vm(String namespace, String name, String pool) {
    VirtualMachine vm = new VirtualMachine();
    vm.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(name)
            .withUid(UUID.randomUUID().toString())
            .withGeneration(1L)
            .build());
    VirtualMachineSpec spec = new VirtualMachineSpec();
    spec.nodePool = pool;
    spec.vcpus = 1;
    spec.memory = new Quantity("128Mi");
    spec.boot = new BootSpec();
    spec.boot.kernel = "/boot/vmlinuz";
    spec.boot.initrd = "/boot/initrd.img";
    spec.boot.cmdline = "console=ttyS0";
    vm.setSpec(spec);
    return vm;
  }

  public static NodePool pool(String name, String... hostNameUriPairs) {
    NodePool pool = new NodePool();
    pool.setMetadata(new ObjectMetaBuilder().withName(name).build());
    pool.setSpec(new NodePoolSpec());
    for (int i = 0; i < hostNameUriPairs.length; i += 2) {
      HostSpec h = new HostSpec();
      h.name = hostNameUriPairs[i];
      h.uri = hostNameUriPairs[i + 1];
      pool.getSpec().hosts.add(h);
    }
    return pool;
  }
}
