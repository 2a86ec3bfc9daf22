package dev.scorecam.api;

import dev.scorecam.cam.TargetMap;
import dev.scorecam.cam.Saliency;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.PreparedRequest;
import dev.scorecam.explain.Rejection;
import dev.scorecam.imaging.Colormap;
import dev.scorecam.imaging.HeatmapRenderer;
import dev.scorecam.imaging.PngEncoder;

/** How the client wants a map drawn: colours, and whether over the original image. */
record HeatmapStyle(Colormap colormap, boolean overlay, float alpha) {

    private static final HeatmapRenderer RENDERER = new HeatmapRenderer();

    static HeatmapStyle of(String colormap, boolean overlay, float alpha) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw Rejection.notBetween("alpha", 0, 1, alpha);
        }
        try {
            return new HeatmapStyle(Colormap.parse(colormap), overlay, alpha);
        } catch (IllegalArgumentException e) {
            throw Rejection.INVALID_PARAMETER.because(e.getMessage());
        }
    }

    /** A PNG at the original image's resolution. */
    byte[] render(Explanation explanation, TargetMap target) {
        Saliency map = target.saliency();
        PreparedRequest request = explanation.request();
        return PngEncoder.encode(RENDERER.render(map.values(), map.width(), map.height(), request.input().placement(),
                request.original(), colormap, overlay, alpha));
    }
}
