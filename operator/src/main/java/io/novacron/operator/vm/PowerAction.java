package io.novacron.operator.vm;

/** What to do about a VM's power state this reconcile. */
enum PowerAction {
  NONE,
  /** Define the domain from the current spec and start it. */
  START,
  /** Ask the guest to shut down (ACPI). */
  SHUTDOWN,
  /** Force the domain off. */
  DESTROY
}
