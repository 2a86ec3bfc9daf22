package dev.scorecam.imaging;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.DoubleToIntFunction;
import java.util.stream.Collectors;

/**
 * Saliency in [0,1] to packed 0xRRGGBB. Jet is MATLAB's piecewise-linear formula; turbo, viridis
 * and inferno interpolate 17 anchors sampled from matplotlib's 256-entry tables (at v = k/16),
 * within 7/255 of matplotlib everywhere. Each map is tabulated once into 256 entries.
 */
public enum Colormap {
    JET(Colormap::matlabJet),
    TURBO(0x30123b, 0x4040a2, 0x466be3, 0x4294ff, 0x28bceb, 0x18ddc2, 0x32f298, 0x6dfe62, 0xa4fc3c,
            0xcbed34, 0xecd13a, 0xfdae35, 0xfb8122, 0xec530f, 0xd23105, 0xac1701, 0x7a0403),
    VIRIDIS(0x440154, 0x48186a, 0x472d7b, 0x424086, 0x3b528b, 0x33638d, 0x2c728e, 0x26828e, 0x21918c,
            0x1f9f88, 0x27ad81, 0x3dbc74, 0x5cc863, 0x81d34d, 0xaadc32, 0xd5e21a, 0xfde725),
    INFERNO(0x000004, 0x0b0724, 0x210c4a, 0x3d0965, 0x57106e, 0x71196e, 0x8a226a, 0xa32c61, 0xbc3754,
            0xd04545, 0xe35933, 0xf1711f, 0xf98c0a, 0xfcaa0f, 0xf9c932, 0xf2e865, 0xfcffa4),
    GRAY(v -> {
        int g = (int) Math.round(v * 255);
        return g << 16 | g << 8 | g;
    });

    private final int[] table = new int[256];

    Colormap(DoubleToIntFunction colour) {
        for (int i = 0; i < table.length; i++) {
            table[i] = colour.applyAsInt(i / 255.0);
        }
    }

    Colormap(int... anchors) {
        this(v -> interpolate(anchors, v));
    }

    /** The spelling used in the API. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Colormap parse(String s) {
        String wanted = s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
        for (Colormap map : values()) {
            if (map.id().equals(wanted) || (map == GRAY && wanted.equals("grey"))) {
                return map;
            }
        }
        throw new IllegalArgumentException("Unknown colormap '%s'; use one of %s".formatted(
                s, Arrays.stream(values()).map(Colormap::id).collect(Collectors.joining(", "))));
    }

    /** Colour of {@code v}, clamped to [0,1]; NaN counts as 0 (no evidence). */
    public int rgb(float v) {
        if (!(v > 0)) {
            return table[0];
        }
        if (v >= 1) {
            return table[255];
        }
        return table[(int) (v * 255 + 0.5f)];
    }

    private static int matlabJet(double v) {
        return channel(1.5 - Math.abs(4 * v - 3)) << 16
                | channel(1.5 - Math.abs(4 * v - 2)) << 8
                | channel(1.5 - Math.abs(4 * v - 1));
    }

    private static int channel(double level) {
        return (int) Math.round(255 * Math.max(0, Math.min(1, level)));
    }

    private static int interpolate(int[] anchors, double v) {
        double t = v * (anchors.length - 1);
        int k = Math.min((int) t, anchors.length - 2);
        double f = t - k;
        int a = anchors[k];
        int b = anchors[k + 1];
        return mix(a >> 16 & 0xFF, b >> 16 & 0xFF, f) << 16
                | mix(a >> 8 & 0xFF, b >> 8 & 0xFF, f) << 8
                | mix(a & 0xFF, b & 0xFF, f);
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round(a + (b - a) * f);
    }
}
