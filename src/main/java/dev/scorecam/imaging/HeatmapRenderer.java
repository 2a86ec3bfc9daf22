package dev.scorecam.imaging;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Objects;

/**
 * Draws a saliency map back onto the original image at its own resolution. The map covers the
 * model input (any map resolution: input pixels or feature cells); each original pixel centre is
 * carried into input coordinates by the {@link Placement} and the map is sampled there bilinearly,
 * edges clamped. Values are expected in [0,1] and are not rescaled here.
 *
 * <p>With center-crop, some original pixels never reached the model and have no saliency at all,
 * which is different from low saliency. Overlays show them as the original dimmed to
 * {@value #UNSEEN_BRIGHTNESS} (never blended with colour); bare heatmaps are ARGB and leave them
 * fully transparent.
 */
public final class HeatmapRenderer {

    static final float UNSEEN_BRIGHTNESS = 0.4f;

    /**
     * @param overlay true: blend {@code alpha} of the colormap over the original ({@code TYPE_INT_RGB});
     *                false: the bare colormap at the original's size ({@code TYPE_INT_ARGB})
     * @param alpha   weight of the colour in the blend, in [0,1]; ignored when {@code overlay} is false
     */
    public BufferedImage render(float[] saliency, int mapWidth, int mapHeight, Placement placement,
                                BufferedImage original, Colormap colormap, boolean overlay, float alpha) {
        Objects.requireNonNull(saliency, "saliency");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(colormap, "colormap");
        if (mapWidth < 1 || mapHeight < 1 || saliency.length != (long) mapWidth * mapHeight) {
            throw new IllegalArgumentException("saliency holds %d values, not a %dx%d map"
                    .formatted(saliency.length, mapWidth, mapHeight));
        }
        if (original.getWidth() != placement.originalWidth() || original.getHeight() != placement.originalHeight()) {
            throw new IllegalArgumentException("The original is %dx%d but the placement was made for %dx%d"
                    .formatted(original.getWidth(), original.getHeight(),
                            placement.originalWidth(), placement.originalHeight()));
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0,1], was " + alpha);
        }

        int width = original.getWidth();
        int height = original.getHeight();
        MapAxis[] columns = new MapAxis[width];
        for (int x = 0; x < width; x++) {
            columns[x] = MapAxis.at(placement.toInputX(x + 0.5), placement.inputWidth(), mapWidth);
        }
        MapAxis[] rows = new MapAxis[height];
        for (int y = 0; y < height; y++) {
            rows[y] = MapAxis.at(placement.toInputY(y + 0.5), placement.inputHeight(), mapHeight);
        }

        BufferedImage out = new BufferedImage(width, height,
                overlay ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
        int[] pixels = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        int[] source = RgbConversion.packedRgb(original);
        // Transparent originals are shown over black, as any viewer would; opaque ones as they are.
        int opaqueBits = original.getColorModel().hasAlpha() ? 0 : 0xFF000000;
        for (int y = 0; y < height; y++) {
            MapAxis r = rows[y];
            for (int x = 0; x < width; x++) {
                MapAxis c = columns[x];
                int base = RgbConversion.overBlack(source[y * width + x] | opaqueBits);
                int result;
                if (!r.seen() || !c.seen()) {
                    result = overlay ? scale(base, UNSEEN_BRIGHTNESS) : 0;
                } else {
                    float top = lerp(saliency[r.lo() * mapWidth + c.lo()], saliency[r.lo() * mapWidth + c.hi()], c.f());
                    float bottom = lerp(saliency[r.hi() * mapWidth + c.lo()], saliency[r.hi() * mapWidth + c.hi()], c.f());
                    int colour = colormap.rgb(lerp(top, bottom, r.f()));
                    result = overlay ? blend(base, colour, alpha) : 0xFF000000 | colour;
                }
                pixels[y * width + x] = result;
            }
        }
        return out;
    }

    /** Bilinear sampling position along one axis of the map, with edges clamped. */
    private record MapAxis(boolean seen, int lo, int hi, float f) {

        static MapAxis at(double input, int inputSize, int mapSize) {
            if (input < 0 || input > inputSize) {
                return new MapAxis(false, 0, 0, 0);
            }
            // Map cell k is centred at (k + 0.5) in map coordinates.
            double m = input * mapSize / inputSize - 0.5;
            int lo = (int) Math.floor(m);
            float f = (float) (m - lo);
            int hi = Math.min(mapSize - 1, Math.max(0, lo + 1));
            lo = Math.min(mapSize - 1, Math.max(0, lo));
            return new MapAxis(true, lo, hi, f);
        }
    }

    private static float lerp(float a, float b, float f) {
        return a + (b - a) * f;
    }

    private static int blend(int base, int colour, float alpha) {
        return mix(base >> 16 & 0xFF, colour >> 16 & 0xFF, alpha) << 16
                | mix(base >> 8 & 0xFF, colour >> 8 & 0xFF, alpha) << 8
                | mix(base & 0xFF, colour & 0xFF, alpha);
    }

    private static int mix(int a, int b, float alpha) {
        return Math.round(a + (b - a) * alpha);
    }

    private static int scale(int rgb, float factor) {
        return Math.round((rgb >> 16 & 0xFF) * factor) << 16
                | Math.round((rgb >> 8 & 0xFF) * factor) << 8
                | Math.round((rgb & 0xFF) * factor);
    }
}
