package dev.scorecam.api;

import java.util.List;

import dev.scorecam.explain.Explanation;
import dev.scorecam.jobs.JobProgress;

/**
 * A {@code partial} event of a progressive job: one target's map from the channels scored so far
 * (the last one is the exact map), as the JSON response carries maps.
 *
 * @param data little-endian float32, row-major, base64, in [0,1]
 * @param done masked inputs scored when it was made, out of {@code total}, as in {@code progress}
 */
record PartialMap(ExplanationResponse.ClassRef target, int width, int height, String dtype, String encoding,
        String data, boolean allZero, int done, int total) {

    static List<PartialMap> of(Explanation soFar, JobProgress progress) {
        List<String> labels = soFar.model().labels();
        return soFar.result().maps().stream()
                .map(e -> {
                    var map = ExplanationResponse.SaliencyData.of(e.saliency());
                    return new PartialMap(ExplanationResponse.ClassRef.of(e.target(), labels),
                            map.width(), map.height(), map.dtype(), map.encoding(), map.data(), map.allZero(),
                            progress.done(), progress.total());
                })
                .toList();
    }
}
