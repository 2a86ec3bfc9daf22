package dev.scorecam.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * How the target layer itself lays out its output ({@code layout:} in model.yaml). The package's
 * {@code features} always gives (N,K,h,w) and its {@code head} takes that back, so the CAM code never
 * sees the layout; the service checks it against the activations and reports it.
 *
 * @param prefixTokens class or register tokens before the grid (tokens only): they carry no place in the
 *     image and are not in the activations; a package with some cannot rebuild them from the grid, so it
 *     has no head
 * @param gridWidth the token grid's width (tokens only, else 0)
 * @param gridHeight the token grid's height (tokens only, else 0)
 */
public record ActivationLayout(Kind kind, int prefixTokens, int gridWidth, int gridHeight) {

    /** (N,K,h,w): what convolutional networks give and what model.yaml assumes when it says nothing. */
    public static final ActivationLayout CHANNELS_FIRST = new ActivationLayout(Kind.CHANNELS_FIRST, 0, 0, 0);

    public enum Kind {
        /** (N,K,h,w). */
        CHANNELS_FIRST("channels-first"),
        /** (N,h,w,K): Swin stages, the inside of ConvNeXt blocks. */
        CHANNELS_LAST("channels-last"),
        /** (N, prefix + h*w, K): vision transformers. */
        TOKENS("tokens");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** @throws IllegalArgumentException naming the layouts there are */
        static Kind parse(String value) {
            String id = value.strip().toLowerCase(Locale.ROOT);
            return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("'layout' must be one of "
                            + String.join(", ", Arrays.stream(values()).map(Kind::id).toList()) + ", not '"
                            + value + "'"));
        }
    }

    public ActivationLayout {
        if (kind == Kind.TOKENS ? gridWidth < 1 || gridHeight < 1 || prefixTokens < 0
                : gridWidth != 0 || gridHeight != 0 || prefixTokens != 0) {
            throw new IllegalArgumentException(kind == Kind.TOKENS
                    ? "'layout: tokens' needs 'grid' with a positive width and height, and 'prefix-tokens' >= 0"
                    : "'grid' and 'prefix-tokens' belong to 'layout: tokens', not " + kind.id());
        }
    }

    /** Whether the package's head can take the activations back: not when prefix tokens were left out. */
    public boolean hasHead() {
        return prefixTokens == 0;
    }

    /** Whether activations of this grid size fit the layout (a token grid must be the one declared). */
    boolean fits(long width, long height) {
        return kind != Kind.TOKENS || (width == gridWidth && height == gridHeight);
    }
}
