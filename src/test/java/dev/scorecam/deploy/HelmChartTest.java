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

    // queue.backend=redis: api and worker Deployments sharing a Redis queue.

    static final Path REDIS_GPU_VALUES = Path.of("helm/examples/values-redis-gpu-workers.yaml");
    static final String API = "demo-scorecam-server-api";
    static final String WORKER = "demo-scorecam-server-worker";
    static final String[] EXTERNAL_REDIS = {"queue.backend", "redis", "redis.url", "redis://redis.data.svc:6379"};

    private RenderedChart renderScaled(String... keyValues) {
        String[] all = java.util.Arrays.copyOf(EXTERNAL_REDIS, EXTERNAL_REDIS.length + keyValues.length);
        System.arraycopy(keyValues, 0, all, EXTERNAL_REDIS.length, keyValues.length);
        return render(all);
    }

    @Test
    void memoryBackendRendersExactlyWhatTheChartRendersWithoutIt() {
        assertThat(render("queue.backend", "memory").manifests()).isEqualTo(render().manifests());
        assertThat(render("queue.backend", "memory", "gpu.enabled", "true", "autoscaling.enabled", "true",
                "autoscaling.minReplicas", "2", "serviceMonitor.enabled", "true").manifests())
                .isEqualTo(render("gpu.enabled", "true", "autoscaling.enabled", "true",
                        "autoscaling.minReplicas", "2", "serviceMonitor.enabled", "true").manifests());

        Map<String, Object> server = render().server();
        assertThat(env(server, "SCORECAM_QUEUE_BACKEND")).isNull();
        assertThat(env(server, "SCORECAM_ROLE")).isNull();
        assertThat(render().find("ScaledObject")).isEmpty();
    }

    @Test
    void redisBackendRendersAnApiAndAWorkerDeploymentAndTheServiceReachesOnlyTheApi() {
        RenderedChart chart = renderScaled();

        assertThat(chart.all("Deployment")).extracting(d -> at(d, "metadata.name")).containsExactlyInAnyOrder(API, WORKER);
        assertThat(at(chart.named("Deployment", API), "spec.replicas")).isEqualTo(2);
        assertThat(at(chart.named("Deployment", WORKER), "spec.replicas")).isEqualTo(1);
        Map<String, Object> apiPods = map(at(chart.named("Deployment", API), "spec.template.metadata.labels"));
        Map<String, Object> workerPods = map(at(chart.named("Deployment", WORKER), "spec.template.metadata.labels"));
        Map<String, Object> apiSelector = map(at(chart.named("Deployment", API), "spec.selector.matchLabels"));
        Map<String, Object> workerSelector = map(at(chart.named("Deployment", WORKER), "spec.selector.matchLabels"));
        assertThat(apiPods).containsAllEntriesOf(apiSelector).containsEntry("app.kubernetes.io/component", "api");
        assertThat(workerPods).containsAllEntriesOf(workerSelector).containsEntry("app.kubernetes.io/component", "worker");
        assertThat(selects(apiSelector, workerPods)).as("api Deployment adopting worker pods").isFalse();
        assertThat(selects(workerSelector, apiPods)).as("worker Deployment adopting api pods").isFalse();

        Map<String, Object> service = chart.only("Service");
        assertThat(at(service, "metadata.name")).as("clients keep the Service name").isEqualTo("demo-scorecam-server");
        Map<String, Object> serviceSelector = map(at(service, "spec.selector"));
        assertThat(selects(serviceSelector, apiPods)).isTrue();
        assertThat(selects(serviceSelector, workerPods)).as("workers serve no /v1: the Service must skip them").isFalse();
        assertThat(chart.all("Service")).as("no Service exposes the workers").hasSize(1);
    }

    @Test
    void eachRoleIsToldTheBackendItsRoleAndWhereRedisIsWithThePasswordFromTheSecret() {
        RenderedChart chart = renderScaled("redis.existingSecret", "scorecam-redis", "redis.existingSecretPasswordKey", "pw");

        for (String deployment : List.of(API, WORKER)) {
            Map<String, Object> server = chart.server(deployment);
            assertThat(env(server, "SCORECAM_QUEUE_BACKEND")).as(deployment).isEqualTo("redis");
            assertThat(env(server, "SPRING_DATA_REDIS_HOST")).as(deployment).isEqualTo("redis.data.svc");
            assertThat(env(server, "SPRING_DATA_REDIS_PORT")).as(deployment).isEqualTo("6379");
            assertThat(env(server, "SPRING_DATA_REDIS_DATABASE")).as(deployment).isEqualTo("0");
            assertThat(env(server, "SPRING_DATA_REDIS_SSL_ENABLED")).as(deployment).isNull();
            assertThat(env(server, "SCORECAM_REDIS_KEY_PREFIX")).as(deployment).isEqualTo("scorecam");
            // Spring Boot ignores spring.data.redis.password once spring.data.redis.url is set.
            assertThat(env(server, "SPRING_DATA_REDIS_URL")).as(deployment).isNull();
            assertThat(envEntry(server, "SPRING_DATA_REDIS_PASSWORD")).as(deployment).isEqualTo(Map.of(
                    "name", "SPRING_DATA_REDIS_PASSWORD",
                    "valueFrom", Map.of("secretKeyRef", Map.of("name", "scorecam-redis", "key", "pw"))));
        }
        assertThat(env(chart.server(API), "SCORECAM_ROLE")).isEqualTo("api");
        assertThat(env(chart.server(WORKER), "SCORECAM_ROLE")).isEqualTo("worker");
        assertThat(chart.find("Secret")).as("the chart never holds the password").isEmpty();
    }

    @Test
    void aTlsUrlWithPortAndDatabaseIsTakenApart() {
        RenderedChart chart = render("queue.backend", "redis", "redis.url", "rediss://cache.example.com:6380/2",
                "keda.enabled", "true");

        Map<String, Object> worker = chart.server(WORKER);
        assertThat(env(worker, "SPRING_DATA_REDIS_HOST")).isEqualTo("cache.example.com");
        assertThat(env(worker, "SPRING_DATA_REDIS_PORT")).isEqualTo("6380");
        assertThat(env(worker, "SPRING_DATA_REDIS_DATABASE")).isEqualTo("2");
        assertThat(env(worker, "SPRING_DATA_REDIS_SSL_ENABLED")).isEqualTo("true");
        Map<String, Object> trigger = map(list(at(chart.only("ScaledObject"), "spec.triggers")).get(0));
        assertThat(map(trigger.get("metadata"))).containsEntry("address", "cache.example.com:6380")
                .containsEntry("enableTLS", "true").containsEntry("databaseIndex", "2");
    }

    @Test
    void redisSettingsThatCannotWorkAreRefused() {
        assertThatThrownBy(() -> render("queue.backend", "redis")).hasMessageContaining("needs redis.url");
        assertThatThrownBy(() -> renderScaled("redis.enabled", "true")).hasMessageContaining("not both");
        assertThatThrownBy(() -> render("queue.backend", "redis", "redis.url", "redis://:secret@redis:6379"))
                .hasMessageContaining("existingSecret");
        assertThatThrownBy(() -> render("queue.backend", "redis", "redis.url", "http://redis:6379"))
                .hasMessageContaining("/redis/url");
        assertThatThrownBy(() -> render("redis.enabled", "true")).hasMessageContaining("queue.backend=redis");
        assertThatThrownBy(() -> render("keda.enabled", "true")).hasMessageContaining("queue.backend=redis");
        assertThatThrownBy(() -> renderScaled("autoscaling.enabled", "true", "autoscaling.queueSize.enabled", "true"))
                .hasMessageContaining("keda.enabled");
        assertThatThrownBy(() -> render("queue.backend", "kafka")).hasMessageContaining("/queue/backend");
    }

    @Test
    void theGpuGoesToTheWorkersOnlyTheApiPodsRunNoModel() {
        RenderedChart chart = renderScaled("gpu.enabled", "true", "gpu.runtimeClassName", "nvidia",
                "gpu.nodeSelector.cloud\\.google\\.com/gke-accelerator", "nvidia-l4");

        Map<String, Object> worker = chart.server(WORKER);
        assertThat(map(at(worker, "resources.limits"))).containsEntry("nvidia.com/gpu", 1);
        assertThat(worker.get("image")).isEqualTo("scorecam-server:0.1.0-gpu");
        assertThat(chart.podSpec(WORKER).get("nodeSelector")).isEqualTo(Map.of("cloud.google.com/gke-accelerator", "nvidia-l4"));
        assertThat(list(chart.podSpec(WORKER).get("tolerations"))).containsExactly(
                Map.of("key", "nvidia.com/gpu", "operator", "Exists", "effect", "NoSchedule"));
        assertThat(chart.podSpec(WORKER).get("runtimeClassName")).isEqualTo("nvidia");
        assertThat(env(worker, "SCORECAM_DEVICE")).as("the ConfigMap's gpu applies").isNull();
        assertThat(at(chart.applicationSettings(), "scorecam.device")).isEqualTo("gpu");

        Map<String, Object> api = chart.server(API);
        assertThat(map(at(api, "resources.limits"))).doesNotContainKey("nvidia.com/gpu").containsEntry("memory", "2Gi");
        assertThat(at(api, "resources.requests.cpu")).isEqualTo("1");
        assertThat(api.get("image")).isEqualTo("scorecam-server:0.1.0");
        assertThat(chart.podSpec(API)).doesNotContainKeys("nodeSelector", "tolerations", "runtimeClassName");
        assertThat(env(api, "SCORECAM_DEVICE")).as("overrides the workers' device from the ConfigMap").isEqualTo("cpu");
    }

    @Test
    void eachRoleHasItsProbesWorkersWaitForTheirModels() {
        RenderedChart chart = renderScaled();

        for (String deployment : List.of(API, WORKER)) {
            Map<String, Object> server = chart.server(deployment);
            assertThat(at(server, "readinessProbe.httpGet.path")).as(deployment).isEqualTo("/actuator/health/readiness");
            assertThat(at(server, "livenessProbe.httpGet.path")).as(deployment).isEqualTo("/actuator/health/liveness");
            assertThat(at(server, "startupProbe.httpGet.path")).as(deployment).isEqualTo("/actuator/health/liveness");
            assertThat(list(server.get("ports"))).map(Yamls::map).as(deployment).containsExactly(
                    Map.of("containerPort", 8080, "name", "http", "protocol", "TCP"),
                    Map.of("containerPort", 8081, "name", "management", "protocol", "TCP"));
            assertThat(at(server, "readinessProbe.httpGet.port")).as(deployment).isEqualTo("management");
            assertThat(at(server, "securityContext.readOnlyRootFilesystem")).as(deployment).isEqualTo(true);
        }
        assertThat(startupSeconds(chart.server(WORKER))).as("model loading and warm-up").isGreaterThanOrEqualTo(300);
        assertThat(startupSeconds(chart.server(API))).as("metadata only").isBetween(60, 299);
    }

    @Test
    void anInChartRedisForTrialsIsPinnedNonRootAndWhereTheServersLook() {
        RenderedChart chart = render("queue.backend", "redis", "redis.enabled", "true");

        Map<String, Object> redis = map(list(chart.podSpec("demo-scorecam-server-redis").get("containers")).get(0));
        // Valkey (BSD-licensed) unless redis.image says otherwise
        assertThat((String) redis.get("image")).matches("valkey/valkey:\\d+\\.\\d+\\.\\d+");
        assertThat(at(chart.podSpec("demo-scorecam-server-redis"), "securityContext.runAsNonRoot")).isEqualTo(true);
        assertThat(at(redis, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(mount(redis, "data")).containsEntry("mountPath", "/data");
        assertThat(list(redis.get("args"))).containsSequence("--appendonly", "yes").doesNotContain("--requirepass");
        assertThat(redis).containsKeys("readinessProbe", "livenessProbe");

        Map<String, Object> service = chart.named("Service", "demo-scorecam-server-redis");
        assertThat(selects(map(at(service, "spec.selector")),
                map(at(chart.named("Deployment", "demo-scorecam-server-redis"), "spec.template.metadata.labels")))).isTrue();
        assertThat(selects(map(at(service, "spec.selector")),
                map(at(chart.named("Deployment", API), "spec.template.metadata.labels")))).isFalse();
        assertThat(env(chart.server(API), "SPRING_DATA_REDIS_HOST")).isEqualTo("demo-scorecam-server-redis");
        assertThat(env(chart.server(WORKER), "SPRING_DATA_REDIS_PORT")).isEqualTo("6379");
        assertThat(chart.named("Service", "demo-scorecam-server").get("spec")).isNotNull();
    }

    @Test
    void redisImageIsTheAlternativeToValkeyAndTheProbeFindsEitherCli() {
        RenderedChart valkey = render("queue.backend", "redis", "redis.enabled", "true");
        RenderedChart redis = render("queue.backend", "redis", "redis.enabled", "true",
                "redis.image.repository", "redis", "redis.image.tag", "7.4.5");

        Map<String, Object> container = map(list(redis.podSpec("demo-scorecam-server-redis").get("containers")).get(0));
        assertThat(container.get("image")).isEqualTo("redis:7.4.5");
        for (RenderedChart chart : List.of(valkey, redis)) {
            Map<String, Object> store = map(list(chart.podSpec("demo-scorecam-server-redis").get("containers")).get(0));
            assertThat(String.join(" ", list(at(store, "readinessProbe.exec.command")).stream().map(String::valueOf).toList()))
                    .contains("valkey-cli", "redis-cli", "PONG");
        }
    }

    @Test
    void ingressIsOffByDefaultAndWhenOnRoutesTheHostsToTheApiPortOnly() {
        assertThat(render().find("Ingress")).isEmpty();

        RenderedChart chart = render("ingress.enabled", "true", "ingress.className", "nginx",
                "ingress.hosts[0].host", "scorecam.example.org", "ingress.hosts[0].paths[0].path", "/",
                "ingress.tls[0].secretName", "scorecam-tls", "ingress.tls[0].hosts[0]", "scorecam.example.org",
                "ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-body-size", "21m");
        Map<String, Object> ingress = chart.only("Ingress");

        assertThat(at(ingress, "apiVersion")).isEqualTo("networking.k8s.io/v1");
        assertThat(at(ingress, "spec.ingressClassName")).isEqualTo("nginx");
        assertThat(map(at(ingress, "metadata.annotations"))).containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "21m");
        Map<String, Object> rule = map(list(at(ingress, "spec.rules")).get(0));
        assertThat(rule.get("host")).isEqualTo("scorecam.example.org");
        Map<String, Object> path = map(list(at(rule, "http.paths")).get(0));
        assertThat(path).containsEntry("path", "/").containsEntry("pathType", "Prefix");
        assertThat(at(path, "backend.service.name")).isEqualTo(at(chart.only("Service"), "metadata.name"));
        assertThat(at(path, "backend.service.port")).isEqualTo(Map.of("name", "http"));
        assertThat(list(at(chart.only("Service"), "spec.ports")).stream().map(Yamls::map)
                .filter(port -> "http".equals(port.get("name"))).map(port -> port.get("port")).toList()).containsExactly(8080);
        assertThat(map(list(at(ingress, "spec.tls")).get(0)))
                .isEqualTo(Map.of("secretName", "scorecam-tls", "hosts", List.of("scorecam.example.org")));
    }

    @Test
    void ingressValuesThatCannotWorkAreRefused() {
        assertThatThrownBy(() -> render("ingress.enabled", "true", "ingress.hosts[0].host", "a.example.org",
                "ingress.hosts[0].paths[0].path", "no-slash")).hasMessageContaining("path");
        assertThatThrownBy(() -> render("ingress.enabled", "true", "ingress.port", "8081"))
                .hasMessageContaining("port");
    }

    /** What helm install prints: the metrics are on the management port, and the Ingress's URL when there is one. */
    @Test
    void notesPointAtTheManagementPortForMetrics() {
        String notes = install().call().getOutput();
        String withIngress = install().set("ingress.enabled", "true").set("ingress.hosts[0].host", "scorecam.example.org")
                .set("ingress.hosts[0].paths[0].path", "/").call().getOutput();

        assertThat(notes).contains("http://localhost:8081/actuator/prometheus", "8081:8081")
                .doesNotContain(":8080/actuator").doesNotContain("scorecam.example.org");
        assertThat(withIngress).contains("curl -s http://scorecam.example.org/v1/models");
    }

    private com.marcnuri.helm.InstallCommand install() {
        return helm.install().withName("demo").withNamespace("ml").withKubeVersion("1.30.0").dryRun().clientOnly();
    }

    @Test
    void anInChartRedisWithASecretRequiresThePassword() {
        RenderedChart chart = render("queue.backend", "redis", "redis.enabled", "true", "redis.existingSecret", "scorecam-redis");

        Map<String, Object> redis = map(list(chart.podSpec("demo-scorecam-server-redis").get("containers")).get(0));
        assertThat(list(redis.get("args"))).containsSequence("--requirepass", "$(REDISCLI_AUTH)");
        assertThat(envEntry(redis, "REDISCLI_AUTH")).isEqualTo(Map.of("name", "REDISCLI_AUTH",
                "valueFrom", Map.of("secretKeyRef", Map.of("name", "scorecam-redis", "key", "redis-password"))));
        assertThat(at(envEntry(chart.server(WORKER), "SPRING_DATA_REDIS_PASSWORD"), "valueFrom.secretKeyRef.name"))
                .isEqualTo("scorecam-redis");
    }

    @Test
    void kedaScalesTheWorkersOnEachModelsStreamOnlyWhenEnabled() {
        assertThat(renderScaled().find("ScaledObject")).isEmpty();
        assertThat(renderScaled().find("TriggerAuthentication")).isEmpty();

        RenderedChart chart = renderScaled("keda.enabled", "true", "keda.models[0]", "fashion-cnn",
                "keda.models[1]", "resnet50", "keda.maxReplicaCount", "6", "keda.streamLength", "3",
                "redis.existingSecret", "scorecam-redis");
        Map<String, Object> scaled = chart.only("ScaledObject");
        assertThat(scaled.get("apiVersion")).isEqualTo("keda.sh/v1alpha1");
        assertThat(at(scaled, "spec.scaleTargetRef")).isEqualTo(
                Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", WORKER));
        assertThat(at(scaled, "spec.minReplicaCount")).isEqualTo(1);
        assertThat(at(scaled, "spec.maxReplicaCount")).isEqualTo(6);
        List<Map<String, Object>> triggers = list(at(scaled, "spec.triggers")).stream().map(Yamls::map).toList();
        // one trigger per model on its stream's length (XLEN): no consumer group, which would switch
        // KEDA to the group's lag (unknown once the server deletes finished entries) or pending entries
        assertThat(triggers).hasSize(2).allSatisfy(trigger -> {
            assertThat(trigger.get("type")).isEqualTo("redis-streams");
            assertThat(map(trigger.get("metadata"))).containsEntry("streamLength", "3")
                    .containsEntry("address", "redis.data.svc:6379").containsEntry("enableTLS", "false")
                    .doesNotContainKeys("consumerGroup", "lagCount", "activationLagCount", "pendingEntriesCount");
            assertThat(at(trigger, "authenticationRef.name")).isEqualTo(WORKER);
        });
        assertThat(triggers).extracting(t -> at(t, "metadata.stream")).containsExactly(
                "scorecam:queue:fashion-cnn", "scorecam:queue:resnet50");

        Map<String, Object> auth = chart.only("TriggerAuthentication");
        assertThat(at(auth, "metadata.name")).isEqualTo(WORKER);
        assertThat(list(at(auth, "spec.secretTargetRef"))).containsExactly(
                Map.of("parameter", "password", "name", "scorecam-redis", "key", "redis-password"));
        assertThat(map(at(chart.named("Deployment", WORKER), "spec"))).as("KEDA owns the replica count")
                .doesNotContainKey("replicas");
        assertThat(at(chart.named("Deployment", API), "spec.replicas")).isEqualTo(2);
    }

    @Test
    void theKeyPrefixReachesTheServersAndKedaAlike() {
        RenderedChart chart = renderScaled("keda.enabled", "true", "redis.keyPrefix", "prod");

        assertThat(env(chart.server(API), "SCORECAM_REDIS_KEY_PREFIX")).isEqualTo("prod");
        assertThat(env(chart.server(WORKER), "SCORECAM_REDIS_KEY_PREFIX")).isEqualTo("prod");
        assertThat(list(at(chart.only("ScaledObject"), "spec.triggers"))).allSatisfy(
                t -> assertThat(at(t, "metadata.stream")).isEqualTo("prod:queue:fashion-cnn"));
    }

    @Test
    void theHpaScalesTheApiPodsOnCpuAndNeverTheWorkers() {
        RenderedChart chart = renderScaled("autoscaling.enabled", "true", "autoscaling.minReplicas", "2",
                "keda.enabled", "true");

        Map<String, Object> hpa = chart.only("HorizontalPodAutoscaler");
        assertThat(at(hpa, "spec.scaleTargetRef")).isEqualTo(Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", API));
        assertThat(at(map(list(at(hpa, "spec.metrics")).get(0)), "resource.name")).isEqualTo("cpu");
        assertThat(map(at(chart.named("Deployment", API), "spec"))).doesNotContainKey("replicas");
        assertThat(at(chart.only("ScaledObject"), "spec.scaleTargetRef.name")).isEqualTo(WORKER);
    }

    @Test
    void eachRoleGetsItsOwnDisruptionBudgetWhenMoreThanOneOfItRuns() {
        RenderedChart defaults = renderScaled();
        assertThat(defaults.all("PodDisruptionBudget")).extracting(p -> at(p, "metadata.name")).containsExactly(API);

        RenderedChart chart = renderScaled("worker.replicaCount", "3");
        for (String role : List.of("api", "worker")) {
            Map<String, Object> pdb = chart.named("PodDisruptionBudget", "demo-scorecam-server-" + role);
            assertThat(at(pdb, "spec.maxUnavailable")).isEqualTo(1);
            assertThat(at(pdb, "spec.selector.matchLabels")).isEqualTo(
                    at(chart.named("Deployment", "demo-scorecam-server-" + role), "spec.selector.matchLabels"));
        }
        assertThat(renderScaled("keda.enabled", "true", "keda.minReplicaCount", "2", "api.replicaCount", "1")
                .all("PodDisruptionBudget")).extracting(p -> at(p, "metadata.name")).containsExactly(WORKER);
    }

    @Test
    void prometheusFindsTheApiThroughItsServiceAndTheWorkersAsPodsBothLabelledByRole() {
        RenderedChart chart = renderScaled("serviceMonitor.enabled", "true", "serviceMonitor.labels.release", "kps");

        Map<String, Object> serviceMonitor = chart.only("ServiceMonitor");
        assertThat(at(serviceMonitor, "spec.selector.matchLabels")).isEqualTo(at(chart.only("Service"), "spec.selector"));
        Map<String, Object> podMonitor = chart.only("PodMonitor");
        assertThat(at(podMonitor, "metadata.labels.release")).isEqualTo("kps");
        assertThat(at(podMonitor, "spec.selector.matchLabels")).isEqualTo(
                at(chart.named("Deployment", WORKER), "spec.selector.matchLabels"));
        Map<String, Object> podEndpoint = map(list(at(podMonitor, "spec.podMetricsEndpoints")).get(0));
        assertThat(podEndpoint).containsEntry("port", "management").containsEntry("path", "/actuator/prometheus");
        for (Map<String, Object> endpoint : List.of(podEndpoint, map(list(at(serviceMonitor, "spec.endpoints")).get(0)))) {
            assertThat(list(endpoint.get("relabelings"))).containsExactly(Map.of(
                    "sourceLabels", List.of("__meta_kubernetes_pod_label_app_kubernetes_io_component"), "targetLabel", "role"));
        }
        assertThat(render("serviceMonitor.enabled", "true").find("PodMonitor")).isEmpty();
    }

    @Test
    void theRedisGpuWorkersExampleRendersEveryPart() {
        RenderedChart chart = RenderedChart.of(template().withValuesFile(REDIS_GPU_VALUES).call());

        assertThat(chart.manifests()).extracting(m -> m.get("kind")).contains("ScaledObject", "TriggerAuthentication",
                "HorizontalPodAutoscaler", "ServiceMonitor", "PodMonitor");
        assertThat(map(at(chart.server(WORKER), "resources.limits"))).containsEntry("nvidia.com/gpu", 1);
        assertThat(map(chart.podSpec(WORKER).get("nodeSelector"))).isNotEmpty();
        assertThat(at(envEntry(chart.server(API), "SPRING_DATA_REDIS_PASSWORD"), "valueFrom.secretKeyRef")).isNotNull();
        assertThat(at(chart.only("HorizontalPodAutoscaler"), "spec.scaleTargetRef.name")).isEqualTo(API);
    }

    @Test
    void installNotesNameBothRolloutsWhenScaled() {
        String notes = helm.install().withName("demo").withNamespace("ml").withKubeVersion("1.30.0").dryRun().clientOnly()
                .set("queue.backend", "redis").set("redis.enabled", "true").call().getOutput();

        assertThat(notes).contains("rollout status deployment/" + API).contains("rollout status deployment/" + WORKER)
                .contains("demo-scorecam-server-redis");
    }

    /**
     * KEDA scales on the stream length because the server deletes a job's entry when it ends: the
     * scripts must still do so (else the length would grow with finished jobs), and the chart's
     * stream must be the one the server writes.
     */
    @Test
    void kedaWatchesTheStreamsTheServerWritesAndEmpties() throws Exception {
        String source = java.nio.file.Files.readString(Path.of("src/main/java/dev/scorecam/jobs/redis/RedisKeys.java"));
        Map<String, Object> settings = Yamls.read(Path.of("src/main/resources/application.yml"));

        String scripts = java.nio.file.Files.readString(Path.of("src/main/java/dev/scorecam/jobs/redis/Scripts.java"));

        assertThat(source).contains("prefix + \":queue:\" + model");
        assertThat(scripts).as("a job's end deletes its stream entry").contains("redis.call('XDEL', key('queue'), entry)");
        assertThat(at(settings, "scorecam.redis.key-prefix"))
                .isEqualTo(at(Yamls.read(CHART.resolve("values.yaml")), "redis.keyPrefix"));
        Map<String, Object> trigger = map(list(at(renderScaled("keda.enabled", "true").only("ScaledObject"), "spec.triggers")).get(0));
        assertThat(map(trigger.get("metadata"))).containsEntry("streamLength", "4").doesNotContainKey("consumerGroup")
                .containsEntry("stream", at(settings, "scorecam.redis.key-prefix") + ":queue:fashion-cnn");
    }

    @Test
    void theEnvironmentTheChartAndComposeSetBindsToThePropertiesTheServerReads() {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("SCORECAM_QUEUE_BACKEND", "scorecam.queue.backend"),
                Map.entry("SCORECAM_ROLE", "scorecam.role"),
                Map.entry("SCORECAM_DEVICE", "scorecam.device"),
                Map.entry("SCORECAM_MODEL_DIRS", "scorecam.model-dirs"),
                Map.entry("SCORECAM_REDIS_KEY_PREFIX", "scorecam.redis.key-prefix"),
                Map.entry("SPRING_DATA_REDIS_URL", "spring.data.redis.url"),
                Map.entry("SPRING_DATA_REDIS_HOST", "spring.data.redis.host"),
                Map.entry("SPRING_DATA_REDIS_PORT", "spring.data.redis.port"),
                Map.entry("SPRING_DATA_REDIS_DATABASE", "spring.data.redis.database"),
                Map.entry("SPRING_DATA_REDIS_SSL_ENABLED", "spring.data.redis.ssl.enabled"),
                Map.entry("SPRING_DATA_REDIS_PASSWORD", "spring.data.redis.password"),
                Map.entry("MANAGEMENT_SERVER_PORT", "management.server.port"),
                Map.entry("SCORECAM_SECURITY_MODE", "scorecam.security.mode"),
                Map.entry("SCORECAM_SECURITY_API_KEYS_FILE", "scorecam.security.api-keys-file"),
                Map.entry("SCORECAM_SECURITY_APIKEYS_DEMO", "scorecam.security.api-keys.demo"),
                Map.entry("SCORECAM_SECURITY_LIMITS_REQUESTS", "scorecam.security.limits.requests"),
                Map.entry("SCORECAM_SECURITY_LIMITS_PER", "scorecam.security.limits.per"),
                Map.entry("SCORECAM_SECURITY_LIMITS_CONCURRENT_JOBS", "scorecam.security.limits.concurrent-jobs"));
        RenderedChart chart = renderScaled("gpu.enabled", "true", "redis.existingSecret", "s",
                "redis.url", "rediss://cache:6380/1");
        Map<String, Object> set = new java.util.HashMap<>();
        for (String deployment : List.of(API, WORKER)) {
            list(chart.server(deployment).get("env")).stream().map(Yamls::map)
                    .forEach(e -> set.put((String) e.get("name"), e.getOrDefault("value", "from-a-secret")));
        }
        for (Object server : map(Yamls.read(Path.of("docker-compose.scale.yml")).get("services")).values()) {
            Object environment = map(server).get("environment");
            if (environment != null && map(environment).containsKey("SCORECAM_ROLE")) {
                map(environment).forEach((name, value) -> set.put(name, String.valueOf(value)));
            }
        }
        set.keySet().removeAll(List.of("SPRING_CONFIG_ADDITIONAL_LOCATION", "JAVA_TOOL_OPTIONS"));
        assertThat(expected).containsKeys(set.keySet().toArray(String[]::new));

        // Spring Boot's own mapping of environment variables (dashes may be written as underscores).
        var environment = org.springframework.boot.context.properties.source.ConfigurationPropertySources.from(
                new org.springframework.core.env.SystemEnvironmentPropertySource(org.springframework.core.env.StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new java.util.HashMap<>(set)));
        var binder = new org.springframework.boot.context.properties.bind.Binder(environment);
        set.entrySet().stream().filter(e -> !e.getKey().startsWith("SCORECAM_SECURITY_APIKEYS_")).forEach(e ->
                assertThat(binder.bind(expected.get(e.getKey()), String.class).orElse(null))
                        .as("%s binds to %s", e.getKey(), expected.get(e.getKey())).isEqualTo(String.valueOf(e.getValue())));
        // The keys are a map (SecurityProperties.apiKeys): bound as one, the way the server reads them.
        assertThat(binder.bind("scorecam.security.api-keys",
                        org.springframework.boot.context.properties.bind.Bindable.mapOf(String.class, String.class))
                .orElse(Map.of())).as("compose's demo key binds to the server's key map").containsKey("demo");
    }

    /** The chart's default store (Valkey), or Redis 7.4, the alternative its values and docs/deploy.md name. */
    @Test
    void theInChartRedisIsTheImageTheScaledComposeStackRuns() {
        Map<String, Object> values = Yamls.read(CHART.resolve("values.yaml"));
        String compose = (String) at(Yamls.read(Path.of("docker-compose.scale.yml")), "services.redis.image");

        assertThat(compose).isIn(at(values, "redis.image.repository") + ":" + at(values, "redis.image.tag"), "redis:7.4.5");
    }

    @Test
    void everyScaleOutValueTheDeployGuideNamesExistsInTheChart() throws Exception {
        String guide = java.nio.file.Files.readString(Path.of("docs/deploy.md"));
        Map<String, Object> values = Yamls.read(CHART.resolve("values.yaml"));

        List<String> named = java.util.regex.Pattern.compile("`((?:queue|redis|api|worker|keda)(?:\\.[a-zA-Z]+)+)`")
                .matcher(guide).results().map(m -> m.group(1)).distinct().toList();
        assertThat(named).contains("queue.backend", "redis.url", "redis.existingSecret", "redis.keyPrefix",
                "keda.streamLength");
        assertThat(named).allSatisfy(name -> assertThat(map(values)).as(name)
                .satisfies(v -> assertThat(at(v, name)).as("values.yaml has %s", name).isNotNull()));
    }

    /** Whether a label selector picks pods with these labels. */
    private static boolean selects(Map<String, Object> selector, Map<String, Object> podLabels) {
        return podLabels.entrySet().containsAll(selector.entrySet());
    }

    private static int startupSeconds(Map<String, Object> server) {
        return (int) at(server, "startupProbe.periodSeconds") * (int) at(server, "startupProbe.failureThreshold");
    }

    private static Map<String, Object> envEntry(Map<String, Object> container, String name) {
        return list(container.get("env")).stream().map(Yamls::map)
                .filter(e -> name.equals(e.get("name"))).findFirst().orElse(null);
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
