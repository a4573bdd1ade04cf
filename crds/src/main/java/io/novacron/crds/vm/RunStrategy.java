package io.novacron.crds.vm;

/** Desired power state policy, with the same names KubeVirt uses. */
public enum RunStrategy {
  /** Keep the VM running; restart it whenever it stops. */
  Always,
  /** Keep the VM stopped. */
  Halted,
  /** Start it once, then leave its power state to the user. */
  Manual,
  /** Restart the VM only when it crashed, not when its guest powered it off. */
  RerunOnFailure
}
