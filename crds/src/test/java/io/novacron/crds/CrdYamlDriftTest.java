package io.novacron.crds;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The CRD YAML committed under crds/yaml must be exactly what the build generates. */
class CrdYamlDriftTest {
  private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
  private static final Path COMMITTED = Path.of("yaml");
  private static final String REGENERATE = "./mvnw -pl crds -Pupdate-crds process-classes";

  @Test
  void committedCrdsMatchGeneratedOnes() throws IOException {
    List<Path> generated = crdFiles(GENERATED);
    assertThat(generated).as("generated CRDs").hasSize(4);
    assertThat(crdFiles(COMMITTED).stream().map(Path::getFileName).map(Path::toString))
        .as("committed CRD files differ from generated ones; run: " + REGENERATE)
        .containsExactlyInAnyOrderElementsOf(
            generated.stream().map(Path::getFileName).map(Path::toString).toList());
    for (Path file : generated) {
      assertThat(Files.readString(COMMITTED.resolve(file.getFileName())))
          .as("%s is stale; run: %s", file.getFileName(), REGENERATE)
          .isEqualTo(Files.readString(file));
    }
  }

  private static List<Path> crdFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith("-v1.yml")).sorted().toList();
    }
  }
}
