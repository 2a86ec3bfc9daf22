package dev.scorecam.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The catalogue's checks of method parameters: defaults, bounds, and parameters of other methods. */
class MethodCatalogueTest {

    static MethodCatalogue.Choice choose(String method, Map<String, ? extends Number> given) {
        return MethodCatalogue.choose(MethodCatalogue.find(method).orElseThrow(), given);
    }

    @Test
    void offersTheSixMethodsScoreCamFirst() {
        assertThat(MethodCatalogue.names())
                .containsExactly("scorecam", "faster-scorecam", "sscam", "iscam", "gradcam", "gradcam++");
        assertThat(MethodCatalogue.find("lime")).isEmpty();
        assertThat(MethodCatalogue.DEFAULT).isEqualTo("scorecam");
    }

    @Test
    void parametersNotGivenTakeTheirDefaults() {
        MethodCatalogue.Choice sscam = choose("sscam", Map.of("samples", 3));
        assertThat(sscam.parameters()).containsExactly(
                Map.entry("samples", 3), Map.entry("noise", 2.0), Map.entry("seed", 0));
        assertThat(sscam.method()).isInstanceOf(SmoothedScoreCam.class);
        assertThat(choose("faster-scorecam", Map.of()).parameters()).containsExactly(Map.entry("max-channels", 16));
        assertThat(choose("iscam", Map.of()).parameters()).containsExactly(Map.entry("steps", 10));
        assertThat(choose("gradcam", Map.of()).parameters()).isEmpty();
    }

    @Test
    void aNullValueCountsAsNotGiven() {
        Map<String, Number> given = new HashMap<>();
        given.put("steps", null);
        assertThat(choose("gradcam", given).method()).isInstanceOf(GradCam.class);
    }

    @Test
    void refusesAParameterOfAnotherMethod() {
        assertThatThrownBy(() -> choose("gradcam", Map.of("steps", 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'steps' is not a parameter of gradcam, which takes none");
        assertThatThrownBy(() -> choose("sscam", Map.of("max-channels", 5)))
                .hasMessage("'max-channels' is not a parameter of sscam; it takes samples, noise, seed");
    }

    @Test
    void refusesValuesOutsideTheirBounds() {
        assertThatThrownBy(() -> choose("faster-scorecam", Map.of("max-channels", 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'max-channels' must be an integer between 1 and 4096, not 0");
        assertThatThrownBy(() -> choose("sscam", Map.of("samples", 101))).hasMessageContaining("between 1 and 100");
        assertThatThrownBy(() -> choose("sscam", Map.of("noise", -0.1))).hasMessageContaining("'noise' must be a number");
        assertThatThrownBy(() -> choose("sscam", Map.of("noise", Double.NaN))).hasMessageContaining("not NaN");
        assertThatThrownBy(() -> choose("sscam", Map.of("noise", Double.POSITIVE_INFINITY)))
                .hasMessageContaining("not Infinity");
        assertThatThrownBy(() -> choose("sscam", Map.of("seed", -1L))).hasMessageContaining("'seed'");
        assertThatThrownBy(() -> choose("iscam", Map.of("steps", 2.5))).hasMessageContaining("an integer");
        assertThat(choose("iscam", Map.of("steps", 100)).parameters()).containsEntry("steps", 100);
        assertThat(choose("sscam", Map.of("noise", 0.0)).parameters()).containsEntry("noise", 0.0);
    }
}
