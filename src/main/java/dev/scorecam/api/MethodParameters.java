package dev.scorecam.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** The method parameters of a request by their API names; those not given are left out. */
final class MethodParameters {

    private MethodParameters() {}

    static Map<String, Number> of(Integer maxChannels, Integer samples, Double noise, Integer steps, Long seed) {
        Map<String, Number> given = new LinkedHashMap<>();
        put(given, "max-channels", maxChannels);
        put(given, "samples", samples);
        put(given, "noise", noise);
        put(given, "steps", steps);
        put(given, "seed", seed);
        return given;
    }

    private static void put(Map<String, Number> given, String name, Number value) {
        if (value != null) {
            given.put(name, value);
        }
    }
}
