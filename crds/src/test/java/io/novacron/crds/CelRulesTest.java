package io.novacron.crds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.File;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Compiles every CEL rule in the committed CRDs and evaluates the important ones on good and bad
 * objects, with Google's CEL-Java and the Kubernetes quantity() function added. The mock API server
 * used elsewhere runs no CEL, so this is where the rules are proven.
 */
class CelRulesTest {
  private static final CelType QUANTITY = OpaqueType.create("kubernetes.Quantity");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .addVar("oldSelf", SimpleType.DYN)
          .addFunctionDeclarations(
              CelFunctionDecl.newFunctionDeclaration(
                  "quantity",
                  CelOverloadDecl.newGlobalOverload(
                      "quantity_string", QUANTITY, SimpleType.STRING)),
              CelFunctionDecl.newFunctionDeclaration(
                  "compareTo",
                  CelOverloadDecl.newMemberOverload(
                      "quantity_compareTo", SimpleType.INT, QUANTITY, QUANTITY)))
          .build();

  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder()
          .addFunctionBindings(
              CelFunctionBinding.from(
                  "quantity_string", String.class, s -> Quantity.getAmountInBytes(new Quantity(s))),
              CelFunctionBinding.from(
                  "quantity_compareTo",
                  BigDecimal.class,
                  BigDecimal.class,
                  (a, b) -> (long) Integer.signum(a.compareTo(b))))
          .build();

  /** A rule and where in the schema it sits, e.g. "spec.boot" or "spec.hosts[]". */
  record Rule(String crd, String path, String rule, String message) {}

  @Test
  void everyRuleCompiles() throws Exception {
    List<Rule> rules = allRules();
    assertThat(rules).hasSizeGreaterThan(10);
    for (Rule r : rules) {
      assertThat(compile(r.rule())).as("%s %s: %s", r.crd(), r.path(), r.rule()).isNotNull();
    }
  }

  @Test
  void virtualMachineSpecRules() throws Exception {
    String vm = "virtualmachines";
    Map<String, Object> good =
        json(
            """
            {"nodePool":"p","vcpus":2,"maxVcpus":4,"memory":"128Mi","maxMemory":"1Gi",
             "boot":{"kernel":"/k"}}""");
    assertThat(violations(vm, "spec", good, null)).isEmpty();
    assertThat(violations(vm, "spec", with(good, "memory", 134217728L), null)).isEmpty();
    assertThat(violations(vm, "spec", with(good, "memory", "32Mi"), null))
        .containsExactly("memory must be at least 64Mi");
    assertThat(violations(vm, "spec", with(good, "maxVcpus", 1L), null))
        .containsExactly("maxVcpus must be at least vcpus");
    assertThat(violations(vm, "spec", with(good, "maxMemory", "64Mi"), null))
        .containsExactly("maxMemory must be at least memory");
  }

  @Test
  void bootNeedsExactlyOneSource() throws Exception {
    String vm = "virtualmachines";
    assertThat(violations(vm, "spec.boot", json("{\"kernel\":\"/k\",\"cmdline\":\"x\"}"), null))
        .isEmpty();
    assertThat(violations(vm, "spec.boot", json("{\"kernel\":\"/k\",\"disk\":\"root\"}"), null))
        .containsExactly("boot needs exactly one of kernel or disk");
    assertThat(violations(vm, "spec.boot", json("{\"disk\":\"root\",\"initrd\":\"/i\"}"), null))
        .containsExactly("initrd and cmdline need kernel");
    assertThat(violations(vm, "spec.boot", json("{}"), null))
        .containsExactly("boot needs exactly one of kernel or disk");
    assertThat(
            violations(vm, "spec.networks[]", json("{\"name\":\"n\",\"type\":\"Bridge\"}"), null))
        .containsExactly("source is required for Network and Bridge interfaces");
    assertThat(violations(vm, "spec.networks[]", json("{\"name\":\"n\",\"type\":\"User\"}"), null))
        .isEmpty();
  }

  @Test
  void backendAndNodePoolAreImmutable() throws Exception {
    String vm = "virtualmachines";
    assertThat(violations(vm, "spec.nodePool", "b", "a")).containsExactly("nodePool is immutable");
    assertThat(violations(vm, "spec.nodePool", "a", "a")).isEmpty();
    assertThat(violations(vm, "spec.backend", "KubeVirt", "Libvirt"))
        .containsExactly("backend is immutable");
    assertThat(violations("nodepools", "spec.backend", "KubeVirt", "Libvirt"))
        .containsExactly("backend is immutable");
    Map<String, Object> migration = json("{\"vmName\":\"a\",\"mode\":\"Live\"}");
    String immutable = "a Migration's spec is immutable except cancel and switchToPostCopy";
    assertThat(violations("migrations", "spec", with(migration, "vmName", "b"), migration))
        .containsExactly(immutable);
    assertThat(violations("migrations", "spec", with(migration, "targetHost", "h2"), migration))
        .containsExactly(immutable);
    assertThat(violations("migrations", "spec", with(migration, "autoConverge", true), migration))
        .containsExactly(immutable);
    Map<String, Object> cancelled = with(migration, "cancel", true);
    assertThat(violations("migrations", "spec", cancelled, migration)).isEmpty();
    assertThat(
            violations("migrations", "spec", with(migration, "switchToPostCopy", true), migration))
        .isEmpty();
    assertThat(violations("migrations", "spec", with(migration, "cancel", false), cancelled))
        .containsExactly("a cancelled Migration cannot be resumed");
  }

