package dev.scorecam.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * What can be checked of the Dockerfile without a Docker engine: the stages, their order and
 * the runtime settings. {@link ContainerImageIT} runs the image it builds where a container engine is.
 */
class DockerfileTest {

    private final String dockerfile = read(Path.of("Dockerfile"));

    @Test
    void cpuAndGpuTargetsWithTheCpuImageAsDefault() {
        List<String> stages = stages();

        assertThat(stages).contains("build", "layers", "natives", "cpu", "natives-gpu", "gpu");
        assertThat(stages.indexOf("cpu")).as("the legacy builder stops at --target cpu before any GPU stage")
                .isLessThan(stages.indexOf("natives-gpu"));
        assertThat(dockerfile.strip()).endsWith("FROM cpu");
        assertThat(dockerfile).contains("ARG CUDA_IMAGE=nvidia/cuda:12.8.1-runtime-ubuntu22.04");
        assertThat(dockerfile).doesNotContainPattern("(?m)^(ARG|FROM)\\s.*:latest\\b");
        assertThat(dockerfile).as("classic syntax only").doesNotContain("RUN --mount").doesNotContain("<<");
    }

    @Test
    void springBootLayersAreCopiedFromLeastToMostOftenChanged() {
        assertThat(dockerfile).contains("java -Djarmode=tools -jar application.jar extract --layers --destination extracted");
        for (String target : List.of("cpu", "gpu")) {
            String stage = stage(target);
            int dependencies = stage.indexOf("/layers/extracted/dependencies/");
            int loader = stage.indexOf("/layers/extracted/spring-boot-loader/");
            int snapshots = stage.indexOf("/layers/extracted/snapshot-dependencies/");
            int application = stage.indexOf("/layers/extracted/application/");
            assertThat(dependencies).as(target).isPositive().isLessThan(loader);
            assertThat(loader).as(target).isLessThan(snapshots);
            assertThat(snapshots).as(target).isLessThan(application);
        }
    }

    @Test
    void runtimeStagesRunAsNonRootOfflineWithNativesAlreadyExtracted() {
        for (String target : List.of("cpu", "gpu")) {
            String stage = stage(target);
            assertThat(stage).as(target)
                    .containsPattern("(?m)^USER 10001:10001$")
                    .contains("DJL_CACHE_DIR=/opt/scorecam/djl-cache")
                    .contains("DJL_OFFLINE=true")
                    .contains("/opt/scorecam/djl-cache/ /opt/scorecam/djl-cache/")
                    .contains("\"-XX:+ExitOnOutOfMemoryError\"")
                    .contains("\"-jar\", \"application.jar\"")
                    .contains("model-dirs: /models")
                    .contains("EXPOSE 8080");
        }
        assertThat(stage("natives")).contains("java -cp 'extracted/dependencies/lib/*' /opt/PrefetchEngine.java");
        assertThat(stage("natives-gpu")).contains("PYTORCH_FLAVOR=cu128").contains("rm -f extracted/dependencies/lib/pytorch-native-cpu-");
        for (String natives : List.of("natives", "natives-gpu")) {
            // DJL extracts as root into a 0700 folder: unreadable by uid 10001, the image would not start.
            assertThat(stage(natives)).as(natives).contains("chmod -R a+rX,go-w /opt/scorecam/djl-cache");
        }
        assertThat(stage("gpu")).contains("PYTORCH_FLAVOR=cu128").contains("device: gpu");
        assertThat(Path.of("deploy/docker/PrefetchEngine.java")).exists();
    }

    @Test
    void buildContextHoldsOnlyWhatTheBuildReads() {
        List<String> ignore = read(Path.of(".dockerignore")).lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();

        assertThat(ignore).first().isEqualTo("*");
        assertThat(ignore).contains("!mvnw", "!pom.xml", "!.mvn/", "!src/main/", "!deploy/docker/");
        Matcher copies = Pattern.compile("(?m)^COPY (?!--from)(.+) \\S+$").matcher(dockerfile);
        while (copies.find()) {
            for (String source : copies.group(1).split("\\s+")) {
                assertThat(Path.of(source)).as("COPY source %s", source).exists();
            }
        }
    }

    private List<String> stages() {
        List<String> names = new ArrayList<>();
        Matcher matcher = Pattern.compile("(?m)^FROM \\S+ AS (\\S+)$").matcher(dockerfile);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /** The text of one stage, from its FROM line to the next FROM. */
    private String stage(String name) {
        Matcher matcher = Pattern.compile("(?m)^FROM \\S+ AS " + Pattern.quote(name) + "$").matcher(dockerfile);
        assertThat(matcher.find()).as("stage %s", name).isTrue();
        int next = dockerfile.indexOf("\nFROM ", matcher.end());
        return dockerfile.substring(matcher.start(), next < 0 ? dockerfile.length() : next);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
