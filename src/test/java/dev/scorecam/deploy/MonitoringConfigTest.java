package dev.scorecam.deploy;

import static dev.scorecam.deploy.Yamls.at;
import static dev.scorecam.deploy.Yamls.list;
import static dev.scorecam.deploy.Yamls.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Prometheus scrape config and the provisioned Grafana data source and dashboard. */
class MonitoringConfigTest {

    static final Path DASHBOARD = Path.of("deploy/grafana/dashboards/scorecam.json");

    @Test
    void prometheusScrapesTheActuatorEndpointOfTheComposeService() {
        Map<String, Object> config = Yamls.read(Path.of("deploy/prometheus/prometheus.yml"));

        Map<String, Object> job = map(list(config.get("scrape_configs")).get(0));
        assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
        assertThat(list(map(list(job.get("static_configs")).get(0)).get("targets"))).containsExactly("scorecam:8081");
    }

    @Test
    void grafanaProvisionsPrometheusAndTheDashboardFolder() {
        Map<String, Object> datasource = map(list(
                Yamls.read(Path.of("deploy/grafana/provisioning/datasources/prometheus.yml")).get("datasources")).get(0));
        assertThat(datasource).containsEntry("type", "prometheus").containsEntry("url", "http://prometheus:9090")
                .containsEntry("isDefault", true);

        Map<String, Object> provider = map(list(
                Yamls.read(Path.of("deploy/grafana/provisioning/dashboards/scorecam.yml")).get("providers")).get(0));
        assertThat(at(provider, "options.path")).isEqualTo("/etc/grafana/dashboards");
    }

