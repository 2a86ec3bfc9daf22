package dev.scorecam.cam;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The CAM methods a request may ask for ({@code method=}), what each costs and the parameters it
 * takes, with their defaults and bounds: one place for the checks, {@code GET /v1/methods} and the
 * documentation.
 */
public final class MethodCatalogue {

    public static final String DEFAULT = "scorecam";

    /**
     * A method as the catalogue lists it, with the parameters it takes, how it is made from their
     * values, and what it needs of the network beyond features and forward passes.
     */
    public record Method(String name, String title, String description, String cost, List<MethodParameter> parameters,
            Function<MethodArguments, CamMethod> factory, Set<Network.Capability> needs) {

        public Method {
            needs = Set.copyOf(needs);
        }

        /** A method that needs only features and forward passes, which every network offers. */
        public Method(String name, String title, String description, String cost, List<MethodParameter> parameters,
                Function<MethodArguments, CamMethod> factory) {
            this(name, title, description, cost, parameters, factory, Set.of());
        }

        /** Whether a network offering these capabilities can run it. */
        public boolean runsOn(Set<Network.Capability> offered) {
            return offered.containsAll(needs);
        }
    }

    /** A method with its parameters checked and bound. */
    public record Choice(Method method, MethodArguments arguments, CamMethod cam) {

        public String name() {
            return method.name();
        }
    }

    static final MethodParameter MAX_CHANNELS = new MethodParameter("max-channels", MethodParameter.Type.INT32, 16, 1,
            4096, "channels scored: those of largest activation variance");
    static final MethodParameter SAMPLES = new MethodParameter("samples", MethodParameter.Type.INT32, 35, 1, 100,
            "noisy copies of each mask (torch-cam's default)");
    static final MethodParameter NOISE = new MethodParameter("noise", MethodParameter.Type.DOUBLE, 2.0, 0.0, 100.0,
            "standard deviation of the Gaussian noise added to each [0,1] mask (torch-cam's default)");
    static final MethodParameter SEED = new MethodParameter("seed", MethodParameter.Type.INT64, 0, 0, Integer.MAX_VALUE,
            "seed of the noise: the same request gives the same map");
    static final MethodParameter STEPS = new MethodParameter("steps", MethodParameter.Type.INT32, 10, 1, 100,
            "scales i/steps (i = 1..steps) of each mask");
    static final MethodParameter WEIGHTING = MethodParameter.choice("weighting", ChannelWeighting.parameterValues(),
            ChannelWeighting.SOFTMAX.parameterValue(),
            "channel weights from the masked inputs' scores: softmax over channels of S_k - S_b (the paper's), "
                    + "probability: the masked input's class probability p_k (the authors' code), relu-increase: "
                    + "max(0, p_k - p_b); the last two read probabilities whatever score says");

