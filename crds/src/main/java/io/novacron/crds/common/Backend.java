package io.novacron.crds.common;

/** Which virtualization layer runs a VM or a pool. */
public enum Backend {
  Libvirt,
  KubeVirt
}
