package dev.scorecam.model;

import java.util.Arrays;
import java.util.Locale;

/** What a model package's network does ({@code task:} in model.yaml), and so what its output rows hold. */
public enum Task {
    /** (N,classes) logits. */
    CLASSIFICATION("classification"),
    /** (N,D,6) detections {@code [x0,y0,x1,y1,score,class]} in input pixels, served as (N,D*6) rows. */
    DETECTION("detection");

    private final String id;

    Task(String id) {
        this.id = id;
    }

    /** As model.yaml writes it. */
    public String id() {
        return id;
    }

    /** @throws IllegalArgumentException naming the tasks there are */
    static Task parse(String value) {
        String id = value.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'task' must be one of "
                        + String.join(", ", Arrays.stream(values()).map(Task::id).toList()) + ", not '" + value + "'"));
    }
}
