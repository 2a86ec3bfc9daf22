package dev.scorecam.deploy;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Whether a Docker engine answers here, asked of the docker CLI. Testcontainers' own check
 * ({@code disabledWithoutDocker}) logs an ERROR with every strategy it tried where none runs, which
 * a reader of a green build cannot tell from a real failure; this one is quiet and the skip says why.
 */
final class DockerEngine {

    static final String ABSENT = "no Docker engine runs here (`docker info` fails): the container test needs one";

    private DockerEngine() {}

    static boolean running() {
        try {
            Process info = new ProcessBuilder("docker", "info", "--format", "{{.ServerVersion}}")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!info.waitFor(20, TimeUnit.SECONDS)) {
                info.destroyForcibly();
                return false;
            }
            return info.exitValue() == 0;
        } catch (IOException e) {
            return false; // no docker CLI at all
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
