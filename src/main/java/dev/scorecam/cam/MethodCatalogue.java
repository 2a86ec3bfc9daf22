package dev.scorecam.cam;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The CAM methods a request may ask for ({@code method=}), what each costs and the parameters it
 * takes, with their defaults and bounds: one place for the checks, {@code GET /v1/methods} and the
 * documentation.
 */
public final class MethodCatalogue {

    public static final String DEFAULT = "scorecam";

    /**
     * One parameter of a method.
     *
     * @param type {@code integer} or {@code number}
     * @param defaultValue null when it has none
     */
    public record Parameter(String name, String type, Number defaultValue, Number minimum, Number maximum,
            String description) {

        boolean integer() {
            return type.equals("integer");
        }
    }

    /** A method as the catalogue lists it. */
    public record Method(String name, String title, String description, String cost, List<Parameter> parameters,
            Function<Map<String, Number>, CamMethod> factory) {}

    /** A method with its parameters checked and bound; {@code parameters} holds every one, defaults filled in. */
    public record Choice(String name, CamMethod method, Map<String, Number> parameters) {}

    static final Parameter MAX_CHANNELS = new Parameter("max-channels", "integer", 16, 1, 4096,
            "channels scored: those of largest activation variance");
    static final Parameter SAMPLES = new Parameter("samples", "integer", 35, 1, 100,
            "noisy copies of each mask (torch-cam's default)");
    static final Parameter NOISE = new Parameter("noise", "number", 2.0, 0.0, 100.0,
            "standard deviation of the Gaussian noise added to each [0,1] mask (torch-cam's default)");
    static final Parameter SEED = new Parameter("seed", "integer", 0, 0, Integer.MAX_VALUE,
            "seed of the noise: the same request gives the same map");
    static final Parameter STEPS = new Parameter("steps", "integer", 10, 1, 100,
            "scales i/steps (i = 1..steps) of each mask");

    private static final List<Method> METHODS = List.of(
            new Method("scorecam", "Score-CAM",
                    "Wang et al. 2020: each channel's map masks the input; its weight is the softmax of how much the "
                            + "masked input raises the class score above a black baseline. Exact: every live channel.",
                    "live channels + 2 forward passes", List.of(), p -> new ScoreCam()),
            new Method("faster-scorecam", "Faster Score-CAM",
                    "Score-CAM on the max-channels channels of largest activation variance only; the others weigh 0.",
                    "min(max-channels, live channels) + 2 forward passes", List.of(MAX_CHANNELS),
                    p -> new FasterScoreCam(p.get(MAX_CHANNELS.name()).intValue())),
            new Method("sscam", "SS-CAM (Smoothed Score-CAM)",
                    "Wang, Naidu et al. 2020: each mask is scored samples times with Gaussian noise added, and the "
                            + "scores averaged. Seeded: the same request gives the same map.",
                    "samples x live channels + 2 forward passes", List.of(SAMPLES, NOISE, SEED),
                    p -> new SmoothedScoreCam(p.get(SAMPLES.name()).intValue(), p.get(NOISE.name()).doubleValue(),
                            p.get(SEED.name()).longValue())),
            new Method("iscam", "IS-CAM (Integrated Score-CAM)",
                    "Naidu et al. 2020: each mask is scored at the scales 1/steps .. 1 and the scores averaged.",
                    "steps x live channels + 2 forward passes", List.of(STEPS),
                    p -> new IntegratedScoreCam(p.get(STEPS.name()).intValue())),
            new Method("gradcam", "Grad-CAM",
                    "Selvaraju et al. 2017: channel weights are the spatial mean of the class score's gradient.",
                    "1 forward + 1 backward pass", List.of(), p -> new GradCam()),
            new Method("gradcam++", "Grad-CAM++",
                    "Chattopadhay et al. 2018: positive gradients weighted by the closed-form alphas of the paper "
                            + "(exponential of the score).",
                    "1 forward + 1 backward pass", List.of(), p -> new GradCamPlusPlus()));

    private MethodCatalogue() {}

    public static List<Method> methods() {
        return METHODS;
    }

    public static Optional<Method> find(String name) {
        return METHODS.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The names, in the catalogue's order, for messages. */
    public static List<String> names() {
        return METHODS.stream().map(Method::name).toList();
    }

    /**
     * Checks the parameters given (null values count as not given) against the method's and binds
     * them, defaults filled in.
     *
     * @throws IllegalArgumentException naming the parameter: not one of the method's, or out of bounds
     */
    public static Choice choose(Method method, Map<String, ? extends Number> given) {
        Map<String, Number> values = new LinkedHashMap<>();
        given.forEach((name, value) -> {
            if (value == null) {
                return;
            }
            Parameter parameter = method.parameters().stream().filter(p -> p.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("'" + name + "' is not a parameter of "
                            + method.name() + (method.parameters().isEmpty() ? ", which takes none" : "; it takes "
                            + String.join(", ", method.parameters().stream().map(Parameter::name).toList()))));
            check(parameter, value);
            values.put(name, value);
        });
        Map<String, Number> bound = new LinkedHashMap<>();
        for (Parameter parameter : method.parameters()) {
            bound.put(parameter.name(), values.getOrDefault(parameter.name(), parameter.defaultValue()));
        }
        return new Choice(method.name(), method.factory().apply(bound), Collections.unmodifiableMap(bound));
    }

    private static void check(Parameter parameter, Number value) {
        double v = value.doubleValue();
        boolean whole = value instanceof Integer || value instanceof Long || (Double.isFinite(v) && v == Math.rint(v));
        if (!Double.isFinite(v) || (parameter.integer() && !whole)
                || v < parameter.minimum().doubleValue() || v > parameter.maximum().doubleValue()) {
            throw new IllegalArgumentException("'" + parameter.name() + "' must be " + (parameter.integer() ? "an integer" : "a number")
                    + " between " + parameter.minimum() + " and " + parameter.maximum() + ", not " + value);
        }
    }
}