  @Test
  void nodePoolAndScalingPolicyRules() throws Exception {
    Map<String, Object> pool =
        json(
            """
            {"backend":"Libvirt","hosts":[{"name":"h1","uri":"qemu:///system"},
                                          {"name":"h2","uri":"qemu:///system"}]}""");
    assertThat(violations("nodepools", "spec", pool, null)).isEmpty();
    Map<String, Object> dup =
        json(
            """
            {"backend":"Libvirt","hosts":[{"name":"h1","uri":"qemu:///system"},
                                          {"name":"h1","uri":"qemu:///system"}]}""");
    assertThat(violations("nodepools", "spec", dup, null))
        .containsExactly("host names must be unique");
    assertThat(
            violations("nodepools", "spec", json("{\"backend\":\"Libvirt\",\"hosts\":[]}"), null))
        .containsExactly("a Libvirt pool needs at least one host");
    assertThat(
            violations("nodepools", "spec", json("{\"backend\":\"KubeVirt\",\"hosts\":[]}"), null))
        .isEmpty();
    assertThat(
            violations(
                "scalingpolicies", "spec", json("{\"minReplicas\":3,\"maxReplicas\":2}"), null))
        .containsExactly("minReplicas must not exceed maxReplicas");
    assertThat(
            violations(
                "scalingpolicies", "spec", json("{\"minReplicas\":2,\"maxReplicas\":2}"), null))
        .isEmpty();
  }

  private static List<String> violations(String crd, String path, Object self, Object oldSelf)
      throws Exception {
    List<String> failed = new ArrayList<>();
    for (Rule r : allRules()) {
      if (!r.crd().equals(crd) || !r.path().equals(path)) {
        continue;
      }
      boolean transition = r.rule().contains("oldSelf");
      if (transition && oldSelf == null) {
        continue; // transition rules only run on update
      }
      Map<String, Object> vars = new HashMap<>();
      vars.put("self", self);
      if (transition) {
        vars.put("oldSelf", oldSelf);
      }
      Object result = RUNTIME.createProgram(compile(r.rule())).eval(vars);
      if (!Boolean.TRUE.equals(result)) {
        failed.add(r.message());
      }
    }
    return failed;
  }

  private static CelAbstractSyntaxTree compile(String rule) throws Exception {
    return COMPILER.compile(rule).getAst();
  }

  private static List<Rule> allRules() throws Exception {
    List<Rule> rules = new ArrayList<>();
    for (File f : new File("yaml").listFiles((d, n) -> n.endsWith("-v1.yml"))) {
      JsonNode crd = YAML.readTree(f);
      String plural = crd.at("/spec/names/plural").asText();
      collect(plural, "", crd.at("/spec/versions/0/schema/openAPIV3Schema"), rules);
    }
    return rules;
  }

  private static void collect(String crd, String path, JsonNode schema, List<Rule> rules) {
    for (JsonNode v : schema.path("x-kubernetes-validations")) {
      rules.add(new Rule(crd, path, v.get("rule").asText(), v.path("message").asText()));
    }
    schema
        .path("properties")
        .properties()
        .forEach(
            e ->
                collect(
                    crd,
                    path.isEmpty() ? e.getKey() : path + "." + e.getKey(),
                    e.getValue(),
                    rules));
    if (schema.has("items")) {
      collect(crd, path + "[]", schema.get("items"), rules);
    }
  }

  /** JSON with integers as Long, as CEL expects. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(String text) throws Exception {
    return (Map<String, Object>) longs(JSON.readValue(text, Object.class));
  }

  @SuppressWarnings("unchecked")
  private static Object longs(Object value) {
    if (value instanceof Integer i) {
      return i.longValue();
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      ((Map<String, Object>) m).forEach((k, v) -> out.put(k, longs(v)));
      return out;
    }
    if (value instanceof List<?> l) {
      return l.stream().map(CelRulesTest::longs).toList();
    }
    return value;
  }

  private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(base);
    copy.put(key, value);
    return copy;
  }
}
