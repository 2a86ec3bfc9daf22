package dev.scorecam.api;

import java.awt.image.BufferedImage;

import dev.scorecam.cam.Box;
import dev.scorecam.cam.TargetMap;
import dev.scorecam.cam.Saliency;
import dev.scorecam.explain.ChosenBox;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.PreparedRequest;
import dev.scorecam.explain.Rejection;
import dev.scorecam.imaging.BoxOutline;
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

    /** A PNG at the original image's resolution; a detector's explained box outlined on it. */
    byte[] render(Explanation explanation, TargetMap target) {
        Saliency map = target.saliency();
        PreparedRequest request = explanation.request();
        BufferedImage image = RENDERER.render(map.values(), map.width(), map.height(), request.input().placement(),
                request.original(), colormap, overlay, alpha);
        if (request.targets() instanceof ChosenBox chosen) {
            Box box = chosen.inImage();
            BoxOutline.draw(image, box.x0(), box.y0(), box.x1(), box.y1());
        }
        return PngEncoder.encode(image);
    }
}
