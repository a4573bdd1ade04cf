package io.novacron.crds.common;

/** How a VM is moved between hosts. */
public enum MigrationMode {
  Live,
  PostCopy,
  Cold
}
