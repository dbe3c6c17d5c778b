package dev.berth.kind;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs a pod through its whole life on a kind cluster whose nodes use Berth as
 * their container runtime, observing it only through the Kubernetes API as a
 * user would: scheduled, image pulled, run to completion, log readable,
 * deleted.
 *
 * <p>Runs only when {@code BERTH_KIND_KUBECONFIG} names the cluster's
 * kubeconfig; see {@code manifests/kind/}. The test image defaults to
 * {@code busybox:1.36} and can be changed with {@code BERTH_KIND_IMAGE}, for
 * clusters that pull from a local registry.
 */
class PodLifecycleKindIT {

  private static final String KUBECONFIG_ENV = "BERTH_KIND_KUBECONFIG";
  private static final String IMAGE_ENV = "BERTH_KIND_IMAGE";
  private static final long POD_DEADLINE_MINUTES = 3;
  private static final long NAMESPACE_DEADLINE_MINUTES = 2;

  private KubernetesClient client;
  private String namespace;

  @BeforeEach
  void connect() throws IOException {
    String kubeconfig = System.getenv(KUBECONFIG_ENV);
    Assumptions.assumeTrue(kubeconfig != null && !kubeconfig.isBlank(),
        KUBECONFIG_ENV + " is not set: these tests need a kind cluster whose nodes run Berth"
            + " (manifests/kind/); set it to that cluster's kubeconfig file to run them");
    Path file = Path.of(kubeconfig);
    // Set but wrong is a broken test setup, not a reason to skip quietly.
    assertThat(file).as("%s=%s must name a readable kubeconfig file", KUBECONFIG_ENV, kubeconfig)
        .isRegularFile().isReadable();

    client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(file)))
        .build();
    namespace = "berth-e2e-" + UUID.randomUUID().toString().substring(0, 8);
    client.namespaces().resource(new NamespaceBuilder()
        .withNewMetadata().withName(namespace).endMetadata()
        .build()).create();
    // Pod admission rejects pods until the namespace's default service account exists.
    client.serviceAccounts().inNamespace(namespace).withName("default")
        .waitUntilCondition(sa -> sa != null, NAMESPACE_DEADLINE_MINUTES, TimeUnit.MINUTES);
  }

  @AfterEach
  void deleteNamespace() {
    if (client == null) {
      return;
    }
    try {
      if (namespace != null) {
        client.namespaces().withName(namespace).delete();
        // Deletion is finished only when the namespace itself is gone: its pods
        // (and Berth's sandboxes for them) are removed first.
        Namespace gone = client.namespaces().withName(namespace)
            .waitUntilCondition(ns -> ns == null, NAMESPACE_DEADLINE_MINUTES, TimeUnit.MINUTES);
        assertThat(gone).as("namespace %s after deletion", namespace).isNull();
      }
    } finally {
      client.close();
    }
  }

  @Test
  void pod_echoesAndExits_succeedsWithItsOutputInTheLog() {
    String marker = "berth-kind-" + UUID.randomUUID();
    String image = System.getenv().getOrDefault(IMAGE_ENV, "busybox:1.36");
    Pod pod = new PodBuilder()
        .withNewMetadata().withName("echo").endMetadata()
        .withNewSpec()
          .withRestartPolicy("Never")
          .addNewContainer()
            .withName("echo")
            .withImage(image)
            .withImagePullPolicy("IfNotPresent")
            .withCommand("sh", "-c", "echo " + marker)
          .endContainer()
        .endSpec()
        .build();

    client.pods().inNamespace(namespace).resource(pod).create();
    Pod finished = client.pods().inNamespace(namespace).withName("echo")
        .waitUntilCondition(p -> p != null && p.getStatus() != null
                && ("Succeeded".equals(p.getStatus().getPhase()) || "Failed".equals(p.getStatus().getPhase())),
            POD_DEADLINE_MINUTES, TimeUnit.MINUTES);

    assertThat(finished.getStatus().getPhase())
        .as("phase of pod echo; container statuses: %s", finished.getStatus().getContainerStatuses())
        .isEqualTo("Succeeded");
    assertThat(finished.getStatus().getContainerStatuses())
        .singleElement()
        .satisfies(s -> assertThat(s.getState().getTerminated().getExitCode()).isZero());
    assertThat(client.pods().inNamespace(namespace).withName("echo").getLog())
        .contains(marker);
  }
}
