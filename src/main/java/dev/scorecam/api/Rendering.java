package dev.scorecam.api;

import java.util.List;

import org.springframework.web.context.request.NativeWebRequest;

import dev.scorecam.cache.AnswerKeys;

/**
 * How a result is to be drawn, bound once ({@link FormBinding}) for the synchronous endpoint and a
 * job's result.
 *
 * @param heatmap true adds each map's PNG to a JSON answer
 */
record Rendering(HeatmapStyle style, boolean heatmap) {

    static final FormField<String> COLORMAP = FormField.of("colormap", String.class, "jet");
    static final FormField<Boolean> OVERLAY = FormField.of("overlay", Boolean.class, true);
    static final FormField<Float> ALPHA = FormField.of("alpha", Float.class, 0.5f);
    static final FormField<Boolean> HEATMAP = FormField.of("heatmap", Boolean.class, false);

    static List<FormField<?>> fields() {
        return List.of(COLORMAP, OVERLAY, ALPHA, HEATMAP);
    }

    /** Writes how the answer is drawn into a cache key. */
    AnswerKeys describe(AnswerKeys key) {
        return key.add(COLORMAP.name(), style.colormap()).add(OVERLAY.name(), style.overlay())
                .add(ALPHA.name(), style.alpha()).add(HEATMAP.name(), heatmap);
    }

    static Rendering bind(NativeWebRequest request) {
        return new Rendering(HeatmapStyle.of(COLORMAP.read(request), OVERLAY.read(request), ALPHA.read(request)),
                HEATMAP.read(request));
    }
}
