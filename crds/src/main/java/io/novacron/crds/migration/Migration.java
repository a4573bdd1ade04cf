package io.novacron.crds.migration;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One move of a VirtualMachine to another host. Deleting a running Migration cancels it. */
@Group("novacron.io")
@Version("v1alpha1")
@ShortNames({"nmig", "nmigs"})
@Categories("novacron")
@AdditionalPrinterColumn(name = "VM", jsonPath = ".spec.vmName")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Source", jsonPath = ".status.sourceHost", priority = 1)
@AdditionalPrinterColumn(name = "Target", jsonPath = ".status.targetHost")
@AdditionalPrinterColumn(
    name = "Progress",
    jsonPath = ".status.progress.percent",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Downtime(ms)",
    jsonPath = ".status.downtimeMillis",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class Migration extends CustomResource<MigrationSpec, MigrationStatus>
    implements Namespaced {}
