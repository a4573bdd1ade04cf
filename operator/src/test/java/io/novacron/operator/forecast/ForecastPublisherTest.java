package io.novacron.operator.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.operator.forecast.Forecaster.Prediction;
import io.novacron.operator.forecast.Forecaster.VmForecast;
import io.novacron.operator.kube.ConditionWriter;
import io.novacron.operator.kube.EventRecorder;
import io.novacron.operator.metrics.RunningVms.RunningVm;
import io.novacron.policy.TestVms;
import io.novacron.policy.testing.MockApi;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Forecasts and the Anomalous condition written into VirtualMachine status on the mock API. */
class ForecastPublisherTest {
  private static final String NS = "fc";
  private MockApi api;
  private KubernetesClient client;
  private ForecastPublisher publisher;
  private RunningVm vm;

  @BeforeEach
  void start() {
    api = MockApi.start();
    client = api.client();
    VirtualMachine created = client.resource(TestVms.vm(NS, "web", "pool")).create();
    vm = new RunningVm(created.getMetadata().getUid(), NS, "web", "pool", "h1", "test:///default");
    Clock clock = Clock.systemUTC();
    publisher =
        new ForecastPublisher(
            client, new ConditionWriter(clock), new EventRecorder(client, clock), clock);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private VmForecast forecast(double cpu, String anomaly) {
    return new VmForecast(
        vm,
        Duration.ofMinutes(5),
        new Prediction(cpu, "model", "3", 2.5, cpu - 3, cpu + 1.5),
        new Prediction(50, "EWMA 10 min", "3", 1.0, 48.0, 52.5),
        new Prediction(60, "model", "3", 4.0, 50.0, 70.0), // 1 MB/s, within 100 kB/s - 10 MB/s
        null, // no disk reading yet
        2_000_000_000L,
        anomaly);
  }

  private VirtualMachine current() {
    return client.resources(VirtualMachine.class).inNamespace(NS).withName("web").get();
  }

  private Optional<Condition> anomalous() {
    return ConditionWriter.find(current().getStatus().conditions, ForecastPublisher.ANOMALOUS);
  }

  private List<String> eventReasons() {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }

  @Test
  void writesTheForecastWithItsPredictorAndError() {
    publisher.publish(List.of(forecast(41.66, null)));
    var f = current().getStatus().forecast;
    assertThat(f.cpuPercent).containsExactly(41.7);
    assertThat(f.memoryBytes).containsExactly(1_000_000_000L);
    assertThat(f.horizonSeconds).isEqualTo(300);
    assertThat(f.predictor).isEqualTo("model");
    assertThat(f.modelVersion).isEqualTo("3");
    assertThat(f.cpuErrorPercent).isEqualTo(2.5);
    assertThat(f.cpuPercentP10).containsExactly(38.7);
    assertThat(f.cpuPercentP90).containsExactly(43.2);
    assertThat(f.memoryBytesP10).containsExactly(960_000_000L);
    assertThat(f.memoryBytesP90).containsExactly(1_050_000_000L);
    assertThat(f.networkBytesPerSecond).containsExactly(999_999L);
    assertThat(f.networkBytesPerSecondP10).containsExactly(99_999L);
    assertThat(f.networkBytesPerSecondP90).containsExactly(9_999_999L);
    assertThat(f.diskBytesPerSecond).isEmpty();
    assertThat(anomalous()).isEmpty();
  }

  @Test
  void smallChangesAreNotWrittenAgain() {
    publisher.publish(List.of(forecast(40, null)));
    String version = current().getMetadata().getResourceVersion();
    publisher.publish(List.of(forecast(43, null)));
    assertThat(current().getMetadata().getResourceVersion()).isEqualTo(version);
    publisher.publish(List.of(forecast(46, null)));
    assertThat(current().getStatus().forecast.cpuPercent).containsExactly(46.0);
  }

  @Test
  void anomalyRaisesTheConditionWithAWarningAndClearsWithANormalEvent() {
    publisher.publish(List.of(forecast(40, null)));
    publisher.publish(List.of(forecast(40, "CPU 95.0 % against a forecast of 40.0 %")));
    assertThat(anomalous())
        .hasValueSatisfying(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getMessage()).contains("CPU 95.0 % against a forecast of 40.0 %");
            });
    assertThat(eventReasons()).contains(ForecastPublisher.ANOMALOUS);

    publisher.publish(List.of(forecast(40, null)));
    assertThat(anomalous()).hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));
    assertThat(eventReasons()).contains("BehavingAsForecast");
  }

  @Test
  void aVmThatIsGoneIsSkippedWithoutFailingTheOthers() {
    RunningVm gone = new RunningVm("0-0", NS, "gone", "pool", "h1", "test:///default");
    VmForecast lost =
        new VmForecast(
            gone,
            Duration.ofMinutes(5),
            new Prediction(10, "last value", null, null, null, null),
            null,
            null,
            null,
            null,
            null);
    publisher.publish(List.of(lost, forecast(30, null)));
    assertThat(current().getStatus().forecast.cpuPercent).containsExactly(30.0);
  }
}
