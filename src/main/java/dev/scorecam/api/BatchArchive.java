package dev.scorecam.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.springframework.http.ProblemDetail;

import tools.jackson.databind.json.JsonMapper;

import dev.scorecam.cam.TargetMap;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.Rejection;
import dev.scorecam.jobs.JobSnapshot;
import dev.scorecam.jobs.JobStatus;
import dev.scorecam.queue.Batch;

/**
 * A finished batch as a zip: one file per map (each image's targets), named
 * {@code <index>-<original name>-<class>.png|.npy}, and {@code manifest.json} saying which file
 * is which image and target, and why an image has none.
 */
final class BatchArchive {

    static final String MANIFEST = "manifest.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What each map becomes in the zip. */
    enum Item {
        PNG, NPY;

        static Item of(String name) {
            return switch (name.strip().toLowerCase(Locale.ROOT)) {
                case "png" -> PNG;
                case "npy" -> NPY;
                default -> throw Rejection.INVALID_PARAMETER.because("'item' must be png or npy, not '" + name + "'");
            };
        }

        String extension() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private BatchArchive() {}

    static byte[] zip(Batch batch, List<Optional<JobSnapshot<Explanation>>> jobs, BatchView view, Item item,
            HeatmapStyle style) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Map<String, Object>> manifest = new ArrayList<>();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i < jobs.size(); i++) {
                BatchView.Item seen = view.items().get(i);
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("index", i);
                entry.put("filename", seen.filename());
                entry.put("job", seen.job());
                entry.put("status", seen.status());
                Optional<JobSnapshot<Explanation>> job = jobs.get(i);
                if (job.isPresent() && job.get().status() == JobStatus.SUCCEEDED) {
                    Explanation explanation = job.get().result().orElseThrow();
                    List<Map<String, Object>> files = new ArrayList<>();
                    for (TargetMap map : explanation.result().maps()) {
                        int target = map.target().classIndex();
                        String name = String.format(Locale.ROOT, "%03d-%s-%d.%s", i, stem(seen.filename()), target,
                                item.extension());
                        zip.putNextEntry(new ZipEntry(name));
                        zip.write(item == Item.PNG ? style.render(explanation, map) : NpyFormat.encode(map.saliency()));
                        zip.closeEntry();
                        Map<String, Object> file = new LinkedHashMap<>();
                        file.put("name", name);
                        file.put("target", ExplanationResponse.ClassRef.of(map.target(), explanation.model().labels()));
                        files.add(file);
                    }
                    entry.put("files", files);
                } else {
                    entry.put("error", problem(seen.error()));
                }
                manifest.add(entry);
            }
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("batch", batch.id().toString());
            document.put("model", batch.model());
            document.put("items", manifest);
            zip.putNextEntry(new ZipEntry(MANIFEST));
            zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(document));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: does not happen
        }
        return bytes.toByteArray();
    }

    /** The original name without its directories and extension, safe in any unzip tool; "image" when none. */
    static String stem(String filename) {
        String name = filename.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            name = name.substring(0, dot);
        }
        name = name.replaceAll("[^A-Za-z0-9._-]", "_");
        if (name.length() > 64) {
            name = name.substring(0, 64);
        }
        return name.isEmpty() || name.chars().allMatch(c -> c == '.') ? "image" : name;
    }

    private static Map<String, Object> problem(ProblemDetail problem) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("type", String.valueOf(problem.getType()));
        map.put("title", problem.getTitle());
        map.put("status", problem.getStatus());
        map.put("detail", problem.getDetail());
        return map;
    }
}
