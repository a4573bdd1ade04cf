package io.novacron.operator.forecast;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineStatus;
import io.novacron.operator.forecast.Forecaster.VmForecast;
import io.novacron.operator.kube.ConditionWriter;
import io.novacron.operator.kube.EventRecorder;
import io.novacron.operator.kube.VmStatusEdit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each VM's forecast into its status at a bounded rate: when the CPU forecast moved by 5
 * points, the predictor changed, or the last write is older than 5 minutes. When the VM's CPU
 * starts or stops deviating from its forecasts ({@link AnomalyDetector}) it also sets the {@code
 * Anomalous} condition and records an Event (Warning when raised, Normal when cleared).
 */
public final class ForecastPublisher {
  static final double CPU_POINTS = 5.0;
  static final Duration REFRESH = Duration.ofMinutes(5);
  private static final Logger log = LoggerFactory.getLogger(ForecastPublisher.class);

  public static final String ANOMALOUS = "Anomalous";

  private final KubernetesClient client;
  private final ConditionWriter conditions;
  private final EventRecorder events;
  private final Clock clock;
  private final Map<String, Written> lastWritten = new ConcurrentHashMap<>();

  private record Written(double cpu, String predictor, Instant at, boolean anomalous) {}

  public ForecastPublisher(
      KubernetesClient client, ConditionWriter conditions, EventRecorder events, Clock clock) {
    this.client = client;
    this.conditions = conditions;
    this.events = events;
    this.clock = clock;
  }

  public void publish(List<VmForecast> forecasts) {
    Instant now = clock.instant();
    for (VmForecast f : forecasts) {
      Written last = lastWritten.get(f.vm().uid());
      boolean anomalous = f.anomaly() != null;
      boolean anomalyChanged = last == null ? anomalous : last.anomalous() != anomalous;
      if (!anomalyChanged
          && last != null
          && Math.abs(last.cpu() - f.cpu().percent()) < CPU_POINTS
          && Objects.equals(last.predictor(), f.cpu().predictor())
          && now.isBefore(last.at().plus(REFRESH))) {
        continue;
      }
      try {
        VirtualMachine written =
            VmStatusEdit.apply(
                client,
                f.vm().namespace(),
                f.vm().name(),
                current -> {
                  current.getStatus().forecast = status(f, now);
                  if (anomalyChanged) {
                    setAnomalous(current, f.anomaly());
                  }
                });
        if (anomalyChanged) {
          if (anomalous) {
            events.warning(written, ANOMALOUS, f.anomaly());
          } else {
            events.normal(written, "BehavingAsForecast", "CPU follows its forecast again");
          }
        }
        lastWritten.put(
            f.vm().uid(), new Written(f.cpu().percent(), f.cpu().predictor(), now, anomalous));
      } catch (KubernetesClientException e) {
        log.warn(
            "Could not write the forecast of {}/{}: {}",
            f.vm().namespace(),
            f.vm().name(),
            e.getMessage());
      }
    }
    Set<String> current = forecasts.stream().map(f -> f.vm().uid()).collect(Collectors.toSet());
    lastWritten.keySet().retainAll(current);
  }

  private void setAnomalous(VirtualMachine vm, String anomaly) {
    conditions.set(
        vm.getStatus().conditions,
        ANOMALOUS,
        anomaly != null,
        anomaly != null ? "DeviatesFromForecast" : "FollowsForecast",
        anomaly != null
            ? "CPU has stayed outside its forecast's band for "
                + AnomalyDetector.SUSTAINED
                + " checks in a row; latest: "
                + anomaly
            : "CPU is back within its forecast's band",
        vm.getMetadata().getGeneration());
  }

  static VirtualMachineStatus.Forecast status(VmForecast f, Instant now) {
    VirtualMachineStatus.Forecast out = new VirtualMachineStatus.Forecast();
    out.cpuPercent.add(round(f.cpu().percent()));
    if (f.cpu().lowPercent() != null) {
      out.cpuPercentP10.add(round(f.cpu().lowPercent()));
      out.cpuPercentP90.add(round(f.cpu().highPercent()));
    }
    if (f.memory() != null && f.memoryAvailable() != null) {
      out.memoryBytes.add(bytes(f.memory().percent(), f.memoryAvailable()));
      if (f.memory().lowPercent() != null) {
        out.memoryBytesP10.add(bytes(f.memory().lowPercent(), f.memoryAvailable()));
        out.memoryBytesP90.add(bytes(f.memory().highPercent(), f.memoryAvailable()));
      }
    }
    throughput(
        f.network(),
        out.networkBytesPerSecond,
        out.networkBytesPerSecondP10,
        out.networkBytesPerSecondP90);
    throughput(
        f.disk(), out.diskBytesPerSecond, out.diskBytesPerSecondP10, out.diskBytesPerSecondP90);
    out.horizonSeconds = f.horizon().toSeconds();
    out.stepSeconds = f.horizon().toSeconds();
    out.predictor = f.cpu().predictor();
    out.modelVersion = f.cpu().modelVersion();
    out.cpuErrorPercent = f.cpu().expectedErrorPercent();
    out.generatedAt = now.toString();
    return out;
  }

  /** Throughput forecast and its interval, in bytes per second (see {@link Resource}). */
  private static void throughput(
      Forecaster.Prediction p, List<Long> value, List<Long> low, List<Long> high) {
    if (p == null) {
      return;
    }
    value.add(Math.round(Resource.bytesPerSecond(p.percent())));
    if (p.lowPercent() != null) {
      low.add(Math.round(Resource.bytesPerSecond(p.lowPercent())));
      high.add(Math.round(Resource.bytesPerSecond(p.highPercent())));
    }
  }

  private static long bytes(double percent, long available) {
    return Math.round(percent / 100 * available);
  }

  private static double round(double percent) {
    return Math.round(percent * 10) / 10.0;
  }
}
