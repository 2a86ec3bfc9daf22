package dev.scorecam.deploy;

import static dev.scorecam.deploy.Yamls.at;
import static dev.scorecam.deploy.Yamls.list;
import static dev.scorecam.deploy.Yamls.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** docker-compose.yml and docker-compose.scale.yml, read as YAML: no Docker engine runs where the tests do. */
class ComposeFileTest {

    private final Map<String, Object> compose = Yamls.read(Path.of("docker-compose.yml"));

    private Map<String, Object> service(String name) {
        return map(at(compose, "services." + name));
    }

    @Test
    void runsTheServerPrometheusAndGrafana() {
        assertThat(map(compose.get("services"))).containsOnlyKeys("scorecam", "prometheus", "grafana");
        assertThat(list(service("scorecam").get("ports"))).containsExactly("8080:8080");
        assertThat(list(service("prometheus").get("ports"))).containsExactly("9090:9090");
        assertThat(list(service("grafana").get("ports"))).containsExactly("3000:3000");
    }

    @Test
    void buildsTheCpuTargetOfTheDockerfile() throws Exception {
        Map<String, Object> scorecam = service("scorecam");

        assertThat(at(scorecam, "build.context")).isEqualTo(".");
        assertThat(at(scorecam, "build.target")).isEqualTo("cpu");
        assertThat(Files.readString(Path.of("Dockerfile"))).contains("AS cpu");
        assertThat(at(scorecam, "environment.SCORECAM_MODEL_DIRS")).isEqualTo("/models");
        assertThat(String.join(" ", list(at(scorecam, "healthcheck.test")).stream().map(String::valueOf).toList()))
                .contains("/actuator/health/readiness");
    }

    @Test
    void imagesArePinnedNeverLatest() {
        for (String name : List.of("scorecam", "prometheus", "grafana")) {
            String image = (String) service(name).get("image");
            assertThat(image).as(name).matches("[\\w./-]+:[\\w.-]+").doesNotEndWith(":latest");
        }
    }

    @Test
    void configAndModelsAreMountedReadOnlyFromFilesThatExist() {
        for (String name : List.of("scorecam", "prometheus", "grafana")) {
            for (Object entry : list(service(name).get("volumes"))) {
                Map<String, Object> volume = map(entry);
                assertThat(volume).as("%s mount %s", name, volume.get("target"))
                        .containsEntry("type", "bind").containsEntry("read_only", true);
                if (!"/models".equals(volume.get("target"))) {
                    assertThat(Path.of((String) volume.get("source"))).as("%s", volume).exists();
                }
            }
        }
        assertThat(targets("prometheus")).containsExactly("/etc/prometheus/prometheus.yml");
        assertThat(targets("grafana")).containsExactlyInAnyOrder("/etc/grafana/provisioning", "/etc/grafana/dashboards");
    }

    @Test
    void prometheusIsToldWhereItsMountedConfigIs() {
        assertThat(list(service("prometheus").get("command")))
                .contains("--config.file=/etc/prometheus/prometheus.yml");
    }

