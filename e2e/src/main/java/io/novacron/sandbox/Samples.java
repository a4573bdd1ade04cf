package io.novacron.sandbox;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.novacron.crds.migration.Migration;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.scaling.ScalingPolicy;
import io.novacron.crds.vm.VirtualMachine;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** The files under samples/, with ${NOVACRON_WORK} filled in. */
public final class Samples {
  private static final List<Class<?>> APPLY_ORDER =
      List.of(NodePool.class, VirtualMachine.class, ScalingPolicy.class, Migration.class);

  private Samples() {}

  public static List<Path> files(Path repo) {
    try (Stream<Path> files = Files.list(repo.resolve("samples"))) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A sample's text with the work directory substituted. */
  public static String render(Path file, Path work) {
    try {
      return Files.readString(file).replace("${NOVACRON_WORK}", work.toAbsolutePath().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses every sample into typed resources (NovaCron's model classes), in the order they are
   * applied: pools before the VMs placed in them, VMs before the Migrations that move them.
   */
  public static List<HasMetadata> load(KubernetesClient client, Path repo, Path work) {
    var serialization = client.getKubernetesSerialization();
    List.of(VirtualMachine.class, NodePool.class, Migration.class, ScalingPolicy.class)
        .forEach(serialization::registerKubernetesResource);
    List<HasMetadata> resources = new ArrayList<>();
    for (Path file : files(repo)) {
      byte[] yaml = render(file, work).getBytes(StandardCharsets.UTF_8);
      resources.addAll(client.load(new ByteArrayInputStream(yaml)).items());
    }
    resources.sort(Comparator.comparingInt(r -> APPLY_ORDER.indexOf(r.getClass())));
    return resources;
  }

  /**
   * Creates (or updates) every sample in the API, calling {@code beforeMigration} before each
   * Migration is created.
   */
  public static List<HasMetadata> apply(
      KubernetesClient client, Path repo, Path work, Consumer<Migration> beforeMigration) {
    List<HasMetadata> resources = load(client, repo, work);
    for (HasMetadata r : resources) {
      if (r.getMetadata().getNamespace() == null && !(r instanceof NodePool)) {
        r.getMetadata().setNamespace("default");
      }
      if (r instanceof Migration m) {
        beforeMigration.accept(m);
      }
      client.resource(r).createOr(NonDeletingOperation::update);
    }
    return resources;
  }
}
