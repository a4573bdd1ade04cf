package io.novacron.policy;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An enum field left unset: never set, set to null, or set to a value this program does not know
 * (the operator reads those as unset; see TolerantSerialization). None of them may fall back to the
 * field's default: a VM of a backend this operator does not know must not start on libvirt.
 */
final class KnownValue {
  private KnownValue() {}

  static <E extends Enum<E>> void require(List<String> problems, String field, E value, E[] known) {
    if (value == null) {
      problems.add(
          field
              + " must be one of "
              + Arrays.stream(known).map(Enum::name).collect(Collectors.joining(", ")));
    }
  }
}