    @Test
    void dashboardQueriesTheServiceMetrics() throws Exception {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));

        assertThat(dashboard.get("uid").asString()).isEqualTo("scorecam");
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(panel.get("title").asString()).isNotBlank();
            for (JsonNode target : panel.get("targets")) {
                expressions.add(target.get("expr").asString());
            }
        }
        List<String> metrics = expressions.stream().flatMap(MonitoringConfigTest::metricNames).distinct().toList();
        assertThat(metrics).contains(
                "scorecam_queue_size",
                "scorecam_queue_wait_seconds_bucket",
                "scorecam_compute_seconds_bucket",
                "scorecam_forward_passes_total",
                "scorecam_jobs_total",
                "scorecam_pool_busy",
                "http_server_requests_seconds_count",
                "jvm_memory_used_bytes");
        assertThat(expressions).anyMatch(e -> e.contains("histogram_quantile(0.95")
                && e.contains("scorecam_compute_seconds_bucket"));
        assertThat(expressions).anyMatch(e -> e.contains("outcome=\"rejected\""));
        assertThat(expressions).allMatch(MonitoringConfigTest::balanced);
    }

    @Test
    void percentilePanelsHaveHistogramBucketsToReadFrom() {
        Map<String, Object> settings = Yamls.read(Path.of("src/main/resources/application.yml"));

        Map<String, Object> histograms = map(at(settings, "management.metrics.distribution.percentiles-histogram"));
        assertThat(histograms).containsEntry("scorecam.queue.wait", true).containsEntry("scorecam.compute", true);
        assertThat((String) at(settings, "management.endpoints.web.exposure.include")).contains("prometheus");
        assertThat(at(settings, "management.endpoint.health.probes.enabled")).isEqualTo(true);
    }

    // The scaled layout (docker-compose.scale.yml, Helm with queue.backend=redis).

    static final Path SCALE_DASHBOARD = Path.of("deploy/grafana/dashboards/scorecam-scale.json");

    @Test
    void scaledPrometheusScrapesEveryServerOfTheScaledComposeLabelledWithItsRole() {
        Map<String, Object> config = Yamls.read(Path.of("deploy/prometheus/prometheus-scale.yml"));
        Map<String, Object> job = map(list(config.get("scrape_configs")).get(0));
        assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
        Map<String, Object> scraped = new java.util.HashMap<>();
        for (Object group : list(job.get("static_configs"))) {
            for (Object target : list(map(group).get("targets"))) {
                scraped.put((String) target, at(group, "labels.role"));
            }
        }

        Map<String, Object> services = map(Yamls.read(Path.of("docker-compose.scale.yml")).get("services"));
        Map<String, Object> servers = new java.util.HashMap<>();
        services.forEach((name, service) -> {
            Object role = at(service, "environment.SCORECAM_ROLE");
            if (role != null) {
                servers.put(name + ":8081", role); // the management port (Dockerfile: MANAGEMENT_SERVER_PORT)
            }
        });
        assertThat(servers).hasSize(3);
        assertThat(scraped).as("target -> role label, against the compose services' SCORECAM_ROLE").isEqualTo(servers);
    }

    @Test
    void scaledDashboardTakesTheClusterWideGaugesOnceNeverSummedOverPods() throws Exception {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(SCALE_DASHBOARD));
        assertThat(dashboard.get("uid").asString()).isEqualTo("scorecam-scale");

        Map<String, List<String>> byTitle = new java.util.LinkedHashMap<>();
        for (JsonNode panel : dashboard.get("panels")) {
            List<String> expressions = new ArrayList<>();
            panel.get("targets").forEach(t -> expressions.add(t.get("expr").asString()));
            byTitle.put(panel.get("title").asString(), expressions);
        }
        List<String> all = byTitle.values().stream().flatMap(List::stream).toList();

        // With Redis every pod reports the cluster's queue and pool (RedisJobSystem.queue: waiting,
        // running and heartbeating workers as Redis counts them): a sum would count them once per pod.
        assertThat(byTitle.get("Queue length per model (cluster-wide)"))
                .anyMatch(e -> e.startsWith("max by (model) (scorecam_queue_size{"))
                .anyMatch(e -> e.startsWith("max by (model) (scorecam_queue_capacity{"));
        assertThat(byTitle.get("Workers busy across pods"))
                .anyMatch(e -> e.startsWith("max by (model) (scorecam_pool_busy{"))
                .anyMatch(e -> e.startsWith("max by (model) (scorecam_pool_workers{"));
        assertThat(all).noneMatch(e -> e.matches(".*sum[^(]*\\(scorecam_(queue_size|queue_capacity|pool_busy|pool_workers)\\{.*"));
        // Per pod, from what each pod counts itself: compute seconds per second.
        assertThat(byTitle.get("Busy workers per pod (mean)"))
                .containsExactly("sum by (role, instance) (rate(scorecam_compute_seconds_sum{job=~\"$job\", model=~\"$model\"}[$__rate_interval]))");
        assertThat(all).anyMatch(e -> e.contains("count by (role) (up{"));
        assertThat(all).allMatch(MonitoringConfigTest::balanced);
    }

    @Test
    void everyScorecamMetricOnTheDashboardsIsOneTheServerRegisters() throws Exception {
        String sources;
        try (var files = Files.list(Path.of("src/main/java/dev/scorecam/metrics"))) {
            StringBuilder text = new StringBuilder();
            for (Path file : files.toList()) {
                text.append(Files.readString(file));
            }
            sources = text.toString();
        }
        for (Path dashboard : List.of(DASHBOARD, SCALE_DASHBOARD)) {
            JsonNode panels = JsonMapper.builder().build().readTree(Files.readString(dashboard)).get("panels");
            for (JsonNode panel : panels) {
                for (JsonNode target : panel.get("targets")) {
                    SCORECAM_METRIC.matcher(target.get("expr").asString()).results().map(m -> m.group()).forEach(name -> {
                        String meter = name.replaceAll("(_seconds|_images)?(_bucket|_sum|_count)$", "")
                                .replaceAll("_total$", "").replace('_', '.');
                        assertThat(sources).as("%s in %s: meter \"%s\"", name, dashboard.getFileName(), meter)
                                .contains("\"" + meter + "\"");
                    });
                }
            }
        }
    }

    @Test
    void grafanaProvisionsBothDashboardsWithDistinctUids() throws Exception {
        List<String> uids = new ArrayList<>();
        try (var files = Files.list(DASHBOARD.getParent())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                uids.add(JsonMapper.builder().build().readTree(Files.readString(file)).get("uid").asString());
            }
        }
        assertThat(uids).containsExactlyInAnyOrder("scorecam", "scorecam-scale");
    }

    private static final Pattern SCORECAM_METRIC = Pattern.compile("\\bscorecam_[a-z_]+");

    private static final Pattern METRIC = Pattern.compile("\\b([a-z_]+_(?:total|seconds_\\w+|bytes|size|busy|sum|count))\\b");

    private static java.util.stream.Stream<String> metricNames(String expression) {
        Matcher matcher = METRIC.matcher(expression);
        List<String> names = new ArrayList<>();
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names.stream();
    }

    private static boolean balanced(String expression) {
        int depth = 0;
        for (char c : expression.toCharArray()) {
            depth += switch (c) {
                case '(', '{', '[' -> 1;
                case ')', '}', ']' -> -1;
                default -> 0;
            };
            if (depth < 0) {
                return false;
            }
        }
        return depth == 0;
    }
}
