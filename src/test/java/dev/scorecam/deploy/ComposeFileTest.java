package dev.scorecam.deploy;

import static dev.scorecam.deploy.Yamls.at;
import static dev.scorecam.deploy.Yamls.list;
import static dev.scorecam.deploy.Yamls.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** docker-compose.yml, read as YAML: no Docker engine runs where the tests do. */
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

    private List<Object> targets(String service) {
        return list(service(service).get("volumes")).stream().map(v -> map(v).get("target")).toList();
    }
}
