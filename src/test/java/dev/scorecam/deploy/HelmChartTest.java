package dev.scorecam.deploy;

import static dev.scorecam.deploy.Yamls.at;
import static dev.scorecam.deploy.Yamls.list;
import static dev.scorecam.deploy.Yamls.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

import org.junit.jupiter.api.Test;

/**
 * The Helm chart, linted and rendered by real Helm (helm-java runs it in-process, no cluster):
 * what a pod needs to start, stay healthy and be scheduled on a GPU node.
 */
class HelmChartTest {

    static final Path CHART = Path.of("helm/scorecam-server");
    static final Path GPU_POOL_VALUES = Path.of("helm/examples/values-gpu-node-pool.yaml");

    private final Helm helm = new Helm(CHART);

    private RenderedChart render(String... keyValues) {
        return RenderedChart.of(template(keyValues).call());
    }

    private TemplateCommand template(String... keyValues) {
        TemplateCommand command = helm.template().withName("demo").withNamespace("ml").withKubeVersion("1.30.0");
        for (int i = 0; i < keyValues.length; i += 2) {
            command = command.set(keyValues[i], keyValues[i + 1]);
        }
        return command;
    }

    @Test
    void lintsInStrictMode() {
        LintResult lint = helm.lint().strict().call();

        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void defaultsRenderOneCpuReplicaWithoutOptionalObjects() {
        RenderedChart chart = render();

        assertThat(chart.manifests()).extracting(m -> m.get("kind"))
                .containsExactlyInAnyOrder("ServiceAccount", "ConfigMap", "Service", "Deployment");
        assertThat(at(chart.only("Deployment"), "spec.replicas")).isEqualTo(1);
        assertThat(chart.server().get("image")).isEqualTo("scorecam-server:0.1.0");
        assertThat(at(chart.server(), "resources.limits")).isEqualTo(Map.of("memory", "4Gi"));
        assertThat(chart.podSpec()).doesNotContainKeys("nodeSelector", "tolerations", "initContainers");
    }

    @Test
    void probesUseTheActuatorHealthGroupsWithAGenerousStartupProbe() {
        Map<String, Object> server = render().server();

        assertThat(at(server, "livenessProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
        assertThat(at(server, "readinessProbe.httpGet.path")).isEqualTo("/actuator/health/readiness");
        assertThat(at(server, "startupProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
        int startupSeconds = (int) at(server, "startupProbe.periodSeconds")
                * (int) at(server, "startupProbe.failureThreshold");
        assertThat(startupSeconds).as("time allowed for model loading and warm-up").isGreaterThanOrEqualTo(300);
        // The probes ask the management port, which clients never reach (docs/security.md).
        assertThat(at(server, "livenessProbe.httpGet.port")).isEqualTo("management");
        assertThat(at(server, "readinessProbe.httpGet.port")).isEqualTo("management");
        assertThat(at(server, "startupProbe.httpGet.port")).isEqualTo("management");
        assertThat(list(server.get("ports"))).map(Yamls::map).satisfiesExactly(
                port -> assertThat(port).containsEntry("containerPort", 8080).containsEntry("name", "http"),
                port -> assertThat(port).containsEntry("containerPort", 8081).containsEntry("name", "management"));
        assertThat(list(server.get("env"))).map(Yamls::map)
                .contains(Map.of("name", "MANAGEMENT_SERVER_PORT", "value", "8081"));
    }

    @Test
    void runsAsNonRootOnAReadOnlyRootFilesystemWithWritableScratch() {
        RenderedChart chart = render();
        Map<String, Object> server = chart.server();

        assertThat(at(chart.podSpec(), "securityContext.runAsNonRoot")).isEqualTo(true);
        assertThat(at(chart.podSpec(), "securityContext.runAsUser")).isEqualTo(10001);
        assertThat(at(server, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(at(server, "securityContext.allowPrivilegeEscalation")).isEqualTo(false);
        assertThat(list(at(server, "securityContext.capabilities.drop"))).containsExactly("ALL");

        Map<String, Object> tmpMount = mount(server, "tmp");
        assertThat(tmpMount.get("mountPath")).isEqualTo("/tmp");
        assertThat(tmpMount.get("readOnly")).as("scratch must be writable").isNotEqualTo(true);
        assertThat(at(volume(chart, "tmp"), "emptyDir.sizeLimit")).isEqualTo("1Gi");
        assertThat(mount(server, "config")).containsEntry("mountPath", "/etc/scorecam").containsEntry("readOnly", true);
    }

    @Test
    void configMapCarriesApplicationSettingsThatTheServerReads() {
        RenderedChart chart = render("config.scorecam.queue.capacity", "128", "config.scorecam.engine.threads", "4");

        Map<String, Object> settings = chart.applicationSettings();
        assertThat(at(settings, "scorecam.device")).isEqualTo("cpu");
        assertThat(at(settings, "scorecam.model-dirs")).isEqualTo(List.of());
        assertThat(at(settings, "scorecam.queue.capacity")).isEqualTo(128);
        assertThat(at(settings, "scorecam.engine.threads")).isEqualTo(4);
        assertThat(env(chart.server(), "SPRING_CONFIG_ADDITIONAL_LOCATION")).isEqualTo("file:/etc/scorecam/application.yaml");
        assertThat(env(chart.server(), "JAVA_TOOL_OPTIONS")).isEqualTo("-XX:MaxRAMPercentage=50");
        assertThat(at(chart.only("Deployment"), "spec.template.metadata.annotations"))
                .as("pods restart when the settings change").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsKey("checksum/config");
    }

    @Test
    void gpuAddsDeviceLimitsTheGpuImageAndLetsNodeSelectionBeSet() {
        RenderedChart chart = render("gpu.enabled", "true",
                "gpu.nodeSelector.cloud\\.google\\.com/gke-accelerator", "nvidia-l4");
        Map<String, Object> server = chart.server();

        assertThat(at(server, "resources.limits")).isEqualTo(Map.of("memory", "4Gi", "nvidia.com/gpu", 1));
        assertThat(server.get("image")).isEqualTo("scorecam-server:0.1.0-gpu");
        assertThat(chart.podSpec().get("nodeSelector")).isEqualTo(Map.of("cloud.google.com/gke-accelerator", "nvidia-l4"));
        assertThat(list(chart.podSpec().get("tolerations"))).containsExactly(
                Map.of("key", "nvidia.com/gpu", "operator", "Exists", "effect", "NoSchedule"));
        assertThat(at(chart.applicationSettings(), "scorecam.device")).isEqualTo("gpu");
    }

    @Test
    void severalGpusGetOneModelCopyEach() {
        RenderedChart chart = render("gpu.enabled", "true", "gpu.count", "2", "gpu.runtimeClassName", "nvidia");

        assertThat(at(chart.server(), "resources.limits.nvidia\\.com/gpu")).isNull(); // dotted key: read it directly
        assertThat(map(at(chart.server(), "resources.limits"))).containsEntry("nvidia.com/gpu", 2);
        assertThat(at(chart.applicationSettings(), "scorecam.device")).isEqualTo("gpu:0,gpu:1");
        assertThat(chart.podSpec().get("runtimeClassName")).isEqualTo("nvidia");
    }

    @Test
    void gpuNodePoolExampleValuesRender() {
        RenderedChart chart = RenderedChart.of(template().withValuesFile(GPU_POOL_VALUES).call());

        assertThat(map(at(chart.server(), "resources.limits"))).containsEntry("nvidia.com/gpu", 1);
        assertThat(map(chart.podSpec().get("nodeSelector"))).isNotEmpty();
        assertThat(list(chart.podSpec().get("tolerations"))).isNotEmpty();
        assertThat(chart.find("HorizontalPodAutoscaler")).isPresent();
        assertThat(chart.find("PodDisruptionBudget")).isPresent();
    }

    @Test
    void autoscalingRendersAnAutoscalingV2HpaOnCpuAndLeavesReplicasToIt() {
        RenderedChart chart = render("autoscaling.enabled", "true", "autoscaling.maxReplicas", "6");

        Map<String, Object> hpa = chart.only("HorizontalPodAutoscaler");
        assertThat(hpa.get("apiVersion")).isEqualTo("autoscaling/v2");
        assertThat(at(hpa, "spec.scaleTargetRef")).isEqualTo(
                Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", "demo-scorecam-server"));
        assertThat(at(hpa, "spec.minReplicas")).isEqualTo(1);
        assertThat(at(hpa, "spec.maxReplicas")).isEqualTo(6);
        Map<String, Object> metric = map(list(at(hpa, "spec.metrics")).get(0));
        assertThat(metric.get("type")).isEqualTo("Resource");
        assertThat(at(metric, "resource.name")).isEqualTo("cpu");
        assertThat(at(metric, "resource.target.averageUtilization")).isEqualTo(70);
        assertThat(map(at(chart.only("Deployment"), "spec"))).doesNotContainKey("replicas");
    }

    @Test
    void autoscalingOnQueueSizeUsesThePodsMetricFromPrometheusAdapter() {
        RenderedChart chart = render("autoscaling.enabled", "true", "autoscaling.queueSize.enabled", "true");

        Map<String, Object> metric = map(list(at(chart.only("HorizontalPodAutoscaler"), "spec.metrics")).get(0));
        assertThat(metric.get("type")).isEqualTo("Pods");
        assertThat(at(metric, "pods.metric.name")).isEqualTo("scorecam_queue_size");
        assertThat(at(metric, "pods.target")).isEqualTo(Map.of("type", "AverageValue", "averageValue", "4"));
    }

    @Test
    void serviceMonitorIsRenderedOnlyWhenEnabled() {
        assertThat(render().find("ServiceMonitor")).isEmpty();

        Map<String, Object> monitor = render("serviceMonitor.enabled", "true", "serviceMonitor.labels.release", "kube-prometheus")
                .only("ServiceMonitor");
        assertThat(monitor.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat(at(monitor, "metadata.labels.release")).isEqualTo("kube-prometheus");
        Map<String, Object> endpoint = map(list(at(monitor, "spec.endpoints")).get(0));
        assertThat(endpoint).containsEntry("port", "management").containsEntry("path", "/actuator/prometheus");
        assertThat(at(monitor, "spec.selector.matchLabels")).isEqualTo(Map.of(
                "app.kubernetes.io/name", "scorecam-server", "app.kubernetes.io/instance", "demo"));
    }

    /** API keys: the chart's own Secret of hashes, or an existing one, mounted as the keys file; none by default. */
    @Test
    void apiKeysComeFromASecretMountedAsTheKeysFile() {
        String hash = "c48a01f49fd0f2cc404bc3cbbc80e91457a3d41bb429a695243de4c61794155c";
        assertThat(render().find("Secret")).isEmpty();
        assertThat(render("security.apiKeys.demo", hash).find("Secret")).as("mode none: no keys").isEmpty();

        RenderedChart own = render("security.mode", "api-key", "security.apiKeys.demo", hash,
                "security.limits.requests", "60");
        assertThat(at(own.only("Secret"), "stringData.api-keys")).asString().contains("demo:" + hash);
        assertThat(list(own.server().get("env"))).map(Yamls::map).contains(
                Map.of("name", "SCORECAM_SECURITY_MODE", "value", "api-key"),
                Map.of("name", "SCORECAM_SECURITY_API_KEYS_FILE", "value", "/etc/scorecam-keys/api-keys"),
                Map.of("name", "SCORECAM_SECURITY_LIMITS_REQUESTS", "value", "60"));
        assertThat(mount(own.server(), "api-keys")).containsEntry("mountPath", "/etc/scorecam-keys");

        RenderedChart existing = render("security.mode", "api-key", "security.existingSecret", "my-keys");
        assertThat(existing.find("Secret")).isEmpty();
        assertThat(list(at(existing.podSpec(), "volumes")).stream().map(Yamls::map)
                .filter(v -> "api-keys".equals(v.get("name"))).findFirst().orElseThrow())
                .extracting(v -> at(v, "secret.secretName")).isEqualTo("my-keys");
    }

    @Test
    void podDisruptionBudgetOnlyWhenMoreThanOneReplicaRuns() {
        assertThat(render().find("PodDisruptionBudget")).isEmpty();
        assertThat(render("autoscaling.enabled", "true").find("PodDisruptionBudget")).as("minReplicas 1").isEmpty();

        Map<String, Object> pdb = render("replicaCount", "3").only("PodDisruptionBudget");
        assertThat(pdb.get("apiVersion")).isEqualTo("policy/v1");
        assertThat(at(pdb, "spec.maxUnavailable")).isEqualTo(1);
        assertThat(render("autoscaling.enabled", "true", "autoscaling.minReplicas", "2").find("PodDisruptionBudget"))
                .isPresent();
    }

    @Test
    void modelPackagesFromAnExistingClaimAreMountedReadOnly() {
        RenderedChart chart = render("models.existingClaim", "scorecam-models");

        assertThat(at(volume(chart, "models"), "persistentVolumeClaim"))
                .isEqualTo(Map.of("claimName", "scorecam-models", "readOnly", true));
        assertThat(mount(chart.server(), "models")).containsEntry("mountPath", "/models").containsEntry("readOnly", true);
        assertThat(at(chart.applicationSettings(), "scorecam.model-dirs")).isEqualTo(List.of("/models"));
    }

    @Test
    void modelPackagesFromAnImageAreCopiedByAnInitContainer() {
        RenderedChart chart = render("models.image.repository", "registry.example.com/my-models",
                "models.image.tag", "2024-06-01");

        Map<String, Object> init = map(list(chart.podSpec().get("initContainers")).get(0));
        assertThat(init.get("image")).isEqualTo("registry.example.com/my-models:2024-06-01");
        assertThat(String.join(" ", list(init.get("command")).stream().map(String::valueOf).toList()))
                .contains("cp -R /models/. /target/");
        assertThat(at(init, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(at(volume(chart, "models"), "emptyDir.sizeLimit")).isEqualTo("4Gi");
        assertThat(mount(chart.server(), "models")).containsEntry("mountPath", "/models").containsEntry("readOnly", true);
        assertThat(at(chart.applicationSettings(), "scorecam.model-dirs")).isEqualTo(List.of("/models"));
    }

    @Test
    void modelImageWithoutATagIsRefused() {
        assertThatThrownBy(() -> render("models.image.repository", "registry.example.com/my-models"))
                .hasMessageContaining("models.image.tag is required");
    }

    @Test
    void schemaRefusesUnknownValuesAndTheLatestTag() {
        assertThatThrownBy(() -> render("gpus.enabled", "true")).hasMessageContaining("gpus");
        assertThatThrownBy(() -> render("image.tag", "latest")).hasMessageContaining("/image/tag");
        assertThatThrownBy(() -> render("gpu.count", "0")).hasMessageContaining("/gpu/count");
    }

    @Test
    void connectionTestIsAHelmTestHookThatCallsReadinessThroughTheService() throws Exception {
        // helm-java's template leaves hooks out, so the test pod is read as written.
        String pod = java.nio.file.Files.readString(CHART.resolve("templates/tests/test-connection.yaml"));

        assertThat(pod).contains("\"helm.sh/hook\": test")
                .contains("http://{{ include \"scorecam-server.fullname\" . }}:{{ .Values.service.managementPort }}/actuator/health/readiness")
                .contains("runAsNonRoot: true");
        assertThat(Yamls.read(CHART.resolve("values.yaml"))).extracting(v -> at(v, "tests.image.tag")).isEqualTo("1.37.0");
    }

    private static Map<String, Object> mount(Map<String, Object> container, String name) {
        return list(container.get("volumeMounts")).stream().map(Yamls::map)
                .filter(m -> name.equals(m.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no volume mount " + name));
    }

    private static Map<String, Object> volume(RenderedChart chart, String name) {
        return list(chart.podSpec().get("volumes")).stream().map(Yamls::map)
                .filter(v -> name.equals(v.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static Object env(Map<String, Object> container, String name) {
        return list(container.get("env")).stream().map(Yamls::map)
                .filter(e -> name.equals(e.get("name"))).map(e -> e.get("value")).findFirst().orElse(null);
    }
}
