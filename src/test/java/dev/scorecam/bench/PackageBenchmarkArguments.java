package dev.scorecam.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import ai.djl.Device;

import dev.scorecam.config.TestProperties;
import dev.scorecam.model.ModelPackageReader;
import dev.scorecam.model.ServedModel;
import dev.scorecam.model.TorchEngine;

/**
 * The arguments of the benchmarks that compare model packages side by side,
 * {@code <batch> <rounds> <image> <package-dir>...}: the first package is the reference.
 */
record PackageBenchmarkArguments(int batch, int rounds, byte[] image, List<Path> packages) {

    /** Parses them and starts the engine offline, as the service does. */
    static PackageBenchmarkArguments parse(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        new TorchEngine(TestProperties.cpu());
        return new PackageBenchmarkArguments(Integer.parseInt(args[0]), Integer.parseInt(args[1]),
                Files.readAllBytes(Path.of(args[2])), Arrays.stream(args).skip(3).map(Path::of).toList());
    }

    /** Loads each package on the CPU at the batch size, adding it to {@code into} (which the caller closes). */
    void load(List<ServedModel> into) throws IOException {
        for (Path dir : packages) {
            into.add(ServedModel.load(ModelPackageReader.read(dir), Device.cpu(), batch, 3));
        }
    }
}