    @Test
    void grafanaOpensOnTheProvisionedDashboard() {
        String home = (String) at(service("grafana"), "environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertThat(home).isEqualTo("/etc/grafana/dashboards/scorecam.json");
        assertThat(Path.of("deploy/grafana/dashboards/scorecam.json")).exists();
    }

    // docker-compose.scale.yml: Redis, two api containers behind one entry point, one worker.

    static final Path SCALE = Path.of("docker-compose.scale.yml");
    static final List<String> SCORECAM_SERVICES = List.of("api-1", "api-2", "worker-1");

    private final Map<String, Object> scale = Yamls.read(SCALE);

    private Map<String, Object> scaled(String name) {
        return map(at(scale, "services." + name));
    }

    @Test
    void scaledStackRunsRedisTwoApisAndAWorkerBehindOneEntryOnThePlainStacksPort() {
        assertThat(map(scale.get("services"))).containsOnlyKeys(
                "redis", "api-1", "api-2", "worker-1", "entry", "prometheus", "grafana");
        assertThat(scale.get("name")).as("its own project, apart from the plain stack").isEqualTo("scorecam-scale");
        assertThat(list(scaled("entry").get("ports"))).containsExactly("8080:8080");
        assertThat(list(scaled("prometheus").get("ports"))).containsExactly("9090:9090");
        assertThat(list(scaled("grafana").get("ports"))).containsExactly("3000:3000");
        for (String name : List.of("redis", "api-1", "api-2", "worker-1")) {
            assertThat(scaled(name)).as("%s is reached inside the compose network only", name).doesNotContainKey("ports");
        }
    }

    @Test
    void everyScaledServerIsToldTheRedisBackendItsRoleAndWhereRedisIs() {
        for (String name : SCORECAM_SERVICES) {
            Map<String, Object> server = scaled(name);
            assertThat(at(server, "environment.SCORECAM_QUEUE_BACKEND")).as(name).isEqualTo("redis");
            assertThat(at(server, "environment.SCORECAM_ROLE")).as(name).isEqualTo(name.startsWith("api") ? "api" : "worker");
            assertThat(at(server, "environment.SCORECAM_MODEL_DIRS")).as(name).isEqualTo("/models");
            URI redis = URI.create((String) at(server, "environment.SPRING_DATA_REDIS_URL"));
            assertThat(redis.getScheme()).isEqualTo("redis");
            assertThat(map(scale.get("services"))).as("%s's Redis host is a service", name).containsKey(redis.getHost());
            assertThat(redis.getPort()).isEqualTo(6379);
            assertThat(at(server, "depends_on.redis.condition")).as(name).isEqualTo("service_healthy");
            // The shared block (a YAML merge key) reached every server.
            assertThat(server.get("image")).as(name).isEqualTo(service("scorecam").get("image"));
            assertThat(at(server, "build.target")).as(name).isEqualTo("cpu");
            assertThat(String.join(" ", list(at(server, "healthcheck.test")).stream().map(String::valueOf).toList()))
                    .as(name).contains("/actuator/health/readiness");
            assertThat(list(server.get("volumes"))).as(name).singleElement()
                    .satisfies(v -> assertThat(map(v)).containsEntry("target", "/models").containsEntry("read_only", true));
        }
    }

    /** Compose stops a container 10 s after SIGTERM unless told otherwise: too soon for a running job. */
    @Test
    void everyServerThatRunsOrAwaitsJobsGetsLongerThanTheServersShutdownGrace() {
        Map<String, Object> settings = Yamls.read(Path.of("src/main/resources/application.yml"));
        Duration grace = Duration.parse("PT" + at(settings, "scorecam.shutdown-grace").toString().toUpperCase());

        Map<String, Map<String, Object>> servers = new java.util.LinkedHashMap<>();
        servers.put("scorecam", service("scorecam"));
        SCORECAM_SERVICES.forEach(name -> servers.put(name, scaled(name)));
        servers.forEach((name, server) -> {
            String stop = (String) server.get("stop_grace_period");
            assertThat(stop).as("%s's stop_grace_period", name).isNotNull();
            assertThat(Duration.parse("PT" + stop.toUpperCase())).as(name).isGreaterThan(grace);
        });
    }

    @Test
    void theStoreIsValkeyPinnedAndKeepsAcceptedJobsOnDisk() throws Exception {
        Map<String, Object> redis = scaled("redis");

        // BSD-licensed; Redis 7.4's image (RSALv2/SSPL) is the alternative the file names
        assertThat((String) redis.get("image")).matches("valkey/valkey:\\d+\\.\\d+\\.\\d+(-[a-z]+)?");
        assertThat(Files.readString(SCALE)).contains("image redis:7.4.5, command [redis-server, --appendonly, \"yes\"]");
        assertThat(list(redis.get("command"))).containsExactly("valkey-server", "--appendonly", "yes");
        Map<String, Object> data = map(list(redis.get("volumes")).get(0));
        assertThat(data).containsEntry("type", "volume").containsEntry("target", "/data");
        assertThat(map(scale.get("volumes"))).containsKey((String) data.get("source"));
        // One health check for either image: each has its own client
        assertThat(String.join(" ", list(at(redis, "healthcheck.test")).stream().map(String::valueOf).toList()))
                .contains("valkey-cli", "redis-cli", "ping", "PONG");
    }

    @Test
    void scaledImagesArePinnedNeverLatest() {
        for (String name : map(scale.get("services")).keySet()) {
            String image = (String) scaled(name).get("image");
            assertThat(image).as(name).matches("[\\w./-]+:[\\w.-]+").doesNotEndWith(":latest");
        }
    }

    @Test
    void theEntryPointSpreadsOverExactlyTheApiContainersAndStreamsEvents() throws Exception {
        Map<String, Object> entry = scaled("entry");
        Map<String, Object> mount = map(list(entry.get("volumes")).get(0));
        assertThat(mount).containsEntry("type", "bind").containsEntry("read_only", true)
                .containsEntry("target", "/etc/nginx/nginx.conf");
        String nginx = Files.readString(Path.of((String) mount.get("source")));

        List<String> upstream = Pattern.compile("^\\s*server\\s+([\\w.-]+:\\d+);", Pattern.MULTILINE).matcher(nginx)
                .results().map(m -> m.group(1)).toList();
        List<String> apis = SCORECAM_SERVICES.stream().filter(n -> "api".equals(at(scaled(n), "environment.SCORECAM_ROLE")))
                .map(n -> n + ":8080").toList();
        assertThat(upstream).as("nginx upstream").containsExactlyInAnyOrderElementsOf(apis).hasSize(2);
        assertThat(nginx).containsPattern("listen\\s+8080;").containsPattern("proxy_buffering\\s+off;")
                .doesNotContain("non_idempotent");
        assertThat(list(entry.get("depends_on"))).containsExactlyInAnyOrder("api-1", "api-2");
    }

    @Test
    void scaledMonitoringMountsItsOwnScrapeConfigAndOpensOnTheScaledDashboard() {
        assertThat(targets(scaled("prometheus"))).containsExactly("/etc/prometheus/prometheus.yml");
        String source = (String) map(list(scaled("prometheus").get("volumes")).get(0)).get("source");
        assertThat(Path.of(source)).isEqualTo(Path.of("./deploy/prometheus/prometheus-scale.yml")).exists();
        String home = (String) at(scaled("grafana"), "environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertThat(home).isEqualTo("/etc/grafana/dashboards/scorecam-scale.json");
        assertThat(Path.of("deploy/grafana/dashboards/scorecam-scale.json")).exists();
        for (String name : List.of("entry", "prometheus", "grafana")) {
            for (Object entry : list(scaled(name).get("volumes"))) {
                assertThat(map(entry)).as(name).containsEntry("read_only", true);
                assertThat(Path.of((String) map(entry).get("source"))).as(name).exists();
            }
        }
    }

    private static List<Object> targets(Map<String, Object> service) {
        return list(service.get("volumes")).stream().map(v -> map(v).get("target")).toList();
    }

    private List<Object> targets(String service) {
        return list(service(service).get("volumes")).stream().map(v -> map(v).get("target")).toList();
    }
}