    private static final List<Method> METHODS = List.of(
            new Method("scorecam", "Score-CAM",
                    "Wang et al. 2020: each channel's map masks the input; its weight comes from how much the masked "
                            + "input raises the class score above a black baseline (by default the paper's softmax over "
                            + "channels; see weighting). Exact: every live channel.",
                    "live channels + 2 forward passes", List.of(WEIGHTING), p -> new ScoreCam(weighting(p))),
            new Method("faster-scorecam", "Faster Score-CAM",
                    "Score-CAM on the max-channels channels of largest activation variance only; the others weigh 0.",
                    "min(max-channels, live channels) + 2 forward passes", List.of(MAX_CHANNELS, WEIGHTING),
                    p -> new FasterScoreCam(p.intValue(MAX_CHANNELS), weighting(p))),
            new Method("sscam", "SS-CAM (Smoothed Score-CAM)",
                    "Wang, Naidu et al. 2020: each mask is scored samples times with Gaussian noise added, and the "
                            + "scores averaged. Seeded: the same request gives the same map.",
                    "samples x live channels + 2 forward passes", List.of(SAMPLES, NOISE, SEED, WEIGHTING),
                    p -> new SmoothedScoreCam(p.intValue(SAMPLES), p.doubleValue(NOISE), p.longValue(SEED),
                            weighting(p))),
            new Method("iscam", "IS-CAM (Integrated Score-CAM)",
                    "Naidu et al. 2020: each mask is scored at the scales 1/steps .. 1 and the scores averaged.",
                    "steps x live channels + 2 forward passes", List.of(STEPS, WEIGHTING),
                    p -> new IntegratedScoreCam(p.intValue(STEPS), weighting(p))),
            new Method("gradcam", "Grad-CAM",
                    "Selvaraju et al. 2017: channel weights are the spatial mean of the class score's gradient.",
                    "1 forward + 1 backward pass", List.of(), p -> new GradCam(), Set.of(Network.Capability.GRADIENTS)),
            new Method("gradcam++", "Grad-CAM++",
                    "Chattopadhay et al. 2018: positive gradients weighted by the closed-form alphas of the paper "
                            + "(exponential of the score).",
                    "1 forward + 1 backward pass", List.of(), p -> new GradCamPlusPlus(),
                    Set.of(Network.Capability.GRADIENTS)),
            new Method("eigencam", "Eigen-CAM",
                    "Muhammad and Yeasin 2020: the projection of the activations on their first principal component "
                            + "(centred, sign with the largest magnitude positive). Gradient-free and the same map for "
                            + "every class.",
                    "1 forward pass", List.of(), p -> new EigenCam()),
            new Method("ablation-cam", "Ablation-CAM",
                    "Desai and Ramaswamy 2020: each channel's weight is the relative drop of the class score when "
                            + "that channel of the activations is zeroed, rescored through the head only.",
                    "1 forward pass + at most K head passes (one per channel not all zero)", List.of(), p -> new AblationCam(),
                    Set.of(Network.Capability.HEAD)),
            new Method("recipro-cam", "Recipro-CAM",
                    "Byun and Lee 2022: at each cell of the target layer's grid, the class score of the activations "
                            + "reduced to that cell (3x3 Gaussian neighbourhood), rescored through the head only. "
                            + "The paper scores the probability (score=probability).",
                    "1 forward pass + h x w head passes (one per cell of the target layer)", List.of(),
                    p -> new ReciproCam(), Set.of(Network.Capability.HEAD)),
            new Method("layercam", "LayerCAM",
                    "Jiang et al. 2021: each activation weighted by its own positive gradient.",
                    "1 forward + 1 backward pass", List.of(), p -> new LayerCam(),
                    Set.of(Network.Capability.GRADIENTS)),
            new Method("hirescam", "HiResCAM",
                    "Draelos and Carin 2020: each activation multiplied by its own gradient, summed over channels.",
                    "1 forward + 1 backward pass", List.of(), p -> new HiResCam(),
                    Set.of(Network.Capability.GRADIENTS)));

    private MethodCatalogue() {}

    private static ChannelWeighting weighting(MethodArguments arguments) {
        return ChannelWeighting.of(arguments.choice(WEIGHTING));
    }

    public static List<Method> methods() {
        return METHODS;
    }

    public static Optional<Method> find(String name) {
        return METHODS.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The methods a network offering these capabilities can run, in the catalogue's order. */
    public static List<Method> runnableOn(Set<Network.Capability> offered) {
        return METHODS.stream().filter(m -> m.runsOn(offered)).toList();
    }

    /** The names, in the catalogue's order, for messages. */
    public static List<String> names() {
        return METHODS.stream().map(Method::name).toList();
    }

    /** Every parameter some method takes, once each, in the catalogue's order: what a request may give. */
    public static List<MethodParameter> parameters() {
        return METHODS.stream().flatMap(m -> m.parameters().stream()).distinct().toList();
    }

    /**
     * Checks the parameters given (by their declarations; null values count as not given; numbers
     * as {@link Number}s, choices as {@link String}s) against the method's and binds them, defaults
     * filled in.
     *
     * @throws IllegalArgumentException naming the parameter: not one of the method's, or out of bounds
     */
    public static Choice choose(Method method, Map<MethodParameter, ?> given) {
        given.forEach((parameter, value) -> {
            if (value != null && !method.parameters().contains(parameter)) {
                throw new IllegalArgumentException("'" + parameter.name() + "' is not a parameter of " + method.name()
                        + (method.parameters().isEmpty() ? ", which takes none" : "; it takes "
                        + String.join(", ", method.parameters().stream().map(MethodParameter::name).toList())));
            }
        });
        List<MethodArguments.Argument> bound = new ArrayList<>();
        for (MethodParameter parameter : method.parameters()) {
            bound.add(new MethodArguments.Argument(parameter, parameter.bind(given.get(parameter))));
        }
        MethodArguments arguments = new MethodArguments(bound);
        return new Choice(method, arguments, method.factory().apply(arguments));
    }

    /** A parameter some method takes, by its name in requests. */
    public static Optional<MethodParameter> parameter(String name) {
        return parameters().stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
