package io.novacron.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.novacron.crds.common.TolerantSerialization;
import io.novacron.operator.admission.PolicyGate;
import io.novacron.operator.api.ApiServer;
import io.novacron.operator.config.OperatorConfig;
import io.novacron.operator.domain.DomainSettings;
import io.novacron.operator.domain.DomainXmlRenderer;
import io.novacron.operator.forecast.DjlSetup;
import io.novacron.operator.forecast.ForecastPublisher;
import io.novacron.operator.forecast.ForecastService;
import io.novacron.operator.forecast.Forecaster;
import io.novacron.operator.forecast.MlpForecaster;
import io.novacron.operator.forecast.ModelTrainer;
import io.novacron.operator.history.MetricHistory;
import io.novacron.operator.history.Retention;
import io.novacron.operator.kube.ConditionWriter;
import io.novacron.operator.kube.EventRecorder;
import io.novacron.operator.libvirt.HostConnections;
import io.novacron.operator.metrics.CollectedSamples;
import io.novacron.operator.metrics.Collector;
import io.novacron.operator.metrics.KnownHosts;
import io.novacron.operator.metrics.RunningVms;
import io.novacron.operator.metrics.UsagePublisher;
import io.novacron.operator.migration.MigrationHistory;
import io.novacron.operator.migration.MigrationJobs;
import io.novacron.operator.migration.MigrationReconciler;
import io.novacron.operator.migration.MigrationSettings;
import io.novacron.operator.nodepool.NodePoolReconciler;
import io.novacron.operator.placement.PlacementLedger;
import io.novacron.operator.store.LazyDatabase;
import io.novacron.operator.store.MetricStoreHealth;
import io.novacron.operator.store.PartitionMaintainer;
import io.novacron.operator.store.RollupRetention;
import io.novacron.operator.store.SampleWriter;
import io.novacron.operator.vm.DomainLifecycle;
import io.novacron.operator.vm.VirtualMachineReconciler;
import io.novacron.operator.vm.VmPlacement;
import io.novacron.operator.vm.VmStatusRecorder;
import io.novacron.policy.AdmissionRules;
import io.novacron.policy.InformerClusterView;
import io.novacron.policy.PolicySource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The operator process: wires the reconcilers to the Kubernetes API and the libvirt hosts. */
public final class NovaCronOperator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NovaCronOperator.class);
  private static final int PARTITION_DAYS_AHEAD = 3;
  private static final int SAMPLE_BATCH = 50_000;

  /** VMs whose history one training run reads: enough variety, bounded work. */
  private static final int FORECAST_TRAINING_VMS = 500;

  private final Operator operator;
  private final HostConnections hosts;
  private final ExecutorService probeExecutor;
  private final Collector collector;
  private final LazyDatabase database;
  private final SampleWriter sampleWriter;
  private final ForecastService forecasts;
  private final PrometheusMeterRegistry meters;
  private final ApiServer api;
  private final MigrationJobs migrationJobs = new MigrationJobs();
  private final MigrationHistory migrationHistory;
  private final InformerClusterView clusterView;
  private final String httpHost;
  private final int httpPort;
  private int boundPort;

  private NovaCronOperator(KubernetesClient client, OperatorConfig config) {
    Clock clock = Clock.systemUTC();
    this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.hosts =
        new HostConnections(
            config.get(OperatorConfig.LIBVIRT_CALL_TIMEOUT),
            config.get(OperatorConfig.RECONNECT_BACKOFF_MAX),
            clock);
    this.probeExecutor = Executors.newCachedThreadPool(DaemonThreads.named("host-probe"));
    Set<String> namespaces = config.get(OperatorConfig.NAMESPACES);
    ConditionWriter conditions = new ConditionWriter(clock);
    EventRecorder events = new EventRecorder(client, clock);
    VmStatusRecorder vmRecorder = new VmStatusRecorder(conditions, events);
    DomainXmlRenderer renderer =
        new DomainXmlRenderer(
            new DomainSettings(
                config.get(OperatorConfig.DOMAIN_TYPE),
                config.get(OperatorConfig.CONSOLE_LOG_DIR)));

    this.database = new LazyDatabase(config.databaseSettings());
    this.migrationHistory = new MigrationHistory(database);
    int queueCapacity = config.get(OperatorConfig.SAMPLE_QUEUE_CAPACITY);
    this.sampleWriter =
        new SampleWriter(
            database,
            new PartitionMaintainer(
                (int) Math.max(1, config.get(OperatorConfig.RAW_RETENTION).toDays()),
                PARTITION_DAYS_AHEAD),
            new RollupRetention(
                config.get(OperatorConfig.ROLLUP_1M_RETENTION),
                config.get(OperatorConfig.ROLLUP_1H_RETENTION)),
            queueCapacity,
            SAMPLE_BATCH,
            config.get(OperatorConfig.SAMPLE_WRITERS),
            rollupCloseDelay(config.get(OperatorConfig.SAMPLE_INTERVAL)),
            clock,
            meters);
    Forecaster forecaster =
        new Forecaster(
            config.get(OperatorConfig.SAMPLE_INTERVAL),
            config.get(OperatorConfig.FORECAST_HORIZON),
            clock);
    this.forecasts = createForecastService(client, config, forecaster, clock);
    RunningVms running = new RunningVms();
    KnownHosts knownHosts =
        new KnownHosts(config.get(OperatorConfig.POOL_POLL_INTERVAL).multipliedBy(3), clock);
    this.collector =
        new Collector(
            hosts,
            running,
            knownHosts,
            List.of(
                new UsagePublisher(client, config.get(OperatorConfig.USAGE_REFRESH)),
                sampleWriter,
                forecaster,
                new CollectedSamples(meters)),
            config.get(OperatorConfig.SAMPLE_INTERVAL),
            clock,
            probeExecutor);

    this.api = createApi(config, queueCapacity, clock);
    this.httpHost = config.get(OperatorConfig.HTTP_HOST);
    this.httpPort = config.get(OperatorConfig.HTTP_PORT);
    String policyFile = config.get(OperatorConfig.POLICY_FILE);
    this.clusterView = new InformerClusterView(client);
    PolicyGate policy =
        new PolicyGate(
            new AdmissionRules(new PolicySource(policyFile.isBlank() ? null : Path.of(policyFile))),
            clusterView);
    this.operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withConcurrentReconciliationThreads(
                        config.get(OperatorConfig.RECONCILE_THREADS))
                    // Plain patches: the status subresource is ours alone, and this keeps the
                    // operator working against API servers (and test servers) without SSA.
                    .withUseSSAToPatchPrimaryResource(false)
                    .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(meters))
                    .withSSABasedCreateUpdateMatchForDependentResources(false));
    operator.register(
        new NodePoolReconciler(
            hosts,
            conditions,
            events,
            probeExecutor,
            namespaces,
            config.get(OperatorConfig.POOL_POLL_INTERVAL),
            knownHosts,
            clock,
            meters,
            policy,
            settleAfterMove(config)));
    VmPlacement placement = new VmPlacement(hosts, new PlacementLedger());
    operator.register(
        new VirtualMachineReconciler(
            hosts,
            placement,
            new DomainLifecycle(
                renderer, vmRecorder, config.get(OperatorConfig.SHUTDOWN_GRACE_PERIOD), clock),
            vmRecorder,
            running,
            policy,
            config.get(OperatorConfig.VM_POLL_INTERVAL),
            config.get(OperatorConfig.START_RETRY_INTERVAL)),
        c -> {
          if (!namespaces.isEmpty()) {
            c.settingNamespaces(namespaces);
          }
        });
    operator.register(
        migrationReconciler(config, placement, policy, conditions, events, clock),
        c -> {
          if (!namespaces.isEmpty()) {
            c.settingNamespaces(namespaces);
          }
        });
  }

  private MigrationReconciler migrationReconciler(
      OperatorConfig config,
      VmPlacement placement,
      PolicyGate policy,
      ConditionWriter conditions,
      EventRecorder events,
      Clock clock) {
    return new MigrationReconciler(
        placement,
        migrationJobs,
        new MigrationSettings(
            hosts,
            conditions,
            events,
            config.get(OperatorConfig.MIGRATION_TIMEOUT_PER_GIB),
            config.get(OperatorConfig.MIGRATION_PROGRESS_TIMEOUT),
            config.get(OperatorConfig.MIGRATION_PROGRESS_INTERVAL),
            config.get(OperatorConfig.SHUTDOWN_GRACE_PERIOD)),
        migrationHistory,
        policy,
        clock);
  }

  /**
   * A pool's next automatic move waits this long after the last one ended: time for the moved VM to
   * be sampled twice on its new host and forecast from those samples, three times over for a slow
   * host or a delayed status write.
   */
  private static Duration settleAfterMove(OperatorConfig config) {
    return config
        .get(OperatorConfig.SAMPLE_INTERVAL)
        .plus(config.get(OperatorConfig.FORECAST_INTERVAL))
        .multipliedBy(3);
  }

  /** A minute's rollup waits for the samples of two more intervals (a slow host's included). */
  private static Duration rollupCloseDelay(Duration sampleInterval) {
    return sampleInterval.multipliedBy(2).plusSeconds(5);
  }

  private ForecastService createForecastService(
      KubernetesClient client, OperatorConfig config, Forecaster forecaster, Clock clock) {
    Duration step = config.get(OperatorConfig.SAMPLE_INTERVAL);
    Duration horizon = config.get(OperatorConfig.FORECAST_HORIZON);
    if (horizon.compareTo(step) < 0) {
      throw new IllegalArgumentException(
          "NOVACRON_FORECAST_HORIZON ("
              + horizon
              + ") must be at least NOVACRON_SAMPLE_INTERVAL ("
              + step
              + ")");
    }
    for (var option :
        List.of(OperatorConfig.FORECAST_INTERVAL, OperatorConfig.FORECAST_RETRAIN_INTERVAL)) {
      if (config.get(option).isZero()) {
        throw new IllegalArgumentException(option.key() + " must be longer than zero");
      }
    }
    DjlSetup.configure(Path.of(config.get(OperatorConfig.DATA_DIR)).resolve("djl"));
    return new ForecastService(
        database,
        forecaster,
        new ModelTrainer(
            step,
            horizon,
            config.get(OperatorConfig.FORECAST_HISTORY),
            FORECAST_TRAINING_VMS,
            MlpForecaster.Plan.standard(),
            ModelTrainer.RowLimits.operator()),
        new ForecastPublisher(
            client, new ConditionWriter(clock), new EventRecorder(client, clock), clock),
        horizon,
        config.get(OperatorConfig.FORECAST_INTERVAL),
        config.get(OperatorConfig.FORECAST_RETRAIN_INTERVAL),
        clock,
        meters);
  }

  private ApiServer createApi(OperatorConfig config, int queueCapacity, Clock clock) {
    return new ApiServer(
        new MetricHistory(
            database,
            new Retention(
                config.get(OperatorConfig.RAW_RETENTION),
                config.get(OperatorConfig.ROLLUP_1M_RETENTION),
                config.get(OperatorConfig.ROLLUP_1H_RETENTION))),
        new MetricStoreHealth(sampleWriter, database, queueCapacity),
        meters,
        config.get(OperatorConfig.SAMPLE_INTERVAL),
        clock);
  }

  /**
   * Starts the operator against {@code client}, which must read resources with {@link
   * TolerantSerialization} (or one object of a newer CRD would stop the operator); close it to
   * stop.
   */
  public static NovaCronOperator start(KubernetesClient client, OperatorConfig config) {
    if (!(client.getKubernetesSerialization() instanceof TolerantSerialization)) {
      throw new IllegalArgumentException(
          "the operator's Kubernetes client must be built with"
              + " withKubernetesSerialization(new TolerantSerialization())");
    }
    NovaCronOperator op = new NovaCronOperator(client, config);
    try {
      op.operator.start();
      op.sampleWriter.start();
      op.collector.start();
      op.forecasts.start();
      op.boundPort = op.api.start(op.httpHost, op.httpPort);
    } catch (RuntimeException e) {
      // what did start (the writers' threads, the embedded PostgreSQL they open) must not outlive
      // a start the caller cannot close
      op.close();
      throw e;
    }
    log.info("NovaCron operator started");
    return op;
  }

  @Override
  public void close() {
    api.close();
    clusterView.close();
    forecasts.close();
    collector.close();
    operator.stop();
    migrationJobs.close();
    migrationHistory.close();
    sampleWriter.close();
    database.close();
    probeExecutor.shutdownNow();
    hosts.close();
    log.info("NovaCron operator stopped");
  }

  /** The port the HTTP API listens on. */
  public int httpPort() {
    return boundPort;
  }

  /** Samples written to the metric history so far. */
  public long samplesWritten() {
    return sampleWriter.written();
  }

  /** Each cause in turn, so the line names what failed (a connection refused, a port in use). */
  private static String causes(Throwable e) {
    List<String> causes = new ArrayList<>();
    for (Throwable c = e; c != null && causes.size() < 5; c = c.getCause()) {
      causes.add(
          c.getClass().getSimpleName()
              + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")"));
    }
    return String.join(" <- ", causes);
  }

  public static void main(String[] args) {
    OperatorConfig config = OperatorConfig.fromEnvironment();
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withKubernetesSerialization(new TolerantSerialization())
            .build();
    NovaCronOperator op;
    try {
      op = start(client, config);
    } catch (RuntimeException e) {
      log.error(
          "NovaCron operator could not start: {} (Kubernetes API at {})",
          causes(e),
          client.getMasterUrl(),
          e);
      client.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  op.close();
                  client.close();
                },
                "novacron-shutdown"));
  }
}
