package io.novacron.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.novacron.operator.config.OperatorConfig;
import io.novacron.operator.domain.DomainSettings;
import io.novacron.operator.domain.DomainXmlRenderer;
import io.novacron.operator.kube.ConditionWriter;
import io.novacron.operator.kube.EventRecorder;
import io.novacron.operator.libvirt.HostConnections;
import io.novacron.operator.metrics.Collector;
import io.novacron.operator.metrics.RunningVms;
import io.novacron.operator.metrics.UsagePublisher;
import io.novacron.operator.nodepool.NodePoolReconciler;
import io.novacron.operator.placement.PlacementLedger;
import io.novacron.operator.store.LazyDatabase;
import io.novacron.operator.store.PartitionMaintainer;
import io.novacron.operator.store.RollupRetention;
import io.novacron.operator.store.SampleWriter;
import io.novacron.operator.vm.DomainLifecycle;
import io.novacron.operator.vm.VirtualMachineReconciler;
import io.novacron.operator.vm.VmPlacement;
import io.novacron.operator.vm.VmStatusRecorder;
import java.time.Clock;
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
  private static final int SAMPLE_BATCH = 10_000;

  private final Operator operator;
  private final HostConnections hosts;
  private final ExecutorService probeExecutor;
  private final Collector collector;
  private final LazyDatabase database;
  private final SampleWriter sampleWriter;

  private NovaCronOperator(KubernetesClient client, OperatorConfig config) {
    Clock clock = Clock.systemUTC();
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
    this.sampleWriter =
        new SampleWriter(
            database,
            new PartitionMaintainer(
                (int) Math.max(1, config.get(OperatorConfig.RAW_RETENTION).toDays()),
                PARTITION_DAYS_AHEAD),
            new RollupRetention(
                config.get(OperatorConfig.ROLLUP_1M_RETENTION),
                config.get(OperatorConfig.ROLLUP_1H_RETENTION)),
            config.get(OperatorConfig.SAMPLE_QUEUE_CAPACITY),
            SAMPLE_BATCH,
            clock);
    RunningVms running = new RunningVms();
    this.collector =
        new Collector(
            hosts,
            running,
            List.of(
                new UsagePublisher(client, config.get(OperatorConfig.USAGE_REFRESH)),
                (vm, sample) -> sampleWriter.offer(sample)),
            config.get(OperatorConfig.SAMPLE_INTERVAL),
            clock,
            probeExecutor);

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
                    .withSSABasedCreateUpdateMatchForDependentResources(false));
    operator.register(
        new NodePoolReconciler(
            hosts,
            conditions,
            events,
            probeExecutor,
            namespaces,
            config.get(OperatorConfig.POOL_POLL_INTERVAL)));
    operator.register(
        new VirtualMachineReconciler(
            hosts,
            new VmPlacement(hosts, new PlacementLedger()),
            new DomainLifecycle(
                renderer, vmRecorder, config.get(OperatorConfig.SHUTDOWN_GRACE_PERIOD), clock),
            vmRecorder,
            running,
            config.get(OperatorConfig.VM_POLL_INTERVAL),
            config.get(OperatorConfig.START_RETRY_INTERVAL)),
        c -> {
          if (!namespaces.isEmpty()) {
            c.settingNamespaces(namespaces);
          }
        });
  }

  /** Starts the operator against {@code client}; close it to stop. */
  public static NovaCronOperator start(KubernetesClient client, OperatorConfig config) {
    NovaCronOperator op = new NovaCronOperator(client, config);
    op.operator.start();
    op.sampleWriter.start();
    op.collector.start();
    log.info("NovaCron operator started");
    return op;
  }

  @Override
  public void close() {
    collector.close();
    operator.stop();
    sampleWriter.close();
    database.close();
    probeExecutor.shutdownNow();
    hosts.close();
    log.info("NovaCron operator stopped");
  }

  /** Samples written to the metric history so far. */
  public long samplesWritten() {
    return sampleWriter.written();
  }

  public static void main(String[] args) {
    OperatorConfig config = OperatorConfig.fromEnvironment();
    KubernetesClient client = new KubernetesClientBuilder().build();
    NovaCronOperator op = start(client, config);
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
