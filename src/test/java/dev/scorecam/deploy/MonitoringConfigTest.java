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
