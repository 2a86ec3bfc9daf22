package dev.scorecam.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The catalogue's checks of method parameters: defaults, bounds, and parameters of other methods. */
class MethodCatalogueTest {

    static MethodCatalogue.Choice choose(String method, Map<String, ?> given) {
        return MethodCatalogue.choose(MethodCatalogue.find(method).orElseThrow(), given(given));
    }

    /** Values by the names requests give them, as the declared parameters of those names. */
    static Map<MethodParameter, Object> given(Map<String, ?> byName) {
        Map<MethodParameter, Object> given = new HashMap<>();
        byName.forEach((name, value) -> given.put(MethodCatalogue.parameter(name).orElseThrow(), value));
        return given;
    }

    /** The arguments bound, by name, in the method's order. */
    static Map<String, Object> values(MethodCatalogue.Choice choice) {
        Map<String, Object> values = new LinkedHashMap<>();
        choice.arguments().values().forEach(a -> values.put(a.parameter().name(), a.value()));
        return values;
    }

    @Test
    void offersTheElevenMethodsScoreCamFirst() {
        assertThat(MethodCatalogue.names()).containsExactly("scorecam", "faster-scorecam", "sscam", "iscam", "gradcam",
                "gradcam++", "eigencam", "ablation-cam", "recipro-cam", "layercam", "hirescam");
        assertThat(MethodCatalogue.find("lime")).isEmpty();
        assertThat(MethodCatalogue.DEFAULT).isEqualTo("scorecam");
    }

    @Test
    void parametersNotGivenTakeTheirDefaults() {
        MethodCatalogue.Choice sscam = choose("sscam", Map.of("samples", 3));
        assertThat(values(sscam)).containsExactly(
                Map.entry("samples", 3), Map.entry("noise", 2.0), Map.entry("seed", 0L),
                Map.entry("weighting", "softmax"));
        assertThat(sscam.cam()).isInstanceOf(SmoothedScoreCam.class);
        assertThat(values(choose("faster-scorecam", Map.of()))).containsExactly(Map.entry("max-channels", 16),
                Map.entry("weighting", "softmax"));
        assertThat(values(choose("iscam", Map.of()))).containsExactly(Map.entry("steps", 10),
                Map.entry("weighting", "softmax"));
        assertThat(values(choose("scorecam", Map.of()))).containsExactly(Map.entry("weighting", "softmax"));
        assertThat(values(choose("gradcam", Map.of()))).isEmpty();
    }

    @Test
    void aNullValueCountsAsNotGiven() {
        Map<String, Object> given = new HashMap<>();
        given.put("steps", null);
        assertThat(choose("gradcam", given).cam()).isInstanceOf(GradCam.class);
    }

    @Test
    void refusesAParameterOfAnotherMethod() {
        assertThatThrownBy(() -> choose("gradcam", Map.of("steps", 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'steps' is not a parameter of gradcam, which takes none");
        assertThatThrownBy(() -> choose("sscam", Map.of("max-channels", 5)))
                .hasMessage("'max-channels' is not a parameter of sscam; it takes samples, noise, seed, weighting");
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
        assertThat(values(choose("iscam", Map.of("steps", 100)))).containsEntry("steps", 100);
        assertThat(values(choose("sscam", Map.of("noise", 0.0)))).containsEntry("noise", 0.0);
    }

    @Test
    void theScoreCamFamilyTakesAWeightingByName() {
        for (String method : new String[] {"scorecam", "faster-scorecam", "sscam", "iscam"}) {
            assertThat(values(choose(method, Map.of("weighting", "relu-increase"))))
                    .containsEntry("weighting", "relu-increase");
        }
        assertThat(MethodCatalogue.WEIGHTING.values()).containsExactly("softmax", "probability", "relu-increase");
        assertThat(MethodCatalogue.WEIGHTING.type().json()).isEqualTo("string");
        assertThatThrownBy(() -> choose("scorecam", Map.of("weighting", "uniform")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'weighting' must be one of softmax, probability, relu-increase, not 'uniform'");
        assertThatThrownBy(() -> choose("scorecam", Map.of("weighting", 1)))
                .hasMessage("'weighting' must be one of softmax, probability, relu-increase, not '1'");
        assertThatThrownBy(() -> choose("gradcam", Map.of("weighting", "probability")))
                .hasMessage("'weighting' is not a parameter of gradcam, which takes none");
        assertThatThrownBy(() -> choose("iscam", Map.of("steps", "ten"))).hasMessage("'steps' must be a number, not 'ten'");
    }

    @Test
    void aNetworkWithoutGradientsRunsTheScoreCamFamilyOnly() {
        assertThat(MethodCatalogue.runnableOn(EnumSet.noneOf(Network.Capability.class)).stream().map(m -> m.name()))
                .contains("scorecam", "faster-scorecam", "sscam", "iscam")
                .doesNotContain("gradcam", "gradcam++");
        assertThat(MethodCatalogue.find("gradcam").orElseThrow().needs()).containsExactly(Network.Capability.GRADIENTS);
        assertThat(MethodCatalogue.runnableOn(EnumSet.allOf(Network.Capability.class)))
                .isEqualTo(MethodCatalogue.methods());
    }
}
