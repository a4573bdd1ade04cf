package io.novacron.crds.nodepool;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A set of KVM hosts (or KubeVirt nodes) that VirtualMachines are placed on. Cluster-scoped. */
@Group("novacron.io")
@Version("v1alpha1")
@ShortNames({"npool", "npools"})
@Categories("novacron")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.hostsReady")
@AdditionalPrinterColumn(name = "Automation", jsonPath = ".spec.rebalancing.automation")
@AdditionalPrinterColumn(
    name = "VMs",
    jsonPath = ".status.vmCount",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Backend", jsonPath = ".spec.backend", priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class NodePool extends CustomResource<NodePoolSpec, NodePoolStatus> {}
