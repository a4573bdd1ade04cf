package io.novacron.crds.common;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fabric8's serialization of resources, except that what NovaCron's model lacks is logged and left
 * out instead of failing the read: a field is skipped, and an enum value it does not know reads as
 * unset and is kept in {@link #unknownValues} for that version of its resource. Fabric8 reads
 * strictly: one NovaCron object written against a newer CRD (or stored by an API server that does
 * not prune, such as the sandbox's) failed the informer's list or watch, and JOSDK then stopped the
 * whole operator. Build every client that watches NovaCron resources with it: {@code new
 * KubernetesClientBuilder().withKubernetesSerialization(new TolerantSerialization())}.
 */
public final class TolerantSerialization extends KubernetesSerialization {
  private static final Logger log = LoggerFactory.getLogger(TolerantSerialization.class);

  private final UnknownValues unknownValues;

  public TolerantSerialization() {
    this(new IgnoredLog(), new UnknownValues());
  }

  private TolerantSerialization(IgnoredLog ignored, UnknownValues unknownValues) {
    super(
        new ObjectMapper()
            .addHandler(
                new SkipUnknownFields(
                    (resource, path) ->
                        ignored.logOnce(
                            resource,
                            "field " + path + " is not in this program's NovaCron model, ignored")))
            .addHandler(new UnsetForUnknownEnumValues(ignored, unknownValues)),
        true);
    this.unknownValues = unknownValues;
  }

  /**
   * The enum values this version of {@code resource} (its uid and resourceVersion) held that the
   * model lacks, each as "path: value is not one of ...". The field itself cannot say so: it reads
   * as unset, and a copy made through JSON (JOSDK's and fabric8's clones) gets the field's default
   * back, as an unset field is not written out — a VM of an unknown backend would run on libvirt.
   */
  public List<String> unknownValues(HasMetadata resource) {
    return unknownValues.of(resource);
  }

  /** Skips a field the model lacks, handing its resource (or null) and path to a consumer. */
  public static final class SkipUnknownFields extends DeserializationProblemHandler {
    private final BiConsumer<HasMetadata, String> skipped;

    public SkipUnknownFields(BiConsumer<HasMetadata, String> skipped) {
      this.skipped = skipped;
    }

    @Override
    public boolean handleUnknownProperty(
        DeserializationContext context,
        JsonParser parser,
        JsonDeserializer<?> deserializer,
        Object beanOrClass,
        String propertyName)
        throws IOException {
      Location where = Location.of(parser.getParsingContext());
      skipped.accept(where.resource(), where.path());
      parser.skipChildren();
      return true;
    }
  }

  private static final class UnsetForUnknownEnumValues extends DeserializationProblemHandler {
    private final IgnoredLog ignored;
    private final UnknownValues unknownValues;

    UnsetForUnknownEnumValues(IgnoredLog ignored, UnknownValues unknownValues) {
      this.ignored = ignored;
      this.unknownValues = unknownValues;
    }

    @Override
    public Object handleWeirdStringValue(
        DeserializationContext context, Class<?> targetType, String value, String failureMsg) {
      if (!targetType.isEnum()) {
        return NOT_HANDLED;
      }
      Location where = Location.of(context.getParser().getParsingContext());
      String problem =
          where.path()
              + ": \""
              + value
              + "\" is not one of "
              + Arrays.stream(targetType.getEnumConstants())
                  .map(Object::toString)
                  .collect(Collectors.joining(", "));
      ignored.logOnce(where.resource(), problem + "; read as unset");
      unknownValues.add(where.resource(), problem);
      return null;
    }
  }

  /**
   * The resource a parser is reading (null when Jackson does not know it) and the dotted path of
   * its current field within it ({@code spec.boot.kernel}, {@code spec.disks.1.path}).
   */
  private record Location(HasMetadata resource, String path) {
    static Location of(JsonStreamContext context) {
      // each context's current name or index is the step it is on, so the steps from the field
      // up to its resource's context are the field's path within that resource
      List<String> path = new ArrayList<>();
      JsonStreamContext step = context;
      for (; step != null; step = step.getParent()) {
        if (step.inArray() && step.hasCurrentIndex()) {
          path.add(0, Integer.toString(step.getCurrentIndex()));
        } else if (step.hasCurrentName()) {
          path.add(0, step.getCurrentName());
        }
        if (step.getCurrentValue() instanceof HasMetadata) {
          break;
        }
      }
      return new Location(
          step == null ? null : (HasMetadata) step.getCurrentValue(), String.join(".", path));
    }
  }

  /** Unknown enum values by resource version; the most recent versions only. */
  private static final class UnknownValues {
    private static final int MOST_VERSIONS = 10_000;

    // access-ordered, so guarded by itself for reads too
    private final Map<String, Set<String>> byVersion =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
            return size() > MOST_VERSIONS;
          }
        };

    void add(HasMetadata resource, String problem) {
      String version = version(resource);
      if (version != null) {
        synchronized (byVersion) {
          byVersion.computeIfAbsent(version, v -> new LinkedHashSet<>()).add(problem);
        }
      }
    }

    List<String> of(HasMetadata resource) {
      String version = version(resource);
      if (version == null) {
        return List.of();
      }
      synchronized (byVersion) {
        Set<String> problems = byVersion.get(version);
        return problems == null ? List.of() : List.copyOf(problems);
      }
    }

    /** Null until metadata is read: the API server writes it before spec and status. */
    private static String version(HasMetadata resource) {
      ObjectMeta meta = resource == null ? null : resource.getMetadata();
      return meta == null || meta.getUid() == null || meta.getResourceVersion() == null
          ? null
          : meta.getUid() + "@" + meta.getResourceVersion();
    }
  }

  /** Logs each kind and thing ignored once, up to a bound, so made-up names cannot grow memory. */
  private static final class IgnoredLog {
    private static final int MOST_LOGGED = 1_000;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    void logOnce(HasMetadata resource, String what) {
      String kind = resource == null ? "resource" : resource.getKind();
      if (logged.size() < MOST_LOGGED && logged.add(kind + " " + what)) {
        ObjectMeta meta = resource == null ? null : resource.getMetadata();
        log.warn(
            "{}{}: {} (is the NovaCron CRD newer than this program?); other {}s with it are not"
                + " logged",
            kind,
            meta == null ? "" : " " + qualifiedName(meta),
            what,
            kind);
      }
    }

    private static String qualifiedName(ObjectMeta meta) {
      return meta.getNamespace() == null
          ? meta.getName()
          : meta.getNamespace() + "/" + meta.getName();
    }
  }
}
